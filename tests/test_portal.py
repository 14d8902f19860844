"""The public portal over plain HTTP: published lists only, the item page, search, caching,
escaping, tenant separation."""

from __future__ import annotations

import re
from typing import Any

import httpx
import pytest

from core import db
from core.portal_links import item_page_path, item_page_url, township_path
from tests.catalog_fixtures import add_items
from tests.conftest import TenantFixture
from tests.portal_fixtures import GONGPING, LIUCHENG, TIANFU, publish_list, published_county


@pytest.fixture
async def county(client: httpx.AsyncClient, tenant: TenantFixture) -> TenantFixture:
    return await published_county(client, tenant)


def text_of(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


async def page(client: httpx.AsyncClient, path: str, status: int = 200) -> httpx.Response:
    response = await client.get(path)
    assert response.status_code == status, response.text[:2000]
    assert response.headers["content-type"].startswith("text/html")
    return response


async def test_home_lists_only_published_townships(client: httpx.AsyncClient, county: TenantFixture) -> None:
    home = await page(client, f"/portal/{county.slug}")
    assert "柳城街道" in home.text and "公平街道" in home.text
    assert "天府街道" not in home.text  # its list is a draft
    assert f'href="{township_path(county.slug, LIUCHENG)}"' in home.text


async def test_township_list_grouped_by_kind(client: httpx.AsyncClient, county: TenantFixture) -> None:
    listing = await page(client, township_path(county.slug, LIUCHENG))
    text = text_of(listing.text)
    sections = [text.index(label) for label in ("基本履职事项", "配合履职事项", "上级部门收回事项")]
    assert sections == sorted(sections)
    assert "鄉鎮消防安全檢查" in text and "安全生产" in text  # the item and its category label
    assert f'href="{item_page_path(county.slug, LIUCHENG, "SAF-03")}"' in listing.text
    assert "CON-01" not in text  # a differentiated item nobody claimed
    await page(client, township_path(county.slug, TIANFU), 404)  # draft list: not shown
    await page(client, township_path(county.slug, "510115999000"), 404)


async def test_the_item_page(client: httpx.AsyncClient, county: TenantFixture, settings: object) -> None:
    path = item_page_path(county.slug, LIUCHENG, "SAF-03")
    response = await page(client, path)
    html, text = response.text, text_of(response.text)
    assert '<h1 id="item-title">鄉鎮消防安全檢查</h1>' in html
    assert "安全生产" in text  # parent in the level chain
    assert "2. 现场检查并填写记录" in text  # business process
    assert "主体责任" in text and "组织开展消防安全检查" in text  # division of labour
    assert "区应急管理局" in text and "配合责任" in text and "业务指导和培训" in text
    assert "平安法治办公室" in text and "消防专干" in text and "028-82700001" in text  # this township
    # the same item in the other township, with its office and contact, linked
    assert "公平街道" in text and "综合行政执法办公室" in text and "028-82700002" in text
    assert f'href="{item_page_path(county.slug, GONGPING, "SAF-03")}"' in html
    # legal basis: linked to the provision on the portal's law page, text quoted
    link = re.search(r'href="(/portal/[^"]+/laws/[0-9a-f-]+#art-30)"', html)
    assert link and "中华人民共和国消防法" in text and "第三十条" in text
    law = await page(client, link.group(1).split("#")[0])
    assert 'id="art-30"' in law.text and "消防法" in law.text
    # share link: the canonical URL
    canonical = item_page_url(settings.public_base_url, county.slug, LIUCHENG, "SAF-03")  # type: ignore[attr-defined]
    assert f'value="{canonical}"' in html and f'rel="canonical" href="{canonical}"' in html
    assert "powers" in text  # extra field with its label
    assert "来源清单" in text


async def test_item_page_caching_and_statements(client: httpx.AsyncClient, county: TenantFixture) -> None:
    path = item_page_path(county.slug, LIUCHENG, "SAF-03")
    first = await page(client, path)
    etag = first.headers["etag"]
    assert etag.startswith('"') and "public" in first.headers["cache-control"]
    again = await client.get(path, headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.content == b""
    before = db.queries.count
    await client.get(path)
    assert db.queries.count - before <= 4  # BEGIN with role and tenant, plan mode, the page statement, COMMIT
    # A new publication of another township changes the page (its contacts): a new ETag.
    await client.patch(
        f"{county.base}/townships/{GONGPING}/list/entries/SAF-03",
        json={"contact": "028-82700099"},
        headers={
            **county.auth(),
            "If-Match": (await client.get(f"{county.base}/townships/{GONGPING}/list", headers=county.auth())).headers[
                "etag"
            ],
        },
    )
    assert (await client.get(path)).headers["etag"] == etag  # not published yet: unchanged
    await publish_list(client, county, GONGPING, "2025-03-01")
    changed = await client.get(path, headers={"If-None-Match": etag})
    assert changed.status_code == 200 and "028-82700099" in changed.text and changed.headers["etag"] != etag


async def test_only_published_data(client: httpx.AsyncClient, county: TenantFixture) -> None:
    await page(client, item_page_path(county.slug, TIANFU, "SAF-03"), 404)  # unpublished list
    await page(client, item_page_path(county.slug, LIUCHENG, "CON-01"), 404)  # not on this list
    await page(client, item_page_path(county.slug, LIUCHENG, "NOPE"), 404)
    await page(client, "/portal/no-such-county", 404)
    # A draft edit of the catalog does not reach the portal.
    item = await client.get(f"{county.base}/catalog/items/SAF-03?version=draft", headers=county.auth())
    if item.status_code == 404:  # no draft yet: the edit starts one
        item = await client.get(f"{county.base}/catalog/items/SAF-03", headers=county.auth())
    edited = await client.patch(
        f"{county.base}/catalog/items/SAF-03",
        json={"title": "草稿中的新标题", "adjustment": {"reason_kind": "other", "reason": "改名"}},
        headers={**county.auth(), "If-Match": item.headers["etag"]},
    )
    assert edited.status_code == 200, edited.text
    shown = await page(client, item_page_path(county.slug, LIUCHENG, "SAF-03"))
    assert "草稿中的新标题" not in shown.text and "鄉鎮消防安全檢查" in shown.text


async def test_escaping(client: httpx.AsyncClient, county: TenantFixture) -> None:
    evil = {
        "code": "SAF-05",
        "title": '<script>alert("x")</script>演练',
        "level": "item",
        "parent_code": "SAF",
        "kinds": ["basic"],
        "process": "<img src=x onerror=alert(1)>",
        "adjustment": {"reason_kind": "other", "reason": "测试"},
    }
    await add_items(client, county, evil)
    from tests.catalog_fixtures import publish

    await publish(client, county, "2025-04-01")
    await publish_list(client, county, LIUCHENG, "2025-04-02")
    html = (await page(client, item_page_path(county.slug, LIUCHENG, "SAF-05"))).text
    assert "<script>alert" not in html and "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;演练" in html
    assert "<img src=x" not in html and "&lt;img src=x onerror=alert(1)&gt;" in html


async def test_search_page(client: httpx.AsyncClient, county: TenantFixture) -> None:
    found = await page(client, f"/portal/{county.slug}/search?q=镇")
    assert f'href="{item_page_path(county.slug, LIUCHENG, "SAF-03")}"' in found.text
    assert "鄉鎮消防安全檢查" in found.text
    one = await page(client, f"/portal/{county.slug}/search?q=消防&township={GONGPING}&kind=basic&category=safety")
    assert item_page_path(county.slug, GONGPING, "SAF-03") in one.text
    assert item_page_path(county.slug, LIUCHENG, "SAF-03") not in one.text
    bad = await page(client, f"/portal/{county.slug}/search?q=？！。", 400)
    assert "无法搜索" in bad.text and "punctuation" in bad.text
    none = await page(client, f"/portal/{county.slug}/search?q=火箭")
    assert "没有找到" in none.text
    blank = await page(client, f"/portal/{county.slug}/search")
    assert "没有找到" not in blank.text


async def test_tenants_are_separate(client: httpx.AsyncClient, county: TenantFixture, other: TenantFixture) -> None:
    # The other tenant has the same township codes but publishes nothing.
    from tests.catalog_fixtures import build_county

    await build_county(client, other)
    await page(client, item_page_path(other.slug, LIUCHENG, "SAF-03"), 404)
    await page(client, township_path(other.slug, LIUCHENG), 404)
    found = await page(client, f"/portal/{other.slug}/search?q=消防")
    assert "鄉鎮消防安全檢查" not in found.text


async def test_a_wenjiang_work_item_page(client: httpx.AsyncClient, make_tenant: Any) -> None:
    """A plugin tenant as the demo has it: the QR page of a work item shows the district
    department's handling office; 低保 finds 最低生活保障."""
    wenjiang = await make_tenant("wenjiang")
    await publish_list(client, wenjiang, LIUCHENG)
    path = item_page_path(wenjiang.slug, LIUCHENG, "WJ-M03-T06-W09")
    text = text_of((await page(client, path)).text)
    assert "最低生活保障和特困人员供养" in text and "区民政局社会救助科" in text
    assert "组织公共服务" in text and "社会救助" in text  # the level chain: mandate → duty task
    assert "最低生活保障申请受理和调查审核" in text  # a child on the list
    found = await client.get(f"{wenjiang.base}/search", params={"q": "低保"}, headers=wenjiang.auth(wenjiang.reader))
    assert found.status_code == 200, found.text
    codes = {h["item_code"] for h in found.json()["items"]}
    assert {"WJ-M03-T06-W09", "WJ-M03-T06-W09-S05"} <= codes
