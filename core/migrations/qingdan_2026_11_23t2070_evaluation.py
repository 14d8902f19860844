"""Evaluation (双向考评), accountability (依单问责), notices (依单履职告知书), post assignment.

A tenant's evaluation scheme is one JSON document (relations, indicators, grades), copied
from its plugin on first use; a period freezes a copy of it. Scores are one row per
(period, relation, evaluator, evaluatee, indicator); results one row per (period, subject)
with the whole explanation. Accountability cases keep the responsibility found in the list
as of the date of the facts. Post assignment decomposes a township-list entry to the
responsible leader → office (科室) → post, with an A and an optional B post (AB角).
"""

from core.schema import sql_migration

ID = "2026-11-23T20:70:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "evaluation, accountability, posts"

SQL = r"""
CREATE TABLE evaluation_schemes (
  tenant_id  uuid PRIMARY KEY REFERENCES tenants (id) ON DELETE CASCADE,
  document   jsonb NOT NULL,
  origin     text NOT NULL CHECK (origin IN ('plugin', 'default', 'tenant')),
  revision   integer NOT NULL DEFAULT 1,
  updated_at timestamptz NOT NULL DEFAULT now()
);
SELECT qingdan_protect('evaluation_schemes', '{app_role}');

CREATE TABLE evaluation_periods (
  tenant_id   uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  code        text NOT NULL CHECK (code ~ '^[0-9]{4}(-Q[1-4])?$'),
  kind        text NOT NULL CHECK (kind IN ('year', 'quarter')),
  starts_on   date NOT NULL,
  ends_on     date NOT NULL,
  state       text NOT NULL DEFAULT 'open' CHECK (state IN ('open', 'closed')),
  scheme      jsonb NOT NULL,
  computed_at timestamptz,
  created_at  timestamptz NOT NULL DEFAULT now(),
  closed_at   timestamptz,
  PRIMARY KEY (tenant_id, code),
  CHECK (starts_on <= ends_on)
);
SELECT qingdan_protect('evaluation_periods', '{app_role}');

CREATE TABLE evaluation_scores (
  tenant_id  uuid NOT NULL,
  period     text NOT NULL,
  relation   text NOT NULL,
  evaluator  text NOT NULL,
  evaluatee  text NOT NULL,
  indicator  text NOT NULL,
  score      double precision NOT NULL,
  note       text NOT NULL DEFAULT '',
  entered_by uuid,
  entered_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, period, relation, evaluatee, evaluator, indicator),
  FOREIGN KEY (tenant_id, period) REFERENCES evaluation_periods (tenant_id, code) ON DELETE CASCADE
);
CREATE INDEX evaluation_scores_evaluator ON evaluation_scores (tenant_id, period, evaluator);
SELECT qingdan_protect('evaluation_scores', '{app_role}');

CREATE TABLE evaluation_results (
  tenant_id    uuid NOT NULL,
  period       text NOT NULL,
  subject      text NOT NULL,
  subject_kind text NOT NULL CHECK (subject_kind IN ('township', 'department', 'dispatched_agency')),
  subject_name text NOT NULL,
  score        double precision NOT NULL,
  grade        text NOT NULL,
  complete     boolean NOT NULL,
  explanation  jsonb NOT NULL,
  computed_at  timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, period, subject),
  FOREIGN KEY (tenant_id, period) REFERENCES evaluation_periods (tenant_id, code) ON DELETE CASCADE
);
CREATE INDEX evaluation_results_kind ON evaluation_results (tenant_id, period, subject_kind, subject);
SELECT qingdan_protect('evaluation_results', '{app_role}');

CREATE TABLE accountability_cases (
  tenant_id      uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  number         integer NOT NULL,
  party_kind     text NOT NULL CHECK (party_kind IN ('township', 'unit', 'post')),
  party          text NOT NULL,
  township_code  text,
  item_code      text NOT NULL,
  situation      text NOT NULL,
  facts          text NOT NULL,
  facts_date     date NOT NULL,
  performed      boolean NOT NULL DEFAULT false,
  responsibility text NOT NULL CHECK (responsibility IN ('primary', 'cooperating', 'none')),
  outcome        text NOT NULL CHECK (outcome IN ('accountable', 'exempt', 'not_on_list')),
  method         text,
  basis          jsonb NOT NULL,
  created_at     timestamptz NOT NULL DEFAULT now(),
  created_by     uuid,
  PRIMARY KEY (tenant_id, number)
);
CREATE INDEX accountability_cases_party ON accountability_cases (tenant_id, party, number);
SELECT qingdan_protect('accountability_cases', '{app_role}');

CREATE TABLE accountability_notices (
  tenant_id      uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  number         integer NOT NULL,
  recipient_kind text NOT NULL CHECK (recipient_kind IN ('township', 'unit')),
  recipient      text NOT NULL,
  case_number    integer,
  item_code      text,
  content        text NOT NULL CHECK (length(content) BETWEEN 1 AND 5000),
  issued_on      date NOT NULL,
  created_at     timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, number),
  FOREIGN KEY (tenant_id, case_number) REFERENCES accountability_cases (tenant_id, number)
);
SELECT qingdan_protect('accountability_notices', '{app_role}');

CREATE TABLE posts (
  tenant_id     uuid NOT NULL,
  township_code text NOT NULL,
  code          text NOT NULL CHECK (code ~ '^[a-z0-9][a-z0-9-]{0,63}$'),
  name          text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
  office_code   text NOT NULL,
  holder        text NOT NULL DEFAULT '',
  standards     text NOT NULL DEFAULT '',
  updated_at    timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, township_code, code),
  FOREIGN KEY (tenant_id, township_code) REFERENCES jurisdictions (tenant_id, code) ON UPDATE CASCADE,
  FOREIGN KEY (tenant_id, office_code) REFERENCES units (tenant_id, code) ON UPDATE CASCADE
);
SELECT qingdan_protect('posts', '{app_role}');

CREATE TABLE entry_assignments (
  tenant_id     uuid NOT NULL,
  township_code text NOT NULL,
  item_code     text NOT NULL,
  leader        text NOT NULL CHECK (length(leader) BETWEEN 1 AND 200),
  office_code   text NOT NULL,
  a_post        text NOT NULL,
  b_post        text,
  updated_at    timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, township_code, item_code),
  FOREIGN KEY (tenant_id, township_code, a_post) REFERENCES posts (tenant_id, township_code, code),
  FOREIGN KEY (tenant_id, township_code, b_post) REFERENCES posts (tenant_id, township_code, code),
  CHECK (b_post IS NULL OR b_post <> a_post)
);
CREATE INDEX entry_assignments_a ON entry_assignments (tenant_id, township_code, a_post);
CREATE INDEX entry_assignments_b ON entry_assignments (tenant_id, township_code, b_post);
SELECT qingdan_protect('entry_assignments', '{app_role}');
"""


forwards = sql_migration(ID, DESCRIPTION, SQL)
