"""Addresses of the public portal's pages — one place, so the handbook's QR codes, the
portal's own links and the API all agree.

The scheme is fixed (printed handbooks carry it in their QR codes; never change it)::

    /portal/{tenant_slug}
    /portal/{tenant_slug}/townships/{township_code}
    /portal/{tenant_slug}/townships/{township_code}/items/{reference_code}
    /portal/{tenant_slug}/search?q=…&kind=…&category=…&township=…

Paths are relative to the service's public base URL (``QINGDAN_PUBLIC_URL``); join them
with :func:`absolute`. Reference codes and division codes are URL-safe by their patterns,
but every segment is quoted all the same.
"""

from __future__ import annotations

from urllib.parse import quote, urlencode

PORTAL = "/portal"


def _seg(value: str) -> str:
    return quote(value, safe="")


def portal_path(slug: str) -> str:
    """The tenant's portal home: its townships with published lists."""
    return f"{PORTAL}/{_seg(slug)}"


def township_path(slug: str, township_code: str) -> str:
    """One township's published list."""
    return f"{portal_path(slug)}/townships/{_seg(township_code)}"


def item_page_path(slug: str, township_code: str, code: str) -> str:
    """The item page — what a handbook's QR code opens."""
    return f"{township_path(slug, township_code)}/items/{_seg(code)}"


def search_path(
    slug: str,
    q: str = "",
    *,
    kind: str | None = None,
    category: str | None = None,
    township: str | None = None,
) -> str:
    params = {"q": q, "kind": kind, "category": category, "township": township}
    query = urlencode({k: v for k, v in params.items() if v})
    return f"{portal_path(slug)}/search" + (f"?{query}" if query else "")


def law_path(slug: str, document_id: str, article: int | None = None) -> str:
    """A legal document's text on the portal, at an article's anchor."""
    anchor = f"#art-{article}" if article else ""
    return f"{portal_path(slug)}/laws/{_seg(document_id)}{anchor}"


def absolute(base_url: str, path: str) -> str:
    """``path`` under the public base URL (``https://qingdan.example.gov.cn``)."""
    return base_url.rstrip("/") + path


def item_page_url(base_url: str, slug: str, township_code: str, code: str) -> str:
    """The absolute URL of an item page, for QR codes and share links."""
    return absolute(base_url, item_page_path(slug, township_code, code))
