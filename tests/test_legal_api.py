"""The legal-basis library over HTTP: documents, versions, provisions, search, the citation
index, amendments and repeals with their impact, and bulk citation import from CSV."""

from __future__ import annotations

import re
import uuid
from typing import Any

import httpx
import pytest

from core.legal.correspondence import correspond
from core.legal.following import Followed
from core.legal.lawtext import LIBRARY_DIR, load_law_file, parse_law
from core.legal.library import provision_rows, store_law
from core.legal.queries import SHARED_TENANT
from core.platform.db import platform_transaction
from core.security.tenancy import find_tenant
from tests.catalog_fixtures import DOMAIN, PATROL, PERMIT, add_items, build_county, publish
from tests.conftest import MakeTenant, TenantFixture

TUFA = "中华人民共和国突发事件应对法"
ANQUAN = "中华人民共和国安全生产法"
STREETS = ("510115001000", "510115002000", "510115003000")


# --- helpers -----------------------------------------------------------------------------


def _unique_name() -> str:
    return "".join("甲乙丙丁戊己庚辛壬癸子丑寅卯辰巳"[int(c, 16)] for c in uuid.uuid4().hex[:8])


LAW_TEXT = """# {title}
2020年1月1日 第十三届全国人民代表大会常务委员会第一次会议通过
<!-- INFO END -->
## 第一章 总则
第一条 为了规范测试工作，制定本法。
第二条 乡镇人民政府负责本行政区域内的测试工作。
县级人民政府有关部门予以配合。
第三条 有下列情形之一的，由乡镇人民政府责令改正：
（一）拒不测试的；
（二）虚假测试的。
"""


async def national_law() -> str:
    """A fresh national law of three articles (shared rows, as ``qingdan migrate`` loads them),
    so that a test may repeal it without touching the shipped library."""
    title = f"中华人民共和国测试{_unique_name()}法"
    async with platform_transaction() as conn:
        await store_law(conn, SHARED_TENANT, parse_law(LAW_TEXT.format(title=title)), "test")
    return title


async def document_id(client: httpx.AsyncClient, t: TenantFixture, title: str) -> str:
    listed = await client.get(f"{t.base}/legal/documents", params={"q": title, "limit": 500}, headers=t.auth())
    assert listed.status_code == 200, listed.text
    return next(d["id"] for d in listed.json()["items"] if d["title"] == title)


async def publish_lists(client: httpx.AsyncClient, t: TenantFixture, *codes: str) -> None:
    for code in codes:
        base = f"{t.base}/townships/{code}/list"
        for step in ("submit", "file"):
            assert (await client.post(f"{base}/{step}", headers=t.auth())).status_code == 200
        published = await client.post(f"{base}/publish", json={"effective_date": "2025-02-01"}, headers=t.auth())
        assert published.status_code == 200, published.text


async def law_adjustments(slug: str, change_id: str) -> list[Any]:
    tenant = await find_tenant(slug)
    assert tenant is not None
    async with platform_transaction() as conn:
        return await conn.fetch(
            "SELECT item_code, version, kind, reason_kind, reason, state, changes"
            " FROM catalog_adjustments WHERE tenant_id = $1 AND law_change_id = $2"
            " ORDER BY item_code",
            tenant.id,
            uuid.UUID(change_id),
        )


def tenant_part(report: dict[str, Any], slug: str) -> dict[str, Any] | None:
    return next((t for t in report["tenants"] if t["tenant"] == slug), None)


@pytest.fixture
async def county(client: httpx.AsyncClient, tenant: TenantFixture) -> TenantFixture:
    await build_county(client, tenant)
    return tenant


# --- documents, versions, provisions, search ---------------------------------------------


async def test_national_documents_versions_and_provisions(
    client: httpx.AsyncClient, tenant: TenantFixture, other: TenantFixture
) -> None:
    base, h = f"{tenant.base}/legal", tenant.auth(tenant.reader)
    laws = await client.get(f"{base}/documents", params={"level": "law", "shared": "true", "limit": 10}, headers=h)
    assert laws.status_code == 200, laws.text
    page = laws.json()
    assert len(page["items"]) == 10 and page["next_cursor"]
    assert {d["level"] for d in page["items"]} == {"law"} and all(d["shared"] for d in page["items"])
    following = await client.get(
        f"{base}/documents",
        params={"level": "law", "shared": "true", "limit": 10, "cursor": page["next_cursor"]},
        headers=h,
    )
    titles = [d["title"] for d in page["items"] + following.json()["items"]]
    assert titles == sorted(titles) and len(set(titles)) == 20
    # Traditional characters find the same documents as simplified ones.
    simplified = await client.get(f"{base}/documents", params={"q": "突发事件应对"}, headers=h)
    traditional = await client.get(f"{base}/documents", params={"q": "突發事件應對"}, headers=h)
    assert [d["title"] for d in traditional.json()["items"]] == [d["title"] for d in simplified.json()["items"]]
    assert TUFA in [d["title"] for d in simplified.json()["items"]]

    tufa_id = await document_id(client, tenant, TUFA)
    doc = (await client.get(f"{base}/documents/{tufa_id}", headers=h)).json()
    assert doc["version_count"] == 2 and doc["status"] == "in_force" and doc["level_label"] == "法律"
    assert doc["current_version"]["version_date"] == "2024-06-28"
    assert doc["first_promulgated"] == "2007-08-30"

    versions = (await client.get(f"{base}/documents/{tufa_id}/versions", headers=h)).json()
    assert [(v["version_date"], v["status"], v["current"]) for v in versions] == [
        ("2007-08-30", "amended", False),
        ("2024-06-28", "in_force", True),
    ]
    assert [v["article_count"] for v in versions] == [70, 106]
    assert versions[1]["history"][0]["date"] == "2007-08-30"

    old = await client.get(
        f"{base}/documents/{tufa_id}/versions/2007-08-30/provisions",
        params={"limit": 60},
        headers=h,
    )
    assert old.status_code == 200, old.text
    first = old.json()
    assert [a["article"] for a in first["items"]] == list(range(1, 61))
    rest = await client.get(
        f"{base}/documents/{tufa_id}/versions/{versions[0]['id']}/provisions",
        params={"limit": 60, "cursor": first["next_cursor"]},
        headers=h,
    )
    assert [a["article"] for a in rest.json()["items"]] == list(range(61, 71))
    assert rest.json()["next_cursor"] is None
    with_items = next(a for a in first["items"] if any(p["items"] for p in a["paragraphs"]))
    paragraph = next(p for p in with_items["paragraphs"] if p["items"])
    assert paragraph["items"][0]["label"].startswith(with_items["label"])

    one = await client.get(f"{base}/documents/{tufa_id}/provisions/第二十二条", headers=h)
    assert one.status_code == 200, one.text
    assert one.json()["article"] == 22 and one.json()["version_date"] == "2024-06-28"
    same = await client.get(f"{base}/documents/{tufa_id}/provisions/22", headers=h)
    assert same.json() == one.json()
    dated = await client.get(f"{base}/documents/{tufa_id}/provisions/22", params={"version": "2007-08-30"}, headers=h)
    assert dated.json()["text"] != one.json()["text"]
    item = f"{with_items['article']}.{paragraph['paragraph']}.1"
    found = await client.get(
        f"{base}/documents/{tufa_id}/provisions/{item}", params={"version": "2007-08-30"}, headers=h
    )
    assert found.status_code == 200, found.text
    assert found.json()["item"] == 1 and found.json()["text"] == paragraph["items"][0]["text"]

    # Bad input: clear 4xx naming the problem.
    past = await client.get(f"{base}/documents/{tufa_id}/provisions/第一百零七条", headers=h)
    assert past.status_code == 404 and "第一百零七条" in past.json()["detail"]
    assert "第一百零六条" in past.json()["detail"]
    unreadable = await client.get(f"{base}/documents/{tufa_id}/provisions/abc", headers=h)
    assert unreadable.status_code == 422 and unreadable.json()["errors"][0]["field"] == "provision"
    bad_version = await client.get(f"{base}/documents/{tufa_id}/versions/yesterday/provisions", headers=h)
    assert bad_version.status_code == 422
    assert (
        await client.get(f"{base}/documents/{tufa_id}/versions/2019-01-01/provisions", headers=h)
    ).status_code == 404
    for params in ({"level": "treaty"}, {"status": "valid"}, {"cursor": "nonsense"}):
        refused = await client.get(f"{base}/documents", params=params, headers=h)
        assert refused.status_code == (400 if "cursor" in params else 422), (params, refused.text)
        assert refused.json()["errors"][0]["field"] == next(iter(params))
    assert (await client.get(f"{base}/documents", params={"limit": 0}, headers=h)).status_code == 400
    assert (await client.get(f"{base}/documents/{uuid.uuid4()}", headers=h)).status_code == 404
    assert (await client.get(f"{base}/documents/not-an-id", headers=h)).status_code == 404

    # Another tenant's key on this tenant's paths: 404, as for a tenant that does not exist.
    for path in (
        "/documents",
        f"/documents/{tufa_id}",
        f"/documents/{tufa_id}/versions",
        f"/documents/{tufa_id}/versions/current/provisions",
        f"/documents/{tufa_id}/provisions/1",
    ):
        assert (await client.get(f"{base}{path}", headers=other.auth())).status_code == 404


async def test_search_provisions(client: httpx.AsyncClient, tenant: TenantFixture, other: TenantFixture) -> None:
    base, h = f"{tenant.base}/legal", tenant.auth(tenant.reader)
    hits = await client.get(
        f"{base}/provisions",
        params={"q": "突发事件 应急预案", "level": "law", "limit": 5},
        headers=h,
    )
    assert hits.status_code == 200, hits.text
    page = hits.json()
    assert len(page["items"]) == 5 and page["next_cursor"]
    assert all("突发事件" in p["text"] and "应急预案" in p["text"] for p in page["items"])
    traditional = await client.get(
        f"{base}/provisions",
        params={"q": "突發事件 應急預案", "level": "law", "limit": 5},
        headers=h,
    )
    assert traditional.json() == page
    more = await client.get(
        f"{base}/provisions",
        params={
            "q": "突发事件 应急预案",
            "level": "law",
            "limit": 5,
            "cursor": page["next_cursor"],
        },
        headers=h,
    )
    keys = [(p["document_title"], p["article"]) for p in page["items"] + more.json()["items"]]
    assert len(set(keys)) == len(keys)
    tufa_id = await document_id(client, tenant, TUFA)
    one_law = await client.get(f"{base}/provisions", params={"q": "应急预案", "document": tufa_id}, headers=h)
    assert {p["document_title"] for p in one_law.json()["items"]} == {TUFA}
    assert {p["version_date"] for p in one_law.json()["items"]} == {"2024-06-28"}
    assert (await client.get(f"{base}/provisions", headers=h)).status_code == 422
    assert (await client.get(f"{base}/provisions", params={"q": "  "}, headers=h)).status_code == 422
    assert (await client.get(f"{base}/provisions", params={"q": "x", "level": "bogus"}, headers=h)).status_code == 422
    # A tenant's own document is found by that tenant only.
    created = await client.post(
        f"{other.base}/legal/documents",
        json={
            "title": "某县独有规范性文件",
            "level": "normative_document",
            "version_date": "2024-01-01",
            "articles": [{"number": 1, "paragraphs": [{"text": "本县鹦鹉螺巡查由乡镇负责。"}]}],
        },
        headers=other.auth(),
    )
    assert created.status_code == 201, created.text
    theirs = await client.get(f"{other.base}/legal/provisions", params={"q": "鹦鹉螺"}, headers=other.auth())
    assert [p["document_title"] for p in theirs.json()["items"]] == ["某县独有规范性文件"]
    mine = await client.get(f"{base}/provisions", params={"q": "鹦鹉螺"}, headers=h)
    assert mine.status_code == 200 and mine.json()["items"] == []
    assert (await client.get(f"{base}/provisions", params={"q": "x"}, headers=other.auth())).status_code == 404


async def test_a_tenant_adds_its_own_documents(
    client: httpx.AsyncClient, tenant: TenantFixture, other: TenantFixture
) -> None:
    base, h = f"{tenant.base}/legal", tenant.auth()
    text = (
        "# 测试县农村村民建房管理办法\n"
        "2023年5月6日 测试县人民政府第十二次常务会议通过\n"
        "<!-- INFO END -->\n"
        "第一条 为了规范农村村民建房，制定本办法。\n"
        "第二条 乡镇人民政府负责农村村民建房审批。\n"
        "第三条 有下列情形之一的，不予批准：\n"
        "（一）不符合国土空间规划的；\n"
        "（二）占用永久基本农田的。\n"
    )
    created = await client.post(
        f"{base}/documents",
        json={
            "text": text,
            "level": "local_government_rule",
            "issuer": "测试县人民政府",
            "doc_number": "测府发〔2023〕5号",
            "effective_date": "2023-06-01",
        },
        headers=h,
    )
    assert created.status_code == 201, created.text
    doc = created.json()
    assert doc["shared"] is False and doc["level"] == "local_government_rule"
    assert doc["title"] == "测试县农村村民建房管理办法" and doc["doc_number"] == "测府发〔2023〕5号"
    assert doc["promulgation_date"] == "2023-05-06" and doc["effective_date"] == "2023-06-01"
    assert doc["status"] == "in_force" and doc["warnings"] == []
    item = await client.get(f"{base}/documents/{doc['id']}/provisions/3.1.2", headers=h)
    assert item.json()["text"] == "占用永久基本农田的。"

    future = await client.post(
        f"{base}/documents",
        json={
            "title": "测试县网格化服务管理规定",
            "level": "normative_document",
            "version_date": "2026-01-05",
            "effective_date": "2099-01-01",
            "articles": [
                {
                    "number": 1,
                    "chapter": "第一章 总则",
                    "paragraphs": [{"text": "网格员履行下列职责：", "items": ["巡查", "上报"]}],
                },
                {"number": 2, "paragraphs": [{"text": "本规定自2099年1月1日起施行。"}]},
            ],
        },
        headers=h,
    )
    assert future.status_code == 201, future.text
    assert future.json()["status"] == "not_yet_effective"
    own = await client.get(f"{base}/documents", params={"shared": "false"}, headers=h)
    assert [d["title"] for d in own.json()["items"]] == [
        "测试县农村村民建房管理办法",
        "测试县网格化服务管理规定",
    ]
    pending = await client.get(f"{base}/documents", params={"status": "not_yet_effective"}, headers=h)
    assert [d["title"] for d in pending.json()["items"]] == ["测试县网格化服务管理规定"]

    bad = [
        ({"title": "某办法", "level": "normative_document", "version_date": "2024-01-01"}, "text"),
        (
            {
                "text": text,
                "articles": [{"number": 1, "paragraphs": [{"text": "x"}]}],
                "level": "normative_document",
            },
            "text",
        ),
        (
            {
                "text": "随便写点什么",
                "title": "某办法",
                "level": "normative_document",
                "version_date": "2024-01-01",
            },
            "text",
        ),
        ({"text": text.replace("测试县农村", "另一县农村"), "level": "law"}, "level"),
        ({"text": text.replace("测试县农村", "另一县农村")}, "level"),
        (
            {
                "title": "某办法",
                "level": "normative_document",
                "articles": [{"number": 1, "paragraphs": [{"text": "x"}]}],
            },
            "version_date",
        ),
        (
            {
                "title": "某办法",
                "level": "normative_document",
                "version_date": "2024-01-01",
                "articles": [
                    {"number": 2, "paragraphs": [{"text": "x"}]},
                    {"number": 1, "paragraphs": [{"text": "y"}]},
                ],
            },
            "articles[1].number",
        ),
        (
            {
                "title": "某办法",
                "level": "normative_document",
                "version_date": "2024-01-01",
                "effective_date": "2023-01-01",
                "articles": [{"number": 1, "paragraphs": [{"text": "x"}]}],
            },
            "effective_date",
        ),
    ]
    for body, field in bad:
        refused = await client.post(f"{base}/documents", json=body, headers=h)
        assert refused.status_code == 422, (body, refused.text)
        assert refused.json()["errors"][0]["field"] == field, refused.json()
    shape = await client.post(f"{base}/documents", json={"text": text, "colour": 1}, headers=h)
    assert shape.status_code == 400
    for title in (ANQUAN, "安全生产法", "测试县农村村民建房管理办法"):
        clash = await client.post(
            f"{base}/documents",
            json={
                "title": title,
                "level": "normative_document",
                "version_date": "2024-01-01",
                "articles": [{"number": 1, "paragraphs": [{"text": "x"}]}],
            },
            headers=h,
        )
        assert clash.status_code == 409 and clash.json()["errors"][0]["field"] == "title", title
    reader = await client.post(
        f"{base}/documents",
        json={"text": text.replace("测试县农村", "读者县")},
        headers=tenant.auth(tenant.reader),
    )
    assert reader.status_code == 403
    across = await client.post(f"{base}/documents", json={"text": text}, headers=other.auth())
    assert across.status_code == 404
    # Nothing was written by the refused requests; the other tenant sees none of it.
    own = await client.get(f"{base}/documents", params={"shared": "false"}, headers=h)
    assert len(own.json()["items"]) == 2
    theirs = await client.get(f"{other.base}/legal/documents", params={"shared": "false"}, headers=other.auth())
    assert theirs.json()["items"] == []
    for path in ("", "/versions", "/versions/current/provisions", "/provisions/1", "/citations"):
        response = await client.get(f"{other.base}/legal/documents/{doc['id']}{path}", headers=other.auth())
        assert response.status_code == 404, path


# --- the citation index ------------------------------------------------------------------


async def test_citation_index_by_document_and_provision(
    client: httpx.AsyncClient, county: TenantFixture, other: TenantFixture
) -> None:
    checks = {
        **PATROL,
        "code": "SAF-03",
        "title": "安全生产举报核查",
        "citations": ["《中华人民共和国安全生产法》第九条第二款", "《安全生产法》第七十四条"],
    }
    whole = {**PATROL, "code": "SAF-04", "title": "安全生产宣传", "citations": ["《安全生产法》"]}
    await add_items(client, county, DOMAIN, PATROL, PERMIT, checks, whole)
    await publish(client, county)
    await publish_lists(client, county, STREETS[0])
    changed = await client.patch(
        f"{county.base}/catalog/items/SAF-01",
        json={
            "citations": ["《安全生产法》第十条"],
            "revision": 1,
            "adjustment": {"reason_kind": "other", "reason": "依据更正"},
        },
        headers=county.auth(),
    )
    assert changed.status_code == 200, changed.text

    anquan = await document_id(client, county, ANQUAN)
    base = f"{county.base}/legal/documents/{anquan}"
    index = await client.get(f"{base}/citations", headers=county.auth())
    assert index.status_code == 200, index.text
    body = index.json()
    assert body["document_title"] == ANQUAN and body["provision"] is None
    assert [(v["version"], v["status"], [i["code"] for i in v["items"]]) for v in body["catalog"]] == [
        (1, "published", ["SAF-01", "SAF-03", "SAF-04"]),
        (2, "draft", ["SAF-01", "SAF-03", "SAF-04"]),
    ]
    saf03 = body["catalog"][0]["items"][1]
    assert [c["label"] for c in saf03["citations"]] == ["第九条第二款", "第七十四条"]
    streets = {t["township_code"]: t for t in body["townships"]}
    assert set(streets) == set(STREETS)
    assert streets[STREETS[0]]["working_copy_item_codes"] == ["SAF-01", "SAF-03", "SAF-04"]
    assert streets[STREETS[0]]["working_copy_catalog_version"] == 1
    assert [(p["number"], p["item_codes"]) for p in streets[STREETS[0]]["published"]] == [
        (1, ["SAF-01", "SAF-03", "SAF-04"])
    ]
    assert streets[STREETS[1]]["published"] == []

    ninth = await client.get(f"{base}/provisions/第九条/citations", headers=county.auth())
    assert ninth.json()["provision"] == "第九条"
    assert [(v["version"], [i["code"] for i in v["items"]]) for v in ninth.json()["catalog"]] == [
        (1, ["SAF-01", "SAF-03", "SAF-04"]),
        (2, ["SAF-03", "SAF-04"]),  # SAF-01 cites 第十条 in the draft; SAF-04 the whole law
    ]
    first_paragraph = await client.get(f"{base}/provisions/9.1/citations", headers=county.auth())
    assert [[i["code"] for i in v["items"]] for v in first_paragraph.json()["catalog"]] == [
        ["SAF-01", "SAF-04"],
        ["SAF-04"],
    ]
    # Readers see published versions only: no draft, no working copies.
    read = await client.get(f"{base}/provisions/9/citations", headers=county.auth(county.reader))
    assert [v["version"] for v in read.json()["catalog"]] == [1]
    assert [t["township_code"] for t in read.json()["townships"]] == [STREETS[0]]
    assert read.json()["townships"][0]["working_copy_item_codes"] == []

    past = await client.get(f"{base}/provisions/第九百条/citations", headers=county.auth())
    assert past.status_code == 404 and "第九百条" in past.json()["detail"]
    assert (await client.get(f"{base}/provisions/x/citations", headers=county.auth())).status_code == 422
    missing = await client.get(f"{county.base}/legal/documents/{uuid.uuid4()}/citations", headers=county.auth())
    assert missing.status_code == 404
    # Another tenant: 404 on this tenant's paths; on its own, nothing of this tenant's.
    assert (await client.get(f"{base}/citations", headers=other.auth())).status_code == 404
    theirs = await client.get(f"{other.base}/legal/documents/{anquan}/provisions/9/citations", headers=other.auth())
    assert theirs.status_code == 200 and theirs.json()["catalog"] == []
    assert theirs.json()["townships"] == []


# --- changes of the law ------------------------------------------------------------------


def _expected_affected(citations: list[Any]) -> set[str]:
    """Items citing provisions whose content changed between the two 突发事件应对法 texts —
    articles followed by text (an article that only moved is not a change) — computed from the
    files, independently of the database."""
    laws = {}
    for path in (LIBRARY_DIR / "行政法").glob("突发事件应对法*.md"):
        law = load_law_file(path)
        laws[law.version_date.year] = provision_rows(law)  # type: ignore[union-attr]
    old, new = laws[2007], laws[2024]
    moves = Followed(
        correspond(
            {a: t for a, p, i, _l, _c, t in old if p == i == 0}, {a: t for a, p, i, _l, _c, t in new if p == i == 0}
        )
    )
    moves.old_parts = {(a, p, i): t for a, p, i, _l, _c, t in old}
    for a, _p, _i, _l, _c, t in new:
        moves.new_parts.setdefault(a, set()).add(re.sub(r"\s", "", t))
    return {c["item_code"] for c in citations if moves.touched(c["article"], c["paragraph"], c["item"])}


async def test_recording_the_2024_emergency_response_law_as_an_amendment(
    client: httpx.AsyncClient, make_tenant: MakeTenant
) -> None:
    wenjiang = await make_tenant(plugin="wenjiang")
    tufa = await document_id(client, wenjiang, TUFA)
    url = f"{wenjiang.base}/legal/documents/{tufa}/amendments"
    body = {"effective_date": "2024-11-01", "to_version": "2024-06-28"}
    platform = wenjiang.auth(wenjiang.platform)

    # Only the platform records changes of national law; bad input is refused, nothing written.
    assert (await client.post(url, json=body, headers=wenjiang.auth())).status_code == 403
    assert (await client.post(url, json=body, headers=wenjiang.auth(wenjiang.reader))).status_code == 403
    for wrong, field in [
        ({**body, "effective_date": "2024-01-01"}, "effective_date"),
        ({**body, "to_version": "2007-08-30"}, "from_version"),
        ({**body, "to_version": "2030-01-01"}, "to_version"),
        ({"effective_date": "2024-11-01"}, "to_version"),
        ({**body, "from_version": "2024-06-28"}, "from_version"),
    ]:
        refused = await client.post(url, json=wrong, headers=platform)
        assert refused.status_code == 422, (wrong, refused.text)
        assert refused.json()["errors"][0]["field"] == field
    changes = await client.get(f"{wenjiang.base}/legal/changes", params={"document": tufa}, headers=wenjiang.auth())
    assert changes.json()["items"] == []

    recorded = await client.post(url, json=body, headers=platform)
    assert recorded.status_code == 201, recorded.text
    result = recorded.json()
    report = result["report"]
    change = report["change"]
    assert result["created"] and change["kind"] == "amend" and change["shared"]
    assert change["from_version"]["version_date"] == "2007-08-30"
    assert change["to_version"]["effective_date"] == "2024-11-01"
    assert {p["change"] for p in report["provisions"]} == {"changed", "moved", "split", "merged", "removed", "added"}
    assert any(p["change"] == "added" and p["to_articles"] == [105] for p in report["provisions"])
    moved = next(p for p in report["provisions"] if p["from_articles"] == [14])
    assert (moved["change"], moved["to_articles"], moved["label"]) == ("moved", [24], "第十四条 → 第二十四条")

    tenant = await find_tenant(wenjiang.slug)
    assert tenant is not None
    async with platform_transaction() as conn:
        cited = await conn.fetch(
            "SELECT c.item_code, c.article, c.paragraph, c.item FROM item_citations c"
            " JOIN catalog_items i ON i.tenant_id = c.tenant_id AND i.version = c.version"
            " AND i.code = c.item_code WHERE c.tenant_id = $1 AND c.document_id = $2"
            " AND c.version = 1 AND i.status = 'active'",
            tenant.id,
            uuid.UUID(tufa),
        )
    expected = _expected_affected(cited)
    assert expected
    mine = tenant_part(report, wenjiang.slug)
    assert mine is not None
    assert {i["code"] for i in mine["items"]} == expected
    assert all(i["adjustment_state"] == "open" and i["catalog_version"] == 2 for i in mine["items"])
    assert all(p["change"] in ("changed", "split", "merged", "removed") for i in mine["items"] for p in i["provisions"])
    # Township entries resting on the affected items, by township.
    assert mine["townships"] and all(set(t["working_copy_item_codes"]) <= expected for t in mine["townships"])
    opened = await law_adjustments(wenjiang.slug, change["id"])
    assert {a["item_code"] for a in opened} == expected
    assert {(a["kind"], a["reason_kind"], a["state"], a["version"]) for a in opened} == {
        ("modify", "law_changed", "open", 2)
    }
    assert all(TUFA in a["reason"] and "第" in a["reason"] for a in opened)
    assert result["opened"] >= len(expected)

    # Recording it again opens nothing new; a different effective date is a conflict.
    again = await client.post(url, json=body, headers=platform)
    assert again.status_code == 200 and again.json()["created"] is False
    assert again.json()["opened"] == 0
    assert len(await law_adjustments(wenjiang.slug, change["id"])) == len(expected)
    other_date = await client.post(url, json={**body, "effective_date": "2025-01-01"}, headers=platform)
    assert other_date.status_code == 409

    # The report is readable; the tenant's admin sees its own tenant only.
    own = await client.get(f"{wenjiang.base}/legal/changes/{change['id']}/impact", headers=wenjiang.auth())
    assert own.status_code == 200, own.text
    assert [t["tenant"] for t in own.json()["tenants"]] == [wenjiang.slug]
    assert own.json()["tenants"][0]["items"] == mine["items"]
    versions = (await client.get(f"{wenjiang.base}/legal/documents/{tufa}/versions", headers=wenjiang.auth())).json()
    assert versions[1]["effective_date"] == "2024-11-01"
    listed = await client.get(
        f"{wenjiang.base}/legal/changes",
        params={"kind": "amend"},
        headers=wenjiang.auth(wenjiang.reader),
    )
    assert change["id"] in [c["id"] for c in listed.json()["items"]]


async def test_repealing_a_national_law(
    client: httpx.AsyncClient, county: TenantFixture, make_tenant: MakeTenant
) -> None:
    title = await national_law()
    successor = await national_law()
    neighbour = await make_tenant(division_code="510116")
    await build_county_for(client, neighbour)
    cites = {
        **PATROL,
        "code": "TST-01",
        "title": "测试工作监督",
        "citations": [f"《{title}》第二条"],
    }
    items = {
        **PATROL,
        "code": "TST-02",
        "title": "测试违法处理",
        "citations": [f"《{title}》第三条第（一）项", "《安全生产法》第九条"],
    }
    await add_items(client, county, DOMAIN, PATROL, cites, items)
    await publish(client, county)
    await publish_lists(client, county, STREETS[0], STREETS[1])
    await add_items(client, neighbour, DOMAIN, {**cites, "code": "NB-01"})
    await publish(client, neighbour)

    law = await document_id(client, county, title)
    heir = await document_id(client, county, successor)
    url = f"{county.base}/legal/documents/{law}/repeal"
    platform = county.auth(county.platform)
    body = {"effective_date": "2025-06-01", "successor_id": heir}
    assert (await client.post(url, json=body, headers=county.auth())).status_code == 403
    for wrong, field in [
        ({**body, "effective_date": "2019-12-31"}, "effective_date"),
        ({**body, "successor_id": str(uuid.uuid4())}, "successor_id"),
        ({**body, "successor_id": law}, "successor_id"),
    ]:
        refused = await client.post(url, json=wrong, headers=platform)
        assert refused.status_code == 422, (wrong, refused.text)
        assert refused.json()["errors"][0]["field"] == field
    assert (await client.post(url, json={"effective_date": "x"}, headers=platform)).status_code == 400
    assert (
        await client.post(f"{county.base}/legal/documents/{uuid.uuid4()}/repeal", json=body, headers=platform)
    ).status_code == 404
    assert (await client.get(f"{county.base}/legal/documents/{law}", headers=county.auth())).json()[
        "status"
    ] == "in_force"

    preview = await client.post(url, json={**body, "dry_run": True}, headers=platform)
    assert preview.status_code == 200, preview.text
    assert preview.json()["dry_run"] and preview.json()["opened"] == 0
    previewed = tenant_part(preview.json()["report"], county.slug)
    assert previewed is not None
    assert [
        (i["code"], i["adjustment_state"], i["adjustment_id"], i["catalog_version"]) for i in previewed["items"]
    ] == [("TST-01", "would_open", None, 2), ("TST-02", "would_open", None, 2)]
    assert len(previewed["townships"]) == 3
    nothing = await client.get(f"{county.base}/legal/changes", params={"document": law}, headers=county.auth())
    assert nothing.json()["items"] == []
    assert (await client.get(f"{county.base}/catalog/versions/draft", headers=county.auth())).status_code == 404

    recorded = await client.post(url, json=body, headers=platform)
    assert recorded.status_code == 201, recorded.text
    result = recorded.json()
    assert result["opened"] == 3 and not result["dry_run"]
    assert [[i["code"] for i in t["items"]] for t in result["report"]["tenants"]] == [
        [i["code"] for i in t["items"]] for t in preview.json()["report"]["tenants"]
    ]
    report = result["report"]
    assert report["change"]["successor_title"] == successor and report["provisions"] == []
    assert [t["tenant"] for t in report["tenants"]] == sorted([county.slug, neighbour.slug])
    ours = tenant_part(report, county.slug)
    assert ours is not None
    assert [(i["code"], [p["label"] for p in i["provisions"]]) for i in ours["items"]] == [
        ("TST-01", ["第二条"]),
        ("TST-02", ["第三条第一款第（一）项"]),
    ]
    assert {t["township_code"]: t["working_copy_item_codes"] for t in ours["townships"]} == {
        s: ["TST-01", "TST-02"] for s in STREETS
    }
    published = {t["township_code"]: (t["published_version"], t["published_item_codes"]) for t in ours["townships"]}
    assert published[STREETS[0]] == (1, ["TST-01", "TST-02"])
    assert published[STREETS[2]] == (None, [])
    assert report["township_entry_count"] == 6 + 0  # the neighbour has no townships
    theirs = tenant_part(report, neighbour.slug)
    assert theirs is not None and [i["code"] for i in theirs["items"]] == ["NB-01"]
    adjustments = await law_adjustments(county.slug, report["change"]["id"])
    assert [(a["item_code"], a["state"], a["version"]) for a in adjustments] == [
        ("TST-01", "open", 2),
        ("TST-02", "open", 2),
    ]
    assert "废止" in adjustments[0]["reason"] and successor in adjustments[0]["reason"]
    visible = await client.get(
        f"{county.base}/catalog/adjustments", params={"version": 2, "state": "open"}, headers=county.auth()
    )
    assert sorted((a["item_code"], a["reason_kind"], a["law_change_id"]) for a in visible.json()) == [
        ("TST-01", "law_changed", report["change"]["id"]),
        ("TST-02", "law_changed", report["change"]["id"]),
    ]

    doc = (await client.get(f"{county.base}/legal/documents/{law}", headers=county.auth())).json()
    assert doc["status"] == "repealed" and doc["repeal"]["successor_title"] == successor
    versions = await client.get(f"{county.base}/legal/documents/{law}/versions", headers=county.auth())
    assert versions.json()[0]["status"] == "repealed"
    repealed = await client.get(f"{county.base}/legal/documents", params={"status": "repealed"}, headers=county.auth())
    assert title in [d["title"] for d in repealed.json()["items"]]

    # Re-recording opens nothing; a different repeal, or amending it, is a conflict.
    again = await client.post(url, json=body, headers=county.auth(county.platform))
    assert again.status_code == 200 and again.json()["opened"] == 0
    assert (await client.post(url, json={**body, "effective_date": "2025-07-01"}, headers=platform)).status_code == 409
    amend = await client.post(
        f"{county.base}/legal/documents/{law}/amendments",
        json={
            "effective_date": "2026-01-01",
            "version_date": "2025-12-01",
            "articles": [{"number": 1, "paragraphs": [{"text": "新的第一条。"}]}],
        },
        headers=platform,
    )
    assert amend.status_code == 409 and "repealed" in amend.json()["detail"]
    assert len((await client.get(f"{county.base}/legal/documents/{law}/versions", headers=county.auth())).json()) == 1

    # Reports: each admin its own tenant; the platform every tenant; readers not at all.
    change_url = f"/legal/changes/{report['change']['id']}"
    for t, expected in ((county, [county.slug]), (neighbour, [neighbour.slug])):
        seen = await client.get(f"{t.base}{change_url}/impact", headers=t.auth())
        assert [x["tenant"] for x in seen.json()["tenants"]] == expected
    full = await client.get(f"{neighbour.base}{change_url}/impact", headers=neighbour.auth(neighbour.platform))
    assert len(full.json()["tenants"]) == 2
    assert (
        await client.get(f"{county.base}{change_url}/impact", headers=county.auth(county.reader))
    ).status_code == 403
    assert (await client.get(f"{county.base}{change_url}", headers=county.auth(county.reader))).json()[
        "kind"
    ] == "repeal"
    assert (
        await client.get(f"{county.base}/legal/changes/{uuid.uuid4()}/impact", headers=county.auth())
    ).status_code == 404
    assert (await client.get(f"{county.base}{change_url}/impact", headers=neighbour.auth())).status_code == 404

    # A list published since is read afresh (an analysis keeps each published version's entries).
    await publish_lists(client, county, STREETS[2])
    later = tenant_part(
        (await client.get(f"{county.base}{change_url}/impact", headers=county.auth())).json(), county.slug
    )
    assert later is not None
    assert {t["township_code"]: (t["published_version"], t["published_item_codes"]) for t in later["townships"]} == {
        STREETS[0]: (1, ["TST-01", "TST-02"]),
        STREETS[1]: (1, ["TST-01", "TST-02"]),
        STREETS[2]: (1, ["TST-01", "TST-02"]),
    }


async def build_county_for(client: httpx.AsyncClient, t: TenantFixture) -> None:
    """A county without townships: its structure and units only."""
    from tests.catalog_fixtures import STRUCTURE, UNITS

    assert (await client.put(f"{t.base}/catalog/structure", json=STRUCTURE, headers=t.auth())).status_code == 200
    for unit in UNITS:
        unit = {**unit, "jurisdiction_code": t.division_code}
        assert (await client.post(f"{t.base}/units", json=unit, headers=t.auth())).status_code == 201


async def test_amending_and_repealing_a_tenants_own_document(
    client: httpx.AsyncClient, county: TenantFixture, other: TenantFixture
) -> None:
    h = county.auth()
    created = await client.post(
        f"{county.base}/legal/documents",
        json={
            "title": "测试区安全巡查办法",
            "level": "normative_document",
            "version_date": "2023-01-01",
            "articles": [
                {"number": 1, "paragraphs": [{"text": "为了规范安全巡查，制定本办法。"}]},
                {"number": 2, "paragraphs": [{"text": "街道办事处每月巡查一次。"}]},
                {"number": 3, "paragraphs": [{"text": "区应急管理局予以指导。"}]},
            ],
        },
        headers=h,
    )
    assert created.status_code == 201, created.text
    doc = created.json()["id"]
    second = {
        **PATROL,
        "code": "OWN-02",
        "title": "月度巡查",
        "citations": ["《测试区安全巡查办法》第二条"],
    }
    third = {
        **PATROL,
        "code": "OWN-03",
        "title": "巡查指导",
        "citations": ["《测试区安全巡查办法》第三条"],
    }
    await add_items(client, county, DOMAIN, second, third)
    await publish(client, county)

    url = f"{county.base}/legal/documents/{doc}/amendments"
    new_text = (
        "# 测试区安全巡查办法\n2025年3月1日 测试区人民政府修订\n<!-- INFO END -->\n"
        "第一条 为了规范安全巡查，制定本办法。\n"
        "第二条 街道办事处每周巡查一次。\n"
        "第三条 区应急管理局予以指导。\n"
    )
    wrong_law = new_text.replace("# 测试区安全巡查办法", f"# {ANQUAN}")
    for body, status, field in [
        ({"effective_date": "2025-04-01", "text": wrong_law}, 422, "text"),
        (
            {"effective_date": "2025-04-01", "text": new_text, "to_version": "2023-01-01"},
            422,
            "to_version",
        ),
        ({"effective_date": "2025-02-01", "text": new_text}, 422, "effective_date"),
    ]:
        refused = await client.post(url, json=body, headers=h)
        assert refused.status_code == status and refused.json()["errors"][0]["field"] == field, (
            body,
            refused.text,
        )
    assert len((await client.get(f"{county.base}/legal/documents/{doc}/versions", headers=h)).json()) == 1
    assert (
        await client.post(
            url,
            json={"effective_date": "2025-04-01", "text": new_text},
            headers=county.auth(county.reader),
        )
    ).status_code == 403
    assert (
        await client.post(
            f"{other.base}/legal/documents/{doc}/amendments",
            json={"effective_date": "2025-04-01", "text": new_text},
            headers=other.auth(),
        )
    ).status_code == 404

    preview = await client.post(
        url, json={"effective_date": "2025-04-01", "text": new_text, "dry_run": True}, headers=h
    )
    assert preview.status_code == 200 and preview.json()["dry_run"], preview.text
    assert [i["code"] for i in preview.json()["report"]["tenants"][0]["items"]] == ["OWN-02"]
    assert len((await client.get(f"{county.base}/legal/documents/{doc}/versions", headers=h)).json()) == 1
    amended = await client.post(url, json={"effective_date": "2025-04-01", "text": new_text}, headers=h)
    assert amended.status_code == 201, amended.text
    report = amended.json()["report"]
    assert [(p["label"], p["change"]) for p in report["provisions"]] == [("第二条", "changed")]
    assert [t["tenant"] for t in report["tenants"]] == [county.slug]
    assert [i["code"] for i in report["tenants"][0]["items"]] == ["OWN-02"]
    assert len(report["tenants"][0]["townships"]) == 3
    again = await client.post(url, json={"effective_date": "2025-04-01", "text": new_text}, headers=h)
    assert again.status_code == 200 and again.json()["opened"] == 0
    different = new_text.replace("每周", "每日")
    clash = await client.post(url, json={"effective_date": "2025-04-01", "text": different}, headers=h)
    assert clash.status_code == 409 and clash.json()["errors"][0]["field"] == "version_date"
    versions = (await client.get(f"{county.base}/legal/documents/{doc}/versions", headers=h)).json()
    assert [(v["version_date"], v["status"]) for v in versions] == [
        ("2023-01-01", "amended"),
        ("2025-03-01", "in_force"),
    ]

    repeal = f"{county.base}/legal/documents/{doc}/repeal"
    early = await client.post(repeal, json={"effective_date": "2024-01-01"}, headers=h)
    assert early.status_code == 422 and "2025-03-01" in early.json()["detail"]
    assert (await client.post(repeal, json={"effective_date": "2026-01-01"}, headers=other.auth())).status_code == 404
    repealed = await client.post(repeal, json={"effective_date": "2099-01-01"}, headers=h)
    assert repealed.status_code == 201, repealed.text
    assert [i["code"] for i in repealed.json()["report"]["tenants"][0]["items"]] == [
        "OWN-02",
        "OWN-03",
    ]
    # Repealed from a future date: in force until then.
    assert (await client.get(f"{county.base}/legal/documents/{doc}", headers=h)).json()["status"] == "in_force"

    changes = await client.get(f"{county.base}/legal/changes", params={"document": doc, "limit": 1}, headers=h)
    page = changes.json()
    assert [c["kind"] for c in page["items"]] == ["repeal"] and page["next_cursor"]
    rest = await client.get(
        f"{county.base}/legal/changes",
        params={"document": doc, "cursor": page["next_cursor"]},
        headers=h,
    )
    assert [c["kind"] for c in rest.json()["items"]] == ["amend"]
    assert (await client.get(f"{county.base}/legal/changes", params={"kind": "x"}, headers=h)).status_code == 422
    # The other tenant sees none of it.
    theirs = await client.get(f"{other.base}/legal/changes", params={"document": doc}, headers=other.auth())
    assert theirs.json()["items"] == []
    change_id = page["items"][0]["id"]
    for path in (f"/legal/changes/{change_id}", f"/legal/changes/{change_id}/impact"):
        assert (await client.get(f"{other.base}{path}", headers=other.auth())).status_code == 404
        assert (await client.get(f"{county.base}{path}", headers=other.auth())).status_code == 404


# --- bulk citations from CSV -------------------------------------------------------------


async def test_importing_citations_from_csv(
    client: httpx.AsyncClient, county: TenantFixture, other: TenantFixture
) -> None:
    await add_items(client, county, DOMAIN, PATROL, PERMIT)
    await publish(client, county)
    withdrawn = await client.post(
        f"{county.base}/catalog/items/CON-01/withdraw",
        json={"reason_kind": "other", "reason": "合并"},
        headers=county.auth(),
    )
    assert withdrawn.status_code == 200
    url = f"{county.base}/catalog/citations/import"
    bad_csv = (
        "reference_code,citation\n"
        "SAF-01,《中华人民共和国安全生产法》第十条\n"
        "NOPE-1,《安全生产法》第九条\n"
        "SAF-01,《某省不存在条例》第三条\n"
        "SAF-01,《安全生产法》第九百条\n"
        "SAF,依据有关规定\n"
        "CON-01,《城乡规划法》第四十一条\n"
        "SAF,\n"
    )
    dry = await client.post(url, json={"csv": bad_csv}, headers=county.auth())
    assert dry.status_code == 200, dry.text
    report = dry.json()
    assert report["dry_run"] and not report["valid"] and not report["written"]
    problems = [(p["row"], p["column"]) for p in report["problems"]]
    assert problems == [
        (3, "reference_code"),
        (4, "citation"),
        (5, "citation"),
        (6, "citation"),
        (7, "reference_code"),
        (8, "citation"),
    ]
    texts = {p["row"]: p["problem"] for p in report["problems"]}
    assert "不存在条例" in texts[4] and "第九百条" in texts[5] and "第一百一十九条" in texts[5]
    assert "withdrawn" in texts[7]
    confirmed = await client.post(url, json={"csv": bad_csv, "dry_run": False}, headers=county.auth())
    assert confirmed.status_code == 422
    assert confirmed.json()["errors"][0]["field"] == "rows[3].reference_code"
    assert len(confirmed.json()["problems"]) == 6
    item = await client.get(f"{county.base}/catalog/items/SAF-01", headers=county.auth())
    assert [b["raw"] for b in item.json()["legal_bases"]] == PATROL["citations"]
    assert (await client.get(f"{county.base}/catalog/versions/draft", headers=county.auth())).json()[
        "revision"
    ] == 2  # the withdrawal only

    good = (
        'SAF-01,《中华人民共和国安全生产法》第十条\nSAF-01,"《安全生产法》第二十一条、第二十二条"\nSAF,《安全生产法》\n'
    )
    preview = await client.post(url, json={"csv": good}, headers=county.auth())
    assert preview.json()["valid"] and preview.json()["changed"] == [
        {
            "code": "SAF-01",
            "before": PATROL["citations"],
            "after": ["《中华人民共和国安全生产法》第十条", "《安全生产法》第二十一条、第二十二条"],
        },
        {"code": "SAF", "before": [], "after": ["《安全生产法》"]},
    ]
    unchanged = await client.get(f"{county.base}/catalog/items/SAF-01", headers=county.auth())
    assert unchanged.json() == item.json()
    written = await client.post(
        url,
        json={
            "csv": good,
            "dry_run": False,
            "adjustment": {"reason_kind": "law_changed", "reason": "依据安全生产法修正更新"},
        },
        headers=county.auth(),
    )
    assert written.status_code == 200, written.text
    assert written.json()["written"] and written.json()["rows"] == 3 and written.json()["items"] == 2
    after = (await client.get(f"{county.base}/catalog/items/SAF-01", headers=county.auth())).json()
    assert [(b["article"], b["resolved"]) for b in after["legal_bases"]] == [
        (10, True),
        (21, True),
        (22, True),
    ]
    adjustments = (
        await client.get(f"{county.base}/catalog/adjustments", params={"version": 2}, headers=county.auth())
    ).json()
    assert {(a["item_code"], a["reason_kind"]) for a in adjustments} == {
        ("CON-01", "other"),
        ("SAF-01", "law_changed"),
        ("SAF", "law_changed"),
    }

    appended = await client.post(
        url,
        json={
            "csv": "SAF-01,《安全生产法》第九条\nSAF-01,《安全生产法》第十条\n",
            "mode": "append",
            "dry_run": False,
        },
        headers=county.auth(),
    )
    assert appended.status_code == 200, appended.text
    final = (await client.get(f"{county.base}/catalog/items/SAF-01", headers=county.auth())).json()
    assert [b["article"] for b in final["legal_bases"]] == [10, 21, 22, 9]
    same = await client.post(
        url,
        json={"csv": "SAF-01,《安全生产法》第十条\n", "mode": "append", "dry_run": False},
        headers=county.auth(),
    )
    assert same.json()["changed"] == [] and same.json()["unchanged"] == ["SAF-01"]
    assert not same.json()["written"]

    for body in ({"csv": good, "mode": "merge"}, {"csv": ""}, {"csv": good, "extra": 1}):
        assert (await client.post(url, json=body, headers=county.auth())).status_code == 400, body
    odd = await client.post(
        url,
        json={"csv": good, "adjustment": {"reason_kind": "whim", "reason": "x"}},
        headers=county.auth(),
    )
    assert odd.status_code == 422 and odd.json()["errors"][0]["field"] == "adjustment.reason_kind"
    columns = await client.post(url, json={"csv": "SAF-01,a,b\n"}, headers=county.auth())
    assert [(p["row"], p["column"]) for p in columns.json()["problems"]] == [(1, "row")]
    assert (await client.post(url, json={"csv": good}, headers=county.auth(county.reader))).status_code == 403
    assert (await client.post(url, json={"csv": good, "dry_run": False}, headers=other.auth())).status_code == 404
    mine = await client.post(f"{other.base}/catalog/citations/import", json={"csv": good}, headers=other.auth())
    assert [p["column"] for p in mine.json()["problems"]] == ["reference_code"] * 3


async def test_importing_citations_from_an_excel_workbook(client: httpx.AsyncClient, county: TenantFixture) -> None:
    import base64
    import io

    import openpyxl

    await add_items(client, county, DOMAIN, PATROL)
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["事项编码", "实施依据"])
    sheet.append(["SAF-01", "《中华人民共和国安全生产法》第十条"])
    sheet.append(["SAF-01", "《消防法》第五条"])
    sheet.append(["SAF-01", "《安全生产法》第九百条"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    body = {"xlsx_base64": base64.b64encode(buffer.getvalue()).decode()}
    url = f"{county.base}/catalog/citations/import"

    dry = (await client.post(url, json=body, headers=county.auth())).json()
    assert [(p["row"], p["column"]) for p in dry["problems"]] == [(4, "citation")]
    refused = await client.post(url, json={**body, "dry_run": False}, headers=county.auth())
    assert refused.status_code == 422
    item = (await client.get(f"{county.base}/catalog/items/SAF-01", headers=county.auth())).json()
    assert [b["raw"] for b in item["legal_bases"]] == ["《中华人民共和国安全生产法》第九条"]

    both = await client.post(url, json={**body, "csv": "SAF-01,x"}, headers=county.auth())
    assert both.status_code == 422
    garbage = await client.post(url, json={"xlsx_base64": "bm90IGEgd29ya2Jvb2s="}, headers=county.auth())
    assert garbage.status_code == 422 and garbage.json()["errors"][0]["field"] == "xlsx_base64"
