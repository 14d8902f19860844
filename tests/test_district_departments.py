"""Tai'an with district departments: a township's list names its district's bureaus.

The city-wide catalog names the city departments (市应急管理局 …); 泰山区 and 岱岳区 record
their bureaus as counterparts (``parent_unit_code``). A published township list, its Excel
export and its portal page name the district's bureau — the one the lookup and calls route
to (core.jurisdictions.counterparts) — while the catalog stays the city's.
"""

from __future__ import annotations

import httpx

from core.publication.links import item_page_path
from tests.call_fixtures import SHENGZHUANG, publish_list
from tests.conftest import MakeTenant
from tests.test_exchange import export, sheet

DAWENKOU = "370911110000"  # 大汶口镇, 岱岳区
FOREST_FIRE = "TA-YJ-005"  # 森林防火: 应急管理局 and 自然资源和规划局 cooperate


async def test_a_published_taian_list_names_the_district_bureaus(
    client: httpx.AsyncClient, make_tenant: MakeTenant
) -> None:
    t = await make_tenant(plugin="taian")
    for township in (SHENGZHUANG, DAWENKOU):
        await publish_list(client, t, township)

    listed = await client.get(f"{t.base}/townships/{SHENGZHUANG}/list/published", headers=t.auth())
    assert listed.status_code == 200, listed.text
    items = {e["item"]["code"]: e["item"] for e in listed.json()["entries"]}
    parties = [r["party"] for r in items[FOREST_FIRE]["responsibilities"]]
    assert parties == ["township", "taishan-emergency-management-bureau", "taishan-natural-resources-bureau"]
    every = {r["party"] for i in items.values() for r in i["responsibilities"]}
    assert "emergency-management-bureau" not in every and "taishan-enforcement-bureau" in every
    other = await client.get(f"{t.base}/townships/{DAWENKOU}/list/published", headers=t.auth())
    fire = next(e["item"] for e in other.json()["entries"] if e["item"]["code"] == FOREST_FIRE)
    assert fire["responsibilities"][1]["party"] == "daiyue-emergency-management-bureau"
    # The catalog is the city's list: it keeps the city bureau.
    catalog = await client.get(f"{t.base}/catalog/items/{FOREST_FIRE}", headers=t.auth())
    assert catalog.json()["responsibilities"][1]["party"] == "emergency-management-bureau"

    rows = sheet(await export(client, t, f"/townships/{SHENGZHUANG}/list/published/export.xlsx"))
    text = "\n".join(str(v) for row in rows[1:] for v in row if v)
    assert "泰山区应急管理局" in text and "泰安市自然资源和规划局泰山分局" in text
    assert "市应急管理局" not in text.replace("泰山区应急管理局", "")
    assert "岱岳区" not in text

    page = await client.get(item_page_path(t.slug, SHENGZHUANG, FOREST_FIRE))
    assert page.status_code == 200, page.text
    assert "泰山区应急管理局" in page.text and "泰安市自然资源和规划局泰山分局" in page.text
    assert "市应急管理局" not in page.text.replace("泰山区应急管理局", "")
    page = await client.get(item_page_path(t.slug, DAWENKOU, FOREST_FIRE))
    assert "岱岳区应急管理局" in page.text and "泰山区" not in page.text
