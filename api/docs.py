"""The API reference pages — Redoc at ``/docs``, Swagger UI at ``/docs/swagger`` — and the
GraphiQL page at ``/graphql``, with every script and stylesheet served from this package.

litestar's and strawberry's pages load their code and fonts from public CDNs (jsDelivr,
unpkg, cdn.redoc.ly, Google Fonts); on a government intranet (政务外网) they came up blank.
The bundles are vendored in ``api/docs_assets/`` (versions and sources in its README.md, each
with its licence) and served at ``/docs/assets/…``; no page names another host.
"""

from __future__ import annotations

from pathlib import Path

from litestar import Router
from litestar.datastructures import CacheControlHeader
from litestar.openapi.plugins import (
    JsonRenderPlugin,
    OpenAPIRenderPlugin,
    RedocRenderPlugin,
    SwaggerRenderPlugin,
    YamlRenderPlugin,
)
from litestar.static_files import create_static_files_router
from strawberry.http.ides import get_graphql_ide_html

ASSETS_DIR = Path(__file__).parent / "docs_assets"
ASSETS_PATH = "/docs/assets"

# An inline favicon: litestar's default is an image on jsDelivr.
FAVICON = "<link rel='icon' href='data:,'>"

#: strawberry's GraphiQL template's CDN URLs → the same files (byte for byte, so the page's
#: ``integrity`` hashes still hold) in docs_assets. Pinned to strawberry-graphql 0.341's template;
#: tests/test_docs_offline.py fails when an upgrade brings URLs not listed here.
_GRAPHIQL_ASSETS = {
    "https://unpkg.com/react@18.2.0/umd/react.production.min.js": "react/react.production.min.js",
    "https://unpkg.com/react-dom@18.2.0/umd/react-dom.production.min.js": "react-dom/react-dom.production.min.js",
    "https://unpkg.com/js-cookie@3.0.5/dist/js.cookie.min.js": "js-cookie/js.cookie.min.js",
    "https://unpkg.com/graphiql@3.8.3/graphiql.min.css": "graphiql/graphiql.min.css",
    "https://unpkg.com/graphiql@3.8.3/graphiql.min.js": "graphiql/graphiql.min.js",
    "https://unpkg.com/@graphiql/plugin-explorer@1.0.2/dist/style.css": "graphiql-plugin-explorer/style.css",
    "https://unpkg.com/@graphiql/plugin-explorer@1.0.2/dist/index.umd.js": "graphiql-plugin-explorer/index.umd.js",
}


def asset(name: str) -> str:
    """The served path of a vendored file (``redoc/redoc.standalone.js``)."""
    return f"{ASSETS_PATH}/{name}"


def render_plugins() -> list[OpenAPIRenderPlugin]:
    """Redoc at ``/docs`` (and ``/docs/redoc``), Swagger UI at ``/docs/swagger``, the document at
    ``/docs/openapi.json`` and ``/docs/openapi.yaml`` — all offline."""
    return [
        RedocRenderPlugin(
            path=["/", "/redoc"],
            js_url=asset("redoc/redoc.standalone.js"),
            google_fonts=False,  # Redoc falls back to the system's sans-serif
            favicon=FAVICON,
        ),
        SwaggerRenderPlugin(
            path="/swagger",
            js_url=asset("swagger-ui/swagger-ui-bundle.js"),
            css_url=asset("swagger-ui/swagger-ui.css"),
            standalone_preset_js_url=asset("swagger-ui/swagger-ui-standalone-preset.js"),
            favicon=FAVICON,
        ),
        JsonRenderPlugin(),
        YamlRenderPlugin(path=["/openapi.yaml", "/openapi.yml"]),
    ]


def assets_router() -> Router:
    """``/docs/assets/…``: the vendored bundles, public (no key) and cacheable for a day."""
    return create_static_files_router(
        path=ASSETS_PATH,
        directories=[ASSETS_DIR],
        name="docs-assets",
        cache_control=CacheControlHeader(public=True, max_age=86400),
        include_in_schema=False,
    )


def graphiql_html() -> str:
    """strawberry's GraphiQL page with its scripts and stylesheets pointing at docs_assets."""
    html = get_graphql_ide_html("graphiql")
    for url, name in _GRAPHIQL_ASSETS.items():
        html = html.replace(url, asset(name))
    return html
