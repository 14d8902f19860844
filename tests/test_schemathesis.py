"""A bounded Schemathesis run over the committed OpenAPI document: a few generated cases per
operation (schema-valid and schema-violating), sent to the app as the tenant's admin, each
answer checked with Schemathesis' conformance checks — its status, content type, headers and
body are the ones documented for the operation, and it is no server error — and each operation
that needs a key answering 401 without one.

Also ``positive_data_acceptance`` (a schema-valid request is accepted, or refused only by a
domain rule no schema can state: 412/422/428, see ``DOMAIN_ANSWERS``) and
``negative_data_rejection`` (a schema-violating request is refused). Valid cases get what no
schema can say (``realistic``: no made-up cursor, a real table to import or merge). The checks
that re-send requests through Schemathesis' own transport (``ignored_auth``,
``missing_required_header``, ``unsupported_method``, ``use_after_free``,
``ensure_resource_availability``) are not run here, where requests go over ASGI (the 401 without
a key is checked directly): tests/test_schemathesis_stateful.py runs them over real HTTP.

Cases are generated first (Hypothesis, derandomized: the same cases every run), then sent over
the suite's own client and event loop: Schemathesis' ASGI transport would run the app on a
loop of its own, where the suite's database pool does not work (STACK-NOTES, litestar)."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import requests
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis.checks import not_a_server_error
from schemathesis.core.failures import FailureGroup
from schemathesis.core.parameters import ParameterLocation
from schemathesis.generation.case import Case
from schemathesis.specs.openapi.checks import (
    AcceptedNegativeData,
    content_type_conformance,
    negative_data_rejection,
    positive_data_acceptance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from tests.conftest import TenantFixture

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = 4  # per operation and mode
# ignored_auth would re-send through Schemathesis' own transport (see above): the test does it itself.
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    positive_data_acceptance,
    negative_data_rejection,
]

#: Answers a schema-valid request may get from rules no schema can state: 412/428 (the ETag of a
#: version the generator made up, or none), 422 (a level or kind the tenant did not configure, a
#: date outside 1900–2200, a control character, two filters that do not go together …).
DOMAIN_ANSWERS = ["412", "422", "428"]


def _deployment_refusal(response: httpx.Response) -> bool:
    """The suite's server has a public URL only it reaches, so handbooks (whose QR codes
    would point there) are refused with a documented 503: a setting, not a bug."""
    return response.status_code == 503 and response.json().get("code") == "handbook-unavailable"


#: A table to upload: ``format: binary`` cannot say "an .xlsx workbook or CSV text", so random
#: bytes would be refused as unreadable (400) however valid the request.
TABLE = "事项名称,清单类型\n甲事项,基本履职事项\n".encode()
TABLE_UPLOADS = {"importCatalog", "mergeSourceLists", "applyMerge"}


def map_text(value: Any, fn: Callable[[str], str]) -> Any:
    """``value`` (JSON) with ``fn`` applied to every string in it, keys included."""
    if isinstance(value, str):
        return fn(value)
    if isinstance(value, list):
        return [map_text(item, fn) for item in value]
    if isinstance(value, dict):
        return {map_text(key, fn): map_text(item, fn) for key, item in value.items()}
    return value


def realistic(case: Case) -> None:
    """What a schema-valid case needs that no schema can state, and nothing more."""
    if case.query:
        # A cursor is opaque: only one the API issued is valid (any other is 400, by design),
        # and a generator cannot make one up, so valid cases start without one.
        case.query.pop("cursor", None)
    if isinstance(case.body, (dict, list)):
        # Free JSON (``attributes`` …) says "no NUL" for its first level only (a recursive schema
        # would say it deeper, but openapi-python-client drops every operation that uses one), so
        # NUL can only come from deeper levels here: the input guard refuses it there too (400).
        case.body = map_text(case.body, lambda text: text.replace("\x00", ""))
    if case.operation.definition.raw.get("operationId") in TABLE_UPLOADS:
        if isinstance(case.body, dict):  # merge parts: each one a source list
            case.body = {name: TABLE for name in case.body}
        else:  # the raw body of an import
            case.body = TABLE


def unsendable_negation(case: Case, exc: FailureGroup) -> bool:
    """A negative case whose only failure is that the server accepted a violation the wire
    cannot carry: a query parameter "made null" goes out as ``limit=`` (an empty value, which
    means "not given"), and a multipart part "made not binary" goes out as bytes like any part."""
    if len(exc.exceptions) != 1 or not isinstance(exc.exceptions[0], AcceptedNegativeData):
        return False
    message = str(exc.exceptions[0])
    null_query = "in query" in message and "became null" in message
    multipart = (case.media_type or "").startswith("multipart/")
    return null_query or multipart


def generated_cases() -> list[Case]:
    schema = schemathesis.openapi.from_dict(json.loads((ROOT / "openapi" / "openapi.json").read_text()))
    accepted = schema.config.checks.positive_data_acceptance
    accepted.expected_statuses = [*accepted.expected_statuses, *DOMAIN_ANSWERS]
    cases: list[Case] = []
    for result in schema.get_all_operations():
        operation = result.ok()
        for mode in (schemathesis.GenerationMode.POSITIVE, schemathesis.GenerationMode.NEGATIVE):

            @settings(
                max_examples=EXAMPLES,
                database=None,
                derandomize=True,
                phases=[Phase.explicit, Phase.generate],
                suppress_health_check=list(HealthCheck),
                deadline=None,
            )
            @given(operation.as_strategy(generation_mode=mode))
            def collect(case: Case) -> None:
                cases.append(case)

            start = len(cases)
            try:
                collect()
            except Unsatisfiable:  # nothing to negate (no parameters, no body)
                assert mode is schemathesis.GenerationMode.NEGATIVE, operation.label
            if mode is schemathesis.GenerationMode.POSITIVE:
                for case in cases[start:]:
                    realistic(case)
    return cases


async def send(client: httpx.AsyncClient, case: Case, tenant: TenantFixture, auth: bool = True) -> httpx.Response:
    if case.path_parameters and "tenant" in case.path_parameters:
        case.path_parameters["tenant"] = tenant.slug
    # A case whose headers were made invalid on purpose is sent as generated (its Authorization
    # may be the invalid part); every other case as the tenant's admin.
    negated = case.meta is not None and case.meta.is_negative_at(ParameterLocation.HEADER)
    kwargs: dict[str, Any] = case.as_transport_kwargs(
        base_url=str(client.base_url), headers=tenant.auth() if auth and not negated else None
    )
    if not auth:
        kwargs["headers"].pop("Authorization", None)
    kwargs.pop("cookies", None)
    body: dict[str, Any] = {}
    if "json" in kwargs:
        body["json"] = kwargs.pop("json")
    if "data" in kwargs:
        body["content"] = kwargs.pop("data")
    if "files" in kwargs:  # encoded as Schemathesis' own transport (requests) would
        prepared = requests.Request("POST", kwargs["url"], files=kwargs.pop("files"), data=body.pop("content", None))
        encoded = prepared.prepare()
        body["content"] = encoded.body
        if "Content-Type" in encoded.headers:
            kwargs["headers"]["Content-Type"] = encoded.headers["Content-Type"]
    request = client.build_request(
        kwargs["method"], kwargs["url"], headers=kwargs["headers"], params=kwargs.get("params"), **body
    )
    await request.aread()  # a multipart body streams; the checks read what was sent
    return await client.send(request)


async def test_generated_requests_get_documented_answers(client: httpx.AsyncClient, tenant: TenantFixture) -> None:
    failures: dict[str, list[str]] = {}
    keyless: set[str] = set()
    cases = generated_cases()
    assert len({case.operation.label for case in cases}) > 150  # every operation, none dropped
    for case in cases:
        response = await send(client, case, tenant)
        operation_id = case.operation.definition.raw.get("operationId")
        try:
            case.validate_response(response, headers=tenant.auth(), checks=CHECKS)
        except FailureGroup as exc:  # all failures of the case
            if _deployment_refusal(response) or unsendable_negation(case, exc):
                continue
            failures.setdefault(f"{operation_id} {response.status_code}", []).append(str(exc)[:400])
        if case.operation.definition.raw.get("security") != [] and operation_id not in keyless:
            keyless.add(operation_id)  # once per operation: the same case without a key
            anonymous = await send(client, case, tenant, auth=False)
            if anonymous.status_code != 401:
                failures.setdefault(f"{operation_id} without a key", []).append(str(anonymous.status_code))
    report = "\n".join(f"{key}: {messages[0]}" for key, messages in sorted(failures.items()))
    assert not failures, f"{len(failures)} operation/status pairs failed:\n{report}"
