"""GraphQL face of the responsibility lookup (``responsibilityLookup`` on a tenant)."""

from __future__ import annotations

from typing import Any

import strawberry

from core.publication import lookup as service
from core.security.access import Access


def _fields(obj: Any) -> dict[str, Any]:
    return {f: getattr(obj, f) for f in obj.__struct_fields__}


@strawberry.type(description="A party to dispatch to: a unit, or the township itself (kind township).")
class ProposedUnit:
    code: str
    name: str
    kind: str
    role: str
    duty: str
    item_code: str
    office: str
    post: str
    contact: str
    agency_code: str | None
    agency_name: str | None
    leader: str
    a_post: str
    b_post: str
    listed_as: str | None = strawberry.field(description="the catalog's party when this is its district counterpart")
    reason: str = strawberry.field(description="why this unit, in plain words")


@strawberry.type
class TownshipRef:
    code: str
    name: str


@strawberry.type(description="A township the appeal may concern, and why.")
class TownshipCandidate:
    code: str
    name: str
    reason: str


@strawberry.type(
    description="Where the appeal happened as the lookup read it (source: parameter, text, ambiguous, none)."
)
class PlaceFound:
    source: str
    township: TownshipRef | None
    village: TownshipRef | None
    words: list[str]
    reason: str


@strawberry.type(
    description="A term of the item the appeal matched, the appeal's words behind it and how (word, lexicon, pinyin)."
)
class WordMatch:
    term: str
    said: str
    how: str


@strawberry.type(description="Why an item was proposed: the words, the place, the unit.")
class Explanation:
    words: list[WordMatch]
    place: str
    unit: str


@strawberry.type
class LookupRecovery:
    receiving_unit: str
    working_method: str
    reason: str


@strawberry.type
class LookupItem:
    code: str
    title: str
    list_kind: str
    kinds: list[str]
    category: str | None
    category_label: str | None
    score: float
    routed_to: str
    matched_terms: list[str]
    recovery: LookupRecovery | None
    units: list[ProposedUnit]
    explanation: Explanation


@strawberry.type(description="Who answers for an appeal, by the published township lists.")
class LookupResult:
    township: TownshipRef | None
    list_version: int | None
    routed_to: str | None
    units: list[ProposedUnit]
    items: list[LookupItem]
    score: float
    confidence: float
    candidate_townships: list[TownshipCandidate]
    place: PlaceFound

    @classmethod
    def of(cls, r: service.LookupResult) -> LookupResult:
        def units(us: list[service.ProposedUnit]) -> list[ProposedUnit]:
            return [ProposedUnit(**_fields(u)) for u in us]

        return cls(
            township=TownshipRef(**_fields(r.township)) if r.township else None,
            list_version=r.list_version,
            routed_to=r.routed_to,
            units=units(r.units),
            items=[
                LookupItem(
                    **{
                        **_fields(i),
                        "recovery": LookupRecovery(**_fields(i.recovery)) if i.recovery else None,
                        "units": units(i.units),
                        "explanation": Explanation(
                            words=[WordMatch(**_fields(w)) for w in i.explanation.words],
                            place=i.explanation.place,
                            unit=i.explanation.unit,
                        ),
                    }
                )
                for i in r.items
            ],
            score=r.score,
            confidence=r.confidence,
            candidate_townships=[TownshipCandidate(**_fields(t)) for t in r.candidate_townships],
            place=PlaceFound(
                source=r.place.source,
                township=TownshipRef(**_fields(r.place.township)) if r.place.township else None,
                village=TownshipRef(**_fields(r.place.village)) if r.place.village else None,
                words=r.place.words,
                reason=r.place.reason,
            ),
        )


@strawberry.type
class LookupQueries:
    """The lookup field of a tenant (TenantNode inherits it)."""

    access: strawberry.Private[Access]

    @strawberry.field(
        description="Route a citizen appeal by the published township lists: the responsible township, units"
        " (primary first, then cooperating) and matched items, each explained. Location: a township, village or"
        " grid code (or exact name); without one the place is read from the text, and none named means no"
        " township is named in the answer."
    )
    async def responsibility_lookup(
        self,
        text: str,
        township: str | None = None,
        village: str | None = None,
        grid: str | None = None,
        item_code: str | None = None,
        limit: int = 5,
    ) -> LookupResult:
        result = await service.lookup(
            self.access, text, township=township, village=village, grid=grid, item_code=item_code, limit=limit
        )
        return LookupResult.of(result)
