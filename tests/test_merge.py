"""多单合一: merging Wenjiang's six source lists with provenance; matching rules; bad input."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
import pytest

from core.exchange.merge import MergeOptions, SourceRow, _merge_rows, bigrams, normalise
from plugins.wenjiang.catalog import CATALOG
from plugins.wenjiang.structure import SOURCE_LISTS
from tests.conftest import MakeTenant, TenantFixture
from tests.wenjiang_source_lists import DATA, source_lists

LISTS = [code for code, _, _ in SOURCE_LISTS]


def six_files() -> list[tuple[str, tuple[str, bytes, str]]]:
    files = sorted(DATA.glob("*.csv"), key=lambda p: LISTS.index(p.stem.split("-")[0]))
    return [(p.stem.split("-", 1)[1], (p.name, p.read_bytes(), "text/csv")) for p in files]


def test_the_committed_source_lists_are_the_generated_ones() -> None:
    assert {p.name: p.read_text(encoding="utf-8") for p in DATA.glob("*.csv")} == source_lists()


@pytest.fixture
async def wenjiang(make_tenant: MakeTenant) -> TenantFixture:
    return await make_tenant("wenjiang")


async def test_wenjiangs_six_source_lists_merge_with_provenance(
    client: httpx.AsyncClient, wenjiang: TenantFixture
) -> None:
    params: dict[str, Any] = {
        "code_prefix": "WJ-X",
        "reason_kind": "other",
        "reason": "多单合一",
        "priority": [label for _, label, _ in SOURCE_LISTS],
    }
    response = await client.post(
        f"{wenjiang.base}/catalog/merge", params=params, files=six_files(), headers=wenjiang.auth()
    )
    assert response.status_code == 200, response.text
    report = response.json()
    leaves = [i for i in CATALOG.items if i.level == "matter"]
    assert set(report["sources"]) == {label for _, label, _ in SOURCE_LISTS}
    assert report["rows"] == sum(len(i.extra["source_lists"]) for i in leaves)
    # Every seed item is found exactly once, from exactly the lists it was in.
    assert report["merged_items"] == len(leaves)
    labels = {code: label for code, label, _ in SOURCE_LISTS}
    seed_titles = {i.title for i in leaves}

    def seed_title(title: str) -> str:
        title = title.removeprefix("负责")
        return title if title in seed_titles else title.removesuffix("工作")

    expected = {i.title: {labels[s] for s in i.extra["source_lists"]} for i in leaves}
    found: dict[str, set[str]] = {}
    for item in report["items"]:
        (title,) = {seed_title(p["title"]) for p in item["provenance"]}
        found[title] = {p["source_list"] for p in item["provenance"]}
    assert found == expected
    # Relations are typed, with confidences; each provenance row names list and row.
    assert set(report["relations"]) <= {"equal", "subset", "superset", "overlapping"}
    assert {"equal", "subset", "overlapping"} <= set(report["relations"])
    pension = next(i for i in report["items"] if i["title"] == "农村村民宅基地审批")
    assert sorted((p["source_list"], p["relation"]) for p in pension["provenance"]) == [
        ("法定行政权力", "representative"),
        ("赋予镇(街道)县级行政权力", "equal"),
    ]
    assert all(p["row"] >= 2 and 0 < p["confidence"] <= 1 for i in report["items"] for p in i["provenance"])
    # The rule: the most specific title, not the list's padding (负责…, …工作).
    titles = {i["title"] for i in report["items"]}
    assert "指导居民委员会换届选举" in titles and "指导居民委员会换届选举工作" not in titles
    # Nothing was written by the report.
    versions = (await client.get(f"{wenjiang.base}/catalog/versions", headers=wenjiang.auth())).json()
    assert [v["status"] for v in versions] == ["published"]

    # Applying with the digest of another report is refused.
    stale = await client.post(
        f"{wenjiang.base}/catalog/merge/apply",
        params={**params, "digest": "0" * 32},
        files=six_files(),
        headers=wenjiang.auth(),
    )
    assert stale.status_code == 409
    applied = await client.post(
        f"{wenjiang.base}/catalog/merge/apply",
        params={**params, "digest": report["digest"]},
        files=six_files(),
        headers=wenjiang.auth(),
    )
    assert applied.status_code == 201, applied.text
    body = applied.json()
    assert len(body["added"]) == len(leaves) and body["provenance_rows"] == report["rows"]
    merged = next(i for i in report["items"] if i["title"] == "指导居民委员会换届选举")
    item = await client.get(f"{wenjiang.base}/catalog/items/{merged['code']}?version=draft", headers=wenjiang.auth())
    assert item.status_code == 200
    assert item.json()["legal_bases"] and item.json()["responsibilities"][0]["party"] == "township"
    provenance = (
        await client.get(f"{wenjiang.base}/catalog/items/{merged['code']}/provenance", headers=wenjiang.auth())
    ).json()
    assert {(p["source_list"], p["relation"]) for p in provenance} == {
        ("属地责任事项", "representative"),
        ("职责任务", "overlapping"),
    }
    # Applying again adds nothing: the codes are taken now.
    again = await client.post(
        f"{wenjiang.base}/catalog/merge/apply", params=params, files=six_files(), headers=wenjiang.auth()
    )
    assert again.status_code in (409, 422)


async def test_bad_source_lists(client: httpx.AsyncClient, wenjiang: TenantFixture) -> None:
    url = f"{wenjiang.base}/catalog/merge"
    unknown = {"权力清单": ("a.csv", "事项名称,颜色\n甲,红\n".encode(), "text/csv")}
    response = await client.post(url, files=unknown, headers=wenjiang.auth())
    assert response.status_code == 422 and response.json()["errors"][0]["field"] == "权力清单.columns.颜色"
    broken = {"权力清单": ("a.xlsx", b"PK\x03\x04garbage", "application/vnd.ms-excel")}
    response = await client.post(url, files=broken, headers=wenjiang.auth())
    assert response.status_code == 400 and response.json()["errors"][0]["field"].startswith("权力清单.")
    response = await client.post(url, content=b"{}", headers={**wenjiang.auth(), "Content-Type": "application/json"})
    assert response.status_code == 400
    # A merge whose items break catalog rules applies nothing.
    no_level = {"权力清单": ("a.csv", "事项名称,清单类型\n甲事项,基本履职事项\n".encode(), "text/csv")}
    response = await client.post(
        f"{url}/apply", params={"reason_kind": "other", "reason": "x"}, files=no_level, headers=wenjiang.auth()
    )
    assert response.status_code == 422 and "权力清单 第2行" in response.text
    versions = (await client.get(f"{wenjiang.base}/catalog/versions", headers=wenjiang.auth())).json()
    assert [v["status"] for v in versions] == ["published"]


def _row(source: str, row: int, title: str, units: tuple[str, ...] = (), laws: tuple[str, ...] = ()) -> SourceRow:
    duties: list[dict[str, Any]] = [{"party": u, "role": "primary", "duty": "", "financial_share": None} for u in units]
    return SourceRow(source, row, title, responsibilities=duties, citations=list(laws))


def test_relations_and_the_blocking_keep_different_items_apart() -> None:
    a = [
        _row("权力清单", 2, "农村村民宅基地审批", ("township",), ("土地管理法第六十二条",)),
        _row("权力清单", 3, "指导居民委员会换届选举", ("township",)),
    ]
    b = [
        _row("公共服务事项清单", 2, "农村村民宅基地审批", ("township",), ("土地管理法第六十二条",)),
        _row("公共服务事项清单", 3, "指导村民委员会换届选举", ("township",)),
        _row("公共服务事项清单", 4, "指导居民委员会换届选举工作", ("township", "civil-affairs")),
    ]
    report = _merge_rows([a, b], MergeOptions())
    groups = [sorted((p.source_list, p.row, p.relation) for p in i.provenance) for i in report.items]
    assert [("公共服务事项清单", 2, "equal"), ("权力清单", 2, "representative")] in groups
    # 居民委员会 and 村民委员会 differ in one character: different items.
    assert [("公共服务事项清单", 3, "representative")] in groups
    # The padded title with one more unit covers the plain one.
    assert [("公共服务事项清单", 4, "superset"), ("权力清单", 3, "representative")] in groups
    assert normalise("指导 居民委员会（换届）选举。") == "指导居民委员会换届选举"
    assert bigrams("换届选举") == {"换届", "届选", "选举"}


def test_merging_5000_rows_is_not_quadratic() -> None:
    import time

    rows = [[_row(f"清单{k}", i, f"事项{k}{i:05d}号审批", (f"unit-{i % 50}",)) for i in range(2500)] for k in range(2)]
    started = time.perf_counter()
    report = _merge_rows(rows, MergeOptions())
    assert report.rows == 5000 and time.perf_counter() - started < 10


def test_paths_exist() -> None:
    assert DATA.is_dir() and len(list(Path(DATA).glob("*.csv"))) == 6
