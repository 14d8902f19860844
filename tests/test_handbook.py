"""Handbooks (工作手册 PDF): made in the background for a Wenjiang township's published list,
followed through the API, downloaded by a signed link, and read back: the font is embedded
and a QR code, rendered and decoded, opens the item's portal page."""

from __future__ import annotations

import asyncio
import io
import time
from collections.abc import AsyncIterator
from dataclasses import replace
from typing import Any
from urllib.parse import urlsplit

import httpx
import pypdfium2
import pytest
import zxingcpp
from pypdf import PdfReader

from core.platform import db
from core.platform.settings import Settings
from core.publication.links import item_page_url
from tests.conftest import MakeTenant, TenantFixture, issue_key

LIUCHENG, GONGPING = "510115001000", "510115002000"


def list_base(t: TenantFixture, township: str = LIUCHENG) -> str:
    return f"{t.base}/townships/{township}/list"


async def publish_list(client: httpx.AsyncClient, t: TenantFixture, township: str, date: str) -> dict[str, Any]:
    """Take a township's list through review to publication, as the county does."""
    for step in ("submit", "file"):
        response = await client.post(f"{list_base(t, township)}/{step}", headers=t.auth())
        assert response.status_code == 200, response.text
    done = await client.post(f"{list_base(t, township)}/publish", json={"effective_date": date}, headers=t.auth())
    assert done.status_code == 200, done.text
    return done.json()


@pytest.fixture
async def wenjiang(client: httpx.AsyncClient, make_tenant: MakeTenant, app: Any) -> AsyncIterator[TenantFixture]:
    """The Wenjiang demo tenant with 柳城街道's list published (公平街道's is not).

    The app's public URL is the loopback default, which makes a server refuse handbooks; these
    tests decode the QR codes rather than scan them with a phone, so they allow it, as the demo does.
    """
    settings = app.state.settings
    app.state.settings = replace(settings, allow_loopback_public_url=True)
    try:
        t = await make_tenant(plugin="wenjiang")
        await publish_list(client, t, LIUCHENG, "2025-03-01")
        yield t
    finally:
        app.state.settings = settings


async def wait_done(client: httpx.AsyncClient, location: str, key: str, seconds: float = 90) -> dict[str, Any]:
    """Poll a handbook job until it is done or failed (with a deadline, no fixed sleep)."""
    deadline = time.monotonic() + seconds
    seen: list[int] = []
    while True:
        response = await client.get(location, headers={"Authorization": f"Bearer {key}"})
        assert response.status_code == 200, response.text
        job = response.json()
        seen.append(job["progress"]["done"])
        if job["status"] in ("done", "failed"):
            assert seen == sorted(seen), "progress never goes back"
            return job
        assert time.monotonic() < deadline, f"handbook not done in {seconds} s: {job}"
        await asyncio.sleep(0.2)


async def handbook_count(t: TenantFixture) -> int:
    assert db.DB.pool is not None
    return await db.DB.pool.fetchval(
        "SELECT count(*) FROM handbooks h JOIN tenants t ON t.id = h.tenant_id WHERE t.slug = $1", t.slug
    )


def decode_qr_codes(pdf: bytes, page_index: int) -> list[str]:
    document = pypdfium2.PdfDocument(pdf)
    try:
        image = document[page_index].render(scale=300 / 72).to_pil().convert("L")
    finally:
        document.close()
    return [r.text for r in zxingcpp.read_barcodes(image, formats=zxingcpp.BarcodeFormat.QRCode)]


def first_entry_page(pdf: bytes) -> int:
    """The index of the first page with an entry (after the cover and the contents)."""
    reader = PdfReader(io.BytesIO(pdf))
    return next(i for i, page in enumerate(reader.pages) if "扫码查看" in page.extract_text())


async def test_a_wenjiang_handbook_downloads_and_its_qr_codes_open_the_item_pages(
    client: httpx.AsyncClient, wenjiang: TenantFixture, settings: Settings
) -> None:
    township_key = await issue_key(wenjiang, client, "township", LIUCHENG)
    published = (await client.get(f"{list_base(wenjiang)}/published", headers=wenjiang.auth())).json()
    titles = {e["item"]["code"]: e["item"]["title"] for e in published["entries"]}

    started = await client.post(f"{list_base(wenjiang)}/handbook", headers=wenjiang.auth(township_key))
    assert started.status_code == 202, started.text
    job = started.json()
    assert job["status"] in ("queued", "running") and job["version"] == 1 and job["download_url"] is None
    assert job["progress"] == {"done": 0, "total": len(titles)} or job["status"] == "running"
    location = started.headers["location"]
    assert location == f"{wenjiang.base}/handbooks/{job['id']}"

    again = await client.post(f"{list_base(wenjiang)}/handbook", json={"version": 1}, headers=wenjiang.auth())
    assert again.status_code == 202 and again.json()["id"] == job["id"]  # joins the job being made

    done = await wait_done(client, location, township_key)
    assert done["status"] == "done", done
    assert done["progress"] == {"done": len(titles), "total": len(titles)}
    assert done["error"] is None and done["size_bytes"] > 10_000

    link = urlsplit(done["download_url"])
    assert f"{link.scheme}://{link.netloc}" == settings.public_base_url
    download = await client.get(link.path)
    assert download.status_code == 200, download.text
    assert download.headers["content-type"] == "application/pdf"
    assert "attachment" in download.headers["content-disposition"]
    pdf = download.content
    assert pdf.startswith(b"%PDF-") and len(pdf) == done["size_bytes"]

    reader = PdfReader(io.BytesIO(pdf))
    assert "柳城街道" in reader.metadata.title
    embedded = set()
    for page in reader.pages[:6]:
        for font in page["/Resources"]["/Font"].values():
            descriptor = font.get_object().get("/FontDescriptor")
            if descriptor is not None:
                descriptor = descriptor.get_object()
                embedded |= {k for k in ("/FontFile", "/FontFile2", "/FontFile3") if k in descriptor}
    assert embedded == {"/FontFile2"}, "the CJK font is embedded (TrueType subset)"
    cover = reader.pages[0].extract_text()
    assert "柳城街道" in cover and "履职事项清单工作手册" in cover and "第 1 版" in cover
    contents = reader.pages[1].extract_text()
    assert "目" in contents and "录" in contents

    # The first entry page follows the cover and the contents; decode its QR codes.
    urls = decode_qr_codes(pdf, first_entry_page(pdf))
    assert urls, "at least one QR code decodes"
    for url in urls:
        code = url.rsplit("/", 1)[1]
        assert code in titles
        assert url == item_page_url(settings.public_base_url, wenjiang.slug, LIUCHENG, code)
        page = await client.get(urlsplit(url).path)
        assert page.status_code == 200, page.text
        assert titles[code] in page.text


async def test_handbook_of_an_earlier_version_and_by_a_reader(
    client: httpx.AsyncClient, wenjiang: TenantFixture
) -> None:
    reader = wenjiang.auth(wenjiang.reader)
    started = await client.post(f"{list_base(wenjiang)}/handbook", json={"version": 1}, headers=reader)
    assert started.status_code == 202, started.text
    done = await wait_done(client, started.headers["location"], wenjiang.reader)
    assert done["status"] == "done" and done["version"] == 1
    # A finished job gives a fresh signed link each time it is read.
    again = (await client.get(started.headers["location"], headers=reader)).json()
    assert again["download_url"] and again["download_expires_at"]
    assert (await client.get(urlsplit(again["download_url"]).path)).status_code == 200


async def test_bad_requests_write_nothing(client: httpx.AsyncClient, wenjiang: TenantFixture) -> None:
    admin = wenjiang.auth()
    unpublished = await client.post(f"{list_base(wenjiang, GONGPING)}/handbook", headers=admin)
    assert unpublished.status_code == 409, unpublished.text
    problem = unpublished.json()
    assert problem["type"].endswith("/conflict")
    assert "公平街道" in problem["detail"] and "not been published" in problem["detail"]

    unknown = await client.post(f"{list_base(wenjiang, '510115999000')}/handbook", headers=admin)
    assert unknown.status_code == 404 and "no township 510115999000" in unknown.json()["detail"]
    not_a_township = await client.post(f"{list_base(wenjiang, '510115')}/handbook", headers=admin)
    assert not_a_township.status_code == 404

    missing_version = await client.post(f"{list_base(wenjiang)}/handbook", json={"version": 7}, headers=admin)
    assert missing_version.status_code == 404 and "version 7" in missing_version.json()["detail"]
    for body in ({"version": 0}, {"version": "one"}, {"colour": "red"}):
        bad = await client.post(f"{list_base(wenjiang)}/handbook", json=body, headers=admin)
        assert bad.status_code == 400, (body, bad.text)

    for job_id in ("not-a-uuid", "00000000-0000-0000-0000-000000000001"):
        response = await client.get(f"{wenjiang.base}/handbooks/{job_id}", headers=admin)
        assert response.status_code == 404, response.text
    assert await handbook_count(wenjiang) == 0


async def test_roles(client: httpx.AsyncClient, wenjiang: TenantFixture) -> None:
    other_township = await issue_key(wenjiang, client, "township", GONGPING)
    department = await issue_key(wenjiang, client, "department", "justice-bureau")
    for key in (other_township, department):
        refused = await client.post(f"{list_base(wenjiang)}/handbook", headers=wenjiang.auth(key))
        assert refused.status_code == 403, refused.text
    assert await handbook_count(wenjiang) == 0

    started = await client.post(f"{list_base(wenjiang)}/handbook", headers=wenjiang.auth())
    assert started.status_code == 202
    location = started.headers["location"]
    for key in (other_township, department):
        assert (await client.get(location, headers=wenjiang.auth(key))).status_code == 403
    await wait_done(client, location, wenjiang.admin)


async def test_tenant_isolation(client: httpx.AsyncClient, wenjiang: TenantFixture, make_tenant: MakeTenant) -> None:
    other = await make_tenant(plugin="wenjiang")
    started = await client.post(f"{list_base(wenjiang)}/handbook", headers=wenjiang.auth())
    assert started.status_code == 202
    job_id = started.json()["id"]

    # The other tenant's keys reach neither this tenant's lists nor its jobs …
    response = await client.post(f"{list_base(wenjiang)}/handbook", headers=other.auth())
    assert response.status_code == 404
    assert (await client.get(f"{wenjiang.base}/handbooks/{job_id}", headers=other.auth())).status_code == 404
    # … nor this job under its own name: the same township there has no published list, and
    # the job id is unknown to it.
    assert (await client.get(f"{other.base}/handbooks/{job_id}", headers=other.auth())).status_code == 404
    assert (await client.post(f"{list_base(other)}/handbook", headers=other.auth())).status_code == 409
    assert await handbook_count(other) == 0
    await wait_done(client, started.headers["location"], wenjiang.admin)


async def test_a_job_left_by_a_dead_process_is_marked_failed_when_read(
    client: httpx.AsyncClient, wenjiang: TenantFixture
) -> None:
    assert db.DB.pool is not None
    job_id = await db.DB.pool.fetchval(
        "INSERT INTO handbooks (tenant_id, township_code, list_version, status, progress_total, requested_role,"
        " started_at, heartbeat_at) SELECT id, $2, 1, 'running', 10, 'admin', now() - interval '10 minutes',"
        " now() - interval '10 minutes' FROM tenants WHERE slug = $1 RETURNING id",
        wenjiang.slug,
        LIUCHENG,
    )
    shown = await client.get(f"{wenjiang.base}/handbooks/{job_id}", headers=wenjiang.auth())
    assert shown.status_code == 200
    assert shown.json()["status"] == "failed" and shown.json()["error"].startswith("interrupted")
    # A new request is not blocked by the dead one.
    started = await client.post(f"{list_base(wenjiang)}/handbook", headers=wenjiang.auth())
    assert started.status_code == 202 and started.json()["id"] != str(job_id)
    await wait_done(client, started.headers["location"], wenjiang.admin)


REQUEST = """
mutation($tenant: String!, $township: String!, $version: Int) {
  requestHandbook(tenant: $tenant, township: $township, version: $version) {
    __typename
    ... on Handbook { id status version progressTotal }
    ... on Problem { type code: status detail }
  }
}"""

SHOW = """
query($slug: String!, $id: String!) {
  tenant(slug: $slug) { handbook(id: $id) { id status progressDone progressTotal downloadUrl } }
}"""


async def gql(client: httpx.AsyncClient, key: str, query: str, **variables: Any) -> dict[str, Any]:
    response = await client.post(
        "/graphql", json={"query": query, "variables": variables}, headers={"Authorization": f"Bearer {key}"}
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert not body.get("errors"), body
    return body["data"]


async def test_graphql_uses_the_same_service(client: httpx.AsyncClient, wenjiang: TenantFixture) -> None:
    made = (await gql(client, wenjiang.reader, REQUEST, tenant=wenjiang.slug, township=LIUCHENG))["requestHandbook"]
    assert made["__typename"] == "Handbook" and made["version"] == 1, made
    refused = await gql(client, wenjiang.admin, REQUEST, tenant=wenjiang.slug, township=GONGPING)
    assert refused["requestHandbook"]["code"] == 409
    bad = await gql(client, wenjiang.admin, REQUEST, tenant=wenjiang.slug, township=LIUCHENG, version=0)
    assert bad["requestHandbook"]["code"] == 400

    deadline = time.monotonic() + 90
    while True:
        shown = (await gql(client, wenjiang.reader, SHOW, slug=wenjiang.slug, id=made["id"]))["tenant"]["handbook"]
        if shown["status"] == "done":
            break
        assert shown["status"] != "failed" and time.monotonic() < deadline, shown
        await asyncio.sleep(0.2)
    assert shown["progressDone"] == shown["progressTotal"] == made["progressTotal"]
    assert shown["downloadUrl"].startswith("http")
    missing = await gql(client, wenjiang.reader, SHOW, slug=wenjiang.slug, id="00000000-0000-0000-0000-000000000001")
    assert missing["tenant"]["handbook"] is None
