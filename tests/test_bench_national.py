"""bench.national cannot rot: its builder and one round of its reads run at a tiny scale.

The benchmark starts its own embedded PostgreSQL and servers and drives core.platform.db's module-level
pool itself, so it runs in a subprocess (as a user runs it), never inside the test session.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def test_the_national_bench_builds_its_set_and_prints_figures(tmp_path: Path) -> None:
    figures_file = tmp_path / "figures.json"
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "bench.national",
            "--data-dir",
            str(tmp_path / "set"),
            "--tenants",
            "2",
            "--townships",
            "1",
            "--scale",
            "2",
            "--preflight",
            "1",
            "--seconds",
            "0.3",
            "--warmup",
            "0",
            "--clients",
            "1",
            "2",
            "--writes",
            "1",
            "--no-reference",
            "--scenarios",
            "list",
            "graphql",
            "raw",
            "lookup*big",
            "--json",
            str(figures_file),
        ],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=170,
        check=False,
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    assert "targets (issue 13, Performance):" in done.stdout
    figures = json.loads(figures_file.read_text())
    build = figures["build"]
    assert set(build["seconds"]) == {"provision", "import", "catalog", "details", "lists"}
    assert build["figures"]["catalog publish, big tenant s"][0] > 0
    national = figures["national"]
    for mode in ("cold", "warm"):
        for key in ("list@1", "list@2", "graphql@1", "lookup*big@1"):
            row = national[mode][key]
            assert row["n"] > 0 and row["errors"] == 0 and row["p50"] > 0, (mode, key, row)
        assert national[mode]["rss"] > 0
    assert national["cold"]["raw@2"]["n"] > 0
    writes = national["writes"]
    assert writes["entries published"] == 2 * 340  # one list of each size, 340 entries each
    assert writes["bytes per entry per version"] > 0
    names = {t["target"] for t in figures["targets"]}
    assert {"cold list 2 clients / raw", "graphql / rest p50 (warm)", "catalog publish 4,000 s"} <= names
    assert any(name.startswith("publish p50 ms") for name in names)
