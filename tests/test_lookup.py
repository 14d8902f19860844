"""Responsibility lookup: REST and GraphQL, routing rules, bad input, isolation, accuracy.

Three plugin tenants (and two more for the accuracy set) are provisioned once for the
module and every township list is taken to publication, as ``qingdan demo`` does.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
import pytest
import yaml

from api.demo import publish_township_lists
from core.jurisdictions import units
from core.platform import db
from core.platform.db import tenant_transaction
from core.platform.errors import ValidationFailed
from core.publication import lookup, words
from core.security.access import Principal, Role
from tenants.access import open_access
from tests.conftest import TenantFixture, issue_key
from tests.demo_fixtures import published_counties

PLATFORM = Principal(key_id=None, role=Role.PLATFORM, tenant_id=None, name="lookup tests")
PLUGINS = ("wenjiang", "taian", "dongshan", "longsha", "lanshan")
APPEALS = yaml.safe_load((Path(__file__).parent / "data" / "appeals.yaml").read_text(encoding="utf-8"))

LIUCHENG, HEPING, GRID1, XINGFU = "510115001000", "510115001001", "510115001001001", "510115105201"
TONGLING = "350626106000"


@pytest.fixture(scope="module")
async def demo(database_url: str) -> dict[str, TenantFixture]:
    """One tenant per plugin with every township list published."""
    return await published_counties("lk", PLUGINS, admin=True)


async def post(client: httpx.AsyncClient, t: TenantFixture, body: dict[str, Any], key: str | None = None) -> Any:
    return await client.post(f"{t.base}/lookup", json=body, headers=t.auth(key or t.reader))


# --- routing -------------------------------------------------------------------------------


async def test_a_street_stall_appeal_routes_to_the_district_enforcement_bureau(
    client: httpx.AsyncClient, demo: dict[str, TenantFixture]
) -> None:
    taian = demo["taian"]
    r = await post(client, taian, {"text": "小区门口占道经营的摊贩太多了，晚上很吵", "village": "370902001001"})
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["township"] == {"code": "370902001000", "name": "岱庙街道"}
    assert body["items"][0]["code"] == "TA-ZF-001"
    assert body["routed_to"] == "department"
    primary, cooperating = body["units"][0], body["units"][1]
    # the list names the city bureau; in a township of 泰山区 the district's bureau answers
    assert (primary["code"], primary["role"], primary["name"]) == (
        "taishan-enforcement-bureau",
        "primary",
        "泰山区综合行政执法局",
    )
    assert primary["listed_as"] == "enforcement-bureau" and "对应部门" in primary["reason"]
    assert primary["duty"]
    assert (cooperating["code"], cooperating["kind"]) == ("370902001000", "township")
    assert cooperating["role"] == "cooperating"
    assert body["score"] > 0 and 0 < body["confidence"] <= 1
    assert body["list_version"] == 1
    assert "占道" in body["items"][0]["matched_terms"]


async def test_a_recovered_item_routes_to_the_receiving_department(
    client: httpx.AsyncClient, demo: dict[str, TenantFixture]
) -> None:
    dongshan = demo["dongshan"]
    r = await post(client, dongshan, {"text": "马銮村有人没有采矿证就在山上开采石头", "village": "350626102201"})
    assert r.status_code == 200, r.text
    body = r.json()
    top = body["items"][0]
    assert top["code"] == "DS-R-001" and top["list_kind"] == "recovered"
    assert top["recovery"]["receiving_unit"] == "natural-resources-bureau"
    assert body["routed_to"] == "department"
    assert body["units"][0]["code"] == "natural-resources-bureau" and body["units"][0]["role"] == "primary"
    assert body["units"][0]["duty"] == top["recovery"]["working_method"]
    # the township is never primary for an item the county took back
    assert all(u["role"] == "cooperating" for u in body["units"] if u["kind"] == "township")


async def test_a_basic_item_routes_to_the_township_with_its_office(
    client: httpx.AsyncClient, demo: dict[str, TenantFixture]
) -> None:
    wenjiang = demo["wenjiang"]
    r = await post(client, wenjiang, {"text": "家里生活困难想申请低保，找谁办", "grid": GRID1})
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["township"]["code"] == LIUCHENG
    assert body["routed_to"] == "township"
    assert body["units"][0] == {
        "code": LIUCHENG,
        "name": "柳城街道",
        "kind": "township",
        "role": "primary",
        "duty": body["units"][0]["duty"],
        "item_code": body["items"][0]["code"],
        "office": "",
        "post": "",
        "contact": "",
        "agency_code": None,
        "agency_name": None,
        "leader": "",
        "a_post": "",
        "b_post": "",
        "listed_as": None,
        "reason": "主体责任：清单将本事项列为基本履职事项，由乡镇（街道）牵头负责",
    }
    assert body["items"][0]["code"].startswith("WJ-M03-T06-W09")


async def test_a_department_comes_with_its_agency_in_the_township(
    client: httpx.AsyncClient, demo: dict[str, TenantFixture]
) -> None:
    dongshan = demo["dongshan"]
    r = await post(client, dongshan, {"text": "这家小饭馆没有食品经营许可证还在营业", "township": TONGLING})
    body = r.json()
    market = next(u for u in body["units"] if u["code"] == "market-regulation-bureau")
    assert (market["agency_code"], market["agency_name"]) == ("tongling-market-office", "铜陵市场监督管理所")


async def test_without_a_place_no_township_is_invented(
    client: httpx.AsyncClient, demo: dict[str, TenantFixture]
) -> None:
    wenjiang = demo["wenjiang"]
    r = await post(client, wenjiang, {"text": "流浪狗太多了", "limit": 2})
    assert r.status_code == 200, r.text
    body = r.json()
    # every street has this item; none is named, so none is chosen: they are the candidates
    assert body["township"] is None and body["list_version"] is None
    assert body["place"]["source"] == "none" and body["place"]["township"] is None
    assert len(body["candidate_townships"]) == 9
    assert all("流浪犬" in c["reason"] for c in body["candidate_townships"])
    assert len(body["items"]) <= 2
    assert body["items"][0]["code"] in {"WJ-M06-T17-W31-R27", "WJ-M06-T17-W31"}
    township = next(u for u in body["units"] if u["kind"] == "township")
    assert township["code"] == "township" and "事发地" in township["name"]


async def test_a_plugin_adds_local_wording(client: httpx.AsyncClient, demo: dict[str, TenantFixture]) -> None:
    # 鲍鱼池 (abalone ponds) is Dongshan's word; its plugin maps it to the list's 海水养殖
    dongshan = demo["dongshan"]
    r = await post(client, dongshan, {"text": "港湾里的鲍鱼池越挖越多", "township": TONGLING})
    assert r.status_code == 200, r.text
    assert r.json()["items"][0]["code"] == "DS-C-006"
    assert r.json()["units"][0]["code"] == "ocean-fisheries-bureau"
    # the phrase is the plugin's, not core's: other counties do not expand it
    wenjiang = await open_access(PLATFORM, demo["wenjiang"].slug)
    assert "鲍鱼池" not in lookup.lexicon_for(wenjiang).readings
    assert "摊贩" in lookup.lexicon_for(wenjiang).readings
    # each demo county has its dialect's words: 龙沙's 冰溜子 (icicles) is read as 清冰雪
    longsha = await open_access(PLATFORM, demo["longsha"].slug)
    assert lookup.lexicon_for(longsha).readings["冰溜子"] == ("清冰雪",)
    assert "冰溜子" not in lookup.lexicon_for(wenjiang).readings


async def test_a_township_name_and_an_item_code(client: httpx.AsyncClient, demo: dict[str, TenantFixture]) -> None:
    wenjiang = demo["wenjiang"]
    r = await post(client, wenjiang, {"text": "狗", "township": "柳城街道", "item_code": "WJ-M06-T17-W31-R27"})
    assert r.status_code == 200, r.text
    body = r.json()
    assert [i["code"] for i in body["items"]] == ["WJ-M06-T17-W31-R27"]
    assert [u["code"] for u in body["units"]] == ["public-security-bureau", LIUCHENG]


async def test_nothing_on_the_list_matches(client: httpx.AsyncClient, demo: dict[str, TenantFixture]) -> None:
    r = await post(client, demo["wenjiang"], {"text": "qwertyuiop", "township": LIUCHENG})
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["items"] == [] and body["units"] == [] and body["score"] == 0
    assert body["township"]["code"] == LIUCHENG


async def test_get_gives_the_same_answer(client: httpx.AsyncClient, demo: dict[str, TenantFixture]) -> None:
    taian = demo["taian"]
    body = {"text": "楼下烧烤店的油烟直接排到居民窗户上", "township": "370902001000"}
    by_post = await post(client, taian, body)
    by_get = await client.get(f"{taian.base}/lookup", params=body, headers=taian.auth(taian.reader))
    assert by_get.status_code == 200, by_get.text
    assert by_get.json() == by_post.json()
    assert by_get.json()["items"][0]["code"] == "TA-ST-006"


async def test_graphql_goes_through_the_same_service(client: httpx.AsyncClient, demo: dict[str, TenantFixture]) -> None:
    taian = demo["taian"]
    query = """query($slug: String!, $text: String!, $village: String) { tenant(slug: $slug) {
      responsibilityLookup(text: $text, village: $village, limit: 3) {
        township { code name } routedTo score confidence listVersion
        units { code name kind role duty agencyName }
        items { code title listKind score matchedTerms recovery { receivingUnit } units { code role } }
      } } }"""
    variables = {"slug": taian.slug, "text": "小区门口占道经营的摊贩太多了，晚上很吵", "village": "370902001001"}
    r = await client.post("/graphql", json={"query": query, "variables": variables}, headers=taian.auth(taian.reader))
    assert r.status_code == 200, r.text
    found = r.json()["data"]["tenant"]["responsibilityLookup"]
    rest = (await post(client, taian, {"text": variables["text"], "village": "370902001001", "limit": 3})).json()
    assert found["township"] == rest["township"]
    assert [i["code"] for i in found["items"]] == [i["code"] for i in rest["items"]]
    assert [(u["code"], u["role"]) for u in found["units"]] == [(u["code"], u["role"]) for u in rest["units"]]
    assert found["score"] == rest["score"] and found["routedTo"] == "department"

    bad = await client.post(
        "/graphql",
        json={"query": query, "variables": {**variables, "text": "！？。。"}},
        headers=taian.auth(taian.reader),
    )
    assert "text" in bad.json()["errors"][0]["message"]


# --- roles, isolation, bad input -----------------------------------------------------------


async def test_every_role_of_the_tenant_may_look_up(client: httpx.AsyncClient, demo: dict[str, TenantFixture]) -> None:
    wenjiang = demo["wenjiang"]
    township = await issue_key(wenjiang, client, "township", LIUCHENG)
    department = await issue_key(wenjiang, client, "department", "justice-bureau")
    body = {"text": "流浪狗咬人", "township": "510115105000"}  # a township key may look up elsewhere too
    answers = []
    for key in (wenjiang.admin, wenjiang.reader, township, department):
        r = await post(client, wenjiang, body, key)
        assert r.status_code == 200, r.text
        answers.append(r.json())
    assert all(a == answers[0] for a in answers)


async def test_another_tenants_key_gets_404(client: httpx.AsyncClient, demo: dict[str, TenantFixture]) -> None:
    wenjiang, taian = demo["wenjiang"], demo["taian"]
    r = await post(client, wenjiang, {"text": "流浪狗"}, taian.admin)
    assert r.status_code == 404
    r = await client.get(f"{wenjiang.base}/lookup", params={"text": "流浪狗"}, headers=taian.auth(taian.reader))
    assert r.status_code == 404
    # a Taian code sent to Wenjiang names nothing there
    r = await post(client, wenjiang, {"text": "占道经营", "township": "370902001000"})
    assert r.status_code == 422 and "370902001000" in r.json()["detail"]
    unauthenticated = await client.post(f"{wenjiang.base}/lookup", json={"text": "流浪狗"})
    assert unauthenticated.status_code == 401


@pytest.mark.parametrize(
    ("body", "status", "field", "words"),
    [
        ({"text": ""}, 400, None, None),
        ({"text": "   "}, 422, "text", "empty"),
        ({"text": "！？……，。"}, 422, "text", "no Chinese characters"),
        ({"text": "狗", "township": "510115999000"}, 422, "township", "510115999000"),
        ({"text": "狗", "village": "510115001999"}, 422, "village", "510115001999"),
        ({"text": "狗", "village": LIUCHENG}, 422, "village", "not a village"),
        ({"text": "狗", "township": LIUCHENG, "village": XINGFU}, 422, "village", "different townships"),
        ({"text": "狗", "township": LIUCHENG, "item_code": "TA-ZF-001"}, 422, "item_code", "TA-ZF-001"),
        ({"text": "狗", "limit": 0}, 400, None, None),
        ({"text": "狗", "colour": "red"}, 400, None, None),
        ({"text": "狗" * 2001}, 400, None, None),
    ],
)
async def test_bad_input_is_named(
    client: httpx.AsyncClient,
    demo: dict[str, TenantFixture],
    body: dict[str, Any],
    status: int,
    field: str | None,
    words: str | None,
) -> None:
    r = await post(client, demo["wenjiang"], body)
    assert r.status_code == status, r.text
    problem = r.json()
    if field:
        assert problem["errors"][0]["field"] == field
        assert words in problem["detail"]


async def test_a_township_without_a_published_list(client: httpx.AsyncClient, make_tenant: Any) -> None:
    t = await make_tenant(plugin="wenjiang")  # provisioned, nothing published
    r = await post(client, t, {"text": "流浪狗", "township": LIUCHENG}, t.admin)
    assert r.status_code == 404 and LIUCHENG in r.json()["detail"]
    r = await post(client, t, {"text": "流浪狗"}, t.admin)
    assert r.status_code == 404


# --- the dispatch proposal for calls -------------------------------------------------------


async def test_propose_units_by_item_and_by_text(demo: dict[str, TenantFixture]) -> None:
    access = await open_access(PLATFORM, demo["taian"].slug)
    async with tenant_transaction(access.tenant.id) as conn:
        by_item = await lookup.propose_units(conn, access, "370911110000", item_code="TA-YJ-005")
        by_text = await lookup.propose_units(conn, access, "370911110000", text="山上起火了，森林防火")
    # 大汶口镇 lies in 岱岳区: the district's bureaus answer for the city's the list names
    assert [(u.code, u.role, u.listed_as) for u in by_item] == [
        ("370911110000", "primary", None),
        ("daiyue-emergency-management-bureau", "cooperating", "emergency-management-bureau"),
        ("daiyue-natural-resources-bureau", "cooperating", "natural-resources-bureau"),
    ]
    assert by_text == by_item
    async with tenant_transaction(access.tenant.id) as conn:
        with pytest.raises(ValidationFailed):
            await lookup.propose_units(conn, access, "370911110000")
        with pytest.raises(ValidationFailed):
            await lookup.propose_units(conn, access, "370911110000", item_code="DS-R-001")


async def test_a_cached_lookup_takes_few_statements(demo: dict[str, TenantFixture]) -> None:
    access = await open_access(PLATFORM, demo["dongshan"].slug)
    text = "有人往村边水沟里随意倾倒生活垃圾"
    await lookup.lookup(access, text, village="350626102201")  # warm the caches
    await lookup.lookup(access, text)
    await lookup.lookup(access, "马銮村" + text)
    await db.settled()
    before = db.queries.count
    await lookup.lookup(access, text, village="350626102201")
    assert db._ending  # a read-only transaction: its COMMIT follows the answer
    await db.settled()
    # BEGIN+SET, the location with its list version in force and the generation, COMMIT (units
    # and the township's post assignments, by generation, are cached): the floor of any read
    assert db.queries.count - before == 3
    before = db.queries.count
    await lookup.lookup(access, text)  # no place: all seven towns, none of their lists read:
    # BEGIN+SET, the generation (place names, catalog versions in force: cached), the
    # best-scoring townships from the entries' index, COMMIT
    await db.settled()
    assert db.queries.count - before == 4
    before = db.queries.count
    await lookup.lookup(access, "马銮村" + text)  # the place named in the text
    # BEGIN+SET, the generation, the township's version in force, COMMIT
    await db.settled()
    assert db.queries.count - before == 4


async def test_a_renamed_unit_shows_in_the_next_lookup(demo: dict[str, TenantFixture]) -> None:
    """Units are cached per content generation, which renaming one moves: never a stale name."""
    access = await open_access(PLATFORM, demo["taian"].slug)
    code = "daiyue-emergency-management-bureau"

    async def name() -> str:
        found = await lookup.lookup(access, "山上起火了，森林防火", township="370911110000", item_code="TA-YJ-005")
        return next(u.name for u in found.units if u.code == code)

    before = await name()
    assert await name() == before  # from the cache
    await units.update_unit(access, code, units.UnitUpdate(name="岱岳区应急管理局（改名）"), "*")
    try:
        assert await name() == "岱岳区应急管理局（改名）"
    finally:
        await units.update_unit(access, code, units.UnitUpdate(name=before), "*")
    assert await name() == before


def test_the_lexicon_finds_what_testing_every_key_finds() -> None:
    """``Lexicon.found`` tests only the keys that start with one of the appeal's characters: it
    finds exactly the entries that testing every key would, in the same order (longest first)."""
    entries = 0
    for plugin in (None, *PLUGINS):
        lexicon = lookup._plugin_lexicon(plugin)
        for appeal in APPEALS:
            norm = words.normalise(appeal["text"])
            every = sorted((k for k in lexicon.readings if k in norm), key=lambda k: (-len(k), k))
            assert [k for k, _ in lexicon.found(norm)] == every
            entries += len(every)
    assert entries > 6 * len(APPEALS)  # several entries an appeal: the comparison says something


# --- accuracy on the labelled appeals ------------------------------------------------------


def test_the_labelled_set_is_big_and_varied() -> None:
    assert len(APPEALS) >= 50
    assert len({a["plugin"] for a in APPEALS}) >= 3
    kinds = {a["kind"] for a in APPEALS}
    assert {"basic", "cooperating", "recovered"} <= kinds


async def test_accuracy_on_labelled_appeals(demo: dict[str, TenantFixture]) -> None:
    tally: dict[str, list[int]] = {"all": [0, 0, 0, 0], "indirect": [0, 0, 0, 0]}
    misses = []
    for appeal in APPEALS:
        access = await open_access(PLATFORM, demo[appeal["plugin"]].slug)
        result = await lookup.lookup(
            access,
            appeal["text"],
            township=appeal.get("township"),
            village=appeal.get("village"),
            grid=appeal.get("grid"),
            limit=3,
        )
        codes = [i.code for i in result.items]
        expected = set(appeal["expect"])
        primary = next((u for u in result.units if u.role == "primary"), None)
        lead = "township" if primary and primary.kind == "township" else primary.code if primary else None
        hit = [1, bool(codes[:1] and codes[0] in expected), bool(expected & set(codes[:3])), lead == appeal["primary"]]
        for name in ("all", appeal.get("set")):
            if name in tally:
                tally[name] = [a + b for a, b in zip(tally[name], hit, strict=True)]
        if not hit[1]:
            misses.append(f"{appeal['plugin']}: {appeal['text']} → {codes} (want {appeal['expect']})")
    for name, (n, top1, top3, unit) in tally.items():
        print(
            f"\nresponsibility lookup, {name} ({n} appeals): top-1 {top1 / n:.3f}, top-3 {top3 / n:.3f},"
            f" primary unit of the top item {unit / n:.3f}"
        )
    print("\n".join(misses))
    n, top1, top3, _ = tally["all"]
    assert top3 / n >= 0.85
    assert top1 / n >= 0.75


# --- reading the appeal (issue 18): the place from the text, words not characters --------------

YONGQUAN, WANCHUN, SHOUAN = "510115003000", "510115105000", "510115106000"


async def _place(client: httpx.AsyncClient, t: TenantFixture, text: str, **location: str) -> Any:
    r = await post(client, t, {"text": text, **location})
    assert r.status_code == 200, r.text
    return r.json()


async def test_the_place_is_read_from_the_text(client: httpx.AsyncClient, demo: dict[str, TenantFixture]) -> None:
    wenjiang = demo["wenjiang"]
    for text in ("涌泉街道有人在田里烧秸秆", "涌泉这边有人在田里烧秸秆"):  # the name and its short form
        body = await _place(client, wenjiang, text)
        assert body["township"] == {"code": YONGQUAN, "name": "涌泉街道"}, text
        assert body["place"]["source"] == "text" and body["place"]["words"][0] in ("涌泉街道", "涌泉")
        assert "涌泉" in body["place"]["reason"] and body["list_version"] == 1
        assert body["items"][0]["explanation"]["place"].startswith("地点：文中")
    village = await _place(client, wenjiang, "踏水村有人在田里烧秸秆")
    assert village["township"]["code"] == WANCHUN
    assert village["place"]["village"] == {"code": "510115105202", "name": "踏水村"}
    # two townships named: none chosen, both candidates with the words that named them
    both = await _place(client, wenjiang, "寿安镇到万春镇的路上有人烧秸秆")
    assert both["township"] is None and both["place"]["source"] == "ambiguous"
    assert {c["code"] for c in both["candidate_townships"]} == {SHOUAN, WANCHUN}
    assert all("文中“" in c["reason"] for c in both["candidate_townships"])
    # an explicit township wins over the text
    given = await _place(client, wenjiang, "涌泉街道有人在田里烧秸秆", township=LIUCHENG)
    assert given["township"]["code"] == LIUCHENG and given["place"]["source"] == "parameter"
    # a short form that is an everyday word is not a place: 公平 (公平街道) here means "fair"
    fair = await _place(client, wenjiang, "这样处理不公平，流浪狗还在咬人")
    assert fair["township"] is None and fair["place"]["source"] == "none"


async def test_a_landmark_names_its_township(client: httpx.AsyncClient, demo: dict[str, TenantFixture]) -> None:
    dongshan = demo["dongshan"]
    body = await _place(client, dongshan, "风动石那边有导游强买强卖")
    assert body["township"] == {"code": TONGLING, "name": "铜陵镇"}
    assert "地标" in body["place"]["reason"]
    assert body["items"][0]["code"] == "DS-C-009"  # 旅游市场秩序: the landmark's name still counts as words


async def test_words_not_single_characters(client: httpx.AsyncClient, demo: dict[str, TenantFixture]) -> None:
    taian = demo["taian"]
    body = await _place(client, taian, "我家楼下有一家没有证的饭店在营业", township="370902100000")
    codes = [i["code"] for i in body["items"]]
    assert "TA-ZD-003" not in codes  # 人口与计划生育服务 shares only 服/务/家 with it
    assert all(len(t) > 1 for i in body["items"] for t in i["matched_terms"])
    # a one-character query still matches characters
    one = await _place(client, taian, "烟", township="370902100000")
    assert one["items"] and all(t == "烟" for i in one["items"] for t in i["matched_terms"])
    # a typo read by its sound, and the lexicon's reading, each explained
    fire = await _place(client, demo["wenjiang"], "山上森林放火了", township=LIUCHENG)
    assert fire["items"][0]["code"].startswith("WJ-M06-T16-W29")
    how = {(w["term"], w["said"], w["how"]) for w in fire["items"][0]["explanation"]["words"]}
    assert ("防火", "放火", "pinyin") in how
    dogs = await _place(client, demo["wenjiang"], "流浪狗咬人", township=LIUCHENG)
    how = {(w["said"], w["how"]) for w in dogs["items"][0]["explanation"]["words"]}
    assert ("流浪狗", "lexicon") in how


def test_an_alternative_inside_a_word_is_read_both_ways() -> None:
    # 温江's 指导居（村）民委员会工作: cut as written, the bracket splits 居民委员会 / 村民委员会
    found = words.terms("指导居（村）民委员会工作")
    assert found["居民委员会"] == found["村民委员会"] == words.WORD
    assert "居村" not in found
    # not after a whole word: 社区（村）党组织 is 社区 or 村, then 党组织 (no 社村, no 村党)
    assert words.alternatives(words.normalise("社区（村）党组织建设")) == ["社区(村)党组织建设"]
    assert "社村" not in words.terms("社区（村）党组织建设")


async def test_dispatch_goes_down_to_the_post(client: httpx.AsyncClient, make_tenant: Any) -> None:
    t = await make_tenant("taian")
    shengzhuang, governance = "370902100000", "shengzhuang-governance-center"
    await publish_township_lists(await open_access(PLATFORM, t.slug))
    unassigned = await _place(client, t, "省庄镇山上有人上坟烧纸，怕引起山火")  # caches the town's (no) assignments
    assert unassigned["units"][0]["a_post"] == ""
    base = f"{t.base}/townships/{shengzhuang}"
    for code, name, holder in (("emergency-officer", "应急管理岗", "张三"), ("emergency-backup", "综合治理岗", "李四")):
        saved = await client.put(
            f"{base}/posts/{code}", json={"name": name, "office_code": governance, "holder": holder}, headers=t.auth()
        )
        assert saved.status_code == 200, saved.text
    body = {
        "leader": "副镇长 刘某",
        "office_code": governance,
        "a_post": "emergency-officer",
        "b_post": "emergency-backup",
    }
    assert (await client.put(f"{base}/assignments/TA-YJ-005", json=body, headers=t.auth())).status_code == 200
    answer = await _place(client, t, "省庄镇山上有人上坟烧纸，怕引起山火")
    assert answer["items"][0]["code"] == "TA-YJ-005"
    township = answer["units"][0]
    assert (township["kind"], township["office"], township["leader"]) == ("township", "社会治理服务中心", "副镇长 刘某")
    assert (township["a_post"], township["b_post"]) == ("应急管理岗 张三", "综合治理岗 李四")
    assert "A岗应急管理岗 张三" in township["reason"]
    # the district's bureau, not the city's, cooperates, and says why
    emergency = next(u for u in answer["units"] if u["listed_as"] == "emergency-management-bureau")
    assert emergency["code"] == "taishan-emergency-management-bureau" and "对应部门" in emergency["reason"]
    # the agency the district's market bureau stations in the town is named
    food = await _place(client, t, "省庄镇有个黑作坊没证生产食品")
    market = next(u for u in food["units"] if u["role"] == "primary")
    assert (market["code"], market["agency_code"]) == ("taishan-market-regulation-bureau", "shengzhuang-market-office")
    # over GraphQL: the same place, posts and reasons
    query = """query($s: String!, $t: String!) { tenant(slug: $s) { responsibilityLookup(text: $t) {
        place { source township { code } words } units { code aPost bPost leader listedAs reason }
        items { code explanation { place unit words { term said how } } } } } }"""
    r = await client.post(
        "/graphql",
        json={"query": query, "variables": {"s": t.slug, "t": "省庄镇山上有人上坟烧纸，怕引起山火"}},
        headers=t.auth(t.reader),
    )
    got = r.json()["data"]["tenant"]["responsibilityLookup"]
    assert got["place"]["township"]["code"] == shengzhuang and got["units"][0]["aPost"] == "应急管理岗 张三"
    assert got["items"][0]["explanation"]["unit"].startswith("省庄镇")
    # another tenant's key reads nothing of it
    other = await make_tenant("taian")
    refused = await client.post(f"{t.base}/lookup", json={"text": "省庄镇山火"}, headers=other.auth())
    assert refused.status_code == 404


def _item(code: str, parent: str | None, *parties: tuple[str, str]) -> Any:
    from core.catalog.reading import ItemView, ResponsibilityData

    return ItemView(
        code=code, version=1, title=code, level="item", kinds=["basic"], township_scope="all",
        parent_code=parent, category=None, item_kind=None, description="", high_frequency=False,
        process="", extra={}, recovery=None, status="active", withdrawn_reason=None, successor_code=None,
        content_hash="", changed_in=1, revision=1,
        responsibilities=[ResponsibilityData(p, r) for p, r in parties], legal_bases=[],
    )  # fmt: skip


def _family() -> dict[str, Any]:
    """Two items the township leads, with a department's own task, the township's task and a
    precise assignment another party leads under them; and an unrelated item."""
    return {
        i.code: i
        for i in (
            _item("P", None, ("township", "primary"), ("bureau", "cooperating")),
            _item("P-T1", "P", ("bureau", "primary")),  # the department's own task
            _item("P-T2", "P", ("township", "primary")),  # the township's task
            _item("Q", None, ("township", "primary")),
            _item("Q-R1", "Q", ("police", "primary"), ("township", "cooperating")),  # the precise assignment
            _item("X", None, ("township", "primary")),
        )
    }


def test_the_precise_child_goes_first_unless_the_parents_lead_has_no_part_in_it() -> None:
    from core.publication.lookup_index import Hit

    items = _family()

    def order(*scored: tuple[str, float]) -> list[str]:
        return [h.code for h in lookup._specific_first([Hit(c, s) for c, s in scored], items, 5)]

    # a department-only child at 99 % of its parent stays behind it; the township's task goes first
    assert order(("P", 12.6), ("P-T1", 12.45), ("P-T2", 11.5)) == ["P-T2", "P", "P-T1"]
    # …and at a little more than its parent too: it goes first only when it scores clearly better
    assert order(("P", 12.6), ("P-T1", 12.7)) == ["P", "P-T1"]
    assert order(("P", 10.0), ("P-T1", 12.6)) == ["P-T1", "P"]
    # held behind its parent, it ranks at the parent's score (another item between them goes first)
    assert order(("P", 10.0), ("P-T1", 12.0), ("X", 11.0)) == ["X", "P", "P-T1"]
    # a child that still involves the parent's lead goes first at 90 %
    assert order(("Q", 9.36), ("Q-R1", 9.34)) == ["Q-R1", "Q"]
    # two promoted children keep their own order; a promoted child is never ranked below its own score
    assert order(("P", 8.2), ("P-T2", 8.55), ("X", 8.3)) == ["P-T2", "X", "P"]
    assert order(("Q", 4.9), ("Q-R1", 5.1), ("X", 5.0)) == ["Q-R1", "X", "Q"]


def test_whom_the_caller_asks_settles_a_parent_and_child_led_by_different_parties() -> None:
    from core.publication.lookup_index import Hit

    items = _family()

    def order(text: str, *scored: tuple[str, float]) -> list[str]:
        hits = [Hit(c, s) for c, s in scored]
        return [h.code for h in lookup._specific_first(hits, items, 5, lookup.addressee(text))]

    assert lookup.addressee("有没有部门来指导指导") == "department"
    assert lookup.addressee("镇上能不能派人来帮忙办一哈") == "township"
    assert lookup.addressee("小区里的垃圾站让物业拆了") is None  # 小区里 is a place, not the district
    # asking a department: its own task goes first as soon as it scores better than the parent
    assert order("有没有部门来管", ("P", 10.0), ("P-T1", 12.0)) == ["P-T1", "P"]
    assert order("这事谁来管", ("P", 10.0), ("P-T1", 12.0)) == ["P", "P-T1"]
    assert order("有没有部门来管", ("P", 10.0), ("P-T1", 9.5)) == ["P", "P-T1"]
    # asking the township: a child another party leads needs the own-task margin, even though
    # the township cooperates in it
    assert order("镇上能不能派人来", ("Q", 10.0), ("Q-R1", 11.0)) == ["Q", "Q-R1"]
    assert order("镇上能不能派人来", ("Q", 10.0), ("Q-R1", 13.0)) == ["Q-R1", "Q"]
    assert order("这事谁来管", ("Q", 10.0), ("Q-R1", 11.0)) == ["Q-R1", "Q"]
