""" "Did you mean": the labels closest to what a person wrote.

Chinese names are short and share their frame (``区…局``, ``…办公室``), so plain edit similarity
finds ``区司法局`` as close to ``区应急局`` as ``区应急管理局`` is. Names are therefore compared
without that frame — a leading 区/县/市 and a trailing 局/委员会/委/办公室/办/中心/部 — by
difflib's ratio, and a name that contains what was written (or is contained in it) counts as
close: ``区应急局`` → ``区应急管理局``, ``党建`` → ``党的建设``, ``生态环境局`` →
``成都市温江生态环境局``; so does an abbreviation (``区住建局`` → ``区住房和城乡建设局``). Spaces
are ignored.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable

#: How similar (difflib's ratio, 0–1) a label must be to be suggested.
CUTOFF = 0.6
_SPACE = re.compile(r"\s+")
_FRAME = re.compile(r"^[区县市](?=..)|(?<=..)(?:局|委员会|委|办公室|办|中心|部)$")


def _core(text: str) -> str:
    return _FRAME.sub("", _SPACE.sub("", text))


def _abbreviates(short: str, name: str) -> bool:
    """Whether ``short`` is ``name`` with characters left out (住建 for 住房和城乡建设)."""
    rest = iter(name)
    return all(ch in rest for ch in short)


def suggest(text: str, labels: Iterable[str], n: int = 3) -> list[str]:
    """Up to ``n`` labels close to ``text``, closest first (none when nothing is close)."""
    wanted = _core(text)
    if not wanted:
        return []
    scored: dict[str, float] = {}
    for label in labels:
        candidate = _core(label)
        if not candidate or _SPACE.sub("", label) == _SPACE.sub("", text):
            continue
        score = difflib.SequenceMatcher(None, wanted, candidate).ratio()
        if len(wanted) >= 2 and (wanted in candidate or candidate in wanted):
            score = max(score, 0.9)
        elif len(wanted) >= 2 and _abbreviates(wanted, candidate):
            score = max(score, 0.75)
        if score >= CUTOFF:
            scored[label] = max(score, scored.get(label, 0.0))
    return sorted(scored, key=lambda label: (-scored[label], label))[:n]
