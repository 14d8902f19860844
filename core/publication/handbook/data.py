"""Reading what a handbook prints: one tenant transaction, a constant number of statements.

The published list is read by :func:`core.lists.service.get_published_list` (one set-based
statement for all entries with their responsibilities and legal bases); the list structure
(labels), the units named as responsible parties and the township's place in the division
tree are one statement each. Everything is then turned into the plain
:class:`~core.publication.handbook.model.HandbookDocument` the renderer needs, so rendering touches no
database.
"""

from __future__ import annotations

import datetime
from typing import Any

from core.catalog.reading import ItemView, LegalBase
from core.catalog.structure import extra_text, load_structure
from core.jurisdictions.tree import get_jurisdictions
from core.jurisdictions.units import get_units
from core.lists.service import Entry, get_published_list
from core.platform.db import tenant_transaction
from core.plugin_api.types import ExtraField, ListStructure
from core.publication.handbook.model import Duty, HandbookDocument, HandbookEntry, HandbookSection, Recovery
from core.publication.links import item_page_url
from core.security.access import Access

ROLE_LABELS = {"primary": "主体责任", "cooperating": "配合责任"}
OTHER_CATEGORY = "其他"


async def load_document(access: Access, township: str, version: int, public_base_url: str) -> HandbookDocument:
    """Everything the handbook of ``township``'s published ``version`` shows."""
    async with tenant_transaction(access.tenant.id):
        published = await get_published_list(access, township, number=version)
        structure = await load_structure(access)
        parties = {r.party for e in published.entries for r in e.item.responsibilities if r.party != "township"} | {
            e.item.recovery.receiving_unit for e in published.entries if e.item.recovery
        }
        units = await get_units(access, sorted(parties))
        place = await get_jurisdictions(access, [township])
        parent_code = place[township].parent_code if township in place else None
        parent = (await get_jurisdictions(access, [parent_code])).get(parent_code) if parent_code else None
    names = {code: unit.name for code, unit in units.items()} | {"township": published.township_name}
    assert published.effective_date is not None and published.version is not None
    return HandbookDocument(
        tenant_name=access.tenant.name,
        county_name=parent.name if parent else access.tenant.name,
        township_name=published.township_name,
        township_code=township,
        version=published.version,
        effective_date=published.effective_date,
        catalog_version=published.catalog_version,
        generated_at=datetime.datetime.now(datetime.UTC),
        kind_counts=tuple((k.label, published.counts.get(k.code, 0)) for k in structure.kinds),
        sections=_sections(access, township, published.entries, structure, names, public_base_url),
    )


def _sections(
    access: Access,
    township: str,
    entries: list[Entry],
    structure: ListStructure,
    names: dict[str, str],
    base_url: str,
) -> tuple[HandbookSection, ...]:
    categories = {c.code: c.label for c in structure.categories}
    by_code = {e.item.code: e.item for e in entries}
    grouped: dict[str, list[HandbookEntry]] = {label: [] for label in categories.values()}
    for e in entries:
        category = categories.get(e.item.category or "", e.item.category or OTHER_CATEGORY)
        grouped.setdefault(category, []).append(_entry(access, township, e, structure, by_code, names, base_url))
    other = grouped.pop(OTHER_CATEGORY, [])
    grouped[OTHER_CATEGORY] = other
    return tuple(HandbookSection(label, tuple(items)) for label, items in grouped.items() if items)


def _entry(
    access: Access,
    township: str,
    e: Entry,
    structure: ListStructure,
    by_code: dict[str, ItemView],
    names: dict[str, str],
    base_url: str,
) -> HandbookEntry:
    item = e.item
    levels = {lv.code: lv for lv in structure.levels}
    kinds = {k.code: k.label for k in structure.kinds}
    item_kinds = {k.code: k.label for k in structure.item_kinds}
    categories = {c.code: c.label for c in structure.categories}
    level = levels.get(item.level)
    return HandbookEntry(
        code=item.code,
        title=item.title,
        depth=level.depth if level else 1,
        level_label=level.label if level else item.level,
        chain=_chain(item, by_code, levels),
        kind_labels=tuple(kinds.get(k, k) for k in item.kinds),
        item_kind_label=item_kinds.get(item.item_kind, item.item_kind) if item.item_kind else None,
        category_label=categories.get(item.category, item.category) if item.category else OTHER_CATEGORY,
        description=item.description,
        process=item.process,
        duties=tuple(
            Duty(names.get(r.party, r.party), r.role, ROLE_LABELS.get(r.role, r.role), r.duty, r.financial_share)
            for r in item.responsibilities
        ),
        legal_bases=tuple(_citation(b) for b in item.legal_bases),
        recovery=Recovery(
            names.get(item.recovery.receiving_unit, item.recovery.receiving_unit),
            item.recovery.working_method,
            item.recovery.reason,
        )
        if item.recovery
        else None,
        responsible_office=e.responsible_office,
        post=e.post,
        contact=e.contact,
        note=e.note,
        extras=_extras(item.extra, structure.extra_fields),
        url=item_page_url(base_url, access.tenant.slug, township, item.code),
    )


def _chain(item: ItemView, by_code: dict[str, ItemView], levels: dict[str, Any]) -> tuple[str, ...]:
    """The ancestors on the list, top first, as "level：title"."""
    chain: list[str] = []
    parent = by_code.get(item.parent_code or "")
    while parent is not None and len(chain) < 10:
        level = levels.get(parent.level)
        chain.append(f"{level.label if level else parent.level}：{parent.title}")
        parent = by_code.get(parent.parent_code or "")
    return tuple(reversed(chain))


def _citation(basis: LegalBase) -> str:
    if basis.resolved and basis.document_title:
        return f"《{basis.document_title}》{basis.label or ''}"
    return basis.raw


def _extras(extra: dict[str, Any], fields: tuple[ExtraField, ...]) -> tuple[tuple[str, str], ...]:
    return tuple((f.label, extra_text(f, extra.get(f.name))) for f in fields if extra.get(f.name) not in (None, "", []))
