"""Piccolo app holding Qingdan's migrations.

The schema is hand-written SQL in the migrations (see docs/decisions.md), so the app
registers no piccolo table classes.
"""

from pathlib import Path

from piccolo.conf.apps import AppConfig

APP_CONFIG = AppConfig(
    app_name="qingdan",
    migrations_folder_path=str(Path(__file__).parent / "migrations"),
    table_classes=[],
    migration_dependencies=[],
    commands=[],
)
