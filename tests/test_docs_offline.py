"""The API reference (Redoc at /docs, Swagger UI at /docs/swagger) and GraphiQL work without
Internet access: every script and stylesheet they name is a local path that answers 200, and
no page names another host (a government intranet has no CDN)."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from urllib.parse import urlsplit

import httpx
import pytest

from api.docs import ASSETS_DIR

CDN = r"googleapis|gstatic|jsdelivr|unpkg|redoc\.ly|cdnjs|bootcdn|staticfile"
PAGES = [
    ("/docs", {}),
    ("/docs/redoc", {}),
    ("/docs/swagger", {}),
    ("/graphql", {"Accept": "text/html"}),
]


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        wanted = {"script": "src", "link": "href", "img": "src", "iframe": "src"}.get(tag)
        for name, value in attrs:
            if name == wanted and value:
                self.urls.append(value)


def loaded_urls(html: str) -> list[str]:
    parser = _Links()
    parser.feed(html)
    return parser.urls


@pytest.mark.parametrize(("path", "headers"), PAGES)
async def test_page_loads_only_local_assets(client: httpx.AsyncClient, path: str, headers: dict[str, str]) -> None:
    page = await client.get(path, headers=headers)
    assert page.status_code == 200 and "text/html" in page.headers["content-type"], page.text[:300]
    urls = loaded_urls(page.text)
    scripts = [u for u in urls if u.endswith(".js")]
    assert scripts, f"{path} loads no script at all: {urls}"
    for url in urls:
        if url.startswith("data:"):
            continue
        parts = urlsplit(url)
        assert not parts.scheme and not parts.netloc, f"{path} loads {url} from another host"
        assert url.startswith("/docs/assets/"), url
        served = await client.get(url)
        assert served.status_code == 200, (url, served.status_code)
        assert len(served.content) > 100, url
    # Nothing loads from a CDN or font service by other means either (@import, url(), a fetch).
    # (Other URLs on the page are data: the embedded schema's problem types and examples.)
    assert not re.findall(CDN, page.text), path


async def test_assets_are_served_with_their_types_and_the_docs_policy(client: httpx.AsyncClient) -> None:
    js = await client.get("/docs/assets/redoc/redoc.standalone.js")
    assert js.status_code == 200 and "javascript" in js.headers["content-type"]
    css = await client.get("/docs/assets/swagger-ui/swagger-ui.css")
    assert css.status_code == 200 and css.headers["content-type"].startswith("text/css")
    assert "cdn" not in css.headers["content-security-policy"]
    assert (await client.get("/docs/assets/redoc/../../errors.py")).status_code == 404
    assert (await client.get("/docs/assets/nothing.js")).status_code == 404


def test_every_vendored_bundle_keeps_its_licence() -> None:
    for folder in (p for p in ASSETS_DIR.iterdir() if p.is_dir()):
        assert (folder / "LICENSE").is_file(), folder


async def test_scalar_is_not_served_nor_advertised(client: httpx.AsyncClient) -> None:
    assert (await client.get("/docs/scalar")).status_code == 404
    readme = (ASSETS_DIR.parents[1] / "README.md").read_text(encoding="utf-8")
    assert "Scalar" not in readme
