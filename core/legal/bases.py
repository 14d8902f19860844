"""Legal bases: citation strings resolved against a tenant's library, with what rules need to
know of the documents they name (title, level, status as of today, region).

One resolution for every entry point — the REST and GraphQL ``resolve`` operations, catalog
editing and the Excel import (through :func:`bases_by_raw`), and a plugin's ``check_item``
(:class:`core.plugin_api.types.LegalBasis`): the same library (:func:`citable_library`), the
same ranking, the same reasons.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping

import asyncpg

from core.legal import queries
from core.legal.documents import ref_label
from core.legal.library import StoredCitation, check_provisions, citable_library, resolve_texts
from core.legal.model import LEVEL_CODES, LEVELS, STATUSES, CitationResolution, CitationResolve, LegalBasisView
from core.legal.queries import SHARED_TENANT
from core.platform.db import tenant_transaction
from core.plugin_api.types import LegalBasis
from core.security.access import Access


async def resolve_stored(
    conn: asyncpg.Connection, tenant_id: uuid.UUID, division_code: str, raws: list[str]
) -> list[tuple[StoredCitation, queries.DocumentRow | None]]:
    """Each citation resolved, with its document's row (None when unresolved), in order."""
    if not raws:
        return []
    library = await citable_library(conn, tenant_id, division_code)
    stored = await check_provisions(conn, resolve_texts(raws, library))
    ids = list({c.document_id for c in stored if c.document_id is not None})
    rows = {r.id: r for r in await queries.document_rows(conn, tenant_id, ids)} if ids else {}
    return [(c, rows.get(c.document_id) if c.document_id else None) for c in stored]


def plugin_basis(c: StoredCitation, doc: queries.DocumentRow | None) -> LegalBasis:
    """What a plugin's ``check_item`` sees of one cited provision."""
    return LegalBasis(
        raw=c.raw,
        resolved=doc is not None and c.problem is None,
        document_title=doc.title if doc else None,
        level=doc.level if doc else None,
        status=doc.status if doc else None,
        region_code=doc.region_code if doc else None,
        own=doc is not None and doc.tenant_id != SHARED_TENANT,
        article=c.article,
        paragraph=c.paragraph,
        item=c.item,
        problem=c.problem,
    )


async def bases_in(conn: asyncpg.Connection, access: Access, raws: Iterable[str]) -> dict[str, tuple[LegalBasis, ...]]:
    """Each distinct citation string → its resolved bases (a string may cite several provisions)."""
    distinct = list(dict.fromkeys(raws))
    out: dict[str, list[LegalBasis]] = {raw: [] for raw in distinct}
    for c, doc in await resolve_stored(conn, access.tenant.id, access.tenant.division_code, distinct):
        out[c.raw].append(plugin_basis(c, doc))
    return {raw: tuple(found) for raw, found in out.items()}


async def bases_by_raw(access: Access, raws: Iterable[str]) -> dict[str, tuple[LegalBasis, ...]]:
    """:func:`bases_in` in a transaction of its own (for callers outside one)."""
    async with tenant_transaction(access.tenant.id) as conn:
        return await bases_in(conn, access, raws)


def item_bases(citations: Iterable[str], by_raw: Mapping[str, tuple[LegalBasis, ...]]) -> tuple[LegalBasis, ...]:
    """An item's bases in the order of its citations."""
    return tuple(b for raw in citations for b in by_raw.get(raw, ()))


def _view(c: StoredCitation, doc: queries.DocumentRow | None) -> LegalBasisView:
    level = LEVEL_CODES.get(doc.level, "other") if doc else None
    return LegalBasisView(
        raw=c.raw,
        resolved=doc is not None and c.problem is None,
        document_id=str(doc.id) if doc else None,
        document_title=doc.title if doc else None,
        shared=doc.tenant_id == SHARED_TENANT if doc else None,
        level=level,
        level_label=LEVELS[level] if level else None,
        status=doc.status if doc else None,
        status_label=STATUSES[doc.status] if doc else None,
        region_code=doc.region_code if doc else None,
        article=c.article,
        paragraph=c.paragraph,
        item=c.item,
        label=ref_label(c.article, c.paragraph, c.item),
        problem=c.problem,
    )


async def resolve(access: Access, data: CitationResolve) -> CitationResolution:
    """Resolve citation strings as the tenant's items would (nothing is written)."""
    async with tenant_transaction(access.tenant.id) as conn:
        found = await resolve_stored(conn, access.tenant.id, access.tenant.division_code, list(data.citations))
    bases = [_view(c, doc) for c, doc in found]
    resolved = sum(1 for b in bases if b.resolved)
    return CitationResolution(bases=bases, resolved=resolved, unresolved=len(bases) - resolved)
