"""Tenants of very different sizes in one database, for plan tests and benchmarks.

A county here has ``townships`` streets and a catalog of 380 items: 340 apply to every
township in the national mix (117 basic, 99 cooperating, 124 recovered), 20 are claimed by
some townships and 20 stay with the county. Each item has two responsibilities and one or
two citations of real articles of the shipped law library. Every township's list is filed
and published (version 1), some with claims and local details.

Built through the product's services where they are set-based (tenant provisioning,
units, structure, ``import_items``, catalog publication, the bulk publication of filed
lists) and with one bulk statement each where the service works one row at a time
(jurisdictions, claims, local details, filing).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

import msgspec

from core.catalog.editing import import_items, publish
from core.catalog.reading import ItemCreate, PublishRequest, get_version
from core.catalog.structure import replace_structure
from core.jurisdictions.units import UnitCreate, create_unit
from core.lists.service import publish_filed
from core.platform import generations
from core.platform.db import bulk_insert, tenant_transaction
from core.security.access import Access, Principal, Role
from tenants.access import open_access
from tenants.provisioning import TenantCreate, create_tenant

PLATFORM = Principal(key_id=None, role=Role.PLATFORM, tenant_id=None, name="plan fixture")
COUNTY = "510115"
MIX = {"basic": 117, "cooperating": 99, "recovered": 124}
CLAIMABLE = 20
COUNTY_ONLY = 20
LIST_SIZE = sum(MIX.values())

STRUCTURE: dict[str, Any] = {
    "kinds": [
        {"code": "basic", "label": "基本履职事项", "label_en": "basic", "township": "all", "section": True},
        {"code": "cooperating", "label": "配合履职事项", "label_en": "cooperating", "township": "all", "section": True},
        {"code": "recovered", "label": "上级部门收回事项", "label_en": "recovered", "township": "all", "section": True},
        {"code": "differentiated", "label": "差异化清单", "label_en": "differentiated", "township": "claim"},
        {"code": "core", "label": "区级核心权力", "label_en": "core", "township": "none"},
    ],
    "levels": [
        {"code": "domain", "label": "领域", "depth": 1, "item_kinds": []},
        {"code": "item", "label": "事项", "depth": 2, "item_kinds": []},
    ],
    "categories": [
        {"code": "safety", "label": "安全生产"},
        {"code": "construction", "label": "城乡建设"},
        {"code": "ecology", "label": "生态环保"},
        {"code": "public_service", "label": "民生服务"},
    ],
    "item_kinds": [{"code": "power", "label": "行政权力"}, {"code": "service", "label": "公共服务"}],
}

# (unit, category it leads, articles it cites: real ones of core/legal/data/laws)
UNITS = [
    (
        "emergency-bureau",
        "区应急管理局",
        "safety",
        ["《中华人民共和国安全生产法》第九条", "《中华人民共和国消防法》第三十一条"],
    ),
    (
        "planning-bureau",
        "区规划和自然资源局",
        "construction",
        ["《中华人民共和国城乡规划法》第四十一条", "《中华人民共和国土地管理法》第六十七条"],
    ),
    (
        "ecology-bureau",
        "区生态环境局",
        "ecology",
        ["《中华人民共和国环境保护法》第二十八条", "《中华人民共和国水法》第十二条"],
    ),
    (
        "civil-affairs-bureau",
        "区民政局",
        "public_service",
        ["《社会救助暂行办法》第四条", "《中华人民共和国老年人权益保障法》第六条"],
    ),
]


def township_codes(count: int) -> list[str]:
    """12-digit street codes: 999 per county code (510115…, then 510116… for a tenant larger
    than one county, like a city's)."""
    return [f"{COUNTY[:4]}{int(COUNTY[4:]) + n // 999:02d}{n % 999 + 1:03d}000" for n in range(count)]


def catalog_items() -> list[ItemCreate]:
    """Four domains, then the 376 items under them in the mix above."""
    raw: list[dict[str, Any]] = []
    for _unit, _, category, cites in UNITS:
        raw.append(
            {
                "code": f"D-{category}",
                "title": f"{category}领域",
                "level": "domain",
                "kinds": ["basic"],
                "category": category,
                "responsibilities": [{"party": "township", "role": "primary", "duty": "统筹辖区工作"}],
                "citations": cites[:1],
            }
        )
    kinds = ["basic"] * (MIX["basic"] - len(UNITS)) + ["cooperating"] * MIX["cooperating"]
    kinds += ["recovered"] * MIX["recovered"] + ["differentiated"] * CLAIMABLE + ["core"] * COUNTY_ONLY
    for n, kind in enumerate(kinds):
        unit, _, category, cites = UNITS[n % len(UNITS)]
        township_leads = kind in ("basic", "differentiated")
        item: dict[str, Any] = {
            "code": f"I-{n:04d}",
            "parent_code": f"D-{category}",
            "title": f"第{n}项{kind}事项",
            "level": "item",
            "kinds": [kind],
            "category": category,
            "item_kind": "power" if n % 4 else "service",
            "description": f"依照法律法规组织开展第{n}项工作，建立台账，及时处置并报告。",
            "high_frequency": n % 5 == 0,
            "process": "受理 → 核查 → 处置 → 报告 → 归档",
            "responsibilities": [
                {"party": "township", "role": "primary" if township_leads else "cooperating", "duty": "属地责任"},
                {"party": unit, "role": "cooperating" if township_leads else "primary", "duty": "业务指导"},
            ],
            "citations": cites if n % 2 else cites[:1],
        }
        if kind == "recovered":
            item["recovery"] = {"receiving_unit": unit, "working_method": "政务大厅统一受理", "reason": "专业性强"}
        raw.append(item)
    return [msgspec.convert(i, ItemCreate) for i in raw]


@dataclass(frozen=True)
class PlanTenant:
    slug: str
    access: Access
    townships: list[str]


async def build_tenant(slug: str, townships: int, *, publish_lists: bool = True) -> PlanTenant:
    """A county of ``townships`` streets with the catalog above published and (by default)
    every list filed and published."""
    await create_tenant(PLATFORM, TenantCreate(slug=slug, name=f"规划县{townships}", division_code=COUNTY))
    access = await open_access(PLATFORM, slug)
    codes = township_codes(townships)
    tid = access.tenant.id
    async with tenant_transaction(tid) as conn:
        await conn.execute(
            bulk_insert(
                "INSERT INTO jurisdictions (tenant_id, code, name, kind, parent_code)"
                " SELECT $1, c, '第' || n || '街道', 'street', $3 FROM unnest($2::text[]) WITH ORDINALITY AS t(c, n)"
            ),
            tid,
            codes,
            COUNTY,
        )
        await generations.bump(conn, tid)
    for code, name, _, _ in UNITS:
        await create_unit(access, UnitCreate(code=code, name=name, kind="department", jurisdiction_code=COUNTY))
    await replace_structure(access, STRUCTURE)
    await import_items(access, catalog_items())
    draft = await get_version(access, "draft")
    await publish(access, PublishRequest(effective_date=datetime.date(2025, 1, 1), revision=draft.revision), None)
    async with tenant_transaction(tid) as conn:
        # Every third township claims four differentiated items; local details on every entry.
        await conn.execute(
            bulk_insert(
                "INSERT INTO township_entries (tenant_id, township_code, item_code, origin, justification, claimed_at)"
                " SELECT $1, t.c, i.code, 'claimed', '辖区有此事项', now()"
                " FROM unnest($2::text[]) WITH ORDINALITY AS t(c, n) JOIN catalog_items i ON i.tenant_id = $1"
                " AND i.version = 1 AND i.township_scope = 'claim' AND right(i.code, 1)::int % 5 = t.n % 5"
                " WHERE t.n % 3 = 0"
            ),
            tid,
            codes,
        )
        await conn.execute(
            "UPDATE township_entries SET responsible_office = '综合行政执法办公室', post = '执法队员',"
            " contact = '028-8270' || right(item_code, 4) WHERE tenant_id = $1",
            tid,
        )
        if publish_lists:
            await conn.execute("UPDATE township_lists SET status = 'filed' WHERE tenant_id = $1", tid)
    if publish_lists:
        for start in range(0, len(codes), 500):
            async with tenant_transaction(tid) as conn:
                await publish_filed(conn, access, codes[start : start + 500], datetime.date(2025, 2, 1))
    return PlanTenant(slug=slug, access=access, townships=codes)
