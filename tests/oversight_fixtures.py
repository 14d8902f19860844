"""A small county for the oversight tests, built through the API: three streets, two
departments, a catalog whose every item exercises one indicator, lists published on
2025-01-01 and again on 2025-06-01 after a duty was added without admission, a call on a
recovered item that its receiving department never answers, and a township evaluation scheme
with an indicator worded after a recovered item. Hand-computed figures are in the tests."""

from __future__ import annotations

import uuid
from typing import Any

import httpx

from core.platform.db import platform_transaction
from tests.catalog_fixtures import DOMAIN, STREETS, add_items, build_county, publish
from tests.conftest import TenantFixture, issue_key

LIUCHENG, GONGPING, TIANFU = (code for code, _ in STREETS)

EMERGENCY, PLANNING = "emergency-bureau", "planning-bureau"


def _item(code: str, title: str, kind: str, *responsibilities: tuple[str, str, str], **more: Any) -> dict[str, Any]:
    return {
        "code": code,
        "title": title,
        "level": "item",
        "parent_code": "SAF",
        "kinds": [kind],
        "responsibilities": [{"party": p, "role": r, "duty": d} for p, r, d in responsibilities],
        **more,
    }


PATROL = _item(
    "B-01",
    "生产经营单位安全生产检查",
    "basic",
    ("township", "primary", "开展辖区安全生产检查"),
    citations=["《中华人民共和国安全生产法》第九条"],
)
FIRE = _item(
    "C-01",
    "消防安全检查配合",
    "cooperating",
    (EMERGENCY, "primary", "依法开展消防监督检查"),
    ("township", "cooperating", "提供场所底数"),
)
HAZARD = _item(
    "C-02",
    "城镇燃气安全隐患排查",
    "cooperating",
    (EMERGENCY, "primary", "督促乡镇开展隐患排查"),
    ("township", "cooperating", "组织排查"),
)
FLOOD = _item("C-03", "防汛物资储备配合", "cooperating", ("township", "cooperating", "储备物资"))
CHEMICALS = _item(
    "R-01",
    "危险化学品经营许可",
    "recovered",
    (EMERGENCY, "primary", "统一审批"),
    recovery={"receiving_unit": EMERGENCY, "working_method": "政务大厅统一受理", "reason": "专业技术性强"},
)
#: A domain without items under it: a duty itself (only headings over other items are not counted).
PERMIT = {
    **_item("D-01", "乡村建设规划许可证核发", "differentiated", ("township", "primary", "受理、审查、核发")),
    "level": "domain",
    "parent_code": None,
    "citations": ["《中华人民共和国城乡规划法》第四十一条"],
}
#: Added in catalog version 2 with a plain adjustment: no admission brought it in.
GARBAGE = {
    **_item("B-02", "生活垃圾分类督导", "basic", ("township", "primary", "督导分类")),
    "adjustment": {"reason_kind": "other", "reason": "领导交办"},
}

SCHEME = {
    "relations": [{"code": "county_township", "label": "县对乡镇", "evaluator": "county", "evaluatee": "township"}],
    "indicators": [
        {"code": "patrol", "label": "安全生产检查", "relation": "county_township", "weight": 50, "item_code": "B-01"},
        {"code": "chemicals", "label": "危险化学品经营许可完成率", "relation": "county_township", "weight": 50},
    ],
}


async def publish_lists(client: httpx.AsyncClient, t: TenantFixture, effective: str) -> None:
    for township in (LIUCHENG, GONGPING, TIANFU):
        base = f"{t.base}/townships/{township}/list"
        for step in ("submit", "file"):
            response = await client.post(f"{base}/{step}", headers=t.auth())
            assert response.status_code == 200, response.text
        done = await client.post(f"{base}/publish", json={"effective_date": effective}, headers=t.auth())
        assert done.status_code == 200, done.text


async def tenant_id(t: TenantFixture) -> uuid.UUID:
    async with platform_transaction() as conn:
        found: uuid.UUID = await conn.fetchval("SELECT id FROM tenants WHERE slug = $1", t.slug)
    return found


async def build_oversight_county(client: httpx.AsyncClient, t: TenantFixture) -> uuid.UUID:
    await build_county(client, t)
    await add_items(client, t, DOMAIN, PATROL, FIRE, HAZARD, FLOOD, CHEMICALS, PERMIT)
    await publish(client, t, "2025-01-01")
    liucheng = t.auth(await issue_key(t, client, "township", LIUCHENG))
    claim = {"item_code": "D-01", "justification": "辖区内有农村建房需求"}
    claimed = await client.post(f"{t.base}/townships/{LIUCHENG}/list/claims", json=claim, headers=liucheng)
    assert claimed.status_code == 201, claimed.text
    await publish_lists(client, t, "2025-01-01")

    await add_items(client, t, GARBAGE)
    await publish(client, t, "2025-06-01")
    await publish_lists(client, t, "2025-06-01")

    raised = await client.post(
        f"{t.base}/calls",
        json={
            "township_code": LIUCHENG,
            "subject": "辖区商户无证经营危险化学品",
            "description": "柳城街道发现商户无证经营危险化学品，请区应急管理局依法处理。",
            "call_class": "complex",
            "item_code": "R-01",
        },
        headers=liucheng,
    )
    assert raised.status_code == 201, raised.text
    assert EMERGENCY in {d["unit_code"] for d in raised.json()["dispatches"]}, raised.text
    put = await client.put(
        f"{t.base}/evaluations/scheme", json={"scheme": SCHEME}, headers={**t.auth(), "If-Match": "*"}
    )
    assert put.status_code == 200, put.text
    return await tenant_id(t)
