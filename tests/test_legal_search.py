"""Legal search through the bigram index (migration 0014, core/legal/search_index.py).

The index only narrows: every page must equal what a scan of every current article finds, in the
same order — for words of one to four characters, two-word queries, pages after a cursor, the
region a tenant sees, and a tenant's own documents (seen by it alone).
"""

from __future__ import annotations

import asyncio
import json
import os
import random
import re
import sys
import uuid
from pathlib import Path

import httpx
import pytest

from core.legal.citations import to_simplified
from core.legal.corpus import CORPUS_ARCHIVE
from core.legal.corpus_load import load_corpus
from core.legal.documents import search_provisions
from core.legal.lawtext import parse_law
from core.legal.library import store_law
from core.legal.queries import SHARED_TENANT
from core.legal.search_index import _postings, bigrams
from core.platform.db import platform_transaction, tenant_transaction
from core.security.access import Access
from tenants.access import open_access
from tests.conftest import PLATFORM, MakeTenant

ROOT = Path(__file__).resolve().parent.parent
SHANDONG = ("山东地方性法规/山东省安全生产条例(2021-12-03).md",)
TAIAN, WENJIANG = "370900", "510115"

# What the index must agree with: every current article the tenant may see, read whole.
SCAN = (
    "SELECT d.title, d.id, p.article FROM legal_documents d CROSS JOIN LATERAL (SELECT v.id FROM legal_versions v"
    " WHERE v.tenant_id = d.tenant_id AND v.document_id = d.id ORDER BY v.version_date DESC LIMIT 1) v"
    " JOIN provisions p ON p.tenant_id = d.tenant_id AND p.version_id = v.id AND p.paragraph = 0 AND p.item = 0"
    " WHERE d.tenant_id IN ($2, '00000000-0000-0000-0000-000000000000')"
    " AND (d.region_code IS NULL OR starts_with($3, d.region_code))"
    " AND p.text ILIKE ALL($1) ORDER BY d.title, d.id, p.article"
)


async def _scan(access: Access, q: str) -> list[tuple[str, str, int]]:
    patterns = [f"%{w}%" for w in q.split()]
    async with platform_transaction() as conn:
        rows = await conn.fetch(SCAN, patterns, access.tenant.id, access.tenant.division_code)
    return [(r["title"], str(r["id"]), r["article"]) for r in rows]


async def _searched(access: Access, q: str, limit: int, pages: int = 50) -> list[tuple[str, str, int]]:
    """Every hit, page after page (at most ``pages``)."""
    found: list[tuple[str, str, int]] = []
    cursor = None
    for _ in range(pages):
        page = await search_provisions(access, q=q, limit=limit, cursor=cursor)
        found += [(h.document_title, h.document_id, h.article) for h in page.items]
        cursor = page.next_cursor
        if cursor is None:
            break
    return found


def _rare_word() -> str:
    """Two rare characters (CJK Extension A), new each run, that a search keeps as they are: a
    search folds traditional characters (㰙 is searched as 𣗙), the stored text is not folded."""
    rng = random.Random(uuid.uuid4().int)
    while True:
        word = "".join(chr(0x3400 + rng.randrange(6000)) for _ in range(2))
        if to_simplified(word) == word:
            return word


@pytest.fixture(scope="module")
async def shandong(database_url: str) -> None:
    await load_corpus(CORPUS_ARCHIVE, only=SHANDONG)  # a load: the index is rebuilt


async def _sample_words(n: int, seed: int) -> list[str]:
    async with platform_transaction() as conn:
        texts = [
            r["text"]
            for r in await conn.fetch(
                "SELECT text FROM provisions WHERE tenant_id = $1 AND paragraph = 0 AND item = 0 ORDER BY md5(text)"
                " LIMIT 300",
                SHARED_TENANT,
            )
        ]
    rng = random.Random(seed)
    words = []
    while len(words) < n:
        runs = re.findall("[\u4e00-\u9fff]+", rng.choice(texts))
        if runs:
            run = rng.choice(runs)
            size = min(len(run), rng.choice((1, 2, 2, 3, 4)))
            at = rng.randrange(len(run) - size + 1)
            words.append(run[at : at + size])
    return words


async def test_the_index_finds_what_a_scan_finds(make_tenant: MakeTenant, shandong: None) -> None:
    tenant = await make_tenant(division_code=TAIAN)
    access = await open_access(PLATFORM, tenant.slug)
    words = await _sample_words(36, seed=19)
    queries = [*words[:24], *(f"{a} {b}" for a, b in zip(words[24:30], words[30:36], strict=True))]
    queries += ["消防", "征用", "规定", "应当 人民政府", "生产经营单位 安全", "安全生产 鹦鹉螺", "本条例"]
    assert any(len(w) == 2 for w in words) and any(len(w) == 1 for w in words)
    for q in queries:
        expected = await _scan(access, q)
        # the first page: how the portal and the API search
        first = await search_provisions(access, q=q, limit=20)
        assert [(h.document_title, h.document_id, h.article) for h in first.items] == expected[:20], q
        assert (first.next_cursor is not None) == (len(expected) > 20), q
    for q in ("消防", "应急", "安全生产 检查"):  # every page, small ones: the cursor's position in the index
        assert await _searched(access, q, limit=7) == await _scan(access, q), q
    # within one document: its run of ordinals
    every = await _scan(access, "应当")
    for title, document_id, _ in (every[0], every[len(every) // 2], every[-1]):
        page = await search_provisions(access, q="应当", document_id=uuid.UUID(document_id), limit=100)
        assert [(h.document_title, h.document_id, h.article) for h in page.items] == [
            hit for hit in every if hit[1] == document_id
        ][:100], title


async def test_two_character_words_and_traditional_ones(make_tenant: MakeTenant) -> None:
    access = await open_access(PLATFORM, (await make_tenant()).slug)
    page = await search_provisions(access, q="消防", limit=50)
    assert page.items and all("消防" in h.text for h in page.items)
    assert [h.article for h in (await search_provisions(access, q="徵用", limit=50)).items] == [
        h.article for h in (await search_provisions(access, q="征用", limit=50)).items
    ]
    assert (await search_provisions(access, q="鹦鹉螺", limit=5)).items == []


async def test_a_region_s_regulations_are_found_in_that_region_only(make_tenant: MakeTenant, shandong: None) -> None:
    taian = await open_access(PLATFORM, (await make_tenant(division_code=TAIAN)).slug)
    wenjiang = await open_access(PLATFORM, (await make_tenant(division_code=WENJIANG)).slug)
    title = "山东省安全生产条例"
    q = "在本省 生产经营单位"  # its article 2
    mine = await search_provisions(taian, q=q, limit=50)
    assert title in {h.document_title for h in mine.items}
    theirs = await search_provisions(wenjiang, q=q, limit=50)
    assert title not in {h.document_title for h in theirs.items}
    for access in (taian, wenjiang):
        assert await _searched(access, "本省", limit=10) == await _scan(access, "本省")


async def test_own_documents_stay_with_their_tenant(client: httpx.AsyncClient, make_tenant: MakeTenant) -> None:
    owner, stranger = await make_tenant(), await make_tenant()
    created = await client.post(
        f"{owner.base}/legal/documents",
        json={
            "title": "某县螺蛳粉摊点管理办法",
            "level": "normative_document",
            "version_date": "2024-01-01",
            "articles": [{"number": 1, "paragraphs": [{"text": "螺蛳粉摊点的消防检查由乡镇负责。"}]}],
        },
        headers=owner.auth(),
    )
    assert created.status_code == 201, created.text
    for q in ("螺蛳", "螺蛳粉 消防"):
        seen = await client.get(f"{owner.base}/legal/provisions", params={"q": q}, headers=owner.auth())
        assert [p["document_title"] for p in seen.json()["items"]] == ["某县螺蛳粉摊点管理办法"], q
        unseen = await client.get(f"{stranger.base}/legal/provisions", params={"q": q}, headers=stranger.auth())
        assert unseen.status_code == 200 and unseen.json()["items"] == [], q
    # merged into the shared library's hits in title order
    access = await open_access(PLATFORM, owner.slug)
    assert await _searched(access, "消防", limit=9) == await _scan(access, "消防")


async def test_a_version_stored_outside_a_load_is_searchable(make_tenant: MakeTenant) -> None:
    title = f"中华人民共和国鹈鹕保护法{uuid.uuid4().hex[:4]}"
    text = f"# {title}\n2020年1月1日 通过\n<!-- INFO END -->\n第一条 鹈鹕栖息地由县级人民政府保护。\n"
    async with platform_transaction() as conn:
        await store_law(conn, SHARED_TENANT, parse_law(text), "test")
        appended = await conn.fetchval(
            "SELECT count(*) FROM legal_search_articles a JOIN legal_documents d ON d.id = a.document_id"
            " WHERE d.title = $1 AND NOT a.ordered",
            title,
        )
    assert appended == 1
    access = await open_access(PLATFORM, (await make_tenant()).slug)
    for q in ("鹈鹕", "鹈鹕栖息地 县级", "鹕栖"):
        assert [h.document_title for h in (await search_provisions(access, q=q)).items] == [title], q
    assert await _searched(access, "栖息", limit=3) == await _scan(access, "栖息")


async def test_the_application_role_reads_the_index_and_cannot_write_it(make_tenant: MakeTenant) -> None:
    tenant = await make_tenant()
    access = await open_access(PLATFORM, tenant.slug)
    async with tenant_transaction(access.tenant.id) as conn:
        assert await conn.fetchval("SELECT count(*) FROM legal_search_postings") > 0
    with pytest.raises(Exception, match="permission denied"):
        async with tenant_transaction(access.tenant.id) as conn:
            await conn.execute("INSERT INTO legal_search_appended VALUES ('鹦鹉', 1)")


def test_postings_are_every_bigram_of_every_article() -> None:
    rng = random.Random(7)
    alphabet = "消防安全生产条例Ab \n\u3000第一条。"
    texts = ["".join(rng.choice(alphabet) for _ in range(rng.randrange(0, 30))) for _ in range(200)]
    names, lists = _postings(texts, first=5)
    got = {b: o.tolist() for b, o in zip(names, lists, strict=True)}
    expected: dict[str, list[int]] = {}
    for n, t in enumerate(texts, 5):
        for b in sorted(bigrams(t)):
            if not any(c.isspace() for c in b):
                expected.setdefault(b, []).append(n)
    assert got == expected
    assert bigrams("PM2.5") == {"pm", "m2", "2.", ".5"}  # lower-cased as ILIKE compares


async def test_a_search_after_the_library_changed_reads_the_new_index(make_tenant: MakeTenant) -> None:
    """Searches keep posting lists (and each article's region and level) in process for one
    generation of the shared library: a version stored after a search is found by the next."""
    word = _rare_word()
    access = await open_access(PLATFORM, (await make_tenant()).slug)
    assert (await search_provisions(access, q=word)).items == []
    title = f"中华人民共和国{word}保护法"
    text = f"# {title}\n2020年1月1日 通过\n<!-- INFO END -->\n第一条 {word}由县级人民政府保护。\n"
    async with platform_transaction() as conn:
        await store_law(conn, SHARED_TENANT, parse_law(text), "test")
    assert [h.document_title for h in (await search_provisions(access, q=word)).items] == [title]


# A second process searching the same database: it keeps its own copy of the shared library.
_OTHER_PROCESS = """
import asyncio, json, sys
from core.platform import db
from core.legal.documents import search_provisions
from tenants.access import open_access
from tests.conftest import PLATFORM

async def main():
    url, slug, word = sys.argv[1:4]
    await db.connect(url)
    access = await open_access(PLATFORM, slug)
    for _ in sys.stdin:  # one search per line read
        page = await search_provisions(access, q=word)
        print(json.dumps([h.document_title for h in page.items], ensure_ascii=False), flush=True)
    await db.disconnect()

asyncio.run(main())
"""


async def test_another_process_finds_a_version_stored_after_its_copy(
    database_url: str, make_tenant: MakeTenant
) -> None:
    """A version appended by this process is found at once by a process that searched before
    (its copy of the library is of the generation it read: the next statement says it is old)."""
    word = _rare_word()
    tenant = await make_tenant()
    other = await asyncio.create_subprocess_exec(
        sys.executable,
        "-c",
        _OTHER_PROCESS,
        database_url,
        tenant.slug,
        word,
        stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE,
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    assert other.stdin is not None and other.stdout is not None
    try:

        async def search_there() -> list[str]:
            assert other.stdin is not None and other.stdout is not None
            other.stdin.write(b"search\n")
            await other.stdin.drain()
            line = await asyncio.wait_for(other.stdout.readline(), timeout=120)
            return list(json.loads(line))

        assert await search_there() == []  # its copy is read, the word found nowhere
        title = f"中华人民共和国{word}保护法"
        text = f"# {title}\n2020年1月1日 通过\n<!-- INFO END -->\n第一条 {word}由县级人民政府保护。\n"
        async with platform_transaction() as conn:
            await store_law(conn, SHARED_TENANT, parse_law(text), "test")
        assert await search_there() == [title]
    finally:
        other.stdin.close()
        await asyncio.wait_for(other.wait(), timeout=60)


async def test_a_tenant_s_own_documents_never_come_from_the_shared_copy(
    client: httpx.AsyncClient, make_tenant: MakeTenant
) -> None:
    """The process's copy holds the shared library only: after the owner's searches filled it,
    another tenant's same searches (first page and every page) show none of the owner's articles."""
    owner, stranger = await make_tenant(), await make_tenant()
    word = "鹦鹉螺" + uuid.uuid4().hex[:6]
    created = await client.post(
        f"{owner.base}/legal/documents",
        json={
            "title": f"某县{word}管理办法",
            "level": "normative_document",
            "version_date": "2024-01-01",
            "articles": [{"number": n, "paragraphs": [{"text": f"{word}的消防检查由乡镇负责。"}]} for n in (1, 2)],
        },
        headers=owner.auth(),
    )
    assert created.status_code == 201, created.text
    mine, theirs = await open_access(PLATFORM, owner.slug), await open_access(PLATFORM, stranger.slug)
    for q in (word, f"{word} 消防", "消防"):
        own = [h for h in (await _searched(mine, q, limit=50)) if h[0] == f"某县{word}管理办法"]
        assert len(own) == 2, q
        assert all(h[0] != f"某县{word}管理办法" for h in await _searched(theirs, q, limit=50)), q
        assert await _searched(theirs, q, limit=50) == await _scan(theirs, q), q
