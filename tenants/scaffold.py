"""``qingdan plugins new NAME``: a new jurisdiction plugin package that works as written.

The package has the layout of ``docs/plugins.md`` (hooks in ``__init__``, data in
``jurisdiction``/``structure``/``catalog``, the county's own rules in ``rules``) and the
guide's conformance tests; installed (``pip install -e ./qingdan-NAME``) it passes them before
the county changes anything. Every value is a placeholder to replace with the county's own.
"""

from __future__ import annotations

import keyword
import re
import textwrap
from pathlib import Path

from core.jurisdictions.divisions import normalise_code
from core.platform.errors import ValidationFailed
from core.platform.messages import Text

NAME = re.compile(r"^[a-z][a-z0-9_]{1,30}$")


def check_name(name: str) -> None:
    if not NAME.match(name) or keyword.iskeyword(name):
        raise ValidationFailed.on("name", Text("field.plugin-name"))


def scaffold(name: str, target: Path, *, division_code: str = "350524", title: str = "示例县") -> Path:
    """Write ``target/qingdan-<name>`` and return it. Refuses a folder that already exists."""
    check_name(name)
    normalise_code(division_code, "county")  # raises naming the problem
    root = target / f"qingdan-{name.replace('_', '-')}"
    if root.exists():
        raise ValidationFailed.on("name", Text("field.plugin-folder-exists", folder=str(root)))
    package = f"qingdan_{name}"
    town = f"{division_code}100000"
    prefix = re.sub("[^A-Z0-9]", "", name.upper())[:6]  # item codes: letters, digits, . _ -
    values = {"name": name, "package": package, "code": division_code, "town": town, "title": title, "prefix": prefix}
    for relative, text in _FILES.items():
        path = root / relative.format(**values)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text).lstrip().format(**values), encoding="utf-8")
    return root


# The files, as ``str.format`` templates (literal braces doubled).
_FILES: dict[str, str] = {
    "pyproject.toml": """
        [build-system]
        requires = ["setuptools>=68"]
        build-backend = "setuptools.build_meta"

        [project]
        name = "qingdan-{name}"
        version = "0.1.0"
        description = "{title}: a Qingdan jurisdiction plugin"
        dependencies = ["qingdan", "pytest>=8"]

        [project.entry-points."qingdan.jurisdictions"]
        {name} = "{package}"

        [tool.setuptools]
        packages = ["{package}"]
        """,
    "README.md": """
        # qingdan-{name}

        The Qingdan jurisdiction plugin of {title} ({code}). Every value here is a placeholder:
        replace the divisions and units (`jurisdiction.py`), the list structure (`structure.py`)
        and the sample catalog (`catalog.py`) with the county's own, following `docs/plugins.md`.

            pip install -e .
            pytest                                    # the conformance kit
            qingdan tenant create --slug {name} --name {title} --plugin {name}
        """,
    "{package}/__init__.py": '''
        """{title} ({code}): the hook implementations; the data lives beside them."""

        from core.plugin_api.hookspecs import hookimpl
        from core.plugin_api.types import CatalogItem, JurisdictionInfo, ListStructure, Problem, SeedCatalog

        from .catalog import CATALOG
        from .jurisdiction import JURISDICTION
        from .rules import check_item
        from .structure import STRUCTURE


        @hookimpl
        def qingdan_jurisdiction() -> JurisdictionInfo:
            return JURISDICTION


        @hookimpl
        def qingdan_list_structure() -> ListStructure:
            return STRUCTURE


        @hookimpl
        def qingdan_seed_catalog() -> SeedCatalog:
            return CATALOG


        @hookimpl
        def qingdan_check_item(item: CatalogItem) -> list[Problem]:
            return check_item(item)
        ''',
    "{package}/jurisdiction.py": '''
        """Divisions (GB/T 2260 and statistical codes) and units. Placeholders: replace them."""

        from core.plugin_api.types import Division, JurisdictionInfo, Unit

        JURISDICTION = JurisdictionInfo(
            slug="{name}",
            name="{title}",
            division_code="{code}",
            divisions=(
                Division("{code}", "{title}", "county"),
                Division("{town}", "示例镇", "town", parent_code="{code}"),
            ),
            units=(Unit("emergency-bureau", "县应急管理局", "department", "{code}"),),
            sample=True,
        )
        ''',
    "{package}/structure.py": '''
        """List kinds (each declares its role), levels, categories and extra fields."""

        from core.plugin_api.types import ItemLevel, Label, ListKind, ListStructure

        STRUCTURE = ListStructure(
            kinds=(
                ListKind("basic", "基本履职事项", "basic", "all", role="basic"),
                ListKind("cooperating", "配合履职事项", "cooperating", "all", role="cooperating"),
                ListKind("recovered", "上级部门收回事项", "recovered", "all", role="recovered"),
            ),
            levels=(ItemLevel("item", "事项", 1),),
            categories=(Label("safety", "安全生产"),),
        )
        ''',
    "{package}/catalog.py": '''
        """The sample catalog a new tenant starts with (published as version 1)."""

        from core.plugin_api.types import CatalogItem, Responsibility, SeedCatalog

        CATALOG = SeedCatalog(
            items=(
                CatalogItem(
                    code="{prefix}-001",
                    title="安全生产监督检查",
                    level="item",
                    kinds=("basic",),
                    category="safety",
                    responsibilities=(
                        Responsibility("township", "primary", "对辖区生产经营单位开展检查"),
                        Responsibility("emergency-bureau", "cooperating", "业务指导和培训"),
                    ),
                    citations=("《中华人民共和国安全生产法》第九条",),
                ),
            ),
            sample=True,
            note="示例数据",
        )
        ''',
    "{package}/rules.py": '''
        """The county's own rules for one catalog item (hook ``qingdan_check_item``)."""

        from core.plugin_api.types import CatalogItem, Problem


        def check_item(item: CatalogItem) -> list[Problem]:
            if item.level == "item" and not item.responsibilities:
                return [Problem("responsibilities", "{title}：每个事项写明责任主体")]
            return []
        ''',
    "tests/test_conformance.py": """
        from tenants.testing import assert_conformant, check_provisionable


        def test_conformant():
            report = assert_conformant("{name}")  # fails listing every problem, plugin, hook and field
            assert report.items > 0


        def test_provisionable():
            check_provisionable("{name}")  # starts PostgreSQL, migrates, provisions, rolls back
        """,
}
