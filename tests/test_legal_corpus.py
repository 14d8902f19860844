"""The national corpus (issue 19): shipped and read whole, loaded idempotently and updatable,
levels and regions, and resolution across it over REST and GraphQL.

The session database holds the 68 core texts (conftest); this module loads a selection of the
shipped archive beside them — the texts its citations name — rather than the whole corpus
(25 s, measured by ``python -m bench.legal_corpus``). Reading the whole archive is checked here
without the database.
"""

from __future__ import annotations

import uuid
from collections import Counter
from pathlib import Path

import httpx
import pytest

from core.legal.corpus import CORPUS_ARCHIVE, CorpusProblem, CorpusText, read_archive
from core.legal.corpus_load import load_corpus
from tests.conftest import MakeTenant, TenantFixture
from tests.test_graphql import gql

SELECTION = (
    "民法典/",
    "社会法/社会保险法(2018-12-29).md",
    "行政法规/煤矿安全生产条例(2024-01-24).md",
    "山东地方性法规/山东省安全生产条例(2021-12-03).md",
    "山东地方性法规/山东省突发事件应对条例(2012-05-31).md",
    "山东地方性法规/青岛市突发事件应对条例(2017-12-01).md",
    "山东地方性法规/泰安市文明行为促进条例(2019-11-29).md",
    "山东地方性法规/临沂市文明行为促进条例(2018-09-21).md",
    "刑法/刑法.md",
    "刑法/刑法修正案（十一）.md",
    "部门规章/公安部/机动车登记规定(2021-12-17).md",
)

TAIAN, LANSHAN, QINGDAO, WENJIANG = "370900", "371302", "370200", "510115"


@pytest.fixture(scope="module")
def corpus() -> list[CorpusText | CorpusProblem]:
    return list(read_archive())


@pytest.fixture(scope="module")
async def selection(database_url: str) -> None:
    await load_corpus(CORPUS_ARCHIVE, only=SELECTION)


def test_the_whole_shipped_corpus_reads_with_levels_regions_and_the_civil_code(
    corpus: list[CorpusText | CorpusProblem],
) -> None:
    texts = [t for t in corpus if isinstance(t, CorpusText)]
    assert [p for p in corpus if isinstance(p, CorpusProblem)] == []
    # 1,543 files: the 民法典's eight parts are one text.
    assert len(texts) == 1543 - 8 + 1
    levels = Counter(t.level for t in texts)
    assert levels == {
        "行政法规": 683,
        "地方性法规": 472,
        "法律": 346,
        "部门规章": 29,
        "宪法": 6,
    }  # as its README counts
    by_title = {t.law.title: t for t in texts}

    civil = by_title["中华人民共和国民法典"]
    assert [a.number for a in civil.law.articles] == list(range(1, 1261))
    assert civil.law.article(1040).chapter.startswith("婚姻家庭编 第一章")  # type: ignore[union-attr]
    assert str(civil.law.version_date) == "2020-05-28"

    amendment = by_title["中华人民共和国刑法修正案（十一）"]
    assert amendment.amends == "中华人民共和国刑法" and amendment.law.article_count == 48
    rule = by_title["机动车登记规定"]
    assert (rule.level, rule.issuer) == ("部门规章", "公安部")
    province = by_title["山东省安全生产条例"]
    assert (province.level, province.region_code, province.region_name) == ("地方性法规", "37", "山东省")
    city = by_title["泰安市文明行为促进条例"]
    assert (city.region_code, city.issuer) == ("3709", "泰安市人民代表大会常务委员会")
    # Every local text carries a Shandong prefix; nothing else does.
    assert {t.region_code[:2] for t in texts if t.region_code} == {"37"}
    assert all(t.region_code is None for t in texts if t.level != "地方性法规")


async def test_a_selection_loads_once_and_a_newer_version_joins_its_document(selection: None, tmp_path: Path) -> None:
    again = await load_corpus(CORPUS_ARCHIVE, only=SELECTION)
    assert (again.documents, again.versions, again.provisions) == (0, 0, 0)
    assert again.texts == len(SELECTION) - 1 + 1  # the 民法典 folder is one text

    title = f"测试更新条例{uuid.uuid4().hex[:6]}"
    folder = tmp_path / "行政法规"
    folder.mkdir()
    body = "<!-- INFO END -->\n第一条 为了测试，制定本条例。\n第二条 本条例自公布之日起施行。\n"
    (folder / f"{title}(2020-01-01).md").write_text(f"# {title}\n{body}", encoding="utf-8")
    first = await load_corpus(tmp_path)
    assert (first.documents, first.versions) == (1, 1)
    (folder / f"{title}(2024-01-01).md").write_text(f"# {title}\n{body}第三条 新增。\n", encoding="utf-8")
    newer = await load_corpus(tmp_path)
    assert (newer.documents, newer.versions, newer.provisions) == (0, 1, 6)  # 3 articles, 3 paragraphs
    unchanged = await load_corpus(tmp_path)
    assert unchanged.up_to_date and unchanged.versions == 0


async def test_irregular_files_load_with_warnings_and_a_broken_one_is_reported(tmp_path: Path) -> None:
    tag = uuid.uuid4().hex[:6]
    folder = tmp_path / "行政法规"
    folder.mkdir()
    (folder / f"好条例{tag}(2021-01-01).md").write_text(
        f"# 好条例{tag}\n<!-- INFO END -->\n第一条　 为了测试。\n第 三 条 跳号。\n", encoding="utf-8"
    )
    (folder / f"坏编码{tag}(2021-01-01).md").write_bytes(f"# 坏编码{tag}\n第一条 测试。\n".encode("gb18030"))
    (folder / f"无日期{tag}.md").write_text(f"# 无日期{tag}\n<!-- INFO END -->\n第一条 测试。\n", encoding="utf-8")
    (folder / f"重复{tag}(2021-01-01).md").write_text(
        f"# 好条例{tag}\n<!-- INFO END -->\n第一条 另一个文本。\n", encoding="utf-8"
    )
    report = await load_corpus(tmp_path)
    assert [(p.path, p.reason[:9]) for p in report.problems] == [(f"行政法规/坏编码{tag}(2021-01-01).md", "not UTF-8")]
    warnings = "\n".join(report.warnings)
    assert f"行政法规/好条例{tag}(2021-01-01).md: line 4: article numbering jumps" in warnings
    assert f"行政法规/无日期{tag}.md: no version date" in warnings
    assert f"行政法规/重复{tag}(2021-01-01).md: same title and version date as 行政法规/好条例{tag}" in warnings
    assert report.versions == 1  # the good file, whatever the others did


RESOLVE = "/legal/citations/resolve"
FORMS = [
    "《中华人民共和国民法典》第一千零四十条",
    "《民法典》第二百零七条",
    "《社会保险法》第五十八条",
    "《食安法》第三十六条",
    "《刑法修正案（十一）》第一条",
    "《机动车登记规定》第二条",
]


async def _resolve(client: httpx.AsyncClient, t: TenantFixture, *citations: str) -> list[dict]:
    response = await client.post(t.base + RESOLVE, json={"citations": list(citations)}, headers=t.auth(t.reader))
    assert response.status_code == 200, response.text
    return response.json()["bases"]


async def test_real_citation_forms_resolve_with_level_and_status(
    client: httpx.AsyncClient, selection: None, make_tenant: MakeTenant
) -> None:
    t = await make_tenant(division_code=WENJIANG)
    bases = await _resolve(client, t, *FORMS)
    assert [b["problem"] for b in bases] == [None] * len(FORMS)
    assert [b["document_title"] for b in bases] == [
        "中华人民共和国民法典",
        "中华人民共和国民法典",
        "中华人民共和国社会保险法",
        "中华人民共和国食品安全法",
        "中华人民共和国刑法修正案（十一）",
        "机动车登记规定",
    ]
    assert [b["level"] for b in bases] == ["law", "law", "law", "law", "law", "departmental_rule"]
    assert {b["status"] for b in bases} == {"in_force"} and all(b["resolved"] for b in bases)
    assert bases[0]["label"] == "第一千零四十条"


async def test_local_regulations_resolve_in_their_region_only(
    client: httpx.AsyncClient, selection: None, make_tenant: MakeTenant
) -> None:
    taian, lanshan = await make_tenant(division_code=TAIAN), await make_tenant(division_code=LANSHAN)
    qingdao, wenjiang = await make_tenant(division_code=QINGDAO), await make_tenant(division_code=WENJIANG)
    cited = ["《山东省安全生产条例》第二十条", "《安全生产条例》第十条", "《突发事件应对条例》第一条"]
    for shandong in (taian, lanshan):
        full, bare, emergency = await _resolve(client, shandong, *cited)
        assert full["document_title"] == bare["document_title"] == "山东省安全生产条例"
        assert (bare["region_code"], bare["level_label"]) == ("37", "地方性法规")
        assert emergency["document_title"] == "山东省突发事件应对条例"  # not Qingdao's
    assert (await _resolve(client, qingdao, cited[2]))[0]["document_title"] == "青岛市突发事件应对条例"
    [civic] = await _resolve(client, taian, "《文明行为促进条例》第三条")
    assert civic["document_title"] == "泰安市文明行为促进条例"

    full, bare, emergency = await _resolve(client, wenjiang, *cited)
    assert not full["resolved"] and "not in force in this tenant's region" in full["problem"]
    # Sichuan sees only the national 煤矿安全生产条例 for the bare name, never Shandong's.
    assert bare["document_title"] == "煤矿安全生产条例"
    assert not emergency["resolved"] and "突发事件应对条例" in emergency["problem"]

    listed = await client.get(wenjiang.base + "/legal/documents", params={"q": "安全生产条例"}, headers=wenjiang.auth())
    assert "山东省安全生产条例" not in {d["title"] for d in listed.json()["items"]}
    listed = await client.get(taian.base + "/legal/documents", params={"q": "安全生产条例"}, headers=taian.auth())
    shown = {d["title"]: d for d in listed.json()["items"]}
    assert shown["山东省安全生产条例"]["region_code"] == "37"
    assert "安全生产条例" in shown["山东省安全生产条例"]["abbreviations"]
    search = {"q": "安全生产", "document": shown["山东省安全生产条例"]["id"]}
    found = await client.get(taian.base + "/legal/provisions", params=search, headers=taian.auth())
    assert found.json()["items"] and found.json()["items"][0]["document_title"] == "山东省安全生产条例"
    found = await client.get(wenjiang.base + "/legal/provisions", params=search, headers=wenjiang.auth())
    assert found.status_code == 200 and found.json()["items"] == []


async def test_a_tenant_adds_a_party_regulation_and_cites_it(
    client: httpx.AsyncClient, selection: None, tenant: TenantFixture, other: TenantFixture
) -> None:
    cited = "《中国共产党农村基层组织工作条例》第十九条"
    [before] = await _resolve(client, tenant, cited)
    assert not before["resolved"] and "not in the library" in before["problem"]
    text = (
        "# 中国共产党农村基层组织工作条例\n2019年1月10日 中共中央政治局会议审议批准\n<!-- INFO END -->\n"
        + "".join(f"第{n}条 第{n}条的内容。\n" for n in "一二三四五六七八九十")
        + "".join(f"第十{n}条 第十{n}条的内容。\n" for n in "一二三四五六七八九")
    )
    created = await client.post(
        tenant.base + "/legal/documents", json={"text": text, "level": "party_regulation"}, headers=tenant.auth()
    )
    assert created.status_code == 201, created.text
    [after] = await _resolve(client, tenant, cited)
    assert after["resolved"] and after["level"] == "party_regulation" and after["shared"] is False
    [theirs] = await _resolve(client, other, cited)
    assert not theirs["resolved"]


async def test_resolution_checks_input_and_keeps_to_the_tenant(
    client: httpx.AsyncClient, tenant: TenantFixture, other: TenantFixture
) -> None:
    url = tenant.base + RESOLVE
    empty = await client.post(url, json={"citations": []}, headers=tenant.auth())
    assert empty.status_code == 400 and empty.json()["errors"][0]["field"] == "citations"
    nul = await client.post(url, json={"citations": ["《民法典》\u0000"]}, headers=tenant.auth())
    assert nul.status_code == 400
    foreign = await client.post(url, json={"citations": ["《民法典》"]}, headers=other.auth())
    assert foreign.status_code == 404


GQL_RESOLVE = """query($s: String!, $c: [String!]!) { tenant(slug: $s) { resolveCitations(citations: $c) {
  resolved documentTitle level levelLabel status regionCode label problem } } }"""


async def test_graphql_resolves_the_same_way(
    client: httpx.AsyncClient, selection: None, make_tenant: MakeTenant
) -> None:
    taian, wenjiang = await make_tenant(division_code=TAIAN), await make_tenant(division_code=WENJIANG)
    cited = ["《山东省安全生产条例》第二十条", "《民法典》第一千零四十条"]
    shandong = (await gql(client, taian.reader, GQL_RESOLVE, s=taian.slug, c=cited))["tenant"]["resolveCitations"]
    assert [(b["documentTitle"], b["regionCode"], b["resolved"]) for b in shandong] == [
        ("山东省安全生产条例", "37", True),
        ("中华人民共和国民法典", None, True),
    ]
    sichuan = (await gql(client, wenjiang.reader, GQL_RESOLVE, s=wenjiang.slug, c=cited))["tenant"]["resolveCitations"]
    assert [b["resolved"] for b in sichuan] == [False, True]
    assert "not in force in this tenant's region" in sichuan[0]["problem"]
    # Another tenant's key on this tenant's slug sees nothing.
    assert (await gql(client, wenjiang.reader, GQL_RESOLVE, s=taian.slug, c=cited)) == {"tenant": None}


async def test_a_plugin_ships_a_local_document_and_requires_resolvable_bases(
    client: httpx.AsyncClient, make_tenant: MakeTenant
) -> None:
    import dataclasses

    from plugins.lanshan.documents import TITLE
    from plugins.taian.catalog import CATALOG

    lanshan = await make_tenant(plugin="lanshan")
    listed = await client.get(lanshan.base + "/legal/documents", params={"shared": "false"}, headers=lanshan.auth())
    assert [(d["title"], d["level"]) for d in listed.json()["items"]] == [(TITLE, "normative_document")]
    [basis] = await _resolve(client, lanshan, f"《{TITLE}》第三条")
    assert basis["resolved"] and basis["shared"] is False

    taian = await make_tenant(plugin="taian")
    seed = next(i for i in CATALOG.items if i.citations)
    body = {k: v for k, v in dataclasses.asdict(seed).items() if k != "legal_bases"}
    body["adjustment"] = {"reason_kind": "law_changed", "reason": "依据库测试"}
    refused = await client.post(
        taian.base + "/catalog/items",
        json={**body, "code": "TA-LB-01", "citations": ["《泰安市不存在的办法》第一条"]},
        headers=taian.auth(),
    )
    assert refused.status_code == 422, refused.text
    assert "泰安：法律法规依据须能在依据库中找到" in refused.text and "not in the library" in refused.text
    accepted = await client.post(
        taian.base + "/catalog/items",
        json={**body, "code": "TA-LB-02", "citations": ["《中华人民共和国安全生产法》第九条"]},
        headers=taian.auth(),
    )
    assert accepted.status_code == 201, accepted.text
