"""Call statistics: Longsha's published figures reproduced from data, every figure checked on a
small hand-computed set, per township and per unit, over HTTP, GraphQL and the Python API."""

from __future__ import annotations

import datetime
from typing import Any

import httpx
import pytest

from core.calls.statistics import call_statistics
from core.platform import db
from core.security.access import Principal, Role
from tenants.access import open_access
from tests.call_fixtures import EMERGENCY, NATURAL, SHENGZHUANG, Taian, owner_execute, taian_tenant
from tests.conftest import MakeTenant, TenantFixture, issue_key

LONGSHA_STREETS = [f"230202{n:03d}000" for n in range(1, 8)]
YEAR = {"start": "2022-01-01", "end": "2022-12-31"}

# 2022: 8461 events received, 8429 closed (99.62%), satisfaction 99.35% (seed 001).
LONGSHA_CALLS = """
INSERT INTO calls (tenant_id, township_code, subject, description, call_class, state, raised_at,
                   sign_deadline, answer_deadline, signed_at, answered_at, closed_at, resolved, satisfaction)
SELECT t.id, ($2::text[])[1 + g % 7], '吹哨事件 ' || g, '街道吹哨、部门报到', 'complex',
       CASE WHEN g <= 8429 THEN 'closed' ELSE 'in_progress' END,
       r.at, r.at + interval '1 day', r.at + interval '5 days',
       r.at + (g % 20) * interval '1 hour',
       CASE WHEN g <= 8429 THEN r.at + (1 + g % 4) * interval '1 day' END,
       CASE WHEN g <= 8429 THEN r.at + (1 + g % 4) * interval '1 day' + interval '2 hours' END,
       CASE WHEN g <= 8429 THEN true END,
       CASE WHEN g <= 8374 AND g % 10 = 0 THEN 'basically_satisfied'
            WHEN g <= 8374 THEN 'satisfied'
            WHEN g <= 8429 THEN 'dissatisfied' END
FROM tenants t, generate_series(1, 8461) AS g,
     LATERAL (SELECT timestamptz '2022-01-01 09:00+08' + (g % 364) * interval '1 day' AS at) r
WHERE t.slug = $1
"""


async def test_longsha_figures_are_reproduced(
    client: httpx.AsyncClient, make_tenant: MakeTenant, other: TenantFixture
) -> None:
    longsha = await make_tenant(plugin="longsha")
    await owner_execute(LONGSHA_CALLS, longsha.slug, LONGSHA_STREETS)
    url = f"{longsha.base}/calls/statistics"

    response = await client.get(url, params=YEAR, headers=longsha.auth(longsha.reader))
    assert response.status_code == 200, response.text
    figures = response.json()
    assert (figures["received"], figures["closed"]) == (8461, 8429)
    assert round(figures["closure_rate"] * 100, 2) == 99.62
    assert figures["satisfaction"]["rated"] == 8429 and figures["satisfaction"]["dissatisfied"] == 55
    assert round(figures["satisfaction"]["rate"] * 100, 2) == 99.35

    data = await client.post(
        "/graphql",
        json={
            "query": 'query($s: String!) { tenant(slug: $s) { callStatistics(start: "2022-01-01", end: "2022-12-31")'
            " { received closed closureRate satisfaction { rate } } } }",
            "variables": {"s": longsha.slug},
        },
        headers=longsha.auth(),
    )
    graph = data.json()["data"]["tenant"]["callStatistics"]
    assert round(graph["closureRate"] * 100, 2) == 99.62 and round(graph["satisfaction"]["rate"] * 100, 2) == 99.35

    # the evaluation reads the same function
    access = await open_access(Principal(None, Role.PLATFORM, None, name="evaluation"), longsha.slug)
    view = await call_statistics(
        access, start=datetime.date(2022, 1, 1), end=datetime.date(2022, 12, 31), township=LONGSHA_STREETS[1]
    )
    assert view.received == 8461 // 7 + (1 if 8461 % 7 >= 1 else 0)  # g % 7 == 1 → the second street
    db.queries.count = 0
    await call_statistics(access, start=datetime.date(2022, 1, 1), end=datetime.date(2022, 12, 31))
    assert db.queries.count == 3  # BEGIN with the tenant, one statement, COMMIT

    by_street = await client.get(f"{url}/grouped", params={**YEAR, "by": "township"}, headers=longsha.auth())
    assert [s["township"] for s in by_street.json()] == LONGSHA_STREETS
    assert sum(s["received"] for s in by_street.json()) == 8461

    # another tenant gets nothing of it; its own statistics are empty
    assert (await client.get(url, params=YEAR, headers=other.auth())).status_code == 404
    own = await client.get(f"{other.base}/calls/statistics", params=YEAR, headers=other.auth())
    assert own.json()["received"] == 0 and own.json()["closure_rate"] is None


# Ten calls of 省庄镇 in March 2024, call i (1…10): signed i hours after raising (deadline 5 h);
# answered 8·i hours after (deadline 72 h) and closed an hour later for i ≤ 8; 9 and 10 still
# open; 1 and 2 sent back once, 3 redone once; ratings: 1–6 satisfied, 7 basically, 8 not.
SMALL_CALLS = """
WITH c AS (
  INSERT INTO calls (tenant_id, township_code, subject, description, call_class, state, raised_at, sign_deadline,
                     answer_deadline, signed_at, answered_at, closed_at, resolved, satisfaction, redo_count,
                     send_back_count)
  SELECT t.id, $2, '事件 ' || i, '测试', 'key', CASE WHEN i <= 8 THEN 'closed' ELSE 'in_progress' END,
         r.at, r.at + interval '5 hours', r.at + interval '72 hours', r.at + i * interval '1 hour',
         CASE WHEN i <= 8 THEN r.at + 8 * i * interval '1 hour' END,
         CASE WHEN i <= 8 THEN r.at + (8 * i + 1) * interval '1 hour' END,
         CASE WHEN i <= 8 THEN true END,
         CASE WHEN i <= 6 THEN 'satisfied' WHEN i = 7 THEN 'basically_satisfied' WHEN i = 8 THEN 'dissatisfied' END,
         CASE WHEN i = 3 THEN 1 ELSE 0 END, CASE WHEN i <= 2 THEN 1 ELSE 0 END
  FROM tenants t, generate_series(1, 10) AS i,
       LATERAL (SELECT timestamptz '2024-03-01 09:00+08' + i * interval '1 day' AS at) r
  WHERE t.slug = $1
  RETURNING tenant_id, id, raised_at, signed_at, answered_at, sign_deadline, answer_deadline, send_back_count,
            subject
)
INSERT INTO call_dispatches (tenant_id, call_id, unit_code, role, state, raised_at, dispatched_at, sign_deadline,
                             answer_deadline, signed_at, answered_at, sent_back_at, send_back_reason)
SELECT tenant_id, id, $3, 'primary',
       CASE WHEN send_back_count > 0 THEN 'sent_back' WHEN answered_at IS NULL THEN 'in_progress' ELSE 'answered' END,
       raised_at, raised_at, sign_deadline, answer_deadline,
       CASE WHEN send_back_count = 0 THEN signed_at END, CASE WHEN send_back_count = 0 THEN answered_at END,
       CASE WHEN send_back_count > 0 THEN raised_at END, CASE WHEN send_back_count > 0 THEN '不属本单位' END
FROM c
UNION ALL
SELECT tenant_id, id, $4, 'cooperating', 'answered', raised_at, raised_at, sign_deadline, answer_deadline,
       signed_at, answered_at, NULL, NULL
FROM c WHERE subject = '事件 1'
"""


@pytest.fixture
async def taian(client: httpx.AsyncClient, make_tenant: MakeTenant) -> Taian:
    return await taian_tenant(client, make_tenant)


async def stats(client: httpx.AsyncClient, taian: Taian, key: str | None = None, **params: Any) -> httpx.Response:
    return await client.get(
        f"{taian.calls}/statistics",
        params={"start": "2024-03-01", "end": "2024-03-31", **params},
        headers=taian.auth(key),
    )


async def test_every_figure_on_a_small_set(client: httpx.AsyncClient, taian: Taian) -> None:
    await owner_execute(SMALL_CALLS, taian.t.slug, SHENGZHUANG, EMERGENCY, NATURAL)
    response = await stats(client, taian, township=SHENGZHUANG)
    assert response.status_code == 200, response.text
    s = response.json()
    assert s["received"] == 10
    assert (s["signed_on_time"], s["signed_on_time_rate"]) == (5, 0.5)
    assert (s["closed"], s["closure_rate"]) == (8, 0.8)
    assert (s["closed_on_time"], s["on_time_closure_rate"]) == (8, 1.0)
    assert (s["sent_back"], s["send_back_rate"]) == (2, 0.2)
    assert (s["redone"], s["redo_rate"]) == (1, 0.1)
    assert s["overdue"] == 5  # 6–10 signed late (9 and 10 are also past the answer deadline)
    assert (s["mean_response_hours"], s["p90_response_hours"]) == (5.5, 9.1)
    assert (s["mean_resolution_hours"], s["p90_resolution_hours"]) == (37.0, 59.4)
    assert s["satisfaction"] == {
        "satisfied": 6,
        "basically_satisfied": 1,
        "dissatisfied": 1,
        "rated": 8,
        "rate": 0.875,
    }
    assert (await stats(client, taian)).json()["received"] == 10  # the whole tenant
    later = await stats(client, taian, start="2024-03-06")
    assert later.json()["received"] == 6  # calls 5…10 were raised on 2024-03-06…03-11 (China time)

    unit = (await stats(client, taian, unit=EMERGENCY)).json()
    assert (unit["received"], unit["sent_back"], unit["closed"]) == (10, 2, 6)
    assert unit["p90_response_hours"] == 9.3  # 3…10 hours from dispatch to signing
    assert unit["satisfaction"]["rated"] == 6

    by_unit = await client.get(
        f"{taian.calls}/statistics/grouped",
        params={"start": "2024-03-01", "end": "2024-03-31", "by": "unit"},
        headers=taian.auth(),
    )
    assert [(u["unit"], u["received"]) for u in by_unit.json()] == [(EMERGENCY, 10), (NATURAL, 1)]


async def test_who_reads_which_statistics(client: httpx.AsyncClient, taian: Taian) -> None:
    await owner_execute(SMALL_CALLS, taian.t.slug, SHENGZHUANG, EMERGENCY, NATURAL)
    # a department reads its own unit's figures, whatever it asks for
    own = await stats(client, taian, taian.natural)
    assert own.status_code == 200 and own.json()["unit"] == NATURAL and own.json()["received"] == 1
    assert (await stats(client, taian, taian.natural, unit=EMERGENCY)).status_code == 403
    assert (await stats(client, taian, taian.natural, township=SHENGZHUANG)).status_code == 403
    # a township its own township's
    assert (await stats(client, taian, taian.township)).json()["received"] == 10
    assert (await stats(client, taian, taian.other_township, township=SHENGZHUANG)).status_code == 403
    assert (await stats(client, taian, taian.other_township)).json()["received"] == 0
    grouped = await client.get(
        f"{taian.calls}/statistics/grouped",
        params={"start": "2024-03-01", "end": "2024-03-31", "by": "township"},
        headers=taian.auth(taian.township),
    )
    assert grouped.status_code == 403
    # bad input
    bad = await stats(client, taian, start="2024-04-01", end="2024-03-01")
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "end"
    assert (await stats(client, taian, start="March")).status_code == 400
    both = await stats(client, taian, township=SHENGZHUANG, unit=EMERGENCY)
    assert both.status_code == 422 and both.json()["errors"][0]["field"] == "unit"
    wrong = await client.get(
        f"{taian.calls}/statistics/grouped",
        params={"start": "2024-03-01", "end": "2024-03-31", "by": "street"},
        headers=taian.auth(),
    )
    assert wrong.status_code == 400


async def test_a_new_township_key_sees_only_its_violations(client: httpx.AsyncClient, taian: Taian) -> None:
    await owner_execute(SMALL_CALLS, taian.t.slug, SHENGZHUANG, EMERGENCY, NATURAL)
    period = {"start": "2024-03-01", "end": "2024-03-31"}
    everything = (await client.get(f"{taian.calls}/violations", params=period, headers=taian.auth())).json()
    kinds = {(v["unit_code"], v["kind"], v["stage"]) for v in everything}
    assert (EMERGENCY, "late_response", "sign") in kinds  # calls 6…10, signed after 5 h
    assert (EMERGENCY, "no_response", "answer") in kinds  # calls 9 and 10, never answered
    assert sum(1 for v in everything if v["kind"] == "no_response") == 2
    mine = await client.get(f"{taian.calls}/violations", params=period, headers=taian.auth(taian.natural))
    assert {v["unit_code"] for v in mine.json()} <= {NATURAL}
    key = await issue_key(taian.t, client, "township", "370902101000")  # 邱家店镇
    assert (await client.get(f"{taian.calls}/violations", params=period, headers=taian.auth(key))).json() == []
