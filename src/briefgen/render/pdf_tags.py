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
  out of the tree, as WeasyPrint leaves out margin boxes; `render/pdf_ua` marks it an artifact;
- a block's `Art` element carries the block's id as its title (`/T`), as the HTML's `data-block`
  does, so `check --accessibility` can say which block a finding is in;
- a contents entry is one link: WeasyPrint makes a `Link` for the `<a>`, another for its `::after`
  (the dotted leader and page number) and a third for the leader, nested. The `::after`'s words
  and annotation join the `<a>`'s `Link` (one element may hold several annotations), and the
  leader's dots, drawn for the eye, become an artifact (`render/pdf_ua`) instead of 170 full stops.

The wrapper changes nothing else. `tests/test_lang.py` and `tests/test_pdf_structure.py` read the
tree back, so a WeasyPrint that renames or reshapes the function fails there.
"""

from __future__ import annotations

import logging
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
    leader = getattr(inner, "is_leader", False)
    if (getattr(inner, "element_tag", "") or "").startswith("a::") and parent["S"] == "/Link":
        _join_link(box, parent, *args, words=not leader)
        return
    if element.get("aria-hidden") == "true" or leader:
        tuple(_ORIGINAL(box, parent, *args))  # its content is mapped, as WeasyPrint requires, and linked to nothing
        return
    link = getattr(inner, "link_annotation", None)
    if link is not None:
        link["Contents"] = pydyf.String(link_description(element))
        link["F"] = _PRINT
    lang = element.get("lang")
    own_box = "::" not in (getattr(inner, "element_tag", "") or "")  # not a pseudo-element such as ::footnote-call
    note = own_box and (element.get("data-note") is not None or "endnote" in element.get("class", "").split())
    block = element.get("data-block") if own_box and element.tag == "article" else None
    for struct in _ORIGINAL(box, parent, *args):
        if lang and "Lang" not in struct:
            struct["Lang"] = pydyf.String(lang)
        if note:
            struct["S"] = "/Note"
        if block:
            struct["T"] = pydyf.String(block)
        yield struct


def _join_link(box: Any, parent: Any, *args: Any, words: bool = True) -> None:
    """A link's pseudo-element tagged as part of the link itself: its annotation, and its marked
    content unless it is a leader's dots (`words` false), move to `parent`; the parent tree and the
    annotations point there (WeasyPrint's `nums` and `annotations`)."""
    nums, annotations = args[2], args[3]
    link = getattr(box, "link_annotation", None)
    if link is not None:
        link["Contents"] = pydyf.String(link_description(box.element))
        link["F"] = _PRINT
    for struct in _ORIGINAL(box, parent, *args):
        parent["K"].extend(kid for kid in struct["K"] if words or not isinstance(kid, int))
        for mcid, owner in list(nums.items()):
            if owner == struct.reference and words:
                nums[mcid] = parent.reference
        annotations[:] = [(parent.reference if owner == struct.reference else owner, a) for owner, a in annotations]


def link_description(element: Any) -> str:
    """What a link's annotation says to a screen reader: its words ("Figure 1", "Sanctions"), and
    "Note 3" for a note call, whose words are only a number (WCAG 2.4.4)."""
    words = " ".join("".join(element.itertext()).split())
    return f"Note {words}" if words.isdigit() else words or element.get("href", "")


def _not_reported_twice(record: logging.LogRecord) -> bool:
    """WeasyPrint's "Image ... has no required alt description", which names a cached picture file:
    `check` already warns at the figure in its block file (figure.alt)."""
    return "has no required alt description" not in str(record.msg)


def install() -> None:
    """Wrap WeasyPrint's tagging once per process (recursive calls go through the module name too)."""
    tags._build_box_tree = _build_box_tree_with_parts
    logger = logging.getLogger("weasyprint")
    if _not_reported_twice not in logger.filters:
        logger.addFilter(_not_reported_twice)
