"""Where an appeal happened, read from its text: the tenant's division tree and landmarks.

A caller of a 12345 hotline says 涌泉街道, 涌泉, 踏水村 or 风动石 far more often than a platform
sends a division code. A :class:`Gazetteer` holds every name that can point at a place of one
tenant:

- each division's **name** (townships, villages/communities, grids, and the districts/counties
  above them, whose names must be read too so that 兰山区 is not taken for 兰山街道);
- its **short form** without the suffix of its kind (涌泉街道 → 涌泉, 踏水村 → 踏水), unless the
  short form is a common word (公平, 幸福, 和平: jieba's dictionary knows them as frequent), which
  would invent places in ordinary sentences;
- its ``aliases`` (a list in the division's attributes);
- the plugin's **landmarks** (hook ``qingdan_landmarks``: markets, schools, scenic spots …).

:meth:`Gazetteer.read` finds the names in a text (longest first, never overlapping) and decides:
one township named (directly, or through a village, grid or landmark inside it) → that township,
with the village when one was named; several → no township, the candidates with the words that
named each (a district named beside them narrows them down); none → no township. Nothing is
guessed: a lookup without a place named and without a location parameter names no township.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Literal

from core.jurisdictions.divisions import KINDS, TOWNSHIP_LEVEL
from core.publication import words

Form = Literal["name", "alias", "landmark", "short"]
_FORM_LABEL = {"name": "名称", "alias": "别名", "landmark": "地标", "short": "简称"}
#: Suffixes dropped for a short form, by level (the longest that fits is dropped).
_SUFFIXES = {
    1: ("市",),
    2: ("区", "县", "市"),
    3: ("街道办事处", "经济开发区", "办事处", "开发区", "街道", "镇", "乡"),
    4: ("社区居委会", "居委会", "村委会", "社区", "村"),
}
#: A short form jieba's dictionary counts at least this often is an everyday word (公平 1646,
#: 幸福 3342), not a place: only the full name counts for it.
COMMON_WORD = 200


@dataclass(frozen=True)
class DivisionRow:
    code: str
    name: str
    kind: str
    parent_code: str | None
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True)
class Place:
    """A division a name may mean, with the township (and village) it lies in."""

    code: str
    name: str
    level: int
    township: str | None  # None above township level
    township_name: str
    village: str | None = None
    village_name: str = ""

    @property
    def label(self) -> str:
        if self.township is None or self.code == self.township:
            return self.name
        return f"{self.township_name}{self.name}"


@dataclass(frozen=True)
class Mention:
    """A name found in the text."""

    words: str
    form: Form
    places: tuple[Place, ...]
    start: int

    @property
    def townships(self) -> set[str]:
        return {p.township for p in self.places if p.township is not None}

    def reason(self, place: Place) -> str:
        what = "landmark" if self.form == "landmark" else self.form
        return f"文中“{self.words}”是{place.label}的{_FORM_LABEL[what]}"


@dataclass(frozen=True)
class Candidate:
    township: str
    township_name: str
    reason: str


@dataclass
class PlaceReading:
    """What the text says about the place: the township (and village) when one is named, or
    the candidates when several are; the mentions, and the spans of text they cover."""

    mentions: list[Mention] = field(default_factory=list)
    township: Place | None = None  # a township-level place
    village: Place | None = None
    words: list[str] = field(default_factory=list)  # the words that named the township
    reason: str = ""
    candidates: list[Candidate] = field(default_factory=list)

    def without_places(self, text: str) -> str:
        """``text`` (normalised) with the mentioned division names blanked out: a division's
        name says where, not what (涌泉街道 must not match items about 街道). A landmark's name
        stays: it may say what too (风动石 is a scenic spot: 旅游)."""
        chars = list(text)
        for m in self.mentions:
            if m.form == "landmark":
                continue
            chars[m.start : m.start + len(m.words)] = "，" * len(m.words)
        return "".join(chars)


def _short(name: str, level: int) -> str | None:
    for suffix in _SUFFIXES.get(level, ()):
        if name.endswith(suffix) and len(name) - len(suffix) >= 2:
            return name[: -len(suffix)]
    return None


class Gazetteer:
    """Every name of one tenant's places (see the module docstring)."""

    def __init__(self, divisions: Iterable[DivisionRow], landmarks: Iterable[tuple[str, str]] = ()) -> None:
        rows = {d.code: d for d in divisions}
        places = {code: self._place(code, rows) for code in rows}
        names: dict[str, tuple[Form, dict[str, Place]]] = {}

        def add(name: str, form: Form, place: Place) -> None:
            key = words.normalise(name).strip()
            if len(key) >= 2:
                names.setdefault(key, (form, {}))[1][place.code] = place

        for code, row in rows.items():
            add(row.name, "name", places[code])
            for alias in row.aliases:
                add(alias, "alias", places[code])
        for name, code in landmarks:
            if code in places:
                add(name, "landmark", places[code])
        # Short forms last: one that equals a name, alias or landmark means that, never a short
        # form; several divisions sharing a short form keep it, ambiguous.
        shorts: dict[str, dict[str, Place]] = {}
        for code, row in rows.items():
            short = _short(words.normalise(row.name), places[code].level)
            if short and short not in names and words.word_frequency(short) < COMMON_WORD:
                shorts.setdefault(short, {})[code] = places[code]
        for short, meant in shorts.items():
            names[short] = ("short", meant)
        self._by_prefix: dict[str, list[tuple[str, Form, tuple[Place, ...]]]] = {}
        for key, (form, meant) in names.items():
            self._by_prefix.setdefault(key[:2], []).append((key, form, tuple(meant.values())))
        for entries in self._by_prefix.values():
            entries.sort(key=lambda e: -len(e[0]))
        self.size = len(names)

    @staticmethod
    def _place(code: str, rows: dict[str, DivisionRow]) -> Place:
        row = rows[code]
        level = KINDS[row.kind].level if row.kind in KINDS else 0
        chain: list[DivisionRow] = []
        current: DivisionRow | None = row
        while current is not None and len(chain) < 8:
            chain.append(current)
            current = rows.get(current.parent_code or "")
        township = next((r for r in chain if r.kind in KINDS and KINDS[r.kind].level == TOWNSHIP_LEVEL), None)
        village = next((r for r in chain if r.kind in KINDS and KINDS[r.kind].level == TOWNSHIP_LEVEL + 1), None)
        return Place(
            code=code,
            name=row.name,
            level=level,
            township=township.code if township else None,
            township_name=township.name if township else "",
            village=village.code if village else None,
            village_name=village.name if village else "",
        )

    def mentions(self, text: str) -> list[Mention]:
        """The names in normalised ``text``: longest first, never overlapping, in text order."""
        found: list[tuple[int, int, str, Form, tuple[Place, ...]]] = []
        for i in range(len(text) - 1):
            for key, form, meant in self._by_prefix.get(text[i : i + 2], ()):
                if text.startswith(key, i):
                    found.append((i, len(key), key, form, meant))
        taken = [False] * len(text)
        chosen = []
        for i, size, key, form, meant in sorted(found, key=lambda f: (-f[1], f[0])):
            if not any(taken[i : i + size]):
                taken[i : i + size] = [True] * size
                chosen.append(Mention(key, form, meant, i))
        return sorted(chosen, key=lambda m: m.start)

    def read(self, text: str) -> PlaceReading:
        """The township (and village) normalised ``text`` names, or the candidates (see the
        module docstring)."""
        mentions = self.mentions(text)
        reading = PlaceReading(mentions=mentions)
        located = [m for m in mentions if m.townships]
        if not located:
            return reading
        above = [p.code for m in mentions for p in m.places if p.township is None]
        definite = [m for m in located if len(m.townships) == 1]
        pool = definite or located
        options: dict[str, list[tuple[Mention, Place]]] = {}
        for m in pool:
            for p in m.places:
                if p.township is not None and (not above or any(p.code.startswith(a) for a in above)):
                    options.setdefault(p.township, []).append((m, p))
        if len(options) == 1:
            ((township, named),) = options.items()
            # the most specific place named in that township, also by a name that alone is
            # ambiguous (李官乡朱陈村: 朱陈村 is a village of two towns, 李官乡 says which)
            inside = [(m, p) for m in located for p in m.places if p.township == township]
            mention, place = max(inside, key=lambda mp: mp[1].level)
            reading.township = self._township_of(place)
            if place.village is not None:
                reading.village = Place(
                    place.village, place.village_name, TOWNSHIP_LEVEL + 1, township, place.township_name
                )
            reading.words = list(dict.fromkeys(m.words for m, _ in named))
            reading.reason = mention.reason(place)
            return reading
        for township, named in sorted(options.items()):
            mention, place = named[0]
            reading.candidates.append(Candidate(township, place.township_name, mention.reason(place)))
        return reading

    @staticmethod
    def _township_of(place: Place) -> Place:
        assert place.township is not None, "only places inside a township are chosen"
        return Place(place.township, place.township_name, TOWNSHIP_LEVEL, place.township, place.township_name)


def division_rows(records: Sequence[tuple[str, str, str, str | None, Sequence[str]]]) -> list[DivisionRow]:
    """Rows of :func:`core.publication.queries.divisions` as :class:`DivisionRow`."""
    return [
        DivisionRow(code, name, kind, parent, tuple(a for a in aliases if isinstance(a, str)))
        for code, name, kind, parent, aliases in records
    ]
