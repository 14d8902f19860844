"""The legal library over GraphQL: documents, search, and the index from a law to items."""

from __future__ import annotations

import httpx

from tests.catalog_fixtures import DOMAIN, PATROL, add_items, build_county, publish
from tests.conftest import TenantFixture
from tests.test_graphql import gql

DOCS = """query($s: String!, $q: String) { tenant(slug: $s) { legalDocuments(q: $q, first: 5) {
  items { id title level levelLabel status versionCount shared } } } }"""
INDEX = """query($s: String!, $id: ID!, $p: String) { tenant(slug: $s) { legalDocument(id: $id) {
  title citations(provision: $p) { provision catalog { version items { code citations { label } } } } } } }"""
SEARCH = """query($s: String!, $q: String!) { tenant(slug: $s) { legalProvisions(q: $q, first: 3) {
  items { documentTitle label text } } } }"""


async def test_from_a_law_to_the_items_resting_on_it(
    client: httpx.AsyncClient, tenant: TenantFixture, other: TenantFixture
) -> None:
    await build_county(client, tenant)
    await add_items(client, tenant, DOMAIN, PATROL)
    await publish(client, tenant)

    docs = await gql(client, tenant.reader, DOCS, s=tenant.slug, q="安全生产法")
    law = next(d for d in docs["tenant"]["legalDocuments"]["items"] if d["title"] == "中华人民共和国安全生产法")
    assert law["shared"] and law["level"] and law["versionCount"] >= 1

    index = await gql(client, tenant.reader, INDEX, s=tenant.slug, id=law["id"], p="9")
    found = index["tenant"]["legalDocument"]["citations"]
    assert found["provision"] == "第九条"
    assert [(c["version"], [i["code"] for i in c["items"]]) for c in found["catalog"]] == [(1, ["SAF-01"])]

    # The national law is visible to another tenant, but none of this tenant's items are.
    theirs = await gql(client, other.reader, INDEX, s=other.slug, id=law["id"], p="9")
    assert theirs["tenant"]["legalDocument"]["citations"]["catalog"] == []
    assert (await gql(client, other.reader, INDEX, s=tenant.slug, id=law["id"], p="9")) == {"tenant": None}

    traditional = await gql(client, tenant.reader, SEARCH, s=tenant.slug, q="安全生產")
    assert traditional["tenant"]["legalProvisions"]["items"], traditional
    missing = await gql(client, tenant.reader, INDEX, s=tenant.slug, id="00000000-0000-0000-0000-000000000001", p=None)
    assert missing["tenant"]["legalDocument"] is None
