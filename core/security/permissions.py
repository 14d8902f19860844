"""Role rules shared by every service (and so by REST and GraphQL alike).

Reads: every role of the tenant reads its jurisdictions and units. Writes: the admin
(编办) and platform keys write everything; a township key manages the villages, grids and
offices of its own township; a department key edits its own unit's record.
"""

from __future__ import annotations

from core.platform.errors import PermissionDenied
from core.platform.messages import CATALOGUE, Text
from core.security.access import Access, Role, role_text


def said(action: str | Text) -> Text | str:
    """An action as the catalogue says it (``edit the catalog`` → 编辑目录); one the catalogue
    does not hold (a phrase made at run time) stays as written."""
    if isinstance(action, Text):
        return action
    key = f"action.{action}"
    return Text(key) if key in CATALOGUE else action


def deny(access: Access, action: str | Text) -> PermissionDenied:
    return PermissionDenied(Text("forbidden.key-may-not-2", value=role_text(access.role), action=said(action)))


def require_admin(access: Access, action: str) -> None:
    if not access.is_admin:
        raise deny(access, action)


def township_scope(access: Access) -> str | None:
    return access.principal.scope_code if access.role is Role.TOWNSHIP else None


def below_own_township(access: Access, code: str) -> bool:
    """True for a township key and a division strictly inside its township."""
    scope = township_scope(access)
    return scope is not None and code != scope and code.startswith(scope[:9])


def require_division_write(access: Access, code: str, action: str) -> None:
    if not (access.is_admin or below_own_township(access, code)):
        raise deny(access, Text("action.target", action=said(action), target=code))


def require_unit_write(access: Access, *, unit_code: str, kind: str, jurisdiction_code: str, action: str) -> None:
    if access.is_admin:
        return
    if access.role is Role.TOWNSHIP and kind == "township_office":
        if jurisdiction_code == township_scope(access):
            return
    if access.role is Role.DEPARTMENT and action == "update" and unit_code == access.principal.scope_code:
        return
    raise deny(access, Text("action.unit", action=said(action), unit_code=unit_code))
