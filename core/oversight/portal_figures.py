"""Which charts of its burden indicators a county publishes on its portal, and those charts.

The county's admin chooses codes of :data:`core.oversight.public.PUBLISHABLE` (revisioned like
the portal footer: If-Match or ``revision``, 0 before the first choice); every key of the
county may read the choice. The portal home page then draws the chosen charts from the
county's newest stored indicators (aggregates only: counts, rates, township and department
names — no person). A county that chose none shows none. Both a new choice and newly stored
indicators move the content generation, so the cached home page shows them on the next request.
"""

from __future__ import annotations

import datetime
from typing import Annotated

import msgspec

from core.calls.reading import CHINA
from core.oversight import model, queries
from core.oversight.public import PUBLISHABLE, PublicFigures, public_figures
from core.oversight.reading import compute_and_store
from core.oversight.storage import newest_indicators
from core.platform import generations
from core.platform.db import tenant_transaction
from core.platform.errors import ValidationFailed
from core.platform.inputs import Checked
from core.platform.messages import Text
from core.platform.versioning import Expected, check_version, stale
from core.security import audit
from core.security.access import Access
from core.security.permissions import require_admin


class PortalFigures(msgspec.Struct, kw_only=True):
    """The charts the portal shows, in the portal's order; revision 0: none chosen yet."""

    charts: list[str] = msgspec.field(default_factory=list)
    revision: int = 0
    updated_at: datetime.datetime | None = None


class PortalFiguresUpdate(msgspec.Struct, Checked, forbid_unknown_fields=True, kw_only=True):
    """The whole choice (an empty list publishes no chart). ``revision`` (or If-Match): the one
    you read; 0 before the first choice."""

    charts: Annotated[
        list[Annotated[str, msgspec.Meta(max_length=40)]],
        msgspec.Meta(max_length=len(PUBLISHABLE) * 2, description="chart codes: " + ", ".join(PUBLISHABLE)),
    ]
    revision: int | msgspec.UnsetType = msgspec.UNSET


def _view(row: queries.PortalFiguresRow | None) -> PortalFigures:
    if row is None:
        return PortalFigures()
    return PortalFigures(charts=list(row.charts), revision=row.revision, updated_at=row.updated_at)


def checked_charts(codes: list[str]) -> list[str]:
    """``codes`` each once in the portal's order; an unknown code is 422."""
    for code in codes:
        if code not in PUBLISHABLE:
            raise ValidationFailed.on(
                "charts", Text("field.unknown-chart-use-one", chart=code, value=list(PUBLISHABLE))
            )
    return [code for code in PUBLISHABLE if code in codes]


async def get_figures(access: Access) -> PortalFigures:
    async with tenant_transaction(access.tenant.id) as conn:
        return _view(await queries.portal_figures(conn, access.tenant.id))


async def set_figures(access: Access, data: PortalFiguresUpdate, if_match: Expected = None) -> PortalFigures:
    """Replace the choice (a county's admin). A stale revision is 412, none at all 428."""
    require_admin(access, "set the portal's public figures")
    if access.tenant.kind != "county":
        raise ValidationFailed.on("tenant", Text("field.indicators-are-a-countys"))
    charts = checked_charts(data.charts)
    async with tenant_transaction(access.tenant.id) as conn:
        before = _view(await queries.portal_figures(conn, access.tenant.id, lock=True))
        check_version(before.revision, if_match, data.revision, field="revision")
        saved = await queries.save_portal_figures(conn, access.tenant.id, charts, before.revision)
        if saved is None:
            stale(before.revision, before.revision + 1)
        await generations.bump(conn, access.tenant.id)  # the cached home page shows the new choice
        after = _view(saved)
        await audit.record(access, "portal_figures", access.tenant.slug, "set", before=before, after=after)
    return after


async def published_figures(access: Access) -> PublicFigures | None:
    """The chosen charts from the county's newest stored indicators (computed and stored as of
    today, China time, when none are stored); None when the county chose none."""
    if access.tenant.kind != "county":
        return None
    async with tenant_transaction(access.tenant.id) as conn:
        chosen = _view(await queries.portal_figures(conn, access.tenant.id)).charts
        stored = await newest_indicators(conn, access.tenant.id) if chosen else None
    if not chosen:
        return None
    if stored is None:
        stored = await compute_and_store(access.tenant.id, datetime.datetime.now(CHINA).date())
    return public_figures(model.decode(stored.body), chosen)
