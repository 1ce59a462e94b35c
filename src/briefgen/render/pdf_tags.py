"""The language of each part in the PDF's structure tree, which WeasyPrint's tagging leaves out.

WeasyPrint tags a PDF from its boxes (`weasyprint/pdf/tags.py`, `_build_box_tree`) and names the
document's language in the catalogue, but gives no structure element a language of its own: a
`<span lang="fr">` becomes a `/Span` without `/Lang`, so a screen reader reads French words in the
document's English voice (PDF/UA-1 7.2; Matterhorn checkpoint 11). `install()` wraps that one
function so the structure elements made for an HTML element with a `lang` attribute carry it as
`/Lang`, which their descendants inherit. The wrapper changes nothing else; `tests/test_lang.py`
reads `/Lang` back from the structure tree, so a WeasyPrint that renames the function fails there.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pydyf
from weasyprint.pdf import tags

_ORIGINAL = tags._build_box_tree
_NOT_PARTS = ("html", "body")  # the document's own language is the catalogue's /Lang


def _build_box_tree_with_lang(box: Any, parent: Any, *args: Any) -> Iterator[Any]:
    """WeasyPrint's structure elements for `box`, each with `/Lang` where its HTML element names one."""
    inner = getattr(box, "_box", box)  # an absolutely placed box stands behind a placeholder
    element = getattr(inner, "element", None)
    lang = None
    if element is not None and getattr(inner, "element_tag", None) not in _NOT_PARTS:
        lang = element.get("lang")
    for struct in _ORIGINAL(box, parent, *args):
        if lang and "Lang" not in struct:
            struct["Lang"] = pydyf.String(lang)
        yield struct


def install() -> None:
    """Wrap WeasyPrint's tagging once per process (recursive calls go through the module name too)."""
    tags._build_box_tree = _build_box_tree_with_lang
