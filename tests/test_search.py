"""Keyword search over published lists and the catalog: scripts, bigrams, ranking, filters,
bad input, tenant isolation, GraphQL."""

from __future__ import annotations

import re
from typing import Any

import httpx
import pytest

from core.platform import db
from core.platform.db import platform_transaction, tenant_transaction
from core.publication import queries as search_queries
from core.publication import search
from core.publication.search import document_vector, posting_keys, query_text
from core.security.tenancy import find_tenant
from tests.catalog_fixtures import add_items, publish, redescribe
from tests.conftest import TenantFixture, issue_key
from tests.portal_fixtures import GONGPING, LIUCHENG, TIANFU, publish_list, published_county
from tests.test_graphql import gql, post


@pytest.fixture
async def county(client: httpx.AsyncClient, tenant: TenantFixture) -> TenantFixture:
    return await published_county(client, tenant)


async def find(client: httpx.AsyncClient, t: TenantFixture, key: str | None = None, **params: Any) -> dict[str, Any]:
    response = await client.get(f"{t.base}/search", params=params, headers=t.auth(key or t.reader))
    assert response.status_code == 200, response.text
    await db.settled()  # its COMMIT follows the answer: counted before the next search's
    return response.json()


def hits(body: dict[str, Any]) -> list[tuple[str | None, str]]:
    return [(h["township_code"], h["item_code"]) for h in body["items"]]


def test_tokens_and_queries() -> None:
    vector = document_vector([("A", "鄉鎮消防"), ("B", "GB 50016")])
    assert "'乡镇':1A" in vector and "'消防':3A" in vector and "'防':4A" in vector  # simplified, with positions
    assert "'gb':" in vector and "'50016':" in vector
    assert query_text("消防安全") == "('消防' <-> '防安' <-> '安全')"
    assert query_text("鎮") == "'镇':*"
    assert query_text("消防 ＧＢ") == "('消防') & 'gb':*"  # full-width letters are folded (NFKC)


async def test_simplified_and_traditional_find_each_other(client: httpx.AsyncClient, county: TenantFixture) -> None:
    # The item is written in traditional characters (鄉鎮消防安全檢查).
    for q in ("镇", "乡镇", "检查", "消防安全检查", "鎮", "檢查"):
        body = await find(client, county, q=q)
        assert (LIUCHENG, "SAF-03") in hits(body), (q, body)
    # …and a traditional query finds text written in simplified characters.
    body = await find(client, county, q="應急演練")
    assert {code for _, code in hits(body)} == {"SAF-04"}
    hit = body["items"][0]
    assert hit["title"] == "应急演练组织" and hit["township_name"] in ("柳城街道", "公平街道")
    assert hit["portal_path"] == f"/portal/{county.slug}/townships/{hit['township_code']}/items/SAF-04"


async def test_two_character_terms_and_ranking(client: httpx.AsyncClient, county: TenantFixture) -> None:
    fire = await find(client, county, q="消防")
    codes = [code for _, code in hits(fire)]
    # Title hits (weight A) before description hits; each in both published townships.
    assert codes == ["SAF-03", "SAF-03", "SAF-04", "SAF-04"], fire
    ranks = [h["rank"] for h in fire["items"]]
    assert ranks == sorted(ranks, reverse=True) and ranks[0] > ranks[-1]
    relief = await find(client, county, q="低保")
    assert {code for _, code in hits(relief)} == {"CON-02"}
    # The phrase must be contiguous: 消安 is nowhere, though 消 and 安 are.
    assert (await find(client, county, q="消安"))["items"] == []
    # Several words: all must match.
    assert {c for _, c in hits(await find(client, county, q="消防 演练"))} == {"SAF-04"}


async def test_filters_scope_and_paging(client: httpx.AsyncClient, county: TenantFixture) -> None:
    assert {c for _, c in hits(await find(client, county, q="低保", kind="cooperating"))} == {"CON-02"}
    assert (await find(client, county, q="低保", kind="basic"))["items"] == []
    assert {c for _, c in hits(await find(client, county, q="消防", category="safety"))} == {"SAF-03", "SAF-04"}
    assert (await find(client, county, q="消防", category="construction"))["items"] == []
    one = await find(client, county, q="消防", township=GONGPING)
    assert hits(one) == [(GONGPING, "SAF-03"), (GONGPING, "SAF-04")]
    # The unpublished 天府街道 list is not searched; its township filter finds nothing.
    assert (await find(client, county, q="消防", township=TIANFU))["items"] == []
    catalog = await find(client, county, q="消防", scope="catalog")
    assert hits(catalog) == [(None, "SAF-03"), (None, "SAF-04")]
    first = await find(client, county, q="消防", limit=3)
    assert len(first["items"]) == 3 and first["next_cursor"]
    rest = await find(client, county, q="消防", limit=3, cursor=first["next_cursor"])
    assert len(rest["items"]) == 1 and rest["next_cursor"] is None
    assert hits(first) + hits(rest) == hits(await find(client, county, q="消防"))


async def test_only_published_content_is_found(client: httpx.AsyncClient, county: TenantFixture) -> None:
    draft = {"code": "SAF-09", "title": "消防车通道巡查", "level": "item", "parent_code": "SAF", "kinds": ["basic"]}
    await add_items(client, county, {**draft, "adjustment": {"reason_kind": "other", "reason": "新增"}})
    assert "SAF-09" not in {c for _, c in hits(await find(client, county, q="消防车", scope="catalog"))}
    await publish(client, county, "2025-03-01")  # catalog published: the lists' working copies follow…
    assert {c for _, c in hits(await find(client, county, q="消防车", scope="catalog"))} == {"SAF-09"}
    # …but no township has published the new item yet.
    assert (await find(client, county, q="消防车"))["items"] == []


@pytest.mark.parametrize("q", ["？！。，", "...", "   ", "《》、——", "★☆"])
async def test_punctuation_only_is_a_422_naming_q(client: httpx.AsyncClient, county: TenantFixture, q: str) -> None:
    response = await client.get(f"{county.base}/search", params={"q": q}, headers=county.auth(county.reader))
    assert response.status_code == 422, response.text
    body = response.json()
    assert body["errors"][0]["field"] == "q" and "punctuation" in body["detail"]


async def test_bad_parameters(client: httpx.AsyncClient, county: TenantFixture) -> None:
    base, auth = f"{county.base}/search", county.auth(county.reader)
    assert (await client.get(base, headers=auth)).status_code == 400  # q is required
    assert (await client.get(base, params={"q": "消" * 101}, headers=auth)).status_code == 400
    scope = await client.get(base, params={"q": "消防", "scope": "all"}, headers=auth)
    assert scope.status_code == 400 and "scope" in scope.text
    both = await client.get(base, params={"q": "消防", "scope": "catalog", "township": LIUCHENG}, headers=auth)
    assert both.status_code == 422 and both.json()["errors"][0]["field"] == "township"
    assert (await client.get(base, params={"q": "消防", "cursor": "!!"}, headers=auth)).status_code in (400, 422)
    assert (await client.get(base, params={"q": "消防", "limit": 0}, headers=auth)).status_code == 400
    unknown = await client.get(base, params={"q": "消防", "township": "510115999000"}, headers=auth)
    assert unknown.status_code == 404


async def test_every_role_reads_and_statements_are_constant(client: httpx.AsyncClient, county: TenantFixture) -> None:
    township = await issue_key(county, client, "township", LIUCHENG)
    for key in (county.admin, county.reader, township):
        assert (LIUCHENG, "SAF-03") in hits(await find(client, county, key, q="消防"))
    assert (await client.get(f"{county.base}/search", params={"q": "消防"})).status_code == 401
    await find(client, county, q="消防")  # warm the key cache
    before = db.queries.count
    await find(client, county, q="消防")
    small = db.queries.count - before
    before = db.queries.count
    await find(client, county, q="消防", township=LIUCHENG, kind="basic", category="safety")
    assert small <= 4 and db.queries.count - before <= small + 1


async def test_tenant_isolation(
    client: httpx.AsyncClient, county: TenantFixture, other: TenantFixture, make_tenant: Any
) -> None:
    # Another tenant's key gets 404 on this tenant's search…
    response = await client.get(f"{county.base}/search", params={"q": "消防"}, headers=other.auth(other.reader))
    assert response.status_code == 404
    # …and searching its own (identical) data never returns this tenant's rows.
    await published_county(client, other)
    ours, theirs = await find(client, county, q="消防"), await find(client, other, q="消防")
    assert hits(ours) == hits(theirs)  # same codes, same townships…
    assert all(h["portal_path"].startswith(f"/portal/{other.slug}/") for h in theirs["items"])  # …its own rows
    empty = await make_tenant()
    assert (await find(client, empty, q="消防"))["items"] == []


SEARCH = """query($s: String!, $q: String!, $kind: String) { tenant(slug: $s) {
  search(q: $q, kind: $kind, first: 10) { items { itemCode title townshipCode townshipName rank portalPath }
  nextCursor } } }"""


async def test_graphql_search(client: httpx.AsyncClient, county: TenantFixture) -> None:
    data = await gql(client, county.reader, SEARCH, s=county.slug, q="鎮", kind="basic")
    items = data["tenant"]["search"]["items"]
    assert {(i["townshipCode"], i["itemCode"]) for i in items} == {(LIUCHENG, "SAF-03"), (GONGPING, "SAF-03")}
    rest = await find(client, county, q="鎮", kind="basic")
    assert [i["itemCode"] for i in items] == [h["item_code"] for h in rest["items"]]
    bad = await post(client, county.reader, SEARCH, s=county.slug, q="！？", kind=None)
    assert "punctuation" in " ".join(e["message"] for e in bad.json()["errors"])


def test_posting_keys() -> None:
    keys = posting_keys(search._terms("鎮"))  # one character: every lexeme starting with it
    assert (keys.lo, keys.hi, keys.exact) == (["镇"], ["镇\U0010ffff"], True)
    assert posting_keys([["消防"]]).args() == ([0], [0], ["消防"], ["消防"], True)
    phrase = posting_keys([["消防安全"]])  # three bigrams, all required: @@ checks adjacency
    assert phrase.lo == phrase.hi == ["消防", "防安", "安全"] and not phrase.exact
    relief = posting_keys([["低保", "最低生活保障"]])  # a word and its lexicon reading: alternatives
    assert relief.alternative == [0, 1, 1, 1, 1, 1] and relief.lo[:2] == ["低保", "最低"] and not relief.exact
    words = posting_keys(search._in_catalog(search._terms("消防 GB"), None))  # two terms: @@ checks the other
    assert words.term == [0, 1] and words.hi[1] == "gb\U0010ffff" and not words.exact


async def _tenant_id(t: TenantFixture) -> Any:
    found = await find_tenant(t.slug)
    assert found is not None
    return found.id


async def test_postings_list_exactly_the_documents_lexemes(client: httpx.AsyncClient, county: TenantFixture) -> None:
    """Publishing keeps the inverted index equal to the documents' lexemes — also after a new
    catalog version re-indexes a changed item (its new document is appended)."""
    await redescribe(client, county, "SAF-04", "每年组织一次森林防火应急演练", "演练内容调整")
    await publish(client, county, "2025-03-01")
    tenant_id = await _tenant_id(county)
    async with tenant_transaction(tenant_id) as conn:
        expected = await conn.fetch(
            "SELECT l AS lexeme, array_agg(d.id ORDER BY d.id) AS documents FROM search_documents d,"
            ' unnest(tsvector_to_array(d.document)) l WHERE d.tenant_id = $1 GROUP BY l ORDER BY l COLLATE "C"',
            tenant_id,
        )
        stored = await conn.fetch(
            "SELECT lexeme, documents, n FROM search_postings WHERE tenant_id = $1 ORDER BY lexeme", tenant_id
        )
        versions = await conn.fetchval(
            "SELECT count(*) FROM search_documents WHERE tenant_id = $1 AND item_code = 'SAF-04'", tenant_id
        )
    assert versions == 2 and len(expected) > 20
    assert [(r["lexeme"], sorted(r["documents"]), r["n"]) for r in stored] == [
        (r["lexeme"], r["documents"], len(r["documents"])) for r in expected
    ]
    assert {c for _, c in hits(await find(client, county, q="森林防火", scope="catalog"))} == {"SAF-04"}
    # Each posting's rank is ts_rank of the document for that lexeme alone (computed in Python).
    async with tenant_transaction(tenant_id) as conn:
        differ = await conn.fetch(
            "SELECT p.lexeme, x.rank, ts_rank(d.document, quote_literal(p.lexeme)::tsquery) AS ts_rank"
            " FROM search_postings p CROSS JOIN LATERAL unnest(p.documents, p.ranks) AS x(id, rank)"
            " JOIN search_documents d ON d.tenant_id = p.tenant_id AND d.id = x.id"
            " WHERE p.tenant_id = $1 AND x.rank <> ts_rank(d.document, quote_literal(p.lexeme)::tsquery)",
            tenant_id,
        )
    assert differ == []


async def test_postings_are_tenant_isolated(
    client: httpx.AsyncClient, county: TenantFixture, other: TenantFixture
) -> None:
    await published_county(client, other)
    ours, theirs = await _tenant_id(county), await _tenant_id(other)
    async with tenant_transaction(ours) as conn:
        # No WHERE tenant_id: the policy alone hides the other tenant's (identical) postings…
        seen = await conn.fetch("SELECT DISTINCT tenant_id FROM search_postings")
        assert [r["tenant_id"] for r in seen] == [ours]
        assert await conn.fetchval("SELECT count(*) FROM search_postings WHERE tenant_id = $1", theirs) == 0
    async with platform_transaction() as conn:
        their_ids = await conn.fetchval("SELECT array_agg(id) FROM search_documents WHERE tenant_id = $1", theirs)
    async with tenant_transaction(ours) as conn:
        # …their documents cannot be reached by id either…
        assert await conn.fetchval("SELECT count(*) FROM search_documents WHERE id = ANY($1)", their_ids) == 0
        # …and writing a posting in their name is refused.
        with pytest.raises(Exception, match="row-level security"):
            await conn.execute(
                "INSERT INTO search_postings (tenant_id, lexeme, documents, n) VALUES ($1, '消防', '{1}', 1)", theirs
            )


async def test_search_uses_the_postings_index_under_row_level_security(county: TenantFixture) -> None:
    """As the application role with the policies forced, the statement finds candidates
    through the btree on (tenant_id, lexeme) and reads documents by id; ``@@`` on the GIN
    index is never an option there (it is not LEAKPROOF). Sequential scans are switched off
    so that only what is impossible (not what is dearer on tiny tables) shows as one."""
    tenant_id = await _tenant_id(county)

    def lists_args(township: str | None) -> tuple[Any, ...]:  # bound, best, township range
        return (51, 51, *((township, township) if township else search.ALL_TOWNSHIPS))

    async with tenant_transaction(tenant_id) as conn:
        await conn.execute("SET LOCAL enable_seqscan = off")
        for q, statement, township in (
            ("消防安全", search_queries._SEARCH_LISTS, None),
            ("镇", search_queries._SEARCH_LISTS, "510115001000"),
            ("低保", search_queries._SEARCH_CATALOG, None),
        ):
            terms = search._terms(q)
            rows = await conn.fetch(
                "EXPLAIN " + statement,
                tenant_id,
                search._tsquery(terms),
                None,
                None,
                township,
                0,
                51,
                *posting_keys(terms).args(),
                *(lists_args(township) if statement is search_queries._SEARCH_LISTS else (None,)),
            )
            # On Citus the plan is the worker's, of shards named <table>_<shard id>.
            plan = re.sub(r"_[0-9]{6,}\b", "", "\n".join(r[0] for r in rows))
            assert "Index Scan using search_postings_pkey on search_postings" in plan, plan
            assert "(lexeme >= " in plan and "(lexeme <= " in plan, plan
            assert "(id = ANY " in plan, plan  # only the candidates are checked and ranked
            assert "Seq Scan on search_documents" not in plan and "Seq Scan on search_postings" not in plan, plan
            if township:  # the township is an index condition on the entries, not a filter
                assert "township_code >= " in plan and "Filter: ((township_code" not in plan, plan
        # Candidates can be read by id through the index. (Inside the statement the planner
        # may rather walk a tiny tenant's key — the suite makes many tenants of a few documents
        # each — so this is shown on the lookup alone; ordering by id with sorts off leaves
        # the (tenant_id, id) index as the only sensible path, and the question is whether
        # ``id = ANY`` is its condition or only a filter.)
        await conn.execute("SET LOCAL enable_sort = off")
        rows = await conn.fetch(
            "EXPLAIN SELECT item_code FROM search_documents WHERE tenant_id = $1 AND id = ANY($2::integer[])"
            " ORDER BY id",
            tenant_id,
            [1, 2],
        )
        by_id = re.sub(r"_[0-9]{6,}\b", "", "\n".join(r[0] for r in rows))  # Citus: shard names
        assert "using search_documents_id on search_documents" in by_id and "(id = ANY " in by_id, by_id
        assert "Filter: (id = ANY" not in by_id, by_id
        # The premise: @@ alone is only a filter below the policy (which is why the GIN index
        # that used to be there was dropped: the application role could never use it).
        rows = await conn.fetch(
            "EXPLAIN SELECT item_code FROM search_documents WHERE tenant_id = $1 AND document @@ $2::tsquery",
            tenant_id,
            "'消防'",
        )
        premise = "\n".join(r[0] for r in rows)
        assert "search_documents_document" not in premise and "Filter: (document @@ " in premise, premise


async def test_unlisted_documents_do_not_shorten_a_page(client: httpx.AsyncClient, county: TenantFixture) -> None:
    """A page keeps only offset + limit + 1 ranked documents; when top-ranked ones are on no
    published list (here: new catalog items no township has published yet), the search asks
    again without that bound, so the page is still full and in order."""
    adjustment = {"reason_kind": "other", "reason": "新增"}
    loud = [
        {"code": f"SAF-1{n}", "title": f"消防检查消防宣传消防演练{n}", "level": "item", "parent_code": "SAF",
         "kinds": ["basic"], "description": "消防设施消防通道消防器材", "adjustment": adjustment}
        for n in (1, 2)
    ]  # fmt: skip
    await add_items(client, county, *loud)
    await publish(client, county, "2025-03-01")
    catalog = await find(client, county, q="消防", scope="catalog")
    assert [c for _, c in hits(catalog)][:2] == ["SAF-11", "SAF-12"]  # they do rank first…
    await find(client, county, q="消防", limit=1, category="safety")  # warm the key cache
    before = db.queries.count
    await find(client, county, q="消防安全", limit=1)  # SAF-03 first: one search statement
    plain = db.queries.count - before
    before = db.queries.count
    first = await find(client, county, q="消防", limit=1)  # …so the 2 kept documents have no entries
    assert db.queries.count - before == plain + 1  # asked again without the bound
    assert hits(first) == [(LIUCHENG, "SAF-03")] and first["next_cursor"]
    rest = await find(client, county, q="消防", limit=2, cursor=first["next_cursor"])
    assert hits(rest) == [(GONGPING, "SAF-03"), (LIUCHENG, "SAF-04")] and rest["next_cursor"]
    assert [c for _, c in hits(await find(client, county, q="消防"))] == ["SAF-03", "SAF-03", "SAF-04", "SAF-04"]


async def test_one_lexeme_reads_only_the_best_ranked(client: httpx.AsyncClient, county: TenantFixture) -> None:
    """A one-lexeme query keeps only the documents whose posting rank reaches the k-th best
    (k = offset + limit + 1) when there are many more; pages still come in the same order."""
    adjustment = {"reason_kind": "other", "reason": "新增"}
    fields = ("title", "description", "process")
    patrols = [
        {"code": f"SAF-{20 + n}", "title": f"安全{n:02d}", "level": "item", "parent_code": "SAF",
         "kinds": ["basic"], "adjustment": adjustment, fields[n % 3]: f"{'巡查' * (1 + n % 2)}台账{n:02d}"}
        for n in range(24)
    ]  # fmt: skip
    await add_items(client, county, *patrols)
    await publish(client, county, "2025-03-01")
    await publish_list(client, county, LIUCHENG, "2025-03-01")
    tenant_id = await _tenant_id(county)
    async with tenant_transaction(tenant_id) as conn:
        n = await conn.fetchval("SELECT n FROM search_postings WHERE tenant_id = $1 AND lexeme = '巡查'", tenant_id)
    assert n > 8 * 2  # limit 1: k = 2, so the cut applies
    everything = await find(client, county, q="巡查", limit=100)
    assert len(everything["items"]) > 24 and everything["next_cursor"] is None
    ranks = [h["rank"] for h in everything["items"]]
    assert ranks == sorted(ranks, reverse=True) and len(set(ranks)) > 2
    for limit in (1, 2, 5):
        paged, cursor = [], None
        while True:
            page = await find(client, county, q="巡查", limit=limit, **({"cursor": cursor} if cursor else {}))
            paged += page["items"]
            if not (cursor := page["next_cursor"]):
                break
        assert paged == everything["items"], limit
