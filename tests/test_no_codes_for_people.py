"""Issue 20's "labels, not codes", for every shipped plugin: the Excel export of the catalog,
the portal pages of a published township list and the handbook PDF of it show none of the
plugin's own codes (list kinds, categories, item kinds, levels, extra fields and their
choices, unit codes) — only their Chinese labels."""

from __future__ import annotations

import datetime
import io
import re

import httpx
import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from api.demo_townships import claim_by_type, claimable_items
from core.jurisdictions.divisions import TOWNSHIP_LEVEL
from core.jurisdictions.tree import list_jurisdictions
from core.lists.service import ListPublish, file_list, get_published_list, publish_list, submit
from core.plugin_api import registry as plugins
from core.publication.handbook.data import load_document
from core.publication.handbook.fonts import find_font
from core.publication.handbook.render import render_handbook
from core.publication.links import item_page_path, township_path
from tenants.access import open_access
from tests.conftest import PLATFORM, MakeTenant

PLUGINS = ("wenjiang", "longsha", "taian", "lanshan", "dongshan")
WORD = re.compile(r"[a-z][a-z0-9]*(?:[_-][a-z0-9]+)+|[a-z]{4,}")


def plugin_codes(name: str) -> set[str]:
    """The codes a plugin names its structure and units with (a word a person could see)."""
    s = plugins.structure(name)
    codes = {x.code for group in (s.kinds, s.categories, s.item_kinds, s.levels) for x in group}
    for field in s.extra_fields:
        codes |= {field.name, *field.choices}
    codes |= {u.code for u in plugins.jurisdiction(name).units}
    return {c for c in codes if WORD.fullmatch(c)}


def leaked(text: str, codes: set[str]) -> set[str]:
    return set(WORD.findall(text)) & codes


def text_of(html: str) -> str:
    body = re.sub(r"(?s)<(script|style)\b.*?</\1>", " ", html)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", body))


@pytest.mark.parametrize("name", PLUGINS)
async def test_people_read_labels_not_codes(client: httpx.AsyncClient, make_tenant: MakeTenant, name: str) -> None:
    codes = plugin_codes(name)
    assert len(codes) > 10, codes
    t = await make_tenant(name)

    export = await client.get(f"{t.base}/catalog/versions/1/export.xlsx", params={"download": "true"}, headers=t.auth())
    assert export.status_code == 200, export.text
    sheet = load_workbook(io.BytesIO(export.content)).worksheets[0]
    cells = "\n".join(str(c) for row in list(sheet.iter_rows(values_only=True))[1:] for c in row if c is not None)
    assert not leaked(cells, codes), (name, "Excel", leaked(cells, codes))

    # One township's list, claimed by its type, reviewed and published as the demo does
    access = await open_access(PLATFORM, t.slug)
    township = (await list_jurisdictions(access, level=TOWNSHIP_LEVEL, limit=1)).items[0]
    await claim_by_type(access, township, await claimable_items(access))
    await submit(access, township.code, None)
    await file_list(access, township.code)
    await publish_list(access, township.code, ListPublish(effective_date=datetime.date.today()))
    published = await get_published_list(access, township.code)

    page = await client.get(township_path(t.slug, township.code))
    assert page.status_code == 200, page.text
    assert not leaked(text_of(page.text), codes), (name, "portal", leaked(text_of(page.text), codes))
    for entry in published.entries[:: max(1, len(published.entries) // 8)]:
        item = await client.get(item_page_path(t.slug, township.code, entry.item.code))
        assert item.status_code == 200, item.text
        words = leaked(text_of(item.text), codes)
        assert not words, (name, entry.item.code, words)

    assert published.version is not None
    document = await load_document(access, township.code, published.version, "https://qingdan.example.gov.cn")
    pdf = render_handbook(document, find_font())
    handbook = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    assert "扫码查看" in handbook
    assert not leaked(handbook, codes), (name, "handbook", leaked(handbook, codes))
