"""``/api/v1/tenants/{tenant}/evaluations`` — schemes, periods, scores, results (双向考评)."""

from __future__ import annotations

from functools import partial

from litestar import Controller, Response, get, post, put
from litestar.di import NamedDependency
from litestar.params import FromPath, JSONBody, Parameter

from api.rest.idempotency import create_once, created
from api.rest.params import TENANT_PATH, Cursor, IdempotencyKey, IfMatch, Limit
from core.evaluation import service
from core.evaluation.service import (
    ComputeSummary,
    PeriodCreate,
    PeriodView,
    ResultView,
    SchemeUpdate,
    SchemeView,
    ScoresIn,
    ScoresWritten,
    ScoreView,
)
from core.platform.pagination import Page
from core.platform.versioning import parse_etag
from core.security.access import Access


class EvaluationController(Controller):
    path = f"{TENANT_PATH}/evaluations"
    tags = ["evaluations"]

    @get("/scheme", operation_id="getEvaluationScheme", summary="The evaluation scheme: relations, indicators, grades")
    async def scheme(self, access: NamedDependency[Access]) -> SchemeView:
        return await service.get_scheme(access)

    @put(
        "/scheme",
        operation_id="replaceEvaluationScheme",
        summary="Replace the scheme (admin); weights, ranges and the county's rules are checked",
    )
    async def replace_scheme(
        self, access: NamedDependency[Access], data: JSONBody[SchemeUpdate], if_match: IfMatch = None
    ) -> SchemeView:
        return await service.replace_scheme(access, data, parse_etag(if_match))

    @get("/periods", operation_id="listEvaluationPeriods", summary="Evaluation periods")
    async def periods(self, access: NamedDependency[Access]) -> list[PeriodView]:
        return await service.list_periods(access)

    @post("/periods", operation_id="createEvaluationPeriod", summary="Open a period (year or quarter) on the scheme")
    async def create_period(
        self, access: NamedDependency[Access], data: JSONBody[PeriodCreate], idempotency_key: IdempotencyKey = None
    ) -> Response[PeriodView]:
        work = partial(service.create_period, access, data)
        view, replayed = await create_once(access, idempotency_key, "createEvaluationPeriod", work, PeriodView, data)
        return created(view, replayed)

    @get("/periods/{period:str}", operation_id="getEvaluationPeriod", summary="One period")
    async def period(self, access: NamedDependency[Access], period: FromPath[str]) -> PeriodView:
        return await service.get_period(access, period)

    @post(
        "/periods/{period:str}/close",
        operation_id="closeEvaluationPeriod",
        summary="Close a period: no more scores",
        status_code=200,
    )
    async def close(self, access: NamedDependency[Access], period: FromPath[str]) -> PeriodView:
        return await service.close_period(access, period)

    @post(
        "/periods/{period:str}/scores",
        operation_id="enterEvaluationScores",
        summary="Enter scores (all or nothing); a township scores only the units it may evaluate",
        status_code=200,
    )
    async def enter(
        self, access: NamedDependency[Access], period: FromPath[str], data: JSONBody[ScoresIn]
    ) -> ScoresWritten:
        return await service.enter_scores(access, period, data)

    @get("/periods/{period:str}/scores", operation_id="listEvaluationScores", summary="Scores (yours, or all)")
    async def scores(
        self,
        access: NamedDependency[Access],
        period: FromPath[str],
        evaluatee: str | None = Parameter(default=None, description="township or unit code"),
        evaluator: str | None = Parameter(default=None, description="township, unit or county code"),
    ) -> list[ScoreView]:
        return await service.list_scores(access, period, evaluatee=evaluatee, evaluator=evaluator)

    @post(
        "/periods/{period:str}/compute",
        operation_id="computeEvaluationResults",
        summary="Compute every result of the period with its explanation (admin)",
        status_code=200,
    )
    async def compute(self, access: NamedDependency[Access], period: FromPath[str]) -> ComputeSummary:
        return await service.compute_period(access, period)

    @get("/periods/{period:str}/results", operation_id="listEvaluationResults", summary="Results with explanations")
    async def results(
        self,
        access: NamedDependency[Access],
        period: FromPath[str],
        subject_kind: str | None = Parameter(default=None, description="township | department | dispatched_agency"),
        limit: Limit = None,
        cursor: Cursor = None,
    ) -> Page[ResultView]:
        return await service.list_results(access, period, subject_kind=subject_kind, limit=limit, cursor=cursor)

    @get(
        "/periods/{period:str}/results/{subject:str}",
        operation_id="getEvaluationResult",
        summary="One result: scores, weights, and what each rule changed",
    )
    async def result(
        self, access: NamedDependency[Access], period: FromPath[str], subject: FromPath[str]
    ) -> ResultView:
        return await service.get_result(access, period, subject)
