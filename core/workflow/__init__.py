"""The workflow engine: plugin-supplied definitions (data) run over instances in PostgreSQL.

* :mod:`core.workflow.definition` — the public types a plugin returns from ``qingdan_workflows``;
* :mod:`core.workflow.templates` — builders for the usual shapes (admission, adjustment, call);
* :mod:`core.workflow.validation` — checks when a plugin loads (python-statemachine for the graph);
* :mod:`core.workflow.engine` — start, transition, history, allowed transitions, overdue.

* :mod:`core.workflow.registry` — the definitions a tenant runs: its plugin's, plus core's default
  (:mod:`core.workflow.defaults`) for each kind the plugin does not supply;
* :mod:`core.workflow.admission`, :mod:`core.workflow.bottom_up` — what an approved admission or
  township application does to the catalog (registered with the engine as effects).
"""
