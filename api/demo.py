"""``qingdan demo``: one tenant per installed plugin, fresh keys, printed with the URLs."""

from __future__ import annotations

import datetime
import zlib

from api.demo_calls import raise_demo_calls
from api.demo_law import record_law_change
from api.demo_oversight import print_overseers, provision_overseers
from api.demo_townships import claim_by_type, claimable_items, demo_townships, fill_local_details
from core.evaluation import service as evaluation
from core.jurisdictions.divisions import TOWNSHIP_LEVEL
from core.jurisdictions.tree import list_jurisdictions
from core.lists.service import ListPublish, file_list, publish_list, submit
from core.platform.errors import QingdanError
from core.plugin_api import registry as plugins
from core.security.access import Access, Principal, Role
from core.security.tenancy import find_tenant
from tenants import keys
from tenants.access import open_access
from tenants.provisioning import TenantCreate, create_tenant

PLATFORM = Principal(key_id=None, role=Role.PLATFORM, tenant_id=None, name="demo")


async def publish_township_lists(access: Access, *, local_details: bool = False) -> None:
    """Claim by township type, then take every township's list through review to
    publication, as the county would; ``local_details``: fill in offices, A/B posts and
    contacts of one township of each type first (see :mod:`api.demo_townships`)."""
    townships = (await list_jurisdictions(access, level=TOWNSHIP_LEVEL, limit=500)).items
    claimable = await claimable_items(access)
    detailed = {t.code for t in demo_townships(townships)} if local_details else set()
    published = claimed = filled = 0
    for serial, township in enumerate(townships, start=1):
        try:
            claimed += await claim_by_type(access, township, claimable)
            if township.code in detailed:
                filled += await fill_local_details(access, township, serial)
            await submit(access, township.code, None)
            await file_list(access, township.code)
            await publish_list(access, township.code, ListPublish(effective_date=datetime.date.today()))
            published += 1
        except QingdanError as exc:  # e.g. a list with nothing on it yet
            print(f"  {township.name}: list not published ({exc.detail})")
    print(f"  {published} township lists published ({claimed} claims, {filled} entries with local details)")


async def raise_calls(access: Access) -> None:
    """Calls with full histories (one escalated) from one township of each type."""
    townships = (await list_jurisdictions(access, level=TOWNSHIP_LEVEL, limit=500)).items
    raised = 0
    for township in demo_townships(townships):
        try:
            raised += await raise_demo_calls(access, township)
        except QingdanError as exc:
            print(f"  {township.name}: calls not raised ({exc.detail})")
    print(f"  {raised} calls raised, dispatched, answered and closed")


async def provision_demo(base_url: str) -> None:
    """Create missing demo tenants (idempotent) and issue demo keys for each."""
    rows = []
    for name in sorted(plugins.registry()):
        try:
            info = plugins.jurisdiction(name)
            tenant = await find_tenant(info.slug)
            if tenant is None:
                data = TenantCreate(slug=info.slug, name=info.name, plugin=name)
                tenant = await create_tenant(PLATFORM, data, progress=print)
                await publish_township_lists(await open_access(PLATFORM, tenant.slug), local_details=True)
                await raise_calls(await open_access(PLATFORM, tenant.slug))
                await compute_demo_evaluation(await open_access(PLATFORM, tenant.slug))
            access = await open_access(PLATFORM, tenant.slug)
            admin = await keys.create_key(access, keys.ApiKeyCreate(name="demo admin", role=Role.ADMIN))
            reader = await keys.create_key(access, keys.ApiKeyCreate(name="demo reader", role=Role.READER))
            rows.append((tenant.slug, tenant.name, admin.key, reader.key))
        except QingdanError as exc:
            print(f"skipped plugin {name}: {exc.detail}")
    if rows:  # national law changes once, for every tenant citing it
        await record_law_change(await open_access(PLATFORM, rows[0][0]))
    overseers = await provision_overseers()  # 山东省, 泰安市 and 临沂市 over the Shandong demo tenants
    platform = await keys.create_platform_key("demo platform")
    print()
    print(f"API docs   {base_url}/docs")
    print(f"GraphQL    {base_url}/graphql")
    print(f"Health     {base_url}/healthz   {base_url}/readyz")
    print(f"Platform key (all tenants): {platform.key}")
    print()
    for slug, name, admin_key, reader_key in rows:
        print(f"{slug:<10} {name}")
        print(f"  admin  {admin_key}")
        print(f"  reader {reader_key}")
    print_overseers(base_url, overseers)
    if rows:
        slug, _, admin_key, _ = rows[0]
        print()
        print("Try:")
        print(f"  curl -H 'Authorization: Bearer {admin_key}' {base_url}/api/v1/tenants/{slug}/jurisdictions")


# --- demo step: an annual evaluation with sample scores -------------------------------------


def sample_scores(doc: evaluation.SchemeDoc, subjects: list, county: str) -> list[evaluation.ScoreIn]:
    """Deterministic sample scores (70–100 % of each range) for every pair the scheme allows."""
    by_kind: dict[str, list] = {}
    for subject in subjects:
        by_kind.setdefault(subject.kind, []).append(subject)
    townships = [t.code for t in by_kind.get("township", [])]
    scores = []
    for relation in doc.relations:
        indicators = [i for i in doc.indicators if i.relation == relation.code and i.source == "manual"]
        for evaluatee in by_kind.get(relation.evaluatee, []):
            if relation.evaluator == "county":
                evaluators = [county]
            elif relation.evaluator == "township":
                evaluators = list(evaluatee.hosts) if relation.evaluatee == "dispatched_agency" else townships
            else:
                evaluators = [evaluatee.parent_unit] if evaluatee.parent_unit else []
            for evaluator in evaluators:
                for ind in indicators:
                    if ind.township_types and evaluatee.township_type not in ind.township_types:
                        continue
                    fraction = zlib.crc32(f"{evaluator}/{evaluatee.code}/{ind.code}".encode()) % 1000 / 1000
                    score = round(ind.min_score + (0.7 + 0.3 * fraction) * (ind.max_score - ind.min_score), 1)
                    scores.append(evaluation.ScoreIn(relation.code, evaluator, evaluatee.code, ind.code, score))
    return scores


async def compute_demo_evaluation(access: Access) -> None:
    """Open this year's annual period on the tenant's scheme, enter sample scores and compute
    every result with its explanation (see ``/evaluations/periods/{year}/results``)."""
    year = str(datetime.date.today().year)
    try:
        await evaluation.create_period(access, evaluation.PeriodCreate(code=year, kind="year"))
        doc, subjects = await evaluation.evaluation_context(access, year)
        scores = sample_scores(doc, subjects, access.tenant.division_code)
        await evaluation.enter_scores(access, year, evaluation.ScoresIn(scores=scores))
        summary = await evaluation.compute_period(access, year)
        grades = ", ".join(f"{g} {n}" for g, n in sorted(summary.by_grade.items()))
        print(f"  evaluation {year}: {len(scores)} sample scores, {summary.results} results ({grades})")
    except QingdanError as exc:
        print(f"  evaluation {year} not computed ({exc.detail})")
