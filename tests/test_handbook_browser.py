"""Done means: a Wenjiang township's handbook downloads as a PDF whose QR codes open the right
item pages in a phone-sized browser (Debian's Chromium, driven by Playwright, against the app
on a real uvicorn server). Skipped like the portal's browser tests where Chromium is missing
outside CI."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

import httpx

from core.platform.settings import Settings
from core.publication.links import item_page_url
from tests import test_handbook, test_portal_browser
from tests.conftest import TenantFixture
from tests.test_handbook import LIUCHENG, decode_qr_codes, first_entry_page, list_base, wait_done
from tests.test_portal_browser import PHONE, Page

# Fixtures shared with those modules (a module that cannot run here is skipped on import).
wenjiang = test_handbook.wenjiang
browser, phone = test_portal_browser.browser, test_portal_browser.phone


async def test_scanning_a_handbook_qr_code_opens_the_item_page_on_a_phone(
    client: httpx.AsyncClient, wenjiang: TenantFixture, settings: Settings, server: str, phone: Page, tmp_path: Path
) -> None:
    published = (await client.get(f"{list_base(wenjiang)}/published", headers=wenjiang.auth())).json()
    titles = {e["item"]["code"]: e["item"]["title"] for e in published["entries"]}
    started = await client.post(f"{list_base(wenjiang)}/handbook", headers=wenjiang.auth())
    assert started.status_code == 202, started.text
    done = await wait_done(client, started.headers["location"], wenjiang.admin)
    assert done["status"] == "done", done

    pdf = (await client.get(urlsplit(done["download_url"]).path)).content
    assert pdf.startswith(b"%PDF-")
    urls = decode_qr_codes(pdf, first_entry_page(pdf))
    assert urls
    url = urls[0]
    code = url.rsplit("/", 1)[1]
    assert url == item_page_url(settings.public_base_url, wenjiang.slug, LIUCHENG, code)
    # The printed URL points at the public base URL; the test server listens elsewhere.
    opened = await phone.goto(server + urlsplit(url).path)
    assert opened is not None and opened.status == 200
    assert await phone.locator("#item-title").inner_text() == titles[code]
    assert await phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    await phone.screenshot(path=str(tmp_path / "scanned-item.png"), full_page=True)
