"""GraphQL mutations of evaluation, accountability and post assignment; each returns the
changed object or a typed :class:`Problem` (the same problems REST answers with)."""

from __future__ import annotations

import datetime
from typing import Annotated, Any

import msgspec
import strawberry
from strawberry.scalars import JSON

from api.graphql.evaluation import (
    AccountabilityCase,
    Assignment,
    ComputeSummary,
    EvaluationPeriod,
    EvaluationScheme,
    Notice,
    Post,
    ScoresWritten,
)
from api.graphql.inputs import convert
from api.graphql.types import GqlInfo, Problem, attempt
from core.evaluation import accountability, service
from core.lists import posts

EvaluationSchemeResult = Annotated[EvaluationScheme | Problem, strawberry.union("EvaluationSchemeResult")]
EvaluationPeriodResult = Annotated[EvaluationPeriod | Problem, strawberry.union("EvaluationPeriodResult")]
ScoresWrittenResult = Annotated[ScoresWritten | Problem, strawberry.union("ScoresWrittenResult")]
ComputeSummaryResult = Annotated[ComputeSummary | Problem, strawberry.union("ComputeSummaryResult")]
AccountabilityCaseResult = Annotated[AccountabilityCase | Problem, strawberry.union("AccountabilityCaseResult")]
NoticeResult = Annotated[Notice | Problem, strawberry.union("NoticeResult")]
PostResult = Annotated[Post | Problem, strawberry.union("PostResult")]
AssignmentResult = Annotated[Assignment | Problem, strawberry.union("AssignmentResult")]


def _given(obj: Any) -> dict[str, Any]:
    return {k: v for k, v in vars(obj).items() if v is not None and v is not strawberry.UNSET}


@strawberry.input
class ScoreInput:
    relation: str
    evaluator: str
    evaluatee: str
    indicator: str
    score: float
    note: str = ""


@strawberry.input
class AccountabilityCaseInput:
    party_kind: str
    party: str
    item_code: str
    situation: str
    facts: str
    facts_date: datetime.date
    township: str | None = None
    performed: bool = False
    method: str | None = None


@strawberry.input
class NoticeInput:
    recipient_kind: str
    recipient: str
    content: str
    issued_on: datetime.date
    case_number: int | None = None
    item_code: str | None = None


@strawberry.input
class PostInput:
    name: str
    office_code: str
    holder: str = ""
    standards: str = ""


@strawberry.input
class AssignmentInput:
    leader: str
    office_code: str
    a_post: str
    b_post: str | None = None


@strawberry.type
class EvaluationMutations:
    """Evaluation, accountability and post assignment over the same services as REST."""

    @strawberry.mutation(description="Replace the evaluation scheme (admin); revision: the one you read.")
    async def replace_evaluation_scheme(
        self, info: GqlInfo, tenant: str, scheme: JSON, revision: int
    ) -> EvaluationSchemeResult:
        async def act(access: Any) -> EvaluationScheme:
            data = convert({"scheme": scheme, "revision": revision}, service.SchemeUpdate)
            return EvaluationScheme.of(await service.replace_scheme(access, data))

        return await attempt(info, tenant, act)

    @strawberry.mutation(description="Open a period (kind: year or quarter) on the tenant's scheme.")
    async def create_evaluation_period(
        self, info: GqlInfo, tenant: str, code: str, kind: str
    ) -> EvaluationPeriodResult:
        async def act(access: Any) -> EvaluationPeriod:
            data = convert({"code": code, "kind": kind}, service.PeriodCreate)
            return EvaluationPeriod.of(await service.create_period(access, data))

        return await attempt(info, tenant, act)

    @strawberry.mutation(description="Close a period: it takes no more scores.")
    async def close_evaluation_period(self, info: GqlInfo, tenant: str, period: str) -> EvaluationPeriodResult:
        async def act(access: Any) -> EvaluationPeriod:
            return EvaluationPeriod.of(await service.close_period(access, period))

        return await attempt(info, tenant, act)

    @strawberry.mutation(description="Enter scores, all or nothing.")
    async def enter_evaluation_scores(
        self, info: GqlInfo, tenant: str, period: str, scores: list[ScoreInput]
    ) -> ScoresWrittenResult:
        async def act(access: Any) -> ScoresWritten:
            data = convert({"scores": [vars(s) for s in scores]}, service.ScoresIn)
            written = await service.enter_scores(access, period, data)
            return ScoresWritten(period=written.period, written=written.written)

        return await attempt(info, tenant, act)

    @strawberry.mutation(description="Compute the period's results with explanations (admin).")
    async def compute_evaluation(self, info: GqlInfo, tenant: str, period: str) -> ComputeSummaryResult:
        async def act(access: Any) -> ComputeSummary:
            return ComputeSummary.of(await service.compute_period(access, period))

        return await attempt(info, tenant, act)

    @strawberry.mutation(description="Record an accountability case; the list as of the facts' date decides.")
    async def open_accountability_case(
        self, info: GqlInfo, tenant: str, input: AccountabilityCaseInput
    ) -> AccountabilityCaseResult:
        async def act(access: Any) -> AccountabilityCase:
            data = convert(msgspec.to_builtins(_given(input)), accountability.CaseCreate)
            return AccountabilityCase.of(await accountability.open_case(access, data))

        return await attempt(info, tenant, act)

    @strawberry.mutation(description="Issue a notice (依单履职告知书).")
    async def issue_notice(self, info: GqlInfo, tenant: str, input: NoticeInput) -> NoticeResult:
        async def act(access: Any) -> Notice:
            data = convert(msgspec.to_builtins(_given(input)), accountability.NoticeCreate)
            return Notice.of(await accountability.issue_notice(access, data))

        return await attempt(info, tenant, act)

    @strawberry.mutation(description="Create or change a post of a township office.")
    async def save_post(self, info: GqlInfo, tenant: str, township: str, code: str, input: PostInput) -> PostResult:
        async def act(access: Any) -> Post:
            data = convert(_given(input), posts.PostData)
            return Post.of(await posts.save_post(access, township, code, data))

        return await attempt(info, tenant, act)

    @strawberry.mutation(description="Decompose an entry to leader → office → A (and B) post.")
    async def assign_entry(
        self, info: GqlInfo, tenant: str, township: str, item_code: str, input: AssignmentInput
    ) -> AssignmentResult:
        async def act(access: Any) -> Assignment:
            data = convert(_given(input), posts.AssignmentData)
            return Assignment.of(await posts.assign(access, township, item_code, data))

        return await attempt(info, tenant, act)
