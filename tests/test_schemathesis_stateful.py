"""A bounded stateful Schemathesis run: sequences of calls that follow the document's links
(create a unit → read, change, delete it; create a webhook → rotate its secret, redeliver, read,
delete it …), sent over real HTTP to the app on a loopback uvicorn server, with every
Schemathesis check — also the ones that re-send requests: ``ignored_auth`` (the same request
without the key), ``missing_required_header``, ``unsupported_method``, ``use_after_free`` (what a
DELETE removed is 404 afterwards) and ``ensure_resource_availability`` (what a POST created can be
read through its link).

The server runs on the tests' event loop (it shares their connection pool, STACK-NOTES:
litestar); Schemathesis' synchronous ``requests`` transport runs in a thread meanwhile.
Derandomized: the same scenarios every run (the ids the server hands out differ, nothing else)."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

import httpx
import schemathesis
from hypothesis import HealthCheck, Phase, settings
from schemathesis.core.failures import FailureGroup
from schemathesis.core.transport import Response
from schemathesis.generation.case import Case

from api.app import create_app
from core.platform.inputs import unsafe_character
from core.platform.settings import Settings
from tests.catalog_fixtures import build_county
from tests.conftest import MakeTenant, TenantFixture, serving
from tests.test_schemathesis import DOMAIN_ANSWERS, map_text, realistic, unsendable_negation

ROOT = Path(__file__).resolve().parent.parent
LIUCHENG = "510115001000"

#: What a schema cannot say about a valid request: the rows it refers to must exist (a made-up
#: jurisdiction, unit or call class is a 422). Valid cases of the creating operations name rows
#: of the county the test builds, so that scenarios go on from what they create.
GROUNDS: dict[str, dict[str, Any]] = {
    "createUnit": {
        "jurisdiction_code": LIUCHENG,
        "kind": "township_office",
        "parent_unit_code": None,
        "host_township_codes": [],
    },
    "createJurisdiction": {"parent_code": LIUCHENG, "kind": "village"},
    "raiseCall": {
        "township_code": LIUCHENG,
        "call_class": "complex",
        "unit_codes": ["emergency-bureau"],
        "village_code": None,
        "grid_code": None,
    },
    # a name under .invalid (RFC 2606) resolves nowhere: deliveries fail and nothing leaves the machine
    "createWebhookSubscription": {"url": "https://hooks.qingdan.invalid/events", "event_types": ["catalog.*"]},
}


def _safe(text: str) -> str:
    """Text without the control and invisible characters names refuse (422, core/platform/inputs.py)."""
    return "".join(char for char in text if unsafe_character(char) is None)


def grounded(case: Case) -> None:
    """A valid case that names the county's rows (``GROUNDS``) and no unsafe characters."""
    if case.path_parameters and "township" in case.path_parameters:
        case.path_parameters["township"] = LIUCHENG
    if isinstance(case.body, dict):
        case.body = map_text(case.body, _safe)
        for field, value in GROUNDS.get(case.operation.definition.raw.get("operationId"), {}).items():
            if field in case.body or value is not None:
                case.body[field] = value


SCENARIOS = 25  # Hypothesis examples, each a scenario of up to STEPS calls
STEPS = 10


class County:
    """The tenant scenarios run in. A scenario starts in a new county, built the same way, once
    an earlier one changed something, so that a scenario Hypothesis runs again meets the same
    answers (a unit it created or an item it claimed in an earlier scenario would turn a 201
    into a 409, which Hypothesis reports as flaky data generation). Built when the scenario's
    first request is sent: many scenarios send none."""

    def __init__(self, build: Callable[[], TenantFixture]) -> None:
        self.build = build
        self.tenant: TenantFixture | None = None
        self.changed = False
        self.count = 0

    def next_scenario(self) -> None:
        if self.changed:
            self.tenant, self.changed = None, False

    def ready(self) -> TenantFixture:
        if self.tenant is None:
            self.tenant = self.build()
            self.count += 1
        return self.tenant

    def saw(self, method: str, status: int) -> None:
        if method.upper() != "GET" and 200 <= status < 300:
            self.changed = True


def stateful_schema(base_url: str, county: County) -> Any:
    schema = schemathesis.openapi.from_dict(json.loads((ROOT / "openapi" / "openapi.json").read_text()))
    schema.config.update(base_url=base_url)

    @schema.auth(refresh_interval=None)  # not cached: each scenario has its own county and key
    class AdminKey:
        """Every request as the county's admin; Schemathesis' auth checks send it without, or altered."""

        def get(self, case: Case, context: Any) -> str:
            return county.ready().admin

        def set(self, case: Case, data: str, context: Any) -> None:
            case.headers = {**(case.headers or {}), "Authorization": f"Bearer {data}"}

    # Creating tenants needs the platform key: with the admin's every scenario started there
    # would stop at 403 (the stateless run checks its answers).
    schema = schema.exclude(operation_id="createTenant")
    accepted = schema.config.checks.positive_data_acceptance
    accepted.expected_statuses = [*accepted.expected_statuses, *DOMAIN_ANSWERS]
    return schema


def run_scenarios(schema: Any, county: County) -> tuple[int, dict[str, list[str]]]:
    """Run the state machine; (steps sent, failures by operation and status). Failures are
    collected, not raised: raising would make Hypothesis shrink, minutes on a real server."""
    steps = 0
    failures: dict[str, list[str]] = {}

    class Scenario(schema.as_state_machine()):  # type: ignore[misc]
        def setup(self) -> None:
            county.next_scenario()

        def before_call(self, case: Case) -> None:
            tenant = county.ready()
            if "tenant" in (case.path_parameters or {}):  # its own tenant: a made-up slug is a 404, nothing more
                case.path_parameters["tenant"] = tenant.slug
            if case.meta is None or case.meta.generation.mode is schemathesis.GenerationMode.POSITIVE:
                realistic(case)
                grounded(case)

        def validate_response(self, response: Response, case: Case, **kwargs: Any) -> None:
            nonlocal steps
            steps += 1
            county.saw(case.method, response.status_code)
            try:
                super().validate_response(response, case, **kwargs)
            except FailureGroup as exc:
                if unsendable_negation(case, exc):
                    return
                operation = case.operation.definition.raw.get("operationId")
                failures.setdefault(f"{operation} {response.status_code}", []).append(str(exc)[:600])

    Scenario.run(
        settings=settings(
            max_examples=SCENARIOS,
            stateful_step_count=STEPS,
            derandomize=True,
            database=None,
            deadline=None,
            phases=[Phase.generate],
            suppress_health_check=list(HealthCheck),
        )
    )
    return steps, failures


async def test_linked_calls_over_http_pass_every_check(
    settings: Settings, client: httpx.AsyncClient, make_tenant: MakeTenant
) -> None:
    loop = asyncio.get_running_loop()

    async def new_county() -> TenantFixture:
        """Streets and units (a made-up jurisdiction or unit is a 422; scenarios go on from real ones)."""
        tenant = await make_tenant()
        await build_county(client, tenant)
        return tenant

    # built on the tests' loop (its pool) while Schemathesis waits in its thread
    county = County(lambda: asyncio.run_coroutine_threadsafe(new_county(), loop).result(timeout=60))
    # ignored_auth sends made-up keys to every operation, hundreds a minute from one address: the
    # per-address limit on failed authentications would answer them 429 by design
    # (tests/test_limits.py), so this deployment has none.
    fuzzed = create_app(replace(settings, auth_failures_per_minute=0), manage_database=False)
    async with serving(fuzzed) as base_url:
        started = time.monotonic()
        steps, failures = await asyncio.to_thread(run_scenarios, stateful_schema(base_url, county), county)
    print(f"stateful: {steps} steps in {county.count} counties in {time.monotonic() - started:.1f} s")
    assert steps >= SCENARIOS
    report = "\n".join(f"{key}: {messages[0]}" for key, messages in sorted(failures.items()))
    assert not failures, f"{len(failures)} operation/status pairs failed:\n{report}"
