"""The OpenAPI document tells the truth: each status a sample of operations answers over HTTP
is documented for that operation, and the body matches the schema documented for it; schema
names are clean and unique; the no-key operations say so."""

from __future__ import annotations

import json
from collections import Counter
from typing import Any

import httpx
import pytest
from jsonschema import Draft202012Validator

from api.cli import contracts
from tests.conftest import TenantFixture

DOCUMENT: dict[str, Any] = json.loads(contracts()["openapi.json"])
OPERATIONS = {
    op["operationId"]: op
    for item in DOCUMENT["paths"].values()
    for method, op in item.items()
    if method in ("get", "put", "post", "patch", "delete")
}


def conforms(response: httpx.Response, operation_id: str) -> None:
    """The response's status is documented for the operation, with its media type, and the
    body validates against the documented schema."""
    responses = OPERATIONS[operation_id]["responses"]
    status = str(response.status_code)
    assert status in responses, (
        f"{operation_id} answered {status} ({response.text[:200]}); documented: {list(responses)}"
    )
    content = responses[status].get("content")
    if not content:
        return
    media = response.headers["content-type"].split(";", 1)[0]
    assert media in content, f"{operation_id} {status} sent {media}; documented {list(content)}"
    schema = {"components": DOCUMENT["components"], **content[media]["schema"]}
    errors = [e.message for e in Draft202012Validator(schema).iter_errors(response.json())]
    assert not errors, f"{operation_id} {status}: {errors}"


def test_schema_names_are_clean_and_unique() -> None:
    schemas = DOCUMENT["components"]["schemas"]
    assert not [n for n in schemas if any(part in n for part in ("core.", "api.", "tenants.", "_"))]
    titles = Counter(s.get("title", name) for name, s in schemas.items())
    assert not [t for t, count in titles.items() if count > 1]
    assert {"AffectedItem", "TenantImpact", "ImpactReport", "RecordedChange", "ItemViewPage"} <= set(schemas)
    audit = schemas["AuditEventView"]["properties"]
    assert audit["before"] == audit["after"] == {"type": ["object", "null"], "additionalProperties": True}
    refs = set()

    def collect(node: Any) -> None:
        if isinstance(node, dict):
            if isinstance(node.get("$ref"), str):
                refs.add(node["$ref"].rsplit("/", 1)[1])
            for value in node.values():
                collect(value)
        elif isinstance(node, list):
            for value in node:
                collect(value)

    collect(DOCUMENT)
    assert refs <= set(schemas), refs - set(schemas)


def test_every_operation_documents_problems_not_litestars_400() -> None:
    for op_id, op in OPERATIONS.items():
        for status, response in op["responses"].items():
            if status >= "400" and not (op_id == "ready" and status == "503"):
                assert list(response["content"]) == ["application/problem+json"], (op_id, status)
        assert "400" in op["responses"] and "429" in op["responses"], op_id
        if op.get("security") != []:
            assert {"401", "403"} <= set(op["responses"]), op_id
    assert {op_id for op_id, op in OPERATIONS.items() if op.get("security") == []} >= {
        "health",
        "ready",
        "downloadFile",
    }
    assert "401" not in OPERATIONS["health"]["responses"]
    assert {"200", "201"} <= set(OPERATIONS["setCalendarOverride"]["responses"])
    assert {"412", "428"} <= set(OPERATIONS["updateUnit"]["responses"])
    assert "requestBody" in OPERATIONS["importCatalog"] and "requestBody" in OPERATIONS["uploadCallAttachment"]
    xlsx = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert xlsx in OPERATIONS["exportCatalogVersion"]["responses"]["200"]["content"]


async def test_the_served_document_is_the_committed_one(client: httpx.AsyncClient) -> None:
    served = await client.get("/docs/openapi.json")
    assert served.status_code == 200
    assert served.json() == DOCUMENT


UNIT = {"code": "water-bureau", "name": "区水务局", "kind": "department", "jurisdiction_code": "510115"}


async def test_error_answers_match_the_documented_problem(client: httpx.AsyncClient, tenant: TenantFixture) -> None:
    units = f"{tenant.base}/units"
    conforms(await client.get(units), "listUnits")  # 401
    assert (await client.get(units)).status_code == 401
    no_tenant = await client.get("/api/v1/tenants/no-such-tenant/units", headers=tenant.auth(tenant.platform))
    assert no_tenant.status_code == 404
    conforms(no_tenant, "listUnits")
    nul = await client.get(units, params={"kind": "a\x00b"}, headers=tenant.auth())
    assert nul.status_code == 400
    conforms(nul, "listUnits")

    forbidden = await client.post(units, json=UNIT, headers=tenant.auth(tenant.reader))
    assert forbidden.status_code == 403
    conforms(forbidden, "createUnit")
    wrong_type = await client.post(units, content=b"code=x", headers={**tenant.auth(), "content-type": "text/plain"})
    assert wrong_type.status_code == 415
    conforms(wrong_type, "createUnit")
    not_json = await client.post(units, content=b"{", headers={**tenant.auth(), "content-type": "application/json"})
    assert not_json.status_code == 400
    conforms(not_json, "createUnit")
    missing = await client.post(units, json={"code": "x"}, headers=tenant.auth())
    assert missing.status_code == 400 and missing.json()["errors"]
    conforms(missing, "createUnit")
    too_large = await client.post(
        units, content=b"[" + b"0," * 600_000 + b"0]", headers={**tenant.auth(), "content-type": "application/json"}
    )
    assert too_large.status_code == 413
    conforms(too_large, "createUnit")
    created = await client.post(units, json=UNIT, headers=tenant.auth())
    assert created.status_code == 201
    conforms(created, "createUnit")
    again = await client.post(units, json=UNIT, headers=tenant.auth())
    assert again.status_code == 409
    conforms(again, "createUnit")

    one = f"{units}/{UNIT['code']}"
    conforms(await client.get(f"{units}/no-such-unit", headers=tenant.auth()), "getUnit")
    without = await client.patch(one, json={"name": "区水利局"}, headers=tenant.auth())
    assert without.status_code == 428
    conforms(without, "updateUnit")
    stale = await client.patch(one, json={"name": "区水利局"}, headers={**tenant.auth(), "If-Match": '"99"'})
    assert stale.status_code == 412
    conforms(stale, "updateUnit")

    body = stale.json()
    assert body["code"] == "precondition-failed" and body["type"].endswith("/precondition-failed")
    assert body["status"] == 412 and body["instance"] == one


async def test_calendar_override_answers_201_then_200(client: httpx.AsyncClient, tenant: TenantFixture) -> None:
    day = f"{tenant.base}/calendar/overrides/2026-10-10"
    first = await client.put(day, json={"kind": "holiday", "name": "调休"}, headers=tenant.auth())
    second = await client.put(day, json={"kind": "holiday", "name": "调休"}, headers=tenant.auth())
    assert (first.status_code, second.status_code) == (201, 200)
    conforms(first, "setCalendarOverride")
    conforms(second, "setCalendarOverride")
    invalid = await client.put(day, json={"kind": "weekend"}, headers=tenant.auth())
    assert invalid.status_code in (400, 422)
    conforms(invalid, "setCalendarOverride")


@pytest.mark.parametrize("path", ["/healthz", "/files/not-a-token"])
async def test_no_key_operations(client: httpx.AsyncClient, path: str) -> None:
    response = await client.get(path)
    assert response.status_code != 401
    conforms(response, "health" if path == "/healthz" else "downloadFile")


def test_operations_and_important_schemas_are_described() -> None:
    assert all(op.get("summary") or op.get("description") for op in OPERATIONS.values())
    schemas = DOCUMENT["components"]["schemas"]
    important = ["Problem", "ItemView", "UnitView", "CallView", "AuditEventView", "ImpactReport", "ItemViewPage"]
    assert all(schemas[name].get("description") for name in important)
    assert "``" not in json.dumps(schemas, ensure_ascii=False)  # docstrings' reST turned into Markdown


def test_the_webhook_body_is_the_documented_event() -> None:
    import datetime
    import uuid

    from core.events.queries import ClaimRow
    from core.events.worker import payload

    now = datetime.datetime(2026, 10, 10, 9, 30, tzinfo=datetime.UTC)
    row = ClaimRow(
        uuid.uuid4(), uuid.uuid4(), 42, 1, "https://example.test/hook", "s3cret", "township_list.published",
        "townships/510115001000/list", '{"version": 3}', now, "demo", now,
    )  # fmt: skip
    webhook = DOCUMENT["webhooks"]["event"]["post"]
    schema = {"components": DOCUMENT["components"], **webhook["requestBody"]["content"]["application/json"]["schema"]}
    assert not [e.message for e in Draft202012Validator(schema).iter_errors(json.loads(payload(row)))]
    assert list(Draft202012Validator(schema).iter_errors({"id": 1}))  # the schema does require the fields


def _resolved(schema: dict[str, Any]) -> dict[str, Any]:
    """``schema`` with its ``$ref`` followed, and an optional's ``null`` branch dropped."""
    if "$ref" in schema:
        schema = DOCUMENT["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]]
    branches = [b for b in schema.get("anyOf", schema.get("oneOf", [])) if b != {"type": "null"}]
    return _resolved(branches[0]) if len(branches) == 1 else schema


def _points_into(schema: dict[str, Any], pointer: str) -> bool:
    """Whether a JSON pointer (``dispatches/0/unit_code``) names a field the schema has."""
    for segment in pointer.split("/"):
        schema = _resolved(schema)
        if segment.isdigit():
            schema = schema.get("items", {})
        elif segment in schema.get("properties", {}):
            schema = schema["properties"][segment]
        else:
            return False
    return True


def test_links_name_real_operations_and_fields() -> None:
    """Each link fills every path parameter of its target, from the source request's path or
    body or from a field its response has."""
    count = 0
    for item in DOCUMENT["paths"].values():
        for op in item.values():
            for response in op["responses"].values():
                for link in response.get("links", {}).values():
                    count += 1
                    target = OPERATIONS[link["operationId"]]
                    wanted = {p["name"] for p in target.get("parameters", []) if p["in"] == "path"}
                    assert set(link["parameters"]) == wanted, link
                    source = response["content"]["application/json"]["schema"]
                    for expression in link["parameters"].values():
                        if expression.startswith("$response.body#/"):
                            assert _points_into(source, expression.removeprefix("$response.body#/")), expression
                        elif expression.startswith("$request.path."):
                            assert expression.removeprefix("$request.path.") in {
                                p["name"] for p in op["parameters"] if p["in"] == "path"
                            }, expression
                        else:
                            assert expression.startswith("$request.body#/"), expression
    assert count >= 90


async def test_a_link_followed_over_http(client: httpx.AsyncClient, tenant: TenantFixture) -> None:
    created = await client.post(f"{tenant.base}/units", json=UNIT, headers=tenant.auth())
    link = OPERATIONS["createUnit"]["responses"]["201"]["links"]["getUnit"]
    code = created.json()[link["parameters"]["code"].removeprefix("$response.body#/")]
    got = await client.get(f"{tenant.base}/units/{code}", headers=tenant.auth())
    assert got.status_code == 200
    conforms(got, link["operationId"])


@pytest.mark.parametrize("value", ['"3"', 'W/"3"', "3", "*", " * ", "x", '"', 'W/ "3"', '"3', "-1", "", "٣"])
def test_the_if_match_pattern_is_what_the_api_accepts(value: str) -> None:
    import re

    from core.platform.errors import InvalidInput
    from core.platform.versioning import parse_etag

    pattern = OPERATIONS["updateUnit"]["parameters"]
    schema = next(p["schema"] for p in pattern if p["name"] == "If-Match")
    try:
        parse_etag(value)
        accepted = True
    except InvalidInput:  # a malformed header: 400
        accepted = False
    assert bool(re.search(schema["pattern"], value)) == accepted


def test_constraints_litestar_drops_are_documented() -> None:
    schemas = DOCUMENT["components"]["schemas"]
    assert schemas["ResponsibilityData"]["properties"]["financial_share"]["minimum"] == 0  # ge=0
    assert schemas["ParagraphData"]["properties"]["items"]["items"]["minLength"] == 1  # list[Annotated[str, …]]


async def test_a_merge_part_that_is_not_text_is_a_400(client: httpx.AsyncClient, tenant: TenantFixture) -> None:
    """Found by the Schemathesis pass: a part without a filename holding bytes that are not
    UTF-8 was a 500 (litestar decodes such parts as text)."""
    boundary = "qdboundary"
    body = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="清单A"\r\n\r\n'.encode()
        + b"\x92\x81 not text\r\n"
        + f"--{boundary}--\r\n".encode()
    )
    headers = {**tenant.auth(), "content-type": f"multipart/form-data; boundary={boundary}"}
    response = await client.post(f"{tenant.base}/catalog/merge", content=body, headers=headers)
    assert response.status_code == 400
    conforms(response, "mergeSourceLists")
