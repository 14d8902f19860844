"""Build ``core/legal/data/corpus.tar.xz``, the national legal corpus shipped with the package.

The corpus is 1,543 texts (30 MB) in folders (see its README.md, kept in the archive with the
provenance); xz brings it to about 4 MB, so it travels as package data and ``qingdan migrate``
loads it on a fresh install (:mod:`core.legal.corpus_load`). Run this only when a newer corpus
arrives; the next ``qingdan migrate`` sees the archive's new digest and stores the new versions::

    python scripts/build_legal_corpus.py ../shared/laws-corpus

The archive is reproducible: members sorted by name, owner 0, mode 0644, time 0 — the same
folder gives the same bytes, hence the same digest (no pointless reload).
"""

from __future__ import annotations

import sys
import tarfile
from pathlib import Path

TARGET = Path(__file__).resolve().parent.parent / "core" / "legal" / "data" / "corpus.tar.xz"


def build(folder: Path, target: Path = TARGET) -> int:
    files = sorted(p for p in folder.rglob("*.md") if p.is_file())
    with tarfile.open(target, "w:xz", preset=9) as tf:
        for path in files:
            info = tarfile.TarInfo(f"laws-corpus/{path.relative_to(folder).as_posix()}")
            info.size = path.stat().st_size
            info.mode, info.mtime, info.uid, info.gid = 0o644, 0, 0, 0
            with path.open("rb") as f:
                tf.addfile(info, f)
    return len(files)


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    count = build(Path(sys.argv[1]).resolve())
    print(f"{TARGET}: {count} files, {TARGET.stat().st_size / 1e6:.1f} MB")
