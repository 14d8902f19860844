"""The lookup's warm-up: no request waits for the segmenter's dictionary or a catalog's index.

The first lookup of a process used to take seconds (jieba's dictionary with the lexicon's
words ~1.5 s, pypinyin's tables ~0.4 s, then each tenant's catalog index ~1 s per 340 items
and its place names). Each app process now builds them in the background from start-up: the
dictionary and tables in a worker thread, then for each tenant the indexes of the catalog
versions its lists in force use (:func:`core.publication.lookup.prepare`; the index itself is
built in a worker thread too) — until the index cache is nine-tenths full, so the warm-up
never evicts what requests use. Later rounds every ``QINGDAN_LOOKUP_WARMUP_SECONDS`` (300 by
default; 0 turns the warm-up off) build the indexes of newly published catalog versions;
indexes already cached cost one small statement per tenant.
"""

from __future__ import annotations

import asyncio
import gc
import logging
import time
from collections.abc import Callable

from core.platform.errors import DatabaseUnavailable, QingdanError
from core.platform.timers import Periodic
from core.publication import lookup, words
from core.security.access import Access, Principal, Role
from core.security.tenancy import all_tenants

log = logging.getLogger("qingdan.lookup_warmup")

WARMER = Principal(key_id=None, role=Role.PLATFORM, tenant_id=None, name="lookup warm-up")


async def warm_up(stopping: Callable[[], bool] = lambda: False) -> int:
    """One round: the dictionary, then every tenant's indexes while the cache has room (and
    until ``stopping()``: the app shuts down). Returns how many indexes were built. One
    tenant's failure is logged; the others go on."""
    await asyncio.to_thread(words.warm)
    built = 0
    for tenant in await all_tenants():
        if stopping() or not lookup.cache_has_room():
            break
        try:
            built += await lookup.prepare(Access(tenant=tenant, principal=WARMER))
        except DatabaseUnavailable:  # not this tenant's problem: the round ends here
            raise
        except QingdanError as exc:
            log.warning("lookup warm-up of %s: %s", tenant.slug, exc)
    return built


class LookupWarmer(Periodic):
    """:func:`warm_up` at start and every ``seconds``."""

    name = "lookup warm-up"

    def __init__(self, seconds: int) -> None:
        super().__init__(seconds, log)
        self._frozen = False

    async def round(self) -> None:
        started = time.perf_counter()
        built = await warm_up(self._stop.is_set)
        first = not self._frozen
        if built or first:
            # What is alive now lives as long as the process: modules, the GraphQL schema, the
            # dictionary, the indexes (~430,000 objects). Out of the collector's sight, a full
            # collection no longer walks them all — it took 40–480 ms, stopping every request
            # meanwhile; reference counting still frees an evicted index.
            gc.freeze()
            self._frozen = True
        if built or first:  # the first round's line says the process is ready (bench.national waits for it)
            log.info("lookup warm-up: %d catalog indexes built in %.1f s", built, time.perf_counter() - started)
