"""Each tenant's portal footer: 主办单位, 承办单位, 网站标识码, ICP 备案号, 联系方式.

Chinese government websites print these at the foot of every page (网站标识码 is the code
the site registry assigns; the ICP number links to the MIIT register). The tenant's admin
sets them; every key of the tenant may read them, and the portal shows them on every page.
A tenant that has set none shows none (revision 0): nothing is made up.
"""

from __future__ import annotations

import datetime
from typing import Annotated

import msgspec

from core.platform import generations
from core.platform.db import tenant_transaction
from core.platform.inputs import NAME, Checked
from core.platform.versioning import Expected, check_version, stale
from core.publication import queries
from core.security import audit
from core.security.access import Access
from core.security.permissions import require_admin

Text = Annotated[str, msgspec.Meta(max_length=200), NAME]


class PortalFooter(msgspec.Struct, kw_only=True):
    """What the portal prints at the foot of every page; empty fields are left out."""

    sponsor: str = ""
    organizer: str = ""
    site_code: str = ""
    icp_record: str = ""
    contact: str = ""
    revision: int = 0
    updated_at: datetime.datetime | None = None

    @property
    def is_empty(self) -> bool:
        return not any((self.sponsor, self.organizer, self.site_code, self.icp_record, self.contact))


class PortalFooterUpdate(msgspec.Struct, Checked, forbid_unknown_fields=True, kw_only=True):
    """The whole footer (a field left out is emptied). ``revision`` (or If-Match): the one you
    read; 0 before the first footer is set."""

    sponsor: Annotated[Text, msgspec.Meta(description="主办单位, e.g. 漳州市东山县人民政府办公室")] = ""
    organizer: Annotated[Text, msgspec.Meta(description="承办单位, e.g. 中共东山县委机构编制委员会办公室")] = ""
    site_code: Annotated[
        str, msgspec.Meta(pattern="^[0-9A-Za-z]{0,20}$", description="网站标识码, e.g. 3506260001")
    ] = ""
    icp_record: Annotated[str, msgspec.Meta(max_length=100, description="ICP 备案号, e.g. 闽ICP备05012345号"), NAME] = (
        ""
    )
    contact: Annotated[Text, msgspec.Meta(description="联系方式, e.g. 0596-5881001")] = ""
    revision: int | msgspec.UnsetType = msgspec.UNSET


def _view(row: queries.PortalFooterRow | None) -> PortalFooter:
    if row is None:
        return PortalFooter()
    return PortalFooter(**msgspec.structs.asdict(row))


async def get_footer(access: Access) -> PortalFooter:
    async with tenant_transaction(access.tenant.id) as conn:
        return _view(await queries.portal_footer(conn, access.tenant.id))


async def set_footer(access: Access, data: PortalFooterUpdate, if_match: Expected = None) -> PortalFooter:
    """Replace the footer (admin). A stale revision is 412, none at all 428."""
    require_admin(access, "set the portal footer")
    async with tenant_transaction(access.tenant.id) as conn:
        before = _view(await queries.portal_footer(conn, access.tenant.id, lock=True))
        check_version(before.revision, if_match, data.revision, field="revision")
        values = (
            data.sponsor.strip(),
            data.organizer.strip(),
            data.site_code,
            data.icp_record.strip(),
            data.contact.strip(),
        )
        saved = await queries.save_portal_footer(conn, access.tenant.id, values, before.revision)
        if saved is None:
            stale(before.revision, before.revision + 1)
        await generations.bump(conn, access.tenant.id)  # cached portal pages show the new footer
        after = _view(saved)
        await audit.record(access, "portal_footer", access.tenant.slug, "set", before=before, after=after)
    return after
