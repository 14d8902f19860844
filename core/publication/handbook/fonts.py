"""The CJK font handbooks are set in, found once per process and embedded as a subset.

reportlab embeds TrueType-outline fonts only (``FontFile2``); the OFL-licensed Chinese fonts
(Noto/Source Han) have CFF outlines, which it refuses. So the package ships its own:
``QingdanSans-Regular.ttf`` beside this module, Noto Sans SC (SIL Open Font License 1.1,
``QingdanSans-OFL.txt``) subset to GBK's 21,003 Han characters plus punctuation and
converted to TrueType outlines by ``scripts/build_handbook_font.py``. It arrives with
``pip install``, so handbooks work on a bare machine. ``QINGDAN_HANDBOOK_FONT`` names another
font (``/path/font.ttc`` or ``/path/font.ttc#1`` for the second face of a collection), e.g.
one that covers characters beyond GBK.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from pathlib import Path

from core.platform.errors import QingdanError
from core.platform.messages import Text

FONT_NAME = "QingdanCJK"
BUNDLED = Path(__file__).with_name("QingdanSans-Regular.ttf")


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
        raise HandbookUnavailable(Text("handbook-unavailable.qingdan-handbook-font-part", value=value)) from None


def find_font(configured: str | None = None) -> FontSpec:
    """The font to use: the configured one (which must exist), else the bundled one."""
    if not configured:
        return FontSpec(BUNDLED)
    spec = parse_font_setting(configured)
    if not spec.path.is_file():
        raise HandbookUnavailable(Text("handbook-unavailable.qingdan-handbook-font-names", path=spec.path))
    return spec


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
                Text("handbook-unavailable.font-face-cannot-embedded", path=spec.path, index=spec.index, exc=exc)
            ) from exc
        pdfmetrics.registerFont(font)
        _registered = spec
        return FONT_NAME
