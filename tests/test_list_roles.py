"""List kinds declare their role (basic / cooperating / recovered / other) in plugin data;
core's rules follow the declared role, not the kind's code."""

from __future__ import annotations

import importlib
import types
import uuid

import httpx
import pytest

from core.catalog.structure import (
    NATIONAL,
    check_item_fields,
    check_structure,
    from_document,
    kind_role,
    kinds_with_role,
    to_document,
)
from core.plugin_api import registry as plugins
from core.plugin_api.hookspecs import hookimpl
from core.plugin_api.testing import check_plugin
from core.plugin_api.types import (
    CatalogItem,
    Division,
    ExtraField,
    ItemLevel,
    JurisdictionInfo,
    ListKind,
    ListStructure,
    Recovery,
    Responsibility,
    SeedCatalog,
    Unit,
)
from tests.conftest import MakeTenant
from tests.test_accountability import case, publish_list

TOWN = "350524100000"
RECOVERED = Recovery("emergency-bureau", "县应急管理局统一办理", "专业性强，乡镇无力承担")


def test_roles_default_from_the_national_codes_and_are_checked() -> None:
    assert [kind_role(k) for k in NATIONAL.kinds] == ["basic", "cooperating", "recovered"]
    assert kind_role(ListKind("recovered", "收回", "recovered")) == "recovered"  # stored data without a role
    assert kind_role(ListKind("unable", "无力承接", "unable")) == "other"
    assert kind_role(ListKind("unable", "无力承接", "unable", role="recovered")) == "recovered"
    bad = ListStructure(kinds=(ListKind("x", "X", "x", role="bogus"),), levels=(ItemLevel("item", "事项", 1),))
    assert [p.field for p in check_structure(bad)] == ["kinds[0].role"]


@pytest.mark.parametrize("name", ["wenjiang", "longsha", "taian", "lanshan", "dongshan"])
def test_the_in_tree_plugins_declare_every_kinds_role(name: str) -> None:
    structure = importlib.import_module(f"plugins.{name}.structure").STRUCTURE
    assert all(k.role is not None for k in structure.kinds), [k.code for k in structure.kinds if k.role is None]


def _plugin(role: str | None, *, recovery: Recovery | None) -> types.ModuleType:
    module = types.ModuleType("unable_county")

    @hookimpl
    def qingdan_jurisdiction() -> JurisdictionInfo:
        return JurisdictionInfo(
            slug="unable",
            name="泉州市安溪县",
            division_code="350524",
            divisions=(Division("350524", "安溪县", "county"), Division(TOWN, "凤城镇", "town", parent_code="350524")),
            units=(Unit("emergency-bureau", "县应急管理局", "department", "350524"),),
        )

    @hookimpl
    def qingdan_list_structure() -> ListStructure:
        return ListStructure(
            kinds=(
                ListKind("basic", "基本履职事项", "basic", role="basic"),
                ListKind("unable", "乡镇无力承接事项", "unable", role=role),
            ),
            levels=(ItemLevel("item", "事项", 1),),
        )

    @hookimpl
    def qingdan_seed_catalog() -> SeedCatalog:
        return SeedCatalog(
            items=(
                CatalogItem(
                    "AX-001",
                    "安全生产监督检查",
                    "item",
                    ("basic",),
                    responsibilities=(Responsibility("township", "primary", "日常检查"),),
                ),
                CatalogItem("AX-002", "危险化学品经营许可", "item", ("unable",), recovery=recovery),
            )
        )

    module.qingdan_jurisdiction = qingdan_jurisdiction  # type: ignore[attr-defined]
    module.qingdan_list_structure = qingdan_list_structure  # type: ignore[attr-defined]
    module.qingdan_seed_catalog = qingdan_seed_catalog  # type: ignore[attr-defined]
    return module


def test_a_kind_declared_recovered_gets_the_recovered_item_rule() -> None:
    declared = f"unable-{uuid.uuid4().hex[:6]}"
    plugins.register_module(declared, _plugin("recovered", recovery=None))
    assert kinds_with_role(plugins.structure(declared), "recovered") == {"unable"}
    problems = check_plugin(declared).problems
    assert any(p.startswith("items[1] (AX-002).recovery:") for p in problems), problems
    # The same code without the role: no rule (the code itself means nothing to core).
    undeclared = f"unable-{uuid.uuid4().hex[:6]}"
    plugins.register_module(undeclared, _plugin(None, recovery=None))
    assert check_plugin(undeclared).problems == []


async def test_a_township_bears_no_responsibility_for_an_item_of_a_recovered_kind(
    client: httpx.AsyncClient, make_tenant: MakeTenant
) -> None:
    name = f"unable-{uuid.uuid4().hex[:6]}"
    plugins.register_module(name, _plugin("recovered", recovery=RECOVERED))
    t = await make_tenant(name)
    missing = await client.post(
        f"{t.base}/catalog/items",
        json={"code": "AX-003", "title": "烟花爆竹经营许可", "level": "item", "kinds": ["unable"]},
        headers=t.auth(),
    )
    assert missing.status_code == 422 and "recovery" in [e["field"] for e in missing.json()["errors"]]
    await publish_list(client, t, TOWN, "2027-01-01")
    url = f"{t.base}/accountability/cases"
    recovered = await client.post(url, json=case(TOWN, "AX-002", "2027-03-01"), headers=t.auth())
    assert recovered.status_code == 201, recovered.text
    assert recovered.json()["responsibility"] == "none"
    basic = (await client.post(url, json=case(TOWN, "AX-001", "2027-03-01"), headers=t.auth())).json()
    assert basic["responsibility"] == "primary"


def test_an_extra_field_can_be_required_for_some_kinds_only() -> None:
    situation = ExtraField("situation", "问责情形", required_for=("negative",))
    structure = ListStructure(
        kinds=(ListKind("basic", "基本履职事项", "basic"), ListKind("negative", "负面清单", "negative", role="other")),
        levels=(ItemLevel("item", "事项", 1),),
        extra_fields=(situation,),
    )
    assert check_structure(structure) == []
    assert from_document(to_document(structure)) == structure  # stored and read back

    def problems(kinds: list[str], extra: dict[str, str]) -> list[str]:
        found = check_item_fields(structure, level="item", kinds=kinds, category=None, item_kind=None, extra=extra)
        return [f"{p.field}: {p.message}" for p in found]

    assert problems(["negative"], {}) == ["extra.situation: required for negative items (问责情形)"]
    assert problems(["negative"], {"situation": "违规收受礼金"}) == []
    assert problems(["basic"], {}) == []
    ghost = ListStructure(
        kinds=structure.kinds, levels=structure.levels, extra_fields=(ExtraField("x", "X", required_for=("ghost",)),)
    )
    assert [f"{p.field}: {p.message}" for p in check_structure(ghost)] == [
        "extra_fields[0].required_for: unknown list kind 'ghost'"
    ]
