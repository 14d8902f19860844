"""The portal in a real browser: Debian's headless Chromium, driven by Playwright, against
the app served by a real uvicorn server on loopback, at a phone-sized viewport.

Chromium and the CJK fonts come from Debian (the README's test command, ``scripts/test``,
installs ``chromium`` and ``fonts-noto-cjk`` when missing, and then a missing browser fails
these tests). A bare ``pytest`` on a machine without them skips them.
"""

from __future__ import annotations

import io
import os
import shutil
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest

from core.publication.links import item_page_path, township_path
from tests.conftest import TenantFixture
from tests.portal_fixtures import LIUCHENG, published_county

CHROMIUM = "/usr/bin/chromium"
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
PHONE = {"width": 375, "height": 740}

try:
    from playwright.async_api import Browser, Page, async_playwright
except ImportError:  # pragma: no cover - the test extra installs it
    async_playwright = None  # type: ignore[assignment]

if async_playwright is None or not Path(CHROMIUM).exists():
    if os.environ.get("CI") or os.environ.get("QINGDAN_TEST_BROWSER") == "required":
        raise RuntimeError("the browser tests need playwright (pip) and /usr/bin/chromium (apt): see scripts/test")
    pytest.skip("needs playwright and Debian's chromium (/usr/bin/chromium)", allow_module_level=True)


@pytest.fixture
async def browser() -> AsyncIterator[Browser]:
    assert async_playwright is not None
    async with async_playwright() as pw:
        b = await pw.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        try:
            yield b
        finally:
            await b.close()


@pytest.fixture
async def phone(browser: Browser) -> AsyncIterator[Page]:
    context = await browser.new_context(viewport=PHONE, device_scale_factor=2, is_mobile=True, has_touch=True)
    page = await context.new_page()
    yield page
    await context.close()


@pytest.fixture
async def county(client: httpx.AsyncClient, tenant: TenantFixture) -> TenantFixture:
    return await published_county(client, tenant)


async def test_load_search_and_follow_an_item_link(
    server: str, phone: Page, county: TenantFixture, tmp_path: Path
) -> None:
    response = await phone.goto(server + township_path(county.slug, LIUCHENG))
    assert response is not None and response.status == 200
    assert await phone.locator("h1").inner_text() == "柳城街道履职事项清单"
    # No horizontal scrolling on a phone.
    assert await phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]

    # Search with a simplified query; the item is written in traditional characters.
    await phone.fill("header input[name=q]", "乡镇消防")
    await phone.press("header input[name=q]", "Enter")
    await phone.wait_for_url("**/search?**")
    results = phone.locator("#results > li")
    assert await results.count() == 1
    # One item, held by this township only: the header form keeps the township filter.
    assert await results.first.locator(".townships a").all_inner_texts() == ["柳城街道"]
    title = results.first.locator("> a")
    assert await title.inner_text() == "鄉鎮消防安全檢查"
    await title.click()
    await phone.wait_for_url("**/items/SAF-03")
    assert await phone.locator("#item-title").inner_text() == "鄉鎮消防安全檢查"

    # What a QR code opens: the item page's absolute URL, straight from the camera app.
    fresh = await phone.context.new_page()
    opened = await fresh.goto(server + item_page_path(county.slug, LIUCHENG, "SAF-03"))
    assert opened is not None and opened.status == 200
    assert "平安法治办公室" in await fresh.locator("#office").evaluate("e => e.nextElementSibling.innerText")
    assert await fresh.locator("#share-url").input_value() == fresh.url.replace(server, "http://127.0.0.1:8000")
    assert await fresh.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    # The legal basis link leads to the article on the law page.
    await fresh.locator("#legal + .card a").first.click()
    await fresh.wait_for_url("**/laws/**#art-30")
    assert await fresh.locator("#art-30").is_visible()
    await fresh.screenshot(path=str(tmp_path / "law.png"))
    await phone.screenshot(path=str(tmp_path / "item.png"), full_page=True)


async def _glyphs(page: Page, text: str) -> bytes:
    """A screenshot of ``text`` set at 48 px in the portal's font stack."""
    await page.evaluate(
        """t => { const s = document.getElementById('probe'); s.textContent = t; }""",
        text,
    )
    return await page.locator("#probe").screenshot()


async def test_chinese_text_renders_with_real_glyphs(server: str, phone: Page, county: TenantFixture) -> None:
    """Tofu (the box drawn for a missing glyph) is the same for every character; real glyphs
    differ. So each character is drawn alone and the pictures are compared: without a CJK
    font they come out identical, and this fails."""
    from PIL import Image

    await phone.goto(server + township_path(county.slug, LIUCHENG))
    await phone.evaluate(
        """() => { const s = document.createElement('span'); s.id = 'probe';
        s.style.cssText = 'font-size:48px;line-height:1;display:inline-block;padding:4px;background:#fff;color:#000';
        document.body.prepend(s); }"""
    )
    shots = {ch: await _glyphs(phone, ch) for ch in "消防低保镇鎮"}
    assert len(set(shots.values())) == len(shots), "CJK characters render identically: no CJK font (tofu)"
    blank = await _glyphs(phone, "\u3000")  # an ideographic space: the empty cell
    for ch, png in shots.items():
        image = Image.open(io.BytesIO(png)).convert("L")
        dark = sum(image.histogram()[:128])  # pixels darker than mid-grey
        assert png != blank and dark > 0.03 * image.width * image.height, f"{ch} draws (almost) nothing"
    # A CJK character is about as wide as the font size (tofu boxes are usually narrower).
    width = await phone.evaluate(
        """() => { const s = document.getElementById('probe'); s.textContent = '消防安全检查'; s.style.padding = '0';
        return s.getBoundingClientRect().width; }"""
    )
    assert 6 * 48 * 0.9 <= width <= 6 * 48 * 1.1, width
    # The browser reports a font with CJK glyphs for the page's stack.
    assert await phone.evaluate("document.fonts.check('48px \"Noto Sans CJK SC\", \"WenQuanYi Zen Hei\"', '消防')")


def test_debian_chromium_is_the_browser() -> None:
    assert shutil.which("chromium") == CHROMIUM or Path(CHROMIUM).exists()
