"""What WeasyPrint's tagging misses, added while it builds the PDF's structure tree.

WeasyPrint tags a PDF from its boxes (`weasyprint/pdf/tags.py`, `_build_box_tree`). `install()`
wraps that one function so that, for the structure elements made for each HTML element:

- an element with a `lang` attribute carries it as `/Lang`, which its descendants inherit (a
  `<span lang="fr">` was a `/Span` read in the document's English voice; PDF/UA-1 7.2);
- a footnote (`data-note`) or an endnote (`.endnote`) is a `/Note`, not a `/Span` or a `/Div`
  (PDF/UA-1 7.9; `render/pdf_ua` gives each its ID);
- a link's annotation describes the link in its words ("Figure 1", "Note 3"), where WeasyPrint
  wrote the target's id ("section-background", "fn-1"), and prints (PDF/UA-1 7.18);
- what the HTML hides from assistive technology (`aria-hidden="true"`: the DRAFT watermark) is left
  out of the tree, as WeasyPrint leaves out margin boxes; `render/pdf_ua` marks it an artifact.

The wrapper changes nothing else. `tests/test_lang.py` and `tests/test_pdf_structure.py` read the
tree back, so a WeasyPrint that renames or reshapes the function fails there.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pydyf
from weasyprint.pdf import tags

_ORIGINAL = tags._build_box_tree
_NOT_PARTS = ("html", "body")  # the document's own language is the catalogue's /Lang
_PRINT = 4  # the annotation flag that lets it print


def _build_box_tree_with_parts(box: Any, parent: Any, *args: Any) -> Iterator[Any]:
    """WeasyPrint's structure elements for `box`, with what the HTML element says of its part."""
    inner = getattr(box, "_box", box)  # an absolutely placed box stands behind a placeholder
    element = getattr(inner, "element", None)
    if element is None or getattr(inner, "element_tag", None) in _NOT_PARTS:
        yield from _ORIGINAL(box, parent, *args)
        return
    if element.get("aria-hidden") == "true":
        tuple(_ORIGINAL(box, parent, *args))  # its content is mapped, as WeasyPrint requires, and linked to nothing
        return
    link = getattr(inner, "link_annotation", None)
    if link is not None:
        link["Contents"] = pydyf.String(link_description(element))
        link["F"] = _PRINT
    lang = element.get("lang")
    own_box = "::" not in (getattr(inner, "element_tag", "") or "")  # not a pseudo-element such as ::footnote-call
    note = own_box and (element.get("data-note") is not None or "endnote" in element.get("class", "").split())
    for struct in _ORIGINAL(box, parent, *args):
        if lang and "Lang" not in struct:
            struct["Lang"] = pydyf.String(lang)
        if note:
            struct["S"] = "/Note"
        yield struct


def link_description(element: Any) -> str:
    """What a link's annotation says to a screen reader: its words ("Figure 1", "Sanctions"), and
    "Note 3" for a note call, whose words are only a number (WCAG 2.4.4)."""
    words = " ".join("".join(element.itertext()).split())
    return f"Note {words}" if words.isdigit() else words or element.get("href", "")


def install() -> None:
    """Wrap WeasyPrint's tagging once per process (recursive calls go through the module name too)."""
    tags._build_box_tree = _build_box_tree_with_parts
