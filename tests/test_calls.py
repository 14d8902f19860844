"""Calls (乡呼县应) end to end over HTTP and GraphQL: dispatch by the list, late answers
reported, send-back and re-routing logged, extensions, urging, attachments, roles, tenancy."""

from __future__ import annotations

import base64
import dataclasses
import datetime
from typing import Any

import httpx
import pytest

from api.app import create_app
from core.platform.settings import Settings
from tests.call_fixtures import (
    EMERGENCY,
    FOREST_FIRE,
    NATURAL,
    SHENGZHUANG,
    Taian,
    fire_call,
    owner_execute,
    owner_fetchrow,
    owner_fetchval,
    taian_tenant,
)
from tests.conftest import MakeTenant, TenantFixture


@pytest.fixture
async def taian(client: httpx.AsyncClient, make_tenant: MakeTenant) -> Taian:
    return await taian_tenant(client, make_tenant)


def china_today() -> str:
    """Periods are China dates (UTC+8)."""
    return datetime.datetime.now(datetime.timezone(datetime.timedelta(hours=8))).date().isoformat()


async def raise_fire(client: httpx.AsyncClient, taian: Taian, **changes: Any) -> dict[str, Any]:
    response = await client.post(taian.calls, json=fire_call(**changes), headers=taian.auth(taian.township))
    assert response.status_code == 201, response.text
    return response.json()


async def act(client: httpx.AsyncClient, taian: Taian, key: str, path: str, body: Any = None) -> httpx.Response:
    return await client.post(f"{taian.calls}/{path}", json=body, headers=taian.auth(key))


async def history(client: httpx.AsyncClient, taian: Taian, call_id: str) -> list[dict[str, Any]]:
    response = await client.get(f"{taian.calls}/{call_id}/history", headers=taian.auth())
    assert response.status_code == 200, response.text
    return response.json()


async def graphql(client: httpx.AsyncClient, key: str, query: str, **variables: Any) -> dict[str, Any]:
    response = await client.post(
        "/graphql", json={"query": query, "variables": variables}, headers={"Authorization": f"Bearer {key}"}
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert "errors" not in body, body
    return body["data"]


async def test_emergency_call_dispatched_by_the_list_and_a_late_answer_reported(
    client: httpx.AsyncClient, taian: Taian
) -> None:
    call = await raise_fire(client, taian)
    assert call["state"] == "dispatched" and call["call_class_label"] == "应急事项"
    units = {d["unit_code"]: d for d in call["dispatches"]}
    assert set(units) == {EMERGENCY, NATURAL}  # the parties of 森林防火 on 省庄镇's list
    assert {d["role"] for d in units.values()} == {"cooperating"}  # the township leads this item
    for d in units.values():  # Tai'an's emergencies count in hours: report within 1 h, answer within 12 h
        dispatched = datetime.datetime.fromisoformat(d["dispatched_at"])
        assert datetime.datetime.fromisoformat(d["sign_deadline"]) - dispatched == datetime.timedelta(hours=1)
        assert datetime.datetime.fromisoformat(d["answer_deadline"]) - dispatched == datetime.timedelta(hours=12)
    call_id = call["id"]

    signed = await act(client, taian, taian.emergency, f"{call_id}/dispatches/{EMERGENCY}/sign-for")
    assert signed.status_code == 200, signed.text
    assert (await act(client, taian, taian.natural, f"{call_id}/dispatches/{NATURAL}/sign-for")).json()[
        "state"
    ] == "signed_for"
    answered = await act(
        client, taian, taian.emergency, f"{call_id}/dispatches/{EMERGENCY}/answer", {"feedback": "已调度专业扑火队到场"}
    )
    assert answered.json()["state"] == "in_progress"

    # 自然资源和规划局 answers a day and a half after the call: move its clock back.
    # The new times are computed here: Citus refuses `column - interval` (a STABLE operator) in an UPDATE.
    clock = ("dispatched_at", "sign_deadline", "answer_deadline", "signed_at")
    times = await owner_fetchrow(
        f"SELECT {', '.join(clock)} FROM call_dispatches WHERE call_id = $1 AND unit_code = $2", call_id, NATURAL
    )
    back = datetime.timedelta(hours=36)
    await owner_execute(
        f"UPDATE call_dispatches SET {', '.join(f'{c} = ${n}' for n, c in enumerate(clock, 3))}"
        " WHERE call_id = $1 AND unit_code = $2",
        call_id,
        NATURAL,
        *(None if times[c] is None else times[c] - back for c in clock),
    )
    late = await act(client, taian, taian.natural, f"{call_id}/dispatches/{NATURAL}/answer", {"feedback": "已补植"})
    assert late.status_code == 200 and late.json()["state"] == "answered"
    overdue = {d["unit_code"]: d["overdue"] for d in late.json()["dispatches"]}
    assert overdue == {EMERGENCY: [], NATURAL: ["answer"]}

    today = china_today()
    reported = await client.get(
        f"{taian.calls}/violations", params={"start": today, "end": today}, headers=taian.auth()
    )
    assert reported.status_code == 200, reported.text
    assert [(v["unit_code"], v["kind"], v["stage"]) for v in reported.json()] == [(NATURAL, "late_response", "answer")]
    assert reported.json()[0]["overdue_minutes"] >= 24 * 60 - 1  # 36 h after dispatch, 12 h allowed

    feed = await client.get(f"{taian.t.base}/events", params={"type": "call.late_response"}, headers=taian.auth())
    assert [(e["data"]["unit_code"], e["data"]["stage"]) for e in feed.json()["items"]] == [(NATURAL, "answer")]
    everything = await client.get(f"{taian.t.base}/events", params={"type": "call.*"}, headers=taian.auth())
    assert {"call.raise", "call.dispatch", "call.sign_for", "call.answer"} <= {
        e["type"] for e in everything.json()["items"]
    }

    closed = await act(
        client, taian, taian.township, f"{call_id}/follow-up", {"resolved": True, "satisfaction": "satisfied"}
    )
    assert closed.status_code == 200 and closed.json()["state"] == "closed"

    # The same, through GraphQL.
    data = await graphql(
        client,
        taian.t.admin,
        """query($slug: String!, $id: String!, $d: Date!) { tenant(slug: $slug) {
             call(id: $id) { state callClass dispatches { unitCode role state overdue } }
             callViolations(start: $d, end: $d) { unitCode kind stage }
           } }""",
        slug=taian.t.slug,
        id=call_id,
        d=today,
    )
    node = data["tenant"]
    assert node["call"]["state"] == "closed"
    assert {d["unitCode"]: d["overdue"] for d in node["call"]["dispatches"]} == {EMERGENCY: [], NATURAL: ["answer"]}
    assert node["callViolations"] == [{"unitCode": NATURAL, "kind": "late_response", "stage": "answer"}]

    steps = [(s["action"], s["unit_code"]) for s in await history(client, taian, call_id)]
    assert steps[0] == ("raise", None)
    assert ("sign_for", NATURAL) in steps and ("answer", NATURAL) in steps and steps[-1] == ("follow_up", None)


async def test_a_call_by_text_finds_the_item_on_the_list(client: httpx.AsyncClient, taian: Taian) -> None:
    call = await raise_fire(
        client, taian, item_code=None, subject="山林起火", description="护林员发现森林火情，请求扑救支援"
    )
    assert EMERGENCY in {d["unit_code"] for d in call["dispatches"]}


async def test_emergency_call_through_graphql(client: httpx.AsyncClient, taian: Taian) -> None:
    data = await graphql(
        client,
        taian.township,
        """mutation($slug: String!, $input: CallInput!) { raiseCall(tenant: $slug, input: $input) {
             __typename ... on Call { id state dispatches { unitCode } } ... on Problem { status detail } } }""",
        slug=taian.t.slug,
        input={
            "townshipCode": SHENGZHUANG,
            "subject": "山林起火",
            "description": "请求支援",
            "callClass": "emergency",
            "itemCode": FOREST_FIRE,
        },
    )
    call = data["raiseCall"]
    assert call["__typename"] == "Call" and {d["unitCode"] for d in call["dispatches"]} == {EMERGENCY, NATURAL}
    signed = await graphql(
        client,
        taian.emergency,
        """mutation($slug: String!, $id: String!, $unit: String!) { signForCall(tenant: $slug, id: $id, unit: $unit) {
             __typename ... on Call { dispatches { unitCode state } } ... on Problem { status } } }""",
        slug=taian.t.slug,
        id=call["id"],
        unit=EMERGENCY,
    )
    states = {d["unitCode"]: d["state"] for d in signed["signForCall"]["dispatches"]}
    assert states[EMERGENCY] == "signed_for"
    refused = await graphql(
        client,
        taian.natural,
        """mutation($slug: String!, $id: String!, $unit: String!) { signForCall(tenant: $slug, id: $id, unit: $unit) {
             __typename ... on Problem { status } } }""",
        slug=taian.t.slug,
        id=call["id"],
        unit=EMERGENCY,
    )
    assert refused["signForCall"] == {"__typename": "Problem", "status": 403}
    attached = await graphql(
        client,
        taian.township,
        """mutation($slug: String!, $id: String!, $file: AttachmentInput!) {
             attachToCall(tenant: $slug, id: $id, input: $file) {
               __typename ... on CallAttachment { filename size } ... on Problem { status errors { field } } } }""",
        slug=taian.t.slug,
        id=call["id"],
        file={
            "filename": "现场.png",
            "contentType": "image/png",
            "contentBase64": base64.b64encode(b"\x89PNG\r\n\x1a\n").decode(),  # checked by content
        },
    )
    assert attached["attachToCall"] == {"__typename": "CallAttachment", "filename": "现场.png", "size": 8}
    refused = await graphql(
        client,
        taian.township,
        """mutation($slug: String!, $id: String!, $file: AttachmentInput!) {
             attachToCall(tenant: $slug, id: $id, input: $file) {
               __typename ... on Problem { status errors { field } } } }""",
        slug=taian.t.slug,
        id=call["id"],
        file={"filename": "a.exe", "contentType": "application/x-msdownload", "contentBase64": "AA=="},
    )
    assert refused["attachToCall"] == {"__typename": "Problem", "status": 415, "errors": [{"field": "contentType"}]}
    read = await graphql(
        client,
        taian.emergency,
        """query($slug: String!, $id: String!) { tenant(slug: $slug) {
             call(id: $id) { history { action unitCode } attachments { filename downloadUrl } } } }""",
        slug=taian.t.slug,
        id=call["id"],
    )
    node = read["tenant"]["call"]
    assert [a["filename"] for a in node["attachments"]] == ["现场.png"] and "/files/" in node["attachments"][0][
        "downloadUrl"
    ]
    assert {"action": "sign_for", "unitCode": EMERGENCY} in node["history"]
    hidden = await graphql(
        client,
        taian.justice,
        "query($s: String!, $id: String!) { tenant(slug: $s) { call(id: $id) { id } } }",
        s=taian.t.slug,
        id=call["id"],
    )
    assert hidden["tenant"]["call"] is None


async def test_send_back_citing_the_list_and_re_routing_are_logged(client: httpx.AsyncClient, taian: Taian) -> None:
    call = await raise_fire(client, taian)
    call_id = call["id"]
    no_reason = await act(
        client, taian, taian.natural, f"{call_id}/dispatches/{NATURAL}/send-back", {"item_code": FOREST_FIRE}
    )
    assert no_reason.status_code == 400 and no_reason.json()["errors"][0]["field"] == "reason"
    back = await act(
        client,
        taian,
        taian.natural,
        f"{call_id}/dispatches/{NATURAL}/send-back",
        {"reason": "清单TA-YJ-005中本局仅负责防火宣传和设施建设，扑救不属本局职责", "item_code": FOREST_FIRE},
    )
    assert back.status_code == 200, back.text
    body = back.json()
    assert body["send_back_count"] == 1
    assert {d["unit_code"]: d["state"] for d in body["dispatches"]} == {EMERGENCY: "dispatched", NATURAL: "sent_back"}
    proposal = await client.get(f"{taian.calls}/{call_id}/proposal", headers=taian.auth())
    assert [p["unit_code"] for p in proposal.json()] == [EMERGENCY]  # the list, without who sent it back

    # 应急管理局 sends it back too: nobody is left on the list, the county office routes it.
    back = await act(
        client,
        taian,
        taian.emergency,
        f"{call_id}/dispatches/{EMERGENCY}/send-back",
        {"reason": "请林业部门牵头", "item_code": FOREST_FIRE},
    )
    assert back.json()["state"] == "received"
    assert (
        await act(client, taian, taian.township, f"{call_id}/reroute", {"to_unit": "justice-bureau", "reason": "x1"})
    ).status_code == 403
    rerouted = await act(
        client,
        taian,
        taian.t.admin,
        f"{call_id}/reroute",
        {"to_unit": EMERGENCY, "reason": "经研判，扑救由应急管理局牵头"},
    )
    assert rerouted.status_code == 200, rerouted.text
    assert rerouted.json()["state"] == "dispatched"
    assert {d["unit_code"]: d["state"] for d in rerouted.json()["dispatches"]}[EMERGENCY] == "dispatched"

    steps = await history(client, taian, call_id)
    sent = [s for s in steps if s["action"] == "send_back"]
    assert [(s["unit_code"], s["data"]["item_code"], s["actor_role"]) for s in sent] == [
        (NATURAL, FOREST_FIRE, "department"),
        (EMERGENCY, FOREST_FIRE, "department"),
    ]
    assert "扑救不属本局职责" in sent[0]["comment"]
    reroute = [s for s in steps if s["action"] == "reroute"]
    assert [(s["unit_code"], s["actor_role"], s["comment"]) for s in reroute] == [
        (EMERGENCY, "admin", "经研判，扑救由应急管理局牵头")
    ]


async def test_an_extension_in_decimal_hours(client: httpx.AsyncClient, taian: Taian) -> None:
    """Hours are decimals everywhere (issue 16): half an hour more is 30 minutes more."""
    call_id = (await raise_fire(client, taian, call_class="key"))["id"]
    assert (await act(client, taian, taian.natural, f"{call_id}/dispatches/{NATURAL}/sign-for")).status_code == 200
    started = await act(client, taian, taian.natural, f"{call_id}/dispatches/{NATURAL}/start")
    before = next(d for d in started.json()["dispatches"] if d["unit_code"] == NATURAL)["answer_deadline"]
    path = f"{call_id}/dispatches/{NATURAL}/extension"
    assert (await act(client, taian, taian.natural, path, {"reason": "需要现场勘测", "hours": 0})).status_code == 400
    asked = await act(client, taian, taian.natural, path, {"reason": "需要现场勘测", "hours": 0.5})
    assert asked.status_code == 200, asked.text
    approved = await act(client, taian, taian.t.admin, f"{path}/decision", {"approved": True})
    dispatch = next(d for d in approved.json()["dispatches"] if d["unit_code"] == NATURAL)
    assert dispatch["extension"]["hours"] == 0.5
    gained = datetime.datetime.fromisoformat(dispatch["answer_deadline"]) - datetime.datetime.fromisoformat(before)
    assert gained == datetime.timedelta(minutes=30)


async def test_extension_urging_redo_and_archive(client: httpx.AsyncClient, taian: Taian) -> None:
    call_id = (await raise_fire(client, taian, call_class="key"))["id"]
    for key, unit in ((taian.emergency, EMERGENCY), (taian.natural, NATURAL)):
        assert (await act(client, taian, key, f"{call_id}/dispatches/{unit}/sign-for")).status_code == 200
    assert (await act(client, taian, taian.emergency, f"{call_id}/dispatches/{EMERGENCY}/sign-for")).status_code == 409
    started = await act(client, taian, taian.natural, f"{call_id}/dispatches/{NATURAL}/start")
    assert started.json()["state"] == "in_progress"

    before = next(d for d in started.json()["dispatches"] if d["unit_code"] == NATURAL)["answer_deadline"]
    both = await act(
        client,
        taian,
        taian.natural,
        f"{call_id}/dispatches/{NATURAL}/extension",
        {"reason": "需要现场勘测", "hours": 2, "working_days": 1},
    )
    assert both.status_code == 422
    asked = await act(
        client,
        taian,
        taian.natural,
        f"{call_id}/dispatches/{NATURAL}/extension",
        {"reason": "需要现场勘测", "working_days": 2},
    )
    assert asked.status_code == 200
    assert (
        await act(
            client, taian, taian.natural, f"{call_id}/dispatches/{NATURAL}/extension/decision", {"approved": True}
        )
    ).status_code == 403
    approved = await act(
        client,
        taian,
        taian.t.admin,
        f"{call_id}/dispatches/{NATURAL}/extension/decision",
        {"approved": True, "comment": "同意"},
    )
    dispatch = next(d for d in approved.json()["dispatches"] if d["unit_code"] == NATURAL)
    assert dispatch["extension"]["state"] == "approved" and dispatch["answer_deadline"] > before

    urged = await act(
        client,
        taian,
        taian.township,
        f"{call_id}/urge",
        {"kind": "urge", "comment": "请尽快办理", "unit_code": NATURAL},
    )
    assert urged.status_code == 200
    assert (
        await act(client, taian, taian.township, f"{call_id}/urge", {"kind": "supervise", "comment": "督办"})
    ).status_code == 403
    assert (
        await act(client, taian, taian.t.admin, f"{call_id}/urge", {"kind": "supervise", "comment": "列入督办"})
    ).status_code == 200

    early = await act(
        client, taian, taian.township, f"{call_id}/follow-up", {"resolved": True, "satisfaction": "satisfied"}
    )
    assert early.status_code == 409 and early.json()["allowed_states"] == ["answered"]
    for key, unit in ((taian.emergency, EMERGENCY), (taian.natural, NATURAL)):
        await act(client, taian, key, f"{call_id}/dispatches/{unit}/answer", {"feedback": "已处理"})
    redo = await act(
        client,
        taian,
        taian.township,
        f"{call_id}/follow-up",
        {"resolved": False, "satisfaction": "dissatisfied", "comment": "火点未完全扑灭"},
    )
    assert redo.json()["state"] == "redo" and redo.json()["redo_count"] == 1
    assert {d["state"] for d in redo.json()["dispatches"]} == {"in_progress"}
    today = china_today()
    violations = (
        await client.get(f"{taian.calls}/violations", params={"start": today, "end": today}, headers=taian.auth())
    ).json()
    assert {(v["unit_code"], v["kind"]) for v in violations} == {
        (EMERGENCY, "response_without_action"),
        (NATURAL, "response_without_action"),
    }
    for key, unit in ((taian.emergency, EMERGENCY), (taian.natural, NATURAL)):
        await act(client, taian, key, f"{call_id}/dispatches/{unit}/answer", {"feedback": "已彻底扑灭"})
    closed = await act(
        client, taian, taian.township, f"{call_id}/follow-up", {"resolved": True, "satisfaction": "basically_satisfied"}
    )
    assert closed.json()["state"] == "closed" and closed.json()["satisfaction"] == "basically_satisfied"
    assert (await act(client, taian, taian.township, f"{call_id}/archive")).status_code == 403
    assert (await act(client, taian, taian.t.admin, f"{call_id}/archive")).json()["state"] == "archived"
    actions = [s["action"] for s in await history(client, taian, call_id)]
    for expected in ("request_extension", "approve_extension", "urge", "supervise", "follow_up", "archive"):
        assert expected in actions


async def test_roles(client: httpx.AsyncClient, taian: Taian) -> None:
    # another township may not raise for 省庄镇, a reader or a department not at all
    for key in (taian.other_township, taian.t.reader, taian.emergency):
        response = await client.post(taian.calls, json=fire_call(), headers=taian.auth(key))
        assert response.status_code == 403, response.text
    wrong_units = await client.post(
        taian.calls, json=fire_call(unit_codes=["justice-bureau"]), headers=taian.auth(taian.township)
    )
    assert wrong_units.status_code == 403
    call_id = (await raise_fire(client, taian))["id"]

    # who sees it
    for key, status in (
        (taian.t.admin, 200),
        (taian.t.reader, 200),
        (taian.township, 200),
        (taian.emergency, 200),
        (taian.other_township, 404),
        (taian.justice, 404),
    ):
        assert (await client.get(f"{taian.calls}/{call_id}", headers=taian.auth(key))).status_code == status
    listed = await client.get(taian.calls, headers=taian.auth(taian.justice))
    assert listed.json()["items"] == []
    listed = await client.get(taian.calls, headers=taian.auth(taian.emergency))
    assert [c["id"] for c in listed.json()["items"]] == [call_id]
    assert (
        await client.get(taian.calls, params={"township": "370902001000"}, headers=taian.auth(taian.township))
    ).status_code == 403

    # who acts: a unit only for itself, the township only follows up its own
    assert (await act(client, taian, taian.emergency, f"{call_id}/dispatches/{NATURAL}/sign-for")).status_code == 403
    assert (await act(client, taian, taian.t.reader, f"{call_id}/dispatches/{NATURAL}/sign-for")).status_code == 403
    assert (await act(client, taian, taian.justice, f"{call_id}/dispatches/justice-bureau/sign-for")).status_code == 404
    assert (
        await act(
            client, taian, taian.emergency, f"{call_id}/follow-up", {"resolved": True, "satisfaction": "satisfied"}
        )
    ).status_code == 403
    assert (await act(client, taian, taian.emergency, f"{call_id}/dispatch", {})).status_code == 403
    # the admin may act for a unit
    assert (await act(client, taian, taian.t.admin, f"{call_id}/dispatches/{NATURAL}/sign-for")).status_code == 200


async def test_bad_input_changes_nothing(client: httpx.AsyncClient, taian: Taian) -> None:
    count = "SELECT count(*) FROM calls c JOIN tenants t ON t.id = c.tenant_id WHERE t.slug = $1"
    auth = taian.auth(taian.township)
    cases = [
        (fire_call(call_class="urgent"), 422, "call_class"),
        (fire_call(item_code="TA-XX-999"), 422, "item_code"),
        (fire_call(village_code="370911110201"), 422, "village_code"),  # a village of 大汶口镇
        (fire_call(township_code="370902"), 403, None),  # not a township a township key may name
        ({k: v for k, v in fire_call().items() if k != "subject"}, 400, "subject"),
        (fire_call(colour="red"), 400, "colour"),
        (fire_call(subject=""), 400, "subject"),
    ]
    for body, status, field in cases:
        response = await client.post(taian.calls, json=body, headers=auth)
        assert response.status_code == status, (body, response.text)
        if field:
            assert response.json()["errors"][0]["field"] == field, response.text
    admin = await client.post(taian.calls, json=fire_call(township_code="370902"), headers=taian.auth())
    assert admin.status_code == 422 and admin.json()["errors"][0]["field"] == "township_code"
    assert await owner_fetchval(count, taian.t.slug) == 0

    missing = "00000000-0000-0000-0000-000000000001"
    assert (await client.get(f"{taian.calls}/{missing}", headers=taian.auth())).status_code == 404
    assert (
        await act(client, taian, taian.t.admin, f"{missing}/follow-up", {"resolved": True, "satisfaction": "satisfied"})
    ).status_code == 404
    call_id = (await raise_fire(client, taian))["id"]
    bad_rating = await act(
        client, taian, taian.township, f"{call_id}/follow-up", {"resolved": True, "satisfaction": "ok"}
    )
    assert bad_rating.status_code == 400 and bad_rating.json()["errors"][0]["field"] == "satisfaction"
    bad_period = await client.get(
        f"{taian.calls}/violations", params={"start": "2025-02-01", "end": "2025-01-01"}, headers=taian.auth()
    )
    assert bad_period.status_code == 422
    steps = len(await history(client, taian, call_id))
    assert (
        await act(client, taian, taian.natural, f"{call_id}/dispatches/{NATURAL}/answer", {"feedback": "x"})
    ).status_code == 409
    assert len(await history(client, taian, call_id)) == steps


async def test_another_tenant_sees_and_changes_nothing(
    client: httpx.AsyncClient, taian: Taian, other: TenantFixture
) -> None:
    call_id = (await raise_fire(client, taian))["id"]
    steps = await owner_fetchval("SELECT count(*) FROM call_steps WHERE call_id = $1", call_id)
    foreign = other.auth()
    base = taian.calls
    for response in (
        await client.get(f"{base}/{call_id}", headers=foreign),
        await client.get(base, headers=foreign),
        await client.get(f"{base}/{call_id}/history", headers=foreign),
        await client.get(f"{base}/statistics", params={"start": "2025-01-01", "end": "2025-12-31"}, headers=foreign),
        await client.get(f"{base}/violations", params={"start": "2025-01-01", "end": "2025-12-31"}, headers=foreign),
        await client.post(base, json=fire_call(), headers=foreign),
        await client.post(f"{base}/{call_id}/dispatches/{NATURAL}/sign-for", headers=foreign),
        await client.post(
            f"{base}/{call_id}/follow-up", json={"resolved": True, "satisfaction": "satisfied"}, headers=foreign
        ),
        await client.post(f"{base}/{call_id}/attachments", json=upload("a.txt", "text/plain", b"x"), headers=foreign),
        await client.get(f"{base}/{call_id}/attachments", headers=foreign),
        await client.get(f"{base}/{call_id}/proposal", headers=foreign),
        await client.get(
            f"{base}/statistics/grouped",
            params={"start": "2025-01-01", "end": "2025-12-31", "by": "unit"},
            headers=foreign,
        ),
        await client.post(f"{base}/{call_id}/dispatch", json={}, headers=foreign),
        await client.post(f"{base}/{call_id}/reroute", json={"to_unit": EMERGENCY, "reason": "转派"}, headers=foreign),
        await client.post(f"{base}/{call_id}/urge", json={"kind": "supervise", "comment": "督办"}, headers=foreign),
        await client.post(f"{base}/{call_id}/archive", headers=foreign),
        await client.post(f"{base}/{call_id}/dispatches/{NATURAL}/start", headers=foreign),
        await client.post(f"{base}/{call_id}/dispatches/{NATURAL}/answer", json={"feedback": "x"}, headers=foreign),
        await client.post(
            f"{base}/{call_id}/dispatches/{NATURAL}/send-back",
            json={"reason": "不属于", "item_code": FOREST_FIRE},
            headers=foreign,
        ),
        await client.post(
            f"{base}/{call_id}/dispatches/{NATURAL}/extension", json={"reason": "需要时间", "hours": 2}, headers=foreign
        ),
        await client.post(
            f"{base}/{call_id}/dispatches/{NATURAL}/extension/decision", json={"approved": True}, headers=foreign
        ),
    ):
        assert response.status_code == 404, response.text
    # its own calls endpoint does not reach the call either, over REST or GraphQL
    assert (await client.get(f"{other.base}/calls/{call_id}", headers=foreign)).status_code == 404
    for slug in (taian.t.slug, other.slug):
        found = await graphql(
            client,
            other.admin,
            "query($s: String!, $id: String!) { tenant(slug: $s) { call(id: $id) { id } } }",
            s=slug,
            id=call_id,
        )
        assert found["tenant"] is None or found["tenant"]["call"] is None
    mutated = await graphql(
        client,
        other.admin,
        """mutation($s: String!, $id: String!) { signForCall(tenant: $s, id: $id, unit: "natural-resources-bureau") {
             __typename ... on Problem { status } } }""",
        s=taian.t.slug,
        id=call_id,
    )
    assert mutated["signForCall"] == {"__typename": "Problem", "status": 404}
    state = await owner_fetchval(
        "SELECT state FROM call_dispatches WHERE call_id = $1 AND unit_code = $2", call_id, NATURAL
    )
    assert state == "dispatched"
    assert await owner_fetchval("SELECT count(*) FROM call_steps WHERE call_id = $1", call_id) == steps


def upload(filename: str, content_type: str, data: bytes, **more: Any) -> dict[str, Any]:
    return {
        "filename": filename,
        "content_type": content_type,
        "content_base64": base64.b64encode(data).decode(),
        **more,
    }


async def test_attachments(client: httpx.AsyncClient, taian: Taian, settings: Settings) -> None:
    call_id = (await raise_fire(client, taian))["id"]
    url = f"{taian.calls}/{call_id}/attachments"
    photo = b"\x89PNG\r\n\x1a\n" + b"0" * 100
    up = await client.post(url, json=upload("现场照片.png", "image/png", photo), headers=taian.auth(taian.township))
    assert up.status_code == 201, up.text
    assert up.json()["size"] == len(photo) and up.json()["unit_code"] is None
    signed = await act(client, taian, taian.natural, f"{call_id}/dispatches/{NATURAL}/sign-for")
    assert signed.status_code == 200
    step = (await history(client, taian, call_id))[-1]["seq"]
    report = await client.post(
        url,
        json=upload("处置报告.pdf", "application/pdf", b"%PDF-1.4 report", unit=NATURAL, step=step),
        headers=taian.auth(taian.natural),
    )
    assert report.status_code == 201, report.text
    assert report.json()["step_seq"] == step
    listed = await client.get(url, headers=taian.auth(taian.emergency))
    assert [a["filename"] for a in listed.json()] == ["现场照片.png", "处置报告.pdf"]
    link = listed.json()[0]["download_url"].split("/files/", 1)[1]
    download = await client.get(f"/files/{link}")
    assert download.status_code == 200 and download.content == photo

    # the wrong party, a forbidden type, a bad name, a missing step, bad base64: nothing stored
    pdf = b"%PDF-1.4"
    refusals = [
        (taian.emergency, upload("x.pdf", "application/pdf", pdf, unit=NATURAL), 403, None),
        (taian.emergency, upload("x.pdf", "application/pdf", pdf), 403, None),
        (taian.other_township, upload("x.pdf", "application/pdf", pdf), 404, None),
        (taian.township, upload("run.exe", "application/x-msdownload", pdf), 415, "content_type"),
        (taian.township, upload("../x.pdf", "application/pdf", pdf), 422, "filename"),
        (taian.township, upload("x.pdf", "application/pdf", pdf, step=999), 422, "step"),
        (taian.township, {**upload("x.pdf", "application/pdf", pdf), "content_base64": "不是"}, 422, "content_base64"),
        (taian.township, {"filename": "x.pdf"}, 400, "content_type"),
    ]
    for key, body, status, field in refusals:
        response = await client.post(url, json=body, headers=taian.auth(key))
        assert response.status_code == status, (body, response.text)
        assert response.headers["content-type"].startswith("application/problem+json")
        if field:
            assert response.json()["errors"][0]["field"] == field, response.text
    assert await owner_fetchval("SELECT count(*) FROM call_attachments WHERE call_id = $1", call_id) == 2

    # the size cap comes from the settings
    small = create_app(dataclasses.replace(settings, storage_max_bytes=1000), manage_database=False)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=small), base_url="http://qingdan.test") as capped:
        for size in (1001, 10_000):
            big = await capped.post(
                url, json=upload("big.pdf", "application/pdf", b"%" * size), headers=taian.auth(taian.township)
            )
            assert big.status_code == 413, big.text
            assert "1,000 bytes" in big.json()["detail"]
    # bigger than the app's general 1 MiB request limit, but within the storage cap
    large = b"%PDF-" + b"x" * (2 * 1024 * 1024)
    response = await client.post(url, json=upload("扫描件.pdf", "application/pdf", large), headers=taian.auth())
    assert response.status_code == 201, response.text
    assert await owner_fetchval("SELECT count(*) FROM call_attachments WHERE call_id = $1", call_id) == 3
