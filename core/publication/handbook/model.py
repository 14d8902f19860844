"""What a handbook prints: plain data, read from the database by :mod:`core.publication.handbook.data`
and laid out by :mod:`core.publication.handbook.render` (which needs nothing else)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Duty:
    """One responsibility line: who, primary or cooperating, and the duty text."""

    party: str
    role: str  # "primary" | "cooperating"
    role_label: str
    duty: str
    financial_share: float | None = None


@dataclass(frozen=True)
class Recovery:
    receiving_unit: str
    working_method: str
    reason: str


@dataclass(frozen=True)
class HandbookEntry:
    code: str
    title: str
    depth: int
    level_label: str
    chain: tuple[str, ...]  # the ancestors' titles, top first
    kind_labels: tuple[str, ...]
    item_kind_label: str | None
    category_label: str
    description: str
    process: str
    duties: tuple[Duty, ...]
    legal_bases: tuple[str, ...]
    recovery: Recovery | None
    responsible_office: str
    post: str
    contact: str
    note: str
    extras: tuple[tuple[str, str], ...]
    url: str  # the portal item page the QR code opens


@dataclass(frozen=True)
class HandbookSection:
    """One category of the contents, its entries in list (code) order."""

    label: str
    entries: tuple[HandbookEntry, ...]


@dataclass(frozen=True)
class HandbookDocument:
    tenant_name: str
    county_name: str
    township_name: str
    township_code: str
    version: int
    effective_date: datetime.date
    catalog_version: int
    generated_at: datetime.datetime
    kind_counts: tuple[tuple[str, int], ...]  # (kind label, entries) in structure order
    sections: tuple[HandbookSection, ...] = field(default=())

    @property
    def entry_count(self) -> int:
        return sum(len(s.entries) for s in self.sections)
