"""Districts as units of oversight (docs/oversight.md, "Counties and districts"): a tenant keeping
the lists of several districts' townships (泰安: 泰山区 370902, 岱岳区 370911) is compared and
counted per district, named ``slug:code``; its grant rules its districts as it rules the county.

One 泰安 tenant from its plugin with every township's list published (as the demo does), granted
to a city overseer with the same division code (370900) — never to a province — over HTTP."""

from __future__ import annotations

import datetime
import io
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from api.demo import publish_township_lists
from core.oversight import model, units
from core.oversight.comparison import ProvisionProfile, provision_profile
from core.oversight.indicators import compute
from core.oversight.reports import render_pdf, render_workbook
from core.oversight.scope import overseeing
from core.platform.db import tenant_transaction
from core.security.access import Role
from core.security.tenancy import find_tenant
from tenants import keys
from tenants.access import open_access
from tenants.provisioning import TenantCreate, TenantKind, create_tenant
from tests.conftest import PLATFORM, TenantFixture

TAISHAN, DAIYUE = "370902", "370911"
FIGURES = ("townships", "townships_with_list", "basic", "cooperating", "recovered", "other", "total")


@dataclass
class Taian:
    county: TenantFixture
    city: TenantFixture  # granted by the county
    province: TenantFixture  # never granted

    def comparison(self, overseer: TenantFixture, *units: str) -> str:
        query = "&".join(f"counties={u}" for u in units)
        return f"{overseer.base}/oversight/comparison" + (f"?{query}" if query else "")

    def contrasts(self, overseer: TenantFixture, county_level: str, township_level: str) -> str:
        return f"{overseer.base}/oversight/contrasts?county_level={county_level}&township_level={township_level}"


async def _tenant(platform_key: str, kind: TenantKind, plugin: str | None, division_code: str) -> TenantFixture:
    slug = f"t-{uuid.uuid4().hex[:10]}"
    create = TenantCreate(
        slug=slug, name="泰安市", division_code=None if plugin else division_code, plugin=plugin, kind=kind
    )
    tenant = await create_tenant(PLATFORM, create)
    access = await open_access(PLATFORM, slug)
    admin = await keys.create_key(access, keys.ApiKeyCreate(name="admin", role=Role.ADMIN))
    reader = await keys.create_key(access, keys.ApiKeyCreate(name="reader", role=Role.READER))
    return TenantFixture(slug, tenant.division_code, admin.key, reader.key, platform_key)


@pytest.fixture(scope="module")
async def taian(database_url: str, platform_key: str, app: Any) -> AsyncIterator[Taian]:
    county = await _tenant(platform_key, "county", "taian", "")
    await publish_township_lists(await open_access(PLATFORM, county.slug))
    # A city overseer with the division code of the tenant keeping its districts' lists.
    city = await _tenant(platform_key, "city", None, "370900")
    province = await _tenant(platform_key, "province", None, "370000")
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://qingdan.test") as client:
        granted = await client.put(f"{county.base}/oversight/grants/{city.slug}", headers=county.auth())
        assert granted.status_code == 200, granted.text
    yield Taian(county, city, province)


def unit(t: Taian, district: str | None = None) -> str:
    return f"{t.county.slug}:{district}" if district else t.county.slug


async def test_per_district_figures_sum_to_the_tenants(client: httpx.AsyncClient, taian: Taian) -> None:
    tenant = await find_tenant(taian.county.slug)
    assert tenant is not None
    async with tenant_transaction(tenant.id) as conn:
        computed = await compute(conn, tenant.id, datetime.date.today() + datetime.timedelta(days=1))
    assert [(d.code, d.name, d.unit) for d in computed.districts] == [
        (TAISHAN, "泰山区", unit(taian, TAISHAN)),
        (DAIYUE, "岱岳区", unit(taian, DAIYUE)),
    ]
    assert [d.figures.townships for d in computed.districts] == [8, 18]
    for field in FIGURES:
        assert sum(getattr(d.figures, field) for d in computed.districts) == getattr(computed.county, field), field
    assert computed.county.total > 0 and all(d.figures.townships_with_list for d in computed.districts)
    assert {t.district for t in computed.townships} == {TAISHAN, DAIYUE}
    for d in computed.districts:  # a district's figures are its townships'
        mine = [t for t in computed.townships if t.district == d.code]
        assert d.figures.total == sum(t.figures.total for t in mine)
    assert model.decode(model.encode(computed)) == computed

    # The report shows them: a 县（区） sheet in the workbook, a table in the PDF.
    sheet = load_workbook(io.BytesIO(render_workbook(computed)))["县（区）"]
    rows = list(sheet.iter_rows(min_row=2, values_only=True))
    assert [(r[0], r[1], r[6]) for r in rows] == [
        (d.name, d.figures.townships, d.figures.total) for d in computed.districts
    ]
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(render_pdf(computed))).pages)
    assert "按县（区）" in text.replace(" ", "") and "岱岳区" in text

    # The overseer reads them in the stored body (the REST answer), as every other figure.
    today = datetime.date.today()
    read = await client.get(
        f"{taian.city.base}/oversight/counties/{taian.county.slug}/indicators?as_of={today}",
        headers=taian.city.auth(taian.city.reader),
    )
    assert read.status_code == 200, read.text
    assert [d["unit"] for d in read.json()["districts"]] == [unit(taian, TAISHAN), unit(taian, DAIYUE)]


async def test_a_city_compares_its_counties_the_districts_of_one_tenant(
    client: httpx.AsyncClient, taian: Taian
) -> None:
    h = taian.city.auth(taian.city.reader)
    explicit = await client.get(taian.comparison(taian.city, unit(taian, TAISHAN), unit(taian, DAIYUE)), headers=h)
    assert explicit.status_code == 200, explicit.text
    body = explicit.json()
    assert body["counties"] == ["泰山区", "岱岳区"] and body["units"] == [unit(taian, TAISHAN), unit(taian, DAIYUE)]
    assert body["shared"], "two districts of one catalog share provisions"
    for shared in body["shared"]:
        assert [c["unit"] for c in shared["counties"]] == body["units"]
        assert all(c["items"] for c in shared["counties"]), shared["label"]
    shared_labels = {s["label"] for s in body["shared"]}
    whole = (await client.get(taian.comparison(taian.city), headers=h)).json()
    assert whole == body, "by default a city compares the districts of a tenant keeping several"

    # The same two through GraphQL's comparison, which takes the same names.
    query = f'{{ tenant(slug: "{taian.city.slug}") {{ oversightComparison(counties: ["{unit(taian, TAISHAN)}",'
    query += f' "{unit(taian, DAIYUE)}"]) {{ counties units shared {{ label counties {{ unit countyName }} }} }} }} }}'
    graphql = await client.post("/graphql", json={"query": query}, headers=h)
    assert graphql.status_code == 200 and not graphql.json().get("errors"), graphql.text
    typed = graphql.json()["data"]["tenant"]["oversightComparison"]
    assert typed["counties"] == body["counties"] and typed["units"] == body["units"]
    assert {s["label"] for s in typed["shared"]} == shared_labels
    assert all([c["unit"] for c in s["counties"]] == body["units"] for s in typed["shared"])

    contrasts = await client.get(taian.contrasts(taian.city, unit(taian, TAISHAN), unit(taian, DAIYUE)), headers=h)
    assert contrasts.status_code == 200, contrasts.text
    for contrast in contrasts.json():
        assert {d["unit"] for d in contrast["county_level"]} == {unit(taian, TAISHAN)}
        assert {d["unit"] for d in contrast["township_level"]} == {unit(taian, DAIYUE)}


async def test_a_district_of_a_county_that_did_not_grant_is_not_there(client: httpx.AsyncClient, taian: Taian) -> None:
    h = taian.province.auth(taian.province.reader)
    for url in (
        taian.comparison(taian.province, unit(taian, TAISHAN)),
        taian.comparison(taian.province, unit(taian, "370999")),  # 404 before the district is looked at
        taian.contrasts(taian.province, unit(taian, TAISHAN), unit(taian, DAIYUE)),
    ):
        response = await client.get(url, headers=h)
        assert response.status_code == 404, (url, response.text)
        assert response.json()["code"] == "not-found"
    assert (await client.get(taian.comparison(taian.province), headers=h)).json()["units"] == []
    # Revoked, the city's next request finds the district gone as the county; granted again, back.
    grants = f"{taian.county.base}/oversight/grants/{taian.city.slug}"
    city = taian.city.auth(taian.city.reader)
    assert (await client.post(f"{grants}/revoke", headers=taian.county.auth())).status_code == 200
    try:
        gone = await client.get(taian.comparison(taian.city, unit(taian, TAISHAN), unit(taian, DAIYUE)), headers=city)
        assert gone.status_code == 404, gone.text
        assert (await client.get(taian.comparison(taian.city), headers=city)).json()["units"] == []
    finally:
        assert (await client.put(grants, headers=taian.county.auth())).status_code == 200
    back = await client.get(taian.comparison(taian.city, unit(taian, TAISHAN), unit(taian, DAIYUE)), headers=city)
    assert back.status_code == 200, back.text
    # The county itself reads none of this: a county oversees nobody.
    own = await client.get(taian.comparison(taian.county, unit(taian, TAISHAN)), headers=taian.county.auth())
    assert own.status_code == 403, own.text


async def problem(client: httpx.AsyncClient, url: str, key: str, language: str) -> dict[str, Any]:
    response = await client.get(url, headers={"Authorization": f"Bearer {key}", "Accept-Language": language})
    assert response.status_code == 422, (url, response.text)
    body: dict[str, Any] = response.json()
    assert body["code"] == "validation-failed"
    return body


async def test_a_name_that_is_not_a_unit_is_a_clear_422(client: httpx.AsyncClient, taian: Taian) -> None:
    key = taian.city.reader
    taishan = f"{unit(taian, TAISHAN)}（泰山区）"

    zh = await problem(client, taian.comparison(taian.city, "泰山区"), key, "zh-CN")
    assert zh["errors"][0]["field"] == "counties"
    assert "不是县（区）的写法" in zh["detail"] and f"您是不是要写「{taishan}」" in zh["detail"], zh
    en = await problem(client, taian.comparison(taian.city, "泰山区"), key, "en")
    assert "does not name a county" in en["detail"] and f"did you mean {taishan}" in en["detail"], en

    # A well-formed name of a district the tenant's tree does not hold: its districts suggested.
    wrong = await problem(client, taian.comparison(taian.city, unit(taian, "370903")), key, "zh-CN")
    assert "没有下辖乡镇（街道）的县（区）370903" in wrong["detail"]
    assert taishan in wrong["detail"] and f"{unit(taian, DAIYUE)}（岱岳区）" in wrong["detail"]
    # 宁阳县 is a county of the tree with no township listed under it: not a unit.
    ningyang = await problem(client, taian.comparison(taian.city, unit(taian, "370921")), key, "en")
    assert "has no county or district 370921 with townships" in ningyang["detail"]

    overlapping = await problem(client, taian.comparison(taian.city, unit(taian), unit(taian, DAIYUE)), key, "en")
    assert "already holds" in overlapping["detail"]
    for bad in (f"{taian.county.slug}:", f"{taian.county.slug}:3709", f"{taian.county.slug}/{TAISHAN}", "Taian"):
        body = await problem(client, taian.comparison(taian.city, bad), key, "en")
        assert "does not name a county" in body["detail"], bad
    same = await problem(client, taian.contrasts(taian.city, unit(taian, DAIYUE), unit(taian, DAIYUE)), key, "en")
    assert same["errors"][0]["field"] == "township_level"


async def test_a_districts_profile_counts_its_own_townships(taian: Taian) -> None:
    """A district's duties are what its townships' lists hold (and the county-side items): an
    item's townships in the two districts add up to the tenant's."""
    city = await open_access(PLATFORM, taian.city.slug)
    async with overseeing(city, taian.county.slug) as seen:
        found = await units.districts(seen.conn, [seen.id])
        whole = await provision_profile(seen.conn, seen.id)
        parts = [await provision_profile(seen.conn, seen.id, None, d) for d in found[seen.id]]
    assert [(p.unit, p.county_name, p.division_code) for p in parts] == [
        (unit(taian, TAISHAN), "泰山区", TAISHAN),
        (unit(taian, DAIYUE), "岱岳区", DAIYUE),
    ]
    assert whole.unit == taian.county.slug and whole.county_name == "泰安市"

    def held(profile: ProvisionProfile) -> dict[str, int]:
        return {i.code: i.townships for d in profile.duties for i in d.items}

    in_whole, in_parts = held(whole), [held(p) for p in parts]
    assert any(in_whole.values())
    for code, townships in in_whole.items():
        assert sum(part.get(code, 0) for part in in_parts) == townships, code
    for part in parts:  # a township-side duty no township of the district holds is not the district's
        assert all(i.townships or i.side == "county" for d in part.duties for i in d.items)
