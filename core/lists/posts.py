"""Post assignment (岗位分解): list entries → responsible leader → office (科室) → post, AB角.

Wenjiang's first scenario and Dongshan's post manual: every entry of a township's list is
decomposed to the responsible leader (分管领导), an office of the township (a
``township_office`` unit) and a post of that office, with an A post (who does it) and an
optional B post (the stand-in, AB角). A post's responsibility description lists its
entries. "Who does item I in township T" and "what does post P do" are one statement each;
the entries nobody is assigned to are reported.

Writes: the county admin and the township's own key. Reads: those two and reader keys.
"""

from __future__ import annotations

import datetime
import re
from typing import Annotated

import asyncpg
import msgspec

from core.lists import queries
from core.platform import generations
from core.platform.db import tenant_transaction
from core.platform.errors import NotFound, ValidationFailed
from core.platform.inputs import NAME, Checked
from core.platform.messages import Text
from core.security import audit
from core.security.access import Access, Role
from core.security.permissions import deny

_POST_CODE = re.compile(r"^[a-z0-9][a-z0-9-]{0,63}$")


class PostData(msgspec.Struct, Checked, forbid_unknown_fields=True):
    name: Annotated[str, msgspec.Meta(min_length=1, max_length=200, examples=["安全生产监管岗"]), NAME]
    office_code: str
    holder: Annotated[str, msgspec.Meta(max_length=200), NAME] = ""
    standards: Annotated[str, msgspec.Meta(max_length=5000)] = ""


class AssignmentData(msgspec.Struct, Checked, forbid_unknown_fields=True):
    leader: Annotated[str, msgspec.Meta(min_length=1, max_length=200, examples=["副镇长 王某"]), NAME]
    office_code: str
    a_post: str
    b_post: str | None = None


class PostEntry(msgspec.Struct):
    item_code: str
    title: str
    role: str  # A or B
    leader: str


class PostView(msgspec.Struct):
    township_code: str
    code: str
    name: str
    office_code: str
    office_name: str
    holder: str
    standards: str
    entries: list[PostEntry]
    description: str
    updated_at: datetime.datetime


class AssignmentView(msgspec.Struct):
    township_code: str
    item_code: str
    title: str
    leader: str
    office_code: str
    office_name: str
    a_post: str
    a_post_name: str
    a_holder: str
    b_post: str | None
    b_post_name: str | None
    b_holder: str | None


class UnassignedEntry(msgspec.Struct):
    item_code: str
    title: str
    kinds: list[str]


class UnassignedReport(msgspec.Struct):
    township_code: str
    entries: int
    assigned: int
    unassigned: list[UnassignedEntry]


def _require_write(access: Access, township: str) -> None:
    if access.is_admin or (access.role is Role.TOWNSHIP and access.principal.scope_code == township):
        return
    raise deny(access, Text("action.assign-posts", township=township))


def _require_read(access: Access, township: str) -> None:
    if access.is_admin or access.role is Role.READER:
        return
    if access.role is Role.TOWNSHIP and access.principal.scope_code == township:
        return
    raise deny(access, Text("action.read-posts", township=township))


TOWNSHIP_KINDS = ["town", "township", "street", "development_zone"]


async def _township(conn: asyncpg.Connection, access: Access, township: str) -> None:
    if not await queries.is_township(conn, access.tenant.id, township, TOWNSHIP_KINDS):
        raise NotFound(Text("not-found.no-township", township=township))


async def _office(conn: asyncpg.Connection, access: Access, township: str, office: str) -> None:
    if not await queries.is_office_of(conn, access.tenant.id, office, township):
        raise ValidationFailed.on("office_code", Text("field.not-office-township", office=office, township=township))


_ENTRIES = msgspec.json.Decoder(list[PostEntry])


def _post(row: queries.PostRow) -> PostView:
    entries = _ENTRIES.decode(row.entries)
    duties = "；".join(f"{e.title}（{'主办A角' if e.role == 'A' else '协办B角'}）" for e in entries)
    description = f"{row.office_name} {row.name}" + (f"（{row.holder}）" if row.holder else "")
    description += f"：{duties}" if duties else "：暂无分解事项"
    return PostView(
        township_code=row.township_code,
        code=row.code,
        name=row.name,
        office_code=row.office_code,
        office_name=row.office_name,
        holder=row.holder,
        standards=row.standards,
        entries=entries,
        description=description,
        updated_at=row.updated_at,
    )


async def save_post(access: Access, township: str, code: str, data: PostData) -> PostView:
    """Create or change a post of a township office."""
    _require_write(access, township)
    if not _POST_CODE.match(code):
        raise ValidationFailed.on("code", Text("field.post-code-lower-case", code=code))
    async with tenant_transaction(access.tenant.id) as conn:
        await _township(conn, access, township)
        await _office(conn, access, township, data.office_code)
        await conn.execute(
            queries.SAVE_POST,
            access.tenant.id,
            township,
            code,
            data.name,
            data.office_code,
            data.holder,
            data.standards,
        )
        await generations.bump(conn, access.tenant.id)  # the lookup caches posts by generation
        await audit.record(access, "post", f"{township}/{code}", "save", after={"name": data.name})
    return await get_post(access, township, code)


async def get_post(access: Access, township: str, code: str) -> PostView:
    """What post P does: the post and every entry it holds as A or B (one statement)."""
    _require_read(access, township)
    async with tenant_transaction(access.tenant.id) as conn:
        row = await queries.post_row(conn, access.tenant.id, township, code)
    if row is None:
        raise NotFound(Text("not-found.no-post-township", code=code, township=township))
    return _post(row)


async def list_posts(access: Access, township: str) -> list[PostView]:
    _require_read(access, township)
    async with tenant_transaction(access.tenant.id) as conn:
        await _township(conn, access, township)
        rows = await queries.post_rows(conn, access.tenant.id, township)
    return [_post(r) for r in rows]


async def assign(access: Access, township: str, item_code: str, data: AssignmentData) -> AssignmentView:
    """Decompose one list entry to leader → office → A (and B) post."""
    _require_write(access, township)
    if data.b_post is not None and data.b_post == data.a_post:
        raise ValidationFailed.on("b_post", Text("field.b-post-ab-must"))
    async with tenant_transaction(access.tenant.id) as conn:
        await _township(conn, access, township)
        if not await queries.on_list(conn, access.tenant.id, township, item_code):
            raise ValidationFailed.on(
                "item_code", Text("field.not-entry-township-s", item_code=item_code, township=township)
            )
        await _office(conn, access, township, data.office_code)
        posts = await queries.post_offices(
            conn, access.tenant.id, township, [p for p in (data.a_post, data.b_post) if p]
        )
        offices = {r.code: r.office_code for r in posts}
        for field, post in (("a_post", data.a_post), ("b_post", data.b_post)):
            if post is not None and post not in offices:
                raise ValidationFailed.on(field, Text("field.no-post-township-2", post=post, township=township))
        if offices[data.a_post] != data.office_code:
            raise ValidationFailed.on(
                "a_post", Text("field.post-belongs-not-office", a_post=data.a_post, value=offices[data.a_post])
            )
        await conn.execute(
            queries.ASSIGN,
            access.tenant.id,
            township,
            item_code,
            data.leader,
            data.office_code,
            data.a_post,
            data.b_post,
        )
        await generations.bump(conn, access.tenant.id)  # the lookup caches assignments by generation
        await audit.record(
            access, "entry_assignment", f"{township}/{item_code}", "assign", after=msgspec.to_builtins(data)
        )
    return await who_does(access, township, item_code)


async def who_does(access: Access, township: str, item_code: str) -> AssignmentView:
    """Who does item I in township T: leader, office, A and B posts (one statement)."""
    _require_read(access, township)
    async with tenant_transaction(access.tenant.id) as conn:
        row = await queries.assignment_row(conn, access.tenant.id, township, item_code)
    if row is None:
        raise NotFound(Text("not-found.item-township-not-assigned", item_code=item_code, township=township))
    return AssignmentView(*msgspec.structs.astuple(row))


async def list_assignments(access: Access, township: str) -> list[AssignmentView]:
    _require_read(access, township)
    async with tenant_transaction(access.tenant.id) as conn:
        rows = await queries.assignment_rows(conn, access.tenant.id, township, TOWNSHIP_KINDS)
    if rows is None:
        raise NotFound(Text("not-found.no-township", township=township))
    return [AssignmentView(*msgspec.structs.astuple(r)) for r in rows]


async def unassigned(access: Access, township: str) -> UnassignedReport:
    """The township's active entries nobody is assigned to (one statement)."""
    _require_read(access, township)
    async with tenant_transaction(access.tenant.id) as conn:
        await _township(conn, access, township)
        rows = await queries.entries_assigned(conn, access.tenant.id, township)
    open_entries = [UnassignedEntry(r.item_code, r.title, r.kinds) for r in rows if not r.assigned]
    return UnassignedReport(
        township_code=township, entries=len(rows), assigned=len(rows) - len(open_entries), unassigned=open_entries
    )
