"""The house fonts inside a standalone HTML file, cut down to the characters the page uses.

A brief's HTML is mailed and published as one file, so its fonts travel inside it as data: URLs.
Whole fonts made each file about 1.6 MB (four Carlito faces of 2,782 glyphs each, for about a
hundred characters used). Each face is now subset to the characters of the page (its text, its
markup and its CSS, whose generated content such as list bullets is in the page too; see
`embed_fonts` for how far around them), keeping the OpenType features browsers apply by default
(kerning, ligatures, contextual forms) and those the CSS can ask for (small caps), and dropping
TrueType hinting, which today's browsers mostly ignore (web font services serve fonts without
it), then compressed as WOFF2: about 30-40 KB a face.

A subset is a modified font, and the SIL Open Font License reserves a font's name (Carlito's
"Reserved Font Name") for unmodified versions: each subset is renamed in its name table
("Briefgen Subset"), its copyright and licence entries kept, while the page's CSS goes on naming
the family by the theme's name. A file fontTools cannot read is left out, as WeasyPrint leaves it
out of the PDF. The PDF is untouched: WeasyPrint embeds its own subsets.
"""

from __future__ import annotations

import base64
import functools
import io
import logging
from pathlib import Path

EMPTY = "data:font/ttf;base64,"  # a font that could not be read: nothing embedded, the browser falls back
SUBSET_FAMILY = "Briefgen Subset"
_PLACEHOLDER = "briefgen-font-to-embed:"
# Name table entries that carry the font's name: family, subfamily, unique id, full name, PostScript
# name, typographic family and subfamily, WWS family and subfamily.
_NAME_IDS = (1, 2, 3, 4, 6, 16, 17, 21, 22)
# Features the house CSS can ask for beyond the browsers' defaults: small caps ([text]{.smallcaps}),
# figures of each kind.
_CSS_FEATURES = ["smcp", "c2sc", "sups", "subs", "tnum", "lnum", "onum", "pnum"]


def placeholder(name: str) -> str:
    """What the CSS says for font `name` until the page's characters are known (`embed_fonts`)."""
    return f"{_PLACEHOLDER}{name}"


def embed_fonts(page: str, files: dict[str, Path]) -> str:
    """`page` with each font's placeholder replaced by that font, subset to the page's characters.

    Subset to every character of each run of 128 code points the page touches (Basic Latin, Latin-1,
    the general punctuation...), not to the page's exact characters: the pages of one brief then
    share one subset, made once per process (about a second a face), and an edit in the preview
    that adds a letter does not make a new one.
    """
    characters = "".join(chr(code) for code in sorted(_runs(page)))
    for name, path in files.items():
        stat = path.stat()
        page = page.replace(placeholder(name), _subset_data_url(path, stat.st_mtime_ns, stat.st_size, characters))
    return page


def _runs(page: str) -> set[int]:
    """The code points of each aligned run of 128 that a character of `page` falls in."""
    starts = {ord(c) & ~0x7F for c in page}
    return {code for start in starts for code in range(start, start + 0x80) if not 0xD800 <= code < 0xE000}


@functools.lru_cache(maxsize=32)
def _subset_data_url(path: Path, mtime_ns: int, size: int, characters: str) -> str:
    """One face as a WOFF2 data: URL holding the glyphs of `characters`; cached by file state and text
    (serve re-renders the preview on every save)."""
    from fontTools import subset  # a WeasyPrint dependency; imported here as only HTML output needs it
    from fontTools.ttLib import TTFont

    quiet = logging.getLogger("fontTools.ttLib.tables._h_e_a_d")  # "'created' timestamp seems very low"
    level = quiet.level
    quiet.setLevel(logging.ERROR)
    try:
        font = TTFont(path, recalcTimestamp=False)
        options = subset.Options()
        options.hinting = False
        options.layout_features = [*options.layout_features, *_CSS_FEATURES]
        options.name_IDs = ["*"]
        options.name_languages = ["*"]
        options.notdef_outline = True
        subsetter = subset.Subsetter(options)
        subsetter.populate(text=characters)
        subsetter.subset(font)
        _rename(font)
        font.flavor = "woff2"
        buffer = io.BytesIO()
        font.save(buffer, reorderTables=False)
    except Exception:  # any damage fontTools finds
        return EMPTY
    finally:
        quiet.setLevel(level)
    return "data:font/woff2;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


def _rename(font) -> None:
    """The subset's own name, "Briefgen Subset" and the face's style, in every record that names it."""
    names = font["name"]
    style = names.getDebugName(2) or "Regular"
    for record in list(names.names):
        if record.nameID not in _NAME_IDS:
            continue
        value = {
            1: SUBSET_FAMILY,
            16: SUBSET_FAMILY,
            21: SUBSET_FAMILY,
            2: style,
            17: style,
            22: style,
            6: f"{SUBSET_FAMILY.replace(' ', '')}-{style.replace(' ', '')}",
        }.get(record.nameID, f"{SUBSET_FAMILY} {style}")
        names.setName(value, record.nameID, record.platformID, record.platEncID, record.langID)
