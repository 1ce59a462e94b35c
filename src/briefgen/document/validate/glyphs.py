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
    hint = (
        f"has no glyph in {house_name} or any fallback font ({', '.join(fallbacks) or 'none configured'}); "
        "install fonts-noto-cjk (or a font that has it) and list it under fonts.fallback in styles/theme.yaml"
    )
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
            diags.warning(codes.FONT_MISSING_GLYPH, f"{describe(missing)} {hint}", where)
    glyphs.save()
