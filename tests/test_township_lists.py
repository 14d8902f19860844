"""Township lists end to end: claim, submit, return, fix, file, publish, follow the catalog."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from tests.catalog_fixtures import DOMAIN, PATROL, PERMIT, RECOVERED, add_items, build_county, publish
from tests.conftest import TenantFixture, issue_key

LIUCHENG, GONGPING = "510115001000", "510115002000"


@pytest.fixture
async def county(client: httpx.AsyncClient, tenant: TenantFixture) -> TenantFixture:
    await build_county(client, tenant)
    await add_items(client, tenant, DOMAIN, PATROL, PERMIT, RECOVERED)
    await publish(client, tenant)
    return tenant


def codes(body: dict[str, Any], state: str = "active") -> list[str]:
    return [e["item"]["code"] for e in body["entries"] if e["state"] == state]


@contextlib.asynccontextmanager
async def amended_law() -> AsyncIterator[None]:
    """A newer text of a cited law's article (a library load as the owner, which moves the
    shared library's generation as core.legal.library's loader does), taken out again after:
    the national library is every test's."""
    from core.platform import generations
    from core.platform.db import platform_transaction

    async with platform_transaction() as conn:
        await conn.execute(
            "WITH v AS (INSERT INTO legal_versions (tenant_id, document_id, version_date)"
            " SELECT tenant_id, id, '2030-01-01' FROM legal_documents"
            " WHERE title = '中华人民共和国安全生产法' RETURNING tenant_id, id)"
            " INSERT INTO provisions (tenant_id, version_id, article, label, text)"
            " SELECT tenant_id, id, 9, '第九条', '修订后的第九条' FROM v"
        )
        await generations.bump(conn, generations.SHARED_TENANT)
    try:
        yield
    finally:
        async with platform_transaction() as conn:
            await conn.execute(
                "WITH v AS (SELECT v.id FROM legal_versions v JOIN legal_documents d ON d.id = v.document_id"
                " WHERE d.title = '中华人民共和国安全生产法' AND v.version_date = '2030-01-01'),"
                " gone AS (DELETE FROM provisions WHERE version_id IN (SELECT id FROM v))"
                " DELETE FROM legal_versions WHERE id IN (SELECT id FROM v)"
            )
            await generations.bump(conn, generations.SHARED_TENANT)


async def test_the_whole_lifecycle(client: httpx.AsyncClient, county: TenantFixture) -> None:
    township = await issue_key(county, client, "township", LIUCHENG)
    auth = county.auth(township)
    base = f"{county.base}/townships/{LIUCHENG}/list"

    working = await client.get(base, headers=auth)
    assert working.status_code == 200, working.text
    body = working.json()
    assert body["township_name"] == "柳城街道" and body["status"] == "draft"
    assert codes(body) == ["SAF", "SAF-01", "SAF-02"]  # common items are there automatically
    assert body["counts"] == {"total": 3, "basic": 2, "recovered": 1}
    recovered = next(e for e in body["entries"] if e["item"]["code"] == "SAF-02")
    assert recovered["item"]["recovery"]["receiving_unit"] == "emergency-bureau"

    claimed = await client.post(
        f"{base}/claims",
        json={"item_code": "CON-01", "justification": "辖区内有农村建房需求"},
        headers={**auth, "Idempotency-Key": "claim-1"},
    )
    assert claimed.status_code == 201, claimed.text
    replay = await client.post(
        f"{base}/claims",
        json={"item_code": "CON-01", "justification": "辖区内有农村建房需求"},
        headers={**auth, "Idempotency-Key": "claim-1"},
    )
    assert replay.status_code == 201 and replay.headers["idempotent-replayed"] == "true"
    assert replay.json() == claimed.json()
    twice = await client.post(f"{base}/claims", json={"item_code": "CON-01", "justification": "再次认领"}, headers=auth)
    assert twice.status_code == 409

    etag = claimed.headers["etag"]
    detailed = await client.patch(
        f"{base}/entries/SAF-01",
        json={"responsible_office": "平安法治办公室", "post": "安全员", "contact": "028-82700001"},
        headers={**auth, "If-Match": etag},
    )
    assert detailed.status_code == 200, detailed.text

    submitted = await client.post(f"{base}/submit", headers={**auth, "Idempotency-Key": "submit-1"})
    assert submitted.status_code == 200 and submitted.json()["status"] == "submitted"
    locked = await client.patch(f"{base}/entries/SAF-01", json={"post": "x", "revision": 99}, headers=auth)
    assert locked.status_code == 409

    returned = await client.post(
        f"{base}/return",
        json={"note": "请补充联系方式", "comments": [{"item_code": "CON-01", "comment": "请填写责任科室"}]},
        headers=county.auth(),
    )
    assert returned.status_code == 200 and returned.json()["status"] == "returned"
    entry = next(e for e in returned.json()["entries"] if e["item"]["code"] == "CON-01")
    assert entry["review_comment"] == "请填写责任科室"

    fixed = await client.patch(
        f"{base}/entries/CON-01",
        json={"responsible_office": "规划建设办公室"},
        headers={**auth, "If-Match": returned.headers["etag"]},
    )
    assert fixed.status_code == 200
    assert (await client.post(f"{base}/submit", headers=auth)).json()["status"] == "submitted"
    assert (await client.post(f"{base}/file", headers=auth)).status_code == 403  # the county files
    assert (await client.post(f"{base}/file", headers=county.auth())).json()["status"] == "filed"
    published = await client.post(f"{base}/publish", json={"effective_date": "2025-02-01"}, headers=county.auth())
    assert published.status_code == 200, published.text
    assert published.json()["version"] == 1 and codes(published.json()) == ["CON-01", "SAF", "SAF-01", "SAF-02"]

    readable = await client.get(f"{base}/published", headers=county.auth(county.reader))
    assert readable.status_code == 200
    office = next(e for e in readable.json()["entries"] if e["item"]["code"] == "SAF-01")["responsible_office"]
    assert office == "平安法治办公室"
    claimants = await client.get(f"{county.base}/catalog/items/CON-01/claims", headers=county.auth(county.reader))
    assert [(c["township_code"], c["justification"]) for c in claimants.json()] == [(LIUCHENG, "辖区内有农村建房需求")]


async def _publish_list(client: httpx.AsyncClient, t: TenantFixture, township: str, date: str) -> dict[str, Any]:
    base = f"{t.base}/townships/{township}/list"
    for step in ("submit", "file"):
        response = await client.post(f"{base}/{step}", headers=t.auth())
        assert response.status_code == 200, response.text
    done = await client.post(f"{base}/publish", json={"effective_date": date}, headers=t.auth())
    assert done.status_code == 200, done.text
    return done.json()


async def test_lists_follow_the_catalog_and_nothing_is_lost(client: httpx.AsyncClient, county: TenantFixture) -> None:
    base = f"{county.base}/townships/{LIUCHENG}/list"
    await client.post(f"{base}/claims", json={"item_code": "CON-01", "justification": "需要"}, headers=county.auth())
    etag = (await client.get(base, headers=county.auth())).headers["etag"]
    await client.patch(f"{base}/entries/SAF-01", json={"post": "安全员"}, headers={**county.auth(), "If-Match": etag})
    await _publish_list(client, county, LIUCHENG, "2025-02-01")

    why = {"reason_kind": "law_changed", "reason": "依据修订"}
    await client.patch(
        f"{county.base}/catalog/items/CON-01",
        json={"title": "乡村建设规划许可", "revision": 1, "adjustment": why},
        headers=county.auth(),
    )
    await client.patch(
        f"{county.base}/catalog/items/SAF-01",
        json={"description": "每季度检查", "revision": 1, "adjustment": why},
        headers=county.auth(),
    )
    await client.post(
        f"{county.base}/catalog/items/SAF-02/withdraw",
        json={"reason_kind": "institution_changed", "reason": "职能划转至区应急局"},
        headers=county.auth(),
    )
    new_item = {**PATROL, "code": "SAF-03", "title": "汛期安全巡查", "citations": [], "adjustment": why}
    await client.post(f"{county.base}/catalog/items", json=new_item, headers=county.auth())
    await publish(client, county, "2025-06-01")

    working = (await client.get(base, headers=county.auth())).json()
    assert working["status"] == "draft" and working["catalog_version"] == 2
    states = {e["item"]["code"]: (e["state"], e["change_note"]) for e in working["entries"]}
    assert states["SAF-02"][0] == "removed" and "职能划转至区应急局" in states["SAF-02"][1]
    assert states["CON-01"][0] == "needs_confirmation"
    assert states["SAF-01"][0] == "active" and "更新" in states["SAF-01"][1]
    assert states["SAF-03"] == ("active", "参考目录第2版：新增")
    kept = next(e for e in working["entries"] if e["item"]["code"] == "SAF-01")
    assert kept["post"] == "安全员" and kept["item"]["description"] == "每季度检查"

    blocked = await client.post(f"{base}/submit", headers=county.auth())
    assert blocked.status_code == 422 and "re-confirmation" in blocked.json()["detail"]
    await client.patch(
        f"{base}/entries/CON-01",
        json={"confirm": True},
        headers={**county.auth(), "If-Match": f'"{working["revision"]}"'},
    )
    second = await _publish_list(client, county, LIUCHENG, "2025-07-01")
    assert second["version"] == 2

    diff = (await client.get(f"{base}/diff", params={"from": 1, "to": 2}, headers=county.auth())).json()
    assert diff["added"] == ["SAF-03"] and diff["removed"] == ["SAF-02"]
    changed = {c["item_code"]: [f["field"] for f in c["changes"]] for c in diff["changed"]}
    assert changed == {"CON-01": ["item.title"], "SAF-01": ["item.description"]}

    as_of = await client.get(f"{base}/published", params={"as_of": "2025-03-15"}, headers=county.auth(county.reader))
    assert as_of.json()["version"] == 1 and "SAF-02" in codes(as_of.json())
    await _versions_share_unchanged_entries(county)
    before = await client.get(f"{base}/published", params={"as_of": "2024-12-31"}, headers=county.auth())
    assert before.status_code == 404
    # Other townships followed too: their automatic entries, no claim of CON-01.
    other = (await client.get(f"{county.base}/townships/{GONGPING}/list", headers=county.auth())).json()
    assert codes(other) == ["SAF", "SAF-01", "SAF-03"]


async def _versions_share_unchanged_entries(county: TenantFixture) -> None:
    """Version 2 stored only what changed from version 1 (migration 0010): SAF unchanged keeps
    its one row, valid from 1 on; SAF-01 and CON-01 (their items changed) and SAF-02 (dropped)
    were closed at 2; SAF-01, CON-01 and SAF-03 (added) opened at 2. A closed range stays closed."""
    from core.platform.db import tenant_transaction
    from core.security.tenancy import find_tenant

    found = await find_tenant(county.slug)
    assert found
    async with tenant_transaction(found.id) as conn:
        spans = await conn.fetch(
            "SELECT item_code, valid_from, valid_until FROM township_entry_spans WHERE township_code = $1"
            " ORDER BY item_code, valid_from",
            LIUCHENG,
        )
        closed = await conn.execute("UPDATE township_entry_spans SET valid_until = 2 WHERE valid_until IS NOT NULL")
    assert [tuple(r) for r in spans] == [
        ("CON-01", 1, 2),
        ("CON-01", 2, None),
        ("SAF", 1, None),
        ("SAF-01", 1, 2),
        ("SAF-01", 2, None),
        ("SAF-02", 1, 2),
        ("SAF-03", 2, None),
    ]
    assert closed == "UPDATE 0"  # the policy hides closed ranges from the update


async def test_bad_claims_and_submissions(client: httpx.AsyncClient, county: TenantFixture) -> None:
    base = f"{county.base}/townships/{LIUCHENG}/list"
    cases = [
        ({"item_code": "SAF-01", "justification": "想要"}, "applies to every township"),
        ({"item_code": "NOPE", "justification": "想要"}, "no item NOPE"),
    ]
    for body, words in cases:
        response = await client.post(f"{base}/claims", json=body, headers=county.auth())
        assert response.status_code == 422 and words in response.json()["detail"], response.text
    short = await client.post(
        f"{base}/claims", json={"item_code": "CON-01", "justification": ""}, headers=county.auth()
    )
    assert short.status_code == 400 and short.json()["errors"][0]["field"] == "justification"
    stale = await client.patch(
        f"{base}/entries/SAF-01", json={"post": "x"}, headers={**county.auth(), "If-Match": '"999"'}
    )
    assert stale.status_code == 412
    assert (await client.post(f"{base}/file", headers=county.auth())).status_code == 409  # not submitted
    assert (await client.get(f"{county.base}/townships/510115999000/list", headers=county.auth())).status_code == 404
    assert (await client.get(f"{base}/published", headers=county.auth())).status_code == 404
    working = (await client.get(base, headers=county.auth())).json()
    assert codes(working) == ["SAF", "SAF-01", "SAF-02"] and working["status"] == "draft"


async def test_an_empty_list_cannot_be_submitted(client: httpx.AsyncClient, tenant: TenantFixture) -> None:
    await build_county(client, tenant)
    await add_items(client, tenant, PERMIT)  # claimable only: nothing applies automatically
    await publish(client, tenant)
    refused = await client.post(f"{tenant.base}/townships/{LIUCHENG}/list/submit", headers=tenant.auth())
    assert refused.status_code == 422 and refused.json()["errors"][0]["field"] == "entries"


async def test_township_keys_act_only_for_their_township(client: httpx.AsyncClient, county: TenantFixture) -> None:
    township = await issue_key(county, client, "township", LIUCHENG)
    other_base = f"{county.base}/townships/{GONGPING}/list"
    assert (await client.get(other_base, headers=county.auth(township))).status_code == 403
    claim = {"item_code": "CON-01", "justification": "想要"}
    assert (await client.post(f"{other_base}/claims", json=claim, headers=county.auth(township))).status_code == 403
    assert (await client.post(f"{other_base}/submit", headers=county.auth(township))).status_code == 403
    assert (await client.get(other_base, headers=county.auth(county.reader))).status_code == 403
    working = (await client.get(other_base, headers=county.auth())).json()
    assert codes(working) == ["SAF", "SAF-01", "SAF-02"]


async def test_another_tenant_cannot_reach_township_lists(
    client: httpx.AsyncClient, county: TenantFixture, other: TenantFixture
) -> None:
    base = f"{county.base}/townships/{LIUCHENG}/list"
    intruder = other.auth()
    assert (await client.get(base, headers=intruder)).status_code == 404
    assert (await client.get(f"{base}/published", headers=intruder)).status_code == 404
    claim = {"item_code": "CON-01", "justification": "想要"}
    assert (await client.post(f"{base}/claims", json=claim, headers=intruder)).status_code == 404
    assert (await client.post(f"{base}/submit", headers=intruder)).status_code == 404
    assert (
        await client.post(f"{base}/publish", json={"effective_date": "2025-01-01"}, headers=intruder)
    ).status_code == 404
    assert codes((await client.get(base, headers=county.auth())).json()) == ["SAF", "SAF-01", "SAF-02"]


async def test_an_idempotency_key_cannot_be_reused_for_another_request(
    client: httpx.AsyncClient, county: TenantFixture
) -> None:
    base = f"{county.base}/townships/{LIUCHENG}/list"
    headers = {**county.auth(), "Idempotency-Key": "once"}
    first = await client.post(f"{base}/claims", json={"item_code": "CON-01", "justification": "需要"}, headers=headers)
    assert first.status_code == 201
    other = await client.post(
        f"{county.base}/townships/{GONGPING}/list/claims",
        json={"item_code": "CON-01", "justification": "需要"},
        headers=headers,
    )
    assert other.status_code == 422 and other.json()["errors"][0]["field"] == "Idempotency-Key"
    gongping = (await client.get(f"{county.base}/townships/{GONGPING}/list", headers=county.auth())).json()
    assert "CON-01" not in codes(gongping)


async def test_published_versions_cannot_be_changed_even_in_sql(
    client: httpx.AsyncClient, county: TenantFixture
) -> None:
    from core.platform.db import tenant_transaction
    from core.platform.errors import PermissionDenied
    from core.security.tenancy import find_tenant

    await _publish_list(client, county, LIUCHENG, "2025-02-01")
    found = await find_tenant(county.slug)
    assert found
    for statement in (
        "UPDATE township_entry_spans SET post = 'x'",
        "DELETE FROM township_entry_spans",
        "DELETE FROM township_list_versions",
    ):
        with pytest.raises(PermissionDenied, match="permission denied"):
            async with tenant_transaction(found.id) as conn:
                await conn.execute(statement)
    # Entries are validity ranges (migration 0010): the application may close an open span
    # (valid_until, the one column it may update) but not reopen, move or add to a closed one.
    with pytest.raises(PermissionDenied, match="another tenant"):  # the policy's WITH CHECK
        async with tenant_transaction(found.id) as conn:
            await conn.execute("UPDATE township_entry_spans SET valid_until = NULL")
    with pytest.raises(PermissionDenied, match="another tenant"):
        async with tenant_transaction(found.id) as conn:
            await conn.execute(
                "INSERT INTO township_entry_spans SELECT tenant_id, township_code, item_code || '-x', valid_from,"
                " valid_from + 1, origin, justification, responsible_office, post, contact, note, item_hash"
                " FROM township_entry_spans WHERE tenant_id = $1 LIMIT 1",  # the tenant: one shard on Citus
                found.id,
            )


async def test_a_published_list_is_read_once_per_content_generation(
    client: httpx.AsyncClient, county: TenantFixture
) -> None:
    """Bodies of a published version are kept encoded, in PostgreSQL and per process; the
    content generation, which every write moves, decides when a kept body is stale (core.platform.generations)."""
    from core.lists.service import published_cache
    from core.platform import db
    from core.platform.db import platform_transaction

    await _publish_list(client, county, LIUCHENG, "2025-02-01")
    url = f"{county.base}/townships/{LIUCHENG}/list/published"

    async def forget() -> None:  # both levels
        published_cache.clear()
        async with platform_transaction() as conn:
            await conn.execute("DELETE FROM published_list_bodies")

    async def read() -> tuple[dict[str, Any], int]:
        before = db.queries.count
        response = await client.get(url, headers=county.auth(county.reader))
        assert response.status_code == 200, response.text
        return response.json(), db.queries.count - before

    await read()  # warms the key and tenant caches
    await forget()
    cold, cold_count = await read()
    warm, warm_count = await read()
    assert warm == cold
    # cold: the stored-body read, custom-plan setting, entries with their provisions, the
    # township's district counterparts (core.jurisdictions.counterparts), the stored-body write
    assert warm_count == cold_count - 5
    published_cache.clear()  # another process: it reads the stored body only
    shared, shared_count = await read()
    assert shared == cold and shared_count == warm_count + 1

    # A newer text of a cited law (a library load, as the owner) reaches the cached list.
    async with amended_law():
        amended, count = await read()
        assert count == cold_count
        assert "修订后的第九条" in {p["text"] for p in amended["provisions"]}
        assert amended["entries"] == cold["entries"]

        # The header is read every time: a renamed township shows at once.
        renamed = await client.patch(
            f"{county.base}/jurisdictions/{LIUCHENG}", json={"name": "柳城新街道", "version": 1}, headers=county.auth()
        )
        assert renamed.status_code == 200, renamed.text
        assert (await read())[0]["township_name"] == "柳城新街道"


async def test_cached_published_lists_stay_with_their_tenant(
    client: httpx.AsyncClient, county: TenantFixture, other: TenantFixture
) -> None:
    """Two counties with the same township code: each reads its own published list, cached
    or not, and a reader of one never gets the other's cached entries."""
    await build_county(client, other)
    await add_items(client, other, DOMAIN, PATROL, PERMIT, RECOVERED)
    await publish(client, other)
    claim = {"item_code": "CON-01", "justification": "需要"}
    claimed = await client.post(f"{county.base}/townships/{LIUCHENG}/list/claims", json=claim, headers=county.auth())
    assert claimed.status_code == 201, claimed.text
    await _publish_list(client, county, LIUCHENG, "2025-02-01")
    await _publish_list(client, other, LIUCHENG, "2025-02-01")
    for _ in range(2):  # the second round is served from the cache
        mine = await client.get(f"{county.base}/townships/{LIUCHENG}/list/published", headers=county.auth())
        theirs = await client.get(f"{other.base}/townships/{LIUCHENG}/list/published", headers=other.auth())
        assert "CON-01" in codes(mine.json()) and "CON-01" not in codes(theirs.json())
        crossed = await client.get(f"{other.base}/townships/{LIUCHENG}/list/published", headers=county.auth())
        assert crossed.status_code == 404


async def test_entries_keep_to_their_lists(client: httpx.AsyncClient, county: TenantFixture) -> None:
    """The foreign key from entries to lists (migration 0011; statement-level triggers before,
    which Citus cannot run): an entry without a list is refused, a deleted list takes its
    entries, a list's code cannot change under its entries."""
    import asyncpg

    from core.platform.db import platform_transaction, tenant_transaction
    from core.platform.errors import ValidationFailed
    from core.security.tenancy import find_tenant

    found = await find_tenant(county.slug)
    assert found
    with pytest.raises(ValidationFailed, match="does not exist"):  # 23503, translated as before
        async with platform_transaction() as conn:
            await conn.execute(
                "INSERT INTO township_entries (tenant_id, township_code, item_code, origin)"
                " VALUES ($1, '510115999000', 'SAF', 'automatic')",
                found.id,
            )
    async with tenant_transaction(found.id) as conn:
        assert await conn.fetchval("SELECT count(*) FROM township_entries WHERE township_code = $1", LIUCHENG) == 3
    async with platform_transaction() as conn:
        await conn.execute("DELETE FROM township_lists WHERE tenant_id = $1 AND township_code = $2", found.id, LIUCHENG)
        assert (
            await conn.fetchval(
                "SELECT count(*) FROM township_entries WHERE tenant_id = $1 AND township_code = $2", found.id, LIUCHENG
            )
            == 0
        )
        await conn.execute("SAVEPOINT renaming")  # our transactions BEGIN by hand: no conn.transaction()
        with pytest.raises(asyncpg.ForeignKeyViolationError, match="township_entries_tenant_id_township_code_fkey"):
            await conn.execute(
                "UPDATE township_lists SET township_code = '510115' WHERE tenant_id = $1 AND township_code = $2",
                found.id,
                GONGPING,
            )
        await conn.execute("ROLLBACK TO SAVEPOINT renaming")


async def test_publishing_answers_with_the_new_version_without_reading_it_again(
    client: httpx.AsyncClient, county: TenantFixture
) -> None:
    """publish_list answers from the item views its filing's read left (core.lists.item_views)
    and the entries it published: the same bytes as a cold read of the new version, and no
    whole-list statement — unless something besides the publication moved the generation."""
    from core.lists import item_views
    from core.lists.service import published_cache
    from core.platform import db
    from core.platform.db import platform_transaction

    base = f"{county.base}/townships/{LIUCHENG}/list"
    claim = {"item_code": "CON-01", "justification": "辖区内有农村建房需求"}
    assert (await client.post(f"{base}/claims", json=claim, headers=county.auth())).status_code == 201
    etag = (await client.get(base, headers=county.auth())).headers["etag"]
    edit = {"responsible_office": "平安法治办公室", "post": "安全员", "contact": "028-82700001", "note": "季度"}
    patched = await client.patch(f"{base}/entries/SAF-01", json=edit, headers={**county.auth(), "If-Match": etag})
    assert patched.status_code == 200, patched.text

    async def publish(date: str) -> tuple[dict[str, Any], int]:
        for step in ("submit", "file"):
            assert (await client.post(f"{base}/{step}", headers=county.auth())).status_code == 200
        before = db.queries.count
        done = await client.post(f"{base}/publish", json={"effective_date": date}, headers=county.auth())
        assert done.status_code == 200, done.text
        return done.json(), db.queries.count - before

    async def cold() -> dict[str, Any]:
        published_cache.clear()
        item_views.cache.clear()
        async with platform_transaction() as conn:
            await conn.execute("DELETE FROM published_list_bodies")
        read = await client.get(f"{base}/published", headers=county.auth())
        assert read.status_code == 200, read.text
        body: dict[str, Any] = read.json()
        return body

    answer, quick = await publish("2025-02-01")
    assert answer == await cold()
    assert answer["version"] == 1 and "CON-01" in codes(answer) and answer["provisions"]
    saf = next(e for e in answer["entries"] if e["item"]["code"] == "SAF-01")
    assert (saf["post"], saf["note"], saf["state"], saf["change_note"]) == ("安全员", "季度", "active", "")
    # The answer was stored as the version's body: the next reader finds it.
    published_cache.clear()
    stored = await client.get(f"{base}/published", headers=county.auth())
    assert stored.json() == answer

    # A newer text of a cited law between the filing and the publication: the views the filing
    # left are stale, so the answer is a read of the new version, which shows the new text.
    etag = (await client.get(base, headers=county.auth())).headers["etag"]
    await client.patch(
        f"{base}/entries/SAF-01", json={"post": "专职安全员"}, headers={**county.auth(), "If-Match": etag}
    )
    for step in ("submit", "file"):
        assert (await client.post(f"{base}/{step}", headers=county.auth())).status_code == 200
    async with amended_law():
        before = db.queries.count
        done = await client.post(f"{base}/publish", json={"effective_date": "2025-03-01"}, headers=county.auth())
        assert done.status_code == 200, done.text
        assert db.queries.count - before > quick  # the fallback read the list again
        amended = done.json()
        assert "修订后的第九条" in {p["text"] for p in amended["provisions"]}
        assert amended == await cold()

        # Views left by this generation's reads answer the next publication again (the
        # previous publication carried them to its own generation).
        etag = (await client.get(base, headers=county.auth())).headers["etag"]
        await client.patch(
            f"{base}/entries/SAF-01", json={"post": "安全员"}, headers={**county.auth(), "If-Match": etag}
        )
        third, count = await publish("2025-04-01")
        assert count == quick and third["version"] == 3
        assert third == await cold()
