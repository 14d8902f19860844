"""Working-day calendars and events: a tenant's calendar overrides (holidays and make-up
working days on top of the national calendar), the event outbox, webhook subscriptions and
one delivery row per event per subscription.

The delivery worker claims due rows across tenants as the schema owner (the
``platform_maintenance`` policy); requests see only their tenant's rows, like every table.
"""

from core.schema import sql_migration

ID = "2026-11-23T20:45:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "calendar overrides, events and webhooks"

SQL = r"""
-- A tenant's departures from the national calendar: an extra day off (a local holiday,
-- a typhoon day) or an extra working day (a local 调休 Saturday).
CREATE TABLE calendar_overrides (
  tenant_id  uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  day        date NOT NULL,
  kind       text NOT NULL CHECK (kind IN ('holiday', 'workday')),
  name       text NOT NULL DEFAULT '' CHECK (length(name) <= 200),
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, day)
);
SELECT qingdan_protect('calendar_overrides', '{app_role}');

-- The outbox: written in the transaction of the change it reports, so an event exists
-- exactly when the change committed. xid orders the feed safely (see core/events.py).
CREATE TABLE events (
  tenant_id   uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  id          bigint GENERATED ALWAYS AS IDENTITY,
  type        text NOT NULL CHECK (type ~ '^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+$'),
  subject     text NOT NULL CHECK (length(subject) BETWEEN 1 AND 500),
  data        jsonb NOT NULL DEFAULT '{}',
  occurred_at timestamptz NOT NULL DEFAULT now(),
  xid         xid8 NOT NULL DEFAULT pg_current_xact_id(),
  PRIMARY KEY (tenant_id, id)
);
CREATE INDEX events_type ON events (tenant_id, type, id);
SELECT qingdan_protect('events', '{app_role}');
REVOKE UPDATE, DELETE ON events FROM {app_role};

CREATE TABLE webhook_subscriptions (
  tenant_id   uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  id          uuid NOT NULL DEFAULT gen_random_uuid(),
  url         text NOT NULL CHECK (length(url) BETWEEN 8 AND 2000),
  secret      text NOT NULL,
  event_types text[] NOT NULL DEFAULT '{}',
  description text NOT NULL DEFAULT '' CHECK (length(description) <= 500),
  active      boolean NOT NULL DEFAULT true,
  version     integer NOT NULL DEFAULT 1,
  created_at  timestamptz NOT NULL DEFAULT now(),
  updated_at  timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, id)
);
SELECT qingdan_protect('webhook_subscriptions', '{app_role}');

-- One row per event per matching subscription, created with the event. A claimed row's
-- next_attempt_at is pushed out by a lease, so a worker that dies mid-delivery loses
-- nothing: the row falls due again.
CREATE TABLE webhook_deliveries (
  tenant_id       uuid NOT NULL,
  subscription_id uuid NOT NULL,
  event_id        bigint NOT NULL,
  state           text NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'delivered', 'failed')),
  attempts        integer NOT NULL DEFAULT 0,
  next_attempt_at timestamptz NOT NULL DEFAULT now(),
  last_attempt_at timestamptz,
  last_status     integer,
  last_error      text,
  last_duration_ms integer,
  delivered_at    timestamptz,
  created_at      timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, subscription_id, event_id),
  FOREIGN KEY (tenant_id, subscription_id) REFERENCES webhook_subscriptions (tenant_id, id) ON DELETE CASCADE,
  FOREIGN KEY (tenant_id, event_id) REFERENCES events (tenant_id, id) ON DELETE CASCADE
);
CREATE INDEX webhook_deliveries_due ON webhook_deliveries (next_attempt_at) WHERE state = 'pending';
CREATE INDEX webhook_deliveries_event ON webhook_deliveries (tenant_id, event_id);
CREATE INDEX webhook_deliveries_state ON webhook_deliveries (tenant_id, subscription_id, state, event_id);
SELECT qingdan_protect('webhook_deliveries', '{app_role}');
"""


forwards = sql_migration(ID, DESCRIPTION, SQL)
