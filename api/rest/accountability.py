"""``/api/v1/tenants/{tenant}/accountability`` — cases resolved from the list as of their date,
and notices (依单履职告知书)."""

from __future__ import annotations

from functools import partial

from litestar import Controller, Response, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, JSONBody, Parameter

from api.rest.idempotency import create_once, created
from api.rest.params import TENANT_PATH, IdempotencyKey
from core.evaluation import accountability as service
from core.evaluation.accountability import CaseCreate, CaseView, NoticeCreate, NoticeView, SituationsView
from core.security.access import Access


class AccountabilityController(Controller):
    path = f"{TENANT_PATH}/accountability"
    tags = ["accountability"]

    @get(
        "/situations",
        operation_id="listAccountabilitySituations",
        summary="Situations of not performing by the list, and accountability methods",
    )
    async def situations(self, access: NamedDependency[Access]) -> SituationsView:
        return service.situations(access)

    @post(
        "/cases",
        operation_id="openAccountabilityCase",
        summary="Record a case; primary / cooperating / none is read from the list as of the facts' date",
    )
    async def open(
        self, access: NamedDependency[Access], data: JSONBody[CaseCreate], idempotency_key: IdempotencyKey = None
    ) -> Response[CaseView]:
        work = partial(service.open_case, access, data)
        view, replayed = await create_once(access, idempotency_key, "openAccountabilityCase", work, CaseView, data)
        return created(view, replayed)

    @get("/cases", operation_id="listAccountabilityCases", summary="Cases (yours, or all)")
    async def cases(
        self,
        access: NamedDependency[Access],
        party: str | None = Parameter(default=None, description="township, unit or post code"),
        item_code: str | None = Parameter(default=None, description="list item reference code"),
    ) -> list[CaseView]:
        return await service.list_cases(access, party=party, item_code=item_code)

    @get("/cases/{number:int}", operation_id="getAccountabilityCase", summary="One case with its basis")
    async def case(self, access: NamedDependency[Access], number: FromPath[int]) -> CaseView:
        return await service.get_case(access, number)

    @post("/notices", operation_id="issueNotice", summary="Issue a notice (依单履职告知书)")
    async def issue(
        self, access: NamedDependency[Access], data: JSONBody[NoticeCreate], idempotency_key: IdempotencyKey = None
    ) -> Response[NoticeView]:
        work = partial(service.issue_notice, access, data)
        view, replayed = await create_once(access, idempotency_key, "issueNotice", work, NoticeView, data)
        return created(view, replayed)

    @get("/notices", operation_id="listNotices", summary="Notices issued (yours, or all)")
    async def notices(
        self,
        access: NamedDependency[Access],
        recipient: str | None = Parameter(default=None, description="township or unit code"),
    ) -> list[NoticeView]:
        return await service.list_notices(access, recipient=recipient)
