"""Who is calling and what they may do: access, roles, tenancy, the audit trail and idempotency keys."""
