"""The public portal over plain HTTP: published lists only, the item page, search, caching,
escaping, tenant separation."""

from __future__ import annotations

import re
from typing import Any

import httpx
import pytest

from core.platform import db
from core.publication import portal
from core.publication.links import item_page_path, item_page_url, township_path
from tests.catalog_fixtures import PATROL, add_items, publish
from tests.conftest import TenantFixture
from tests.portal_fixtures import GONGPING, LIUCHENG, TIANFU, publish_list, published_county, set_contact


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
    cached = await client.get(path)
    assert db.queries.count - before == 1  # the content generation
    assert cached.content == first.content and cached.headers["etag"] == etag
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
    # A draft edit of the catalog does not reach the portal (page kept before, rendered after).
    assert "鄉鎮消防安全檢查" in (await page(client, item_page_path(county.slug, LIUCHENG, "SAF-03"))).text
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
    bad = await page(client, f"/portal/{county.slug}/search?q=？！。", 422)
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


async def _patch(client: httpx.AsyncClient, t: TenantFixture, path: str, body: dict[str, Any]) -> None:
    current = await client.get(f"{t.base}/{path}", headers=t.auth())
    assert current.status_code == 200, current.text
    changed = await client.patch(
        f"{t.base}/{path}", json={**body, "version": current.json()["version"]}, headers=t.auth()
    )
    assert changed.status_code == 200, changed.text


async def test_cached_pages_show_every_change_on_the_next_request(
    client: httpx.AsyncClient, county: TenantFixture
) -> None:
    """Pages are rendered once per content generation; whatever they show moves it."""
    home, listing = f"/portal/{county.slug}", township_path(county.slug, LIUCHENG)
    item = item_page_path(county.slug, LIUCHENG, "SAF-03")
    first = {path: await page(client, path) for path in (home, listing, item)}
    for path, response in first.items():  # served from the cache: same bytes, one statement
        before = db.queries.count
        again = await page(client, path)
        assert again.content == response.content and db.queries.count - before == 1, path

    # A unit renamed: the division of labour shows the new name.
    await _patch(client, county, "units/emergency-bureau", {"name": "区应急管理局（新）"})
    assert "区应急管理局（新）" in text_of((await page(client, item)).text)

    # Another township renamed: the home page and the item page's other townships.
    await _patch(client, county, f"jurisdictions/{GONGPING}", {"name": "公平新街道"})
    assert "公平新街道" in (await page(client, home)).text
    assert "公平新街道" in (await page(client, item)).text

    # Another township publishes a new version whose contact changed.
    await set_contact(client, county, GONGPING, "SAF-03", "应急管理办公室", "安全员", "028-82709999")
    assert "028-82709999" not in (await page(client, item)).text  # not published yet
    await publish_list(client, county, GONGPING, "2025-03-01")
    assert "028-82709999" in (await page(client, item)).text

    # This township publishes a new version: its list, the home page and the item page show it.
    await set_contact(client, county, LIUCHENG, "SAF-03", "平安法治办公室", "消防专干", "028-82701111")
    await publish_list(client, county, LIUCHENG, "2025-03-02")
    assert "第2版" in (await page(client, listing)).text and "第2版" in (await page(client, home)).text
    assert "028-82701111" in (await page(client, item)).text


async def test_a_newer_law_text_reaches_the_cached_item_page(client: httpx.AsyncClient, county: TenantFixture) -> None:
    created = await client.post(
        f"{county.base}/legal/documents",
        json={
            "title": "测试区消防巡查办法",
            "level": "normative_document",
            "version_date": "2023-01-01",
            "articles": [
                {"number": 1, "paragraphs": [{"text": "为了规范消防巡查，制定本办法。"}]},
                {"number": 2, "paragraphs": [{"text": "街道办事处每月巡查一次。"}]},
            ],
        },
        headers=county.auth(),
    )
    assert created.status_code == 201, created.text
    cited = {
        **PATROL,
        "code": "SAF-06",
        "title": "消防巡查",
        "citations": ["《测试区消防巡查办法》第二条"],
        "adjustment": {"reason_kind": "other", "reason": "新增"},
    }
    await add_items(client, county, cited)
    await publish(client, county, "2025-04-01")
    await publish_list(client, county, LIUCHENG, "2025-04-02")
    path = item_page_path(county.slug, LIUCHENG, "SAF-06")
    before = await page(client, path)
    assert "每月巡查一次" in before.text
    link = re.search(r'href="(/portal/[^"]+/laws/[0-9a-f-]+)#art-2"', before.text)
    assert link and "每月巡查一次" in (await page(client, link.group(1))).text

    text = (
        "# 测试区消防巡查办法\n2025年3月1日 测试区人民政府修订\n<!-- INFO END -->\n"
        "第一条 为了规范消防巡查，制定本办法。\n第二条 街道办事处每周巡查一次。\n"
    )
    amended = await client.post(
        f"{county.base}/legal/documents/{created.json()['id']}/amendments",
        json={"effective_date": "2025-04-01", "text": text},
        headers=county.auth(),
    )
    assert amended.status_code in (200, 201), amended.text
    after = await client.get(path, headers={"If-None-Match": before.headers["etag"]})
    assert after.status_code == 200 and "每周巡查一次" in after.text and "每月巡查一次" not in after.text
    assert after.headers["etag"] != before.headers["etag"]
    assert "每周巡查一次" in (await page(client, link.group(1))).text


async def test_cached_pages_never_cross_tenants(
    client: httpx.AsyncClient, county: TenantFixture, other: TenantFixture
) -> None:
    """Two tenants with the same name, township codes and items: each sees only its own pages."""
    await published_county(client, other)
    await _patch(client, other, "units/emergency-bureau", {"name": "另一县应急管理局"})
    mine, theirs = item_page_path(county.slug, LIUCHENG, "SAF-03"), item_page_path(other.slug, LIUCHENG, "SAF-03")
    cached = await page(client, mine)  # rendered and kept first
    assert "另一县应急管理局" not in cached.text
    shown = await client.get(theirs, headers={"If-None-Match": cached.headers["etag"]})
    assert shown.status_code == 200 and "另一县应急管理局" in shown.text
    assert f"/portal/{other.slug}/" in shown.text and f"/portal/{county.slug}/" not in shown.text
    assert "另一县应急管理局" not in (await page(client, mine)).text
    # The same path under an unknown slug is no page at all.
    await page(client, item_page_path("no-such-county", LIUCHENG, "SAF-03"), 404)


async def test_page_cache_size(client: httpx.AsyncClient, county: TenantFixture, monkeypatch: Any) -> None:
    from core.platform.settings import load_settings

    monkeypatch.setenv("QINGDAN_CACHE_PAGES", "7")
    assert load_settings().cache_pages == 7
    path = item_page_path(county.slug, LIUCHENG, "SAF-03")
    kept = await page(client, path)
    monkeypatch.setattr(portal.page_cache, "size", 0)  # nothing kept: every request renders
    portal.page_cache.clear()
    before = db.queries.count
    assert (await page(client, path)).content == kept.content
    assert db.queries.count - before > 1
    monkeypatch.setattr(portal.page_cache, "size", 1)  # bounded: the older page is dropped
    await page(client, path)
    await page(client, township_path(county.slug, LIUCHENG))
    before = db.queries.count
    assert (await page(client, path)).content == kept.content
    assert db.queries.count - before > 1
