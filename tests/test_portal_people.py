"""What people read on the portal, in the Excel export and in the handbook: Chinese labels
instead of plugin codes, a Chinese not-found page, one title, and the tenant's own footer
(主办单位, 承办单位, 网站标识码, ICP 备案号, 联系方式) set over REST and GraphQL."""

from __future__ import annotations

import base64
import io
import re
from typing import Any

import httpx
import pytest
from openpyxl import load_workbook

from core.catalog.structure import choice_labels, extra_text
from core.plugin_api.types import ExtraField, Label
from core.publication.handbook.data import load_document
from core.publication.links import item_page_path, township_path
from tenants.access import open_access
from tests.conftest import PLATFORM, MakeTenant, TenantFixture
from tests.portal_fixtures import LIUCHENG, published_county
from tests.test_graphql import gql

FOOTER = {
    "sponsor": "成都市温江区人民政府办公室",
    "organizer": "中共成都市温江区委机构编制委员会办公室",
    "site_code": "5101150001",
    "icp_record": "蜀ICP备05012345号",
    "contact": "028-82712001",
}


@pytest.fixture
async def county(client: httpx.AsyncClient, tenant: TenantFixture) -> TenantFixture:
    return await published_county(client, tenant)


def text_of(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


async def labelled_sources(client: httpx.AsyncClient, t: TenantFixture) -> None:
    """Give the fixture county's 来源清单 choices their labels (its structure has none)."""
    document = (await client.get(f"{t.base}/catalog/structure", headers=t.auth())).json()
    field = next(f for f in document["extra_fields"] if f["name"] == "source_lists")
    field["choice_labels"] = [
        {"code": "powers", "label": "行政权力清单"},
        {"code": "services", "label": "公共服务清单"},
    ]
    saved = await client.put(f"{t.base}/catalog/structure", json=document, headers=t.auth())
    assert saved.status_code == 200, saved.text
    assert saved.json()["extra_fields"][0]["choice_labels"][0] == {"code": "powers", "label": "行政权力清单"}


# --- labels, not codes ---------------------------------------------------------------------


def test_choice_labels_come_from_the_field_or_from_an_older_description() -> None:
    field = ExtraField("power_type", "事项类型", "choice", choices=("licensing", "penalty"))
    labelled = ExtraField(
        "power_type",
        "事项类型",
        "choice",
        choices=("licensing", "penalty"),
        choice_labels=(Label("licensing", "行政许可"),),
    )
    described = ExtraField(
        "power_type",
        "事项类型",
        "choice",
        choices=("licensing", "penalty"),
        description="licensing 行政许可；penalty 行政处罚",
    )
    assert choice_labels(labelled) == {"licensing": "行政许可"}
    assert choice_labels(described) == {"licensing": "行政许可", "penalty": "行政处罚"}
    assert extra_text(described, "penalty") == "行政处罚"
    assert extra_text(field, "penalty") == "penalty"  # nothing to read it from: the code, not a blank
    sources = ExtraField("source_lists", "来源清单", "list", choices=("a", "b"), choice_labels=(Label("a", "甲"),))
    assert extra_text(sources, ["a", "b"]) == "甲、b"
    assert extra_text(ExtraField("flag", "标记", "boolean"), False) == "否"


async def test_the_item_page_shows_choice_labels(client: httpx.AsyncClient, county: TenantFixture) -> None:
    await labelled_sources(client, county)
    item = await client.get(item_page_path(county.slug, LIUCHENG, "SAF-03"))
    assert item.status_code == 200
    text = text_of(item.text)
    assert "来源清单 行政权力清单" in text
    assert "powers" not in text


async def test_the_handbook_shows_labels(client: httpx.AsyncClient, county: TenantFixture) -> None:
    await labelled_sources(client, county)
    access = await open_access(PLATFORM, county.slug)
    document = await load_document(access, LIUCHENG, 1, "https://qingdan.example.gov.cn")
    entries = {e.code: e for section in document.sections for e in section.entries}
    fire = entries["SAF-03"]
    assert fire.extras == (("来源清单", "行政权力清单"),)
    assert fire.category_label == "安全生产" and "基本履职事项" in fire.kind_labels
    assert "safety" not in [s.label for s in document.sections]


@pytest.mark.parametrize("plugin", ["longsha", "wenjiang"])
async def test_the_excel_export_writes_labels_and_reads_them_back(
    client: httpx.AsyncClient, make_tenant: MakeTenant, plugin: str
) -> None:
    t = await make_tenant(plugin)
    response = await client.get(
        f"{t.base}/catalog/versions/1/export.xlsx", params={"download": "true"}, headers=t.auth()
    )
    assert response.status_code == 200, response.text
    rows = [list(r) for r in load_workbook(io.BytesIO(response.content)).worksheets[0].iter_rows(values_only=True)]
    cells = {str(c) for row in rows[1:] for c in row if c is not None}
    words = {w for c in cells for w in re.split(r"[、\n]", c)}
    codes = {"licensing", "penalty", "statutory_powers", "granted_powers", "duty_tasks", "department", "street"}
    assert not words & codes, words & codes
    assert "行政许可" in words or "行政处罚" in words
    # The importer reads the labels back: importing the export changes nothing.
    report = await client.post(
        f"{t.base}/catalog/import",
        params={"dry_run": "true"},
        content=response.content,
        headers={**t.auth(), "Content-Type": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"},
    )
    assert report.status_code == 200, report.text
    body = report.json()
    assert body["errors"] == [] and body["changed"] == [] and body["added"] == []

    # GraphQL: the same workbook through exportCatalog's link, the same dry run through importCatalog.
    export = """mutation($t: String!) { exportCatalog(tenant: $t, version: "1") {
      __typename ... on ExportLink { url } ... on Problem { status } } }"""
    link = (await gql(client, t.reader, export, t=t.slug))["exportCatalog"]
    linked = await client.get(link["url"].replace("http://127.0.0.1:8000", ""))
    assert linked.status_code == 200
    assert [
        list(r) for r in load_workbook(io.BytesIO(linked.content)).worksheets[0].iter_rows(values_only=True)
    ] == rows
    imports = """mutation($t: String!, $c: String!) { importCatalog(tenant: $t, contentBase64: $c, dryRun: true) {
      __typename ... on ImportReport { added changed { code } errors { row } } ... on Problem { status } } }"""
    encoded = base64.b64encode(response.content).decode()
    dry = (await gql(client, t.admin, imports, t=t.slug, c=encoded))["importCatalog"]
    assert dry == {"__typename": "ImportReport", "added": [], "changed": [], "errors": []}


# --- the not-found page and the title --------------------------------------------------------


async def test_not_found_pages_are_chinese_with_one_title(client: httpx.AsyncClient, county: TenantFixture) -> None:
    missing = await client.get(item_page_path(county.slug, LIUCHENG, "NOPE"))
    assert missing.status_code == 404
    text = text_of(missing.text)
    assert "柳城街道公开发布的履职事项清单中没有编码为“NOPE”的事项" in text
    assert "is not on" not in text and "published list" not in text
    assert "<title>页面不存在 · 履职事项清单</title>" in missing.text
    assert "测试县 · 履职事项清单" in text  # the tenant's own header, even on its error page
    assert missing.headers["cache-control"] == "no-store"

    draft = await client.get(township_path(county.slug, "510115003000"))  # 天府街道: a draft list
    assert draft.status_code == 404 and "尚未公开发布履职事项清单" in text_of(draft.text)
    law = await client.get(f"/portal/{county.slug}/laws/not-a-uuid")
    assert law.status_code == 404 and "法律法规" in text_of(law.text)

    nowhere = await client.get("/portal/no-such-county/townships/510115001000")
    assert nowhere.status_code == 404
    assert "履职事项清单 · 履职事项清单" not in nowhere.text
    assert "没有找到这个清单公开网站" in text_of(nowhere.text)
    for path in (f"/portal/{county.slug}", township_path(county.slug, LIUCHENG)):
        page = await client.get(path)
        assert page.text.count("履职事项清单 · 履职事项清单") == 0, path


# --- the tenant's footer ----------------------------------------------------------------------


async def test_the_footer_over_rest_and_on_every_page(
    client: httpx.AsyncClient, county: TenantFixture, make_tenant: MakeTenant
) -> None:
    url = f"{county.base}/portal-footer"
    empty = await client.get(url, headers=county.auth(county.reader))
    assert empty.status_code == 200 and empty.headers["etag"] == '"0"'
    assert empty.json() == {**dict.fromkeys(FOOTER, ""), "revision": 0, "updated_at": None}
    home = await client.get(f"/portal/{county.slug}")
    assert "主办单位" not in home.text  # nothing set, nothing made up

    unversioned = await client.put(url, json=FOOTER, headers=county.auth())
    assert unversioned.status_code == 428
    reader = await client.put(url, json={**FOOTER, "revision": 0}, headers=county.auth(county.reader))
    assert reader.status_code == 403
    bad = await client.put(url, json={**FOOTER, "site_code": "51-0115", "revision": 0}, headers=county.auth())
    assert bad.status_code == 400 and "site_code" in bad.text
    unknown = await client.put(url, json={**FOOTER, "revision": 0, "beian": "x"}, headers=county.auth())
    assert unknown.status_code == 400
    assert (await client.get(url, headers=county.auth())).json()["revision"] == 0  # nothing written

    saved = await client.put(url, json=FOOTER, headers={**county.auth(), "If-Match": '"0"'})
    assert saved.status_code == 200, saved.text
    assert saved.headers["etag"] == '"1"' and {k: saved.json()[k] for k in FOOTER} == FOOTER
    stale = await client.put(url, json={**FOOTER, "contact": "x", "revision": 0}, headers=county.auth())
    assert stale.status_code == 412

    for path in (
        f"/portal/{county.slug}",
        township_path(county.slug, LIUCHENG),
        item_page_path(county.slug, LIUCHENG, "SAF-03"),
        item_page_path(county.slug, LIUCHENG, "NOPE"),
        f"/portal/{county.slug}/search?q=消防",
    ):
        text = text_of((await client.get(path)).text)
        for label, value in (("主办单位", "sponsor"), ("承办单位", "organizer"), ("网站标识码", "site_code")):
            assert f"{label}：{FOOTER[value]}" in text, path
        assert FOOTER["icp_record"] in text and "联系方式：028-82712001" in text, path
    assert 'href="https://beian.miit.gov.cn/"' in (await client.get(f"/portal/{county.slug}")).text

    # A second write moves the revision and the cached pages show it at once.
    moved = await client.put(url, json={**FOOTER, "contact": "028-82712999", "revision": 1}, headers=county.auth())
    assert moved.status_code == 200 and moved.json()["revision"] == 2
    assert "028-82712999" in (await client.get(f"/portal/{county.slug}")).text

    # Another tenant can neither read nor change it; its own portal shows none of it.
    other = await make_tenant()
    assert (await client.get(url, headers=other.auth())).status_code == 404
    intruder = await client.put(url, json={**FOOTER, "sponsor": "别人", "revision": 2}, headers=other.auth())
    assert intruder.status_code == 404
    assert (await client.get(url, headers=county.auth())).json()["sponsor"] == FOOTER["sponsor"]
    assert (await client.get(f"{other.base}/portal-footer", headers=other.auth())).json()["revision"] == 0
    other_home = await client.get(f"/portal/{other.slug}")
    assert FOOTER["sponsor"] not in other_home.text


FOOTER_QUERY = """
query($slug: String!) { tenant(slug: $slug) { portalFooter { sponsor organizer siteCode icpRecord contact revision } } }
"""
SET_FOOTER = """
mutation($tenant: String!, $footer: PortalFooterInput!, $revision: Int!) {
  setPortalFooter(tenant: $tenant, footer: $footer, revision: $revision) {
    __typename
    ... on PortalFooter { sponsor siteCode icpRecord revision }
    ... on Problem { status type detail errors { field message } }
  }
}
"""


def _camel(footer: dict[str, Any]) -> dict[str, Any]:
    return {re.sub(r"_(\w)", lambda m: m[1].upper(), k): v for k, v in footer.items()}


async def test_the_footer_over_graphql(client: httpx.AsyncClient, make_tenant: MakeTenant) -> None:
    t, other = await make_tenant(), await make_tenant()
    first = await gql(client, t.admin, FOOTER_QUERY, slug=t.slug)
    assert first["tenant"]["portalFooter"]["revision"] == 0

    done = (await gql(client, t.admin, SET_FOOTER, tenant=t.slug, footer=_camel(FOOTER), revision=0))["setPortalFooter"]
    assert done == {
        "__typename": "PortalFooter",
        "sponsor": FOOTER["sponsor"],
        "siteCode": "5101150001",
        "icpRecord": FOOTER["icp_record"],
        "revision": 1,
    }
    read = (await gql(client, t.reader, FOOTER_QUERY, slug=t.slug))["tenant"]["portalFooter"]
    assert read == {**_camel(FOOTER), "revision": 1}

    stale = await gql(client, t.admin, SET_FOOTER, tenant=t.slug, footer=_camel(FOOTER), revision=0)
    assert stale["setPortalFooter"]["status"] == 412
    bad = await gql(client, t.admin, SET_FOOTER, tenant=t.slug, footer={"siteCode": "含中文"}, revision=1)
    assert bad["setPortalFooter"]["__typename"] == "Problem" and bad["setPortalFooter"]["status"] == 400
    reader = await gql(client, t.reader, SET_FOOTER, tenant=t.slug, footer=_camel(FOOTER), revision=1)
    assert reader["setPortalFooter"]["status"] == 403

    # Another tenant's key: not found, nothing changed, and its own footer is its own.
    foreign = await gql(client, other.admin, SET_FOOTER, tenant=t.slug, footer={"sponsor": "别人"}, revision=1)
    assert foreign["setPortalFooter"]["status"] == 404
    assert (await gql(client, other.admin, FOOTER_QUERY, slug=t.slug))["tenant"] is None
    assert (await gql(client, t.admin, FOOTER_QUERY, slug=t.slug))["tenant"]["portalFooter"]["sponsor"] == FOOTER[
        "sponsor"
    ]
    assert (await gql(client, other.admin, FOOTER_QUERY, slug=other.slug))["tenant"]["portalFooter"]["revision"] == 0
