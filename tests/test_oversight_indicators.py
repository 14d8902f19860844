"""Burden indicators (core/oversight/indicators.py) on a small county whose every figure is
counted by hand (tests/oversight_fixtures.py), as of dates before and after a publication."""

from __future__ import annotations

import datetime
import uuid

import httpx
import msgspec
import pytest

from core.oversight import model
from core.oversight.comparison import ProvisionProfile, compare, contrasts_between, provision_profile
from core.oversight.indicators import compute
from core.oversight.model import BurdenIndicators
from core.oversight.scope import overseeing
from core.platform.db import tenant_transaction
from tenants.access import open_access
from tenants.provisioning import TenantCreate, create_tenant
from tests.conftest import PLATFORM, MakeTenant, TenantFixture
from tests.oversight_fixtures import EMERGENCY, LIUCHENG, build_oversight_county

BEFORE, BETWEEN, AFTER = datetime.date(2024, 12, 31), datetime.date(2025, 3, 1), datetime.date(2025, 7, 1)


@pytest.fixture
async def county(client: httpx.AsyncClient, tenant: TenantFixture) -> uuid.UUID:
    return await build_oversight_county(client, tenant)


async def indicators(tenant_id: uuid.UUID, as_of: datetime.date) -> BurdenIndicators:
    async with tenant_transaction(tenant_id) as conn:
        return await compute(conn, tenant_id, as_of)


def codes(indicator: model.Indicator) -> list[str]:
    return [i.code for i in indicator.items]


async def test_counts_per_kind_and_ratios_follow_the_lists_in_force(county: uuid.UUID) -> None:
    before = await indicators(county, BEFORE)
    assert before.county.townships == 3 and before.county.townships_with_list == 0
    assert before.county.total == 0 and before.county.total_ratio is None

    # 2025-03-01: version 1 of each list. Every street: B-01, C-01..03, R-01; 柳城 also D-01.
    between = await indicators(county, BETWEEN)
    c = between.county
    assert (c.townships_with_list, c.basic, c.cooperating, c.recovered, c.other, c.total) == (3, 3, 9, 3, 1, 16)
    assert c.basic_per_township == 1.0 and c.cooperating_per_township == 3.0
    assert c.total_per_township == round(16 / 3, 2)
    assert c.basic_ratio == round(1 / 117, 3) and c.cooperating_ratio == round(3 / 99, 3)
    assert c.total_ratio == round(round(16 / 3, 2) / 340, 3)
    liucheng = next(t for t in between.townships if t.code == LIUCHENG)
    assert (liucheng.list_version, liucheng.figures.total, liucheng.figures.other) == (1, 6, 1)
    assert [(t.township_type, t.label, t.figures.townships) for t in between.township_types] == [("street", "街道", 3)]
    kinds = {k.kind: (k.entries, k.items) for k in between.kinds}
    assert kinds["differentiated"] == (1, 1) and kinds["cooperating"] == (9, 3) and kinds["core"] == (0, 0)

    # 2025-07-01: version 2 adds B-02 (basic) to every street.
    after = await indicators(county, AFTER)
    assert (after.county.basic, after.county.total) == (6, 19)
    assert {t.list_version for t in after.townships} == {2}


async def test_item_indicators_carry_the_items_behind_them(county: uuid.UUID) -> None:
    between = await indicators(county, BETWEEN)
    push = between.push_down
    assert codes(push) == ["C-02", "C-03"] and (push.count, push.base) == (2, 3)
    assert [i.reason for i in push.items] == ["lead_duty_only_directs", "no_lead_department"]
    assert push.items[0].title == "城镇燃气安全隐患排查" and push.items[0].townships == 3
    assert codes(between.without_admission) == []

    after = await indicators(county, AFTER)
    assert codes(after.without_admission) == ["B-02"] and after.without_admission.items[0].townships == 3
    assert after.without_admission.base == 7

    today = datetime.date.today() + datetime.timedelta(days=1)  # China may be a day ahead
    now = await indicators(county, today)
    assert codes(now.inactive_recovered) == ["R-01"] and now.inactive_recovered.base == 1
    assert "区应急管理局" in now.inactive_recovered.items[0].note
    assert codes(after.inactive_recovered) == []  # the call was raised after 2025

    evaluation = now.evaluation_on_county_items
    assert codes(evaluation) == ["R-01"] and evaluation.items[0].reason == "indicator:chemicals"
    assert (evaluation.count, evaluation.base) == (1, 2)


async def test_call_statistics_per_department_are_aggregates_without_personal_data(county: uuid.UUID) -> None:
    now = await indicators(county, datetime.date.today() + datetime.timedelta(days=1))
    emergency = next(d for d in now.departments if d.unit_code == EMERGENCY)
    assert (emergency.received, emergency.signed_on_time, emergency.answered, emergency.sent_back) == (1, 0, 0, 0)
    assert emergency.signed_on_time_rate == 0.0 and emergency.answered_on_time_rate is None
    assert emergency.satisfaction_rate is None and emergency.unit_name == "区应急管理局"
    body = msgspec.json.encode(now).decode()
    assert "无证经营" not in body and "raised_by" not in body and "contact" not in body
    assert model.decode(model.encode(now)) == now


async def profile_of(tenant_id: uuid.UUID) -> ProvisionProfile:
    async with tenant_transaction(tenant_id) as conn:
        return await provision_profile(conn, tenant_id)


async def test_the_five_demo_counties_share_duties_by_provision(database_url: str) -> None:
    """The demo's five plugin counties (their seed catalogs, as provisioned): the same duty under
    different names is found through the provision it cites."""
    ids = []
    for plugin in ("wenjiang", "longsha", "taian", "lanshan", "dongshan"):
        slug = f"{plugin[:6]}-{uuid.uuid4().hex[:6]}"
        tenant = await create_tenant(PLATFORM, TenantCreate(slug=slug, name=f"{plugin} 比较", plugin=plugin))
        ids.append(tenant.id)
    profiles = [await profile_of(i) for i in ids]
    comparison = compare(profiles)
    by_label = {s.label: s for s in comparison.shared}
    homestead = by_label["《土地管理法》第六十二条"]
    assert len(homestead.counties) == 5 and homestead.sides == {"township"}
    assert {i.title for c in homestead.counties for i in c.items} >= {"农村村民宅基地审批", "宅基地申请审核批准"}
    assert len(comparison.shared) >= 40
    assert all(len({c.tenant_id for c in s.counties}) >= 2 for s in comparison.shared)

    # 露天焚烧: 温江 and 东山 took the penalty back, 龙沙 and 泰安 keep it on the townships
    burning = next(c for c in comparison.contrasts if c.label == "《大气污染防治法》第一百一十九条")
    wenjiang, longsha = ids[0], ids[1]
    assert {d.tenant_id for d in burning.county_level} >= {wenjiang, ids[4]}
    assert {d.tenant_id for d in burning.township_level} >= {longsha, ids[2]}
    assert comparison.units == [p.unit for p in profiles] and len(set(comparison.units)) == 5
    pair = contrasts_between(comparison, profiles[0].unit, profiles[1].unit)
    assert any(c.label == burning.label for c in pair)
    assert all(d.tenant_id == wenjiang for c in pair for d in c.county_level)


async def test_a_profile_reads_the_same_in_an_overseers_granted_context(
    client: httpx.AsyncClient, make_tenant: MakeTenant, tenant: TenantFixture
) -> None:
    county = await build_oversight_county(client, tenant)
    province = await make_tenant(division_code="370000", kind="province")
    granted = await client.put(f"{tenant.base}/oversight/grants/{province.slug}", headers=tenant.auth())
    assert granted.status_code == 200, granted.text
    overseer = await open_access(PLATFORM, province.slug)
    async with overseeing(overseer, tenant.slug) as seen:
        profile = await provision_profile(seen.conn, seen.id)
    assert profile == await profile_of(county)
    labels = {d.label: [i.code for i in d.items] for d in profile.duties}
    assert labels == {"《安全生产法》第九条": ["B-01"], "《城乡规划法》第四十一条": ["D-01"]}
    assert [d.side for d in profile.duties] == ["township", "township"]
