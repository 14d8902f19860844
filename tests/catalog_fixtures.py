"""A small county with streets, units, a list structure and a catalog, built through the API."""

from __future__ import annotations

from typing import Any

import httpx

from tests.conftest import TenantFixture

STREETS = [("510115001000", "柳城街道"), ("510115002000", "公平街道"), ("510115003000", "天府街道")]

STRUCTURE = {
    "kinds": [
        {
            "code": "basic",
            "label": "基本履职事项",
            "label_en": "basic",
            "township": "all",
            "section": True,
            "description": "",
        },
        {
            "code": "cooperating",
            "label": "配合履职事项",
            "label_en": "cooperating",
            "township": "all",
            "section": True,
            "description": "",
        },
        {
            "code": "recovered",
            "label": "上级部门收回事项",
            "label_en": "recovered",
            "township": "all",
            "section": True,
            "description": "",
        },
        {
            "code": "differentiated",
            "label": "差异化清单",
            "label_en": "differentiated",
            "township": "claim",
            "section": False,
            "description": "",
        },
        {
            "code": "core",
            "label": "区级核心权力",
            "label_en": "core",
            "township": "none",
            "section": False,
            "description": "",
        },
    ],
    "levels": [
        {"code": "domain", "label": "领域", "depth": 1, "item_kinds": []},
        {"code": "item", "label": "事项", "depth": 2, "item_kinds": []},
    ],
    "categories": [{"code": "safety", "label": "安全生产"}, {"code": "construction", "label": "城乡建设"}],
    "item_kinds": [{"code": "power", "label": "行政权力"}, {"code": "service", "label": "公共服务"}],
    "extra_fields": [
        {
            "name": "source_lists",
            "label": "来源清单",
            "type": "list",
            "required": False,
            "choices": ["powers", "services"],
            "description": "",
        }
    ],
}

UNITS = [
    {"code": "emergency-bureau", "name": "区应急管理局", "kind": "department", "jurisdiction_code": "510115"},
    {"code": "planning-bureau", "name": "区规划和自然资源局", "kind": "department", "jurisdiction_code": "510115"},
]

DOMAIN = {"code": "SAF", "title": "安全生产", "level": "domain", "kinds": ["basic"], "category": "safety"}
PATROL = {
    "code": "SAF-01",
    "title": "生产经营单位安全生产检查",
    "level": "item",
    "parent_code": "SAF",
    "kinds": ["basic"],
    "category": "safety",
    "item_kind": "power",
    "responsibilities": [
        {"party": "township", "role": "primary", "duty": "开展辖区安全生产检查"},
        {"party": "emergency-bureau", "role": "cooperating", "duty": "业务指导"},
    ],
    "citations": ["《中华人民共和国安全生产法》第九条"],
}
PERMIT = {
    "code": "CON-01",
    "title": "乡村建设规划许可证核发",
    "level": "domain",
    "kinds": ["differentiated"],
    "category": "construction",
    "item_kind": "power",
    "responsibilities": [{"party": "township", "role": "primary", "duty": "受理、审查、核发"}],
    "citations": ["《中华人民共和国城乡规划法》第四十一条"],
}
RECOVERED = {
    "code": "SAF-02",
    "title": "危险化学品经营许可",
    "level": "item",
    "parent_code": "SAF",
    "kinds": ["recovered"],
    "responsibilities": [{"party": "emergency-bureau", "role": "primary", "duty": "统一审批"}],
    "recovery": {
        "receiving_unit": "emergency-bureau",
        "working_method": "区应急局政务大厅统一受理",
        "reason": "乡镇缺乏专业技术力量，难以承接",
    },
}


async def build_county(client: httpx.AsyncClient, t: TenantFixture) -> None:
    h = t.auth()
    for code, name in STREETS:
        body = {"code": code, "name": name, "kind": "street", "parent_code": t.division_code}
        assert (await client.post(f"{t.base}/jurisdictions", json=body, headers=h)).status_code == 201
    for unit in UNITS:
        assert (await client.post(f"{t.base}/units", json=unit, headers=h)).status_code == 201
    put = await client.put(f"{t.base}/catalog/structure", json=STRUCTURE, headers=h)
    assert put.status_code == 200, put.text


async def add_items(client: httpx.AsyncClient, t: TenantFixture, *items: dict[str, Any]) -> None:
    for item in items:
        response = await client.post(f"{t.base}/catalog/items", json=item, headers=t.auth())
        assert response.status_code == 201, response.text


async def publish(client: httpx.AsyncClient, t: TenantFixture, date: str = "2025-01-01") -> dict[str, Any]:
    draft = await client.get(f"{t.base}/catalog/versions/draft", headers=t.auth())
    response = await client.post(
        f"{t.base}/catalog/publish",
        json={"effective_date": date},
        headers={**t.auth(), "If-Match": draft.headers["etag"]},
    )
    assert response.status_code == 200, response.text
    return response.json()


async def redescribe(client: httpx.AsyncClient, t: TenantFixture, code: str, description: str, reason: str) -> None:
    """Change a draft item's description, as a 动态调整 with its reason."""
    item = f"{t.base}/catalog/items/{code}"
    revision = (await client.get(item, headers=t.auth())).json()["revision"]
    adjustment = {"reason_kind": "other", "reason": reason}
    body = {"description": description, "revision": revision, "adjustment": adjustment}
    changed = await client.patch(item, json=body, headers=t.auth())
    assert changed.status_code == 200, changed.text


async def add_own_document(client: httpx.AsyncClient, t: TenantFixture, title: str, articles: list[str]) -> str:
    """A normative document of the tenant's own (version 2023-01-01), one paragraph per article; its id."""
    created = await client.post(
        f"{t.base}/legal/documents",
        json={
            "title": title,
            "level": "normative_document",
            "version_date": "2023-01-01",
            "articles": [{"number": i + 1, "paragraphs": [{"text": a}]} for i, a in enumerate(articles)],
        },
        headers=t.auth(),
    )
    assert created.status_code == 201, created.text
    return str(created.json()["id"])
