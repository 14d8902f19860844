"""The legal-basis layer: law texts, Chinese numerals and citations (pure Python, no database).

- :mod:`core.legal.numerals` — Chinese numerals ↔ int (第七十七条 ↔ 77).
- :mod:`core.legal.lawtext` — parse a published law into articles (条), paragraphs (款) and
  items (项); the shipped reference library is ``LIBRARY_DIR`` (68 texts, README.md there
  carries the provenance).
- :mod:`core.legal.citations` — parse citations as people write them
  (《消防法》第五十三条第二款) into structured references and resolve them to documents.
- :mod:`core.legal.corpus` — the national corpus shipped as ``data/corpus.tar.xz`` (1,543 texts):
  levels, regions, the 民法典 joined, amending documents; :mod:`core.legal.corpus_load` loads it.
- :mod:`core.legal.correspondence` — which article of a new version follows which of the old.
"""

from core.legal.citations import (
    CitationRef,
    Resolved,
    Unparsed,
    Unresolved,
    check_article,
    parse_citations,
    resolve,
)
from core.legal.lawtext import LIBRARY_DIR, LawText, iter_library, load_law_file, parse_law

__all__ = [
    "LIBRARY_DIR",
    "CitationRef",
    "LawText",
    "Resolved",
    "Unparsed",
    "Unresolved",
    "check_article",
    "iter_library",
    "load_law_file",
    "parse_citations",
    "parse_law",
    "resolve",
]
