"""The dev sets' candidates for the learned re-ranking (bench/fit_ranker.py fits on them).

    python -m pytest -p tests.conftest bench/ranker_candidates.py -q --basetemp=/tmp/pt-ranker

Sends every appeal of the development sets (never the held-out set) through
``POST /lookup`` as tests/test_dispatch_accuracy.py does, with the learned weights off, and
records for each the BM25 candidates it was ranked from (the best
:data:`~core.publication.lookup_index.RERANK_DEPTH` of the catalog the answer came from),
their scores, :meth:`~core.publication.lookup_index.Index.features`, whether the label
accepts them and the party leading each (for the fit's unit figures), into
``bench/ranker_candidates.json`` (``--candidates`` of the fit).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import httpx
import pytest
import yaml

from core.publication import lookup_index
from core.security.access import Principal, Role
from tests.conftest import TenantFixture
from tests.demo_fixtures import published_counties

PLATFORM = Principal(key_id=None, role=Role.PLATFORM, tenant_id=None, name="ranker candidates")
PLUGINS = ("wenjiang", "longsha", "taian", "lanshan", "dongshan")
DATA = Path(__file__).resolve().parent.parent / "tests" / "data" / "dispatch"
DEV_SETS = ("dev", "dev2", "dev3", "dev4", "dev5")  # never the held-out set
OUT = Path(__file__).with_name("ranker_candidates.json")
LOCATION_FIELDS = ("township", "village", "grid")


# The tenants tests/test_dispatch_accuracy.py evaluates on (tests/demo_fixtures.py); that module
# is not imported: it loads the held-out set, which nothing here may touch.
@pytest.fixture(scope="module")
async def counties(database_url: str) -> dict[str, TenantFixture]:
    return await published_counties("rk", PLUGINS)


async def test_record_candidates(
    client: httpx.AsyncClient, counties: dict[str, TenantFixture], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(lookup_index, "RANKER", lookup_index.Ranker())
    calls: list[dict[str, Any]] = []
    original = lookup_index.Index.rank

    def recording(
        self: lookup_index.Index, query: dict[str, float], allowed: Any = None, k: Any = None, groups: Any = None
    ) -> Any:
        hits = original(self, query, allowed, k, groups)
        if allowed is None or len(allowed) > 1:  # not the one item asked for by code
            # as the re-ranking sees them: the catalog's best, whichever list is ranked, then
            # those the list holds
            top = original(self, query, None, lookup_index.RERANK_DEPTH, groups)
            cues = self.cues(query, groups)
            best = top[0].score if top else 0.0
            top = [h for h in top if allowed is None or h.code in allowed]
            calls.append(
                {
                    "codes": [h.code for h in top],
                    "scores": [h.score for h in top],
                    "features": [
                        self.features(query, groups, cues, self._position[h.code], h.score, best) for h in top
                    ],
                    # the unit leading each (the township or a department), for the fit's unit figures
                    "leads": [(self.parties[self._position[h.code]] or ("",))[0] for h in top],
                }
            )
        return hits

    monkeypatch.setattr(lookup_index.Index, "rank", recording)
    rows = []
    for name in DEV_SETS:
        for n, appeal in enumerate(yaml.safe_load((DATA / f"{name}.yaml").read_text(encoding="utf-8"))):
            t = counties[appeal["plugin"]]
            body: dict[str, Any] = {"text": appeal["text"], "limit": 3}
            body.update({f: appeal[f] for f in LOCATION_FIELDS if f in appeal})
            calls.clear()
            r = await client.post(f"{t.base}/lookup", json=body, headers=t.auth(t.reader))
            assert r.status_code == 200, r.text
            answered = [i["code"] for i in r.json()["items"]]
            # the catalog the answer came from: the ranking that holds its first item
            call = next((c for c in calls if answered and answered[0] in c["codes"]), calls[-1] if calls else None)
            if call is None or not call["codes"]:
                continue
            expect = set(appeal["expect"])
            rows.append(
                {
                    "set": name,
                    "n": n,
                    **call,
                    "label": [c in expect for c in call["codes"]],
                    "primary": appeal["primary"],
                    "answered": answered,
                }
            )
    OUT.write_text(json.dumps({"features": list(lookup_index.FEATURES), "rows": rows}), encoding="utf-8")
