"""Two-way evaluation through HTTP and GraphQL: the plugins' schemes and rules, role rules,
bad input (nothing written), tenant isolation, explanations."""

from __future__ import annotations

import copy
import datetime
from typing import Any

import httpx
import pytest

from core.platform import db
from tests.conftest import MakeTenant, TenantFixture, issue_key
from tests.test_graphql import gql

TAIAN = "370900"
SHENGZHUANG, MANZHUANG, XIAZHANG, DAWENKOU = "370902100000", "370911106000", "370911107000", "370911110000"
SQUAD = "manzhuang-xiazhang-enforcement-squad"
LANSHAN_STREET, LIGUAN = "371302001000", "371302107000"


def s(relation: str, evaluator: str, evaluatee: str, indicator: str, score: float) -> dict[str, Any]:
    return {
        "relation": relation,
        "evaluator": evaluator,
        "evaluatee": evaluatee,
        "indicator": indicator,
        "score": score,
    }


def many(relation: str, evaluator: str, evaluatee: str, **marks: float) -> list[dict[str, Any]]:
    return [s(relation, evaluator, evaluatee, code.replace("_", "-"), v) for code, v in marks.items()]


TAIAN_SCORES = [
    *many("county_township", TAIAN, SHENGZHUANG, ct_emergency=95, ct_relief=90, ct_disputes=85, ct_garbage=80),
    *many("county_department", TAIAN, "natural-resources-bureau", cd_list=90, cd_admission=80),
    *many("township_department", SHENGZHUANG, "natural-resources-bureau", td_list=60, td_calls=70, td_satisfaction=80),
    *many("township_department", DAWENKOU, "natural-resources-bureau", td_list=80, td_calls=90, td_satisfaction=100),
    *many("department_agency", "daiyue-enforcement-bureau", SQUAD, da_work=100),
    *many("township_agency", MANZHUANG, SQUAD, ta_duty=100, ta_coordination=100, ta_satisfaction=100),
    *many("township_agency", XIAZHANG, SQUAD, ta_duty=50, ta_coordination=50, ta_satisfaction=50),
    *many("department_agency", "taishan-justice-bureau", "shengzhuang-justice-office", da_work=100),
    *many(
        "township_agency",
        SHENGZHUANG,
        "shengzhuang-justice-office",
        ta_duty=88,
        ta_coordination=88,
        ta_satisfaction=88,
    ),
]


@pytest.fixture
async def taian(make_tenant: MakeTenant) -> TenantFixture:
    return await make_tenant("taian")


async def open_period(client: httpx.AsyncClient, t: TenantFixture, code: str = "2026", kind: str = "year") -> None:
    response = await client.post(f"{t.base}/evaluations/periods", json={"code": code, "kind": kind}, headers=t.auth())
    assert response.status_code == 201, response.text


async def enter(client: httpx.AsyncClient, t: TenantFixture, scores: list[dict[str, Any]], key: str | None = None):
    return await client.post(f"{t.base}/evaluations/periods/2026/scores", json={"scores": scores}, headers=t.auth(key))


def relation(result: dict[str, Any], code: str) -> dict[str, Any]:
    return next(r for r in result["explanation"]["relations"] if r["relation"] == code)


async def test_taian_annual_evaluation_with_explanations(client: httpx.AsyncClient, taian: TenantFixture) -> None:
    scheme = (await client.get(f"{taian.base}/evaluations/scheme", headers=taian.auth(taian.reader))).json()
    assert scheme["origin"] == "plugin" and scheme["revision"] == 0
    shares = {r["code"]: r["share"] for r in scheme["scheme"]["relations"]}
    assert shares["township_department"] == pytest.approx(1 / 3) and shares["township_agency"] == 0.6

    await open_period(client, taian)
    written = await enter(client, taian, TAIAN_SCORES)
    assert written.status_code == 200 and written.json()["written"] == len(TAIAN_SCORES)

    db.queries.count = 0
    computed = await client.post(f"{taian.base}/evaluations/periods/2026/compute", headers=taian.auth())
    assert computed.status_code == 200, computed.text
    statements = db.queries.count
    summary = computed.json()
    assert summary["results"] == 26 + 35 + 7  # every township, department (city and district) and agency
    assert statements < 25  # set-based: no statement per subject or score

    town = (
        await client.get(f"{taian.base}/evaluations/periods/2026/results/{SHENGZHUANG}", headers=taian.auth())
    ).json()
    assert town["score"] == pytest.approx(88.25) and town["grade"] == "good" and town["complete"]
    emergency = relation(town, "county_township")["indicators"][0]
    assert emergency == {
        "code": "ct-emergency",
        "label": "突发事件先期处置和信息报送",
        "weight": 30.0,
        "evaluators": 1,
        "value": 95.0,
        "contribution": 28.5,
    }

    # A department: 2/3 top-down, 1/3 the townships' bottom-up evaluation (泰安: about 1/3).
    bureau = (
        await client.get(
            f"{taian.base}/evaluations/periods/2026/results/natural-resources-bureau", headers=taian.auth()
        )
    ).json()
    bottom_up = relation(bureau, "township_department")
    assert bottom_up["score"] == pytest.approx(79.0) and bottom_up["share"] == pytest.approx(1 / 3)
    assert {e["evaluator"]: e["share"] for e in bottom_up["evaluators"]} == {SHENGZHUANG: 0.5, DAWENKOU: 0.5}
    assert bureau["score"] == pytest.approx(2 / 3 * 86 + 1 / 3 * 79, abs=1e-3)

    # An agency serving two towns: weighted across them (0.6 / 0.4) and summed by the host.
    squad = (await client.get(f"{taian.base}/evaluations/periods/2026/results/{SQUAD}", headers=taian.auth())).json()
    by_towns = relation(squad, "township_agency")
    assert by_towns["summed_by"] == MANZHUANG and by_towns["evaluator_shares_from"] == "rule"
    assert {e["evaluator"]: e["share"] for e in by_towns["evaluators"]} == {MANZHUANG: 0.6, XIAZHANG: 0.4}
    assert by_towns["score"] == pytest.approx(80.0) and squad["score"] == pytest.approx(0.4 * 100 + 0.6 * 80)

    # The township rated its justice office "good": the office cannot be excellent (92.8 → good).
    office = (
        await client.get(
            f"{taian.base}/evaluations/periods/2026/results/shengzhuang-justice-office", headers=taian.auth()
        )
    ).json()
    assert office["score"] == pytest.approx(92.8) and office["grade"] == "good"
    assert office["explanation"]["computed_grade"] == "excellent"
    (effect,) = office["explanation"]["rules"]
    assert effect["rule"] == "agency-not-excellent" and effect["before"] == "excellent" and effect["after"] == "good"
    assert "不得将其评为优秀" in effect["reason"]

    # Incomplete results say what is missing.
    other = (await client.get(f"{taian.base}/evaluations/periods/2026/results/{XIAZHANG}", headers=taian.auth())).json()
    assert not other["complete"] and "county_township" in other["explanation"]["missing"]

    page = await client.get(
        f"{taian.base}/evaluations/periods/2026/results",
        params={"subject_kind": "dispatched_agency", "limit": 5},
        headers=taian.auth(taian.reader),
    )
    assert page.status_code == 200 and len(page.json()["items"]) == 5 and page.json()["next_cursor"]


async def test_role_rules(client: httpx.AsyncClient, taian: TenantFixture) -> None:
    await open_period(client, taian)
    shengzhuang = await issue_key(taian, client, "township", SHENGZHUANG)
    xiazhang = await issue_key(taian, client, "township", XIAZHANG)
    bureau = await issue_key(taian, client, "department", "natural-resources-bureau")

    mine = many(
        "township_department", SHENGZHUANG, "natural-resources-bureau", td_list=60, td_calls=70, td_satisfaction=80
    )
    assert (await enter(client, taian, mine, shengzhuang)).status_code == 200
    # Scoring as another township, or an agency not stationed in one's township: 403.
    assert (await enter(client, taian, mine, xiazhang)).status_code == 403
    foreign = many("township_agency", XIAZHANG, "shengzhuang-justice-office", ta_duty=90)
    refused = await enter(client, taian, foreign, xiazhang)
    assert refused.status_code == 403 and "not stationed" in refused.text
    # The county's part is the admin's; readers enter nothing.
    county = many("county_township", TAIAN, XIAZHANG, ct_emergency=90)
    assert (await enter(client, taian, county, xiazhang)).status_code == 403
    assert (await enter(client, taian, mine, taian.reader)).status_code == 403
    assert (
        await client.post(f"{taian.base}/evaluations/periods/2026/compute", headers=taian.auth(bureau))
    ).status_code == 403

    await enter(client, taian, TAIAN_SCORES)
    await client.post(f"{taian.base}/evaluations/periods/2026/compute", headers=taian.auth())
    own = await client.get(f"{taian.base}/evaluations/periods/2026/results", headers=taian.auth(bureau))
    assert [r["subject"] for r in own.json()["items"]] == ["natural-resources-bureau"]
    other = await client.get(f"{taian.base}/evaluations/periods/2026/results/{SQUAD}", headers=taian.auth(bureau))
    assert other.status_code == 403
    scores = await client.get(f"{taian.base}/evaluations/periods/2026/scores", headers=taian.auth(shengzhuang))
    assert scores.json() and all(SHENGZHUANG in (x["evaluator"], x["evaluatee"]) for x in scores.json())
    assert (
        await client.put(f"{taian.base}/evaluations/scheme", json={}, headers=taian.auth(shengzhuang))
    ).status_code in (
        400,
        403,
    )


async def test_bad_input_writes_nothing(client: httpx.AsyncClient, taian: TenantFixture) -> None:
    await open_period(client, taian)
    scores_url = f"{taian.base}/evaluations/periods/2026/scores"

    out_of_range = many("county_township", TAIAN, SHENGZHUANG, ct_emergency=95, ct_relief=120)
    refused = await enter(client, taian, out_of_range)
    assert refused.status_code == 422 and refused.json()["errors"][0]["field"] == "scores[1].score"
    assert "outside ct-relief's range 0–100" in refused.text
    assert (await client.get(scores_url, headers=taian.auth())).json() == []

    unknown = await enter(client, taian, [s("county_township", TAIAN, SHENGZHUANG, "nope", 1)])
    assert unknown.status_code == 422 and "no indicator 'nope'" in unknown.text
    wrong_kind = await enter(client, taian, [s("county_township", TAIAN, "natural-resources-bureau", "ct-relief", 1)])
    assert wrong_kind.status_code == 422 and "is not a township" in wrong_kind.text

    current = (await client.get(f"{taian.base}/evaluations/scheme", headers=taian.auth())).json()
    broken = copy.deepcopy(current["scheme"])
    broken["indicators"][0]["weight"] = 35  # county_township now sums to 105
    bad = await client.put(
        f"{taian.base}/evaluations/scheme", json={"scheme": broken, "revision": 0}, headers=taian.auth()
    )
    assert bad.status_code == 422 and "relation county_township sum to 105, not 100" in bad.text

    lowered = copy.deepcopy(current["scheme"])
    for r in lowered["relations"]:
        if r["code"] in ("county_department", "township_department"):
            r["share"] = 0.5
    rule = await client.put(
        f"{taian.base}/evaluations/scheme", json={"scheme": lowered, "revision": 0}, headers=taian.auth()
    )
    assert (
        rule.status_code == 422
        and "泰安：乡镇(街道)对县级职能部门的评价结果一般应占被考核部门绩效权重的1/3左右" in rule.text
    )
    unchanged = (await client.get(f"{taian.base}/evaluations/scheme", headers=taian.auth())).json()
    assert unchanged["revision"] == 0 and unchanged["origin"] == "plugin"

    again = await client.post(
        f"{taian.base}/evaluations/periods", json={"code": "2026", "kind": "year"}, headers=taian.auth()
    )
    assert again.status_code == 409
    quarter = await client.post(
        f"{taian.base}/evaluations/periods", json={"code": "2026", "kind": "quarter"}, headers=taian.auth()
    )
    assert quarter.status_code == 422

    closed = await client.post(f"{taian.base}/evaluations/periods/2026/close", headers=taian.auth())
    assert closed.status_code == 200 and closed.json()["state"] == "closed"
    late = await enter(client, taian, many("county_township", TAIAN, SHENGZHUANG, ct_emergency=95))
    assert late.status_code == 409 and "closed" in late.text
    assert (
        await client.post(f"{taian.base}/evaluations/periods/2026/compute", headers=taian.auth())
    ).status_code == 409
    assert (await client.get(scores_url, headers=taian.auth())).json() == []


async def test_scheme_change_is_checked_and_frozen_per_period(client: httpx.AsyncClient, taian: TenantFixture) -> None:
    current = (await client.get(f"{taian.base}/evaluations/scheme", headers=taian.auth())).json()
    changed = copy.deepcopy(current["scheme"])
    for ind in changed["indicators"]:
        if ind["code"] == "ct-emergency":
            ind["weight"] = 20
        if ind["code"] == "ct-garbage":
            ind["weight"] = 30
    saved = await client.put(
        f"{taian.base}/evaluations/scheme", json={"scheme": changed, "revision": 0}, headers=taian.auth()
    )
    assert saved.status_code == 200, saved.text
    assert saved.json()["revision"] == 1 and saved.json()["origin"] == "tenant"
    stale = await client.put(
        f"{taian.base}/evaluations/scheme", json={"scheme": changed, "revision": 0}, headers=taian.auth()
    )
    assert stale.status_code == 412  # one concurrency rule (core.platform.versioning)


async def test_tenant_isolation(client: httpx.AsyncClient, taian: TenantFixture, other: TenantFixture) -> None:
    await open_period(client, taian)
    stranger = other.auth()
    for url in ("/evaluations/scheme", "/evaluations/periods", "/evaluations/periods/2026/results"):
        assert (await client.get(f"{taian.base}{url}", headers=stranger)).status_code == 404
    assert (await client.post(f"{taian.base}/evaluations/periods/2026/compute", headers=stranger)).status_code == 404
    assert (await enter(client, taian, TAIAN_SCORES[:1], other.admin)).status_code == 404
    scheme = (await client.get(f"{taian.base}/evaluations/scheme", headers=taian.auth())).json()
    writes = [
        ("PUT", "/evaluations/scheme", {"scheme": scheme["scheme"], "revision": 0}),
        ("POST", "/evaluations/periods", {"code": "2027", "kind": "year"}),
        ("POST", "/evaluations/periods/2026/close", None),
    ]
    for method, path, body in writes:
        assert (await client.request(method, f"{taian.base}{path}", json=body, headers=stranger)).status_code == 404
    for path in (
        "/evaluations/periods/2026",
        "/evaluations/periods/2026/scores",
        f"/evaluations/periods/2026/results/{SHENGZHUANG}",
    ):
        assert (await client.get(f"{taian.base}{path}", headers=stranger)).status_code == 404
    periods = (await client.get(f"{taian.base}/evaluations/periods", headers=taian.auth())).json()
    assert [(p["code"], p["state"]) for p in periods] == [("2026", "open")]
    assert (await client.get(f"{taian.base}/evaluations/periods/2026/scores", headers=taian.auth())).json() == []
    # Other tenant's own namespace knows nothing of Tai'an's period.
    assert (await client.get(f"{other.base}/evaluations/periods/2026", headers=stranger)).status_code == 404


async def test_lanshan_typed_evaluation(client: httpx.AsyncClient, make_tenant: MakeTenant) -> None:
    lanshan = await make_tenant("lanshan")
    root = lanshan.division_code
    await open_period(client, lanshan)
    common = {"party-building": 90, "poverty": 80, "environment": 100, "safety": 70}
    street = [s("county_township", root, LANSHAN_STREET, k, v) for k, v in common.items()]
    street += [
        s("county_township", root, LANSHAN_STREET, k, v)
        for k, v in {"urban-economy": 80, "area-expropriation": 60, "city-management": 100}.items()
    ]
    town = [s("county_township", root, LIGUAN, k, v) for k, v in common.items()]
    town += [
        s("county_township", root, LIGUAN, k, v)
        for k, v in {"rural-revitalisation": 90, "modern-agriculture": 90, "rural-tourism": 100}.items()
    ]
    wrong = await client.post(
        f"{lanshan.base}/evaluations/periods/2026/scores",
        json={"scores": [s("county_township", root, LIGUAN, "urban-economy", 80)]},
        headers=lanshan.auth(),
    )
    assert wrong.status_code == 422 and "applies to township types modern_service" in wrong.text
    ok = await client.post(
        f"{lanshan.base}/evaluations/periods/2026/scores", json={"scores": street + town}, headers=lanshan.auth()
    )
    assert ok.status_code == 200, ok.text
    assert (
        await client.post(f"{lanshan.base}/evaluations/periods/2026/compute", headers=lanshan.auth())
    ).status_code == 200

    result = (
        await client.get(f"{lanshan.base}/evaluations/periods/2026/results/{LANSHAN_STREET}", headers=lanshan.auth())
    ).json()
    assert result["explanation"]["township_type"] == "modern_service" and result["complete"]
    codes = [i["code"] for i in relation(result, "county_township")["indicators"]]
    assert "urban-economy" in codes and "rural-tourism" not in codes
    # 45 common points + 55 typed points.
    expected = 0.15 * 90 + 0.10 * 80 + 0.10 * 100 + 0.10 * 70 + 0.25 * 80 + 0.15 * 60 + 0.15 * 100
    assert result["score"] == pytest.approx(expected)
    farm = (
        await client.get(f"{lanshan.base}/evaluations/periods/2026/results/{LIGUAN}", headers=lanshan.auth())
    ).json()
    assert farm["explanation"]["township_type"] == "agriculture" and farm["complete"]

    # A type without indicators of its own breaks Lanshan's rule; weights per type are checked too.
    scheme = (await client.get(f"{lanshan.base}/evaluations/scheme", headers=lanshan.auth())).json()["scheme"]
    untyped = copy.deepcopy(scheme)
    untyped["indicators"] = [i for i in untyped["indicators"] if "industry" not in i["township_types"]]
    refused = await client.put(
        f"{lanshan.base}/evaluations/scheme", json={"scheme": untyped, "revision": 0}, headers=lanshan.auth()
    )
    assert refused.status_code == 422
    assert (
        "兰山：工业主导型没有自己的考核指标" in refused.text and "for township type industry sum to 45" in refused.text
    )


DONGSHAN_INSURANCE = {
    "code": "ct-insurance",
    "label": "扩大基本医疗保险参保",
    "relation": "county_township",
    "weight": 25,
    "item_code": "DS-R-013",
}


async def test_dongshan_rejects_the_insurance_enrolment_indicator(
    client: httpx.AsyncClient, make_tenant: MakeTenant
) -> None:
    dongshan = await make_tenant("dongshan")
    scheme = (await client.get(f"{dongshan.base}/evaluations/scheme", headers=dongshan.auth())).json()["scheme"]
    proposed = copy.deepcopy(scheme)
    proposed["indicators"] = [i for i in proposed["indicators"] if i["code"] != "ct-construction"]
    proposed["indicators"].append(DONGSHAN_INSURANCE)  # weights still sum to 100
    refused = await client.put(
        f"{dongshan.base}/evaluations/scheme", json={"scheme": proposed, "revision": 0}, headers=dongshan.auth()
    )
    assert refused.status_code == 422, refused.text
    (error,) = refused.json()["errors"]
    assert error["field"] == f"indicators[{len(proposed['indicators']) - 1}].item_code"
    assert "东山：收回事项不得作为乡镇考核指标" in error["message"] and "DS-R-013" in error["message"]
    assert "城乡居民基本医疗保险参保扩面" in error["message"] and "medical-security-bureau" in error["message"]

    out_of_list = copy.deepcopy(proposed)
    out_of_list["indicators"][-1] = {**DONGSHAN_INSURANCE, "item_code": None}
    refused = await client.put(
        f"{dongshan.base}/evaluations/scheme", json={"scheme": out_of_list, "revision": 0}, headers=dongshan.auth()
    )
    assert refused.status_code == 422 and "东山：清单外事项不得作为乡镇考核指标" in refused.text
    assert (await client.get(f"{dongshan.base}/evaluations/scheme", headers=dongshan.auth())).json()["revision"] == 0

    # The same through GraphQL: a typed Problem naming the indicator.
    data = await gql(client, dongshan.admin, REPLACE_SCHEME, tenant=dongshan.slug, scheme=proposed, revision=0)
    problem = data["replaceEvaluationScheme"]
    assert problem["__typename"] == "Problem" and problem["status"] == 422
    assert "DS-R-013" in problem["errors"][0]["message"] and problem["errors"][0]["field"].endswith("itemCode")


async def test_wenjiang_and_longsha_rules(client: httpx.AsyncClient, make_tenant: MakeTenant) -> None:
    wenjiang = await make_tenant("wenjiang")
    scheme = (await client.get(f"{wenjiang.base}/evaluations/scheme", headers=wenjiang.auth())).json()["scheme"]
    pushed = copy.deepcopy(scheme)
    pushed["indicators"][0]["item_code"] = "WJ-M02-T05-W08-R06"  # 农产品质量安全属地监管: the bureau's work
    refused = await client.put(
        f"{wenjiang.base}/evaluations/scheme", json={"scheme": pushed, "revision": 0}, headers=wenjiang.auth()
    )
    assert refused.status_code == 422 and "一律不得分解给镇(街道)" in refused.text

    longsha = await make_tenant("longsha")
    scheme = (await client.get(f"{longsha.base}/evaluations/scheme", headers=longsha.auth())).json()["scheme"]
    weaker = copy.deepcopy(scheme)
    for r in weaker["relations"]:
        if r["code"] in ("township_agency", "department_agency"):
            r["share"] = 0.5
    weaker["indicators"] = [i for i in weaker["indicators"] if i["code"] != "td-satisfaction"]
    for i in weaker["indicators"]:
        if i["code"] == "td-list":
            i["weight"] = 100
    refused = await client.put(
        f"{longsha.base}/evaluations/scheme", json={"scheme": weaker, "revision": 0}, headers=longsha.auth()
    )
    assert refused.status_code == 422
    assert (
        "龙沙：街道对派驻机构的评价权重应达60%" in refused.text
        and "龙沙：街道对区直部门的满意度评价必须计入考核" in refused.text
    )


REPLACE_SCHEME = """
mutation($tenant: String!, $scheme: JSON!, $revision: Int!) {
  replaceEvaluationScheme(tenant: $tenant, scheme: $scheme, revision: $revision) {
    __typename
    ... on EvaluationScheme { revision origin }
    ... on Problem { status detail errors { field message } }
  }
}
"""

GQL_PERIOD = """
mutation($tenant: String!) {
  createEvaluationPeriod(tenant: $tenant, code: "2026", kind: "year") {
    __typename ... on EvaluationPeriod { code state startsOn endsOn } ... on Problem { detail }
  }
}
"""

GQL_SCORES = """
mutation($tenant: String!, $scores: [ScoreInput!]!) {
  enterEvaluationScores(tenant: $tenant, period: "2026", scores: $scores) {
    __typename ... on ScoresWritten { written } ... on Problem { status detail errors { field message } }
  }
}
"""

GQL_COMPUTE = """
mutation($tenant: String!) {
  computeEvaluation(tenant: $tenant, period: "2026") {
    __typename ... on ComputeSummary { results byKind computedAt } ... on Problem { status detail }
  }
}
"""

GQL_RESULTS = """
query($slug: String!, $subject: String!) {
  tenant(slug: $slug) {
    evaluationPeriods { code state createdAt closedAt computedAt }
    evaluationScheme { origin scheme }
    evaluationResult(period: "2026", subject: $subject) { subject grade score complete explanation computedAt }
    evaluationResults(period: "2026", subjectKind: "township", first: 3) { items { subject } nextCursor }
  }
}
"""


async def test_taian_and_lanshan_over_graphql(
    client: httpx.AsyncClient, taian: TenantFixture, make_tenant: MakeTenant
) -> None:
    period = (await gql(client, taian.admin, GQL_PERIOD, tenant=taian.slug))["createEvaluationPeriod"]
    assert period == {
        "__typename": "EvaluationPeriod",
        "code": "2026",
        "state": "open",
        "startsOn": "2026-01-01",
        "endsOn": "2026-12-31",
    }
    bad = (await gql(client, taian.admin, GQL_SCORES, tenant=taian.slug, scores=[{**TAIAN_SCORES[0], "score": 101}]))[
        "enterEvaluationScores"
    ]
    assert bad["__typename"] == "Problem" and bad["status"] == 422 and bad["errors"][0]["field"] == "scores[0].score"
    written = (await gql(client, taian.admin, GQL_SCORES, tenant=taian.slug, scores=TAIAN_SCORES))[
        "enterEvaluationScores"
    ]
    assert written == {"__typename": "ScoresWritten", "written": len(TAIAN_SCORES)}
    summary = (await gql(client, taian.admin, GQL_COMPUTE, tenant=taian.slug))["computeEvaluation"]
    assert summary["results"] == 68 and summary["byKind"]["dispatched_agency"] == 7
    tenant = (await gql(client, taian.reader, GQL_RESULTS, slug=taian.slug, subject="shengzhuang-justice-office"))[
        "tenant"
    ]
    office = tenant["evaluationResult"]
    assert office["grade"] == "good" and office["explanation"]["rules"][0]["rule"] == "agency-not-excellent"
    assert len(tenant["evaluationResults"]["items"]) == 3 and tenant["evaluationResults"]["nextCursor"]
    # The fields the GraphQL types once lacked (tests/test_graphql_parity.py), as REST gives them.
    rest = (
        await client.get(
            f"{taian.base}/evaluations/periods/2026/results/shengzhuang-justice-office",
            headers=taian.auth(taian.reader),
        )
    ).json()
    assert office["computedAt"] == summary["computedAt"] == tenant["evaluationPeriods"][0]["computedAt"]
    assert datetime.datetime.fromisoformat(office["computedAt"]) == datetime.datetime.fromisoformat(rest["computed_at"])
    assert tenant["evaluationPeriods"][0]["createdAt"] and tenant["evaluationPeriods"][0]["closedAt"] is None

    # A reader cannot compute; another tenant's key sees nothing.
    refused = (await gql(client, taian.reader, GQL_COMPUTE, tenant=taian.slug))["computeEvaluation"]
    assert refused["__typename"] == "Problem" and refused["status"] == 403
    lanshan = await make_tenant("lanshan")
    hidden = (await gql(client, lanshan.admin, GQL_COMPUTE, tenant=taian.slug))["computeEvaluation"]
    assert hidden["status"] == 404
    nothing = await gql(client, lanshan.admin, GQL_RESULTS, slug=taian.slug, subject=SHENGZHUANG)
    assert nothing["tenant"] is None

    # Lanshan: typed indicators, computed and explained over GraphQL.
    await gql(client, lanshan.admin, GQL_PERIOD, tenant=lanshan.slug)
    root = lanshan.division_code
    marks = {"party-building": 80, "poverty": 80, "environment": 80, "safety": 80}
    marks |= {"industrial-upgrade": 100, "innovation": 100, "park-entry": 100}
    scores = [s("county_township", root, "371302105000", k, v) for k, v in marks.items()]  # 义堂镇, industry-led
    assert (await gql(client, lanshan.admin, GQL_SCORES, tenant=lanshan.slug, scores=scores))["enterEvaluationScores"][
        "written"
    ] == 7
    await gql(client, lanshan.admin, GQL_COMPUTE, tenant=lanshan.slug)
    data = (await gql(client, lanshan.admin, GQL_RESULTS, slug=lanshan.slug, subject="371302105000"))["tenant"]
    result = data["evaluationResult"]
    assert result["score"] == pytest.approx(0.45 * 80 + 55) and result["grade"] == "excellent"
    assert result["explanation"]["township_type"] == "industry"
    assert data["evaluationScheme"]["scheme"]["township_types"][1]["label"] == "工业主导型"


async def test_call_statistics_as_an_indicator_source(client: httpx.AsyncClient, make_tenant: MakeTenant) -> None:
    from tests.call_fixtures import owner_execute
    from tests.test_call_statistics import LONGSHA_CALLS, LONGSHA_STREETS

    longsha = await make_tenant("longsha")
    await owner_execute(LONGSHA_CALLS, longsha.slug, LONGSHA_STREETS)
    scheme = (await client.get(f"{longsha.base}/evaluations/scheme", headers=longsha.auth())).json()
    assert {"name": "call_statistics", "label": "乡呼县应统计（办结率、按时率、满意率）"}.items() <= scheme["sources"][
        1
    ].items()
    doc = copy.deepcopy(scheme["scheme"])
    for ind in doc["indicators"]:
        if ind["code"] == "ct-grid":
            ind.update(label="吹哨事件办结率", source="call_statistics", source_field="closure_rate")
    unknown = copy.deepcopy(doc)
    unknown["indicators"][1]["source_field"] = None
    refused = await client.put(
        f"{longsha.base}/evaluations/scheme", json={"scheme": unknown, "revision": 0}, headers=longsha.auth()
    )
    assert refused.status_code == 422 and "needs a source_field" in refused.text
    unknown["indicators"][1]["source_field"] = "speed"
    refused = await client.put(
        f"{longsha.base}/evaluations/scheme", json={"scheme": unknown, "revision": 0}, headers=longsha.auth()
    )
    assert refused.status_code == 422 and "call_statistics has no field 'speed'" in refused.text
    saved = await client.put(
        f"{longsha.base}/evaluations/scheme", json={"scheme": doc, "revision": 0}, headers=longsha.auth()
    )
    assert saved.status_code == 200, saved.text

    street = LONGSHA_STREETS[0]
    url = f"{longsha.base}/evaluations/periods"
    assert (await client.post(url, json={"code": "2022", "kind": "year"}, headers=longsha.auth())).status_code == 201
    root = longsha.division_code
    entered = [s("county_township", root, street, k, 90) for k in ("ct-party", "ct-petitions", "ct-safety")]
    typed_in = await client.post(
        f"{url}/2022/scores",
        json={"scores": [s("county_township", root, street, "ct-grid", 90)]},
        headers=longsha.auth(),
    )
    assert typed_in.status_code == 422 and "comes from call_statistics" in typed_in.text
    assert (
        await client.post(f"{url}/2022/scores", json={"scores": entered}, headers=longsha.auth())
    ).status_code == 200
    assert (await client.post(f"{url}/2022/compute", headers=longsha.auth())).status_code == 200

    result = (await client.get(f"{url}/2022/results/{street}", headers=longsha.auth())).json()
    grid = next(i for i in relation(result, "county_township")["indicators"] if i["code"] == "ct-grid")
    assert grid["source"] == "call_statistics.closure_rate" and 99 < grid["value"] <= 100
    assert result["complete"] and result["score"] == pytest.approx(0.8 * 90 + 0.2 * grid["value"], abs=1e-3)


def test_the_conformance_kit_checks_evaluation_schemes() -> None:
    from core.plugin_api import registry as plugins
    from core.plugin_api.hookspecs import hookimpl
    from core.plugin_api.testing import check_plugin
    from core.plugin_api.types import CatalogItem, EvaluationScheme, Indicator, Relation
    from tests.test_conformance import _plugin

    for name in ("taian", "lanshan", "longsha", "dongshan", "wenjiang"):
        assert check_plugin(name).problems == [], name

    module = _plugin(
        (CatalogItem("A", "领域", "domain", ("basic",), citations=("《中华人民共和国安全生产法》第九条",)),)
    )

    @hookimpl
    def qingdan_evaluation_scheme() -> EvaluationScheme:
        return EvaluationScheme(
            relations=(Relation("county_township", "县对乡镇", "county", "township"),),
            indicators=(
                Indicator("a", "安全", "county_township", 60, item_code="A"),
                Indicator("b", "其他", "county_township", 30, item_code="B"),
            ),
        )

    module.qingdan_evaluation_scheme = qingdan_evaluation_scheme  # type: ignore[attr-defined]
    plugins.register_module("kit-scheme", module)
    problems = check_plugin("kit-scheme").problems
    assert any("sum to 90, not 100" in p for p in problems), problems
    assert any("B is not in the seed catalog" in p for p in problems), problems


async def test_the_demo_step_computes_taian_and_lanshan(client: httpx.AsyncClient, make_tenant: MakeTenant) -> None:
    import datetime

    from api.demo import PLATFORM, compute_demo_evaluation
    from tenants.access import open_access

    year = str(datetime.date.today().year)
    for plugin, results in (("taian", 68), ("lanshan", 12)):
        t = await make_tenant(plugin)
        await compute_demo_evaluation(await open_access(PLATFORM, t.slug))
        page = (
            await client.get(f"{t.base}/evaluations/periods/{year}/results", params={"limit": 100}, headers=t.auth())
        ).json()
        assert len(page["items"]) == results and all(r["complete"] for r in page["items"])
        assert all(r["explanation"]["relations"][0]["indicators"] for r in page["items"])
        query = (
            "query($s: String!, $p: String!) {"
            " tenant(slug: $s) { evaluationResults(period: $p, first: 100) { items { subject grade } } } }"
        )
        data = await gql(client, t.reader, query, s=t.slug, p=year)
        assert len(data["tenant"]["evaluationResults"]["items"]) == results
