"""The CJK font handbooks are set in, found once per process and embedded as a subset.

reportlab embeds TrueType-outline fonts only (``FontFile2``); the common CFF-outline fonts
(Noto/Source Han ``.otf``/``.ttc``) are refused by it. So the search looks for TrueType CJK
fonts that Debian, macOS and Windows ship, in this order, unless ``QINGDAN_HANDBOOK_FONT``
names one (``/path/font.ttc`` or ``/path/font.ttc#1`` for the second face of a collection).
``.ci/run`` installs Debian's ``fonts-wqy-zenhei``, the first candidate.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from pathlib import Path

from core.errors import QingdanError

FONT_NAME = "QingdanCJK"

#: (path, face index in a collection), best first. All have TrueType outlines and cover
#: simplified and traditional Chinese.
CANDIDATES: tuple[tuple[str, int], ...] = (
    ("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc", 0),  # Debian/Ubuntu fonts-wqy-zenhei
    ("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc", 0),  # fonts-wqy-microhei
    ("/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf", 0),  # fonts-droid-fallback
    ("/usr/share/fonts/truetype/arphic/uming.ttc", 0),  # fonts-arphic-uming
    ("/usr/share/fonts/wqy-zenhei/wqy-zenhei.ttc", 0),  # Fedora
    ("/usr/share/fonts/google-droid/DroidSansFallbackFull.ttf", 0),
    ("/Library/Fonts/Arial Unicode.ttf", 0),  # macOS
    ("/System/Library/Fonts/Supplemental/Arial Unicode.ttf", 0),
    ("C:/Windows/Fonts/simhei.ttf", 0),  # Windows
    ("C:/Windows/Fonts/simsun.ttc", 0),
)


class HandbookUnavailable(QingdanError):
    """Handbooks cannot be made on this server (no usable CJK font)."""

    status, code, title = 503, "handbook-unavailable", "Handbooks unavailable"


@dataclass(frozen=True)
class FontSpec:
    path: Path
    index: int = 0


def parse_font_setting(value: str) -> FontSpec:
    """``/path/font.ttc#2`` → that file, face 2; a bare path means face 0."""
    path, _, index = value.partition("#")
    try:
        return FontSpec(Path(path).expanduser(), int(index or 0))
    except ValueError:
        raise HandbookUnavailable(
            f"QINGDAN_HANDBOOK_FONT {value!r}: the part after '#' must be a face number"
        ) from None


def find_font(configured: str | None = None) -> FontSpec:
    """The font to use: the configured one (which must exist), else the first candidate found."""
    if configured:
        spec = parse_font_setting(configured)
        if not spec.path.is_file():
            raise HandbookUnavailable(f"QINGDAN_HANDBOOK_FONT names {spec.path}, which is not a file")
        return spec
    for path, index in CANDIDATES:
        if Path(path).is_file():
            return FontSpec(Path(path), index)
    raise HandbookUnavailable(
        "no Chinese TrueType font was found for handbooks; install one (Debian: apt-get install "
        "fonts-wqy-zenhei) or set QINGDAN_HANDBOOK_FONT to a .ttf/.ttc file with TrueType outlines"
    )


_lock = threading.Lock()
_registered: FontSpec | None = None


def register(spec: FontSpec) -> str:
    """Register ``spec`` with reportlab under :data:`FONT_NAME` (once per process) and return
    the name. reportlab subsets it per document, so only the glyphs used are embedded."""
    global _registered
    with _lock:
        if _registered == spec:
            return FONT_NAME
        from reportlab.pdfbase import pdfmetrics
        from reportlab.pdfbase.ttfonts import TTFError, TTFont

        try:
            font = TTFont(FONT_NAME, str(spec.path), subfontIndex=spec.index)
        except (TTFError, OSError) as exc:
            raise HandbookUnavailable(
                f"the font {spec.path} (face {spec.index}) cannot be embedded: {exc}; "
                "use a font with TrueType outlines (e.g. fonts-wqy-zenhei)"
            ) from exc
        pdfmetrics.registerFont(font)
        _registered = spec
        return FONT_NAME
