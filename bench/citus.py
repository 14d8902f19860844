"""Router overhead and fan-out: the same reads on one PostgreSQL and on a Citus cluster, one run.

```sh
python -m bench.citus                    # 12 tenants × 60 divisions, 300 rounds
python -m bench.citus --tenants 40 --rounds 1000
```

Starts an embedded PostgreSQL and a Citus cluster (a coordinator and two workers, built from
``../shared/citus`` when missing) in a temporary folder, migrates both (the cluster is
distributed by ``qingdan migrate``), creates the same tenants through the services on each,
then alternates the targets round by round and prints p50/p99 per scenario and target, and
the cluster / one-server ratio:

- ``tenant read``: a tenant transaction (role and tenant on BEGIN) reading the tenant's
  divisions — a router plan on the cluster (one worker);
- ``tenant page``: the jurisdictions page the REST route serves (service call, same transaction);
- ``fan-out count``: a platform count of every tenant's divisions (every shard on the cluster);
- ``fan-out group``: divisions per tenant, grouped on the workers and merged on the coordinator.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import shutil
import statistics
import tempfile
import time
import uuid
from collections.abc import Awaitable, Callable
from pathlib import Path

from core import install
from core.jurisdictions.tree import JurisdictionCreate, create_jurisdiction, list_jurisdictions
from core.platform import citus, db
from core.security.access import Principal, Role
from tenants.access import open_access
from tenants.provisioning import TenantCreate, create_tenant

WARM_UP = 10
PLATFORM = Principal(key_id=None, role=Role.PLATFORM, tenant_id=None, name="bench")


async def _fill(tenants: int, divisions: int) -> list[uuid.UUID]:
    await install.migrate()
    ids = []
    for n in range(tenants):
        slug = f"bench-{n:03d}"
        tenant = await create_tenant(PLATFORM, TenantCreate(slug=slug, name=f"基准{n}县", division_code="510115"))
        access = await open_access(PLATFORM, slug)
        for d in range(divisions):
            await create_jurisdiction(
                access,
                JurisdictionCreate(
                    code=f"510115{d + 1:03d}000", name=f"基准{d}街道", kind="street", parent_code="510115"
                ),
            )
        ids.append(tenant.id)
    return ids


async def _tenant_read(tid: uuid.UUID) -> None:
    async with db.tenant_transaction(tid) as conn:
        await conn.fetch("SELECT code, name FROM jurisdictions WHERE tenant_id = $1", tid)


async def _fan_out_count(tid: uuid.UUID) -> None:
    async with db.platform_transaction() as conn:
        await conn.fetchval("SELECT count(*) FROM jurisdictions")


async def _fan_out_group(tid: uuid.UUID) -> None:
    async with db.platform_transaction() as conn:
        await conn.fetch("SELECT tenant_id, count(*) FROM jurisdictions GROUP BY tenant_id")


def _page(slugs: dict[uuid.UUID, str]) -> Callable[[uuid.UUID], Awaitable[None]]:
    async def page(tid: uuid.UUID) -> None:
        access = await open_access(PLATFORM, slugs[tid])
        await list_jurisdictions(access, limit=50)

    return page


async def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--tenants", type=int, default=12)
    p.add_argument("--divisions", type=int, default=60)
    p.add_argument("--rounds", type=int, default=300)
    args = p.parse_args()
    root = Path(tempfile.mkdtemp(prefix="qingdan-bench-citus-"))
    cluster = citus.Cluster(root / "citus")
    urls = {}
    try:
        urls["one PostgreSQL"] = await db.start_embedded(root / "single")
        urls["Citus (2 workers)"] = await cluster.start_async()
        tenants: dict[str, list[uuid.UUID]] = {}
        for name, url in urls.items():
            started = time.perf_counter()
            await db.connect(url)
            tenants[name] = await _fill(args.tenants, args.divisions)
            await db.disconnect()
            print(f"{name}: migrated and filled in {time.perf_counter() - started:.1f} s")
        scenarios = {"tenant read": _tenant_read, "fan-out count": _fan_out_count, "fan-out group": _fan_out_group}
        times: dict[tuple[str, str], list[float]] = {}
        # Blocks alternate the targets (one pool at a time); each block starts with unrecorded
        # warm-up rounds, so that opening connections (and on Citus the coordinator's to the
        # workers) is not measured.
        blocks = 4
        for _ in range(blocks):
            for name, url in urls.items():
                await db.connect(url, min_size=2, max_size=2)
                ids = tenants[name]
                slugs = {tid: f"bench-{n:03d}" for n, tid in enumerate(ids)}
                for measured in [False] * WARM_UP + [True] * (args.rounds // blocks):
                    for scenario, run in {**scenarios, "tenant page": _page(slugs)}.items():
                        tid = random.choice(ids)
                        started = time.perf_counter()
                        await run(tid)
                        if measured:
                            times.setdefault((scenario, name), []).append((time.perf_counter() - started) * 1000)
                await db.disconnect()
        print(f"\n{args.tenants} tenants × {args.divisions + 1} divisions, {args.rounds} rounds (ms)")
        print(f"{'scenario':<15} {'target':<19} {'p50':>7} {'p99':>7}")
        for scenario in [*scenarios, "tenant page"]:
            p50s = {}
            for name in urls:
                values = sorted(times[(scenario, name)])
                p50s[name] = statistics.median(values)
                p99 = values[min(len(values) - 1, int(len(values) * 0.99))]
                print(f"{scenario:<15} {name:<19} {p50s[name]:7.2f} {p99:7.2f}")
            one, cluster_p50 = p50s.values()
            print(f"{scenario:<15} {'ratio (p50)':<19} {cluster_p50 / one:7.2f}")
    finally:
        await db.disconnect()
        cluster.destroy()
        db.stop_embedded()
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    asyncio.run(main())
