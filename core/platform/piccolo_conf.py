"""Piccolo's configuration module (``PICCOLO_CONF=core.platform.piccolo_conf``).

The engine is created without a DSN: :func:`core.platform.db.connect` fills it in at start-up,
once the embedded server (or the configured external one) is known, and checks the
server version itself.
"""

from piccolo.conf.apps import AppRegistry
from piccolo.engine.postgres import PostgresEngine


class DeferredPostgresEngine(PostgresEngine):
    """PostgresEngine that does not connect while being constructed at import time."""

    async def check_version(self) -> None:
        return None

    async def prep_database(self) -> None:
        return None


DB = DeferredPostgresEngine(config={})

# No piccolo apps: migrations are SQL files applied by core.platform.schema, not piccolo's.
APP_REGISTRY = AppRegistry(apps=[])
