"""Bulk publication of township lists (issue 13 item 5): one request files and publishes many
lists as a job with progress, over REST and GraphQL, and never across tenants."""

from __future__ import annotations

import asyncio
import time
import uuid
from typing import Any

import httpx
import pytest

from core.lists import publication
from core.platform import db
from core.platform.db import tenant_transaction
from core.security.access import Role
from tenants import keys
from tests.plan_fixtures import LIST_SIZE, PlanTenant, build_tenant

TOWNSHIPS = 12


class County:
    def __init__(self, t: PlanTenant, key: str) -> None:
        self.t, self.key = t, key

    @property
    def base(self) -> str:
        return f"/api/v1/tenants/{self.t.slug}"

    def auth(self, key: str | None = None) -> dict[str, str]:
        return {"Authorization": f"Bearer {key or self.key}"}


async def _county(townships: int = TOWNSHIPS) -> County:
    t = await build_tenant(f"bulk-{uuid.uuid4().hex[:8]}", townships, publish_lists=False)
    issued = await keys.create_key(t.access, keys.ApiKeyCreate(name="admin", role=Role.ADMIN))
    return County(t, issued.key)


async def _set_status(c: County, status: str, codes: list[str]) -> None:
    async with tenant_transaction(c.t.access.tenant.id) as conn:
        await conn.execute(
            "UPDATE township_lists SET status = $3 WHERE tenant_id = $1 AND township_code = ANY($2::text[])",
            c.t.access.tenant.id,
            codes,
            status,
        )


async def _statuses(c: County) -> dict[str, tuple[str, int]]:
    async with tenant_transaction(c.t.access.tenant.id) as conn:
        rows = await conn.fetch(
            "SELECT township_code, status, published_number FROM township_lists WHERE tenant_id = $1",
            c.t.access.tenant.id,
        )
    return {r["township_code"]: (r["status"], r["published_number"]) for r in rows}


async def wait_done(client: httpx.AsyncClient, location: str, key: str, seconds: float = 60) -> dict[str, Any]:
    """Poll the job until it is done or failed (with a deadline); progress never goes back."""
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
        assert time.monotonic() < deadline, f"bulk publication not done in {seconds} s: {job}"
        await asyncio.sleep(0.05)


async def test_a_selection_is_filed_and_published_in_one_job(client: httpx.AsyncClient) -> None:
    c = await _county()
    codes = c.t.townships
    await _set_status(c, "submitted", codes[0:3])
    await _set_status(c, "filed", codes[3:8])  # 8..11 stay draft
    selection = codes[1:10]
    started = await client.post(
        f"{c.base}/list-publications",
        json={"effective_date": "2025-03-01", "townships": selection},
        headers=c.auth(),
    )
    assert started.status_code == 202, started.text
    job = started.json()
    assert job["status"] in ("queued", "running") and job["progress"] == {"done": 0, "total": 7}
    assert job["skipped"] == [{"township_code": code, "status": "draft"} for code in codes[8:10]]
    done = await wait_done(client, started.headers["location"], c.key)
    assert done["status"] == "done", done
    assert (done["filed"], done["published"], done["progress"]) == (2, 7, {"done": 7, "total": 7})

    statuses = await _statuses(c)
    assert all(statuses[code] == ("published", 1) for code in codes[1:8])
    assert statuses[codes[0]] == ("submitted", 0)  # not in the selection
    assert all(statuses[code] == ("draft", 0) for code in codes[8:])

    read = await client.get(f"{c.base}/townships/{codes[1]}/list/published", headers=c.auth())
    assert read.status_code == 200, read.text
    body = read.json()
    assert body["version"] == 1 and body["effective_date"] == "2025-03-01" and len(body["entries"]) >= LIST_SIZE
    versions = await client.get(f"{c.base}/townships/{codes[1]}/list/versions", headers=c.auth())
    assert [v["entry_count"] for v in versions.json()] == [len(body["entries"])]
    hits = await client.get(f"{c.base}/search", params={"q": "事项", "township": codes[1]}, headers=c.auth())
    assert hits.status_code == 200 and hits.json()["items"], "the published lists are indexed for search"


async def test_every_list_when_none_is_named_and_the_same_hash_as_one_by_one(client: httpx.AsyncClient) -> None:
    c = await _county(4)
    await _set_status(c, "filed", c.t.townships)
    one = await client.post(
        f"{c.base}/townships/{c.t.townships[0]}/list/publish", json={"effective_date": "2025-03-01"}, headers=c.auth()
    )
    assert one.status_code == 200, one.text
    started = await client.post(f"{c.base}/list-publications", json={"effective_date": "2025-03-01"}, headers=c.auth())
    assert started.status_code == 202, started.text
    assert started.json()["townships"] is None and started.json()["progress"]["total"] == 3
    done = await wait_done(client, started.headers["location"], c.key)
    assert done["published"] == 3 and done["skipped"] == [{"township_code": c.t.townships[0], "status": "published"}]
    # Same entries and local details in townships 0 and 1 (the fixture gives them the same):
    # a version published alone and one published in bulk have the same content hash.
    hashes = []
    for code in c.t.townships[:2]:
        versions = await client.get(f"{c.base}/townships/{code}/list/versions", headers=c.auth())
        hashes.append(versions.json()[0]["content_hash"])
    assert hashes[0] == hashes[1]


async def test_bad_requests_write_nothing(client: httpx.AsyncClient) -> None:
    c = await _county(3)
    await _set_status(c, "filed", c.t.townships[:1])
    url = f"{c.base}/list-publications"
    bad_code = await client.post(url, json={"effective_date": "2025-03-01", "townships": ["abc"]}, headers=c.auth())
    assert bad_code.status_code == 422, bad_code.text
    unknown = await client.post(
        url, json={"effective_date": "2025-03-01", "townships": ["510115999000"]}, headers=c.auth()
    )
    assert unknown.status_code == 422 and "510115999000" in unknown.text
    nothing = await client.post(
        url, json={"effective_date": "2025-03-01", "townships": c.t.townships[1:]}, headers=c.auth()
    )
    assert nothing.status_code == 409, nothing.text
    no_date = await client.post(url, json={"townships": c.t.townships}, headers=c.auth())
    assert no_date.status_code in (400, 422)
    reader = await keys.create_key(c.t.access, keys.ApiKeyCreate(name="reader", role=Role.READER))
    denied = await client.post(url, json={"effective_date": "2025-03-01"}, headers=c.auth(reader.key))
    assert denied.status_code == 403
    assert db.DB.pool is not None
    jobs = await db.DB.pool.fetchval("SELECT count(*) FROM publication_jobs WHERE tenant_id = $1", c.t.access.tenant.id)
    assert jobs == 0 and (await _statuses(c))[c.t.townships[0]] == ("filed", 0)
    missing = await client.get(f"{url}/{uuid.uuid4()}", headers=c.auth())
    assert missing.status_code == 404


async def test_another_tenant_can_neither_start_nor_read_a_job(client: httpx.AsyncClient) -> None:
    c, other = await _county(2), await _county(2)
    await _set_status(c, "filed", c.t.townships)
    crossed = await client.post(
        f"{c.base}/list-publications", json={"effective_date": "2025-03-01"}, headers=c.auth(other.key)
    )
    assert crossed.status_code == 404
    assert all(s == ("filed", 0) for s in (await _statuses(c)).values())
    started = await client.post(f"{c.base}/list-publications", json={"effective_date": "2025-03-01"}, headers=c.auth())
    job_id = started.json()["id"]
    await wait_done(client, started.headers["location"], c.key)
    assert (await client.get(f"{c.base}/list-publications/{job_id}", headers=c.auth(other.key))).status_code == 404
    assert (await client.get(f"{other.base}/list-publications/{job_id}", headers=other.auth())).status_code == 404


async def test_graphql_mutation_and_query(client: httpx.AsyncClient) -> None:
    c = await _county(3)
    await _set_status(c, "submitted", c.t.townships)
    mutation = """mutation($tenant: String!, $townships: [String!]) {
      requestListPublication(tenant: $tenant, effectiveDate: "2025-04-01", townships: $townships) {
        ... on ListPublication { id status progressTotal }
        ... on Problem { code: status detail }
      }
    }"""
    started = await client.post(
        "/graphql",
        json={"query": mutation, "variables": {"tenant": c.t.slug, "townships": c.t.townships[:2]}},
        headers=c.auth(),
    )
    assert started.status_code == 200, started.text
    assert started.json().get("data"), started.text
    job = started.json()["data"]["requestListPublication"]
    assert job["progressTotal"] == 2, job
    await publication.wait_for_jobs()
    query = """query($tenant: String!, $id: String!) {
      tenant(slug: $tenant) {
        listPublication(id: $id) { status filed published progressDone skipped { townshipCode } }
      }
    }"""
    shown = await client.post(
        "/graphql", json={"query": query, "variables": {"tenant": c.t.slug, "id": job["id"]}}, headers=c.auth()
    )
    assert shown.json()["data"]["tenant"]["listPublication"] == {
        "status": "done",
        "filed": 2,
        "published": 2,
        "progressDone": 2,
        "skipped": [],
    }
    other = await _county(2)
    crossed = await client.post(
        "/graphql",
        json={"query": mutation, "variables": {"tenant": c.t.slug, "townships": None}},
        headers=c.auth(other.key),
    )
    assert crossed.json()["data"]["requestListPublication"]["code"] == 404
    assert (await _statuses(c))[c.t.townships[2]] == ("submitted", 0)


@pytest.mark.parametrize("townships", [450])
async def test_a_large_tenant_in_batches(client: httpx.AsyncClient, townships: int) -> None:
    """More lists than one batch: every batch committed with its progress."""
    c = await _county(townships)
    await _set_status(c, "filed", c.t.townships)
    began = time.perf_counter()
    started = await client.post(f"{c.base}/list-publications", json={"effective_date": "2025-03-01"}, headers=c.auth())
    done = await wait_done(client, started.headers["location"], c.key, seconds=120)
    elapsed = time.perf_counter() - began
    assert done["status"] == "done" and done["published"] == townships, done
    assert all(s == ("published", 1) for s in (await _statuses(c)).values())
    print(f"bulk publication of {townships} lists x {LIST_SIZE} entries: {elapsed:.1f} s")
