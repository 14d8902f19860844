"""Calls (乡呼县应 / 吹哨报到): a township's call, one dispatch per responsible unit, the
history of every step (re-routing, send-backs, extensions, urging), and attachments.

Times that the statistics read (raised, signed, answered, closed, deadlines) are columns,
so that statistics over a period are one scan of ``calls`` (or of ``call_dispatches`` for a
unit) by ``(tenant_id, raised_at)``.
"""

from core.schema import sql_migration

ID = "2026-11-23T20:60:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "calls"

SQL = r"""
CREATE TABLE calls (
  tenant_id       uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  id              uuid NOT NULL DEFAULT gen_random_uuid(),
  township_code   text NOT NULL,
  village_code    text,
  grid_code       text,
  subject         text NOT NULL CHECK (length(subject) BETWEEN 1 AND 200),
  description     text NOT NULL CHECK (length(description) BETWEEN 1 AND 5000),
  call_class      text NOT NULL,
  item_code       text,
  state           text NOT NULL DEFAULT 'received' CHECK (state IN
                  ('received', 'dispatched', 'signed_for', 'in_progress', 'answered', 'closed', 'redo', 'archived')),
  raised_at       timestamptz NOT NULL DEFAULT now(),
  raised_by       text NOT NULL DEFAULT '',
  sign_deadline   timestamptz,
  answer_deadline timestamptz,
  signed_at       timestamptz,
  answered_at     timestamptz,
  closed_at       timestamptz,
  resolved        boolean,
  satisfaction    text CHECK (satisfaction IN ('satisfied', 'basically_satisfied', 'dissatisfied')),
  follow_up_note  text NOT NULL DEFAULT '',
  redo_count      integer NOT NULL DEFAULT 0,
  send_back_count integer NOT NULL DEFAULT 0,
  revision        integer NOT NULL DEFAULT 1,
  PRIMARY KEY (tenant_id, id),
  FOREIGN KEY (tenant_id, township_code) REFERENCES jurisdictions (tenant_id, code) ON UPDATE CASCADE,
  CHECK ((state IN ('closed', 'archived')) = (closed_at IS NOT NULL))
);
-- Statistics scan a period: the covering columns keep it an index-only-friendly read.
CREATE INDEX calls_period ON calls (tenant_id, raised_at);
CREATE INDEX calls_township_period ON calls (tenant_id, township_code, raised_at);
CREATE INDEX calls_open ON calls (tenant_id, state) WHERE state NOT IN ('closed', 'archived');
SELECT qingdan_protect('calls', '{app_role}');

CREATE TABLE call_dispatches (
  tenant_id        uuid NOT NULL,
  call_id          uuid NOT NULL,
  unit_code        text NOT NULL,
  role             text NOT NULL CHECK (role IN ('primary', 'cooperating')),
  item_code        text,
  state            text NOT NULL DEFAULT 'dispatched' CHECK (state IN
                   ('dispatched', 'signed_for', 'in_progress', 'answered', 'sent_back')),
  raised_at        timestamptz NOT NULL,
  dispatched_at    timestamptz NOT NULL DEFAULT now(),
  sign_deadline    timestamptz NOT NULL,
  answer_deadline  timestamptz NOT NULL,
  signed_at        timestamptz,
  answered_at      timestamptz,
  feedback         text NOT NULL DEFAULT '',
  sent_back_at     timestamptz,
  send_back_reason text,
  extension        jsonb,
  PRIMARY KEY (tenant_id, call_id, unit_code),
  FOREIGN KEY (tenant_id, call_id) REFERENCES calls (tenant_id, id) ON DELETE CASCADE,
  FOREIGN KEY (tenant_id, unit_code) REFERENCES units (tenant_id, code) ON UPDATE CASCADE
);
CREATE INDEX call_dispatches_unit_period ON call_dispatches (tenant_id, unit_code, raised_at);
SELECT qingdan_protect('call_dispatches', '{app_role}');

-- Every step: state changes, dispatch, re-routing (转派) with who and why, send-backs,
-- extension requests and decisions, supervision and urging (督办/催办), follow-up.
CREATE TABLE call_steps (
  tenant_id  uuid NOT NULL,
  call_id    uuid NOT NULL,
  seq        integer NOT NULL,
  at         timestamptz NOT NULL DEFAULT now(),
  action     text NOT NULL,
  unit_code  text,
  from_state text,
  to_state   text,
  actor_role text NOT NULL,
  actor_key  uuid,
  actor_name text NOT NULL DEFAULT '',
  comment    text NOT NULL DEFAULT '',
  data       jsonb NOT NULL DEFAULT '{}',
  PRIMARY KEY (tenant_id, call_id, seq),
  FOREIGN KEY (tenant_id, call_id) REFERENCES calls (tenant_id, id) ON DELETE CASCADE
);
SELECT qingdan_protect('call_steps', '{app_role}');
REVOKE UPDATE, DELETE ON call_steps FROM {app_role};

CREATE TABLE call_attachments (
  tenant_id    uuid NOT NULL,
  id           uuid NOT NULL DEFAULT gen_random_uuid(),
  call_id      uuid NOT NULL,
  step_seq     integer,
  unit_code    text,
  filename     text NOT NULL CHECK (length(filename) BETWEEN 1 AND 200),
  object_key   text NOT NULL,
  content_type text NOT NULL,
  size         bigint NOT NULL,
  sha256       text NOT NULL,
  uploaded_at  timestamptz NOT NULL DEFAULT now(),
  uploaded_by  text NOT NULL DEFAULT '',
  PRIMARY KEY (tenant_id, id),
  FOREIGN KEY (tenant_id, call_id) REFERENCES calls (tenant_id, id) ON DELETE CASCADE,
  FOREIGN KEY (tenant_id, call_id, step_seq) REFERENCES call_steps (tenant_id, call_id, seq)
);
CREATE INDEX call_attachments_call ON call_attachments (tenant_id, call_id, uploaded_at);
SELECT qingdan_protect('call_attachments', '{app_role}');
"""


forwards = sql_migration(ID, DESCRIPTION, SQL)
