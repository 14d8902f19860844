"""Piccolo app holding Qingdan's tables and migrations."""

from pathlib import Path

from piccolo.conf.apps import AppConfig

from core import tables

APP_CONFIG = AppConfig(
    app_name="qingdan",
    migrations_folder_path=str(Path(__file__).parent / "migrations"),
    table_classes=tables.ALL,
    migration_dependencies=[],
    commands=[],
)
