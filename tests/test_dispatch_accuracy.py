"""How well the 12345 dispatch understands citizens: the labelled evaluation set over REST.

Three files of colloquial appeals over the five demo counties (``tests/data/dispatch/``):
``heldout.yaml``, written before any tuning and never tuned on; ``dev.yaml``, the set the
lexicon and place recognition were tuned on; and ``dev2.yaml``, a second development set
written later from the catalogs' items (labelled before the lookup was run on it), tuned on
too and reported apart; and ``dev3.yaml``, a third, whose items were drawn at random from the
catalogs (seeded) and labelled before the lookup was run on it, reported apart too; and
``dev4.yaml``, a fourth written the same way with another seed and the items no other dev set
labels drawn first; and ``dev5.yaml``, a fifth written as dev4 was with a third seed. Every
appeal is sent to
``POST /api/v1/tenants/{tenant}/lookup`` exactly as a hotline platform would (its text and
only the location parameters the caller gave) against tenants provisioned from the plugins
with every township list published, as ``qingdan demo`` does.

Figures per set (run with ``-s`` to see them, with every miss):

- item top-1 / top-3: the first item (any of the first three) is one the label accepts;
- unit top-1 / top-3: the primary unit of the first item (of any of the first three) is the
  labelled one (``township`` = the township itself);
- township: the answer names the labelled township, counted apart for places named only in
  the text (no location parameter); and *invented*: appeals naming no place that were
  answered with a township anyway.

The test fails when either set is below the targets of issue 18.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest
import yaml

from core.security.access import Principal, Role
from tests.conftest import TenantFixture
from tests.demo_fixtures import published_counties

PLATFORM = Principal(key_id=None, role=Role.PLATFORM, tenant_id=None, name="dispatch evaluation")
PLUGINS = ("wenjiang", "longsha", "taian", "lanshan", "dongshan")
DATA = Path(__file__).parent / "data" / "dispatch"
SETS = {
    name: yaml.safe_load((DATA / f"{name}.yaml").read_text(encoding="utf-8"))
    for name in ("dev", "dev2", "dev3", "dev4", "dev5", "heldout")
}
LOCATION_FIELDS = ("township", "village", "grid")

#: Issue 18's accuracy targets.
TARGETS = {"item_top1": 0.90, "item_top3": 0.97, "unit_top1": 0.90, "township_from_text": 0.95}


@pytest.fixture(scope="module")
async def counties(database_url: str) -> dict[str, TenantFixture]:
    """One tenant per demo plugin, every township list published."""
    return await published_counties("ev", PLUGINS)


def _lead(item: dict[str, Any]) -> str | None:
    primary = next((u for u in item["units"] if u["role"] == "primary"), None)
    if primary is None:
        return None
    return "township" if primary["kind"] == "township" else primary["code"]


@dataclass
class Tally:
    n: int = 0
    item_top1: int = 0
    item_top3: int = 0
    unit_top1: int = 0
    unit_top3: int = 0
    placed: int = 0  # appeals with a labelled township
    township: int = 0
    from_text: int = 0  # of those, named only in the text
    township_from_text: int = 0
    unplaced: int = 0
    invented: int = 0
    misses: list[str] = field(default_factory=list)

    def rate(self, hits: int, of: int) -> float:
        return hits / of if of else 1.0

    def figures(self) -> dict[str, float]:
        return {
            "item_top1": self.rate(self.item_top1, self.n),
            "item_top3": self.rate(self.item_top3, self.n),
            "unit_top1": self.rate(self.unit_top1, self.n),
            "unit_top3": self.rate(self.unit_top3, self.n),
            "township": self.rate(self.township, self.placed),
            "township_from_text": self.rate(self.township_from_text, self.from_text),
        }


async def evaluate(client: httpx.AsyncClient, counties: dict[str, TenantFixture], appeals: list[dict]) -> Tally:
    tally = Tally()
    for appeal in appeals:
        t = counties[appeal["plugin"]]
        body: dict[str, Any] = {"text": appeal["text"], "limit": 3}
        body.update({f: appeal[f] for f in LOCATION_FIELDS if f in appeal})
        r = await client.post(f"{t.base}/lookup", json=body, headers=t.auth(t.reader))
        assert r.status_code == 200, (appeal, r.text)
        answer = r.json()
        items = answer["items"]
        codes = [i["code"] for i in items]
        expected = set(appeal["expect"])
        leads = [_lead(i) for i in items]
        township = answer["township"]["code"] if answer["township"] else None
        tally.n += 1
        tally.item_top1 += bool(codes[:1] and codes[0] in expected)
        tally.item_top3 += bool(expected & set(codes[:3]))
        tally.unit_top1 += bool(leads[:1] and leads[0] == appeal["primary"])
        tally.unit_top3 += appeal["primary"] in leads[:3]
        place = appeal["place"]
        given = any(f in appeal for f in LOCATION_FIELDS)
        if place is None:
            tally.unplaced += 1
            tally.invented += township is not None
        else:
            tally.placed += 1
            tally.township += township == place
            if not given:
                tally.from_text += 1
                tally.township_from_text += township == place
        wrong = []
        if not (codes[:1] and codes[0] in expected):
            wrong.append(f"item {codes} want {appeal['expect']}")
        if not (leads[:1] and leads[0] == appeal["primary"]):
            wrong.append(f"unit {leads[:1]} want {appeal['primary']}")
        if township != place:
            wrong.append(f"township {township} want {place}")
        if wrong:
            tally.misses.append(f"  {appeal['plugin']}: {appeal['text']} → " + "; ".join(wrong))
    return tally


def report(name: str, tally: Tally) -> str:
    f = tally.figures()
    return (
        f"{name} ({tally.n} appeals): item top-1 {f['item_top1']:.3f} top-3 {f['item_top3']:.3f};"
        f" unit top-1 {f['unit_top1']:.3f} top-3 {f['unit_top3']:.3f};"
        f" township {f['township']:.3f} ({tally.township}/{tally.placed}),"
        f" from the text {f['township_from_text']:.3f} ({tally.township_from_text}/{tally.from_text});"
        f" invented {tally.invented}/{tally.unplaced}"
    )


def test_the_sets_are_big_labelled_and_apart() -> None:
    dev, dev2, dev3, dev4, dev5, heldout = (SETS[n] for n in ("dev", "dev2", "dev3", "dev4", "dev5", "heldout"))
    assert len(dev) + len(heldout) >= 200 and len(dev2) >= 100
    assert len(dev3) >= 120 and len(dev4) >= 120 and len(dev5) >= 120
    for appeals in (dev, dev2, dev3, dev4, dev5):
        assert {a["plugin"] for a in heldout} == set(PLUGINS) == {a["plugin"] for a in appeals}
    texts = [{a["text"] for a in appeals} for appeals in (dev, dev2, dev3, dev4, dev5, heldout)]
    overlaps = sum(len(texts[i] & texts[j]) for i in range(6) for j in range(i + 1, 6))
    assert overlaps == 0  # a count, not the texts: held-out texts are never printed
    for appeal in (*dev, *dev2, *dev3, *dev4, *dev5, *heldout):
        assert appeal["expect"] and appeal["primary"], appeal
        assert appeal["place"] is None or len(appeal["place"]) == 12, appeal
    # every kind of case is there: a place in the text, a place given, no place at all
    for appeals in (dev, heldout):
        given = [a for a in appeals if any(f in a for f in LOCATION_FIELDS)]
        assert given and len([a for a in appeals if a["place"] is None]) >= 20
        assert len([a for a in appeals if a["place"] and a not in given]) >= 40
    # dev2 is mostly about words: fewer places named, still some of each kind
    given2 = [a for a in dev2 if any(f in a for f in LOCATION_FIELDS)]
    assert given2 and len([a for a in dev2 if a["place"] and a not in given2]) >= 30
    # dev3: 26 drawn items a county, about half placed (most from the text), half with no place
    given3 = [a for a in dev3 if any(f in a for f in LOCATION_FIELDS)]
    assert given3 and len([a for a in dev3 if a["place"] and a not in given3]) >= 50
    assert len([a for a in dev3 if a["place"] is None]) >= 50
    # dev4 and dev5: drawn the same way (seeds 20261208, 20261209); every kind of case too
    for appeals in (dev4, dev5):
        given = [a for a in appeals if any(f in a for f in LOCATION_FIELDS)]
        assert given and len([a for a in appeals if a["place"] and a not in given]) >= 50
        assert len([a for a in appeals if a["place"] is None]) >= 50


#: What each set must reach. Dev: the issue's targets. Held-out: the issue's targets for places;
#: for items and units, floors just under what it measures (item top-1 0.84, top-3 0.94, unit
#: top-1 0.87 since the learned re-ranking; 0.78 / 0.92 / 0.85 before it; docs/lookup.md) — the
#: targets are not met yet, and a floor still fails on a regression where an expected-failure mark
#: would not. Raise the floors as it improves; never tune on the set.
#: dev2, dev3 and dev4: floors just under what they measure (docs/lookup.md; since the learned
#: re-ranking, fitted on the four dev sets, their figures are in-sample ones). First figures,
#: before anything was changed for them: dev3 0.546 / 0.638 / unit 0.754, dev4 0.585 / 0.731 /
#: unit 0.731, dev5 0.638 / 0.800 / unit 0.785 (dev5's floors are just under these: nothing has
#: been changed for it, and the re-ranking was fitted without it).
FLOORS = {
    "dev": TARGETS,
    "dev2": {**TARGETS, "item_top1": 0.84, "item_top3": 0.96, "unit_top1": 0.92},
    "dev3": {**TARGETS, "item_top1": 0.84, "item_top3": 0.96, "unit_top1": 0.93},
    "dev4": {**TARGETS, "item_top1": 0.90, "item_top3": 0.97, "unit_top1": 0.93},
    "dev5": {**TARGETS, "item_top1": 0.63, "item_top3": 0.79, "unit_top1": 0.78},
    "heldout": {**TARGETS, "item_top1": 0.83, "item_top3": 0.93, "unit_top1": 0.86},
}


@pytest.mark.parametrize("name", ["dev", "dev2", "dev3", "dev4", "dev5", "heldout"])
async def test_dispatch_accuracy(client: httpx.AsyncClient, counties: dict[str, TenantFixture], name: str) -> None:
    tally = await evaluate(client, counties, SETS[name])
    print(f"\n{report(name, tally)}")
    if name != "heldout" or os.environ.get("QINGDAN_SHOW_HELDOUT_MISSES"):
        print("\n".join(tally.misses))  # held-out misses stay hidden by default: nobody tunes on them
    figures = tally.figures()
    below = {k: round(figures[k], 3) for k, floor in FLOORS[name].items() if figures[k] < floor}
    assert not below and tally.invented == 0, (below, f"invented {tally.invented}")
