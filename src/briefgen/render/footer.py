"""The page footer PDF and Word share: running title at the left, marking centred, "Page X of Y" at the right.

The marking is a handling instruction, so it is never shortened and never wraps: it gets a centre
box as wide as the marking itself, and the two sides share what is left. The running title gives
way instead: where it would reach the marking it is cut after a whole word and ends with "…".
Widths are measured with the house fonts' own advance widths (Calibri, which Word names, has
Carlito's metrics), so the PDF and the Word file cut the title at the same word.
"""

from __future__ import annotations

import functools
import struct
from dataclasses import dataclass
from pathlib import Path

from briefgen.content.style import HouseStyle
from briefgen.runtime.resources import DEFAULTS

ELLIPSIS = "\u2026"
GAP = 8.0  # points between the marking and each side box
MARKING_LETTER_SPACING = 0.06  # em, as the CSS and Word's Marking style space the marking out
PAGE_LABEL = "Page 888 of 888"  # the widest page label a brief prints
WIDE_FROM = 0x2E80  # CJK radicals onwards: full-width characters


@dataclass(frozen=True)
class FooterLayout:
    """Widths in points of the footer's three boxes, and the running title as it fits the left one."""

    title: str
    left: float
    centre: float
    right: float


@functools.cache
def _advances(path: Path) -> tuple[dict[int, int], int, int]:
    """(advance width by code point, units per em, the average advance for characters the font lacks)."""
    from fontTools.ttLib import TTFont  # a WeasyPrint dependency

    font = TTFont(path, lazy=True)
    metrics = font["hmtx"].metrics
    cmap = font.getBestCmap() or {}
    widths = {code: metrics[glyph][0] for code, glyph in cmap.items() if glyph in metrics}
    # unitsPerEm straight from the raw 'head' table: decompiling it logs a warning about Carlito's dates.
    units = struct.unpack(">H", font.reader["head"][18:20])[0]
    average = int(font["OS/2"].xAvgCharWidth) if "OS/2" in font else units // 2
    return widths, units, average


def house_font(style: HouseStyle, family: str, bold: bool) -> Path:
    """The house font's file for `family` (workspace styles first), or the built-in Carlito."""
    face = "Bold" if bold else "Regular"
    for folder in (*style.style_dirs, DEFAULTS / "styles"):
        candidate = folder / "fonts" / f"{family}-{face}.ttf"
        if candidate.is_file():
            return candidate
    return DEFAULTS / "styles" / "fonts" / f"Carlito-{face}.ttf"


def text_width(text: str, font: Path, size: float, letter_spacing: float = 0.0) -> float:
    """Width in points of `text` set in `font` at `size` points, `letter_spacing` em after each character."""
    widths, units, average = _advances(font)
    # A character the house font lacks is drawn by a fallback font: a CJK one is a full em wide.
    advance = sum(widths.get(ord(char), units if ord(char) >= WIDE_FROM else average) for char in text)
    return (advance / units + letter_spacing * len(text)) * size


def fit(text: str, limit: float, font: Path, size: float) -> str:
    """`text` if it fits in `limit` points, else its longest run of whole words that fits, then "…"."""
    if text_width(text, font, size) <= limit:
        return text
    words = text.split()
    while words:
        words.pop()
        shorter = " ".join(words).rstrip(",;:.-\u2013\u2014") + ELLIPSIS
        if words and text_width(shorter, font, size) <= limit:
            return shorter
    cut = text  # a single word longer than the box: cut it by characters
    while cut and text_width(cut + ELLIPSIS, font, size) > limit:
        cut = cut[:-1]
    return cut + ELLIPSIS if cut else ""


def footer_layout(title: str, marking: str, style: HouseStyle) -> FooterLayout:
    """The footer's boxes for a title and a marking, in the house fonts and sizes."""
    t = style.theme
    size = float(t["sizes"]["small"])
    width = style.text_block()[0]
    body = house_font(style, t["fonts"]["body"], bold=False)
    heading = house_font(style, t["fonts"]["heading"], bold=True)
    centre = text_width(marking, heading, size, MARKING_LETTER_SPACING) + 2 * GAP if marking else 2 * GAP
    page = text_width(PAGE_LABEL, body, size)
    side = max((width - centre) / 2, page)  # "Page X of Y" is never cut either
    centre = width - 2 * side
    return FooterLayout(fit(" ".join(title.split()), side, body, size), side, centre, side)
