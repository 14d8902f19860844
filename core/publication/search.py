"""Keyword search over published township lists and the published catalog.

Chinese has no spaces between words, and people type either script. So both the indexed
text and the query are normalised the same way — NFKC (full-width → half-width), OpenCC's
traditional → simplified conversion, lower case — and cut into tokens:

- a run of Chinese characters becomes its overlapping **character bigrams** (``消防安全`` →
  ``消防 防安 安全``) plus its last character alone, each at its position;
- a run of Latin letters or digits is one word.

A query is read as the responsibility lookup reads an appeal (:func:`_terms`): words by jieba,
fillers dropped (低保怎么申请 → 低保 & 申请), each word with its readings of the domain lexicon
as alternatives (违建 | 违法建设, 最低生活保障 | 低保), and a word the catalog never uses with the
catalog's words that sound the same (放火 | 防火). :func:`search_items` groups the hits by item,
with the townships holding each and a total.

PostgreSQL stores that as a ``tsvector`` (no dictionary: the lexemes are ours); a query
becomes a ``tsquery`` in which a Chinese run is a phrase of its bigrams
(``消防 <-> 防安 <-> 安全``: adjacent, so it matches exactly that substring), a single
character is a prefix (``镇:*`` matches every bigram starting with it and the trailing
unigram, so every occurrence), and words are ANDed. Ranking is ``ts_rank`` with the title
weighted A, description and process B, duties, handling office and units C.

The text of an item is indexed once per content (``search_documents``, keyed by the item's
reference code and content hash, so an unchanged item is not re-indexed when a new catalog
version publishes); township lists point at it through the entries of each township's newest
published version (the open rows of ``township_entry_spans``, with their item's content hash,
which publishing maintains — migration 0010). A catalog publication indexes the documents in
bulk — see :func:`start_catalog_version`.

**Postings.** Row-level security is forced on these tables, and below a policy PostgreSQL
only uses LEAKPROOF operators as index conditions — ``@@`` is not one, so a GIN index on the
documents cannot serve the application role. ``search_postings`` is an inverted index of our
own: per tenant and lexeme, the ids of the documents containing it. A search looks up the
query's lexemes with ``BETWEEN`` on text (leakproof, so a btree index condition under the
policy; a single character or a word is a prefix range), takes the term whose rarest
lexeme(s) promise the fewest documents, and runs ``@@`` (phrase adjacency, all terms) and
``ts_rank`` on those candidates alone.

**Held.** Each document counts the open spans pointing at its content (``holders``, migration
0019), moved by the statements that open and close spans when lists are published
(:data:`core.lists.queries.CLOSE_SPANS`, :data:`~core.lists.queries.OPEN_SPANS`: a list alone, a
bulk batch) and counted when a document is stored. The grouped search keeps the documents some
published list holds by that number, without a probe of the spans per matching document; the
townships listed with each item are kept per content and generation
(:mod:`core.publication.search_holdings`), not read by its statement.
"""

from __future__ import annotations

import asyncio
import datetime
import re
import struct
import unicodedata
import uuid
from collections import defaultdict
from collections.abc import Awaitable, Callable, Iterable
from functools import lru_cache
from typing import Annotated, Any
from urllib.parse import quote

import asyncpg
import msgspec

from core.platform.db import tenant_transaction
from core.platform.errors import FieldError, InvalidInput, NotFound, ValidationFailed
from core.platform.messages import Text
from core.platform.pagination import Page, SmallPosition, check_limit, decode_cursor, encode_cursor
from core.publication import lookup, queries, search_holdings, words
from core.publication.lexicon import Lexicon, core_lexicon
from core.publication.links import item_page_path
from core.publication.lookup_index import LRU, Index
from core.security.access import Access

MAX_QUERY = 100
_CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f"
_TOKENS = re.compile(f"[{_CJK}]+|[0-9a-z]+")
_MAX_POSITION = 16383  # PostgreSQL's largest tsvector position
_MAX_POSITIONS_PER_LEXEME = 255
_MAX_WORD = 64


@lru_cache(maxsize=1)
def _t2s() -> Any:
    from opencc import OpenCC

    return OpenCC("t2s").convert


def normalise(text: str) -> str:
    """NFKC, traditional → simplified (OpenCC ``t2s``), lower case."""
    return _t2s()(unicodedata.normalize("NFKC", text)).lower()


def tokens(text: str) -> list[str]:
    """The runs of Chinese characters and of Latin letters/digits in normalised ``text``."""
    return _TOKENS.findall(normalise(text))


def _is_cjk(run: str) -> bool:
    return not run[0].isascii()


# --- documents -----------------------------------------------------------------------------


def document_vector(fields: Iterable[tuple[str, str]]) -> str:
    """A ``tsvector`` literal for ``(weight, text)`` pairs (weights A–D)."""
    return _vector_literal(_positions(fields))


def _vector_literal(positions: dict[str, list[str]]) -> str:
    return " ".join(f"'{lexeme}':{','.join(p)}" for lexeme, p in positions.items())


def _positions(fields: Iterable[tuple[str, str]]) -> dict[str, list[str]]:
    """Each lexeme's positions with weights (``"3A"``), in position order.

    A Chinese run's bigrams and its last character take consecutive positions, a word one;
    a gap follows each run (phrases never cross runs) and each field. A lexeme keeps its
    first 255 positions, as PostgreSQL would.
    """
    positions: defaultdict[str, list[str]] = defaultdict(list)
    pos = 1
    for weight, text in fields:
        if not text:
            continue
        for run in tokens(text):
            if pos > _MAX_POSITION:
                break
            if run[0].isascii():
                positions[run[:_MAX_WORD]].append(f"{pos}{weight}")
                pos += 2
                continue
            end = pos + len(run)
            grams = [*map(str.__add__, run[:-1], run[1:]), run[-1]]
            for gram, at in zip(grams, range(pos, end), strict=True):
                positions[gram].append(f"{at if at < _MAX_POSITION else _MAX_POSITION}{weight}")
            pos = end + 1
        pos += 1
    for found in positions.values():
        del found[_MAX_POSITIONS_PER_LEXEME:]
    return positions


_FLOAT4 = struct.Struct("f")
_WEIGHTS = {"D": 0.1, "C": 0.2, "B": 0.4, "A": 1.0}


def _f4(x: float) -> float:
    """``x`` rounded to single precision (float, as PostgreSQL's ``real``)."""
    return float(_FLOAT4.unpack(_FLOAT4.pack(x))[0])


@lru_cache(maxsize=4096)
def lexeme_rank(weights: str) -> float:
    """``ts_rank(document, 'lexeme')`` (default weights, no normalisation) for a lexeme whose
    positions in the document carry ``weights``, in position order: PostgreSQL's
    ``calc_rank_or`` for a one-operand query, step by step in single precision (each single
    precision operation is a double one rounded, exactly). Tested equal to ``ts_rank``."""
    resj, wjm, jm = 0.0, -1.0, 0
    for j, weight in enumerate(weights):
        w = _f4(_WEIGHTS[weight])
        resj = _f4(resj + _f4(w / ((j + 1) * (j + 1))))
        if w > wjm:
            wjm, jm = w, j
    return _f4(_f4(_f4(wjm + resj) - _f4(wjm / ((jm + 1) * (jm + 1)))) / 1.64493406685)


@lru_cache(maxsize=4096)
def _rank_text(weights: str) -> str:
    return repr(lexeme_rank(weights))


def _phrase(run: str) -> str:
    if len(run) == 1:
        return f"'{run}':*"
    return "(" + " <-> ".join(f"'{run[i : i + 2]}'" for i in range(len(run) - 1)) + ")"


def _longest_run(text: str) -> str | None:
    found = [r for r in tokens(text) if _is_cjk(r)]
    return max(found, key=len) if found else None


def _terms(q: str, lexicon: Lexicon | None = None) -> list[list[str]]:
    """The query's terms (all must match), each as its alternatives (any may match).

    The query is read as the lookup reads an appeal (:mod:`core.publication.words`,
    :mod:`core.publication.lexicon`): its words (jieba), without fillers and question words
    (低保怎么申请 → 低保, 申请), so word order does not matter (秸秆焚烧 finds 焚烧秸秆); a run of
    characters the dictionary does not know stays one term; each word's lexicon readings are
    its alternatives, in both directions (违建 → 违法建设, 最低生活保障 → 低保; :func:`_in_catalog`
    keeps those the catalog uses). A Chinese term
    matches as a phrase of its bigrams, a single character as a prefix; a query of nothing but
    fillers is searched as typed. :class:`ValidationFailed` when it has no searchable character."""
    if len(q) > MAX_QUERY:
        raise InvalidInput(
            Text("invalid-request.q-at-most-characters", MAX_QUERY=MAX_QUERY),
            errors=[FieldError.said("q", Text("field.at-most-characters-2", MAX_QUERY=MAX_QUERY))],
        )
    runs = tokens(q)
    if not runs:
        # A well-formed text the search cannot use: a rule (422), not a malformed parameter.
        message = Text("field.nothing-to-search")
        raise ValidationFailed(Text("field", field="q", message=message), errors=[FieldError.said("q", message)])
    lexicon = lexicon or core_lexicon()
    found: list[str] = []
    singles: list[str] = []

    def flush() -> None:
        if singles:
            found.append("".join(singles))
            singles.clear()

    for word in words.segment(normalise(q)):
        if len(word) == 1 and _is_cjk(word):
            if word in words.STOP_CHARS:
                flush()
            else:
                singles.append(word)
            continue
        flush()
        if word not in lexicon.stopwords:
            found.append(word if _is_cjk(word) else word[:_MAX_WORD])
    flush()
    terms = []
    for word in dict.fromkeys(found or runs):
        if not _is_cjk(word):
            terms.append([word[:_MAX_WORD]])
            continue
        readings = (_longest_run(r) for r in lexicon.readings.get(word, ()))
        terms.append(list(dict.fromkeys([word, *(r for r in readings if r and len(r) > 1)])))
    return terms


def _in_catalog(terms: list[list[str]], index: Index | None) -> list[list[str]]:
    """The terms as the catalog can match them: a word's lexicon readings stay alternatives
    only where the catalog uses them (a reading no item says finds nothing, and would cost the
    search its one-lexeme shortcut); a word none of whose forms the catalog uses gets the
    catalog's words that sound the same (森林放火 → 森林 & (放火 | 防火)). Without an index (no
    list in force) the words alone."""
    out = []
    for forms in terms:
        word = forms[0]
        if index is None or not _is_cjk(word):
            out.append([word])
            continue
        # a reading containing the word finds nothing the word does not (消防安全 for 消防)
        known = [f for f in forms[1:] if f in index.postings and word not in f]
        if len(word) > 1 and word not in index.postings and not known:
            known = list(index.typos({word: words.WORD}))
        out.append(list(dict.fromkeys([word, *known])))
    return out


def _tsquery(terms: list[list[str]]) -> str:
    parts = []
    for forms in terms:
        if not _is_cjk(forms[0]):
            parts.append(f"'{forms[0]}':*")
            continue
        alternatives = [_phrase(form) for form in forms]
        parts.append(alternatives[0] if len(alternatives) == 1 else "(" + " | ".join(alternatives) + ")")
    return " & ".join(parts)


def query_text(q: str) -> str:
    """A ``tsquery`` literal for the user's words (without the lexicon's readings, which depend
    on the catalog: see :func:`_in_catalog`); :class:`ValidationFailed` when it has no
    searchable character (only punctuation, symbols or spaces)."""
    return _tsquery(_in_catalog(_terms(q), None))


_LAST = "\U0010ffff"  # the largest code point: ``lexeme BETWEEN p AND p || _LAST`` is "starts with p"


class PostingKeys(msgspec.Struct, array_like=True):
    """The lexemes to look up for a query, one entry per (term, alternative, lexeme): an
    exact lexeme is the range ``lo = hi``, a prefix ``lo .. lo || U+10FFFF``. ``exact``: the
    documents found are exactly the matches (one term whose alternatives are one lexeme or
    prefix each), so ``@@`` need not be checked again."""

    term: list[int]
    alternative: list[int]
    lo: list[str]
    hi: list[str]
    exact: bool

    @property
    def one_lexeme(self) -> bool:
        """The query is one lexeme (not a prefix): its rank is the posting's rank."""
        return len(self.lo) == 1 and self.lo == self.hi

    def args(self) -> tuple[list[int], list[int], list[str], list[str], bool]:
        return self.term, self.alternative, self.lo, self.hi, self.exact


def posting_keys(terms: list[list[str]]) -> PostingKeys:
    keys = PostingKeys([], [], [], [], exact=len(terms) == 1)
    for t, forms in enumerate(terms):
        for a, form in enumerate(forms):
            if not _is_cjk(form) or len(form) == 1:
                ranges = [(form, form + _LAST)]
            else:
                ranges = [(form[i : i + 2], form[i : i + 2]) for i in range(len(form) - 1)]
                keys.exact = keys.exact and len(ranges) == 1
            for lo, hi in ranges:
                keys.term.append(t)
                keys.alternative.append(a)
                keys.lo.append(lo)
                keys.hi.append(hi)
    return keys


# --- maintaining the index -----------------------------------------------------------------


def _document_of(r: asyncpg.Record) -> dict[str, list[str]]:
    return _positions(
        (
            ("A", r["title"]),
            ("B", r["description"]),
            ("B", r["process"]),
            ("C", r["duties"]),
            ("C", r["handling_office"]),
            ("C", r["working_method"]),
            ("D", r["unit_names"]),
        )
    )


class _Analysed(msgspec.Struct, gc=False):
    """Documents ready to insert: the statement's columns, and each document's lexemes."""

    columns: list[list[Any]]
    lexemes: dict[tuple[Any, str, str], dict[str, list[str]]]


def _analyse(records: list[asyncpg.Record]) -> _Analysed:
    """Records of :func:`core.publication.queries.item_texts`, read by column name (kept records: every
    item of a catalog version, in a worker thread)."""
    columns: list[list[Any]] = [[] for _ in range(9)]
    lexemes: dict[tuple[Any, str, str], dict[str, list[str]]] = {}
    for r in records:
        positions = _document_of(r)
        lexemes[(r["tenant_id"], r["code"], r["content_hash"])] = positions
        values = (
            r["tenant_id"],
            r["code"],
            r["content_hash"],
            r["title"],
            r["level"],
            r["category"],
            r["item_kind"],
            "\x1f".join(r["kinds"]),
            _vector_literal(positions),
        )
        for column, value in zip(columns, values, strict=True):
            column.append(value)
    return _Analysed(columns, lexemes)


async def _store_documents(conn: asyncpg.Connection, analysed: _Analysed) -> int:
    """Insert the analysed documents (one statement) and add them to the posting lists (one
    more). Returns how many documents."""
    count = len(analysed.lexemes)
    if not count:
        return 0
    inserted = await queries.insert_documents(conn, analysed.columns)
    if inserted:
        await conn.execute(queries.HOLDERS_OF_NEW, inserted[0][0], [r[1] for r in inserted], [r[2] for r in inserted])
    lists: dict[tuple[Any, str], tuple[list[str], list[str]]] = {}
    for tenant_id, item_code, content_hash, document_id in inserted:  # conflicts are in their lists already
        document = str(document_id)
        for lexeme, found in analysed.lexemes[(tenant_id, item_code, content_hash)].items():
            ids, ranks = lists.setdefault((tenant_id, lexeme), ([], []))
            ids.append(document)
            ranks.append(_rank_text(found[0][-1] if len(found) == 1 else "".join([p[-1] for p in found])))
    if lists:
        await conn.execute(
            queries.UPSERT_POSTINGS,
            [tenant for tenant, _ in lists],
            [lexeme for _, lexeme in lists],
            ["{" + ",".join(ids) + "}" for ids, _ in lists.values()],
            ["{" + ",".join(ranks) + "}" for _, ranks in lists.values()],
        )
    return count


class CatalogIndexing:
    """The indexing of a catalog version being published, in two steps around other work.

    :func:`start_catalog_version` reads the texts and analyses them in a worker thread
    (tokenising 5,000 items takes seconds of Python); :meth:`finish` stores the documents in
    the caller's transaction. The publication propagates to the township lists in between,
    so PostgreSQL and the analysis run at the same time.
    """

    def __init__(self, analysis: asyncio.Future[_Analysed]) -> None:
        self._analysis = analysis

    async def finish(self, conn: asyncpg.Connection) -> int:
        """Store the documents (two bulk statements). Returns how many."""
        return await _store_documents(conn, await self._analysis)


async def start_catalog_version(conn: asyncpg.Connection, access: Access, version: int) -> CatalogIndexing:
    """Read the texts of the items of ``version`` whose content is not indexed yet, and start
    analysing them (see :class:`CatalogIndexing`)."""
    records = await queries.item_texts(conn, access.tenant.id, version)
    return CatalogIndexing(asyncio.ensure_future(asyncio.to_thread(_analyse, records)))


# --- searching -----------------------------------------------------------------------------

Scope = Annotated[str, msgspec.Meta(pattern="^(lists|catalog)$")]


class SearchHit(msgspec.Struct):
    item_code: str
    title: str
    level: str
    category: str | None
    item_kind: str | None
    kinds: list[str]
    rank: float
    township_code: str | None = None
    township_name: str | None = None
    portal_path: str | None = None


class SearchPage(Page[SearchHit]):
    query: str = ""


ALL_TOWNSHIPS = ("", "9" * 16)


_ItemFields = tuple[str, str, str, str | None, str | None, list[str], float]


def _item_fields(r: asyncpg.Record) -> _ItemFields:
    """The item's columns of a hit record (search_page, search_items), read by name, in the
    order of the first fields of :class:`SearchHit` and :class:`ItemHit`."""
    return (r["item_code"], r["title"], r["level"], r["category"], r["item_kind"], r["kinds"], round(r["rank"], 6))


def _entry_hits(records: list[asyncpg.Record], slug: str) -> list[SearchHit]:
    """A page of entry hits from :func:`core.publication.queries.search_page`'s records.

    A page is a few documents each held by many townships (50 entries of one item in 50
    townships), in rank, item and township order: a document's fields and its quoted code are
    read once, not once per entry (this loop was a quarter of the search's Python).
    """
    hits = []
    document: tuple[str, str | None] | None = None
    fields: _ItemFields = ("", "", "", None, None, [], 0.0)
    quoted = ""
    for r in records:
        if (r["item_code"], r["content_hash"]) != document:
            document = (r["item_code"], r["content_hash"])
            fields = _item_fields(r)
            quoted = quote(fields[0], safe="")
        township_code = r["township_code"]
        path = None if township_code is None else _items_path(slug, township_code) + quoted
        code, title, level, category, item_kind, kinds, rank = fields
        name = r["township_name"]
        hits.append(SearchHit(code, title, level, category, item_kind, list(kinds), rank, township_code, name, path))
    return hits


#: Per tenant, the (content generation, date) its last list search read. A search expands its
#: words with the vocabulary in force at that moment without asking for it (a statement, a
#: round trip); its statement returns the moment it ran at, and only when that moved is the
#: vocabulary read again — and the statement re-run only if the terms then differ.
_moments: LRU[uuid.UUID, tuple[int, datetime.date]] = LRU(4096)


async def _fetch_in_force(
    conn: asyncpg.Connection,
    access: Access,
    said: list[list[str]],
    run: Callable[[list[list[str]]], Awaitable[list[asyncpg.Record]]],
) -> tuple[list[list[str]], list[asyncpg.Record]]:
    """``run(terms)``'s records (its first row carries ``generation`` and ``today``), the terms
    being ``said`` as the vocabulary in force reads them (:func:`_in_catalog`)."""
    tenant_id = access.tenant.id
    moment = _moments.get(tenant_id)
    terms = _in_catalog(said, await lookup.vocabulary(conn, access, moment))
    while True:
        records = await run(terms)
        seen = (records[0]["generation"], records[0]["today"])
        if seen == moment:
            return terms, records
        _moments.put(tenant_id, seen)
        moment, fresh = seen, _in_catalog(said, await lookup.vocabulary(conn, access, seen))
        if fresh == terms:
            return terms, records
        terms = fresh


@lru_cache(maxsize=4096)
def _items_path(slug: str, township_code: str) -> str:
    """The item pages' common prefix, ``…/items/`` (a page of hits is one item in 50 townships)."""
    return item_page_path(slug, township_code, "")


async def search(
    access: Access,
    q: str,
    *,
    kind: str | None = None,
    category: str | None = None,
    township: str | None = None,
    scope: str = "lists",
    limit: int | None = None,
    cursor: str | None = None,
) -> SearchPage:
    """Ranked hits for ``q``: entries of the townships' latest published lists (``lists``,
    optionally one ``township``), or items of the latest published catalog (``catalog``)."""
    if scope not in ("lists", "catalog"):
        raise InvalidInput(
            Text("invalid-request.scope-lists-catalog"),
            errors=[FieldError.said("scope", Text("field.must-lists-catalog"))],
        )
    if scope == "catalog" and township:  # two valid parameters that do not go together: a rule, so 422
        raise ValidationFailed(
            Text("validation-failed.township-catalog-has-no"),
            errors=[FieldError.said("township", Text("field.only-scope-lists"))],
        )
    said = _terms(q, lookup.lexicon_for(access))
    limit = check_limit(limit, 100)
    offset = decode_cursor(cursor, SmallPosition) or 0
    bound = offset + limit + 1
    townships = (township, township) if township is not None else ALL_TOWNSHIPS

    def arguments(terms: list[list[str]], keys: PostingKeys) -> tuple[Any, ...]:
        return (access.tenant.id, _tsquery(terms), kind, category, township, offset, limit + 1, *keys.args())

    async def lists(terms: list[list[str]]) -> list[asyncpg.Record]:
        keys = posting_keys(terms)
        best = bound if keys.one_lexeme and kind is None and category is None else None
        return await queries.search_page(conn, scope, *arguments(terms, keys), bound, best, *townships)

    # Generic plans, as the grouped search (there they saved 0.4 ms of 1.3–1.5 ms of PostgreSQL CPU
    # a search; here 0–0.1 of 0.8).
    async with tenant_transaction(access.tenant.id, read_only=True, generic_plans=True) as conn:
        if scope == "catalog":
            terms = _in_catalog(said, await lookup.vocabulary(conn, access))
            records = await queries.search_page(conn, scope, *arguments(terms, posting_keys(terms)), None)
        else:
            terms, records = await _fetch_in_force(conn, access, said, lists)
            if not records[0]["township_known"]:
                raise NotFound(Text("not-found.no-township", township=township))
            if len(records) <= limit and records[0]["ranked"] == bound:
                records = await queries.search_page(
                    conn, scope, *arguments(terms, posting_keys(terms)), None, None, *townships
                )
            records = [r for r in records if r["item_code"] is not None]
    more = len(records) > limit
    return SearchPage(
        items=_entry_hits(records[:limit], access.tenant.slug),
        next_cursor=encode_cursor(offset + limit) if more else None,
        query=_tsquery(terms),
    )


# --- grouped by item -------------------------------------------------------------------------


class TownshipHolding(msgspec.Struct):
    code: str
    name: str
    portal_path: str


class ItemHit(msgspec.Struct):
    """An item matching the query, with every township whose latest published list holds it."""

    item_code: str
    title: str
    level: str
    category: str | None
    item_kind: str | None
    kinds: list[str]
    rank: float
    townships: list[TownshipHolding]


#: The townships holding each item found, per item content and generation (see
#: :mod:`core.publication.search_holdings`): at most 100,000 holdings, ~17 MB.
_holdings: search_holdings.Kept[TownshipHolding] = search_holdings.Kept(100_000)


class ItemSearchPage(Page[ItemHit]):
    total: int = 0  # items matching, over all pages
    query: str = ""


async def search_items(
    access: Access,
    q: str,
    *,
    kind: str | None = None,
    category: str | None = None,
    township: str | None = None,
    limit: int | None = None,
    cursor: str | None = None,
) -> ItemSearchPage:
    """Ranked items of the townships' latest published lists for ``q``, each once with the
    townships holding it (optionally only ``township``), and the number of items in all. The
    query is read as :func:`search` reads it."""
    said = _terms(q, lookup.lexicon_for(access))
    limit = check_limit(limit, 100)
    offset = decode_cursor(cursor, SmallPosition) or 0
    townships = (township, township) if township is not None else ALL_TOWNSHIPS

    async def grouped(terms: list[list[str]]) -> list[asyncpg.Record]:
        keys = posting_keys(terms)
        args = (access.tenant.id, _tsquery(terms), kind, category, township, offset, limit, *keys.args(), *townships)
        return await queries.search_items(conn, *args)

    # Planning the statement cost more than running it for most words (0.4–0.5 ms of a 0.4–1
    # ms generic run; the plan depends on no value).
    async with tenant_transaction(access.tenant.id, read_only=True, generic_plans=True) as conn:
        terms, records = await _fetch_in_force(conn, access, said, grouped)
        if not records[0]["township_known"]:
            raise NotFound(Text("not-found.no-township", township=township))
        page = [r for r in records if r["item_code"] is not None]  # read by name: see queries.search_items
        held = await search_holdings.holdings(
            conn,
            _holdings,
            TownshipHolding,
            access.tenant.id,
            access.tenant.slug,
            [(r["item_code"], r["content_hash"]) for r in page],
            records[0]["generation"],
            townships,
        )
    tsquery = _tsquery(terms)
    total = records[0]["total"]
    hits = [ItemHit(*_item_fields(r), holding) for r, holding in zip(page, held, strict=True)]
    more = offset + limit < total
    return ItemSearchPage(
        items=hits, next_cursor=encode_cursor(offset + limit) if more else None, total=total, query=tsquery
    )
