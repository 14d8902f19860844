"""A county onboarded from outside: a package built in a temporary folder, pip-installed,
discovered through its entry point, conformant and provisionable — with no change to core."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

PACKAGE = "qingdan_anxi_test"

INIT = """
from core.plugin_api.hookspecs import hookimpl
from core.plugin_api.types import (CatalogItem, Division, JurisdictionInfo, ItemLevel, ListKind,
                               ListStructure, Problem, Responsibility, SeedCatalog, Unit)


@hookimpl
def qingdan_jurisdiction():
    return JurisdictionInfo(
        slug="anxi", name="泉州市安溪县", division_code="350524",
        divisions=(Division("350524", "安溪县", "county"),
                   Division("350524100000", "凤城镇", "town", parent_code="350524")),
        units=(Unit("emergency-bureau", "县应急管理局", "department", "350524"),),
    )


@hookimpl
def qingdan_list_structure():
    return ListStructure(
        kinds=(ListKind("basic", "基本履职事项", "basic"),
               ListKind("tea", "茶产业特色事项", "tea industry", "claim", section=False)),
        levels=(ItemLevel("item", "事项", 1),),
    )


@hookimpl
def qingdan_seed_catalog():
    return SeedCatalog(items=(
        CatalogItem("AX-001", "安全生产监督检查", "item", ("basic",),
                    responsibilities=(Responsibility("township", "primary", "日常检查"),
                                      Responsibility("emergency-bureau", "cooperating", "指导")),
                    citations=("《中华人民共和国安全生产法》第九条",)),
        CatalogItem("AX-002", "茶园病虫害统防统治", "item", ("tea",)),
    ))


@hookimpl
def qingdan_check_item(item):
    return [] if item.title else [Problem("title", "安溪：事项名称必填")]


@hookimpl
def qingdan_check_indicator(indicator):  # fewer arguments than the spec (no context): pluggy's contract
    return [] if indicator.label else [Problem("label", "安溪：指标名称必填")]
"""

GUIDE = Path(__file__).resolve().parents[1] / "docs" / "plugins.md"


def guide_conformance_tests() -> str:
    """The conformance tests exactly as docs/plugins.md section 4 gives them."""
    section = GUIDE.read_text(encoding="utf-8").split("## 4. The conformance kit", 1)[1]
    return section.split("```python\n", 1)[1].split("```", 1)[0]


def run(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("QINGDAN_")}
    result = subprocess.run(args, capture_output=True, text=True, cwd=cwd, env=env, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
    return result


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("anxi")
    (root / PACKAGE).mkdir()
    (root / PACKAGE / "__init__.py").write_text(textwrap.dedent(INIT), encoding="utf-8")
    (root / "pyproject.toml").write_text(
        textwrap.dedent(f"""
            [build-system]
            requires = ["setuptools>=68"]
            build-backend = "setuptools.build_meta"

            [project]
            name = "qingdan-anxi-test"
            version = "0.3.1"

            [project.entry-points."qingdan.jurisdictions"]
            anxi = "{PACKAGE}"

            [tool.setuptools]
            packages = ["{PACKAGE}"]
        """),
        encoding="utf-8",
    )
    run(sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--no-build-isolation", str(root))
    yield root
    run(sys.executable, "-m", "pip", "uninstall", "--quiet", "--yes", "qingdan-anxi-test")


def test_the_outside_plugin_is_discovered(installed: Path) -> None:
    listed = run(sys.executable, "-m", "api.cli", "plugins", "list").stdout
    line = next(line for line in listed.splitlines() if line.startswith("anxi"))
    assert "0.3.1" in line and "350524" in line and "泉州市安溪县" in line
    assert "qingdan_seed_catalog" in listed and "qingdan_check_item" in listed and "qingdan_check_indicator" in listed


def test_the_outside_plugin_passes_the_kit_and_provisions(installed: Path, tmp_path: Path) -> None:
    # The guide's tests, run as a county developer would: plain pytest, no settings of ours.
    (tmp_path / "test_conformance.py").write_text(guide_conformance_tests(), encoding="utf-8")
    ran = run(sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "test_conformance.py", cwd=tmp_path)
    assert "2 passed" in ran.stdout, ran.stdout
    data = tmp_path / "data"
    run(sys.executable, "-m", "api.cli", "--data-dir", str(data), "migrate")
    created = run(
        sys.executable,
        "-m",
        "api.cli",
        "--data-dir",
        str(data),
        "tenant",
        "create",
        "--slug",
        "anxi",
        "--name",
        "安溪县",
        "--plugin",
        "anxi",
    )
    assert "catalog version 1: 2 items" in created.stdout
