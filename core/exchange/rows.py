"""One row of a catalog file: its columns, its heading rows, its item — or what is wrong with it.

Counties write their workbooks with their own headers (:mod:`core.exchange.headers`) and
with **heading rows** between the items: ``一、基本履职事项`` says that the rows below are basic
items, ``（二）党的建设`` that they belong to the 党的建设 category. A heading row is a row
with one text only (merged across the columns, or in one cell) that either stands outside
the 事项名称 column, starts with a numbering (``一、`` ``（二）`` ``3.``), or is a list kind's or
category's label. A list kind heading starts a new part (and clears the category); a row's own
清单类型 / 类别 cells win over the headings above it. A one-text row beginning ``注：`` (or
说明、备注、附), or a 合计/小计 row, is a note and is skipped.

Everything a person wrote is matched by its Chinese label (codes are accepted too); whatever
does not match is reported by row number and column header, in the language asked
(:mod:`core.platform.messages`), with the closest labels as "did you mean"
(:mod:`core.exchange.suggest`) — never with an English code or a pattern.
"""

from __future__ import annotations

import datetime
import itertools
import re
from collections.abc import Callable
from typing import Any

import msgspec

from core.catalog.reading import ItemCreate
from core.catalog.structure import choice_code, choice_labels
from core.exchange.formulas import Formula
from core.exchange.headers import normal, synonyms
from core.exchange.layout import (
    LOCAL_COLUMNS,
    NO,
    TOWNSHIP_ALIASES,
    TOWNSHIP_LABEL,
    TOWNSHIP_PARTY,
    YES,
    Column,
    catalog_columns,
    lines,
    parse_responsibility,
    split_list,
    text_of,
)
from core.exchange.suggest import suggest
from core.exchange.tables import Table
from core.platform.errors import FieldError, ValidationFailed
from core.platform.messages import Text, render
from core.plugin_api.types import ListStructure

#: Columns a file must have: everything else has a default or comes from heading rows.
REQUIRED = ("title",)
_NUMBERING = re.compile(
    r"^\s*(?:第[一二三四五六七八九十百]+[部分类章节项]|[一二三四五六七八九十百]+\s*[、.．]|[（(]\s*[一二三四五六七八九十百\d]+\s*[)）]"
    r"|\d+\s*[、．])\s*"
)
_HEADING_TAIL = re.compile(r"[：:]\s*$|[（(][^（()）]*[)）]\s*$")
_LENGTH = re.compile(r"length <= (\d+)")
#: A note under or between the items (注：本清单自印发之日起施行), not a heading.
_NOTE = re.compile(r"^\s*(?:(?:注|说明|备注|附)\s*[\d一二三四五六七八九十]*\s*[：:]|(?:合计|小计|总计)(?:\W|\d|$))")
_TOWNSHIP = frozenset(normal(a) for a in TOWNSHIP_ALIASES)


class RowProblem(msgspec.Struct):
    """One problem of one row: the row number in the file, the column header as written there,
    what is wrong and what to do (``problem``, in the language asked), the item code if known,
    ``key`` (stable: branch on it, not on the words), the labels probably meant, and
    ``message``: all of it as one sentence."""

    row: int
    column: str
    problem: str
    code: str | None = None
    key: str = "rule"
    suggestions: list[str] = []
    #: The problem as one sentence that reads alone: 第5行「责任部门」：…
    message: str = ""


class Speaker:
    """Renders problems in one language."""

    def __init__(self, language: str) -> None:
        self.language = language

    def row(self, number: int, column: str, key: str, item_code: str | None = None, **params: Any) -> RowProblem:
        suggestions = list(params.get("suggestions") or [])
        text = render(f"row.{key}", self.language, column=column, **params)
        message = render("row.at", self.language, row=number, column=column, problem=text)
        return RowProblem(number, column, text, item_code or None, key, suggestions, message)


class Codes:
    """Label or code → code, for each coded field of the structure and for units; labels to
    suggest from."""

    def __init__(self, structure: ListStructure, units: dict[str, str]) -> None:
        def both(pairs: list[tuple[str, str]]) -> dict[str, str]:
            found = {normal(label): code for code, label in pairs}
            found.update({code: code for code, _ in pairs})
            return found

        self.structure = structure
        self.levels = both([(lv.code, lv.label) for lv in structure.levels])
        self.kinds = both([(k.code, k.label) for k in structure.kinds])
        self.categories = both([(c.code, c.label) for c in structure.categories])
        self.item_kinds = both([(c.code, c.label) for c in structure.item_kinds])
        self.units = both(list(units.items()))
        self.extra = {f.name: f for f in structure.extra_fields}
        self.labels = {
            "level": {lv.code: lv.label for lv in structure.levels},
            "kind": {k.code: k.label for k in structure.kinds},
            "category": {c.code: c.label for c in structure.categories},
            "item_kind": {c.code: c.label for c in structure.item_kinds},
        }
        self.unit_names = sorted(set(units.values()))
        ordered = sorted(structure.levels, key=lambda lv: lv.depth)
        self.top_level = ordered[0].code if ordered else ""
        self.child_level = {a.code: b.code for a, b in itertools.pairwise(ordered)}

    def label(self, field: str, code: str) -> str:
        return self.labels[field].get(code, code)

    def party(self, text: str) -> str | None:
        """A unit's code (or ``township``) for what a person wrote; None if there is none."""
        if normal(text) in _TOWNSHIP:
            return TOWNSHIP_PARTY
        return self.units.get(text) or self.units.get(normal(text))

    def heading(self, text: str) -> tuple[str, str] | None:
        """("kind" | "category", code) that a heading row names, if any."""
        bare = normal(_HEADING_TAIL.sub("", _NUMBERING.sub("", text)))
        for field, table in (("kind", self.kinds), ("category", self.categories)):
            if bare in table:
                return field, table[bare]
            if bare.endswith("清单") and bare[:-2] in table:
                return field, table[bare[:-2]]
        for field in ("kind", "category"):  # 基本履职事项（共45项）, 一、党的建设工作
            found = [(len(label), code) for code, label in self.labels[field].items() if normal(label) in bare]
            if found:
                return field, max(found)[1]
        return None


class Header:
    """Which column of the file holds which field, by the layout's header, its English key, an
    extra field's label, or a county synonym (``header_synonyms.json``)."""

    def __init__(self, table: Table, structure: ListStructure) -> None:
        columns = catalog_columns(structure) + list(LOCAL_COLUMNS)
        by_key = {c.key: c for c in columns}
        known: dict[str, Column] = {}
        for c in columns:
            known[normal(c.header)] = c
            known[c.key] = c
            if c.key.startswith("extra."):
                known[c.key[6:]] = c
        for alias, key in synonyms().items():
            if key in by_key:
                known.setdefault(alias, by_key[key])
        self.index: dict[str, int] = {}
        self.headers: dict[str, str] = {c.key: c.header for c in columns}
        unknown: list[str] = []
        problems: list[FieldError] = []
        texts: list[Text] = []
        for i, text in enumerate(table.header):
            if not text:
                continue
            column = known.get(text) or known.get(normal(text))
            if column is None:
                unknown.append(text)
            elif column.key in self.index:
                other = table.header[self.index[column.key]]
                problems.append(FieldError.said(f"columns.{text}", Text("field.appears-twice-2")))
                texts.append(Text("import.column-twice", {"column": text, "other": other, "meaning": column.header}))
            else:
                self.index[column.key] = i
                self.headers[column.key] = text
        if unknown:
            problems = [FieldError.said(f"columns.{t}", Text("field.unknown-column")) for t in unknown] + problems
            examples = ["序号", "事项名称", "清单类型", "类别", "主体责任", "配合责任", "法律依据"]
            texts.insert(0, Text("import.unknown-columns", {"columns": unknown, "examples": examples}))
        for key in REQUIRED:
            if key not in self.index:
                problems.append(FieldError.said(f"columns.{self.headers[key]}", Text("field.required-column-missing")))
                texts.append(Text("import.column-missing", {"column": self.headers[key]}))
        if problems:
            raise ValidationFailed(
                "; ".join(f"{p.field}: {p.message}" for p in problems), errors=problems, text=texts[0]
            )

    def value(self, key: str, values: list[Any]) -> Any:
        i = self.index.get(key)
        return values[i] if i is not None and i < len(values) else None


class Sections:
    """The list kind and category the heading rows above a row set."""

    def __init__(self) -> None:
        self.kind: str | None = None
        self.category: str | None = None

    def read(self, number: int, values: list[Any], header: Header, codes: Codes, speak: Speaker) -> RowProblem | bool:
        """Whether the row is a heading row (and takes it in) or a note (skipped), or the
        problem with a heading row."""
        texts = {text_of(v).strip() for v in values if text_of(v).strip()}
        if len(texts) != 1:
            return False
        text = texts.pop()
        if re.fullmatch(r"[\d.]+", text):
            return False
        if _NOTE.match(text):
            return True
        named = codes.heading(text)
        title = text_of(header.value("title", values)).strip()
        if title == text and named is None and not _NUMBERING.match(text):
            return False  # an item with nothing but its title
        if named is None:
            choices = list(codes.labels["kind"].values()) + list(codes.labels["category"].values())
            bare = _NUMBERING.sub("", text)
            where = _column_of_value(values, text, header)
            return speak.row(
                number, where, "unknown-section", value=text, choices=choices, suggestions=suggest(bare, choices)
            )
        field, code = named
        if field == "kind":
            self.kind, self.category = code, None
        else:
            self.category = code
        return True


def _column_of_value(values: list[Any], text: str, header: Header) -> str:
    for key, i in header.index.items():
        if i < len(values) and text_of(values[i]).strip() == text:
            return header.headers[key]
    return header.headers["title"]


def extra_value(raw: Any, kind: str) -> Any:
    """An extra field's cell as its value; a :class:`Text` when it cannot be one."""
    if kind == "list":
        return split_list(text_of(raw))
    if kind == "boolean":
        flag = text_of(raw).strip().lower()
        if flag in YES or flag in NO:
            return flag in YES
        return Text("row.yes-no", {"value": flag})
    if kind == "number":
        if isinstance(raw, int | float) and not isinstance(raw, bool):
            return raw
        try:
            number = float(text_of(raw).strip())
        except ValueError:
            return Text("row.not-a-number", {"value": text_of(raw)})
        return int(number) if number.is_integer() else number
    if kind == "date" and isinstance(raw, datetime.date):  # a date cell (a datetime at midnight in .xlsx)
        return (raw.date() if isinstance(raw, datetime.datetime) else raw).isoformat()
    return text_of(raw).strip() if kind in ("choice", "date") else text_of(raw)


def read_row(
    number: int,
    values: list[Any],
    header: Header,
    codes: Codes,
    sections: Sections,
    speak: Speaker,
    formulas: dict[tuple[int, int], Formula],
    level_of: Callable[[str], str | None],
) -> tuple[dict[str, Any] | None, list[RowProblem]]:
    """One item row as the document of an :class:`ItemCreate` (``code`` may be empty: the
    import numbers it), or the problems that stop it being one. ``level_of`` gives the level of
    an item already known (for the level of a row that names only its parent)."""
    problems: list[RowProblem] = []
    column = header.headers

    def text(key: str, *, strip: bool = False) -> str:
        i = header.index.get(key)
        if i is None:
            return ""
        formula = formulas.get((number, i))
        raw = values[i] if i < len(values) else None
        if formula is not None and not formula.cached:
            problems.append(speak.row(number, column[key], "formula-no-value", formula=formula.text))
            return ""
        if formula is None and isinstance(raw, str) and raw.startswith("="):
            problems.append(speak.row(number, column[key], "formula-text", formula=raw))
            return ""
        value = text_of(raw)
        return value.strip() if strip else value

    def coded(key: str, field: str, table: dict[str, str], value: str) -> str | None:
        found = table.get(value) or table.get(normal(value))
        if found is None:
            choices = list(codes.labels[field].values())
            problems.append(
                speak.row(
                    number,
                    column[key],
                    f"unknown-{field.replace('_', '-')}",
                    value=value,
                    choices=choices,
                    suggestions=suggest(value, choices),
                )
            )
        return found

    code = text("code", strip=True)
    title = text("title").strip()
    if not title and not any(p.column == column["title"] for p in problems):
        problems.append(speak.row(number, column["title"], "no-title", code))
    parent_code = text("parent_code", strip=True) or None
    level_text = text("level", strip=True)
    if level_text:
        level = coded("level", "level", codes.levels, level_text) or ""
    elif parent_code is not None:
        parent_level = level_of(parent_code)
        level = codes.child_level.get(parent_level or "", codes.top_level)
    else:
        level = codes.top_level
    kinds: list[str] = []
    kinds_text = text("kinds")
    for part in split_list(kinds_text):
        if (kind := coded("kinds", "kind", codes.kinds, part)) is not None:
            kinds.append(kind)
    category: str | None = None
    category_text = text("category", strip=True)
    if category_text:
        as_kind = codes.kinds.get(normal(category_text))
        if not codes.structure.categories:
            category = category_text
        elif as_kind is not None and normal(category_text) not in codes.categories:
            kinds = kinds or [as_kind]  # 事项类别 holding 基本履职事项: the county's way to give the kind
        else:
            category = coded("category", "category", codes.categories, category_text)
    else:
        category = sections.category
    if not kinds and not kinds_text and sections.kind:
        kinds = [sections.kind]
    if not kinds and not kinds_text:
        example = next(iter(codes.labels["kind"].values()), "")
        problems.append(speak.row(number, column["kinds"], "no-kind", code, example=example))
    item_kind_text = text("item_kind", strip=True)
    item_kind = coded("item_kind", "item_kind", codes.item_kinds, item_kind_text) if item_kind_text else None
    doc: dict[str, Any] = {
        "code": code,
        "title": title,
        "level": level,
        "kinds": kinds,
        "parent_code": parent_code,
        "category": category,
        "item_kind": item_kind,
        "description": text("description"),
        "process": text("process"),
        "citations": list(dict.fromkeys(lines(text("citations")))),
    }
    flag = text("high_frequency", strip=True).lower()
    if flag in YES or flag in NO:
        doc["high_frequency"] = flag in YES
    else:
        problems.append(speak.row(number, column["high_frequency"], "yes-no", code, value=flag))
    duties = []
    for role in ("primary", "cooperating"):
        for line in lines(text(role)):
            if re.search(r"[：:]", line):
                entries = [parse_responsibility(line)]
            else:  # 区应急管理局、区住房和城乡建设局: several units, no duty text
                entries = [parse_responsibility(part) for part in split_list(line)]
            for party_text, duty, share in entries:
                if not party_text:
                    problems.append(speak.row(number, column[role], "no-party", code, value=line))
                    continue
                party = _party(codes, party_text, number, column[role], code, speak, problems)
                if party is not None:
                    duties.append({"party": party, "role": role, "duty": duty, "financial_share": share})
    doc["responsibilities"] = duties
    unit, method, reason = text("recovery_unit", strip=True), text("recovery_method"), text("recovery_reason")
    if unit or method or reason:
        receiving = _party(codes, unit, number, column["recovery_unit"], code, speak, problems) if unit else ""
        doc["recovery"] = {"receiving_unit": receiving or "", "working_method": method, "reason": reason}
    extra: dict[str, Any] = {}
    for name, field in codes.extra.items():
        key = f"extra.{name}"
        raw = header.value(key, values)
        if raw is None or raw == "":
            continue
        value = extra_value(raw, field.type)
        if isinstance(value, Text):
            problems.append(speak.row(number, column[key], value.key[4:], code, **value.params))
            continue
        if field.choices:  # written by label (as exports write them) or by code
            value = [choice_code(field, v) for v in value] if isinstance(value, list) else choice_code(field, value)
        chosen = value if isinstance(value, list) else [value]
        if (
            field.choices
            and field.type in ("choice", "list")
            and (wrong := [v for v in chosen if v not in field.choices])
        ):
            labels = choice_labels(field)
            choices = [labels.get(c, c) for c in field.choices]
            problems.append(
                speak.row(
                    number,
                    column[key],
                    "unknown-choice",
                    code,
                    value=wrong[0],
                    choices=choices,
                    suggestions=suggest(str(wrong[0]), choices),
                )
            )
        elif value not in ("", []):
            extra[name] = value
    doc["extra"] = extra
    return (None if problems else doc), problems


def _party(
    codes: Codes, text: str, number: int, column: str, code: str, speak: Speaker, problems: list[RowProblem]
) -> str | None:
    party = codes.party(text)
    if party is None:
        choices = [*codes.unit_names, TOWNSHIP_LABEL]
        problems.append(speak.row(number, column, "unknown-unit", code, value=text, suggestions=suggest(text, choices)))
    return party


def to_item(
    number: int, doc: dict[str, Any], header: Header, speak: Speaker
) -> tuple[ItemCreate | None, list[RowProblem]]:
    """The document as an :class:`ItemCreate`; a shape problem (a malformed code, a text too
    long, an invisible character) named by its column."""
    code = doc.get("code") or None
    try:
        return msgspec.convert(doc, ItemCreate), []
    except msgspec.ValidationError as exc:
        message = str(exc)
        match = re.search(r"at `\$\.([^`]+)`", message)
        field = match[1] if match else "code"
        column = column_of(field, doc.get("responsibilities", []), header)
        if field == "code":
            return None, [speak.row(number, column, "bad-code", code, value=doc.get("code", ""))]
        if length := _LENGTH.search(message):
            return None, [speak.row(number, column, "too-long", code, limit=length[1])]
        return None, [speak.row(number, column, "bad-value", code)]
    except ValidationFailed as exc:  # a control or invisible character (core.platform.inputs)
        column = column_of(exc.errors[0].field, doc.get("responsibilities", []), header)
        return None, [speak.row(number, column, "bad-text", code)]


def column_of(field: str, duties: list[Any], header: Header) -> str:
    """The column header a problem on ``field`` (e.g. ``responsibilities[2].party``) belongs to."""
    head = re.split(r"[.\[]", field, maxsplit=1)[0]
    if head == "responsibilities":
        match = re.match(r"responsibilities\[(\d+)\]", field)
        role = "primary"
        if match and int(match[1]) < len(duties):
            duty = duties[int(match[1])]
            role = duty["role"] if isinstance(duty, dict) else duty.role
        return header.headers[role]
    if head == "recovery":
        part = field.split(".", 1)[1] if "." in field else "receiving_unit"
        return header.headers[
            {"working_method": "recovery_method", "reason": "recovery_reason"}.get(part, "recovery_unit")
        ]
    if head == "extra":
        key = field.split("[")[0]
        return header.headers.get(key, key)
    return header.headers.get(head, head)


#: A rule's message (its catalogue key) → the row problem a person reads in its place.
_EXPLAINED = {
    "field.was-used-before-codes": "code-reused",
    "field.lies-below-would-make": "parent-cycle",
    "field.withdrawn-2": "parent-withdrawn",
    "field.item-needs-parent": "needs-parent",
    "field.no-item-draft": "parent-missing",
    "field.item-cannot-sit-under": "level-under",
    "field.item-one": "item-kind-for-level",
    "field.give-every-party-financial": "shares",
    "field.financial-shares-must-sum": "shares",
    "field.item-recovered-item-name": "recovery-needed",
    "field.required": "required",
    "field.required-items": "required",
    "field.extra-date": "bad-date",
    "field.day-out-of-range": "bad-date",
}


def explain(
    number: int, problem: FieldError, item: ItemCreate, header: Header, codes: Codes, speak: Speaker
) -> RowProblem:
    """A rule's problem with an item (:func:`core.catalog.editing.item_problems`, which names
    fields and codes for API clients) as a person reads it: by its column, with labels. Read by
    the rule's catalogue key; a rule without a row wording of its own (a plugin's) is said in
    the language asked as the rule says it."""
    field, code = problem.field, item.code
    key = _EXPLAINED.get(problem.text.key if problem.text is not None else "")
    if problem.text is not None and problem.text.key == "plugin.rule":  # the plugin's own words
        return speak.row(number, column_of(field, item.responsibilities, header), "rule", code, message=problem.text)
    column = column_of(field, item.responsibilities, header)
    level = codes.label("level", item.level)
    if key == "code-reused":
        return speak.row(number, column, key, code, code=code)
    if key in ("parent-cycle", "parent-withdrawn", "parent-missing"):
        return speak.row(number, column, key, code, value=item.parent_code)
    if key == "needs-parent":
        return speak.row(number, column, key, code, level=level, top=codes.label("level", codes.top_level))
    if key == "level-under" and problem.text is not None:
        parent = codes.label("level", str(problem.text.params.get("value", "")))
        return speak.row(number, column, key, code, level=level, parent=parent)
    if key == "item-kind-for-level":
        allowed = [lv for lv in codes.structure.levels if lv.code == item.level]
        choices = [codes.label("item_kind", k) for k in (allowed[0].item_kinds if allowed else ())]
        return speak.row(number, column, key, code, level=level, choices=choices)
    if key == "shares":
        return speak.row(number, column, key, code)
    if key == "recovery-needed":
        kind = next((codes.label("kind", k) for k in item.kinds), "")
        return speak.row(number, header.headers["recovery_unit"], key, code, kind=kind)
    if field == "recovery.receiving_unit":  # a 收回 row without its receiving department
        return speak.row(number, column, "required", code)
    if key is not None and field.startswith("extra."):
        return speak.row(number, column, key, code)
    if field.startswith("extra."):
        return speak.row(number, column, "bad-value", code)
    return speak.row(number, column, "rule", code, message=problem.text or problem.message)
