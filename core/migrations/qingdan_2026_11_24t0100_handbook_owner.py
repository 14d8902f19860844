"""Handbook jobs name the process making them, so a job whose process ended is seen at once
(``core.handbook.jobs``) rather than after its heartbeat goes stale."""

from core.schema import sql_migration

ID = "2026-11-24T01:00:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "handbook jobs name their owner process"

SQL = """
ALTER TABLE handbooks ADD COLUMN owner text;
"""


forwards = sql_migration(ID, DESCRIPTION, SQL)
