"""The "held" fact of search documents (issue 18, migration 0019): ``search_documents.holders``
is the number of open spans (entries of the townships' newest published lists) pointing at the
document's content, kept by publishing in the publication's transaction — a list published
alone, a changed or withdrawn item republished after the catalog propagated, a bulk
publication — and by nothing another tenant does. The grouped search reads it instead of
probing the spans per document, with the same items and total."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from core.platform import db, schema
from core.platform.db import platform_transaction, tenant_transaction
from core.publication import search
from tests.catalog_fixtures import add_items, publish, redescribe
from tests.conftest import ON_CITUS, TenantFixture
from tests.portal_fixtures import GONGPING, LIUCHENG, TIANFU, publish_list, published_county
from tests.test_bulk_publication import _county, _set_status, wait_done
from tests.test_search import _tenant_id, find


@pytest.fixture
async def county(client: httpx.AsyncClient, tenant: TenantFixture) -> TenantFixture:
    return await published_county(client, tenant)


# Every document's holders next to its open spans counted (as the owner: no policy in the way).
_COUNTED = """
SELECT d.item_code, d.content_hash, d.holders,
       (SELECT count(*) FROM township_entry_spans s WHERE s.tenant_id = d.tenant_id AND s.item_code = d.item_code
           AND s.item_hash = d.content_hash AND s.valid_until IS NULL) AS spans
  FROM search_documents d WHERE d.tenant_id = $1 ORDER BY d.item_code, d.id
"""


async def holders(tenant_id: Any) -> dict[str, list[int]]:
    """Each item's documents' holders (oldest content first), checked equal to their open spans."""
    async with platform_transaction() as conn:
        rows = await conn.fetch(_COUNTED, tenant_id)
    assert [(r["item_code"], r["holders"]) for r in rows] == [(r["item_code"], r["spans"]) for r in rows]
    found: dict[str, list[int]] = {}
    for r in rows:
        found.setdefault(r["item_code"], []).append(r["holders"])
    return found


async def grouped(client: httpx.AsyncClient, t: TenantFixture, **params: Any) -> list[tuple[str, list[str]]]:
    response = await client.get(f"{t.base}/search/items", params=params, headers=t.auth(t.reader))
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["total"] == len(body["items"])  # one page here
    return [(h["item_code"], [t["code"] for t in h["townships"]]) for h in body["items"]]


async def test_publishing_and_withdrawing_move_the_holders(client: httpx.AsyncClient, county: TenantFixture) -> None:
    tid = await _tenant_id(county)
    held = await holders(tid)  # 柳城 and 公平 published; 天府 not
    assert held["SAF-03"] == [2] and held["SAF-04"] == [2]
    both = [LIUCHENG, GONGPING]
    assert await grouped(client, county, q="消防") == [("SAF-03", both), ("SAF-04", both)]

    # A third list published alone.
    await publish_list(client, county, TIANFU)
    assert (await holders(tid))["SAF-03"] == [3]
    assert (await grouped(client, county, q="消防"))[0] == ("SAF-03", [LIUCHENG, GONGPING, TIANFU])

    # The catalog withdraws SAF-04 and changes SAF-03's text: the new version propagates to the
    # working copies, and nothing published moves until a list is published again…
    withdrawn = await client.post(
        f"{county.base}/catalog/items/SAF-04/withdraw",
        json={"reason_kind": "other", "reason": "并入消防安全检查"},
        headers=county.auth(),
    )
    assert withdrawn.status_code == 200, withdrawn.text
    await redescribe(client, county, "SAF-03", "對轄區內九小場所開展消防巡查和演练", "并入演练")
    await publish(client, county, "2025-03-01")
    held = await holders(tid)
    # the new contents (a withdrawn item's too) are indexed, held by none yet
    assert held["SAF-03"] == [3, 0] and held["SAF-04"] == [3, 0]
    before = await grouped(client, county, q="消防")
    assert before == [("SAF-03", [LIUCHENG, GONGPING, TIANFU]), ("SAF-04", [LIUCHENG, GONGPING, TIANFU])]

    # …then 柳城 publishes: its SAF-03 entry moves to the new content, its SAF-04 entry is gone.
    await publish_list(client, county, LIUCHENG, "2025-03-01")
    held = await holders(tid)
    assert held["SAF-03"] == [2, 1] and held["SAF-04"] == [2, 0]
    assert await grouped(client, county, q="巡查演练") == [("SAF-03", [LIUCHENG])]  # the new content
    assert dict(await grouped(client, county, q="应急演练"))["SAF-04"] == [GONGPING, TIANFU]
    assert "SAF-04" not in dict(await grouped(client, county, q="应急演练", township=LIUCHENG))
    for code in (GONGPING, TIANFU):
        await publish_list(client, county, code, "2025-03-01")
    held = await holders(tid)
    assert held["SAF-03"] == [0, 3] and held["SAF-04"] == [0, 0]
    assert "SAF-04" not in dict(await grouped(client, county, q="应急演练"))  # withdrawn everywhere


async def test_a_bulk_publication_counts_every_list(client: httpx.AsyncClient) -> None:
    c = await _county(4)
    tid = c.t.access.tenant.id
    assert set(map(tuple, (await holders(tid)).values())) == {(0,)}  # catalog published, no list yet
    await _set_status(c, "filed", c.t.townships)
    started = await client.post(
        f"{c.base}/list-publications",
        json={"effective_date": "2025-03-01", "townships": c.t.townships[:3]},
        headers=c.auth(),
    )
    assert started.status_code == 202, started.text
    assert (await wait_done(client, started.headers["location"], c.key))["status"] == "done"
    counts = {tuple(v) for v in (await holders(tid)).values()}
    # held by the three; a claimed item by those claiming it; a county-only item by none
    assert {(3,), (0,)} <= counts <= {(0,), (1,), (2,), (3,)}
    async with platform_transaction() as conn:
        spans = await conn.fetchval(
            "SELECT count(*) FROM township_entry_spans WHERE tenant_id = $1 AND valid_until IS NULL", tid
        )
        total = await conn.fetchval("SELECT sum(holders) FROM search_documents WHERE tenant_id = $1", tid)
    assert total == spans > 0


async def test_another_tenants_publications_change_nothing_here(
    client: httpx.AsyncClient, county: TenantFixture, other: TenantFixture
) -> None:
    ours = await _tenant_id(county)
    held, found = await holders(ours), await grouped(client, county, q="消防")
    await published_county(client, other)  # the same codes, contents and townships…
    await publish_list(client, other, TIANFU)
    theirs = await _tenant_id(other)
    assert (await holders(theirs))["SAF-03"] == [3]  # …counted in its own documents
    assert await holders(ours) == held and await grouped(client, county, q="消防") == found


async def test_the_migration_counts_existing_spans(client: httpx.AsyncClient, county: TenantFixture) -> None:
    """Migration 0019's backfill, run again over documents whose counts were lost."""
    tid = await _tenant_id(county)
    held = await holders(tid)
    migration = next(m for m in schema.known_migrations() if m.id == "0019_search_holders")
    backfill = migration.sql[migration.sql.index("UPDATE search_documents") :]
    async with platform_transaction() as conn:
        await conn.execute("UPDATE search_documents SET holders = 0 WHERE tenant_id = $1", tid)
        await conn.execute(backfill.rstrip().rstrip(";") + " AND d.tenant_id = $1", tid)  # this tenant's alone
    assert await holders(tid) == held and held["SAF-03"] == [2]


async def test_a_search_reads_the_vocabulary_of_the_moment_its_statement_saw(
    client: httpx.AsyncClient, county: TenantFixture
) -> None:
    """A search expands its words with the vocabulary in force at the moment the tenant's last
    search saw, without a statement for it; when its own statement sees the generation moved,
    it reads the vocabulary again and, the terms having changed, searches again."""
    search._moments.clear()
    await find(client, county, q="消防")  # the key and the moment, cached
    before = db.queries.count
    await find(client, county, q="消防")
    steady = db.queries.count - before
    assert steady == 3  # the transaction's BEGIN, the search, COMMIT
    search._moments.clear()
    before = db.queries.count
    await find(client, county, q="消防")
    assert db.queries.count - before == steady + 1  # without a moment: the generation is read first
    assert (await find(client, county, q="森林放火"))["items"] == []  # no such word, and none like it
    forest = {"code": "SAF-30", "title": "森林防火巡查", "level": "item", "parent_code": "SAF", "kinds": ["basic"],
              "category": "safety", "adjustment": {"reason_kind": "other", "reason": "新增"}}  # fmt: skip
    await add_items(client, county, forest)
    await publish(client, county, "2025-03-01")
    await publish_list(client, county, LIUCHENG, "2025-03-01")
    found = await find(client, county, q="森林放火")  # 放火 now sounds like the catalog's 防火
    assert [h["item_code"] for h in found["items"]] == ["SAF-30"] and "防火" in found["query"]
    assert [c for c, _ in await grouped(client, county, q="森林放火")] == ["SAF-30"]


async def _townships(client: httpx.AsyncClient, t: TenantFixture, q: str) -> dict[str, list[dict[str, str]]]:
    response = await client.get(f"{t.base}/search/items", params={"q": q}, headers=t.auth(t.reader))
    assert response.status_code == 200, response.text
    await db.settled()  # its COMMIT follows the answer
    return {h["item_code"]: h["townships"] for h in response.json()["items"]}


async def test_the_townships_found_are_kept_until_the_generation_moves(
    client: httpx.AsyncClient, county: TenantFixture, other: TenantFixture
) -> None:
    """The grouped search keeps each item content's townships at the generation it read them
    (core.publication.search_holdings): a search whose items are all kept runs one statement
    less; renaming a township moves the generation, and the next search reads the new name;
    another tenant's same codes, contents and townships are read for it, with its own pages."""
    search._holdings.clear()
    first = await _townships(client, county, "消防")
    before = db.queries.count
    safety = await _townships(client, county, "消防安全")  # items the first search found: kept
    assert "SAF-03" in safety and safety == {code: first[code] for code in safety}
    steady = db.queries.count - before
    search._holdings.clear()
    before = db.queries.count
    assert await _townships(client, county, "消防") == first
    assert steady == 3 and db.queries.count - before == steady + 1  # BEGIN, search, COMMIT; + the townships
    assert first["SAF-03"][0] == {
        "code": LIUCHENG,
        "name": "柳城街道",
        "portal_path": f"/portal/{county.slug}/townships/{LIUCHENG}/items/SAF-03",
    }

    liucheng = (await client.get(f"{county.base}/jurisdictions/{LIUCHENG}", headers=county.auth())).json()
    renamed = await client.patch(
        f"{county.base}/jurisdictions/{LIUCHENG}",
        json={"name": "柳城新街道", "version": liucheng["version"]},
        headers=county.auth(),
    )
    assert renamed.status_code == 200, renamed.text
    now = await _townships(client, county, "消防")
    assert [t["name"] for t in now["SAF-03"]] == ["柳城新街道", "公平街道"]

    await published_county(client, other)  # the same codes, contents and townships
    theirs = await _townships(client, other, "消防")
    assert [t["name"] for t in theirs["SAF-03"]] == ["柳城街道", "公平街道"]
    assert all(t["portal_path"].startswith(f"/portal/{other.slug}/") for t in theirs["SAF-03"])
    assert await _townships(client, county, "消防") == now


async def test_generic_plans_last_as_long_as_their_transaction(county: TenantFixture) -> None:
    """The grouped search's transaction runs generic plans (set on BEGIN); the next
    transaction on the pool's connection plans as usual. Not on Citus (no generic plans of
    multi-join statements there)."""
    tenant_id = await _tenant_id(county)
    async with tenant_transaction(tenant_id, generic_plans=True) as conn:
        during = await conn.fetchval("SHOW plan_cache_mode")
    async with tenant_transaction(tenant_id) as conn:
        after = await conn.fetchval("SHOW plan_cache_mode")
    assert (during, after) == ("auto" if ON_CITUS else "force_generic_plan", "auto")
