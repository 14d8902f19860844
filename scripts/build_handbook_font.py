"""Build ``core/publication/handbook/QingdanSans-Regular.ttf``, the CJK font handbooks embed.

reportlab embeds only TrueType-outline fonts, and the OFL-licensed Chinese fonts on the
package index (Noto Sans SC) have CFF outlines. This script subsets Noto Sans SC to the
characters a county's documents use and converts the outlines to TrueType quadratics, so
that the font arrives with ``pip install`` and handbooks work on a bare machine.

Run it only to rebuild the committed font (developers; needs ``pip install fonttools``)::

    pip download --no-deps -d /tmp/font pylopdf-fonts-zh-cn==0.1.1
    python scripts/build_handbook_font.py /tmp/font/pylopdf_fonts_zh_cn-0.1.1-py3-none-any.whl

Coverage: ASCII and Latin-1, general punctuation, CJK symbols and punctuation, full-width
forms, enclosed CJK numbers, and every Han character of GBK (21,003: the whole CJK Unified
Ideographs block U+4E00–U+9FA5 and the compatibility ideographs GBK maps), which covers
the 通用规范汉字表 and place names far beyond GB 2312.
"""

from __future__ import annotations

import sys
import tempfile
import zipfile
from pathlib import Path

from fontTools import subset
from fontTools.pens.cu2quPen import Cu2QuPen
from fontTools.pens.ttGlyphPen import TTGlyphPen
from fontTools.ttLib import TTFont, newTable

SOURCE = "pylopdf_fonts_zh_cn/NotoSansSC-Regular.otf"
TARGET = Path(__file__).resolve().parent.parent / "core" / "publication" / "handbook" / "QingdanSans-Regular.ttf"
MAX_ERROR = 1.0  # font units (of 1000 per em) a quadratic curve may stray from the cubic


def gbk_characters() -> set[int]:
    """Every character GBK encodes (double-byte range 0x81–0xFE × 0x40–0xFE)."""
    found = set()
    for lead in range(0x81, 0xFF):
        for trail in range(0x40, 0xFF):
            try:
                found.add(ord(bytes((lead, trail)).decode("gbk")))
            except UnicodeDecodeError:
                pass
    return found


def codepoints() -> set[int]:
    ranges = [
        (0x20, 0x7E),  # ASCII
        (0xA0, 0xFF),  # Latin-1
        (0x2000, 0x206F),  # general punctuation
        (0x2460, 0x24FF),  # enclosed alphanumerics ①
        (0x2500, 0x257F),  # box drawing
        (0x3000, 0x303F),  # CJK symbols and punctuation
        (0x3200, 0x32FF),  # enclosed CJK ㈠
        (0xFF00, 0xFFEF),  # full-width forms
    ]
    points = {c for lo, hi in ranges for c in range(lo, hi + 1)}
    return points | gbk_characters()


def subset_font(source: Path) -> TTFont:
    options = subset.Options()
    options.layout_features = ["kern", "vert", "vrt2"]
    options.name_IDs = ["*"]
    options.name_languages = ["*"]
    options.notdef_outline = True
    options.hinting = False
    options.drop_tables += ["DSIG", "VORG", "vhea", "vmtx", "BASE"]
    font = TTFont(source)
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=codepoints())
    subsetter.subset(font)
    return font


def to_truetype(font: TTFont) -> None:
    """Replace the CFF table by glyf/loca with quadratic outlines (fontTools' otf2ttf recipe)."""
    order = font.getGlyphOrder()
    glyph_set = font.getGlyphSet()
    glyf = newTable("glyf")
    glyf.glyphOrder = order
    glyf.glyphs = {}
    for name in order:
        pen = TTGlyphPen(glyph_set)
        glyph_set[name].draw(Cu2QuPen(pen, MAX_ERROR, reverse_direction=True))
        glyf.glyphs[name] = pen.glyph()
    font["glyf"] = glyf
    font["loca"] = newTable("loca")
    del font["CFF "]
    font.sfntVersion = "\x00\x01\x00\x00"
    font["maxp"] = maxp = newTable("maxp")
    maxp.tableVersion = 0x00010000
    for field in (
        "maxZones maxTwilightPoints maxStorage maxFunctionDefs maxInstructionDefs "
        "maxStackElements maxSizeOfInstructions maxComponentElements"
    ).split():
        setattr(maxp, field, 0)
    maxp.maxZones = 1
    post = font["post"]
    post.formatType = 2.0
    post.extraNames = []
    post.mapping = {}
    post.glyphOrder = order
    font["head"].glyphDataFormat = 0


def rename(font: TTFont) -> None:
    """The OFL lets a modified font keep its name only without Reserved Font Names (Noto has
    none); the family is still renamed so that it never shadows an installed Noto Sans SC."""
    names = font["name"]
    for record in names.names:
        if record.nameID in (1, 4, 16):
            record.string = "Qingdan Sans (Noto Sans SC subset)"
        elif record.nameID == 6:
            record.string = "QingdanSans-Regular"
        elif record.nameID == 3:
            record.string = "QingdanSans-Regular;" + record.toUnicode()


def main(wheel: str) -> None:
    with tempfile.TemporaryDirectory() as tmp, zipfile.ZipFile(wheel) as zf:
        source = Path(zf.extract(SOURCE, tmp))
        font = subset_font(source)
        to_truetype(font)
        rename(font)
        TARGET.parent.mkdir(parents=True, exist_ok=True)
        font.save(TARGET)
    cmap = TTFont(TARGET).getBestCmap()
    print(f"wrote {TARGET} ({TARGET.stat().st_size:,} bytes, {len(cmap):,} characters)")


if __name__ == "__main__":
    main(*sys.argv[1:])
