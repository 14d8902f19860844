"""GraphQL object types that mirror a core view Struct carry every field of it.

Most GraphQL output types repeat a core msgspec Struct by hand (``Jurisdiction`` ←
``JurisdictionView``), so a field added to the view silently missed the GraphQL face
(``EvaluationResult.computedAt``). This test reads both sides — the Struct through
``msgspec.inspect`` and the built schema through graphql-core — and fails on any field that
is missing, has another type, or may be null in core but not in GraphQL. A field left out on
purpose goes into ``NOT_EXPOSED`` with the reason. No database needed."""

from __future__ import annotations

import datetime
import inspect
import sys
import typing
from typing import Any

import msgspec
import msgspec.inspect as mi
import pytest
from graphql import (
    GraphQLEnumType,
    GraphQLInt,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLScalarType,
    GraphQLSchema,
    GraphQLString,
)

from api.graphql.schema import build_schema
from core.calls import model as calls
from core.calls import statistics as call_statistics
from core.catalog import reading as catalog
from core.evaluation import accountability
from core.evaluation import service as evaluation
from core.events import service as events
from core.exchange import catalog_import, excel, merge
from core.jurisdictions import calendar, units
from core.jurisdictions import tree as jurisdictions
from core.legal import service as legal
from core.lists import posts, publication
from core.lists import service as lists
from core.oversight import comparison as oversight_comparison
from core.oversight import grants as oversight_grants
from core.oversight import model as oversight_model
from core.oversight import portal_figures
from core.oversight import published as oversight_published
from core.oversight import scope as oversight_scope
from core.platform.pagination import Page
from core.publication import footer, lookup, search
from core.publication.handbook import jobs as handbook
from core.workflow import admission
from core.workflow import engine as workflow

# GraphQL type name → the core Struct it mirrors (a page: Page of its item Struct). Several
# GraphQL types may mirror one Struct (the two recovery shapes).
MIRRORS: dict[str, Any] = {
    # divisions and units
    "Jurisdiction": jurisdictions.JurisdictionView,
    "JurisdictionPage": Page[jurisdictions.JurisdictionView],
    "Unit": units.UnitView,
    "UnitPage": Page[units.UnitView],
    "Contact": units.ContactData,
    # calls
    "Call": calls.CallView,
    "CallPage": Page[calls.CallView],
    "CallAttachment": calls.AttachmentView,
    "CallDispatch": calls.DispatchView,
    "CallStep": calls.StepView,
    "CallExtension": calls.Extension,
    "CallProposal": calls.Proposal,
    "CallViolation": calls.Violation,
    "CallStatistics": call_statistics.CallStatistics,
    "SatisfactionCounts": call_statistics.Satisfaction,
    # handbooks
    "Handbook": handbook.HandbookJob,
    # bulk publication
    "ListPublication": publication.PublicationJob,
    "PortalFooter": footer.PortalFooter,
    "PortalFigures": portal_figures.PortalFigures,
    "SkippedList": publication.SkippedList,
    # catalog and township lists
    "CatalogItem": catalog.ItemView,
    "CatalogItemPage": Page[catalog.ItemView],
    "CatalogVersion": catalog.VersionView,
    "Responsibility": catalog.ResponsibilityData,
    "Recovery": catalog.RecoveryData,
    "LegalBase": catalog.LegalBase,
    "CitedProvision": catalog.CitedProvision,
    "Adjustment": catalog.AdjustmentView,
    "TownshipList": lists.TownshipList,
    "Entry": lists.Entry,
    "Claimant": lists.Claimant,
    "ListVersion": lists.ListVersion,
    "ListDiff": lists.ListDiff,
    "EntryChange": lists.EntryChange,
    "FieldChange": lists.FieldChange,
    # oversight
    "OversightGrant": oversight_grants.GrantView,
    "OverseenCounty": oversight_scope.CountyView,
    "OverseenList": oversight_published.PublishedList,
    "OverseenListSummary": oversight_published.PublishedListSummary,
    "OverseenEntry": oversight_published.PublishedEntry,
    "OverseenCatalogVersion": oversight_published.PublishedCatalogVersion,
    "OverseenCatalogItem": oversight_published.PublishedItem,
    "OverseenCatalogItemPage": Page[oversight_published.PublishedItem],
    "BurdenIndicators": oversight_model.BurdenIndicators,
    "NationalAverages": oversight_model.NationalAverages,
    "BurdenFigures": oversight_model.Figures,
    "TownshipFigures": oversight_model.TownshipFigures,
    "DistrictFigures": oversight_model.DistrictFigures,
    "TownshipTypeFigures": oversight_model.TypeFigures,
    "ListKindCount": oversight_model.KindCount,
    "BurdenIndicator": oversight_model.Indicator,
    "BurdenItem": oversight_model.ItemRef,
    "DepartmentCalls": oversight_model.DepartmentCalls,
    "CallPeriod": oversight_model.CallPeriod,
    "ProvisionComparison": oversight_comparison.Comparison,
    "SharedProvision": oversight_comparison.SharedProvision,
    "CountyDuty": oversight_comparison.CountyDuty,
    "ProvisionItem": oversight_comparison.ProvisionItem,
    "ProvisionContrast": oversight_comparison.Contrast,
    # calendar
    "CalendarDay": calendar.CalendarDay,
    "CalendarOverride": calendar.CalendarOverride,
    "Deadline": calendar.DeadlineView,
    # legal library
    "LegalDocument": legal.DocumentView,
    "LegalVersionSummary": legal.VersionSummary,
    "LegalRepeal": legal.RepealInfo,
    "LegalDocumentPage": Page[legal.DocumentView],
    "Provision": legal.ProvisionHit,
    "ProvisionPage": Page[legal.ProvisionHit],
    "CitationIndex": legal.CitationIndex,
    "CatalogVersionCitations": legal.CatalogVersionCitations,
    "TownshipCitations": legal.TownshipCitations,
    "CitingItem": legal.CitingItem,
    "CitedAs": legal.CitedAs,
    "PublishedEntries": legal.PublishedEntries,
    # lookup and search
    "LookupResult": lookup.LookupResult,
    "LookupItem": lookup.MatchedItem,
    "LookupRecovery": lookup.Recovery,
    "TownshipRef": lookup.TownshipRef,
    "ProposedUnit": lookup.ProposedUnit,
    "TownshipCandidate": lookup.TownshipCandidate,
    "PlaceFound": lookup.PlaceFound,
    "Explanation": lookup.Explanation,
    "WordMatch": lookup.WordMatch,
    "SearchPage": search.SearchPage,
    "SearchHit": search.SearchHit,
    "ItemSearchPage": search.ItemSearchPage,
    "ItemHit": search.ItemHit,
    "TownshipHolding": search.TownshipHolding,
    # events and webhooks
    "Event": events.EventView,
    "EventFeed": events.EventFeed,
    "WebhookSubscription": events.SubscriptionView,
    "IssuedWebhookSubscription": events.IssuedSubscription,
    "WebhookDelivery": events.DeliveryView,
    "WebhookDeliveryPage": Page[events.DeliveryView],
    "DeliveryCounts": events.DeliveryCounts,
    "Redelivery": events.Redelivery,
    # evaluation, accountability, posts
    "EvaluationScheme": evaluation.SchemeView,
    "EvaluationPeriod": evaluation.PeriodView,
    "EvaluationResult": evaluation.ResultView,
    "EvaluationResultPage": Page[evaluation.ResultView],
    "ScoresWritten": evaluation.ScoresWritten,
    "ComputeSummary": evaluation.ComputeSummary,
    "AccountabilityCase": accountability.CaseView,
    "Notice": accountability.NoticeView,
    "Post": posts.PostView,
    "PostEntry": posts.PostEntry,
    "Assignment": posts.AssignmentView,
    "UnassignedReport": posts.UnassignedReport,
    # workflows
    "WorkflowInstance": workflow.InstanceView,
    "WorkflowPage": Page[workflow.InstanceView],
    "WorkflowStep": workflow.StepView,
    "WorkflowActor": workflow.Actor,
    "OverdueWorkflow": workflow.OverdueView,
    "ItemWithoutAdmission": admission.WithoutAdmission,
    # exchange
    "ExportLink": excel.ExportLink,
    "ImportReport": catalog_import.ImportReport,
    "ItemChange": catalog_import.ItemChange,
    "RowProblem": catalog_import.RowProblem,
    "FileProblem": catalog_import.FileProblem,
    "MergeReport": merge.MergeReport,
    "MergeApplied": merge.MergeApplied,
}

# (GraphQL type, Struct field) left out of GraphQL on purpose — each with its reason.
NOT_EXPOSED: dict[tuple[str, str], str] = {
    ("CallAttachment", "call_id"): "only reachable through its call (Call.attachments)",
    ("UnassignedReport", "unassigned"): "exposed as unassignedCodes: the codes, the entries are on the list",
    ("Handbook", "progress"): "flattened into progressDone and progressTotal",
    ("ListPublication", "progress"): "flattened into progressDone and progressTotal",
}

# (GraphQL type, Struct field) → the GraphQL field carrying it under another name (type still checked).
RENAMED: dict[tuple[str, str], str] = {
    # GraphQL's `deliveries` is the paginated list of deliveries; the counts are beside it.
    ("WebhookSubscription", "deliveries"): "deliveryCounts",
}

# GraphQL types that may answer a Struct-typed field besides its own mirrors: JSON takes anything.
JSON_SCALARS = {"JSON"}
SCALARS: dict[type[mi.Type], set[str]] = {
    mi.StrType: {"String", "ID"},
    mi.LiteralType: {"String"},
    mi.EnumType: {"String"},
    mi.IntType: {"Int", "ID"},  # event ids are numbers, exposed as ID
    mi.FloatType: {"Float"},
    mi.BoolType: {"Boolean"},
    mi.DateTimeType: {"DateTime"},
    mi.DateType: {"Date"},
    mi.UUIDType: {"UUID", "ID", "String"},
    mi.DecimalType: {"Decimal", "Float", "String"},
}
COLLECTIONS = (mi.ListType, mi.SetType, mi.FrozenSetType, mi.VarTupleType)


@pytest.fixture(scope="module")
def sdl() -> GraphQLSchema:
    return build_schema()._schema


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part[:1].upper() + part[1:] for part in rest)


def _mirrors_of(struct: type) -> set[str]:
    return {name for name, mirrored in MIRRORS.items() if mirrored is struct}


def _mismatch(core: mi.Type, gql: Any) -> str | None:
    """Why a value of ``core`` cannot be answered as ``gql``; None when it can. Nullability
    must match: null in a non-null field fails the whole query, and a field that is never null
    but declared nullable makes every client check for null."""
    while isinstance(core, mi.Metadata):
        core = core.type
    nullable = isinstance(core, mi.AnyType)  # Any holds None too
    if isinstance(core, mi.UnionType):
        members = [t for t in core.types if not isinstance(t, mi.NoneType)]
        nullable = len(members) < len(core.types)
        if len(members) == 1:
            core = members[0]
            while isinstance(core, mi.Metadata):
                core = core.type
    if isinstance(gql, GraphQLNonNull):
        if nullable:
            return "may be null in core but is non-null in GraphQL"
        gql = gql.of_type
    elif not nullable:
        return "never null in core but nullable in GraphQL"
    if isinstance(gql, GraphQLScalarType) and gql.name in JSON_SCALARS:
        return None
    if isinstance(core, (mi.AnyType, mi.CustomType)):
        return None
    if isinstance(core, mi.UnionType):
        return f"a union {core} needs JSON in GraphQL, not {gql}"
    if isinstance(core, COLLECTIONS):
        if not isinstance(gql, GraphQLList):
            return f"a list in core, {gql} in GraphQL"
        inner = _mismatch(core.item_type, gql.of_type)
        return f"items: {inner}" if inner else None
    if isinstance(core, (mi.StructType, mi.DataclassType)):
        names = _mirrors_of(core.cls)
        if isinstance(gql, GraphQLObjectType) and gql.name in names:
            return None
        return f"{core.cls.__qualname__} in core, {gql} in GraphQL (mirrors: {sorted(names) or 'none'})"
    for kind, names in SCALARS.items():
        if isinstance(core, kind):
            if isinstance(core, (mi.LiteralType, mi.EnumType, mi.StrType)) and isinstance(gql, GraphQLEnumType):
                return None
            return None if isinstance(gql, GraphQLScalarType) and gql.name in names else f"{core} vs {gql}"
    return f"no rule for {core} (GraphQL {gql}); add one to SCALARS"


def test_every_mirrored_struct_field_is_in_graphql_with_a_compatible_type(sdl: GraphQLSchema) -> None:
    problems = []
    for name, struct in MIRRORS.items():
        gql_type = sdl.type_map.get(name)
        assert isinstance(gql_type, GraphQLObjectType), f"{name} is not a GraphQL object type any more"
        info = mi.type_info(struct)
        assert isinstance(info, mi.StructType)
        for field in info.fields:
            if (name, field.name) in NOT_EXPOSED:
                continue
            gql_name = RENAMED.get((name, field.name), _camel(field.name))
            gql_field = gql_type.fields.get(gql_name)
            if gql_field is None:
                problems.append(f"{name}.{gql_name} missing ({struct.__qualname__}.{field.name})")
                continue
            why = _mismatch(field.type, gql_field.type)
            if why:
                problems.append(f"{name}.{gql_name}: {why}")
    assert not problems, "GraphQL drifted from the core views:\n" + "\n".join(problems)


def test_exclusions_name_real_fields() -> None:
    """An exclusion left behind after the field was exposed or removed is itself drift."""
    for name, field in [*NOT_EXPOSED, *RENAMED]:
        assert field in MIRRORS[name].__struct_fields__, f"{name}: {field} is no longer a field of the Struct"


def _of_source(cls: type) -> type | None:
    """The Struct a GraphQL type's ``of(view, …)`` constructor takes, if it takes one."""
    of = cls.__dict__.get("of")
    if of is None:
        return None
    fn = of.__func__
    hints = typing.get_type_hints(fn, vars(sys.modules[fn.__module__]))
    params = list(inspect.signature(fn).parameters)[1:]
    source = hints.get(params[0]) if params else None
    return source if isinstance(source, type) and issubclass(source, msgspec.Struct) else None


def test_every_type_built_from_a_struct_is_in_the_mapping() -> None:
    """A new GraphQL type with ``of(view: SomeStruct)`` must be declared in MIRRORS, so that
    the parity check above covers it."""
    schema = build_schema()
    unlisted = []
    for name, graphql_type in schema.schema_converter.type_map.items():
        origin = getattr(graphql_type.definition, "origin", None)
        source = _of_source(origin) if isinstance(origin, type) else None
        if source is not None and MIRRORS.get(name) is not source:
            unlisted.append(f"{name} ← {source.__module__}.{source.__qualname__}")
    assert not unlisted, "add these to MIRRORS: " + ", ".join(unlisted)


def test_the_check_itself_refuses_what_would_break_a_client() -> None:
    """The rules above, on hand-made cases: each would otherwise fail only at run time."""

    class Shape(msgspec.Struct):
        maybe: int | None
        when: datetime.datetime
        tags: list[str]
        nested: calendar.CalendarDay

    fields = {f.name: f.type for f in mi.type_info(Shape).fields}  # type: ignore[attr-defined]
    day = build_schema()._schema.type_map["CalendarDay"]
    assert "non-null" in (_mismatch(fields["maybe"], GraphQLNonNull(GraphQLInt)) or "")
    assert _mismatch(fields["maybe"], GraphQLInt) is None
    assert "nullable" in (_mismatch(fields["when"], build_schema()._schema.type_map["DateTime"]) or "")
    assert _mismatch(fields["tags"], GraphQLNonNull(GraphQLList(GraphQLString))) is not None
    assert _mismatch(fields["when"], GraphQLNonNull(GraphQLString)) is not None
    assert _mismatch(fields["tags"], GraphQLNonNull(GraphQLString)) is not None
    assert _mismatch(fields["tags"], GraphQLNonNull(GraphQLList(GraphQLNonNull(GraphQLString)))) is None
    assert _mismatch(fields["nested"], GraphQLNonNull(day)) is None
    assert _mismatch(fields["nested"], GraphQLNonNull(build_schema()._schema.type_map["Unit"])) is not None
    units_page = mi.type_info(Page[units.UnitView]).fields[0].type  # type: ignore[attr-defined]
    jurisdiction_items = build_schema()._schema.type_map["JurisdictionPage"].fields["items"].type  # type: ignore[attr-defined]
    assert _mismatch(units_page, jurisdiction_items) is not None
