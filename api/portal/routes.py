"""The public portal: server-rendered HTML pages of published township lists, no login.

URL scheme (fixed; handbook QR codes point at the item page — see :mod:`core.publication.links`)::

    /portal/{slug}                                         townships with published lists
    /portal/{slug}/townships/{code}                        one township's published list
    /portal/{slug}/townships/{code}/items/{reference}      the item page (what a QR code opens)
    /portal/{slug}/search?q=&kind=&category=&township=     keyword search
    /portal/{slug}/laws/{document_id}#art-N                a legal basis, at its article

A law page exists only for a document that a published list cites (anything else: 404).

Pages are rendered with Jinja2 (autoescaped) by the handlers themselves. The home, township
and item pages are rendered at most once per content generation in each process
(:func:`core.publication.portal.cached`): a request then costs the tenant lookup (cached), one short
transaction reading the generation, and the stored bytes. They and the law pages carry a
strong ``ETag`` (a hash of the bytes); ``If-None-Match`` gets a 304. Search and law pages are
rendered per request (a law's status depends on the date and on recorded repeals).
Errors render as HTML pages with the status of the domain error and are never cached.
"""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from typing import Any, NamedTuple

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape
from litestar import Request, Response, Router, get
from litestar.exceptions import HTTPException
from litestar.params import FromPath, FromQuery

from api.portal import assets
from core.legal import service as legal
from core.oversight import portal_figures
from core.platform.errors import NotFound, QingdanError
from core.platform.messages import Text
from core.publication import portal, search
from core.publication.links import (
    absolute,
    item_page_path,
    law_path,
    portal_path,
    search_path,
    township_path,
)
from core.security.access import Access

CACHE_CONTROL = "public, max-age=60, stale-while-revalidate=600"
# litestar adds "; charset=utf-8" to text/* media types itself: naming it here doubled it.
HTML = "text/html"

_env = Environment(
    loader=PackageLoader("api.portal", "templates"),
    autoescape=select_autoescape(["html"], default=True),
    undefined=StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
    auto_reload=False,
)
_env.globals.update(assets.TEMPLATE_GLOBALS)


def _page(
    request: Request[Any, Any, Any], template: str, context: dict[str, Any], *, status: int = 200
) -> Response[bytes]:
    """A page rendered for this request only (search, errors): no ETag."""
    headers = {"Cache-Control": CACHE_CONTROL if status == 200 else "no-store"}
    body = _env.get_template(template).render(**context).encode()
    return Response(body, status_code=status, headers=headers, media_type=HTML)


class Rendered(NamedTuple):
    """A page's bytes and their ETag, as the page cache keeps them (never mutated)."""

    body: bytes
    etag: str


def _render(template: str, context: dict[str, Any]) -> Rendered:
    body = _env.get_template(template).render(**context).encode()
    return Rendered(body, portal.etag_for(body))


async def _cached_page(
    request: Request[Any, Any, Any], access: Access, key: tuple[Any, ...], build: Callable[[], Awaitable[Rendered]]
) -> Response[bytes]:
    """The page for ``key`` (rendered once per content generation); 304 when the client has it.
    A page that does not exist is the tenant's own error page (its name and footer)."""
    try:
        return _respond(request, await portal.cached(access, (*key, _base_url(request)), build))
    except NotFound as exc:
        return await _tenant_error(request, access, exc)


async def _tenant_error(request: Request[Any, Any, Any], access: Access, exc: QingdanError) -> Response[bytes]:
    return _error_response(request, exc, access, await portal.footer(access))


def _respond(request: Request[Any, Any, Any], page: Rendered) -> Response[bytes]:
    headers = {"Cache-Control": CACHE_CONTROL, "ETag": page.etag}
    match = request.headers.get("if-none-match")
    if match and (match.strip() == page.etag or page.etag in [t.strip() for t in match.split(",")]):
        return Response(b"", status_code=304, headers=headers, media_type=HTML)
    return Response(page.body, headers=headers, media_type=HTML)


def _common(request: Request[Any, Any, Any], access: Access | None, slug: str, **extra: Any) -> dict[str, Any]:
    """What every page shows; ``tenant_name`` None (a portal that does not exist): the header
    says only 履职事项清单, and there is no tenant footer."""
    return {
        "tenant_name": access.tenant.name if access else None,
        "footer": None,
        "home_path": portal_path(slug),
        "search_action": f"{portal_path(slug)}/search",
        "township_link": lambda code: township_path(slug, code),
        "canonical": None,
        "q": "",
        "township_filter": None,
        **extra,
    }


def _base_url(request: Request[Any, Any, Any]) -> str:
    return request.app.state.settings.public_base_url


@get("/{slug:str}", name="portal-home")
async def home(request: Request[Any, Any, Any], slug: FromPath[str]) -> Response[bytes]:
    access = await portal.portal_access(slug)

    async def build() -> Rendered:
        data = await portal.home(access)
        canonical = absolute(_base_url(request), portal_path(slug))
        context = _common(request, access, slug, townships=data.townships, canonical=canonical)
        # Only the charts the county chose to publish: aggregates of its stored indicators.
        figures = await portal_figures.published_figures(access)
        return _render("home.html", {**context, "footer": await portal.footer(access), "figures": figures})

    return await _cached_page(request, access, ("home",), build)


def _sections(page: portal.TownshipPage) -> list[dict[str, Any]]:
    """Entries by list kind (the structure's sections, in order), then by category."""
    labels = page.labels
    order = labels.section_kinds + [k for k in labels.kinds if k not in labels.section_kinds]
    sections: dict[str, dict[str, list[dict[str, Any]]]] = {}
    for entry in page.listing.entries:
        kinds = entry.item.kinds
        kind = next((k for k in order if k in kinds), kinds[0] if kinds else "")
        category = entry.item.category or ""
        sections.setdefault(kind, {}).setdefault(category, []).append(
            {
                "item": entry.item,
                "depth": labels.depths.get(entry.item.level, 1),
                "level_label": labels.levels.get(entry.item.level, ""),
                "responsible_office": entry.responsible_office,
            }
        )
    ranked = sorted(sections, key=lambda k: order.index(k) if k in order else len(order))
    return [
        {
            "kind": kind,
            "label": labels.kinds.get(kind, kind),
            "groups": [
                {"label": labels.categories.get(cat, cat), "entries": entries}
                for cat, entries in sections[kind].items()
            ],
        }
        for kind in ranked
    ]


@get("/{slug:str}/townships/{township:str}", name="portal-township")
async def township_page(
    request: Request[Any, Any, Any], slug: FromPath[str], township: FromPath[str]
) -> Response[bytes]:
    access = await portal.portal_access(slug)

    async def build() -> Rendered:
        page = await portal.township(access, township)
        labels = page.labels
        context = _common(
            request,
            access,
            slug,
            listing=page.listing,
            sections=_sections(page),
            section_counts=[(k, labels.kinds[k]) for k in labels.section_kinds],
            item_link=lambda code: item_page_path(slug, township, code),
            canonical=absolute(_base_url(request), township_path(slug, township)),
            township_filter=township,
            footer=await portal.footer(access),
        )
        return _render("township.html", context)

    return await _cached_page(request, access, ("township", township), build)


@get("/{slug:str}/townships/{township:str}/items/{code:str}", name="portal-item")
async def item_page(
    request: Request[Any, Any, Any], slug: FromPath[str], township: FromPath[str], code: FromPath[str]
) -> Response[bytes]:
    access = await portal.portal_access(slug)

    async def build() -> Rendered:
        page = await portal.item_page(access, township, code)
        context = _item_context(request, access, slug, page)
        return _render("item.html", {**context, "footer": await portal.footer(access)})

    return await _cached_page(request, access, ("item", township, code), build)


def _item_context(request: Request[Any, Any, Any], access: Access, slug: str, p: portal.ItemPage) -> dict[str, Any]:
    item = p.item
    units = p.units
    township, code = p.township_code, item.code

    def unit_name(unit_code: str) -> str:
        unit = units.get(unit_code)
        return unit.name if unit else unit_code

    extras = p.labels.extra_rows(item.extra, skip=("handling_office",))
    return _common(
        request,
        access,
        slug,
        p=p,
        item=item,
        labels=p.labels,
        unit_name=unit_name,
        departments=[units[c] for c in sorted(units) if units[c].kind != "township_office"],
        handling_office=item.extra.get("handling_office", ""),
        extras=extras,
        item_link=lambda c: item_page_path(slug, township, c),
        other_link=lambda t: item_page_path(slug, t, code),
        law_link=lambda doc, article: law_path(slug, doc, article),
        canonical=absolute(_base_url(request), item_page_path(slug, township, code)),
        township_filter=township,
    )


@get("/{slug:str}/search", name="portal-search")
async def search_page(
    request: Request[Any, Any, Any],
    slug: FromPath[str],
    q: FromQuery[str] = "",
    kind: FromQuery[str] = "",
    category: FromQuery[str] = "",
    township: FromQuery[str] = "",
    cursor: FromQuery[str] = "",
) -> Response[bytes]:
    access = await portal.portal_access(slug)
    data = await portal.home(access)
    context = _common(
        request,
        access,
        slug,
        q=q,
        kind=kind,
        category=category,
        township=township,
        labels=data.labels,
        kinds=list(data.labels.kinds.items()),
        categories=list(data.labels.categories.items()),
        townships=data.townships,
        hits=[],
        total=0,
        next_link=None,
        error=None,
        footer=await portal.footer(access),
    )
    status = 200
    if q.strip():
        try:
            found = await search.search_items(
                access,
                q,
                kind=kind or None,
                category=category or None,
                township=township or None,
                limit=30,
                cursor=cursor or None,
            )
        except QingdanError as exc:
            status, context["error"] = exc.status, _search_problem(exc)
        else:
            context["hits"], context["total"] = found.items, found.total
            if found.next_cursor:
                more = search_path(slug, q, kind=kind or None, category=category or None, township=township or None)
                context["next_link"] = f"{more}&cursor={found.next_cursor}"
    return _page(request, "search.html", context, status=status)


def _search_problem(exc: QingdanError) -> str:
    if exc.errors and exc.errors[0].field == "q":
        return f"无法搜索：{exc.errors[0].message}。请输入汉字、字母或数字，例如“消防”。"
    return f"无法搜索：{exc.detail}"


@get("/{slug:str}/laws/{document_id:str}", name="portal-law")
async def law_page(request: Request[Any, Any, Any], slug: FromPath[str], document_id: FromPath[str]) -> Response[bytes]:
    access = await portal.portal_access(slug)
    try:
        doc_id = uuid.UUID(document_id)
        # Only what published list content cites; any other document is "missing" (404).
        await portal.require_cited(access, doc_id)
    except (ValueError, NotFound):
        return await _tenant_error(
            request, access, NotFound(Text("not-found.no-legal-document", document_id=document_id))
        )
    # Not cached: a document's status depends on the date and on recorded repeals.
    document = await legal.get_document(access, doc_id)
    articles = await legal.list_provisions(access, doc_id, limit=500)
    context = _common(
        request,
        access,
        slug,
        document=document,
        articles=articles.items,
        canonical=absolute(_base_url(request), law_path(slug, document_id)),
        footer=await portal.footer(access),
    )
    return _respond(request, _render("law.html", context))


_TITLES = {400: "请求有误", 403: "无权访问", 404: "页面不存在", 422: "请求有误", 503: "服务暂时不可用"}


def _not_found_text(request: Request[Any, Any, Any], exc: QingdanError, access: Access | None) -> str:
    """What a citizen reads on a 404, in Chinese, from the address asked for (the domain
    error's English detail is for API clients and logs, never shown here)."""
    params = request.path_params
    if access is None:
        return "没有找到这个清单公开网站，请检查网址是否正确。"
    if "document_id" in params:
        return "没有找到这部法律法规：公开发布的清单没有引用它，或网址有误。"
    if "code" in params:
        where = exc.extra.get("township_name")
        if where:
            return f"{where}公开发布的履职事项清单中没有编码为“{params['code']}”的事项。"
        return "该乡镇(街道)尚未公开发布履职事项清单，或网址有误。"
    if "township" in params:
        return "该乡镇(街道)尚未公开发布履职事项清单，或网址有误。"
    return "没有找到这个页面，它可能尚未公开发布，或网址有误。"


def _error_response(
    request: Request[Any, Any, Any], exc: Exception, access: Access | None = None, footer: Any = None
) -> Response[bytes]:
    if isinstance(exc, QingdanError):
        status = exc.status
    elif isinstance(exc, HTTPException):
        status = exc.status_code
    else:  # pragma: no cover - unexpected errors are logged by litestar
        status = 500
    if status == 404 and isinstance(exc, QingdanError):
        detail = _not_found_text(request, exc, access)
    elif status == 404:
        detail = "没有找到这个页面，请检查网址是否正确。"
    elif status in (400, 422):
        detail = "请求有误，请检查网址或搜索条件。"
    else:
        detail = "服务暂时不可用，请稍后再试。"
    slug = request.path_params.get("slug", "")
    context = _common(request, access, slug, title=_TITLES.get(status, "出错了"), detail=detail, footer=footer)
    response = _page(request, "error.html", context, status=status)
    retry_after = getattr(exc, "retry_after", None)
    if retry_after is not None:
        response.headers["Retry-After"] = str(retry_after)
    return response


def _error_page(request: Request[Any, Any, Any], exc: Exception) -> Response[bytes]:
    """Errors before the tenant is known (an unknown portal, a database away)."""
    return _error_response(request, exc)


_handlers: dict[type[Exception], Callable[[Request[Any, Any, Any], Any], Response[bytes]]] = {
    QingdanError: _error_page,
    HTTPException: _error_page,
}

portal_router = Router(
    path="/portal",
    route_handlers=[home, township_page, item_page, search_page, law_page],
    include_in_schema=False,
    exception_handlers=_handlers,  # type: ignore[arg-type]
)
