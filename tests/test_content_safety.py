"""Content safety (issue 15): security headers on every response, the portal's single charset
and cited-only law pages, attachments checked by content, exports deduplicated and expired."""

from __future__ import annotations

import base64
import hashlib
import re

import httpx
import pytest

from api.portal.assets import PORTAL_CSP
from api.security_headers import API_CSP, DOCS_CSP
from core.portal_links import item_page_path, township_path
from tests.catalog_fixtures import PATROL, add_items, publish
from tests.conftest import TenantFixture
from tests.portal_fixtures import LIUCHENG, publish_list, published_county

# --------------------------------------------------------------------------- headers

COMMON = {
    "x-content-type-options": "nosniff",
    "referrer-policy": "no-referrer",
    "x-frame-options": "DENY",
    "cross-origin-opener-policy": "same-origin",
    "cross-origin-resource-policy": "same-origin",
}


def assert_secured(response: httpx.Response, csp: str) -> None:
    for name, value in COMMON.items():
        assert response.headers.get(name) == value, (response.request.url, name, dict(response.headers))
    assert response.headers.get("content-security-policy") == csp, response.request.url
    assert "frame-ancestors 'none'" in csp


@pytest.fixture
async def county(client: httpx.AsyncClient, tenant: TenantFixture) -> TenantFixture:
    return await published_county(client, tenant)


def _inline(html: str, tag: str) -> list[str]:
    return re.findall(rf"<{tag}>(.*?)</{tag}>", html, flags=re.S)


def _hash(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode()).digest()).decode() + "'"


async def test_headers_on_api_problems_docs_graphql(client: httpx.AsyncClient, tenant: TenantFixture) -> None:
    ok = await client.get(f"{tenant.base}/units", headers=tenant.auth())
    assert ok.status_code == 200 and ok.headers["content-type"].startswith("application/json")
    assert_secured(ok, API_CSP)
    for response in (
        await client.get(f"{tenant.base}/units"),  # 401 problem
        await client.get("/no/such/route"),  # the router's 404, outside any handler
        await client.delete("/healthz"),  # 405
    ):
        assert response.status_code in (401, 404, 405)
        assert response.headers["content-type"].startswith("application/problem+json")
        assert_secured(response, API_CSP)
    docs = await client.get("/docs")
    assert docs.status_code == 200 and "text/html" in docs.headers["content-type"]
    assert_secured(docs, DOCS_CSP)
    # The docs page's code comes from the CDNs the policy names; nothing else may run.
    for origin in set(re.findall(r'<script[^>]* src="?(https://[^/"]+)', docs.text)):
        assert origin in DOCS_CSP, origin
    graphiql = await client.get("/graphql", headers={"Accept": "text/html"})
    assert graphiql.status_code == 200 and "GraphiQL" in graphiql.text
    assert_secured(graphiql, DOCS_CSP)
    query = await client.post("/graphql", json={"query": "{ __typename }"}, headers=tenant.auth())
    assert query.status_code == 200 and query.json()["data"] == {"__typename": "Query"}
    assert query.headers["x-content-type-options"] == "nosniff"


async def test_portal_headers_charset_and_strict_csp(client: httpx.AsyncClient, county: TenantFixture) -> None:
    for path in (
        f"/portal/{county.slug}",
        township_path(county.slug, LIUCHENG),
        item_page_path(county.slug, LIUCHENG, "SAF-03"),
        f"/portal/{county.slug}/search?q=消防",
        f"/portal/{county.slug}/townships/510115999000",  # error page (404)
    ):
        response = await client.get(path)
        assert response.status_code in (200, 404), path
        assert response.headers["content-type"] == "text/html; charset=utf-8", path  # one charset
        assert_secured(response, PORTAL_CSP)
        # Everything inline is allowed by hash, and there is nothing the hashes cannot cover.
        for style in _inline(response.text, "style"):
            assert _hash(style) in PORTAL_CSP
        for script in _inline(response.text, "script"):
            assert _hash(script) in PORTAL_CSP
        assert not re.search(r"\s(style|on[a-z]+)=", response.text), path
        assert "unsafe-inline" not in PORTAL_CSP
    item = await client.get(item_page_path(county.slug, LIUCHENG, "SAF-03"))
    assert len(_inline(item.text, "script")) == 1 and 'id="share-copy"' in item.text
    cached = await client.get(
        item_page_path(county.slug, LIUCHENG, "SAF-03"), headers={"If-None-Match": item.headers["etag"]}
    )
    assert cached.status_code == 304
    assert_secured(cached, PORTAL_CSP)


# --------------------------------------------------------------------------- portal law pages


async def _law_link(client: httpx.AsyncClient, county: TenantFixture) -> str:
    item = await client.get(item_page_path(county.slug, LIUCHENG, "SAF-03"))
    link = re.search(r'href="(/portal/[^"]+/laws/[0-9a-f-]+)#art-30"', item.text)
    assert link, item.text
    return link.group(1)


async def test_portal_shows_only_cited_legal_documents(
    client: httpx.AsyncClient, county: TenantFixture, other: TenantFixture
) -> None:
    national = await _law_link(client, county)  # 消防法, a national law the published list cites
    assert (await client.get(national)).status_code == 200
    created = await client.post(
        f"{county.base}/legal/documents",
        json={
            "title": "测试区消防巡查办法",
            "level": "normative_document",
            "version_date": "2024-01-01",
            "articles": [{"number": 1, "paragraphs": [{"text": "街道办事处每月巡查一次。"}]}],
        },
        headers=county.auth(),
    )
    assert created.status_code == 201, created.text
    doc_id = created.json()["id"]
    own = f"/portal/{county.slug}/laws/{doc_id}"
    missing_id = "00000000-0000-4000-8000-000000000000"

    async def refused(path: str, doc: str) -> None:
        shown, absent = await client.get(path), await client.get(path.replace(doc, missing_id))
        assert shown.status_code == absent.status_code == 404, shown.text[:500]
        assert "每月巡查一次" not in shown.text and "测试区消防巡查办法" not in shown.text
        assert shown.text.replace(doc, "ID") == absent.text.replace(missing_id, "ID")  # indistinguishable

    await refused(own, doc_id)  # just created, cited by nothing
    cited = {**PATROL, "code": "SAF-06", "title": "消防巡查", "citations": ["《测试区消防巡查办法》第一条"]}
    await add_items(client, county, {**cited, "adjustment": {"reason_kind": "other", "reason": "新增"}})
    await refused(own, doc_id)  # cited by a draft catalog item only
    await publish(client, county, "2025-04-01")
    await refused(own, doc_id)  # in the published catalog, but on no published list yet
    await publish_list(client, county, LIUCHENG, "2025-04-02")
    shown = await client.get(own)
    assert shown.status_code == 200 and "每月巡查一次" in shown.text
    assert (await client.get(f"{county.base}/legal/documents/{doc_id}", headers=county.auth())).status_code == 200
    # Another tenant's portal shows neither: it cites nothing.
    await refused(f"/portal/{other.slug}/laws/{doc_id}", doc_id)
    national_id = national.rsplit("/", 1)[1]
    await refused(f"/portal/{other.slug}/laws/{national_id}", national_id)
