"""Chinese numerals as used in legal texts and citations, both ways.

``parse_number`` reads what people write in article, paragraph and item numbers:
``一``…``九``, ``十``, ``百``, ``千``, ``万``, ``零``/``〇``, ``两``, Arabic digits and full-width
digits, and digit-by-digit forms such as ``二〇二四``. ``to_chinese`` renders the form the
published texts use (``第七十七条``, ``第一百一十条``, ``第一百零五条``).
"""

from __future__ import annotations

import functools

__all__ = [
    "NUMERAL_CHARS",
    "article_label",
    "item_label",
    "item_marker",
    "paragraph_label",
    "parse_number",
    "to_chinese",
]

_DIGITS: dict[str, int] = {
    "零": 0,
    "〇": 0,
    "○": 0,
    "一": 1,
    "二": 2,
    "两": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}
_DIGITS.update({str(d): d for d in range(10)})
_DIGITS.update({chr(0xFF10 + d): d for d in range(10)})  # full-width ０…９
_UNITS: dict[str, int] = {"十": 10, "拾": 10, "百": 100, "佰": 100, "千": 1000, "仟": 1000}
_MYRIAD = "万"

#: Every character ``parse_number`` accepts, for building regular expressions.
NUMERAL_CHARS = "".join(_DIGITS) + "".join(_UNITS) + _MYRIAD

_CN_DIGITS = "零一二三四五六七八九"


@functools.lru_cache(maxsize=8192)  # article numbers repeat: 10,000 citations, a few hundred numerals
def parse_number(text: str) -> int:
    """The value of a Chinese or Arabic numeral; ``ValueError`` when it is not one.

    ``一百二十三`` → 123, ``十`` → 10, ``二十`` → 20, ``一百零五`` → 105, ``3`` / ``３`` → 3,
    ``二〇二四`` → 2024 (digit by digit when no unit character appears). The colloquial
    ``一百一`` (a trailing digit right after a unit, without ``零``) counts one unit lower: 110.
    """
    s = "".join(text.split())
    if not s:
        raise ValueError("empty numeral")
    if any(ch not in _DIGITS and ch not in _UNITS and ch != _MYRIAD for ch in s):
        raise ValueError(f"not a numeral: {text!r}")
    if all(ch in _DIGITS for ch in s):
        value = 0
        for ch in s:
            value = value * 10 + _DIGITS[ch]
        return value
    parts = s.split(_MYRIAD)
    if len(parts) == 1:
        return _parse_section(s, text)
    if len(parts) > 2 or not parts[0]:
        raise ValueError(f"not a numeral: {text!r}")
    high, low = parts
    value = _parse_section(high, text) * 10000
    stripped = low.lstrip("零〇○")
    if not stripped:
        return value
    if stripped == low and len(low) == 1:
        return value + _DIGITS[low] * 1000  # colloquial 三万五 = 35000
    return value + _parse_section(stripped, text)


def _parse_section(s: str, original: str) -> int:
    """A numeral below 10000 written with units (十, 百, 千)."""
    if all(ch in _DIGITS for ch in s):
        if len(s) == 1:
            return _DIGITS[s]
        raise ValueError(f"not a numeral: {original!r}")
    value = 0
    digit: int | None = None
    last_unit = 10**5
    zero_seen = False
    for i, ch in enumerate(s):
        if ch in _UNITS:
            unit = _UNITS[ch]
            if unit >= last_unit:
                raise ValueError(f"units out of order in {original!r}")
            if digit is None:
                if unit != 10 or not (i == 0 or zero_seen):  # 十二, 一百零十 (sic)
                    raise ValueError(f"unit without a digit in {original!r}")
                digit = 1
            value += digit * unit
            digit = None
            last_unit = unit
            zero_seen = False
        else:
            d = _DIGITS[ch]
            if d == 0:
                if digit is not None:
                    raise ValueError(f"misplaced zero in {original!r}")
                zero_seen = True
                continue
            if digit is not None:
                raise ValueError(f"two digits without a unit in {original!r}")
            digit = d
    if digit is not None:
        if last_unit >= 100 and last_unit <= 1000 and not zero_seen:
            value += digit * last_unit // 10  # 一百一 = 110, 三千五 = 3500
        else:
            value += digit
    return value


@functools.lru_cache(maxsize=8192)  # labels of cited articles: thousands of citations, few numbers
def to_chinese(n: int) -> str:
    """``n`` in Chinese numerals as legal texts write them: 10 → 十, 110 → 一百一十, 105 → 一百零五.

    ``ValueError`` for negative numbers and from 10**8 on.
    """
    if n < 0:
        raise ValueError("negative numbers have no article number")
    if n == 0:
        return "零"
    if n >= 10**8:
        raise ValueError(f"{n} is too large")
    high, low = divmod(n, 10000)
    if high:
        rest = _section(low, leading=False) if low else ""
        if low and low < 1000:
            rest = "零" + rest
        return _section(high, leading=True) + _MYRIAD + rest
    return _section(low, leading=True)


def _section(n: int, *, leading: bool) -> str:
    out: list[str] = []
    pending_zero = False
    for unit, name in ((1000, "千"), (100, "百"), (10, "十"), (1, "")):
        d, n = divmod(n, unit)
        if d == 0:
            if out:
                pending_zero = True
            continue
        if pending_zero:
            out.append("零")
            pending_zero = False
        if unit == 10 and d == 1 and not out and leading:
            out.append("十")  # 十二, not 一十二, at the start of a number
        else:
            out.append(_CN_DIGITS[d] + name)
    return "".join(out)


def article_label(n: int) -> str:
    """``第七十七条``."""
    return f"第{to_chinese(n)}条"


def paragraph_label(n: int) -> str:
    """``第二款``."""
    return f"第{to_chinese(n)}款"


def item_marker(n: int) -> str:
    """``（三）``, the marker that opens an item's line."""
    return f"（{to_chinese(n)}）"


def item_label(n: int) -> str:
    """``第（三）项``, as citations write it."""
    return f"第{item_marker(n)}项"
