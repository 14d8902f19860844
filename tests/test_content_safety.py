"""Content safety (issue 15): security headers on every response, the portal's single charset
and cited-only law pages, attachments checked by content, exports deduplicated and expired."""

from __future__ import annotations

import base64
import dataclasses
import datetime
import hashlib
import io
import os
import re
import time
import uuid
from pathlib import Path
from typing import Any

import httpx
import pytest

from api.app import create_app
from api.portal.assets import PORTAL_CSP
from api.security_headers import API_CSP, DOCS_CSP, FILE_CSP
from core.exchange import retention
from core.exchange.excel import XLSX
from core.platform.settings import Settings
from core.platform.storage import ContentMismatch, LocalStorage, ObjectInfo, S3Storage, Storage
from core.publication.links import item_page_path, township_path
from core.security.tenancy import find_tenant
from tests.call_fixtures import Taian, fire_call, owner_fetchval, taian_tenant
from tests.catalog_fixtures import PATROL, add_items, publish
from tests.conftest import MakeTenant, TenantFixture
from tests.portal_fixtures import LIUCHENG, publish_list, published_county
from tests.test_storage import http, s3_endpoint  # noqa: F401 - fixtures (moto's S3 server, an HTTP client)

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
    # The docs page's code is served by us (api/docs.py): no script names another origin, and the
    # policy names none.
    assert docs.text.count("<script") > 1 and not re.findall(r'<script[^>]* src="?https?://', docs.text)
    assert "https://" not in DOCS_CSP
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


# --------------------------------------------------------------------------- exports


def _xlsx(text: str = "清单") -> bytes:
    from openpyxl import Workbook

    wb = Workbook()
    wb.active.append([text])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


async def _exports(storage: Storage, slug: str) -> list[ObjectInfo]:
    found = await find_tenant(slug)
    assert found is not None
    return await storage.list_objects(found.id, "exports")


async def test_exports_are_stored_once_per_content(
    client: httpx.AsyncClient, county: TenantFixture, other: TenantFixture, app: Any
) -> None:
    storage: Storage = app.state.storage
    path = f"{county.base}/catalog/versions/1/export.xlsx"
    links = []
    for _ in range(30):  # thirty reads by a reader key
        response = await client.get(path, headers=county.auth(county.reader))
        assert response.status_code == 200, response.text
        links.append(response.json())
    stored = await _exports(storage, county.slug)
    assert len(stored) == 1 and {link["key"] for link in links} == {stored[0].key}
    workbook = await client.get("/files/" + links[-1]["url"].split("/files/", 1)[1])
    assert workbook.status_code == 200 and workbook.headers["content-type"] == XLSX
    assert workbook.headers["content-disposition"].startswith("attachment;")
    # download=true streams the workbook and stores nothing
    assert (await client.get(path, params={"download": "true"}, headers=county.auth())).status_code == 200
    assert len(await _exports(storage, county.slug)) == 1

    # A changed catalog is a new export: a unit renamed (the workbook names it) and a new version.
    renamed = await client.patch(
        f"{county.base}/units/emergency-bureau",
        json={"name": "区应急管理局（更名）"},
        headers={
            **county.auth(),
            "If-Match": (await client.get(f"{county.base}/units/emergency-bureau", headers=county.auth())).headers[
                "etag"
            ],
        },
    )
    assert renamed.status_code == 200, renamed.text
    again = await client.get(path, headers=county.auth(county.reader))
    assert again.json()["key"] != links[0]["key"]
    assert len(await _exports(storage, county.slug)) == 2
    await add_items(
        client,
        county,
        {**PATROL, "code": "SAF-07", "title": "新增事项", "adjustment": {"reason_kind": "other", "reason": "新增"}},
    )
    await publish(client, county, "2025-05-01")
    latest = await client.get(f"{county.base}/catalog/versions/published/export.xlsx", headers=county.auth())
    assert latest.json()["key"] not in (links[0]["key"], again.json()["key"])
    assert len(await _exports(storage, county.slug)) == 3

    # Another tenant's key reads nothing of it, and stores nothing under either tenant.
    assert (await client.get(path, headers=other.auth())).status_code == 404
    assert (await client.get(path, headers=other.auth(other.reader))).status_code == 404
    assert len(await _exports(storage, county.slug)) == 3
    assert await _exports(storage, other.slug) == []


async def test_exports_expire_after_the_retention(
    client: httpx.AsyncClient, county: TenantFixture, app: Any, settings: Settings
) -> None:
    storage: Storage = app.state.storage
    assert isinstance(storage, LocalStorage) and retention.retention.period == datetime.timedelta(hours=24)
    tenant_id = (await find_tenant(county.slug)).id  # type: ignore[union-attr]
    old = (await client.get(f"{county.base}/catalog/versions/1/export.xlsx", headers=county.auth())).json()
    fresh = (
        await client.get(f"{county.base}/townships/{LIUCHENG}/list/published/export.xlsx", headers=county.auth())
    ).json()

    def age(key: str, hours: float) -> None:
        path = storage.objects_dir / "tenants" / str(tenant_id) / key
        then = time.time() - hours * 3600
        os.utime(path, (then, then))

    age(old["key"], 25)  # older than the retention
    assert await retention.sweep_tenant(storage, tenant_id) == 1
    assert [o.key for o in await storage.list_objects(tenant_id, "exports")] == [fresh["key"]]
    assert (await client.get("/files/" + old["url"].split("/files/", 1)[1])).status_code == 404
    assert (await client.get("/files/" + fresh["url"].split("/files/", 1)[1])).status_code == 200

    # An export asked for again shortly before it would expire is written anew, so the link
    # it hands out does not outlive it; one well within its retention is not rewritten.
    age(fresh["key"], 23.5)
    before = (await storage.stat(tenant_id, fresh["key"])).modified
    again = (
        await client.get(f"{county.base}/townships/{LIUCHENG}/list/published/export.xlsx", headers=county.auth())
    ).json()
    assert again["key"] == fresh["key"]
    rewritten = (await storage.stat(tenant_id, fresh["key"])).modified
    assert rewritten - before > datetime.timedelta(hours=23)
    await client.get(f"{county.base}/townships/{LIUCHENG}/list/published/export.xlsx", headers=county.auth())
    assert (await storage.stat(tenant_id, fresh["key"])).modified == rewritten
    assert await retention.sweep_tenant(storage, tenant_id) == 0


@pytest.fixture(params=["local", "s3"])
def any_storage(request: pytest.FixtureRequest, tmp_path: Path) -> Storage:
    if request.param == "local":
        return LocalStorage(tmp_path, "test-secret", "http://qingdan.test")
    endpoint = request.getfixturevalue("s3_endpoint")
    return S3Storage(endpoint, "testing", "testing", "qingdan-content", "us-east-1", False)


async def test_sweep_on_both_backends_is_bounded_and_per_tenant(any_storage: Storage) -> None:
    mine, theirs = uuid.uuid4(), uuid.uuid4()
    for n in range(3):
        await any_storage.put(mine, retention.export_key(str(n) * 64, "a.xlsx"), _xlsx(str(n)), XLSX)
    await any_storage.put(theirs, retention.export_key("f" * 64, "a.xlsx"), _xlsx(), XLSX)
    await any_storage.put(mine, "calls/1/photo.png", PNG, "image/png")  # not an export
    now = datetime.datetime.now(datetime.UTC)
    assert await retention.sweep_tenant(any_storage, mine, now=now) == 0  # fresh: kept
    later = now + datetime.timedelta(hours=25)
    assert await retention.sweep_tenant(any_storage, mine, now=later, limit=2) == 2  # bounded per run
    assert len(await any_storage.list_objects(mine, "exports")) == 1
    assert await retention.sweep_tenant(any_storage, mine, now=later) == 1
    assert await any_storage.list_objects(mine, "exports") == []
    assert await any_storage.exists(mine, "calls/1/photo.png")
    assert len(await any_storage.list_objects(theirs, "exports")) == 1  # another tenant's: untouched


async def test_content_is_checked_on_both_backends(any_storage: Storage, http: httpx.AsyncClient) -> None:  # noqa: F811
    tenant = uuid.uuid4()
    with pytest.raises(ContentMismatch, match="HTML document"):
        await any_storage.put(tenant, "x.html", b"<html><script>alert(1)</script>", "text/plain")
    assert not await any_storage.exists(tenant, "x.html")
    stored = await any_storage.put(tenant, "x.html", PNG, "image/png")
    assert stored.content_type == "image/png"
    assert (await any_storage.stat(tenant, "x.html")).content_type == "image/png"
    await any_storage.put(tenant, "报告.pdf", _pdf(), "application/pdf")
    assert (await any_storage.stat(tenant, "报告.pdf")).content_type == "application/pdf"
    if isinstance(any_storage, S3Storage):  # served by the object store: type and disposition stored with it
        image = await http.get(await any_storage.download_url(tenant, "x.html"))
        assert image.headers["content-type"] == "image/png"
        assert image.headers["content-disposition"].startswith("inline;")
        pdf = await http.get(await any_storage.download_url(tenant, "报告.pdf"))
        assert pdf.headers["content-type"] == "application/pdf"
        assert pdf.headers["content-disposition"] == "attachment; filename*=UTF-8''%E6%8A%A5%E5%91%8A.pdf"
