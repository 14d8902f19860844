"""Redoc, Swagger UI and GraphiQL render in a real browser with the network cut: every request
to another host is refused, as on a government intranet without Internet access.

Chromium and Playwright as in tests/test_portal_browser.py (skipped without them unless
QINGDAN_TEST_BROWSER=required or CI)."""

from __future__ import annotations

from urllib.parse import urlsplit

from tests.test_portal_browser import Browser, Page, browser  # noqa: F401 (fixture; `server` is in conftest)

# What each page shows once its scripts ran: the API's title, Swagger's operations, GraphiQL's editor.
RENDERED = {
    "/docs": "h1:has-text('Qingdan API')",
    "/docs/swagger": ".swagger-ui .opblock",
    "/graphql": ".graphiql-container .graphiql-query-editor",
}


async def offline_page(browser: Browser, server: str, cut: list[str]) -> Page:  # noqa: F811
    """A page whose requests to any host but the server are aborted (and recorded in ``cut``)."""
    context = await browser.new_context()
    page = await context.new_page()
    local = urlsplit(server).netloc

    async def only_local(route: object) -> None:
        request = route.request  # type: ignore[attr-defined]
        if urlsplit(request.url).netloc in (local, "") or request.url.startswith(("data:", "blob:")):
            await route.continue_()  # type: ignore[attr-defined]
        else:
            cut.append(request.url)
            await route.abort("internetdisconnected")  # type: ignore[attr-defined]

    await page.route("**/*", only_local)
    return page


async def test_docs_and_graphiql_render_with_the_network_cut(browser: Browser, server: str) -> None:  # noqa: F811
    for path, shown in RENDERED.items():
        cut: list[str] = []
        page = await offline_page(browser, server, cut)
        errors: list[str] = []
        page.on("pageerror", lambda e, errors=errors: errors.append(str(e)))
        response = await page.goto(server + path, wait_until="load")
        assert response is not None and response.status == 200, path
        await page.wait_for_selector(shown, timeout=30_000)
        assert not errors, (path, errors)
        # Redoc's footer logo is the one outside request a page may still try; nothing it needs to render.
        assert [u for u in cut if "logo-mini.svg" not in u] == [], (path, cut)
        await page.context.close()
