"""Qingdan's migrations: plain SQL files, applied in order by :mod:`core.platform.schema`.

Rules
-----
- A migration is ``NNNN_words.sql`` (four digits, then lower-case words joined by ``_``);
  its id is the file name without ``.sql``. Files apply in number order, each in its own
  transaction together with its row in the ``qingdan_migrations`` ledger (id, sha256 of
  the text, time). A number is used once.
- **Append-only.** Once a migration has been applied anywhere that matters (released, or on a
  colleague's database), its text never changes — not even a comment: ``qingdan migrate``,
  ``qingdan serve`` and ``/readyz`` compare the recorded sha256 with the file and refuse the
  database, naming the migration. To change the schema, add a migration.
- A migration carries its SQL and imports nothing: no Python, no application code. The
  one substitution is ``{app_role}`` (the role requests run as, ``QINGDAN_APP_ROLE``).
  Data computed by application code (the national legal library, search indexes) is not
  loaded by migrations: ``qingdan migrate`` loads the shipped reference data after the
  migrations (:func:`core.platform.schema.migrate`), and services fill their own derived tables.
- ``0001_baseline.sql`` is the schema squashed on 2026-12-07 from the 17 migrations of
  2026-11 (nothing had been released). A database migrated by that older chain (piccolo's
  ``migration`` table) is refused with a message to recreate it.

How to add a migration
----------------------
1. Create ``core/platform/migrations/NNNN_what_it_does.sql`` with the next free number. Start with a
   comment saying why. Protect every new tenant table the way the baseline does
   (``SELECT qingdan_protect('t', '{app_role}');`` — row-level security forced, a
   ``tenant_id``-keyed primary key), and write DDL that works on a database with data
   (``ADD COLUMN … DEFAULT``, backfill in SQL in the same file when needed).
2. Add its id and sha256 to ``SHIPPED`` in ``tests/test_migrations.py``
   (``python -c "from core import schema; print(schema.known_migrations()[-1])"`` shows
   both), so that a later edit is caught by the tests before any database sees it.
3. Run ``qingdan migrate`` (or any test: the session database is migrated fresh) and add a
   test of what the migration is for.
4. Commit the file. From then on, a mistake in it is fixed by the next migration.
"""
