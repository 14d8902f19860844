"""One understanding for the lookup and the three searches (issue 18 item 5): REST search,
GraphQL search and the portal read a query as the lookup reads an appeal — words, not
characters; the domain lexicon both ways; sound-alike typos — and the grouped search gives each
item once with the townships holding it and a total. On Wenjiang's demo data (nine streets and
towns, every list published), as ``qingdan demo`` leaves it."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from core.publication import search
from core.security.access import Principal, Role
from tests.conftest import TenantFixture
from tests.demo_fixtures import published_counties
from tests.test_graphql import gql

PLATFORM = Principal(key_id=None, role=Role.PLATFORM, tenant_id=None, name="search understanding tests")
LOW_INCOME = {"WJ-M03-T06-W09", "WJ-M03-T06-W09-S05"}  # 最低生活保障… on Wenjiang's list


@pytest.fixture(scope="module")
async def demo(database_url: str) -> dict[str, TenantFixture]:
    return await published_counties("su", ("wenjiang", "longsha"))


async def items(client: httpx.AsyncClient, t: TenantFixture, status: int = 200, **params: Any) -> Any:
    response = await client.get(f"{t.base}/search/items", params=params, headers=t.auth())
    assert response.status_code == status, response.text
    return response.json()


def codes(body: dict[str, Any]) -> list[str]:
    return [h["item_code"] for h in body["items"]]


async def test_a_question_finds_its_word(client: httpx.AsyncClient, demo: dict[str, TenantFixture]) -> None:
    # 怎么 is a filler; 低保 is read as 最低生活保障, which the list says
    body = await items(client, demo["wenjiang"], q="低保怎么申请")
    assert LOW_INCOME & set(codes(body)) and body["total"] == len(codes(body))
    # …and the other way round: Longsha's list says 低保 where the query says the official term
    longsha = await items(client, demo["longsha"], q="最低生活保障")
    assert {"LS-C-008-T1", "LS-C-008-T2"} <= set(codes(longsha))


@pytest.mark.parametrize(
    ("q", "expected"),
    [
        ("违建", "WJ-M04-T09-W18"),  # 违建 ↔ 违法建设
        ("秸秆焚烧", "WJ-M04-T09-W17-P07"),  # the list says 焚烧秸秆: word order does not matter
        ("森林放火", "WJ-M06-T16-W29-R25"),  # a typo read by its sound: 放火 → 防火
        ("流浪狗", "WJ-M06-T17-W31"),  # 流浪狗 → 流浪犬
    ],
)
async def test_the_issues_queries(
    client: httpx.AsyncClient, demo: dict[str, TenantFixture], q: str, expected: str
) -> None:
    body = await items(client, demo["wenjiang"], q=q)
    assert expected in codes(body), (q, body["query"], codes(body))


async def test_grouped_by_item_with_its_townships_and_a_total(
    client: httpx.AsyncClient, demo: dict[str, TenantFixture]
) -> None:
    wenjiang = demo["wenjiang"]
    body = await items(client, wenjiang, q="流浪狗")
    assert len(codes(body)) == len(set(codes(body)))  # each item once
    top = next(h for h in body["items"] if h["item_code"] == "WJ-M06-T17-W31")
    assert len(top["townships"]) == 9  # every street and town holds it
    assert top["townships"][0] == {
        "code": "510115001000",
        "name": "柳城街道",
        "portal_path": f"/portal/{wenjiang.slug}/townships/510115001000/items/WJ-M06-T17-W31",
    }
    # paging goes over items, and the total stays
    first = await items(client, wenjiang, q="流浪狗", limit=1)
    rest = await items(client, wenjiang, q="流浪狗", limit=50, cursor=first["next_cursor"])
    assert first["total"] == rest["total"] == body["total"] and codes(first) + codes(rest) == codes(body)
    # one township only
    one = await items(client, wenjiang, q="流浪狗", township="510115105000")
    assert all([t["code"] for t in h["townships"]] == ["510115105000"] for h in one["items"])


@pytest.mark.parametrize("q", ["检查", "安全生产"])  # one lexeme (ranked by its postings); a phrase (ts_rank)
async def test_grouped_ranks_and_total_are_those_of_the_entries(
    client: httpx.AsyncClient, demo: dict[str, TenantFixture], q: str
) -> None:
    wenjiang = demo["wenjiang"]
    grouped = await items(client, wenjiang, q=q, limit=100)
    entries: dict[str, float] = {}
    cursor = None
    while True:  # every entry hit, each with the document's ts_rank
        params = {"q": q, "limit": 100, **({"cursor": cursor} if cursor else {})}
        page = await client.get(f"{wenjiang.base}/search", params=params, headers=wenjiang.auth())
        assert page.status_code == 200, page.text
        for hit in page.json()["items"]:
            entries[hit["item_code"]] = hit["rank"]
        cursor = page.json()["next_cursor"]
        if not cursor:
            break
    assert len(entries) > 3 and grouped["total"] == len(entries) == len(codes(grouped))
    assert {h["item_code"]: h["rank"] for h in grouped["items"]} == entries
    ranks = [h["rank"] for h in grouped["items"]]  # best first (ties by code, on unrounded ranks)
    assert ranks == sorted(ranks, reverse=True)


async def test_rest_graphql_and_portal_agree(client: httpx.AsyncClient, demo: dict[str, TenantFixture]) -> None:
    wenjiang = demo["wenjiang"]
    rest = await items(client, wenjiang, q="低保怎么申请")
    query = """query($s: String!, $q: String!) { tenant(slug: $s) { searchItems(q: $q) {
        total query items { itemCode townships { code name portalPath } } } } }"""
    data = await gql(client, wenjiang.reader, query, s=wenjiang.slug, q="低保怎么申请")
    found = data["tenant"]["searchItems"]
    assert [i["itemCode"] for i in found["items"]] == codes(rest) and found["total"] == rest["total"]
    assert found["query"] == rest["query"]
    html = (await client.get(f"/portal/{wenjiang.slug}/search", params={"q": "低保怎么申请"})).text
    assert f"共找到 {rest['total']} 项事项" in html
    assert html.count("最低生活保障申请受理和调查审核") == 1  # once, with its townships
    assert "9 个乡镇(街道)" in html
    dogs = (await client.get(f"/portal/{wenjiang.slug}/search", params={"q": "流浪狗"})).text
    assert "流浪犬、猫控制处置" in dogs
    # the per-entry search reads the query the same way
    entries = await client.get(f"{wenjiang.base}/search", params={"q": "低保怎么申请"}, headers=wenjiang.auth())
    assert entries.json()["query"] == rest["query"]
    assert LOW_INCOME & {h["item_code"] for h in entries.json()["items"]}


async def test_bad_input_and_other_tenants(client: httpx.AsyncClient, demo: dict[str, TenantFixture]) -> None:
    wenjiang, longsha = demo["wenjiang"], demo["longsha"]
    bad = await items(client, wenjiang, 422, q="？！")
    assert bad["errors"][0]["field"] == "q"
    assert (await items(client, wenjiang, 404, q="低保", township="999999999999"))["status"] == 404
    # another tenant's key: 404, nothing of the tenant shown
    response = await client.get(f"{wenjiang.base}/search/items", params={"q": "低保"}, headers=longsha.auth())
    assert response.status_code == 404


def test_terms_are_words_with_their_readings() -> None:
    assert search._terms("低保怎么申请")[1] == ["申请"]  # 怎么 dropped
    assert search._terms("低保怎么申请")[0][:2] == ["低保", "最低生活保障"]
    assert [t[0] for t in search._terms("秸秆焚烧")] == ["秸秆", "焚烧"]
    assert search._terms("鎮") == [["镇"]]  # one character: searched as typed
