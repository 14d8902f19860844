"""The demo's 一街一单: township types, the claims they lead to, and local details.

A township's type comes from the division tree: its ``township_type`` attribute where the
plugin sets one (兰山's typed evaluation, 龙沙's streets with farmland), else its kind — a
街道 is an urban street, a 镇/乡 an agricultural town. Agricultural towns claim every
claimable (差异化) item, industrial towns all but the farming ones, urban streets none; each
claim carries a justification naming the township and its villages. Two demo townships per
county (one of each kind there is) then get offices, A/B posts and contacts on every entry,
through the same services a county's keys use.
"""

from __future__ import annotations

from core.catalog.reading import ItemView, list_items
from core.jurisdictions.tree import JurisdictionView, list_jurisdictions
from core.jurisdictions.units import ContactData, UnitCreate, create_unit, list_units
from core.lists import posts
from core.lists.service import Claim, EntryUpdate, claim_several, get_working_list, update_entry
from core.platform.errors import Conflict
from core.security.access import Access

URBAN, INDUSTRIAL, AGRICULTURAL = "urban_street", "industrial_town", "agricultural_town"
TYPE_LABELS = {URBAN: "城市街道", INDUSTRIAL: "工业型乡镇", AGRICULTURAL: "农业型乡镇"}

#: Plugins' own type codes (兰山's differentiated evaluation) and what they mean here.
ATTRIBUTE_TYPES = {"modern_service": URBAN, "industry": INDUSTRIAL, "agriculture": AGRICULTURAL} | {
    t: t for t in TYPE_LABELS
}

#: Categories of farming duties an industrial town leaves to the agricultural ones.
FARMING = frozenset({"agriculture", "rural"})

#: Why a township of a type has a claimable item, by the item's category.
REASONS = {
    "natural_resources": "辖区有耕地、永久基本农田和农村宅基地",
    "land": "辖区有耕地、农村宅基地和林地",
    "ecology": "辖区有农田和畜禽散养户，秸秆禁烧和农村环境整治任务重",
    "construction": "辖区有村庄，乡村建设规划和农房建设需要属地管理",
    "agriculture": "辖区有农业生产、农村集体经济组织和土地承包",
    "rural": "辖区有农业生产、农村集体经济组织和土地承包",
    "sanitation": "辖区有农村生活垃圾和人居环境整治任务",
    "roads": "辖区有乡道和村道需要养护",
    "transport": "辖区有乡道和村道需要养护",
    "civil_affairs": "辖区有农村公益性墓地",
}

#: The township's offices (科室) and the categories they take; the rest go to the first.
OFFICES = (
    ("office", "党政办公室", ("party_building", "support", "key_work")),
    ("economy", "经济发展办公室", ("economy", "agriculture", "rural", "industry", "market", "project")),
    ("social", "社会事务办公室", ("public_service", "civil_affairs", "social")),
    ("safety", "平安建设办公室", ("governance", "safety", "emergency", "enforcement", "urban_management")),
    ("ecology", "生态环境和城乡建设办公室", ("ecology", "construction", "natural_resources", "land", "sanitation")),
)


def township_type(division: JurisdictionView) -> str:
    """Urban street, industrial or agricultural town, from the division tree."""
    attribute = division.attributes.get("township_type")
    if attribute in ATTRIBUTE_TYPES:
        return ATTRIBUTE_TYPES[attribute]
    return URBAN if division.kind == "street" else AGRICULTURAL


def fits(kind: str, item: ItemView) -> bool:
    """Whether a township of this type takes on a claimable item."""
    if kind == AGRICULTURAL:
        return True
    return kind == INDUSTRIAL and item.category not in FARMING


async def claimable_items(access: Access) -> list[ItemView]:
    """The claimable (差异化) items of the published catalog, each once."""
    found: list[ItemView] = []
    cursor = None
    while True:
        page = await list_items(access, status="active", limit=200, cursor=cursor)
        found += [i for i in page.items if i.township_scope == "claim"]
        if not page.next_cursor:
            return found
        cursor = page.next_cursor


def justification(division: JurisdictionView, kind: str, villages: str, item: ItemView) -> str:
    reason = REASONS.get(item.category or "", "辖区有农村地区和相应的管理对象")
    villages_note = f"（{villages}等村）" if villages else ""
    return f"{division.name}为{TYPE_LABELS[kind]}，{reason}{villages_note}，认领“{item.title}”"


async def claim_by_type(access: Access, division: JurisdictionView, items: list[ItemView]) -> int:
    """Claim the claimable items that fit the township's type; returns how many."""
    kind = township_type(division)
    fitting = [i for i in items if fits(kind, i)]
    if not fitting:
        return 0
    found = await list_jurisdictions(access, parent_code=division.code, kind="village", limit=3)
    villages = "、".join(v.name for v in found.items)
    claims = [Claim(i.code, justification(division, kind, villages, i)) for i in fitting]
    try:  # one transaction for the township's claims
        await claim_several(access, division.code, claims)
    except Conflict:  # claimed on an earlier run
        return 0
    return len(claims)


def demo_townships(townships: list[JurisdictionView]) -> list[JurisdictionView]:
    """One township of each type the county has (urban street first)."""
    chosen: dict[str, JurisdictionView] = {}
    for division in townships:
        chosen.setdefault(township_type(division), division)
    return [chosen[k] for k in TYPE_LABELS if k in chosen]


async def fill_local_details(access: Access, division: JurisdictionView, serial: int) -> int:
    """Offices with contacts, A/B posts, and each entry's office, post and contact; returns
    the entries filled. Entries that already name an office are left as they are."""
    code = division.code
    existing = {u.code for u in (await list_units(access, jurisdiction_code=code, limit=50)).items}
    phone = f"0{serial:03d}-8{serial:02d}"
    for n, (suffix, name, _) in enumerate(OFFICES, start=1):
        unit = f"t{code}-{suffix}"
        if unit not in existing:
            contact = ContactData(name=f"{name[:2]}主任", phone=f"{phone}{n:04d}", role="科室负责人")
            await create_unit(
                access,
                UnitCreate(code=unit, name=name, kind="township_office", jurisdiction_code=code, contacts=[contact]),
            )
        for role in ("a", "b"):
            holder = f"{name[:2]}{'AB'[role == 'b']}岗"
            await posts.save_post(
                access,
                code,
                f"{suffix}-{role}",
                posts.PostData(name=f"{name}{holder}", office_code=unit, holder=holder),
            )
    by_category = {c: (suffix, name) for suffix, name, cats in OFFICES for c in cats}
    working = await get_working_list(access, code)
    filled, revision = 0, working.revision
    for n, entry in enumerate(working.entries):
        if entry.responsible_office or entry.state != "active":
            continue
        suffix, name = by_category.get(entry.item.category or "", OFFICES[0][:2])
        unit = f"t{code}-{suffix}"
        data = posts.AssignmentData(
            leader=f"分管副{'主任' if division.kind == 'street' else '镇长'}",
            office_code=unit,
            a_post=f"{suffix}-a",
            b_post=f"{suffix}-b",
        )
        await posts.assign(access, code, entry.item.code, data)
        details = EntryUpdate(responsible_office=name, post=f"{name}A岗（B岗补位）", contact=f"{phone}{n % 100:04d}")
        revision = (await update_entry(access, code, entry.item.code, details, revision)).revision
        filled += 1
    return filled
