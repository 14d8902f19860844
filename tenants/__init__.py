"""Tenants: provisioning (from a plugin), API keys and roles, resolving a credential."""
