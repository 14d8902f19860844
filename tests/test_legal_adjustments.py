"""Law-change adjustments have a lifecycle (issue 19, item 5): applied or dismissed with a
reason, once; publishing the catalog warns while some are open, and refuses when configured."""

from __future__ import annotations

import uuid

import httpx
import pytest

from tests.catalog_fixtures import DOMAIN, PATROL, add_items, add_own_document, build_county
from tests.conftest import TenantFixture
from tests.test_graphql import gql


async def _open_adjustments(client: httpx.AsyncClient, county: TenantFixture) -> list[dict]:
    """A document of the county's own, two items citing it, published; an amendment of one
    cited article opens an adjustment for its item."""
    h = county.auth()
    title = f"测试区巡查办法{uuid.uuid4().hex[:6]}"
    document = await add_own_document(client, county, title, ["街道办事处每月巡查一次。", "区应急管理局予以指导。"])
    first = {**PATROL, "code": "ADJ-01", "title": "月度巡查", "citations": [f"《{title}》第一条"]}
    second = {**PATROL, "code": "ADJ-02", "title": "巡查指导", "citations": [f"《{title}》第二条"]}
    await add_items(client, county, DOMAIN, first, second)
    draft = await client.get(f"{county.base}/catalog/versions/draft", headers=h)
    published = await client.post(
        f"{county.base}/catalog/publish",
        json={"effective_date": "2025-01-01"},
        headers={**h, "If-Match": draft.headers["etag"]},
    )
    assert published.status_code == 200 and published.json()["warnings"] == [], published.text
    text = (
        f"# {title}\n2025年3月1日 测试区人民政府修订\n<!-- INFO END -->\n"
        "第一条 街道办事处每周巡查一次。\n第二条 区应急管理局予以指导。\n"
    )
    recorded = await client.post(
        f"{county.base}/legal/documents/{document}/amendments",
        json={"effective_date": "2025-04-01", "text": text, "dry_run": False},
        headers=h,
    )
    assert recorded.status_code == 201, recorded.text
    found = await client.get(f"{county.base}/catalog/adjustments", params={"state": "open"}, headers=h)
    return found.json()


@pytest.fixture
async def county(client: httpx.AsyncClient, tenant: TenantFixture) -> TenantFixture:
    await build_county(client, tenant)
    return tenant


async def test_adjustments_are_applied_or_dismissed_once_and_publishing_warns(
    client: httpx.AsyncClient, county: TenantFixture, other: TenantFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    h = county.auth()
    [opened] = await _open_adjustments(client, county)
    assert opened["item_code"] == "ADJ-01" and opened["reason_kind"] == "law_changed"
    url = f"{county.base}/catalog/adjustments/{opened['id']}/resolution"

    # Bad input and other tenants change nothing.
    assert (await client.post(url, json={"state": "dismissed"}, headers=h)).json()["errors"][0]["field"] == "reason"
    assert (await client.post(url, json={"state": "closed"}, headers=h)).status_code == 400
    assert (await client.post(url, json={"state": "applied"}, headers=county.auth(county.reader))).status_code == 403
    assert (await client.post(url, json={"state": "applied"}, headers=other.auth())).status_code == 404
    missing = f"{county.base}/catalog/adjustments/{uuid.uuid4()}/resolution"
    assert (await client.post(missing, json={"state": "applied"}, headers=h)).status_code == 404
    reasonless = await client.post(url, json={"state": "dismissed"}, headers={**h, "Accept-Language": "zh-CN"})
    assert reasonless.json()["errors"][0]["message"] == "请说明驳回该调整的理由"

    # Publishing while it is open: a warning; with the setting, a refusal.
    draft = await client.get(f"{county.base}/catalog/versions/draft", headers=h)
    monkeypatch.setenv("QINGDAN_PUBLISH_OPEN_ADJUSTMENTS", "refuse")
    refused = await client.post(
        f"{county.base}/catalog/publish",
        json={"effective_date": "2025-05-01"},
        headers={**h, "If-Match": draft.headers["etag"]},
    )
    assert refused.status_code == 409 and "1 law-change adjustments are still open" in refused.json()["detail"]
    refused_zh = await client.post(
        f"{county.base}/catalog/publish",
        json={"effective_date": "2025-05-01"},
        headers={**h, "If-Match": draft.headers["etag"], "Accept-Language": "zh-CN"},
    )
    assert refused_zh.status_code == 409 and "仍有 1 项因法律变化的调整待处理" in refused_zh.json()["detail"]
    monkeypatch.delenv("QINGDAN_PUBLISH_OPEN_ADJUSTMENTS")
    warned = await client.post(
        f"{county.base}/catalog/publish",
        json={"effective_date": "2025-05-01"},
        headers={**h, "If-Match": draft.headers["etag"]},
    )
    # The warning is for the 编办 official: Chinese unless English is asked for
    assert warned.status_code == 200 and "仍有 1 项因法律变化的调整待处理" in warned.json()["warnings"][0]

    dismissed = await client.post(url, json={"state": "dismissed", "reason": "仅调整频次，事项不变"}, headers=h)
    assert dismissed.status_code == 200, dismissed.text
    assert (dismissed.json()["state"], dismissed.json()["resolution_reason"]) == ("dismissed", "仅调整频次，事项不变")
    again = await client.post(url, json={"state": "applied"}, headers=h)
    assert again.status_code == 409 and "already dismissed" in again.json()["detail"]
    again_zh = await client.post(url, json={"state": "applied"}, headers={**h, "Accept-Language": "zh-CN"})
    assert again_zh.status_code == 409 and again_zh.json()["detail"].startswith("该调整已驳回")
    left = await client.get(f"{county.base}/catalog/adjustments", params={"state": "open"}, headers=h)
    assert left.json() == []


RESOLVE = """mutation($t: String!, $id: ID!, $s: String!, $r: String!) {
  resolveCatalogAdjustment(tenant: $t, id: $id, state: $s, reason: $r) {
    __typename ... on Adjustment { state resolutionReason resolvedAt } ... on Problem { status detail } } }"""


async def test_graphql_applies_an_adjustment(
    client: httpx.AsyncClient, county: TenantFixture, other: TenantFixture
) -> None:
    [opened] = await _open_adjustments(client, county)
    theirs = await gql(client, other.admin, RESOLVE, t=county.slug, id=opened["id"], s="applied", r="")
    assert theirs["resolveCatalogAdjustment"]["__typename"] == "Problem"
    applied = await gql(client, county.admin, RESOLVE, t=county.slug, id=opened["id"], s="applied", r="已按新条文修改")
    result = applied["resolveCatalogAdjustment"]
    assert (result["state"], result["resolutionReason"]) == ("applied", "已按新条文修改") and result["resolvedAt"]
