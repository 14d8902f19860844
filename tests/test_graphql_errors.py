"""GraphQL errors carry REST's stable ``code`` and ``status`` in ``extensions``, and name the
GraphQL argument at fault (``first``, not REST's ``limit``) — sent over HTTP as a client would."""

from __future__ import annotations

import uuid
from typing import Any

import httpx
from graphql import GraphQLError, parse

from api.graphql.errors import graphql_field, problem_extensions
from core.platform.errors import FieldError, ValidationFailed
from tests.call_fixtures import fire_call, taian_tenant
from tests.conftest import MakeTenant, TenantFixture
from tests.test_graphql import CREATE_JURISDICTION, post

JURISDICTIONS = (
    "query($s: String!, $first: Int!) { tenant(slug: $s) { jurisdictions(first: $first) { items { code } } } }"
)
PROPOSAL = "query($s: String!, $id: String!) { tenant(slug: $s) { callProposal(id: $id) { unitCode } } }"
WEBHOOKS = "query($s: String!) { tenant(slug: $s) { webhookSubscriptions { id } } }"


async def only_error(client: httpx.AsyncClient, key: str, query: str, **variables: Any) -> dict[str, Any]:
    response = await post(client, key, query, **variables)
    assert response.status_code == 200, response.text
    [error] = response.json()["errors"]
    return error


async def test_a_page_too_large_names_first_with_the_rest_code(
    client: httpx.AsyncClient, tenant: TenantFixture
) -> None:
    error = await only_error(client, tenant.admin, JURISDICTIONS, s=tenant.slug, first=100000)
    assert error["message"] == "first: must be between 1 and 500"
    assert error["extensions"] == {
        "code": "validation-failed",
        "status": 422,
        "field": "first",
        "errors": [{"field": "first", "message": "must be between 1 and 500"}],
    }
    # The code and status are the ones REST answers for the same error (api/errors.py's mapping).
    assert (ValidationFailed.code, ValidationFailed.status) == ("validation-failed", 422)


async def test_a_bad_cursor_names_after(client: httpx.AsyncClient, tenant: TenantFixture) -> None:
    query = 'query($s: String!) { tenant(slug: $s) { units(after: "???") { items { code } } } }'
    error = await only_error(client, tenant.admin, query, s=tenant.slug)
    assert error["extensions"]["field"] == "after", error
    assert error["message"].startswith("after: "), error


async def test_not_found_and_another_tenants_id_answer_the_same_shape(
    client: httpx.AsyncClient, make_tenant: MakeTenant, tenant: TenantFixture
) -> None:
    taian = await taian_tenant(client, make_tenant)
    raised = await client.post(taian.calls, json=fire_call(), headers=taian.auth(taian.township))
    assert raised.status_code == 201, raised.text
    theirs = raised.json()["id"]
    mine = (await post(client, taian.t.admin, PROPOSAL, s=taian.t.slug, id=theirs)).json()
    assert "errors" not in mine and mine["data"]["tenant"]["callProposal"] is not None, mine  # it exists for them
    missing = await only_error(client, tenant.admin, PROPOSAL, s=tenant.slug, id=str(uuid.uuid4()))
    foreign = await only_error(client, tenant.admin, PROPOSAL, s=tenant.slug, id=theirs)
    for error in (missing, foreign):
        assert error["extensions"] == {"code": "not-found", "status": 404}, error
        assert error["path"] == ["tenant", "callProposal"]
    assert missing["message"].replace(missing["message"].split()[-1], "") == foreign["message"].replace(
        foreign["message"].split()[-1], ""
    )


async def test_permission_denied_carries_forbidden(client: httpx.AsyncClient, tenant: TenantFixture) -> None:
    error = await only_error(client, tenant.reader, WEBHOOKS, s=tenant.slug)
    assert error["extensions"] == {"code": "forbidden", "status": 403}, error
    rest = await client.get(f"{tenant.base}/webhooks", headers=tenant.auth(tenant.reader))
    assert rest.status_code == 403, rest.text


async def test_a_conflict_is_the_rest_conflict(client: httpx.AsyncClient, tenant: TenantFixture) -> None:
    street = {"code": "510115001999", "name": "测试街道", "kind": "street", "parentCode": tenant.division_code}
    first = await post(client, tenant.admin, CREATE_JURISDICTION, tenant=tenant.slug, input=street)
    assert first.json()["data"]["createJurisdiction"]["__typename"] == "Jurisdiction", first.text
    again = await post(client, tenant.admin, CREATE_JURISDICTION, tenant=tenant.slug, input=street)
    problem = again.json()["data"]["createJurisdiction"]
    assert (problem["__typename"], problem["type"], problem["status"]) == ("Problem", "conflict", 409), problem
    assert [e["field"] for e in problem["errors"]] == ["code"]
    rest_body = {"code": street["code"], "name": street["name"], "kind": "street", "parent_code": tenant.division_code}
    rest = await client.post(f"{tenant.base}/jurisdictions", json=rest_body, headers=tenant.auth())
    assert (rest.status_code, rest.json()["type"].rsplit("/", 1)[1]) == (409, "conflict")


async def test_a_refused_document_carries_invalid_query(client: httpx.AsyncClient, tenant: TenantFixture) -> None:
    for query in ("{ tenant(slug: 1) { slug } }", "{ nothing }", "{ tenant("):
        response = await post(client, tenant.admin, query)
        errors = response.json()["errors"]
        assert errors and all(e["extensions"] == {"code": "invalid-query", "status": 400} for e in errors), errors


def test_field_names_follow_what_the_client_sent() -> None:
    assert graphql_field("limit", {"first", "after"}) == "first"
    assert graphql_field("limit", {"limit"}) == "limit"  # lookup's own `limit` argument stays
    assert graphql_field("cursor", {"after"}) == "after"
    assert graphql_field("host_township_code", {"hostTownshipCode"}) == "hostTownshipCode"
    assert graphql_field("input.parent_code", set()) == "input.parentCode"


def test_several_field_errors_are_listed_with_graphql_names() -> None:
    document = parse("{ units(first: 5, hostTownshipCode: 1) { items { code } } }")
    node = document.definitions[0].selection_set.selections[0]  # type: ignore[attr-defined]
    refused = ValidationFailed(
        "limit: too large; host_township_code: unknown",
        errors=[FieldError("limit", "too large"), FieldError("host_township_code", "unknown")],
    )
    error = GraphQLError(str(refused), nodes=[node], original_error=refused)
    extensions = problem_extensions(error, refused)
    assert extensions["field"] == "first"
    assert extensions["errors"] == [
        {"field": "first", "message": "too large"},
        {"field": "hostTownshipCode", "message": "unknown"},
    ]
    assert error.message == "first: too large; hostTownshipCode: unknown"
