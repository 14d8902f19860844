"""The contexts that register with others, imported together so that no process misses one.

Dependencies inside ``core/`` point one way; where a lower context must run a higher one's
code in its own transaction, the higher one registers it at import instead of being imported
back: the township lists follow a catalog publication (:func:`core.catalog.editing.register_follower`),
an approved admission or township application changes the catalog
(:func:`core.workflow.engine.register_effect`), the deadline sweep escalates late calls
(:func:`core.workflow.engine.register_expiry`). Importing this module performs every
registration; ``tenants`` (the layer every entry point — the app, the command, the
benchmarks — goes through) imports it, and the registries raise if it was skipped.
"""

from core.calls import escalation
from core.lists import service as lists
from core.workflow import admission, bottom_up

__all__ = ["admission", "bottom_up", "escalation", "lists"]
