"""The handbook (工作手册 PDF) of a published township list of 500 entries: time and memory.

    python -m bench.handbook [--entries 500] [--rounds 3] [--data-dir DIR] [--check]

Starts an embedded PostgreSQL (in a temporary directory unless ``--data-dir``), migrates it
and builds, through the core services, a county whose first township has a published list
of ``--entries`` entries (the same tenant as ``bench.township_list``: every entry with two
responsibilities, one or two resolved citations and local details). Then, ``--rounds``
times, the whole job as a client starts it — ``request_handbook`` (checks, job row) → the
background task (one set-based read, layout in a worker thread with progress written every
25 entries, the PDF stored through ``LocalStorage``) → ``done`` — and, separately, its parts:
the read (``load_document``) and the layout (``render_handbook``).

The reference, measured in the same run, is the plain read of the same published list
(``get_published_list``, what ``GET …/list/published`` serves): the handbook's data read
should cost about the same, so the rest is layout.

Memory: the peak of Python allocations during one layout (tracemalloc, in a round of its
own since tracing slows it) and the process's peak resident set (``ru_maxrss``: interpreter,
libraries, the font, the pool, every round). Targets: under 10 s and under 300 MB.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime
import io
import os
import resource
import shutil
import statistics
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

TARGET_S = 10.0
TARGET_MB = 300.0
SLUG = "bench-handbook"


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


async def run(entries: int, rounds: int, data_dir: Path) -> dict[str, float]:
    from bench.township_list import PLATFORM, _list_tenant, start_database
    from core.lists.service import get_published_list
    from core.platform import db
    from core.platform.settings import load_settings
    from core.platform.storage import LocalStorage
    from core.publication.handbook import get_handbook, request_handbook, wait_for_jobs
    from core.publication.handbook.data import load_document
    from core.publication.handbook.fonts import find_font
    from core.publication.handbook.jobs import HandbookRequest
    from core.publication.handbook.render import render_handbook
    from tenants.access import open_access

    print(f"preparing a published list of {entries} entries (embedded PostgreSQL in {data_dir}) …", flush=True)
    await start_database(data_dir / "pg")
    try:
        prepared = await _list_tenant(SLUG, entries, 3)
        access = await open_access(PLATFORM, SLUG)
        settings = load_settings(data_dir)
        storage = LocalStorage(data_dir, "bench-secret", settings.public_base_url)
        font = find_font(settings.handbook_font)
        print(f"  {prepared.entries} entries on {prepared.township}; font {font.path} (face {font.index})")
        rss_before = _rss_mb()

        jobs, job_cpus, cpus, loads, layouts, reference = [], [], [], [], [], []
        pdf_size = pages = 0
        for r in range(rounds):
            cpu, started = time.process_time(), time.perf_counter()
            job = await request_handbook(
                access,
                prepared.township,
                HandbookRequest(),
                storage=storage,
                public_base_url=settings.public_base_url,
                allow_local_url=True,  # QR codes are decoded, never scanned
            )
            await wait_for_jobs()
            jobs.append(time.perf_counter() - started)
            job_cpus.append(time.process_time() - cpu)
            done = await get_handbook(access, job.id, storage=storage)
            assert done.status == "done", done
            assert done.progress.done == done.progress.total == prepared.entries, done.progress
            pdf_size = done.size_bytes or 0

            started = time.perf_counter()
            await get_published_list(access, prepared.township, number=job.version)
            reference.append(time.perf_counter() - started)

            started = time.perf_counter()
            document = await load_document(access, prepared.township, job.version, settings.public_base_url)
            loads.append(time.perf_counter() - started)

            cpu, started = time.process_time(), time.perf_counter()
            pdf = await asyncio.to_thread(render_handbook, document, font)
            layouts.append(time.perf_counter() - started)
            cpus.append(time.process_time() - cpu)
            if r == 0:
                from pypdf import PdfReader

                pages = len(PdfReader(io.BytesIO(pdf)).pages)
            print(f"  round {r + 1}: job {jobs[-1]:.2f} s, read {loads[-1] * 1000:.0f} ms, layout {layouts[-1]:.2f} s")

        tracemalloc.start()
        await asyncio.to_thread(render_handbook, document, font)
        _, traced_peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        rss_after = _rss_mb()
    finally:
        await db.disconnect()

    figures = {
        "entries": prepared.entries,
        "pages": pages,
        "pdf_mb": pdf_size / 1e6,
        "job_p50": statistics.median(jobs),
        "job_max": max(jobs),
        "job_cpu_p50": statistics.median(job_cpus),
        "read_p50": statistics.median(loads),
        "reference_p50": statistics.median(reference),
        "layout_p50": statistics.median(layouts),
        "layout_cpu_p50": statistics.median(cpus),
        "traced_peak_mb": traced_peak / 1e6,
        "rss_before_mb": rss_before,
        "rss_peak_mb": rss_after,
    }
    return figures


def report(f: dict[str, float]) -> bool:
    print()
    print(f"handbook of {f['entries']:.0f} entries: {f['pages']:.0f} A5 pages, {f['pdf_mb']:.2f} MB PDF")
    print(
        f"  whole job (request → done, stored)   p50 {f['job_p50']:.2f} s   max {f['job_max']:.2f} s"
        f"   CPU of this process p50 {f['job_cpu_p50']:.2f} s"
    )
    print(
        f"  read (load_document)                 p50 {f['read_p50'] * 1000:.0f} ms"
        f"   reference get_published_list p50 {f['reference_p50'] * 1000:.0f} ms"
        f"   ratio {f['read_p50'] / f['reference_p50']:.2f}"
    )
    print(f"  layout (render_handbook, thread)     p50 {f['layout_p50']:.2f} s   CPU {f['layout_cpu_p50']:.2f} s")
    print(f"  memory: Python allocations during one layout peak {f['traced_peak_mb']:.1f} MB (tracemalloc)")
    print(
        f"          process peak RSS {f['rss_peak_mb']:.0f} MB (ru_maxrss; {f['rss_before_mb']:.0f} MB before the "
        "first handbook)"
    )
    time_ok = f["job_max"] < TARGET_S
    memory_ok = f["rss_peak_mb"] < TARGET_MB
    print(f"target: under {TARGET_S:.0f} s — {'met' if time_ok else 'MISSED'} (slowest job {f['job_max']:.2f} s)")
    load = os.getloadavg()[0]
    if load > (os.cpu_count() or 1):
        print(f"  (load average {load:.1f} on {os.cpu_count()} cores: wall times include waiting for a CPU;")
        print("   the CPU time is what the job costs an idle machine)")
    print(f"target: under {TARGET_MB:.0f} MB — {'met' if memory_ok else 'MISSED'} (peak RSS {f['rss_peak_mb']:.0f} MB)")
    return time_ok and memory_ok


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.handbook", description=__doc__.split("\n")[0])
    parser.add_argument("--entries", type=int, default=500)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--data-dir", type=Path, help="keep the database here (reused when run again)")
    parser.add_argument("--check", action="store_true", help="exit 1 when a target is missed")
    args = parser.parse_args(argv)
    temporary = args.data_dir is None
    data_dir = Path(tempfile.mkdtemp(prefix="qingdan-bench-handbook-")) if temporary else args.data_dir
    try:
        figures = asyncio.run(run(args.entries, args.rounds, data_dir))
    finally:
        if temporary:
            shutil.rmtree(data_dir, ignore_errors=True)
    ok = report(figures)
    print(f"(measured {datetime.datetime.now(datetime.UTC):%Y-%m-%d %H:%M} UTC)")
    if args.check and not ok:
        sys.exit(1)


if __name__ == "__main__":
    main()
