"""Characters no configured font can draw, which would print as empty boxes.

The house fonts and their fallbacks are read (with a cache of which characters each has);
every text a reader may see is checked, and each missing character is named where it is written.
"""

from __future__ import annotations

from pathlib import Path

from briefgen.content.fonts import GlyphCheck, describe, fallback_stack, house_font_files
from briefgen.content.loader import cache_file
from briefgen.content.style import HouseStyle, ThemeError, load_style
from briefgen.diagnostics import Diagnostics, Location, codes
from briefgen.model import Brief, Markdown, Workspace


def check_brief_glyphs(ws: Workspace, brief: Brief, diags: Diagnostics) -> None:
    """The brief's text against the workspace's house fonts (a broken theme.yaml is reported elsewhere)."""
    try:
        _check_glyphs(brief, load_style(ws.root), diags, cache_file(ws.root, ws.config, "fonts.json"))
    except ThemeError:
        pass  # reported once, for the workspace


def _check_glyphs(brief: Brief, style: HouseStyle, diags: Diagnostics, cache: Path | None = None) -> None:
    """Characters that no configured font can draw would print as empty boxes: name them and where."""
    house_name = str(style.theme.get("fonts", {}).get("body", "the body font"))
    fallbacks = fallback_stack(style, brief.lang)
    fonts = f"{house_name} or any fallback font ({', '.join(fallbacks) or 'none configured'})"
    if not house_font_files(style):
        return
    texts: list[tuple[str, Location | None, Markdown | None]] = [
        (brief.title + brief.subtitle, Location(brief.path), None)
    ]
    for block in brief.blocks:
        texts.append((block.title, block.locations.get("title.value", block.location), None))
        for value in block.fields.values():
            if isinstance(value, str):
                texts.append((value, block.location, None))
    for _block_id, markdown in brief.markdown_fields():
        texts.append((markdown.source, markdown.location, markdown))
    glyphs = GlyphCheck(style, cache)
    for text, location, field in texts:
        if text.isascii():
            continue
        missing = glyphs.missing(text)
        if missing:
            where = location
            if isinstance(field, Markdown) and field.locate is not None:
                first = next(c for c in text if c in missing)
                where = field.locate(first, 0)
            diags.warning(codes.FONT_MISSING_GLYPH, _missing_message(missing, fonts), where)
    glyphs.save()


def _missing_message(missing: list[str], fonts: str) -> str:
    """What is missing, from which fonts, and the Debian package likely to have it: Noto CJK for
    Chinese, Japanese and Korean, Noto's other fonts for other scripts (Ethiopic, hieroglyphs...)."""
    cjk = any(0x2E80 <= ord(c) <= 0x9FFF or 0xAC00 <= ord(c) <= 0xD7AF or 0x20000 <= ord(c) <= 0x3FFFF for c in missing)
    package = "fonts-noto-cjk" if cjk else "fonts-noto-core or fonts-noto-extra"
    several = len(missing) > 1
    return (
        f"{describe(missing)} {'have' if several else 'has'} no glyph in {fonts}; install {package} (or another "
        f"font that has {'them' if several else 'it'}) and list it under fonts.fallback in styles/theme.yaml"
    )
