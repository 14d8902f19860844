"""Working days and deadlines: the national calendar with 调休, tenant overrides, hours."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import httpx
import pytest

from core.jurisdictions import calendar
from core.jurisdictions.calendar import TenantCalendar
from core.platform.db import tenant_transaction
from core.platform.errors import ValidationFailed
from core.security.tenancy import find_tenant
from tests.conftest import TenantFixture

SH = ZoneInfo("Asia/Shanghai")
NATIONAL = TenantCalendar({})


def test_national_2026_spring_festival_and_make_up_saturdays() -> None:
    # 2026 春节: 2月15日(日)–23日(一) off; 2月14日(六) and 2月28日(六) are make-up working days.
    assert NATIONAL.is_working_day(date(2026, 2, 14))
    assert NATIONAL.is_working_day(date(2026, 2, 28))
    assert not any(NATIONAL.is_working_day(date(2026, 2, d)) for d in range(15, 24))
    assert NATIONAL.is_working_day(date(2026, 2, 24))
    # 国庆/中秋: 10月1日–7日 off, 9月20日(日) and 10月10日(六) are working days.
    assert NATIONAL.is_working_day(date(2026, 9, 20))
    assert NATIONAL.is_working_day(date(2026, 10, 10))
    assert not any(NATIONAL.is_working_day(date(2026, 10, d)) for d in range(1, 8))
    # An ordinary weekend is not.
    assert not NATIONAL.is_working_day(date(2026, 3, 7))
    # 2027 (no schedule announced yet): statutory holidays still count.
    assert not NATIONAL.is_working_day(date(2027, 10, 1))
    assert not NATIONAL.is_working_day(date(2027, 2, 8))


def test_counting_rules() -> None:
    # Start day never counts; a make-up Saturday does.
    assert NATIONAL.add_working_days(date(2026, 2, 13), 1) == date(2026, 2, 14)
    assert NATIONAL.add_working_days(date(2026, 2, 13), 2) == date(2026, 2, 24)
    assert NATIONAL.add_working_days(date(2026, 9, 30), 1) == date(2026, 10, 8)
    assert NATIONAL.add_working_days(date(2026, 9, 30), 3) == date(2026, 10, 10)
    # Zero: the start day itself if it is a working day, else the next one.
    assert NATIONAL.add_working_days(date(2026, 10, 9), 0) == date(2026, 10, 9)
    assert NATIONAL.add_working_days(date(2026, 10, 3), 0) == date(2026, 10, 8)
    assert NATIONAL.working_days_between(date(2026, 9, 30), date(2026, 10, 10)) == 3
    assert NATIONAL.working_days_between(date(2026, 10, 10), date(2026, 9, 30)) == -3


async def _tenant_id(t: TenantFixture) -> object:
    found = await find_tenant(t.slug)
    assert found is not None
    return found.id


async def test_deadline_function(tenant: TenantFixture) -> None:
    tenant_id = await _tenant_id(tenant)
    async with tenant_transaction(tenant_id) as conn:  # type: ignore[arg-type]
        # Started on a holiday evening: five working days are 10-08, 09, 10(六), 12, 13.
        start = datetime(2026, 10, 2, 21, 30, tzinfo=SH)
        due = await calendar.deadline(conn, tenant_id, start, working_days=5)
        assert due == datetime(2026, 10, 13, 23, 59, 59, tzinfo=SH)
        # Counted on the Shanghai date: 2026-09-30T17:00Z is already 10-01 in Shanghai.
        utc = datetime(2026, 9, 30, 17, 0, tzinfo=ZoneInfo("UTC"))
        assert (await calendar.deadline(conn, tenant_id, utc, working_days=1)).date() == date(2026, 10, 8)
        # Hours run through holidays.
        due = await calendar.deadline(conn, tenant_id, start, hours=24)
        assert due == start + timedelta(hours=24)
        assert await calendar.is_working_day(conn, tenant_id, date(2026, 2, 28))
        assert await calendar.working_days_between(conn, tenant_id, date(2026, 2, 13), date(2026, 2, 24)) == 2
        with pytest.raises(ValidationFailed):
            await calendar.deadline(conn, tenant_id, start)
        with pytest.raises(ValidationFailed):
            await calendar.deadline(conn, tenant_id, start, working_days=1, hours=2)
        with pytest.raises(ValidationFailed):
            await calendar.deadline(conn, tenant_id, datetime(2026, 10, 2, 9), working_days=1)
        with pytest.raises(ValidationFailed):
            await calendar.deadline(conn, tenant_id, start, working_days=-1)


async def test_tenant_overrides_change_deadlines(client: httpx.AsyncClient, tenant: TenantFixture) -> None:
    params = {"start": "2026-10-09T10:00:00+08:00", "working_days": 1}
    before = await client.get(f"{tenant.base}/calendar/deadline", params=params, headers=tenant.auth())
    assert before.status_code == 200, before.text
    assert before.json()["deadline"] == "2026-10-10T23:59:59+08:00"  # the make-up Saturday

    # A typhoon day off on the make-up Saturday, and a local working Sunday.
    off = await client.put(
        f"{tenant.base}/calendar/overrides/2026-10-10",
        json={"kind": "holiday", "name": "台风停工"},
        headers=tenant.auth(),
    )
    assert off.status_code == 201, off.text
    assert off.json()["kind_label"] == "休息日"
    on = await client.put(
        f"{tenant.base}/calendar/overrides/2026-10-11", json={"kind": "workday", "name": "补班"}, headers=tenant.auth()
    )
    assert on.status_code == 201
    after = await client.get(f"{tenant.base}/calendar/deadline", params=params, headers=tenant.auth())
    assert after.json()["deadline"] == "2026-10-11T23:59:59+08:00"

    changed = await client.put(
        f"{tenant.base}/calendar/overrides/2026-10-11", json={"kind": "holiday"}, headers=tenant.auth()
    )
    assert changed.status_code == 200 and changed.json()["kind"] == "holiday"
    after = await client.get(f"{tenant.base}/calendar/deadline", params=params, headers=tenant.auth())
    assert after.json()["deadline"] == "2026-10-12T23:59:59+08:00"

    days = await client.get(
        f"{tenant.base}/calendar/days",
        params={"from": "2026-10-07", "to": "2026-10-12"},
        headers=tenant.auth(tenant.reader),
    )
    assert days.status_code == 200
    table = {d["day"]: (d["working"], d["source"]) for d in days.json()}
    assert table == {
        "2026-10-07": (False, "national"),
        "2026-10-08": (True, "national"),
        "2026-10-09": (True, "national"),
        "2026-10-10": (False, "tenant"),
        "2026-10-11": (False, "tenant"),
        "2026-10-12": (True, "national"),
    }
    listed = await client.get(f"{tenant.base}/calendar/overrides", params={"year": 2026}, headers=tenant.auth())
    assert [o["day"] for o in listed.json()] == ["2026-10-10", "2026-10-11"]

    cleared = await client.delete(f"{tenant.base}/calendar/overrides/2026-10-10", headers=tenant.auth())
    assert cleared.status_code == 204
    again = await client.delete(f"{tenant.base}/calendar/overrides/2026-10-10", headers=tenant.auth())
    assert again.status_code == 404
    audit = await client.get(
        f"{tenant.base}/audit-events", params={"entity": "calendar_override"}, headers=tenant.auth()
    )
    assert [e["action"] for e in audit.json()["items"]] == ["clear", "set", "set", "set"]


async def test_hours_deadline_over_rest(client: httpx.AsyncClient, tenant: TenantFixture) -> None:
    response = await client.get(
        f"{tenant.base}/calendar/deadline",
        params={"start": "2026-10-01T08:00:00+08:00", "hours": 2},
        headers=tenant.auth(tenant.reader),
    )
    assert response.status_code == 200
    assert response.json()["deadline"] == "2026-10-01T10:00:00+08:00"


async def test_roles_isolation_and_bad_input(
    client: httpx.AsyncClient, tenant: TenantFixture, other: TenantFixture
) -> None:
    url = f"{tenant.base}/calendar/overrides/2026-05-06"
    denied = await client.put(url, json={"kind": "holiday"}, headers=tenant.auth(tenant.reader))
    assert denied.status_code == 403
    assert (await client.delete(url, headers=tenant.auth(tenant.reader))).status_code == 403
    # Another tenant's admin: 404, and nothing written.
    assert (await client.put(url, json={"kind": "holiday"}, headers=other.auth())).status_code == 404
    assert (await client.get(f"{tenant.base}/calendar/overrides", headers=other.auth())).status_code == 404
    assert (await client.delete(url, headers=other.auth())).status_code == 404
    span = {"from": "2026-10-01", "to": "2026-10-02"}
    assert (await client.get(f"{tenant.base}/calendar/days", params=span, headers=other.auth())).status_code == 404
    due = {"start": "2026-10-01T08:00:00+08:00", "working_days": 1}
    assert (await client.get(f"{tenant.base}/calendar/deadline", params=due, headers=other.auth())).status_code == 404
    bad = [
        ({"kind": "vacation"}, 400),
        ({"kind": "holiday", "extra": 1}, 400),
        ({"kind": "holiday", "name": "x" * 201}, 422),
    ]
    for body, status in bad:
        response = await client.put(url, json=body, headers=tenant.auth())
        assert response.status_code == status, (body, response.text)
    assert (
        await client.put(
            f"{tenant.base}/calendar/overrides/2026-13-01", json={"kind": "holiday"}, headers=tenant.auth()
        )
    ).status_code in (400, 404)
    assert (await client.get(f"{tenant.base}/calendar/overrides", headers=tenant.auth())).json() == []
    ranges = [
        {"from": "2026-10-10", "to": "2026-10-01"},
        {"from": "2026-01-01", "to": "2027-06-01"},
    ]
    for params in ranges:
        response = await client.get(f"{tenant.base}/calendar/days", params=params, headers=tenant.auth())
        assert response.status_code == 422 and response.json()["errors"][0]["field"] == "to"
    deadlines = [
        ({"start": "2026-10-01T08:00:00+08:00"}, "working_days"),
        ({"start": "2026-10-01T08:00:00+08:00", "working_days": 1, "hours": 1}, "working_days"),
        ({"start": "2026-10-01T08:00:00", "working_days": 1}, "start"),
        ({"start": "2026-10-01T08:00:00+08:00", "hours": 0}, "hours"),
    ]
    for params, field in deadlines:
        response = await client.get(f"{tenant.base}/calendar/deadline", params=params, headers=tenant.auth())
        assert response.status_code == 422, response.text
        assert response.json()["errors"][0]["field"] == field


async def test_graphql_calendar(client: httpx.AsyncClient, tenant: TenantFixture, other: TenantFixture) -> None:
    set_day = """mutation($t: String!) { setCalendarOverride(tenant: $t, day: "2026-10-10", kind: "holiday",
                   name: "台风停工") { ... on CalendarOverride { day kindLabel }
                   ... on Problem { status errors { field } } } }"""
    done = await client.post(
        "/graphql", json={"query": set_day, "variables": {"t": tenant.slug}}, headers=tenant.auth()
    )
    assert done.json()["data"]["setCalendarOverride"] == {"day": "2026-10-10", "kindLabel": "休息日"}
    denied = await client.post(
        "/graphql", json={"query": set_day, "variables": {"t": tenant.slug}}, headers=tenant.auth(tenant.reader)
    )
    assert denied.json()["data"]["setCalendarOverride"]["status"] == 403
    foreign = await client.post(
        "/graphql", json={"query": set_day, "variables": {"t": tenant.slug}}, headers=other.auth()
    )
    assert foreign.json()["data"]["setCalendarOverride"]["status"] == 404
    bad = set_day.replace('kind: "holiday"', 'kind: "vacation"')
    refused = await client.post("/graphql", json={"query": bad, "variables": {"t": tenant.slug}}, headers=tenant.auth())
    assert refused.json()["data"]["setCalendarOverride"]["status"] == 400

    query = """query($t: String!) { tenant(slug: $t) {
        calendarDays(from: "2026-10-09", to: "2026-10-10") { day working source name }
        calendarOverrides(year: 2026) { day kind }
        deadline(start: "2026-10-09T10:00:00+08:00", workingDays: 1) { deadline }
        emergency: deadline(start: "2026-10-09T10:00:00+08:00", hours: 4) { deadline } } }"""
    body = (
        await client.post(
            "/graphql", json={"query": query, "variables": {"t": tenant.slug}}, headers=tenant.auth(tenant.reader)
        )
    ).json()
    node = body["data"]["tenant"]
    assert [(d["day"], d["working"], d["source"]) for d in node["calendarDays"]] == [
        ("2026-10-09", True, "national"),
        ("2026-10-10", False, "tenant"),
    ]
    assert node["calendarOverrides"] == [{"day": "2026-10-10", "kind": "holiday"}]
    assert node["deadline"]["deadline"] == "2026-10-12T23:59:59+08:00"
    assert node["emergency"]["deadline"] == "2026-10-09T14:00:00+08:00"
    clear = """mutation($t: String!) { clearCalendarOverride(tenant: $t, day: "2026-10-10") {
                 ... on CalendarDayCleared { day } ... on Problem { status } } }"""
    cleared = await client.post(
        "/graphql", json={"query": clear, "variables": {"t": tenant.slug}}, headers=tenant.auth()
    )
    assert cleared.json()["data"]["clearCalendarOverride"] == {"day": "2026-10-10"}
