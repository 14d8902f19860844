"""``qingdan plugins new NAME`` scaffolds a package that, installed, is discovered and passes
its own conformance tests (the guide's, with plain pytest) before anything is changed."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from tests.test_outside_plugin import run


def test_a_scaffolded_plugin_passes_its_conformance_tests_out_of_the_box(tmp_path: Path) -> None:
    created = run(
        sys.executable,
        *("-m", "api.cli", "plugins", "new", "kaifa_qu", "--dir", str(tmp_path)),
        *("--division-code", "350526", "--title", "开发县"),
    )
    root = tmp_path / "qingdan-kaifa-qu"
    assert f"created {root}" in created.stdout
    assert (root / "qingdan_kaifa_qu" / "__init__.py").exists() and (root / "tests" / "test_conformance.py").exists()
    run(sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--no-build-isolation", str(root))
    try:
        listed = run(sys.executable, "-m", "api.cli", "plugins", "list").stdout
        line = next(line for line in listed.splitlines() if line.startswith("kaifa_qu"))
        assert "0.1.0" in line and "350526 开发县" in line
        tests = run(sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "tests", cwd=root)
        assert "2 passed" in tests.stdout, tests.stdout
    finally:
        run(sys.executable, "-m", "pip", "uninstall", "--quiet", "--yes", "qingdan-kaifa-qu")


def _refused(*args: str) -> str:
    result = subprocess.run(
        [sys.executable, "-m", "api.cli", "plugins", "new", *args], capture_output=True, text=True, timeout=120
    )
    assert result.returncode != 0, result.stdout
    return result.stderr


def test_bad_names_codes_and_existing_folders_are_refused(tmp_path: Path) -> None:
    assert "lower-case letters" in _refused("An-Xi", "--dir", str(tmp_path))
    assert "6 digits" in _refused("anxi", "--dir", str(tmp_path), "--division-code", "3505")
    (tmp_path / "qingdan-anxi").mkdir()
    assert "already exists" in _refused("anxi", "--dir", str(tmp_path))
