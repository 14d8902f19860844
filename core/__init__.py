"""Jurisdiction-neutral domain core of Qingdan (清单).

Nothing in this package knows about HTTP, GraphQL or any particular county.
"""
