"""GraphQL renderings of published lists stored beside their bodies (core.publication.renderings,
migration 0020): rendered once, read back as the same bytes by another process, replaced with
the version or the generation, rendered ahead by a publication for the selections a tenant
uses, bounded per tenant, and never readable by another tenant."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import httpx
import pytest

from api.app import create_app
from api.graphql.execution import ExecutionContext, _Completed
from bench.township_list import GRAPHQL_QUERY
from core.lists import publication
from core.platform.db import platform_transaction, queries, settled, tenant_transaction
from core.publication import bodies as published_bodies
from core.publication import renderings
from core.publication.bodies import BodyCache
from core.security.tenancy import find_tenant
from tests.catalog_fixtures import DOMAIN, PATROL, PERMIT, RECOVERED, add_items, build_county, publish
from tests.conftest import TenantFixture
from tests.test_published_bodies import LIUCHENG, _publish_list, rename_a_unit

ALIASED = """query($s: String!, $c: String!) { tenant(slug: $s) { publishedList(code: $c) {
  version n: counts
  entries { code: item { code title kinds } office: responsibleOffice __typename }
  provisions { label text }
} } }"""

FRAGMENT = """query($s: String!, $c: String!) { tenant(slug: $s) { publishedList(code: $c) {
  entries { ...E contact }
} } }
fragment E on Entry { item { code recovery { reason } } post }"""

# The same selection as FRAGMENT, written differently: it shares FRAGMENT's rendering.
FRAGMENT_INLINE = """query Other($tenant: String!, $township: String!) {
  tenant(slug: $tenant) {
    publishedList(code: $township) { entries { item { code recovery { reason } } post contact } }
  }
}"""

# A directive reading a variable: with p true completed by graphql-core's path (not stored); with
# p false the selection is `entries { item { code } }`, stored as such.
DIRECTIVE = """query($s: String!, $c: String!, $p: Boolean!) { tenant(slug: $s) { publishedList(code: $c) {
  entries { item { code } post @include(if: $p) }
} } }"""

QUERIES = [
    (GRAPHQL_QUERY, {}),
    (ALIASED, {}),
    (FRAGMENT, {}),
    (DIRECTIVE, {"p": True}),
    (DIRECTIVE, {"p": False}),
]


async def _ask(client: httpx.AsyncClient, t: TenantFixture, query: str, extra: dict[str, Any] | None = None) -> bytes:
    if "$township" in query:
        variables = {"tenant": t.slug, "township": LIUCHENG}
    elif "$tenant" in query:  # the bench's query
        variables = {"tenant": t.slug, "code": LIUCHENG}
    else:
        variables = {"s": t.slug, "c": LIUCHENG, **(extra or {})}
    response = await client.post("/graphql", json={"query": query, "variables": variables}, headers=t.auth())
    assert response.status_code == 200 and b'"errors"' not in response.content, response.text
    return response.content


@pytest.fixture
async def county(client: httpx.AsyncClient, tenant: TenantFixture) -> TenantFixture:
    """A county whose township LIUCHENG has its list published (version 1)."""
    await build_county(client, tenant)
    await add_items(client, tenant, DOMAIN, PATROL, PERMIT, RECOVERED)
    await publish(client, tenant)
    await _publish_list(client, tenant, "2025-02-01")
    return tenant


async def _claim(client: httpx.AsyncClient, t: TenantFixture) -> None:
    """LIUCHENG claims CON-01: its next version differs from the first."""
    claim = {"item_code": "CON-01", "justification": "需要"}
    claimed = await client.post(f"{t.base}/townships/{LIUCHENG}/list/claims", json=claim, headers=t.auth())
    assert claimed.status_code == 201, claimed.text


@contextmanager
def another_process(*, store: bool = True) -> Iterator[None]:
    """What a second worker process has: empty per-process caches (bodies, renderings, the
    shapes it saw, completed selections); ``store=False``: nothing read from PostgreSQL either."""
    saved = (published_bodies.cache, published_bodies.store_enabled, ExecutionContext.completed)
    published_bodies.cache, published_bodies.store_enabled = BodyCache(), store
    ExecutionContext.completed = _Completed(16)
    renderings.forget_seen()
    try:
        yield
    finally:
        published_bodies.cache, published_bodies.store_enabled, ExecutionContext.completed = saved
        renderings.forget_seen()


async def _fresh(client: httpx.AsyncClient, t: TenantFixture, query: str, extra: dict[str, Any] | None = None) -> bytes:
    """The answer rendered from scratch: no cache, nothing stored read or written."""
    with another_process(store=False):
        return await _ask(client, t, query, extra)


async def _rows(t: TenantFixture) -> list[tuple[int, str, int]]:
    """(number, selection hex, generation) of the tenant's stored renderings, as the owner sees them."""
    found = await find_tenant(t.slug)
    assert found is not None
    async with platform_transaction() as conn:
        rows = await conn.fetch(
            "SELECT number, selection, generation FROM published_list_renderings WHERE tenant_id = $1"
            " ORDER BY number, selection",
            found.id,
        )
    return [(r["number"], bytes(r["selection"]).hex(), r["generation"]) for r in rows]


async def _selections(t: TenantFixture) -> dict[str, str]:
    found = await find_tenant(t.slug)
    assert found is not None
    async with platform_transaction() as conn:
        rows = await conn.fetch("SELECT selection, part FROM rendering_selections WHERE tenant_id = $1", found.id)
    return {bytes(r["selection"]).hex(): r["part"] for r in rows}


async def test_a_rendering_is_stored_once_and_read_back_by_another_process(
    client: httpx.AsyncClient, county: TenantFixture, settings: Any
) -> None:
    first: dict[int, bytes] = {}
    with another_process():
        for i, (query, extra) in enumerate(QUERIES):
            first[i] = await _ask(client, county, query, extra)
    stored = await _rows(county)
    # full (entries, provisions), aliased (entries, provisions), fragment (entries), the counts,
    # and the directive's with p false (the variable resolved: `entries { item { code } }`); with
    # p true the field carrying a directive is completed by graphql-core, not stored.
    assert len(stored) == 7 and {n for n, _, _ in stored} == {1}
    parts = sorted((await _selections(county)).values())
    assert parts == ["counts"] + ["entries"] * 4 + ["provisions"] * 2

    # A second app in a fresh process: the same bytes, from the stored renderings, equal to a
    # fresh rendering; FRAGMENT_INLINE is FRAGMENT's selection written differently.
    other_app = create_app(settings, manage_database=False)
    transport = httpx.ASGITransport(app=other_app)
    async with httpx.AsyncClient(transport=transport, base_url="http://qingdan.test") as second:
        with another_process():
            for i, (query, extra) in enumerate(QUERIES):
                again = await _ask(second, county, query, extra)
                assert again == first[i] == await _fresh(client, county, query, extra), query
            inline = await _ask(second, county, FRAGMENT_INLINE)
    assert inline == first[2]
    assert await _rows(county) == stored  # nothing rendered again: every rendering was read
    assert b'"__typename":"Entry"' in first[1] and b'"office":' in first[1] and b'"code":{"code":' in first[1]
    assert b'"post"' in first[3] and b'"post"' not in first[4]


async def test_a_stored_hit_reads_the_renderings_not_the_body(client: httpx.AsyncClient, county: TenantFixture) -> None:
    with another_process():
        expected = await _ask(client, county, GRAPHQL_QUERY)  # renders and stores
    with another_process():
        await _ask(client, county, ALIASED)  # this process has seen a selection (and read the body)
        await _ask(client, county, GRAPHQL_QUERY)  # its renderings, from PostgreSQL
        published_bodies.cache.clear()  # the list leaves this process (evicted, another worker)
        before = queries.count
        hit = await _ask(client, county, GRAPHQL_QUERY)
        statements = queries.count - before
        key = next(iter(published_bodies.cache._entries))
        kept = published_bodies.cache._entries[key]
    assert hit == expected
    # BEGIN+SET, the head, the stored renderings (both parts and the counts), COMMIT — REST's stored
    # read is the same four (the body instead of the renderings).
    assert statements == 4, statements
    # The body itself was not read: the renderings of both selections this process saw (two per
    # part) and the counts were.
    assert kept.json is None and len(kept.renderings) == 5


async def test_a_new_version_and_a_new_generation_replace_the_renderings(
    client: httpx.AsyncClient, county: TenantFixture
) -> None:
    with another_process():
        v1 = await _ask(client, county, GRAPHQL_QUERY)
    assert {n for n, _, _ in await _rows(county)} == {1}

    await _claim(client, county)
    await _publish_list(client, county, "2025-03-01")
    await settled()  # rendered right after the publication committed
    # Version 1's renderings went with its body; the publication rendered version 2 for the
    # selections the tenant used (entries, provisions, counts), before anyone read it.
    rows = await _rows(county)
    assert [n for n, _, _ in rows] == [2, 2, 2], rows
    with another_process():
        v2 = await _ask(client, county, GRAPHQL_QUERY)
    assert v2 == await _fresh(client, county, GRAPHQL_QUERY) and v2 != v1
    assert b'"CON-01"' in v2 and b'"CON-01"' not in v1
    assert await _rows(county) == rows  # read back, not rendered again

    # A unit's new name moves the generation: the stored renderings are stale, the next reader
    # renders and replaces them.
    await rename_a_unit(client, county)
    with another_process():
        after = await _ask(client, county, GRAPHQL_QUERY)
    assert after == await _fresh(client, county, GRAPHQL_QUERY)
    newer = await _rows(county)
    assert len(newer) == 3 and all(g > rows[0][2] for _, _, g in newer)


async def test_a_tenant_keeps_its_most_recent_selections_only(client: httpx.AsyncClient, county: TenantFixture) -> None:
    fields = ["post", "contact", "note", "origin", "justification"]
    with another_process():
        for field in fields:  # five entries selections, one after the other
            query = (
                "query($s: String!, $c: String!) { tenant(slug: $s) { publishedList(code: $c) {"
                f" entries {{ {field} }} }} }} }}"
            )
            await _ask(client, county, query)
    chosen = await _selections(county)
    assert sorted(chosen.values()) == ["counts"] + ["entries"] * renderings.RECENT_PER_PART
    first = renderings.digest(renderings.Shape("entries", (renderings.Field("post", "post", "String"),))).hex()
    assert first not in chosen  # the least recently used went, and its rendering with it
    assert first not in {s for _, s, _ in await _rows(county)}
    assert len(await _rows(county)) == renderings.RECENT_PER_PART + 1


async def test_another_tenant_cannot_read_a_rendering(
    client: httpx.AsyncClient, county: TenantFixture, other: TenantFixture
) -> None:
    await build_county(client, other)
    await add_items(client, other, DOMAIN, PATROL, PERMIT, RECOVERED)
    await publish(client, other)
    await _claim(client, county)
    await _publish_list(client, other, "2025-02-01")
    await _publish_list(client, county, "2025-03-01")  # version 2, holding the claim

    # The same township code and selection in two tenants: each its own rendering.
    with another_process():
        mine = await _ask(client, county, GRAPHQL_QUERY)
        theirs = await _ask(client, other, GRAPHQL_QUERY)
    with another_process():
        assert await _ask(client, other, GRAPHQL_QUERY) == theirs
        assert await _ask(client, county, GRAPHQL_QUERY) == mine
    assert b'"CON-01"' in mine and b'"CON-01"' not in theirs
    assert len(await _rows(county)) == 3 and len(await _rows(other)) == 3

    # The other tenant's key cannot reach the county's list through GraphQL.
    query = "query($s: String!, $c: String!) { tenant(slug: $s) { publishedList(code: $c) { version } } }"
    refused = await client.post(
        "/graphql", json={"query": query, "variables": {"s": county.slug, "c": LIUCHENG}}, headers=other.auth()
    )
    assert refused.status_code == 200 and refused.json()["data"]["tenant"] is None, refused.text

    # In SQL, under the other tenant's row-level security, the county's rows do not exist and
    # cannot be written.
    mine_id = (await find_tenant(county.slug)).id  # type: ignore[union-attr]
    theirs_id = (await find_tenant(other.slug)).id  # type: ignore[union-attr]
    async with tenant_transaction(theirs_id) as conn:
        for table in ("published_list_renderings", "rendering_selections"):
            assert await conn.fetchval(f"SELECT count(*) FROM {table} WHERE tenant_id = $1", mine_id) == 0
            assert await conn.fetchval(f"SELECT count(*) FROM {table}") > 0  # its own, visible
    for statement in (
        "INSERT INTO rendering_selections (tenant_id, selection, part, shape, last_used)"
        " VALUES ($1, '\\x00', 'counts', '\\x5b5d', now())",
        "INSERT INTO published_list_renderings (tenant_id, township_code, number, selection, generation, deflated)"
        " VALUES ($1, '510115001000', 1, '\\x00', 1, '\\x00')",
    ):
        with pytest.raises(Exception, match="belongs to another tenant"):  # the policy's refusal, translated
            async with tenant_transaction(theirs_id) as conn:
                await conn.execute(statement, mine_id)


def test_shapes_render_as_the_fields_say() -> None:
    class Item:
        def __init__(self, code: str, size: int | None) -> None:
            self.code, self.size = code, size

    shape = renderings.Shape(
        "entries",
        (
            renderings.Field("c", "code", "String"),
            renderings.Field("n", "size", "Int", nullable=True),
            renderings.Field("__typename", "", constant="Entry"),
        ),
    )
    renderings.check(shape)
    assert renderings.render(shape, [Item("a", 1), Item("b", None)]) == (
        b'[{"c":"a","n":1,"__typename":"Entry"},{"c":"b","n":null,"__typename":"Entry"}]'
    )
    assert renderings.render(shape, [Item("a", 2**40)]) is None  # beyond GraphQL's Int: not rendered
    assert renderings.digest(shape) == renderings.digest(renderings.Shape("entries", shape.fields))
    assert renderings.digest(shape) != renderings.digest(renderings.Shape("provisions", shape.fields))
    with pytest.raises(ValueError):
        renderings.check(renderings.Shape("entries", (renderings.Field("x", "x", "Date"),)))
    with pytest.raises(ValueError):
        renderings.check(renderings.Shape("history"))
    assert uuid.UUID(int=0) not in renderings._seen


async def test_a_bulk_publication_renders_ahead_what_the_tenant_reads(
    client: httpx.AsyncClient, county: TenantFixture
) -> None:
    with another_process():
        await _ask(client, county, ALIASED)  # the tenant's integrator polls with this query
    await _claim(client, county)
    submitted = await client.post(f"{county.base}/townships/{LIUCHENG}/list/submit", headers=county.auth())
    assert submitted.status_code == 200, submitted.text
    started = await client.post(
        f"{county.base}/list-publications", json={"effective_date": "2025-03-01"}, headers=county.auth()
    )
    assert started.status_code == 202, started.text
    await publication.wait_for_jobs()
    # Version 2 rendered for the aliased query's entries and provisions, and the counts, by the job.
    assert [n for n, _, _ in await _rows(county)] == [2, 2, 2]
    with another_process():
        first = await _ask(client, county, ALIASED)  # expects nothing yet: fetches each stored rendering
        published_bodies.cache.clear()
        before = queries.count
        answer = await _ask(client, county, ALIASED)  # expects them: fetched with the head
        assert queries.count - before == 4
    assert answer == first == await _fresh(client, county, ALIASED) and b'"CON-01"' in answer
    assert [n for n, _, _ in await _rows(county)] == [2, 2, 2]  # read, not rendered again
