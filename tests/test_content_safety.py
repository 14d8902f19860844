"""Content safety (issue 15): security headers on every response, the portal's single charset
and cited-only law pages, attachments checked by content, exports deduplicated and expired."""

from __future__ import annotations

import base64
import dataclasses
import hashlib
import io
import re
import uuid
from typing import Any

import httpx
import pytest

from api.app import create_app
from api.portal.assets import PORTAL_CSP
from api.security_headers import API_CSP, DOCS_CSP, FILE_CSP
from core.portal_links import item_page_path, township_path
from core.settings import Settings
from tests.call_fixtures import Taian, fire_call, owner_fetchval, taian_tenant
from tests.catalog_fixtures import PATROL, add_items, publish
from tests.conftest import MakeTenant, TenantFixture
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


# --------------------------------------------------------------------------- attachments

PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + b"\x00" * 20
SCRIPTED_SVG = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(document.domain)</script></svg>'
CLEAN_SVG = b'<svg xmlns="http://www.w3.org/2000/svg" width="8" height="8"><rect width="4" height="4"/></svg>'


def _pdf() -> bytes:
    from reportlab.pdfgen import canvas

    out = io.BytesIO()
    page = canvas.Canvas(out)
    page.drawString(72, 720, "report")
    page.save()
    return out.getvalue()


def _file(filename: str, content_type: str, data: bytes) -> dict[str, Any]:
    return {"filename": filename, "content_type": content_type, "content_base64": base64.b64encode(data).decode()}


@pytest.fixture
async def taian(client: httpx.AsyncClient, make_tenant: MakeTenant) -> Taian:
    return await taian_tenant(client, make_tenant)


async def _call(client: httpx.AsyncClient, taian: Taian) -> str:
    raised = await client.post(taian.calls, json=fire_call(), headers=taian.auth(taian.township))
    assert raised.status_code == 201, raised.text
    return str(raised.json()["id"])


async def _download(client: httpx.AsyncClient, url: str) -> httpx.Response:
    response = await client.get("/files/" + url.split("/files/", 1)[1])
    assert response.status_code == 200, response.text
    assert_secured(response, FILE_CSP)
    return response


async def test_attachments_are_typed_by_content(client: httpx.AsyncClient, taian: Taian) -> None:
    call_id = await _call(client, taian)
    url = f"{taian.calls}/{call_id}/attachments"
    key = taian.auth(taian.township)
    refused = [
        # HTML declared as text: refused, naming what it is
        (_file("x.html", "text/plain", b"<!DOCTYPE html><html><script>alert(1)</script></html>"), 422, "HTML"),
        (_file("note.txt", "text/plain", b"<script>alert(1)</script>"), 422, "HTML"),
        # a PNG declared as text, text declared as a PDF, a PDF declared as a PNG
        (_file("a.txt", "text/plain", PNG), 422, "PNG image (image/png)"),
        (_file("a.pdf", "application/pdf", "不是PDF".encode()), 422, "plain text"),
        (_file("a.png", "image/png", _pdf()), 422, "PDF document"),
        (_file("a.json", "application/json", b"[" * 5000), 422, "not valid JSON"),
        (_file("gbk.csv", "text/csv", "编号,名称\n".encode("gbk")), 422, "UTF-8"),
        # SVG is not accepted by default; a scripted one would not be either
        (_file("logo.svg", "image/svg+xml", SCRIPTED_SVG), 415, "image/svg+xml"),
    ]
    for body, status, words in refused:
        response = await client.post(url, json=body, headers=key)
        assert response.status_code == status, (body["filename"], response.text)
        assert response.headers["content-type"].startswith("application/problem+json")
        assert words in response.json()["detail"], response.json()
        assert_secured(response, API_CSP)
    assert await owner_fetchval("SELECT count(*) FROM call_attachments WHERE call_id = $1", uuid.UUID(call_id)) == 0

    pdf = _pdf()
    accepted = [
        # (file, stored and served type, disposition)
        (_file("x.html", "text/plain", "注意：山火\n".encode()), "text/plain; charset=utf-8", "attachment"),
        (_file("photo.html", "image/png", PNG), "image/png", "inline"),
        (_file("报告.pdf", "application/pdf", pdf), "application/pdf", "attachment"),
        (_file("名单.csv", "text/csv", "编号,名称\n1,张三\n".encode()), "text/csv; charset=utf-8", "attachment"),
    ]
    for body, served, disposition in accepted:
        response = await client.post(url, json=body, headers=key)
        assert response.status_code == 201, response.text
        assert response.json()["content_type"] == served
        download = await _download(client, response.json()["download_url"])
        assert download.headers["content-type"] == served  # from the content, never the name
        assert download.headers["content-disposition"].startswith(disposition + ";")
        assert download.content == base64.b64decode(body["content_base64"])
    listed = await client.get(url, headers=taian.auth(taian.emergency))
    assert [a["content_type"] for a in listed.json()] == [served for _, served, _ in accepted]


async def test_another_tenant_cannot_read_or_add_attachments(
    client: httpx.AsyncClient, taian: Taian, other: TenantFixture
) -> None:
    call_id = await _call(client, taian)
    url = f"{taian.calls}/{call_id}/attachments"
    mine = await client.post(url, json=_file("a.png", "image/png", PNG), headers=taian.auth(taian.township))
    assert mine.status_code == 201
    assert (await client.get(url, headers=other.auth())).status_code == 404
    added = await client.post(url, json=_file("b.png", "image/png", PNG), headers=other.auth())
    assert added.status_code == 404
    assert await owner_fetchval("SELECT count(*) FROM call_attachments WHERE call_id = $1", uuid.UUID(call_id)) == 1


async def test_svg_when_allowed_only_without_scripts(
    client: httpx.AsyncClient, taian: Taian, settings: Settings
) -> None:
    call_id = await _call(client, taian)
    url = f"{taian.calls}/{call_id}/attachments"
    types = (*settings.storage_content_types, "image/svg+xml")
    app = create_app(dataclasses.replace(settings, storage_content_types=types), manage_database=False)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://qingdan.test") as svg_ok:
        for bad, why in (
            (SCRIPTED_SVG, "<script>"),
            (b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>', "onload"),
            (b'<svg xmlns="http://www.w3.org/2000/svg"><foreignObject><p>x</p></foreignObject></svg>', "foreign"),
            (b'<svg xmlns="http://www.w3.org/2000/svg"><image href="https://evil.example/x.png"/></svg>', "outside"),
            (b'<!DOCTYPE svg [<!ENTITY a "b">]><svg xmlns="http://www.w3.org/2000/svg">&a;</svg>', "DTD"),
            (
                b'<svg xmlns="http://www.w3.org/2000/svg"><a href="javascript:alert(1)"><text>x</text></a></svg>',
                "javascript",
            ),
        ):
            response = await svg_ok.post(
                url, json=_file("logo.svg", "image/svg+xml", bad), headers=taian.auth(taian.township)
            )
            assert response.status_code == 422, response.text
            assert why in response.json()["detail"], response.json()
        clean = await svg_ok.post(
            url, json=_file("logo.svg", "image/svg+xml", CLEAN_SVG), headers=taian.auth(taian.township)
        )
        assert clean.status_code == 201, clean.text
        download = await _download(svg_ok, clean.json()["download_url"])
        assert download.headers["content-type"] == "image/svg+xml"
        assert download.headers["content-disposition"].startswith("attachment;")  # never shown in our origin
