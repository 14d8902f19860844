"""A small county whose township lists are published, with texts in both scripts, for the
search and portal tests."""

from __future__ import annotations

from typing import Any

import httpx

from tests.catalog_fixtures import DOMAIN, PATROL, PERMIT, RECOVERED, add_items, build_county, publish
from tests.conftest import TenantFixture

LIUCHENG, GONGPING, TIANFU = "510115001000", "510115002000", "510115003000"

# Written in traditional characters on purpose: simplified queries must find it.
FIRE = {
    "code": "SAF-03",
    "title": "鄉鎮消防安全檢查",
    "level": "item",
    "parent_code": "SAF",
    "kinds": ["basic"],
    "category": "safety",
    "item_kind": "power",
    "description": "對轄區內九小場所開展消防巡查",
    "process": "1. 制定检查计划\n2. 现场检查并填写记录\n3. 发现隐患责令整改",
    "responsibilities": [
        {"party": "township", "role": "primary", "duty": "组织开展消防安全检查"},
        {"party": "emergency-bureau", "role": "cooperating", "duty": "业务指导和培训"},
    ],
    "citations": ["《中华人民共和国消防法》第三十条"],
    "extra": {"source_lists": ["powers"]},
}
# 消防 only in the description: must rank below FIRE for 消防.
DRILL = {
    "code": "SAF-04",
    "title": "应急演练组织",
    "level": "item",
    "parent_code": "SAF",
    "kinds": ["basic"],
    "category": "safety",
    "description": "每年组织一次消防和防汛应急演练",
}
# 低保 in a cooperating item of another category.
RELIEF = {
    "code": "CON-02",
    "title": "城乡最低生活保障（低保）申请受理",
    "level": "domain",
    "kinds": ["cooperating"],
    "category": "construction",
    "responsibilities": [{"party": "township", "role": "primary", "duty": "受理低保申请并入户调查"}],
}


async def publish_list(client: httpx.AsyncClient, t: TenantFixture, township: str, date: str = "2025-02-01") -> Any:
    base = f"{t.base}/townships/{township}/list"
    for step in ("submit", "file"):
        response = await client.post(f"{base}/{step}", headers=t.auth())
        assert response.status_code == 200, response.text
    done = await client.post(f"{base}/publish", json={"effective_date": date}, headers=t.auth())
    assert done.status_code == 200, done.text
    return done.json()


async def set_contact(
    client: httpx.AsyncClient, t: TenantFixture, township: str, code: str, office: str, post: str, contact: str
) -> None:
    base = f"{t.base}/townships/{township}/list"
    working = await client.get(base, headers=t.auth())
    response = await client.patch(
        f"{base}/entries/{code}",
        json={"responsible_office": office, "post": post, "contact": contact},
        headers={**t.auth(), "If-Match": working.headers["etag"]},
    )
    assert response.status_code == 200, response.text


async def published_county(client: httpx.AsyncClient, t: TenantFixture) -> TenantFixture:
    """Streets 柳城 and 公平 publish their lists; 天府 does not."""
    await build_county(client, t)
    await add_items(client, t, DOMAIN, PATROL, PERMIT, RECOVERED, FIRE, DRILL, RELIEF)
    await publish(client, t)
    await set_contact(client, t, LIUCHENG, "SAF-03", "平安法治办公室", "消防专干", "028-82700001")
    await set_contact(client, t, GONGPING, "SAF-03", "综合行政执法办公室", "安全员", "028-82700002")
    await publish_list(client, t, LIUCHENG)
    await publish_list(client, t, GONGPING)
    return t
