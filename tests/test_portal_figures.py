"""Charts on the portal for the public figures a county chooses to publish (issue 21, item 4):
the choice over REST and GraphQL (admin, If-Match, unknown codes refused, tenant-scoped) and
the portal home drawing the chosen charts from the county's newest stored indicators."""

from __future__ import annotations

import datetime
import re

import httpx
import pytest

from core.calls.reading import CHINA
from core.oversight.public import PUBLISHABLE
from tests.conftest import MakeTenant, TenantFixture
from tests.portal_fixtures import published_county
from tests.test_graphql import gql

SECTION = "减负监测公开数据"


@pytest.fixture
async def county(client: httpx.AsyncClient, tenant: TenantFixture) -> TenantFixture:
    return await published_county(client, tenant)


def figures_of(html: str) -> str:
    """The charts section of a portal page ('' when there is none)."""
    found = re.search(f"<h2>{SECTION}</h2>.*</figure>", html, re.S)
    return found[0] if found else ""


def today() -> str:
    return datetime.datetime.now(CHINA).date().isoformat()


async def test_the_chosen_charts_over_rest_and_on_the_portal_home(
    client: httpx.AsyncClient, county: TenantFixture, make_tenant: MakeTenant
) -> None:
    url = f"{county.base}/portal-figures"
    home = f"/portal/{county.slug}"
    empty = await client.get(url, headers=county.auth(county.reader))
    assert empty.status_code == 200 and empty.headers["etag"] == '"0"'
    assert empty.json() == {"charts": [], "revision": 0, "updated_at": None}
    page = (await client.get(home)).text
    assert SECTION not in page and "<svg" not in page  # none chosen, none shown

    assert (await client.put(url, json={"charts": ["kinds"]}, headers=county.auth())).status_code == 428
    reader = await client.put(url, json={"charts": ["kinds"], "revision": 0}, headers=county.auth(county.reader))
    assert reader.status_code == 403
    unknown = await client.put(
        url, json={"charts": ["kinds", "names"], "revision": 0}, headers={**county.auth(), "Accept-Language": "zh-CN"}
    )
    assert unknown.status_code == 422 and unknown.json()["code"] == "validation-failed"
    assert unknown.json()["errors"][0]["field"] == "charts"
    assert "没有「names」这一公开图表" in unknown.json()["errors"][0]["message"]
    english = await client.put(
        url, json={"charts": ["names"], "revision": 0}, headers={**county.auth(), "Accept-Language": "en"}
    )
    assert "unknown chart 'names'; use one of" in english.text
    assert (await client.get(url, headers=county.auth())).json()["revision"] == 0  # nothing written

    # Indicators stored for an earlier date, before any list was in force: the newest stored.
    early = await client.post(f"{county.base}/oversight/indicators?as_of=2020-01-01", headers=county.auth())
    assert early.status_code == 200, early.text
    chosen = {"charts": ["calls", "kinds", "townships", "kinds"]}
    saved = await client.put(url, json=chosen, headers={**county.auth(), "If-Match": '"0"'})
    assert saved.status_code == 200, saved.text
    assert saved.headers["etag"] == '"1"' and saved.json()["charts"] == ["kinds", "townships", "calls"]
    assert (await client.get(url, headers=county.auth(county.reader))).json()["charts"] == [
        "kinds",
        "townships",
        "calls",
    ]

    figures = figures_of((await client.get(home)).text)
    assert "截至 2020-01-01" in figures and figures.count("<svg") == 3
    for code in ("kinds", "townships", "calls"):
        assert PUBLISHABLE[code] in figures
    assert PUBLISHABLE["indicators"] not in figures and "全国平均" in figures
    assert "柳城" not in figures and "<script" not in figures  # no list was in force in 2020

    # Indicators newly stored for today show on the next page (the cached page is rebuilt).
    assert (await client.post(f"{county.base}/oversight/indicators?as_of={today()}", headers=county.auth())).is_success
    figures = figures_of((await client.get(home)).text)
    assert f"截至 {today()}" in figures and "柳城" in figures

    stale = await client.put(url, json={"charts": ["kinds"]}, headers={**county.auth(), "If-Match": '"0"'})
    assert stale.status_code == 412

    # Another tenant can neither read nor change the choice; its own portal shows no charts.
    other = await make_tenant()
    assert (await client.get(url, headers=other.auth())).status_code == 404
    intruder = await client.put(url, json={"charts": [], "revision": 1}, headers=other.auth())
    assert intruder.status_code == 404
    assert (await client.get(url, headers=county.auth())).json()["revision"] == 1
    assert SECTION not in (await client.get(f"/portal/{other.slug}")).text

    # Publishing none again removes the section at once.
    cleared = await client.put(url, json={"charts": [], "revision": 1}, headers=county.auth())
    assert cleared.status_code == 200 and cleared.json() == {**cleared.json(), "charts": [], "revision": 2}
    assert SECTION not in (await client.get(home)).text


FIGURES_QUERY = "query($slug: String!) { tenant(slug: $slug) { portalFigures { charts revision } } }"
SET_FIGURES = """
mutation($tenant: String!, $charts: [String!]!, $revision: Int!) {
  setPortalFigures(tenant: $tenant, charts: $charts, revision: $revision) {
    __typename
    ... on PortalFigures { charts revision }
    ... on Problem { status type detail errors { field message } }
  }
}
"""


async def test_the_choice_over_graphql_and_indicators_computed_when_none_are_stored(
    client: httpx.AsyncClient, make_tenant: MakeTenant
) -> None:
    t, other = await make_tenant(), await make_tenant()
    assert (await gql(client, t.reader, FIGURES_QUERY, slug=t.slug))["tenant"]["portalFigures"] == {
        "charts": [],
        "revision": 0,
    }
    done = await gql(client, t.admin, SET_FIGURES, tenant=t.slug, charts=["indicators", "kinds"], revision=0)
    assert done["setPortalFigures"] == {"__typename": "PortalFigures", "charts": ["kinds", "indicators"], "revision": 1}
    read = (await gql(client, t.reader, FIGURES_QUERY, slug=t.slug))["tenant"]["portalFigures"]
    assert read == {"charts": ["kinds", "indicators"], "revision": 1}

    unknown = (await gql(client, t.admin, SET_FIGURES, tenant=t.slug, charts=["names"], revision=1))["setPortalFigures"]
    assert unknown["status"] == 422 and unknown["errors"][0]["field"] == "charts"
    stale = await gql(client, t.admin, SET_FIGURES, tenant=t.slug, charts=["kinds"], revision=0)
    assert stale["setPortalFigures"]["status"] == 412
    reader = await gql(client, t.reader, SET_FIGURES, tenant=t.slug, charts=["kinds"], revision=1)
    assert reader["setPortalFigures"]["status"] == 403
    foreign = await gql(client, other.admin, SET_FIGURES, tenant=t.slug, charts=[], revision=1)
    assert foreign["setPortalFigures"]["status"] == 404
    assert (await gql(client, other.admin, FIGURES_QUERY, slug=t.slug))["tenant"] is None
    assert (await gql(client, t.admin, FIGURES_QUERY, slug=t.slug))["tenant"]["portalFigures"]["revision"] == 1

    # Nothing stored yet: the portal computes and stores the indicators as of today (China).
    figures = figures_of((await client.get(f"/portal/{t.slug}")).text)
    assert f"截至 {today()}" in figures and figures.count("<svg") == 2
    assert PUBLISHABLE["kinds"] in figures and PUBLISHABLE["indicators"] in figures


async def test_an_overseer_tenant_publishes_no_figures(client: httpx.AsyncClient, make_tenant: MakeTenant) -> None:
    city = await make_tenant(division_code="510100", kind="city")
    refused = await client.put(
        f"{city.base}/portal-figures", json={"charts": ["kinds"], "revision": 0}, headers=city.auth()
    )
    assert refused.status_code == 422 and refused.json()["errors"][0]["field"] == "tenant"
