"""Shared set-up for the call tests: a Tai'an tenant with 省庄镇's list published, keys."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import httpx

from core.platform.db import platform_transaction
from tests.conftest import MakeTenant, TenantFixture, issue_key

SHENGZHUANG, DAIMIAO = "370902100000", "370902001000"
# 省庄镇 lies in 泰山区: the list names the city bureaus, the district's counterparts answer
EMERGENCY, NATURAL = "taishan-emergency-management-bureau", "taishan-natural-resources-bureau"
FOREST_FIRE = "TA-YJ-005"  # 森林防火: township primary; 应急管理局 and 自然资源和规划局 cooperate


@dataclass
class Taian:
    t: TenantFixture
    township: str  # 省庄镇's key
    other_township: str  # 岱庙街道's key
    emergency: str  # 泰山区应急管理局's key
    natural: str  # 泰安市自然资源和规划局泰山分局's key
    justice: str  # 市司法局's key (never dispatched here)

    def auth(self, key: str | None = None) -> dict[str, str]:
        return self.t.auth(key)

    @property
    def calls(self) -> str:
        return f"{self.t.base}/calls"


async def publish_list(client: httpx.AsyncClient, t: TenantFixture, township: str) -> None:
    base = f"{t.base}/townships/{township}/list"
    for step in ("submit", "file"):
        response = await client.post(f"{base}/{step}", headers=t.auth())
        assert response.status_code == 200, response.text
    done = await client.post(f"{base}/publish", json={"effective_date": "2025-01-01"}, headers=t.auth())
    assert done.status_code == 200, done.text


async def taian_tenant(client: httpx.AsyncClient, make_tenant: MakeTenant) -> Taian:
    t = await make_tenant(plugin="taian")
    await publish_list(client, t, SHENGZHUANG)
    return Taian(
        t,
        township=await issue_key(t, client, "township", SHENGZHUANG),
        other_township=await issue_key(t, client, "township", DAIMIAO),
        emergency=await issue_key(t, client, "department", EMERGENCY),
        natural=await issue_key(t, client, "department", NATURAL),
        justice=await issue_key(t, client, "department", "justice-bureau"),
    )


def fire_call(**changes: Any) -> dict[str, Any]:
    body = {
        "township_code": SHENGZHUANG,
        "subject": "省庄镇东部山林发生火情",
        "description": "下午三时许护林员发现山林起火，火势向村庄蔓延，镇里已组织先期扑救，请求专业力量支援。",
        "call_class": "emergency",
        "item_code": FOREST_FIRE,
    }
    return {**body, **changes}


async def owner_execute(sql: str, *args: Any) -> Any:
    """Change rows as the schema owner (moving a test's clock, generating data)."""
    async with platform_transaction() as conn:
        return await conn.execute(sql, *args)


async def owner_fetchval(sql: str, *args: Any) -> Any:
    async with platform_transaction() as conn:
        return await conn.fetchval(sql, *args)


async def owner_fetchrow(sql: str, *args: Any) -> Any:
    async with platform_transaction() as conn:
        return await conn.fetchrow(sql, *args)
