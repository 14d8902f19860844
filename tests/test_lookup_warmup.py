"""The lookup's warm-up (tenants/lookup_warmup.py): after a round, a tenant's first lookup
builds nothing — the catalog index of its lists in force is cached already — and the warm-up
never fills the index cache past its room."""

from __future__ import annotations

import httpx
import pytest

from core.publication import lookup, lookup_index
from tenants.access import open_access
from tenants.lookup_warmup import warm_up
from tests.call_fixtures import publish_list
from tests.catalog_fixtures import DOMAIN, PATROL, PERMIT, RECOVERED, STREETS, add_items, build_county, publish
from tests.conftest import PLATFORM, TenantFixture


@pytest.fixture
async def county(client: httpx.AsyncClient, tenant: TenantFixture) -> TenantFixture:
    await build_county(client, tenant)
    await add_items(client, tenant, DOMAIN, PATROL, PERMIT, RECOVERED)
    await publish(client, tenant)
    await publish_list(client, tenant, sorted(STREETS)[0][0])
    return tenant


def _count_builds(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    built: list[int] = []
    real = lookup_index.Index.__init__

    def counting(self: lookup_index.Index, *args: object, **kwargs: object) -> None:
        built.append(1)
        real(self, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(lookup_index.Index, "__init__", counting)
    return built


async def test_after_the_warm_up_the_first_lookup_builds_nothing(
    county: TenantFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    lookup.clear_caches()
    built = _count_builds(monkeypatch)
    assert await warm_up() >= 1
    assert built
    built.clear()
    access = await open_access(PLATFORM, county.slug)
    result = await lookup.lookup(access, "乡村建设规划许可证怎么办")
    assert result.items and not built
    assert await warm_up() == 0  # a later round finds everything cached


async def test_the_warm_up_stops_when_the_cache_has_no_room(
    county: TenantFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    lookup.clear_caches()
    monkeypatch.setattr(lookup, "_catalogs", lookup_index.SizedLRU(0))
    built = _count_builds(monkeypatch)
    assert await warm_up() == 0 and not built
    assert await warm_up(stopping=lambda: True) == 0
