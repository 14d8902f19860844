"""Jurisdiction-neutral domain core of Qingdan (清单).

Nothing in this package knows about HTTP, GraphQL or any particular county. One folder per
bounded context (README "Layout" lists them): ``platform`` and ``security`` under everything,
``plugin_api`` the contract with jurisdiction plugins, then ``jurisdictions``, ``catalog``,
``lists``, ``workflow``, ``evaluation``, ``calls``, ``legal``, ``publication``, ``events`` and
``exchange``. Large services are split along their sections, with a ``service`` module that
gathers what the API calls.
"""
