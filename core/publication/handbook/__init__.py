"""Handbooks (工作手册 / 口袋书): a township's published list as a printable PDF with a QR
code per item opening its portal page, made in the background and downloaded by a signed
link.

- :mod:`core.publication.handbook.jobs` — requesting a handbook and following its progress (the service
  REST and GraphQL call);
- :mod:`core.publication.handbook.data` — the set-based read of what it prints;
- :mod:`core.publication.handbook.render` — the PDF layout (reportlab, one pass, fonts subset-embedded);
- :mod:`core.publication.handbook.fonts` — finding a CJK TrueType font (``QINGDAN_HANDBOOK_FONT``).
"""

from core.publication.handbook.jobs import HandbookJob, HandbookRequest, get_handbook, request_handbook, wait_for_jobs

__all__ = ["HandbookJob", "HandbookRequest", "get_handbook", "request_handbook", "wait_for_jobs"]
