"""Finish litestar's generated OpenAPI document so that it says what the API really does.

litestar documents each route's success answer and a ``400`` in its own
``{status_code, detail, extra}`` shape; our errors leave as RFC 9457 problems
(:mod:`api.errors`), middleware answers some before routing (:mod:`api.input_guard`,
:mod:`api.limits`), some routes need no key, uploads read the raw body and exports can stream
a workbook. Rather than repeat that on ~150 handlers, one pass over the generated document
adds it, from what each route declares (its path parameters, ``If-Match``, body, credential):

* every error status an operation can answer, each with the one ``Problem`` schema under
  ``application/problem+json``;
* ``security: []`` on the operations that take no key;
* request bodies for the uploads and binary responses for the downloads;
* schema names without Python module paths, unique by title too (generators name models
  after ``title``), and ``null``-able JSON objects that do not match ``null`` twice.

:func:`install` makes the app serve the finished document at ``/docs/openapi.json``;
``qingdan openapi`` writes the same document to ``openapi/openapi.json``.
"""

from __future__ import annotations

import copy
import inspect
import re
from typing import Any

import msgspec
from litestar import Litestar
from litestar._openapi.plugin import OpenAPIPlugin
from litestar.routes import HTTPRoute

from api.errors import PROBLEM_JSON, TYPE_BASE
from core.calls.model import AttachmentUpload
from core.exchange.excel import XLSX
from core.platform.settings import DEFAULT_CONTENT_TYPES

REF = "#/components/schemas/"
PROBLEM = "Problem"
FIELD_ERROR = "FieldError"
#: Operations that never touch the database (so never answer its 503).
_NO_DATABASE = {"health", "downloadFile"}
_METHODS = ("get", "put", "post", "patch", "delete")
_BODY_METHODS = ("put", "post", "patch", "delete")

PROBLEM_SCHEMA: dict[str, Any] = {
    "type": "object",
    "title": PROBLEM,
    "description": "An RFC 9457 problem: every error answer of the API, from any layer, has this shape. "
    "`type` ends with the stable `code`; branch on `code` (or `status`), show `detail` to people. "
    "Some problems add members of their own (e.g. `allowed` states, a `report`).",
    "required": ["type", "title", "status", "detail", "instance", "code"],
    "properties": {
        "type": {
            "type": "string",
            "format": "uri",
            "description": f"{TYPE_BASE}<code>",
            "examples": [f"{TYPE_BASE}precondition-failed"],
        },
        "title": {"type": "string", "description": "short, the same for every problem of this code"},
        "status": {"type": "integer", "minimum": 400, "maximum": 599, "description": "the HTTP status"},
        "detail": {"type": "string", "description": "what went wrong and what to do, in plain words"},
        "instance": {"type": "string", "description": "the request path", "examples": ["/api/v1/tenants/demo/units"]},
        "code": {
            "type": "string",
            "description": "stable machine name of the problem (the last segment of `type`)",
            "examples": ["validation-failed", "not-found", "precondition-failed"],
        },
        "errors": {
            "type": "array",
            "description": "one entry per invalid field, when the problem is about input",
            "items": {"$ref": REF + FIELD_ERROR},
        },
        "request_id": {
            "type": "string",
            "description": "the request's X-Request-ID; quote it when reporting a problem",
        },
    },
    "additionalProperties": True,
    "examples": [
        {
            "type": f"{TYPE_BASE}validation-failed",
            "title": "Invalid input",
            "status": 422,
            "detail": "jurisdiction_code: no jurisdiction 510115999000 in this tenant",
            "instance": "/api/v1/tenants/demo/units",
            "code": "validation-failed",
            "errors": [{"field": "jurisdiction_code", "message": "no jurisdiction 510115999000 in this tenant"}],
            "request_id": "52437cc24c05467a0000000000000001",
        }
    ],
}
FIELD_ERROR_SCHEMA: dict[str, Any] = {
    "type": "object",
    "title": FIELD_ERROR,
    "description": "One invalid input field and why.",
    "required": ["field", "message"],
    "properties": {
        "field": {"type": "string", "description": "the field, parameter or header", "examples": ["name"]},
        "message": {"type": "string", "description": "what is wrong with it"},
    },
}

#: What each error status means here (the response description).
ERROR_TEXT = {
    400: "The request is malformed: invalid JSON, a parameter of the wrong type, a NUL character.",
    401: "No API key, or one that is unknown, expired or revoked.",
    403: "The key's role or scope does not allow this.",
    404: "The tenant, or the resource named by the path, does not exist (or is another tenant's).",
    408: "The request body arrived too slowly.",
    409: "The resource's state does not allow this now (e.g. already published, a duplicate code).",
    412: "The If-Match version (or `revision`) is stale: read the resource again and retry.",
    413: "The body is larger than this operation accepts.",
    415: "The body's Content-Type is not one this operation reads.",
    422: "The input is well-formed but invalid (a rule of the domain); `errors` names the fields.",
    428: "This update needs If-Match (or a version in the body).",
    429: "Too many requests; wait for Retry-After seconds.",
    500: "A bug on our side; nothing was changed. Quote the request_id.",
    503: "The database is unavailable or its schema is not current; retry after Retry-After seconds.",
}

#: Schema names litestar builds from module paths or disambiguates with them → clean, unique names.
RENAMES = {
    "calls_model_StepView": "CallStepView",
    "workflow_engine_StepView": "WorkflowStepView",
    "catalog_reading_CitedProvision": "CitedProvision",
    "legal_model_CitedProvision": "ChangedCitation",
    "catalog_reading_VersionView": "CatalogVersionView",
    "legal_model_VersionView": "DocumentVersionView",
    "legal_model_ProvisionItem": "ProvisionItem",
    "oversight_comparison_ProvisionItem": "ComparedItem",
}
#: Descriptions of important schemas whose classes have no docstring (final names).
SCHEMA_TEXT = {
    "ItemView": "A catalog item (履职事项) of one catalog version: what it is, who is responsible, its legal bases.",
    "UnitView": "A unit (department, township office, dispatched agency) of the tenant; `version` is its ETag.",
    "JurisdictionView": "A jurisdiction (county, township, village …) of the tenant; `version` is its ETag.",
    "CallView": "A call (乡呼县应 / 吹哨报到) raised by a township, with its dispatches to units and its deadlines.",
    "CallStepView": "One step of a call's history: who did what, when, and the state before and after.",
    "WorkflowStepView": "One step of a workflow instance: the transition taken, by whom, and whether it was late.",
    "InstanceView": "A workflow instance (admission, adjustment application …): its state and allowed transitions.",
    "AuditEventView": "An audit event: who changed which entity, with its state before and after "
    "(`null` before a creation and after a deletion).",
    "TownshipList": "A township's duty-item list (履职事项清单): its entries, status and `revision` (the ETag).",
    "Entry": "One entry of a township list: the catalog item and how the township takes it on.",
    "CatalogVersionView": "A version of the catalog (draft or published) with its counts.",
    "DocumentVersionView": "One version of a legal document, with its status and history.",
    "CitedProvision": "A legal provision an item cites, with its text.",
    "ChangedCitation": "A provision cited by an affected item, and what the recorded change does to it.",
    "ChangeView": "A recorded change of a legal document (amendment or repeal).",
    "ImpactReport": "What a change of law touches: provisions, catalog items per tenant, township entries.",
    "TenantImpact": "The part of an impact report that falls on one tenant.",
    "AffectedItem": "A catalog item citing a changed provision, and the adjustment opened for it.",
    "RecordedChange": "The answer to recording an amendment or repeal: whether it was new, adjustments opened, "
    "and the impact report.",
    "Role": "What an API key may do: `platform` (every tenant), `admin`, `department` or `township` "
    "(scoped by `scope_code`), `reader`.",
    "ApiKeyView": "An API key, never its secret (shown once, when created).",
    "TenantView": "A tenant: one county government.",
    "SubscriptionView": "A webhook subscription: where events of the listed types are delivered.",
    "EventView": "An event of the tenant's feed, with its deliveries to webhooks.",
}
_PAGE = re.compile(r"^Page_(?:[a-z_]+\.)+([A-Za-z0-9]+)_$")

#: Operations answering a second success status besides the one litestar documents.
#: (a created-or-existing answer: 201 when created, 200 when it was there already or a dry run).
ALSO_ANSWERS = {"setCalendarOverride": "201", "recordLegalAmendment": "200", "recordLegalRepeal": "200"}

#: Operations reading the raw request body themselves: (media type → schema).
UPLOADS: dict[str, dict[str, Any]] = {
    # One media type: client generators (openapi-python-client) send a raw body only as
    # application/octet-stream and warn on (and drop the operation for) the xlsx and CSV types.
    # The server tells the two apart by the zip signature; it also reads them sent as XLSX or text/csv.
    "importCatalog": {
        "application/octet-stream": {
            "type": "string",
            "format": "binary",
            "description": "the workbook (.xlsx), or UTF-8/GB18030 CSV with the header row first; "
            f"also accepted with Content-Type {XLSX} or text/csv",
        },
        "multipart/form-data": {
            "type": "object",
            "description": "a browser's upload: the workbook or CSV as the form's one file part",
            "properties": {"file": {"type": "string", "format": "binary"}},
            "required": ["file"],
        },
    },
    "mergeSourceLists": {
        "multipart/form-data": {
            "type": "object",
            "description": "one file part per source list; the part's name (or the file's name) is the list's name",
            "minProperties": 1,
            "additionalProperties": {"type": "string", "format": "binary"},
        }
    },
    "applyMerge": {
        "multipart/form-data": {
            "type": "object",
            "description": "the same files as the merge report reviewed",
            "minProperties": 1,
            "additionalProperties": {"type": "string", "format": "binary"},
        }
    },
    "uploadCallAttachment": {"application/json": {"$ref": REF + "AttachmentUpload"}},
}
#: Operations that can answer the file itself (``download=true`` for exports).
DOWNLOADS = {
    "exportCatalogVersion": XLSX,
    "exportTownshipListVersion": XLSX,
    "exportPublishedTownshipList": XLSX,
    "getCatalogTemplate": XLSX,
}
#: Operations that answer only the workbook. Also declared ``application/octet-stream``: client
#: generators (openapi-python-client) read only that binary type and otherwise drop the answer;
#: the server sends the xlsx type.
WORKBOOKS = {"downloadCatalogWorkbook", "downloadTownshipListVersionWorkbook", "downloadPublishedTownshipListWorkbook"}


def _walk(node: Any, fn: Any) -> None:
    if isinstance(node, dict):
        fn(node)
        for value in node.values():
            _walk(value, fn)
    elif isinstance(node, list):
        for value in node:
            _walk(value, fn)


def clean_names(document: dict[str, Any]) -> None:
    """Rename schemas to ``RENAMES`` / ``<Item>Page`` and repoint every ``$ref``; each title
    becomes its schema's name (client generators name their models after titles)."""
    schemas: dict[str, Any] = document["components"]["schemas"]
    renames = dict(RENAMES)
    for name in schemas:
        if match := _PAGE.match(name):
            renames[name] = f"{match.group(1)}Page"
    renamed = {renames.get(name, name): schema for name, schema in schemas.items()}
    if len(renamed) != len(schemas):
        raise ValueError("two schemas renamed to one name; fix api/openapi_contract.RENAMES")
    for name, schema in renamed.items():
        if isinstance(schema, dict) and "title" in schema:
            schema["title"] = name

    def repoint(node: dict[str, Any]) -> None:
        ref = node.get("$ref")
        if isinstance(ref, str) and ref.startswith(REF) and ref[len(REF) :] in renames:
            node["$ref"] = REF + renames[ref[len(REF) :]]

    _walk(document, repoint)
    for name, text in SCHEMA_TEXT.items():
        if name in renamed and not renamed[name].get("description"):
            renamed[name]["description"] = text
    document["components"]["schemas"] = dict(sorted(renamed.items()))


def nullable_objects(document: dict[str, Any]) -> None:
    """``oneOf: [{}, {type: null}]`` (an ``Any | None``) matches ``null`` twice, so ``oneOf``
    rejects it; say "a JSON object, or null" instead (audit ``before``/``after`` and the like)."""

    def fix(node: dict[str, Any]) -> None:
        one_of = node.get("oneOf")
        if isinstance(one_of, list) and len(one_of) == 2 and {} in one_of and {"type": "null"} in one_of:
            del node["oneOf"]
            node["type"] = ["object", "null"]
            node.setdefault("additionalProperties", True)

    _walk(document, fix)


def _needs_key(app: Litestar) -> dict[str, bool]:
    """operationId → whether the route resolves a credential (``access`` or ``principal``)."""
    found: dict[str, bool] = {}
    for route in app.routes:
        if not isinstance(route, HTTPRoute):
            continue
        for handler in route.route_handlers:
            operation_id = handler.operation_id
            if isinstance(operation_id, str):
                params = handler.parsed_fn_signature.parameters
                found[operation_id] = "access" in params or "principal" in params
    return found


def _problem_response(status: int) -> dict[str, Any]:
    response: dict[str, Any] = {
        "description": ERROR_TEXT[status],
        "content": {PROBLEM_JSON: {"schema": {"$ref": REF + PROBLEM}}},
    }
    if status in (429, 503):
        response["headers"] = {
            "Retry-After": {"description": "seconds to wait before retrying", "schema": {"type": "integer"}}
        }
    if status == 401:
        response["headers"] = {
            "WWW-Authenticate": {"description": 'Bearer realm="qingdan"', "schema": {"type": "string"}}
        }
    return response


def error_statuses(path: str, method: str, operation: dict[str, Any], needs_key: bool) -> set[int]:
    """The error statuses an operation can answer, from what the route declares."""
    params = operation.get("parameters", [])
    statuses = {400, 429, 500}  # NUL in the query (input guard), rate limits (any request with a key), bugs
    if operation.get("operationId") not in _NO_DATABASE:
        statuses.add(503)
    if needs_key:
        statuses |= {401, 403}
    if any(p.get("in") == "path" for p in params):
        statuses.add(404)
    if any(p.get("in") == "header" and p.get("name", "").lower() == "if-match" for p in params):
        statuses |= {412, 428}
    has_input = any(p.get("in") in ("query", "path") for p in params)
    if method in _BODY_METHODS:
        statuses |= {409, 422}
        if path.startswith("/api/"):
            statuses |= {408, 413, 415}  # the input guard reads and checks every body sent to /api/
    elif has_input and needs_key:
        statuses.add(422)
    return statuses


def _operations(document: dict[str, Any]) -> Any:
    for path, item in document["paths"].items():
        for method in _METHODS:
            if method in item:
                yield path, method, item[method]


def document_errors(document: dict[str, Any], needs_key: dict[str, bool]) -> None:
    for path, method, operation in _operations(document):
        op_id = operation.get("operationId", "")
        key = needs_key.get(op_id, True)
        responses: dict[str, Any] = operation.setdefault("responses", {})
        if not key:
            operation["security"] = []
        for status in sorted(error_statuses(path, method, operation, key)):
            if op_id == "ready" and status == 503:
                continue  # readyz answers its own document (below)
            responses[str(status)] = _problem_response(status)
        if op_id in ALSO_ANSWERS:
            documented = next(s for s in responses if s.startswith("2"))
            other = ALSO_ANSWERS[op_id]
            responses[other] = copy.deepcopy(responses[documented])
            responses[other]["description"] = "Created" if other == "201" else "Already there; nothing changed"
        operation["responses"] = dict(sorted(responses.items()))


def document_bodies(document: dict[str, Any]) -> None:
    """Uploads read by the handler itself, downloads of files and workbooks, readyz's 503."""
    for _path, _method, operation in _operations(document):
        op_id = operation.get("operationId", "")
        if op_id in UPLOADS:
            operation["requestBody"] = {
                "required": True,
                "content": {media: {"schema": schema} for media, schema in UPLOADS[op_id].items()},
            }
        if op_id in DOWNLOADS:
            ok = operation["responses"]["200"]
            ok["description"] = "A signed link to the stored workbook, or with download=true the workbook itself"
            ok.setdefault("content", {})[DOWNLOADS[op_id]] = {
                "schema": {"type": "string", "contentMediaType": DOWNLOADS[op_id]}
            }
            for parameter in operation.get("parameters", []):
                if parameter.get("name") == "download":  # one answer type per status for generators
                    parameter["deprecated"] = True
        if op_id in WORKBOOKS:
            binary = {"schema": {"type": "string", "format": "binary"}}
            operation["responses"]["200"] = {
                "description": "The workbook (.xlsx)",
                "content": {XLSX: binary, "application/octet-stream": binary},
                "headers": {"Content-Disposition": {"schema": {"type": "string"}}},
            }
        if op_id == "downloadFile":
            operation["responses"]["200"] = {
                "description": "The file, with the type it was checked to be when stored",
                "content": {"application/octet-stream": {"schema": {"type": "string", "format": "binary"}}},
                "headers": {"Content-Disposition": {"schema": {"type": "string"}}},
            }
            operation["responses"].pop("401", None)
            operation["responses"].pop("403", None)
            for status in (404, 410, 422):
                operation["responses"][str(status)] = {
                    "description": "The link is unknown, expired, tampered with, or its file is gone.",
                    "content": {PROBLEM_JSON: {"schema": {"$ref": REF + PROBLEM}}},
                }
            operation["responses"] = dict(sorted(operation["responses"].items()))
        if op_id == "ready":
            operation["responses"]["503"] = {
                "description": "Not ready: the database is away or its schema is not current",
                "content": {
                    "application/json": {
                        "schema": {
                            "type": "object",
                            "required": ["status"],
                            "properties": {"status": {"const": "unavailable"}},
                            "additionalProperties": True,
                        }
                    }
                },
            }
            operation["responses"] = dict(sorted(operation["responses"].items()))


def _structs() -> dict[str, list[type]]:
    """Every loaded msgspec Struct class by its name."""
    found: dict[str, list[type]] = {}
    stack: list[type] = list(msgspec.Struct.__subclasses__())
    while stack:
        cls = stack.pop()
        stack.extend(cls.__subclasses__())
        found.setdefault(cls.__name__, []).append(cls)
    return found


def _class_for(name: str, structs: dict[str, list[type]]) -> type | None:
    """The Struct a litestar schema name stands for: ``ItemView``, or ``catalog_reading_ItemView``
    for a name that two modules use."""
    if len(structs.get(name, [])) == 1:
        return structs[name][0]
    if match := re.match(r"^([a-z_]+)_([A-Za-z0-9]+)$", name):
        module = match.group(1).replace("_", ".")
        candidates = [c for c in structs.get(match.group(2), []) if c.__module__.endswith(module)]
        if len(candidates) == 1:
            return candidates[0]
    return None


def _plain(doc: str) -> str:
    """A docstring as Markdown: reST roles and double backticks become code spans."""
    text = re.sub(r":[a-z:]+:`~?([^`]+)`", r"`\1`", inspect.cleandoc(doc))
    return text.replace("``", "`")


_CONSTRAINTS = (
    "minimum",
    "maximum",
    "exclusiveMinimum",
    "exclusiveMaximum",
    "minLength",
    "maxLength",
    "pattern",
    "minItems",
    "maxItems",
)


def _non_null(schema: dict[str, Any]) -> dict[str, Any]:
    """msgspec's ``anyOf [X, null]`` of an optional field as ``X``."""
    for key in ("anyOf", "oneOf"):
        branches = schema.get(key)
        if isinstance(branches, list) and len(branches) == 2 and {"type": "null"} in branches:
            return next(b for b in branches if b != {"type": "null"})
    return schema


def _copy_constraints(target: dict[str, Any], source: dict[str, Any]) -> None:
    source = _non_null(source)
    for key in _CONSTRAINTS:
        if key in source and key not in target:
            target[key] = source[key]
    items, source_items = _non_null(target).get("items"), source.get("items")  # an optional list's too
    if isinstance(items, dict) and isinstance(source_items, dict) and "$ref" not in items:
        _copy_constraints(items, source_items)


def struct_constraints(document: dict[str, Any]) -> None:
    """Constraints litestar loses on the way from msgspec (``ge=0``, being falsy, never becomes
    ``minimum: 0``; ``list[Annotated[str, Meta(min_length=1)]]`` loses the items' bound), copied
    from msgspec's own JSON schema of each struct. Run before :func:`clean_names`."""
    structs = _structs()
    for name, schema in document["components"]["schemas"].items():
        cls = _class_for(name, structs)
        if cls is None or not isinstance(schema, dict) or not isinstance(schema.get("properties"), dict):
            continue
        try:
            _, components = msgspec.json.schema_components([cls])
        except (TypeError, ValueError):  # a type msgspec cannot describe: keep litestar's
            continue
        own = components.get(cls.__name__, {}).get("properties", {})
        for field, property_schema in schema["properties"].items():
            if field in own and isinstance(property_schema, dict):
                _copy_constraints(property_schema, own[field])


def describe_schemas(document: dict[str, Any]) -> None:
    """Each schema's description from its class's docstring (litestar leaves them out); pages
    say how paging works; structs that refuse unknown fields say so (``additionalProperties:
    false``). Run before :func:`clean_names` (it reads litestar's names)."""
    structs = _structs()
    for name, schema in document["components"]["schemas"].items():
        if not isinstance(schema, dict):
            continue
        cls = _class_for(name, structs)
        config = getattr(cls, "__struct_config__", None)
        if config is not None and config.forbid_unknown_fields and schema.get("type") == "object":
            schema["additionalProperties"] = False  # msgspec refuses unknown fields (400)
        if schema.get("description"):
            schema["description"] = _plain(schema["description"])
            continue
        if match := _PAGE.match(name):
            schema["description"] = (
                f"One page of {match.group(1)}: pass `next_cursor` as `cursor` for the next page (null: the last)."
            )
        elif cls is not None and cls.__doc__:
            schema["description"] = _plain(cls.__doc__)


WEBHOOK_EVENT: dict[str, Any] = {
    "type": "object",
    "title": "WebhookEvent",
    "description": "The body POSTed to a webhook subscription for one event (also what `GET …/events` "
    "lists, without `tenant`). Delivery is at least once: dedupe on `id`.",
    "required": ["id", "type", "tenant", "subject", "occurred_at", "data"],
    "properties": {
        "id": {"type": "integer", "description": "the event's id, increasing per tenant"},
        "type": {
            "type": "string",
            "description": "dotted event type",
            "examples": ["township_list.published", "catalog.published", "call.dispatch", "workflow.transitioned"],
        },
        "tenant": {"type": "string", "description": "the tenant's slug"},
        "subject": {
            "type": "string",
            "description": "what changed, as a path",
            "examples": ["townships/510115001000/list"],
        },
        "occurred_at": {"type": "string", "format": "date-time"},
        "data": {"type": "object", "additionalProperties": True, "description": "the event's details"},
    },
}
_WEBHOOK_HEADERS = [
    ("Qingdan-Signature", '`t=<unix time>,v1=<hex HMAC-SHA256 of "<t>." + body>` under the subscription\'s secret'),
    ("Qingdan-Event-Id", "the event's id (as in the body)"),
    ("Qingdan-Event-Type", "the event's type (as in the body)"),
    ("Qingdan-Delivery-Attempt", "1 for the first attempt, then 2, 3 … (retried with backoff until a 2xx)"),
]


def document_webhooks(document: dict[str, Any]) -> None:
    """The 3.1 ``webhooks`` section: what a subscription receives (core/events/worker.py)."""
    document["components"]["schemas"]["WebhookEvent"] = WEBHOOK_EVENT
    document["webhooks"] = {
        "event": {
            "post": {
                "operationId": "receiveEvent",
                "summary": "An event, POSTed to each subscription whose event_types match it",
                "description": "Answer any 2xx to acknowledge; anything else (or no answer) is retried with "
                "exponential backoff, up to 10 attempts, then marked failed (redeliver it with "
                "`POST …/webhooks/{id}/deliveries/{event_id}/redeliver`).",
                "tags": ["webhooks"],
                "security": [],
                "parameters": [
                    {"in": "header", "name": name, "required": True, "description": text, "schema": {"type": "string"}}
                    for name, text in _WEBHOOK_HEADERS
                ],
                "requestBody": {
                    "required": True,
                    "content": {"application/json": {"schema": {"$ref": REF + "WebhookEvent"}}},
                },
                "responses": {"2XX": {"description": "Received; not sent again"}},
            }
        }
    }


def _properties(document: dict[str, Any], schema: dict[str, Any]) -> dict[str, Any]:
    ref = schema.get("$ref", "")
    if ref.startswith(REF):
        schema = document["components"]["schemas"].get(ref[len(REF) :], {})
    properties = schema.get("properties", {})
    return properties if isinstance(properties, dict) else {}


#: Item path parameters named otherwise than the created resource's field.
_FIELD_OF = {"tenant": "slug", "period": "code", "subscription_id": "subscription/id", "key_id": "api_key/id"}
_SUCCESS = ("200", "201", "202")
_PARAM = re.compile(r"\{(\w+)\}")

#: Links no path shape implies: (operation, status) → {target operation: parameters}; the
#: target's other path parameters come from the source request's path (same name).
FOLLOW_UPS: dict[tuple[str, str], dict[str, dict[str, str]]] = {
    # a claim's item is then in the working list: withdraw it, edit its entry, submit the list
    ("claimItem", "201"): {
        "withdrawClaim": {"item_code": "$request.body#/item_code"},
        "updateListEntry": {"item_code": "$request.body#/item_code"},
        "getWorkingList": {},
        "submitList": {},
    },
    ("submitList", "200"): {"fileList": {}, "returnList": {}},
    ("fileList", "200"): {"publishList": {}},
    ("publishList", "200"): {
        "getPublishedList": {},
        "exportPublishedTownshipList": {},
        "downloadPublishedTownshipListWorkbook": {},
        "getTownshipListVersion": {"number": "$response.body#/published_number"},
        "downloadTownshipListVersionWorkbook": {"number": "$response.body#/published_number"},
    },
    ("publishCatalog", "200"): {
        "getCatalogVersion": {"version": "$response.body#/number"},
        "exportCatalogVersion": {"version": "$response.body#/number"},
        "downloadCatalogWorkbook": {"version": "$response.body#/number"},
    },
    ("createApiKey", "201"): {"revokeApiKey": {"key_id": "$response.body#/api_key/id"}},
    ("setCalendarOverride", "201"): {"clearCalendarOverride": {}},
    ("setCalendarOverride", "200"): {"clearCalendarOverride": {}},
    ("requestHandbook", "202"): {"getHandbook": {"handbook_id": "$response.body#/id"}},
    ("requestListPublication", "202"): {"getListPublication": {"publication_id": "$response.body#/id"}},
    # a dispatched call: what its first unit can do
    **{
        (source, status): {
            target: {"unit": "$response.body#/dispatches/0/unit_code", "call_id": "$response.body#/id"}
            for target in ("answerCall", "requestCallExtension", "sendBackCall")
        }
        for source, status in (("raiseCall", "201"), ("dispatchCall", "200"))
    },
}


def _body_field(param: str, properties: dict[str, Any]) -> str | None:
    """The field (a JSON pointer below the body) of a created resource that its item path's
    parameter takes: ``code`` → ``code``, ``call_id`` → ``id``, ``tenant`` → ``slug``."""
    if param in properties:
        return param
    if param in _FIELD_OF and _FIELD_OF[param].split("/", 1)[0] in properties:
        return _FIELD_OF[param]
    if param.endswith("_id") and "id" in properties:
        return "id"
    return None


def _link(source_path: str, target_path: str, target: dict[str, Any], given: dict[str, str]) -> dict[str, Any]:
    """A link to ``target``: ``given`` parameters, and the path parameters the source shares."""
    shared = set(_PARAM.findall(source_path))
    parameters = {name: f"$request.path.{name}" for name in _PARAM.findall(target_path) if name in shared}
    parameters.update(given)
    return {"operationId": target["operationId"], "parameters": dict(sorted(parameters.items()))}


def _created_targets(path: str, paths: dict[str, Any], properties: dict[str, Any]) -> Any:
    """(target path, operation, {its new parameter: body pointer}) for what a POST to ``path``
    created: the item (``…/units/{code}``) and its own operations one segment below
    (``…/calls/{call_id}/dispatch``). Not below a tenant: a tenant is created with the platform
    key, and its whole API is used with the tenant's own keys."""
    item = re.escape(path) + r"/\{(\w+)\}" + ("" if path == "/api/v1/tenants" else r"(?:/[a-z-]+)?")
    for target_path, target_item in paths.items():
        match = re.fullmatch(item, target_path)
        if not match or (field := _body_field(match.group(1), properties)) is None:
            continue
        for method in _METHODS:
            if method in target_item:
                yield target_path, target_item[method], {match.group(1): f"$response.body#/{field}"}


def document_links(document: dict[str, Any]) -> None:
    """OpenAPI links, for clients and stateful tests: from each creating POST (201/202) to the
    operations on what it created (``…/units`` → ``…/units/{code}``, ``…/calls/{call_id}/urge``),
    the new item's parameter from the response body; from each change (PATCH, PUT, a POST
    below an item) to reading the item again; and the steps of a flow (``FOLLOW_UPS``:
    claim → submit → file → publish → the published list). Other path parameters come from the
    request's path."""
    paths: dict[str, Any] = document["paths"]
    by_id = {op["operationId"]: (path, op) for path, _method, op in _operations(document)}
    for path, method, operation in _operations(document):
        for status in _SUCCESS:
            response = operation.get("responses", {}).get(status)
            if not response or "application/json" not in response.get("content", {}):
                continue
            links: dict[str, Any] = {}
            if method == "post" and status in ("201", "202"):
                properties = _properties(document, response["content"]["application/json"]["schema"])
                for target_path, target, given in _created_targets(path, paths, properties):
                    links[target["operationId"]] = _link(path, target_path, target, given)
            if method != "get" and status == "200":  # a change: read the item again
                item = path if method in ("patch", "put") else path.rsplit("/", 1)[0]
                reader = paths.get(item, {}).get("get")
                below_item = item.endswith("}") and item != "/api/v1/tenants/{tenant}"  # not lookup, search …
                if reader is not None and (method != "post" or below_item):
                    links[reader["operationId"]] = _link(path, item, reader, {})
            for target_id, given in FOLLOW_UPS.get((operation["operationId"], status), {}).items():
                target_path, target = by_id[target_id]
                links[target_id] = _link(path, target_path, target, given)
            if links:
                response["links"] = dict(sorted(links.items()))


#: What :func:`core.platform.versioning.parse_etag` accepts: ``*``, ``"3"``, ``W/"3"`` or ``3``.
#: ``updated_since`` lies from 1900-01-01 to 2200-12-31 (core/platform/sync.py).
SINCE_PATTERN = r"^(19[0-9]{2}|2[01][0-9]{2}|2200)-"
IF_MATCH_PATTERN = r'^\s*(\*|(W/)?"*[0-9]+"*)\s*$'


def typed_parameters(document: dict[str, Any]) -> None:
    """Parameters whose text has a shape the route checks itself: ``If-Match`` (an ETag this
    API issued, or ``*``) and ``updated_since`` (an RFC 3339 timestamp with its offset)."""
    for _path, _method, operation in _operations(document):
        for parameter in operation.get("parameters", []):
            name, schema = parameter.get("name", ""), parameter.get("schema", {})
            if parameter.get("in") == "header" and name.lower() == "if-match":
                parameter["schema"] = {**_string_part(schema), "pattern": IF_MATCH_PATTERN}
                parameter.setdefault("examples", {"etag": {"value": '"3"'}, "any": {"value": "*"}})
            elif parameter.get("in") == "query" and name == "updated_since":
                parameter["schema"] = {**_string_part(schema), "format": "date-time", "pattern": SINCE_PATTERN}
            elif parameter.get("in") == "query" and (plain := _without_null(schema)) is not None:
                parameter["schema"] = plain


def _without_null(schema: dict[str, Any]) -> dict[str, Any] | None:
    """An optional query parameter's ``oneOf [X, null]`` as ``X``: a query string cannot say
    ``null``; the parameter is left out instead."""
    one_of = schema.get("oneOf")
    if not isinstance(one_of, list) or len(one_of) != 2 or {"type": "null"} not in one_of:
        return None
    plain = dict(next(branch for branch in one_of if branch != {"type": "null"}))
    for key, value in schema.items():  # constraints and words beside the oneOf (minimum, description …)
        if key != "oneOf" and value is not None:
            plain.setdefault(key, value)
    return plain


def _string_part(schema: dict[str, Any]) -> dict[str, Any]:
    """``schema`` as a plain string schema (``oneOf [string, null]`` of an optional parameter:
    an absent parameter is absent, never ``null``), keeping its description."""
    kept = {k: v for k, v in schema.items() if k in ("description", "examples")}
    return {"type": "string", **kept}


#: The input guard refuses text with U+0000 (PostgreSQL text cannot hold it) with a 400, so
#: every free-text string says so; generators then keep NUL for their negative cases.
NO_NUL_PATTERN = r"^[^\x00]*$"


def no_nul_strings(document: dict[str, Any]) -> None:
    """``pattern: NO_NUL_PATTERN`` on every string schema (components and parameters) that has
    no shape of its own yet: no pattern, format, enum or const (those exclude NUL already, or
    carry bytes: ``format: binary`` parts are files, not text)."""

    def mark(node: dict[str, Any]) -> None:
        if node.get("type") == "string" and not (
            {"pattern", "format", "enum", "const", "contentMediaType"} & node.keys()
        ):
            node["pattern"] = NO_NUL_PATTERN
        if node.get("type") == "object" and node.get("additionalProperties") == {}:  # free JSON (attributes …)
            # No text with NUL in its keys or values. Not said for deeper levels: a recursive
            # schema would say it, but openapi-python-client then drops every operation using it.
            node["additionalProperties"] = {"not": {"type": "string", "pattern": r"\x00"}}
            node["propertyNames"] = {"pattern": NO_NUL_PATTERN}

    _walk(document.get("components", {}).get("schemas", {}), mark)
    for _path, _method, operation in _operations(document):
        for parameter in operation.get("parameters", []):
            _walk(parameter.get("schema", {}), mark)
        for media in operation.get("requestBody", {}).get("content", {}).values():  # inline bodies
            _walk(media.get("schema", {}), mark)


def attachment_types() -> dict[str, Any]:
    """An attachment's ``content_type``: the media types the default settings accept (anything
    else is 415 before a byte is stored)."""
    return {
        "type": "string",
        "enum": list(DEFAULT_CONTENT_TYPES),
        "description": "the file's media type: one of QINGDAN_STORAGE_CONTENT_TYPES, by default these; a deployment"
        " that accepts more lists them in its 415 answer. The bytes are checked to be of this type (422 otherwise).",
        "examples": ["image/jpeg"],
    }


def finish(raw: dict[str, Any], app: Litestar) -> dict[str, Any]:
    """The finished document (``raw`` is litestar's, left unchanged)."""
    document = copy.deepcopy(raw)
    schemas = document.setdefault("components", {}).setdefault("schemas", {})
    schemas[PROBLEM] = PROBLEM_SCHEMA
    schemas[FIELD_ERROR] = FIELD_ERROR_SCHEMA
    (_, components) = msgspec.json.schema_components([AttachmentUpload], ref_template=REF + "{name}")
    schemas.update(components)
    schemas["AttachmentUpload"]["properties"]["content_type"] = attachment_types()
    struct_constraints(document)
    describe_schemas(document)
    clean_names(document)
    nullable_objects(document)
    document_errors(document, _needs_key(app))
    document_bodies(document)
    document_webhooks(document)
    document_links(document)
    typed_parameters(document)
    no_nul_strings(document)
    return document


class _FinishedOpenAPIPlugin(OpenAPIPlugin):
    """litestar's OpenAPI plugin serving the finished document."""

    __slots__ = ()

    def provide_openapi_schema(self) -> dict[str, Any]:
        if not self._openapi_schema:
            self._openapi_schema = finish(self.provide_openapi().to_schema(), self.app)
        return self._openapi_schema


def install(app: Litestar) -> Litestar:
    """Serve the finished document (litestar creates its plugin itself, so swap its class)."""
    plugin = app.plugins.get(OpenAPIPlugin)
    plugin.__class__ = _FinishedOpenAPIPlugin
    return app


def document(app: Litestar) -> dict[str, Any]:
    """The finished OpenAPI document of ``app``."""
    return app.plugins.get(OpenAPIPlugin).provide_openapi_schema()
