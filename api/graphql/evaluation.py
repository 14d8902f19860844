"""GraphQL face of evaluation (双向考评), accountability (依单问责) and post assignment:
the object types and the tenant's query fields. Mutations: :mod:`api.graphql.evaluation_mutations`.
Every field calls the same core service as REST (and so gets the same role rules)."""

from __future__ import annotations

import datetime
from typing import Any

import msgspec
import strawberry
from strawberry.scalars import JSON

from core.evaluation import accountability, service
from core.lists import posts
from core.platform.errors import NotFound, PermissionDenied
from core.security.access import Access


def _builtins(value: Any) -> Any:
    return msgspec.to_builtins(value)


@strawberry.type(description="The evaluation scheme: relations, indicators (weights, ranges, types), grades.")
class EvaluationScheme:
    origin: str
    revision: int
    scheme: JSON
    sources: JSON

    @classmethod
    def of(cls, view: service.SchemeView) -> EvaluationScheme:
        return cls(
            origin=view.origin, revision=view.revision, scheme=_builtins(view.scheme), sources=_builtins(view.sources)
        )


@strawberry.type
class EvaluationPeriod:
    code: str
    kind: str
    starts_on: datetime.date
    ends_on: datetime.date
    state: str
    created_at: datetime.datetime
    closed_at: datetime.datetime | None
    computed_at: datetime.datetime | None

    @classmethod
    def of(cls, view: service.PeriodView) -> EvaluationPeriod:
        return cls(
            code=view.code,
            kind=view.kind,
            starts_on=view.starts_on,
            ends_on=view.ends_on,
            state=view.state,
            created_at=view.created_at,
            closed_at=view.closed_at,
            computed_at=view.computed_at,
        )


@strawberry.type(description="A computed result; explanation: relations, evaluators, indicators, rule effects.")
class EvaluationResult:
    period: str
    subject: str
    subject_kind: str
    subject_name: str
    score: float
    grade: str
    complete: bool
    explanation: JSON
    computed_at: datetime.datetime

    @classmethod
    def of(cls, view: service.ResultView) -> EvaluationResult:
        return cls(
            period=view.period,
            subject=view.subject,
            subject_kind=view.subject_kind,
            subject_name=view.subject_name,
            score=view.score,
            grade=view.grade,
            complete=view.complete,
            explanation=view.explanation,
            computed_at=view.computed_at,
        )


@strawberry.type
class EvaluationResultPage:
    items: list[EvaluationResult]
    next_cursor: str | None


@strawberry.type
class ScoresWritten:
    period: str
    written: int


@strawberry.type
class ComputeSummary:
    period: str
    results: int
    incomplete: int
    by_kind: JSON
    by_grade: JSON
    computed_at: datetime.datetime
    elapsed_ms: float

    @classmethod
    def of(cls, view: service.ComputeSummary) -> ComputeSummary:
        return cls(
            period=view.period,
            results=view.results,
            incomplete=view.incomplete,
            by_kind=view.by_kind,
            by_grade=view.by_grade,
            computed_at=view.computed_at,
            elapsed_ms=view.elapsed_ms,
        )


@strawberry.type(description="An accountability case and the responsibility found in the list as of its date.")
class AccountabilityCase:
    number: int
    party_kind: str
    party: str
    township_code: str | None
    item_code: str
    situation: str
    situation_label: str
    facts: str
    facts_date: datetime.date
    performed: bool
    responsibility: str
    responsibility_label: str
    outcome: str
    outcome_label: str
    method: str | None
    method_label: str | None
    basis: JSON
    created_at: datetime.datetime

    @classmethod
    def of(cls, view: accountability.CaseView) -> AccountabilityCase:
        data = {k: getattr(view, k) for k in cls.__annotations__}
        return cls(**data)


@strawberry.type(description="依单履职告知书")
class Notice:
    number: int
    document_number: str
    title: str
    recipient_kind: str
    recipient: str
    case_number: int | None
    item_code: str | None
    content: str
    issued_on: datetime.date
    created_at: datetime.datetime

    @classmethod
    def of(cls, view: accountability.NoticeView) -> Notice:
        return cls(**{k: getattr(view, k) for k in cls.__annotations__})


@strawberry.type
class PostEntry:
    item_code: str
    title: str
    role: str
    leader: str


@strawberry.type(description="A post of a township office with its responsibility description.")
class Post:
    township_code: str
    code: str
    name: str
    office_code: str
    office_name: str
    holder: str
    standards: str
    description: str
    entries: list[PostEntry]
    updated_at: datetime.datetime

    @classmethod
    def of(cls, view: posts.PostView) -> Post:
        return cls(
            township_code=view.township_code,
            code=view.code,
            name=view.name,
            office_code=view.office_code,
            office_name=view.office_name,
            holder=view.holder,
            standards=view.standards,
            description=view.description,
            entries=[
                PostEntry(item_code=e.item_code, title=e.title, role=e.role, leader=e.leader) for e in view.entries
            ],
            updated_at=view.updated_at,
        )


@strawberry.type(description="Who does an entry: leader → office → A and B posts.")
class Assignment:
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

    @classmethod
    def of(cls, view: posts.AssignmentView) -> Assignment:
        return cls(**{k: getattr(view, k) for k in cls.__annotations__})


@strawberry.type
class UnassignedReport:
    township_code: str
    entries: int
    assigned: int
    unassigned_codes: list[str]


@strawberry.type
class EvaluationQueries:
    """Tenant fields: the scheme, periods, results, accountability cases, notices, posts."""

    access: strawberry.Private[Access]

    @strawberry.field
    async def evaluation_scheme(self) -> EvaluationScheme:
        return EvaluationScheme.of(await service.get_scheme(self.access))

    @strawberry.field
    async def evaluation_periods(self) -> list[EvaluationPeriod]:
        return [EvaluationPeriod.of(p) for p in await service.list_periods(self.access)]

    @strawberry.field(description="Results of a period (yours for a township or department key).")
    async def evaluation_results(
        self, period: str, subject_kind: str | None = None, first: int = 50, after: str | None = None
    ) -> EvaluationResultPage:
        page = await service.list_results(self.access, period, subject_kind=subject_kind, limit=first, cursor=after)
        return EvaluationResultPage(items=[EvaluationResult.of(r) for r in page.items], next_cursor=page.next_cursor)

    @strawberry.field(description="One result; null when there is none or it is not yours to read.")
    async def evaluation_result(self, period: str, subject: str) -> EvaluationResult | None:
        try:
            return EvaluationResult.of(await service.get_result(self.access, period, subject))
        except (NotFound, PermissionDenied):
            return None

    @strawberry.field
    async def accountability_cases(
        self, party: str | None = None, item_code: str | None = None
    ) -> list[AccountabilityCase]:
        cases = await accountability.list_cases(self.access, party=party, item_code=item_code)
        return [AccountabilityCase.of(c) for c in cases]

    @strawberry.field(description="Notices issued (依单履职告知书).")
    async def notices(self, recipient: str | None = None) -> list[Notice]:
        return [Notice.of(n) for n in await accountability.list_notices(self.access, recipient=recipient)]

    @strawberry.field(description="The township's posts with their responsibility descriptions.")
    async def posts(self, township: str) -> list[Post]:
        return [Post.of(p) for p in await posts.list_posts(self.access, township)]

    @strawberry.field(description="Who does item I in township T; null when it is not assigned.")
    async def who_does(self, township: str, item_code: str) -> Assignment | None:
        try:
            return Assignment.of(await posts.who_does(self.access, township, item_code))
        except NotFound:
            return None

    @strawberry.field
    async def unassigned_entries(self, township: str) -> UnassignedReport:
        report = await posts.unassigned(self.access, township)
        return UnassignedReport(
            township_code=report.township_code,
            entries=report.entries,
            assigned=report.assigned,
            unassigned_codes=[e.item_code for e in report.unassigned],
        )
