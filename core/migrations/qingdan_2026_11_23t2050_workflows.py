"""Workflow instances (admission 准入, bottom-up adjustment 动态调整, …) and every step taken.

An instance records its definition (by name, with the kind), its current state, the
deadline of that state and the application it carries (``data``: the draft item, the
justification, resources, …). Each transition is one ``workflow_steps`` row with the actor
(key, role, unit or township), time, inputs and comment; the history is those rows in order.
"""

from core.schema import sql_migration

ID = "2026-11-23T20:50:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "workflows"

SQL = r"""
CREATE TABLE workflow_instances (
  tenant_id      uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  id             uuid NOT NULL DEFAULT gen_random_uuid(),
  definition     text NOT NULL,
  kind           text NOT NULL CHECK (kind IN ('admission', 'adjustment', 'call')),
  subject        text NOT NULL CHECK (length(subject) BETWEEN 1 AND 300),
  state          text NOT NULL,
  outcome        text CHECK (outcome IN ('approved', 'rejected', 'withdrawn', 'closed')),
  applicant      jsonb NOT NULL,
  data           jsonb NOT NULL DEFAULT '{}',
  item_code      text,
  state_since    timestamptz NOT NULL DEFAULT now(),
  due_at         timestamptz,
  escalated_to   text,
  started_at     timestamptz NOT NULL DEFAULT now(),
  closed_at      timestamptz,
  version        integer NOT NULL DEFAULT 1,
  PRIMARY KEY (tenant_id, id),
  CHECK ((outcome IS NULL) = (closed_at IS NULL))
);
CREATE INDEX workflow_instances_kind ON workflow_instances (tenant_id, kind, started_at);
CREATE INDEX workflow_instances_due ON workflow_instances (tenant_id, due_at) WHERE closed_at IS NULL;
CREATE INDEX workflow_instances_item ON workflow_instances (tenant_id, item_code) WHERE item_code IS NOT NULL;
SELECT qingdan_protect('workflow_instances', '{app_role}');

CREATE TABLE workflow_steps (
  tenant_id     uuid NOT NULL,
  instance_id   uuid NOT NULL,
  seq           integer NOT NULL CHECK (seq > 0),
  transition    text NOT NULL,
  from_state    text,
  to_state      text NOT NULL,
  actor_key_id  uuid,
  actor_role    text NOT NULL,
  actor_scope   text,
  actor_name    text NOT NULL DEFAULT '',
  automatic     boolean NOT NULL DEFAULT false,
  inputs        jsonb NOT NULL DEFAULT '{}',
  comment       text NOT NULL DEFAULT '',
  at            timestamptz NOT NULL DEFAULT now(),
  due_at        timestamptz,
  late          boolean NOT NULL DEFAULT false,
  PRIMARY KEY (tenant_id, instance_id, seq),
  FOREIGN KEY (tenant_id, instance_id) REFERENCES workflow_instances (tenant_id, id) ON DELETE CASCADE
);
SELECT qingdan_protect('workflow_steps', '{app_role}');
"""


forwards = sql_migration(ID, DESCRIPTION, SQL)
