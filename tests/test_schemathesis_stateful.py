"""A bounded stateful Schemathesis run: sequences of calls that follow the document's links
(create a unit → read, change, delete it; raise a call → dispatch, urge, read it; claim an item →
submit the list …), sent over real HTTP to the app on a loopback uvicorn server, with every
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
from core.platform.settings import Settings
from tests.catalog_fixtures import DOMAIN, PATROL, PERMIT, add_items, build_county, publish
from tests.conftest import TenantFixture, serving
from tests.test_schemathesis import DOMAIN_ANSWERS, realistic, unsendable_negation

ROOT = Path(__file__).resolve().parent.parent
SCENARIOS = 40  # Hypothesis examples, each a scenario of up to STEPS calls
STEPS = 8


def stateful_schema(base_url: str, tenant: TenantFixture) -> Any:
    schema = schemathesis.openapi.from_dict(json.loads((ROOT / "openapi" / "openapi.json").read_text()))
    schema.config.update(base_url=base_url, headers=tenant.auth())  # every request as the tenant's admin
    # Creating tenants needs the platform key: with the admin's every scenario started there
    # would stop at 403 (the stateless run checks its answers).
    schema = schema.exclude(operation_id="createTenant")
    accepted = schema.config.checks.positive_data_acceptance
    accepted.expected_statuses = [*accepted.expected_statuses, *DOMAIN_ANSWERS]
    return schema


def run_scenarios(schema: Any, tenant: TenantFixture) -> tuple[int, dict[str, list[str]]]:
    """Run the state machine; (steps sent, failures by operation and status). Failures are
    collected, not raised: raising would make Hypothesis shrink, minutes on a real server."""
    steps = 0
    failures: dict[str, list[str]] = {}

    class Scenario(schema.as_state_machine()):  # type: ignore[misc]
        def before_call(self, case: Case) -> None:
            if "tenant" in (case.path_parameters or {}):  # its own tenant: a made-up slug is a 404, nothing more
                case.path_parameters["tenant"] = tenant.slug
            if case.meta is None or case.meta.generation.mode is schemathesis.GenerationMode.POSITIVE:
                realistic(case)

        def validate_response(self, response: Response, case: Case, **kwargs: Any) -> None:
            nonlocal steps
            steps += 1
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
    settings: Settings, client: httpx.AsyncClient, tenant: TenantFixture
) -> None:
    # a county to work in: streets, units, a published catalog (links from real data go further)
    await build_county(client, tenant)
    await add_items(client, tenant, DOMAIN, PATROL, PERMIT)
    await publish(client, tenant)
    # ignored_auth sends made-up keys to every operation, hundreds a minute from one address: the
    # per-address limit on failed authentications would answer them 429 by design
    # (tests/test_limits.py), so this deployment has none.
    fuzzed = create_app(replace(settings, auth_failures_per_minute=0), manage_database=False)
    async with serving(fuzzed) as base_url:
        started = time.monotonic()
        steps, failures = await asyncio.to_thread(run_scenarios, stateful_schema(base_url, tenant), tenant)
    print(f"stateful: {steps} steps in {time.monotonic() - started:.1f} s")
    assert steps >= SCENARIOS
    report = "\n".join(f"{key}: {messages[0]}" for key, messages in sorted(failures.items()))
    assert not failures, f"{len(failures)} operation/status pairs failed:\n{report}"
