"""The demo's recorded change of the law and the adjustments it opens.

统计法 was amended on 2024-09-13 (全国人大常委会《关于修改〈中华人民共和国统计法〉的决定》); the
shared legal library holds its 2009 and 2024 texts (core/legal/data/laws). The platform records
the amendment once, as it would for every county: core compares the cited articles of the two
versions article by article (renumbered articles are followed by their content) and opens an
adjustment (动态调整) in each demo tenant whose items cite an article whose content changed
(温江, 兰山, 东山 cite 统计法; 温江's 第二十三条 and 第三十条 are only renumbered). Recording it
again finds the recorded change and opens nothing new, so the demo stays idempotent.
"""

from __future__ import annotations

import datetime

from core.legal.documents import list_documents
from core.legal.model import AmendmentCreate, RecordedChange
from core.legal.recording import record_amendment
from core.platform.errors import QingdanError
from core.security.access import Access

LAW = "中华人民共和国统计法"
AMENDED = datetime.date(2024, 9, 13)


async def record_law_change(access: Access, *, dry_run: bool = False) -> RecordedChange | None:
    """Record 统计法's 2024 amendment with a platform access; print what it opened and return
    it (``dry_run``: what recording it would do, nothing written)."""
    found = await list_documents(access, q=LAW, shared=True, limit=50)
    document = next((d for d in found.items if d.title == LAW), None)
    if document is None:
        print(f"  law change not recorded: {LAW} is not in the legal library")
        return None
    data = AmendmentCreate(effective_date=AMENDED, to_version=AMENDED.isoformat(), dry_run=dry_run)
    try:
        recorded = await record_amendment(access, document.id, data)
    except QingdanError as exc:
        print(f"  law change not recorded ({exc.detail})")
        return None
    report = recorded.report
    state = "recorded" if recorded.created else "recorded already"
    print(
        f"  law change ({state}): {LAW} amended {AMENDED}: {len(report.provisions)} articles changed, "
        f"{report.item_count} items in {len(report.tenants)} tenants, {recorded.opened} adjustments opened"
    )
    return recorded
