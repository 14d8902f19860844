"""The `qingdan` command as an operator runs it, each call a fresh process.

These use their own embedded server under a temporary data directory, so they also show
the embedded default: created on first use, reused (nothing lost) on the next start, and
stopped when the command exits.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import psutil
import pytest


def qingdan(data_dir: Path, *args: str, ok: bool = True) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("QINGDAN_")}
    result = subprocess.run(
        [sys.executable, "-m", "api.cli", "--data-dir", str(data_dir), *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    if ok:
        assert result.returncode == 0, result.stderr + result.stdout
    return result


def postgres_running(data_dir: Path) -> bool:
    for proc in psutil.process_iter(attrs=["name", "cmdline"]):
        if proc.info["name"] == "postgres" and any(str(data_dir) in part for part in proc.info["cmdline"] or []):
            return True
    return False


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("cli")


def test_serve_refuses_an_unmigrated_database(data_dir: Path) -> None:
    refused = qingdan(data_dir, "serve", "--port", "0", ok=False)
    assert refused.returncode != 0
    assert "qingdan migrate" in refused.stderr


def test_migrate_is_idempotent_and_the_server_stops(data_dir: Path) -> None:
    first = qingdan(data_dir, "migrate")
    assert "applied" in first.stdout
    assert "nothing to do" in qingdan(data_dir, "migrate").stdout
    assert not postgres_running(data_dir)


def test_tenants_keys_and_plugins(data_dir: Path) -> None:
    qingdan(data_dir, "migrate")
    created = qingdan(data_dir, "tenant", "create", "--slug", "dongshan", "--name", "东山县", "--plugin", "dongshan")
    assert "jurisdictions" in created.stdout and "units" in created.stdout
    duplicate = qingdan(
        data_dir, "tenant", "create", "--slug", "dongshan", "--name", "x", "--plugin", "dongshan", ok=False
    )
    assert duplicate.returncode != 0 and "already exists" in duplicate.stderr
    # A new process finds what the last one wrote: the embedded data directory persists.
    assert "dongshan" in qingdan(data_dir, "tenant", "list").stdout

    issued = qingdan(data_dir, "apikey", "create", "--tenant", "dongshan", "--role", "reader", "--name", "门户")
    key_id = issued.stdout.split("id:")[1].split()[0]
    secret = issued.stdout.split("key:")[1].split()[0]
    assert secret.startswith("qd_") and "shown only now" in issued.stdout
    listed = qingdan(data_dir, "apikey", "list", "--tenant", "dongshan").stdout
    assert key_id in listed and "active" in listed and secret not in listed
    qingdan(data_dir, "apikey", "revoke", key_id, "--tenant", "dongshan")
    assert "revoked" in qingdan(data_dir, "apikey", "list", "--tenant", "dongshan").stdout

    plugins = qingdan(data_dir, "plugins", "list").stdout
    for name, code in [
        ("wenjiang", "510115"),
        ("longsha", "230202"),
        ("taian", "370900"),
        ("lanshan", "371302"),
        ("dongshan", "350626"),
    ]:
        assert name in plugins and code in plugins
    assert not postgres_running(data_dir)


def test_openapi_check_passes_on_the_committed_files(tmp_path: Path) -> None:
    result = qingdan(tmp_path, "openapi", "--check")
    assert "current" in result.stdout
    drifted = tmp_path / "contracts"
    drifted.mkdir()
    (drifted / "openapi.json").write_text("{}")
    failed = qingdan(tmp_path, "openapi", "--check", "--output", str(drifted), ok=False)
    assert failed.returncode != 0 and "drifted" in failed.stderr
