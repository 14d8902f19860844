"""Tenants: provisioning (from a plugin), API keys and roles, resolving a credential."""

import core.wiring  # noqa: F401  (every context registered before any entry point runs core's services)
