"""Ranking duty items for an appeal: BM25 over the items' words, and a bounded cache.

No database here: :mod:`core.publication.lookup` feeds this module the items of one published catalog
version and asks it to rank them for a query already read by :func:`core.publication.lexicon.understand`.

Terms are words (:mod:`core.publication.words`: jieba segmentation, dictionary words inside long
words, bigrams of unknown characters), never single characters — except for a query whose
content is one character, which matches the characters of the items' titles.

Ranking. Okapi BM25 (k1 = 1.2, b = 0.75) over one document per item: its title (three
times — the title is what the list says the item is), its parent's title, category and
item-kind labels, description, every party's duty text, process and recovery text. Term
statistics are those of the whole catalog version, so one index serves every township
list drawn from that version; a township's list is a subset of item codes. Each term's
contribution per item is computed when the index is built, so a query costs one pass over
the postings of its own terms. Ties are broken by item code: the same text gives the same
answer every time. The best :data:`RERANK_DEPTH` of the catalog are then re-ranked by
learned weights of a few features (:data:`FEATURES`, ``ranker.json``, fitted on the dev sets
by ``bench/fit_ranker.py``; docs/lookup.md). A query word the catalog does not know is read as the catalog's words that
sound the same (pinyin, :meth:`Index.typos`): 森林放火 finds 森林防火.

Caching. Published catalog versions and published township-list versions never change, so
an index is built once per (tenant, catalog version) and kept in a small LRU cache
(:class:`LRU`); nothing needs invalidating, an entry is only ever evicted.
"""

from __future__ import annotations

import bisect
import heapq
import json
import math
from array import array
from collections import OrderedDict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Generic, Literal, TypeVar

from core.publication import words
from core.publication.lexicon import Lexicon

K1, B = 1.2, 0.75
#: The learned re-ranking weights (bench/fit_ranker.py writes them).
RANKER_FILE = Path(__file__).with_name("ranker.json")
TITLE_REPEAT = 3
#: A word read as a catalog word that sounds the same weighs this much of the word itself.
TYPO_WEIGHT = 0.7

#: How many of the best BM25 items the learned weights re-rank.
RERANK_DEPTH = 20
#: The features the learned re-ranking weighs (:meth:`Index.features`), in order.
FEATURES = (
    "title_coverage",  # share of the query's cues (weight × idf) its title matches
    "coverage",  # share of the query's cues it matches anywhere
    "title_share",  # share of its score from terms of its title
    "literal_share",  # share of its score from the appeal's own words (not lexicon readings or sound-alikes)
    "title_length",  # log(1 + words of its title)
    "phrase",  # longest appeal word found verbatim in its title (characters, up to 4) / 4
    "relative",  # its score / the best score
    "top_cue",  # it matches the query's most informative cue
    "title_precision",  # share of its title's words (by idf) the query has
    "title_cues",  # share of the query's cues its title matches, by count
    "parent_share",  # share of its score from its parent's title words (not its own title's)
    "child",  # it has a parent item
    # candidates (bench/fit_ranker.py --only keeps a subset)
    "asked_agrees",  # whom the appeal asks (addressee) leads it: +1, another party leads: −1
    "unit_primary",  # the appeal names the kind of unit that leads it (派出所 → public-security-…)
    "unit_party",  # the appeal names the kind of one of its parties
    "unit_elsewhere",  # the appeal names a kind of unit none of its parties is
    "service_match",  # the caller asks for a service and its title says one (申请 ~ 受理, 发放)
    "wrong_match",  # the caller reports a wrong and its title says stopping one (举报 ~ 查处, 整治)
    "emergency_match",  # the caller reports an emergency and its title says responding to one
    "kind_mismatch",  # service asked and it only stops wrongs, or a wrong reported and it only serves
    "publicity",  # its title only says publicity, education or training (宣传, 培训)
    "cue_count",  # share of the query's cues it matches, by count
    "title_word_share",  # share of its title's words the query has, by count
    "best_cue",  # the information of its best cue / that of the query's best
    "last_clause",  # share of the information of the appeal's last clause it matches
    "lead_township",  # the township leads it
    "frequent",  # the list marks it high-frequency
)

#: Words by which a caller says who should act: the township (镇上能不能派人来) or a department
#: (有没有部门来指导). Not 区里 or 市里: 小区里, 超市里 are places.
TOWNSHIP_ASKED = ("镇上", "镇里", "乡里", "乡上", "街道办", "镇政府", "乡政府")
DEPARTMENT_ASKED = ("部门", "局里", "县里", "上级")

#: The everyday names of kinds of unit and the part of a party's code that says that kind
#: (the plugins' unit codes: public-security-bureau, daiyue-enforcement-bureau, …).
UNIT_WORDS: dict[str, tuple[str, ...]] = {
    "派出所": ("public-security",),
    "公安": ("public-security",),
    "警察": ("public-security",),
    "民警": ("public-security",),
    "卫生院": ("health",),
    "卫生室": ("health",),
    "卫健": ("health",),
    "疾控": ("health",),
    "市场监管": ("market-regulation",),
    "市监": ("market-regulation",),
    "工商": ("market-regulation",),
    "执法中队": ("enforcement", "urban-management"),
    "执法队": ("enforcement", "urban-management"),
    "综合执法": ("enforcement", "urban-management"),
    "城管": ("enforcement", "urban-management"),
    "村委会": ("township",),
    "居委会": ("township",),
    "村干部": ("township",),
    "村支书": ("township",),
    "环保": ("ecology-environment",),
    "生态环境局": ("ecology-environment",),
    "国土": ("natural-resources",),
    "自然资源": ("natural-resources",),
    "农业农村": ("agriculture-rural",),
    "农业局": ("agriculture-rural",),
    "农技": ("agriculture-rural",),
    "住建": ("housing-construction",),
    "建设局": ("housing-construction",),
    "消防": ("fire-rescue",),
    "应急管理": ("emergency-management",),
    "安监": ("emergency-management",),
    "民政": ("civil-affairs",),
    "医保": ("medical-security",),
    "交通局": ("transport",),
    "运管": ("transport",),
    "司法所": ("justice",),
    "人社": ("human-resources",),
    "社保局": ("human-resources",),
    "劳动监察": ("human-resources",),
    "水务": ("water",),
    "水利": ("water",),
    "林业": ("forestry", "natural-resources"),
    "文旅": ("culture-tourism",),
    "渔政": ("ocean-fisheries",),
    "学校": ("education",),
    "教育局": ("education",),
}

#: What a caller wants done, by the words that say it: a service (an application, a benefit,
#: a certificate), a wrong stopped, an emergency met.
SERVICE_ASKED = (
    "申请",
    "办理",
    "领取",
    "补贴",
    "补助",
    "证明",
    "咋个办",
    "手续",
    "报名",
    "办证",
    "申报",
    "报销",
    "材料",
    "怎么领",
    "咋个领",
    "能不能领",
    "去哪办",
    "在哪办",
)
WRONG_REPORTED = (
    "举报",
    "投诉",
    "乱",
    "偷",
    "污染",
    "没人管",
    "违法",
    "违规",
    "私自",
    "擅自",
    "非法",
    "扰民",
    "噪音",
    "破坏",
    "霸占",
    "无证",
    "黑作坊",
    "占道",
    "臭",
)
EMERGENCY_REPORTED = (
    "着火",
    "起火",
    "失火",
    "火灾",
    "塌",
    "垮",
    "淹",
    "洪水",
    "救命",
    "爆炸",
    "泄漏",
    "被困",
    "冲走",
    "溺水",
    "滑坡",
    "泥石流",
    "紧急",
    "危险",
)

#: What an item does, by its title's words (the lists' own verbs).
SERVICE_ITEM = (
    "审批",
    "受理",
    "发放",
    "办理",
    "登记",
    "申请",
    "补贴",
    "补助",
    "证明",
    "核发",
    "许可",
    "审核",
    "初审",
    "认定",
    "备案",
    "救助",
    "给付",
    "服务",
)
WRONG_ITEM = (
    "查处",
    "监督",
    "检查",
    "整治",
    "处罚",
    "巡查",
    "制止",
    "劝阻",
    "执法",
    "取缔",
    "治理",
    "打击",
    "监管",
    "纠正",
    "拆除",
    "没收",
    "查封",
    "扣押",
    "责令",
    "管理",
)
EMERGENCY_ITEM = ("应急", "救援", "抢险", "处置", "防汛", "救灾", "疏散", "转移", "防御", "事故")
PUBLICITY_ITEM = ("宣传", "教育", "培训", "普及", "引导")

CLAUSE_ENDS = "，。！？；,.!?;、\n "


def addressee(text: str) -> Literal["township", "department"] | None:
    """Whom the appeal asks to act, when it says so: a department first (镇上的部门 asks a
    department), then the township; ``None`` for most appeals."""
    if any(w in text for w in DEPARTMENT_ASKED):
        return "department"
    if any(w in text for w in TOWNSHIP_ASKED):
        return "township"
    return None


@dataclass(frozen=True)
class Appeal:
    """What the re-ranking reads from the appeal's text beyond its terms (read once a query)."""

    asked: Literal["township", "department"] | None = None  # addressee()
    units: frozenset[str] = frozenset()  # code parts of the kinds of unit it names
    wants: frozenset[str] = frozenset()  # service, wrong, emergency
    last: str = ""  # its last clause (normalised), when it has several


def read_appeal(text: str) -> Appeal:
    if not text:
        return Appeal()
    units = frozenset(part for w, parts in UNIT_WORDS.items() if w in text for part in parts)
    wants = set()
    if any(w in text for w in SERVICE_ASKED):
        wants.add("service")
    if any(w in text for w in WRONG_REPORTED):
        wants.add("wrong")
    if any(w in text for w in EMERGENCY_REPORTED):
        wants.add("emergency")
    clauses = [c for c in "".join("|" if ch in CLAUSE_ENDS else ch for ch in text).split("|") if c]
    return Appeal(addressee(text), units, frozenset(wants), clauses[-1] if len(clauses) > 1 else "")


def _acts(title: str) -> frozenset[str]:
    found = set()
    for kind, verbs in (
        ("service", SERVICE_ITEM),
        ("wrong", WRONG_ITEM),
        ("emergency", EMERGENCY_ITEM),
        ("publicity", PUBLICITY_ITEM),
    ):
        if any(v in title for v in verbs):
            found.add(kind)
    return frozenset(found)


def cue_is_word(term: str, weight: float, groups: dict[str, str] | None) -> bool:
    """An appeal's own word (not a part, bigram, reading or sound-alike) of two or more characters."""
    return weight >= words.WORD and len(term) > 1 and not (groups and term in groups)


@dataclass(frozen=True)
class Ranker:
    """Learned weights of :data:`FEATURES` (empty: plain BM25)."""

    weights: tuple[float, ...] = ()


def load_ranker(path: Path = RANKER_FILE) -> Ranker:
    if not path.exists():
        return Ranker()
    data = json.loads(path.read_text(encoding="utf-8"))
    if tuple(data.get("features", ())) != FEATURES:
        return Ranker()  # fitted for other features: refit (bench/fit_ranker.py)
    return Ranker(tuple(float(w) for w in data["weights"]))


RANKER = load_ranker()

K = TypeVar("K")
V = TypeVar("V")


@dataclass
class Document:
    """The text of one item, by field (see the module docstring for the weights)."""

    code: str
    title: str
    context: list[str] = field(default_factory=list)  # parent title, labels, duties, process …
    parent: str = ""  # the parent item's title (also in ``context``), for the re-ranking features
    parties: tuple[str, ...] = ()  # its parties' codes, the leading one first (re-ranking features)
    frequent: bool = False  # the list marks it high-frequency (re-ranking features)

    def token_counts(self, stopwords: frozenset[str]) -> dict[str, float]:
        counts: dict[str, float] = {}
        title = words.terms(self.title, stopwords)
        title.update(words.characters(self.title))  # only one-character queries use these
        for tok, w in title.items():
            counts[tok] = counts.get(tok, 0.0) + w * TITLE_REPEAT
        for text in self.context:
            for tok, w in words.terms(text, stopwords).items():
                counts[tok] = counts.get(tok, 0.0) + w
        return counts


@dataclass(frozen=True)
class Hit:
    code: str
    score: float


class Index:
    """BM25 postings of a set of documents, each term's contribution precomputed."""

    def __init__(self, documents: Iterable[Document], lexicon: Lexicon) -> None:
        docs = list(documents)
        self.codes: list[str] = [d.code for d in docs]
        self._position = {code: i for i, code in enumerate(self.codes)}
        counts = [d.token_counts(lexicon.stopwords) for d in docs]
        lengths = [sum(c.values()) for c in counts]
        n = len(docs)
        avg = (sum(lengths) / n) if n else 1.0
        df: dict[str, int] = {}
        for c in counts:
            for tok in c:
                df[tok] = df.get(tok, 0) + 1
        self.idf = {tok: math.log(1 + (n - f + 0.5) / (f + 0.5)) for tok, f in df.items()}
        building: dict[str, tuple[list[int], list[float]]] = {}
        for i, c in enumerate(counts):
            norm = K1 * (1 - B + B * lengths[i] / avg) if avg else K1
            for tok, tf in c.items():
                positions, contributions = building.setdefault(tok, ([], []))
                positions.append(i)
                contributions.append(self.idf[tok] * tf * (K1 + 1) / (tf + norm))
        # Per term, the items' positions (ascending) and their contributions, as two packed
        # arrays: 12 bytes a posting instead of ~100 in a dict of floats, so the indexes of 200
        # tenants' catalogs fit one process's cache (5 MB → 0.7 MB for 380 items).
        self.postings: dict[str, tuple[array[int], array[float]]] = {
            tok: (array("i", p), array("d", c)) for tok, (p, c) in building.items()
        }
        self._sounds: dict[str, list[str]] | None = None
        # the words of each item's title and the title itself, for the re-ranking features
        self.titles: list[str] = [d.title for d in docs]
        self.title_terms: list[frozenset[str]] = [frozenset(words.terms(d.title, lexicon.stopwords)) for d in docs]
        self.parent_terms: list[frozenset[str]] = [
            frozenset(words.terms(d.parent, lexicon.stopwords)) if d.parent else frozenset() for d in docs
        ]
        self.parties: list[tuple[str, ...]] = [d.parties for d in docs]
        self.acts: list[frozenset[str]] = [_acts(d.title) for d in docs]
        self.frequent: list[bool] = [d.frequent for d in docs]

    def typos(self, query: dict[str, float]) -> dict[str, tuple[str, float]]:
        """For each word of ``query`` (two or more Chinese characters, full weight) the catalog
        does not know: the catalog's words that sound the same, with the word they replace
        and the weight (:data:`TYPO_WEIGHT`) — 放火 → 防火."""
        unknown = [t for t, w in query.items() if w >= words.WORD and t not in self.postings and len(t) > 1]
        if not unknown:
            return {}
        if self._sounds is None:  # built on the first typo, not with the index: most queries need none
            sounds: dict[str, list[str]] = {}
            for term in self.postings:
                if len(term) > 1 and not term.startswith(words.CHAR):
                    sounds.setdefault(words.pinyin_key(term), []).append(term)
            self._sounds = sounds
        found: dict[str, tuple[str, float]] = {}
        for t in unknown:
            for alike in self._sounds.get(words.pinyin_key(t), ()):
                found.setdefault(alike, (t, query[t] * TYPO_WEIGHT))
        return found

    def __len__(self) -> int:
        return len(self.codes)

    def estimated_bytes(self) -> int:
        """About what the index takes in memory: 12 bytes a posting (packed), ~400 a term (its
        string, two arrays, two dict slots, an idf float), ~150 an item code."""
        postings = sum(len(p[0]) for p in self.postings.values())
        return 12 * postings + 400 * len(self.postings) + 150 * len(self.codes)

    def rank(
        self,
        query: dict[str, float],
        allowed: frozenset[str] | set[str] | None = None,
        k: int | None = None,
        groups: dict[str, str] | None = None,
        text: str = "",
    ) -> list[Hit]:
        """Items with a positive score, best first (ties by code): every one, or the best
        ``k``; ``allowed`` restricts the ranking to those item codes. ``groups`` maps terms
        that are alternatives of one another (the readings of one lexicon entry, the
        sound-alikes of one word) to a shared key: an item scores the best of a group's
        terms it contains, not their sum (着火 read as 消防, 火灾, 失火 is one cue, not three)."""
        scores: dict[int, float] = {}
        get = scores.get
        best: dict[tuple[int, str], float] = {}
        for tok, weight in query.items():
            posting = self.postings.get(tok)
            if not posting:
                continue
            group = groups.get(tok) if groups else None
            for i, contribution in zip(*posting, strict=True):
                if group is None:
                    scores[i] = get(i, 0.0) + weight * contribution
                elif weight * contribution > best.get((i, group), 0.0):
                    best[(i, group)] = weight * contribution
        for (i, _), value in best.items():
            scores[i] = get(i, 0.0) + value
        codes = self.codes
        pairs = [(-score, codes[i]) for i, score in scores.items()]
        if RANKER.weights and len(pairs) > 1:
            # over every scored item, before ``allowed``: an item's score must not depend on
            # which list it is ranked in (a lookup without a place ranks the whole catalog and
            # must agree with every township's own lookup; tests/test_lookup_everywhere.py)
            pairs = self._rerank(pairs, query, groups, read_appeal(text))
        if allowed is not None:
            pairs = [p for p in pairs if p[1] in allowed]
        pairs = heapq.nsmallest(k, pairs) if k is not None else sorted(pairs)
        return [Hit(code, round(-score, 4)) for score, code in pairs]

    def _rerank(
        self, pairs: list[tuple[float, str]], query: dict[str, float], groups: dict[str, str] | None, appeal: Appeal
    ) -> list[tuple[float, str]]:
        """The best :data:`RERANK_DEPTH` of ``pairs`` (−score, code) with each score × exp(w · f),
        the learned weights of :data:`RANKER` over :meth:`features`, scaled so that the first
        keeps the best BM25 score (scores stay on the scale the parent/child shares and the
        answer's ``score`` have always used); the rest after them, unchanged but never above."""
        top = heapq.nsmallest(RERANK_DEPTH, pairs)
        cues = self.cues(query, groups)
        best = -top[0][0]
        w = RANKER.weights
        logs = [
            math.log(-neg)
            + sum(
                a * b
                for a, b in zip(
                    w, self.features(query, groups, cues, self._position[code], -neg, best, appeal), strict=True
                )
            )
            for neg, code in top
        ]
        high = max(logs)
        out = [(-best * math.exp(v - high), code) for v, (_, code) in zip(logs, top, strict=True)]
        if len(pairs) > RERANK_DEPTH:
            chosen = {code for _, code in top}
            floor = max(neg for neg, _ in out)
            out += [(max(neg, floor), code) for neg, code in pairs if code not in chosen]
        return out

    def cues(self, query: dict[str, float], groups: dict[str, str] | None) -> dict[str, float]:
        """The query's cues (a group of alternative terms is one cue) and the information
        (weight × idf) of each: the best of its terms the catalog knows."""
        cues: dict[str, float] = {}
        for t, w in query.items():
            if t in self.idf:
                cue = groups.get(t, t) if groups else t
                cues[cue] = max(cues.get(cue, 0.0), w * self.idf[t])
        return cues

    def features(
        self,
        query: dict[str, float],
        groups: dict[str, str] | None,
        cues: dict[str, float],
        i: int,
        score: float,
        best: float,
        appeal: Appeal = Appeal(),
    ) -> list[float]:
        """What the learned re-ranking weighs for item ``i`` (see :data:`FEATURES`)."""
        total = sum(cues.values()) or 1.0
        top_cue = max(cues, key=lambda c: (cues[c], c)) if cues else None
        title = self.title_terms[i]
        got: dict[str, float] = {}
        in_title: dict[str, float] = {}
        from_title = from_parent = literal = whole = 0.0
        parent = self.parent_terms[i]
        for t, w in query.items():
            posting = self.postings.get(t)
            if not posting:
                continue
            c = self._contribution(posting, i)
            if c is None:
                continue
            cue = groups.get(t, t) if groups else t
            info = w * self.idf[t]
            got[cue] = max(got.get(cue, 0.0), info)
            whole += w * c
            if t in title:
                in_title[cue] = max(in_title.get(cue, 0.0), info)
                from_title += w * c
            elif t in parent:
                from_parent += w * c
            if cue == t:
                literal += w * c
        whole = whole or 1.0
        text = self.titles[i]
        phrase = max((len(t) for t, w in query.items() if cue_is_word(t, w, groups) and t in text), default=0)
        parties = self.parties[i]
        lead = parties[0] if parties else ""
        if appeal.asked is None or not lead:
            asked = 0.0
        else:
            asked = 1.0 if (lead == "township") == (appeal.asked == "township") else -1.0
        named = appeal.units
        unit_primary = 1.0 if named and lead and any(part in lead for part in named) else 0.0
        unit_party = 1.0 if named and any(part in p for p in parties for part in named) else 0.0
        acts = self.acts[i]
        wants = appeal.wants
        mismatch = ("service" in wants and "wrong" not in wants and "wrong" in acts and "service" not in acts) or (
            "wrong" in wants and "service" not in wants and "service" in acts and "wrong" not in acts
        )
        last_total = last_got = 0.0
        if appeal.last:
            for said, info in cues.items():
                if said in appeal.last:
                    last_total += info
                    last_got += got.get(said, 0.0)
        return [
            sum(in_title.values()) / total,
            sum(got.values()) / total,
            from_title / whole,
            literal / whole,
            math.log1p(len(title)),
            min(phrase, 4) / 4,
            score / best if best else 0.0,
            1.0 if top_cue is not None and top_cue in got else 0.0,
            sum(self.idf.get(t, 0.0) for t in title if t in query) / (sum(self.idf.get(t, 0.0) for t in title) or 1.0),
            len(in_title) / len(cues) if cues else 0.0,
            from_parent / whole,
            1.0 if parent else 0.0,
            asked,
            unit_primary,
            unit_party,
            1.0 if named and not unit_party else 0.0,
            1.0 if "service" in wants and "service" in acts else 0.0,
            1.0 if "wrong" in wants and "wrong" in acts else 0.0,
            1.0 if "emergency" in wants and "emergency" in acts else 0.0,
            1.0 if mismatch else 0.0,
            1.0 if acts == {"publicity"} else 0.0,
            len(got) / len(cues) if cues else 0.0,
            sum(1 for t in title if t in query) / (len(title) or 1),
            max(got.values(), default=0.0) / (max(cues.values()) if cues else 1.0),
            last_got / last_total if last_total else 0.0,
            1.0 if lead == "township" else 0.0,
            1.0 if self.frequent[i] else 0.0,
        ]

    def terms(self, query: dict[str, float], code: str) -> list[str]:
        """The query's tokens that item ``code`` matched, strongest first."""
        i = self._position[code]
        parts = []
        for t, w in query.items():
            posting = self.postings.get(t)
            if posting:
                contribution = self._contribution(posting, i)
                if contribution is not None:
                    parts.append((w * contribution, t))
        return [t for _, t in sorted(parts, key=lambda p: (-p[0], p[1]))]

    @staticmethod
    def _contribution(posting: tuple[array[int], array[float]], i: int) -> float | None:
        positions, contributions = posting
        j = bisect.bisect_left(positions, i)
        return contributions[j] if j < len(positions) and positions[j] == i else None

    def coverage(self, query: dict[str, float], code: str) -> float:
        """Share of the query's information (weight × idf of its known tokens) that item
        ``code`` matched: 0 … 1, a plain-language confidence."""
        useful = [(t, w) for t, w in query.items() if t in self.idf]
        total = sum(w * self.idf[t] for t, w in useful)
        if not total:
            return 0.0
        got = sum(query[t] * self.idf[t] for t in self.terms(query, code))
        return round(min(1.0, got / total), 4)


class LRU(Generic[K, V]):
    """A small least-recently-used map (asyncio code: no locking needed)."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._data: OrderedDict[K, V] = OrderedDict()

    def get(self, key: K) -> V | None:
        value = self._data.get(key)
        if value is None:
            return None
        self._data.move_to_end(key)
        return value

    def put(self, key: K, value: V) -> None:
        self._data[key] = value
        self._data.move_to_end(key)
        while len(self._data) > self.size:
            self._data.popitem(last=False)

    def clear(self) -> None:
        self._data.clear()

    def __len__(self) -> int:
        return len(self._data)


class SizedLRU(Generic[K, V]):
    """Least-recently-used values bounded by their (estimated) bytes overall and per tenant.

    Keys are tuples starting with the tenant id. A tenant over ``tenant_share`` of the budget
    evicts its own least-recently-used values first, so one national tenant looking up in
    thousands of townships cannot push every county's catalog index out (which made a
    lookup rebuild its index — ~90 ms — on every request with 200 tenants in rotation)."""

    def __init__(self, max_bytes: int, tenant_share: float = 0.25) -> None:
        self.max_bytes = max_bytes
        self.tenant_share = tenant_share
        self._data: OrderedDict[K, tuple[int, V]] = OrderedDict()
        self._tenant_bytes: dict[object, int] = {}
        self.total_bytes = 0

    def get(self, key: K) -> V | None:
        found = self._data.get(key)
        if found is None:
            return None
        self._data.move_to_end(key)
        return found[1]

    def put(self, key: K, value: V, size: int) -> None:
        self._drop(key)
        limit = int(self.max_bytes * self.tenant_share)
        if size > limit:
            return
        tenant = self._tenant(key)
        self._data[key] = (size, value)
        self._tenant_bytes[tenant] = self._tenant_bytes.get(tenant, 0) + size
        self.total_bytes += size
        if self._tenant_bytes[tenant] > limit:
            for old in [k for k in self._data if self._tenant(k) == tenant]:
                if self._tenant_bytes.get(tenant, 0) <= limit:
                    break
                self._drop(old)
        while self.total_bytes > self.max_bytes:
            self._drop(next(iter(self._data)))

    @staticmethod
    def _tenant(key: K) -> object:
        return key[0] if isinstance(key, tuple) else key

    def _drop(self, key: K) -> None:
        found = self._data.pop(key, None)
        if found is None:
            return
        tenant = self._tenant(key)
        self.total_bytes -= found[0]
        left = self._tenant_bytes[tenant] - found[0]
        if left:
            self._tenant_bytes[tenant] = left
        else:
            del self._tenant_bytes[tenant]

    def tenant_usage(self, tenant: object) -> int:
        return self._tenant_bytes.get(tenant, 0)

    def clear(self) -> None:
        self._data.clear()
        self._tenant_bytes.clear()
        self.total_bytes = 0

    def __len__(self) -> int:
        return len(self._data)
