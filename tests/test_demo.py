"""The demo shows 一街一单: lists differ by township type, claims carry justifications, the demo
townships have offices, A/B posts and contacts on their entries."""

from __future__ import annotations

import datetime
import uuid

from api.demo import PLATFORM, publish_township_lists, raise_calls
from api.demo_law import record_law_change
from api.demo_oversight import DemoOverseer, provision_overseers
from core.calls.reading import call_history, list_calls
from core.lists import posts
from core.lists.service import get_working_list
from core.oversight import model, reading, scope
from tenants.access import open_access
from tenants.provisioning import TenantCreate, create_tenant

LIUCHENG, WANCHUN, HESHENG = "510115001000", "510115105000", "510115101000"  # 柳城街道, 万春镇, 和盛镇
RURAL = ("农村村民宅基地审批", "秸秆禁烧网格巡查和制止", "畜禽散养粪便污水分户收集、集中处理")


async def test_the_demo_lists_differ_by_township_type_with_claims_and_local_details(database_url: str) -> None:
    slug = f"demo-{uuid.uuid4().hex[:6]}"
    await create_tenant(PLATFORM, TenantCreate(slug=slug, name="温江 demo", plugin="wenjiang"))
    access = await open_access(PLATFORM, slug)
    await publish_township_lists(access, local_details=True)

    street, town = await get_working_list(access, LIUCHENG), await get_working_list(access, WANCHUN)
    assert (street.status, town.status) == ("published", "published")
    street_titles = {e.item.title for e in street.entries}
    town_titles = {e.item.title for e in town.entries}
    assert not street_titles & set(RURAL), "an urban street carries rural duties"
    assert set(RURAL) <= town_titles
    claimed = [e for e in town.entries if e.origin == "claimed"]
    assert claimed and all("万春镇为农业型乡镇" in e.justification for e in claimed)
    assert any("幸福村" in e.justification for e in claimed)
    assert not [e for e in street.entries if e.origin == "claimed"]

    for township in (street, await get_working_list(access, HESHENG)):  # the first of each type: local details
        assert all(e.responsible_office and e.post and e.contact for e in township.entries)
        assignments = await posts.list_assignments(access, township.township_code)
        assert len(assignments) == len(township.entries)
        assert all(a.b_post for a in assignments)
    other = await get_working_list(access, "510115002000")  # 公平街道: not a demo township
    assert {e.item.title for e in other.entries} == street_titles
    assert not any(e.responsible_office for e in other.entries)

    await raise_calls(access)
    calls = (await list_calls(access, limit=50)).items
    assert {c.township_code for c in calls} == {LIUCHENG, HESHENG}
    assert all(c.state == "archived" and c.dispatches for c in calls)
    histories = [[s.action for s in await call_history(access, c.id)] for c in calls]
    for actions in histories:
        assert actions[:2] == ["raise", "dispatch"] and {"sign_for", "start", "answer"} <= set(actions)
        assert actions[-2:] == ["follow_up", "archive"]
    assert sum("escalate" in actions for actions in histories) == 2  # one per demo township

    # The demo's law change: a dry run here, as recording a national law's amendment would open
    # adjustments in every tenant of this test session.
    preview = await record_law_change(access, dry_run=True)
    assert preview is not None and preview.dry_run and preview.report.provisions
    # 温江 cites 第二十三条 and 第三十条, which the 2024 text only renumbers (第二十六条, 第三十三条):
    # followed by their content, they open nothing for 温江.
    moved = {p.article: (p.change, p.to_articles) for p in preview.report.provisions if p.article in (23, 30)}
    assert moved == {23: ("moved", [26]), 30: ("moved", [33])}
    assert slug not in {t.tenant for t in preview.report.tenants}


async def test_the_demo_province_oversees_the_shandong_counties_and_a_city_compares_its_counties(
    database_url: str,
) -> None:
    """api/demo_oversight.py on fresh copies of the Shandong demo tenants (泰安 with its lists
    published, as the demo does; 兰山): the province compares 泰山区, 岱岳区 and 兰山区, the city
    泰安市 its two counties 泰山区 and 岱岳区, 临沂市 its one district 兰山区."""
    suffix = uuid.uuid4().hex[:6]
    counties = {}
    for plugin in ("taian", "lanshan"):
        slug = f"{plugin}-{suffix}"
        await create_tenant(PLATFORM, TenantCreate(slug=slug, name=f"{plugin} demo", plugin=plugin))
        counties[plugin] = slug
    await publish_township_lists(await open_access(PLATFORM, counties["taian"]))
    taishan, daiyue = f"{counties['taian']}:370902", f"{counties['taian']}:370911"
    province = DemoOverseer(f"sd-{suffix}", "山东省", "370000", "province", (counties["taian"], counties["lanshan"]))
    taian_city = DemoOverseer(f"ta-{suffix}", "泰安市", "370900", "city", (counties["taian"],))
    city = DemoOverseer(f"ly-{suffix}", "临沂市", "371300", "city", (counties["lanshan"], "not-provisioned"))
    made = await provision_overseers((province, taian_city, city))
    assert [o.counties for o in made] == [["taian demo", "lanshan demo"], ["taian demo"], ["lanshan demo"]]
    assert [o.units for o in made] == [[taishan, daiyue, counties["lanshan"]], [taishan, daiyue], [counties["lanshan"]]]
    assert await provision_overseers((province,))  # idempotent: granted again, a new key

    shandong = await open_access(PLATFORM, province.slug)
    assert {c.slug for c in await scope.counties(shandong)} == set(counties.values())
    compared = await reading.comparison(shandong, None, None)
    assert compared.counties == ["泰山区", "岱岳区", "lanshan demo"]
    assert compared.shared, "泰安's districts and 兰山 cite the same national provisions"
    assert any({c.unit for c in s.counties} >= {taishan, counties["lanshan"]} for s in compared.shared)
    by_tenant = await reading.comparison(shandong, [counties["taian"], counties["lanshan"]], None)
    assert by_tenant.units == [counties["taian"], counties["lanshan"]] and by_tenant.shared
    stored = await reading.indicators(shandong, counties["taian"], datetime.date.today())
    assert stored.as_of == datetime.date.today()  # stored by the demo, read as stored
    assert [d.name for d in model.decode(stored.body).districts] == ["泰山区", "岱岳区"]

    # The city compares its counties: the two districts whose lists the 泰安 tenant keeps.
    city_access = await open_access(PLATFORM, taian_city.slug)
    two = await reading.comparison(city_access, None, None)
    assert two.counties == ["泰山区", "岱岳区"] and two.units == [taishan, daiyue]
    assert two.shared and all([c.unit for c in s.counties] == [taishan, daiyue] for s in two.shared)
    assert all(c.items for s in two.shared for c in s.counties)
    linyi = await open_access(PLATFORM, city.slug)
    assert [c.slug for c in await scope.counties(linyi)] == [counties["lanshan"]]
