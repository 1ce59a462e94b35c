"""Each part's language in the PDF's structure tree, and hidden furniture out of it: what WeasyPrint's tagging misses.

WeasyPrint tags a PDF from its boxes (`weasyprint/pdf/tags.py`, `_build_box_tree`) and names the
document's language in the catalogue, but gives no structure element a language of its own: a
`<span lang="fr">` becomes a `/Span` without `/Lang`, so a screen reader reads French words in the
document's English voice (PDF/UA-1 7.2; Matterhorn checkpoint 11). `install()` wraps that one
function so the structure elements made for an HTML element with a `lang` attribute carry it as
`/Lang`, which their descendants inherit, gives each link annotation the link's words as its
description (WeasyPrint writes the target's id, "section-background", "fn-1") and the Print flag,
and leaves the elements of what the HTML hides from
assistive technology (`aria-hidden="true"`: the DRAFT watermark) out of the tree, as WeasyPrint
leaves out margin boxes; `render/pdf_artifacts` then marks such content as an artifact. The
wrapper changes nothing else; `tests/test_lang.py` and `tests/test_pdf_structure.py` read the tree
back, so a WeasyPrint that renames the function fails there.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pydyf
from weasyprint.pdf import tags

_ORIGINAL = tags._build_box_tree
_NOT_PARTS = ("html", "body")  # the document's own language is the catalogue's /Lang


def _build_box_tree_with_lang(box: Any, parent: Any, *args: Any) -> Iterator[Any]:
    """WeasyPrint's structure elements for `box`, each with `/Lang` where its HTML element names one;
    none for what the HTML hides from assistive technology (`render/pdf_artifacts` makes it an artifact)."""
    inner = getattr(box, "_box", box)  # an absolutely placed box stands behind a placeholder
    element = getattr(inner, "element", None)
    lang = None
    if element is not None and getattr(inner, "element_tag", None) not in _NOT_PARTS:
        lang = element.get("lang")
        if element.get("aria-hidden") == "true":
            tuple(_ORIGINAL(box, parent, *args))  # its content is mapped, as WeasyPrint requires, and linked to nothing
            return
    link = getattr(inner, "link_annotation", None)
    if link is not None and element is not None:
        link["Contents"] = pydyf.String(link_description(element))  # WeasyPrint writes the target's id
        link["F"] = 4  # Print, as PDF/UA-1 7.18 asks of annotations
    for struct in _ORIGINAL(box, parent, *args):
        if lang and "Lang" not in struct:
            struct["Lang"] = pydyf.String(lang)
        yield struct


def link_description(element: Any) -> str:
    """What a link's annotation says to a screen reader: its words ("Figure 1", "Sanctions"), and
    "Note 3" for a note call, whose words are only a number (WCAG 2.4.4)."""
    words = " ".join("".join(element.itertext()).split())
    return f"Note {words}" if words.isdigit() else words or element.get("href", "")


def install() -> None:
    """Wrap WeasyPrint's tagging once per process (recursive calls go through the module name too)."""
    tags._build_box_tree = _build_box_tree_with_lang
