"""The plugin API: hook specifications, the types plugins return, loading and the conformance kit."""
