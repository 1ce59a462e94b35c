"""WordprocessingML pieces python-docx has no API for: runs, fields, bookmarks, borders, shading.

Word rejects a document whose property elements stand out of the schema's order, so every
property added here goes through `place`, which puts it where ECMA-376 says it belongs.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from typing import Any

from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import nsdecls, qn

from briefgen.content.bidi import is_rtl
from briefgen.content.language import EAST_ASIAN_LANGUAGES, RTL_LANGUAGES, primary
from briefgen.content.yamlsrc import XML_ILLEGAL

# Child order of the property elements this package writes (ECMA-376 Part 1, 17.3 and 17.4).
PPR_ORDER = (
    "pStyle keepNext keepLines pageBreakBefore framePr widowControl numPr suppressLineNumbers pBdr shd tabs "
    "suppressAutoHyphens kinsoku wordWrap overflowPunct topLinePunct autoSpaceDE autoSpaceDN bidi adjustRightInd "
    "snapToGrid spacing ind contextualSpacing mirrorIndents suppressOverlap jc textDirection textAlignment "
    "textboxTightWrap outlineLvl divId cnfStyle rPr sectPr pPrChange"
).split()
RPR_ORDER = (
    "rStyle rFonts b bCs i iCs caps smallCaps strike dstrike outline shadow emboss imprint noProof snapToGrid "
    "vanish webHidden color spacing w kern position sz szCs highlight u effect bdr shd fitText vertAlign rtl cs "
    "em lang eastAsianLayout specVanish oMath"
).split()
TBLPR_ORDER = (
    "tblStyle tblpPr tblOverlap bidiVisual tblStyleRowBandSize tblStyleColBandSize tblW jc tblCellSpacing tblInd "
    "tblBorders shd tblLayout tblCellMar tblLook tblCaption tblDescription"
).split()
TCPR_ORDER = (
    "cnfStyle tcW gridSpan hMerge vMerge tcBorders shd noWrap tcMar textDirection tcFitText vAlign hideMark"
).split()
_ORDERS = {"pPr": PPR_ORDER, "rPr": RPR_ORDER, "tblPr": TBLPR_ORDER, "tcPr": TCPR_ORDER}

BOOKMARK_MAX = 40  # Word drops or breaks bookmarks with longer names
_BOOKMARK_OK = re.compile(rf"[A-Za-z][A-Za-z0-9_-]{{0,{BOOKMARK_MAX - 1}}}")
_BOOKMARK_BAD_CHAR = re.compile(r"[^A-Za-z0-9_-]")


def xml_safe(text: str) -> str:
    """Text Word can store: characters XML 1.0 forbids are dropped (the loader already warned)."""
    return XML_ILLEGAL.sub("", text)


def bookmark_name(anchor: str) -> str:
    """The Word bookmark name for an HTML anchor; used for bookmarks and for links to them alike.

    A name that is already valid (a letter, then letters, digits, '_' or '-', at most 40) is kept,
    so `block-<id>` traces a block in Word as in the PDF and HTML. Any other anchor has its other
    characters replaced by '_' and is cut to 31 characters plus '_' and 8 hex digits of the SHA-1
    of the whole anchor, so two anchors never share a name.
    """
    if _BOOKMARK_OK.fullmatch(anchor):
        return anchor
    cleaned = _BOOKMARK_BAD_CHAR.sub("_", anchor)
    if not cleaned[:1].isalpha():
        cleaned = "a" + cleaned
    return f"{cleaned[:31]}_{hashlib.sha1(anchor.encode('utf-8')).hexdigest()[:8]}"


def place(parent, child):
    """Add `child` to a pPr, rPr, tblPr or tcPr in its schema position, replacing one of the same name."""
    order = [qn(f"w:{name}") for name in _ORDERS[parent.tag.rsplit("}", 1)[1]]]
    for old in parent.findall(child.tag):
        parent.remove(old)
    later = set(order[order.index(child.tag) + 1 :])
    follower = next((el for el in parent if el.tag in later), None)
    if follower is None:
        parent.append(child)
    else:
        follower.addprevious(child)
    return child


def shade(props, fill: str) -> None:
    """Background fill for a paragraph (pPr) or a table cell (tcPr)."""
    place(props, parse_xml(f'<w:shd {nsdecls("w")} w:val="clear" w:color="auto" w:fill="{fill}"/>'))


def _edges(tag: str, edges: dict[str, tuple[int, str] | None], space: int = 0) -> str:
    sides = "".join(
        f'<w:{side} w:val="nil"/>'
        if spec is None
        else f'<w:{side} w:val="single" w:sz="{spec[0]}" w:space="{space}" w:color="{spec[1]}"/>'
        for side, spec in edges.items()
    )
    return f"<w:{tag} {nsdecls('w')}>{sides}</w:{tag}>"


def border(ppr, side: str, size: int, space: int, color: str) -> None:
    """A rule on one side of a paragraph or paragraph style (size in eighths of a point, space in points)."""
    place(ppr, parse_xml(_edges("pBdr", {side: (size, color)}, space)))


def field_start(paragraph_element, instruction: str) -> None:
    """Open a Word field (PAGE, NUMPAGES, TOC); the runs that follow are its cached result."""
    paragraph_element.append(parse_xml(f'<w:r {nsdecls("w")}><w:fldChar w:fldCharType="begin"/></w:r>'))
    paragraph_element.append(
        parse_xml(f'<w:r {nsdecls("w")}><w:instrText xml:space="preserve"> {instruction} </w:instrText></w:r>')
    )
    paragraph_element.append(parse_xml(f'<w:r {nsdecls("w")}><w:fldChar w:fldCharType="separate"/></w:r>'))


def field_end(paragraph_element) -> None:
    paragraph_element.append(parse_xml(f'<w:r {nsdecls("w")}><w:fldChar w:fldCharType="end"/></w:r>'))


def table_borders(tbl_pr, edges: dict[str, tuple[int, str] | None]) -> None:
    """Table borders by side (top, left, bottom, right, insideH, insideV): (size, colour), or None for none."""
    place(tbl_pr, parse_xml(_edges("tblBorders", edges)))


def cell_borders(tc_pr, edges: dict[str, tuple[int, str] | None]) -> None:
    """Borders of one cell, drawn over the table's."""
    place(tc_pr, parse_xml(_edges("tcBorders", edges)))


@dataclass(frozen=True)
class Format:
    """Character formatting carried down through nested inline markup."""

    bold: bool = False
    italic: bool = False
    code: bool = False
    smallcaps: bool = False
    strike: bool = False
    underline: bool = False
    valign: str = ""  # superscript or subscript
    color: str | None = None
    size: float | None = None  # points; None keeps the paragraph style's size
    rtl: bool = False  # a right-to-left run (Arabic, Hebrew...): Word lays it out and formats it as such
    lang: str = ""  # a BCP 47 tag where the words are in another language than the document's


def run_element(text: str, fmt: Format):
    """One <w:r> with `text` in `fmt`; its properties in schema order."""
    r = OxmlElement("w:r")
    rpr = OxmlElement("w:rPr")
    if fmt.code:
        fonts = OxmlElement("w:rFonts")
        for attr in ("w:ascii", "w:hAnsi", "w:cs"):
            fonts.set(qn(attr), "Liberation Mono")
        rpr.append(fonts)
    # Bold and italic twice: bCs and iCs are what Word applies to complex-script text (Arabic, Hebrew...).
    for flag, tags in (
        (fmt.bold, ("w:b", "w:bCs")),
        (fmt.italic, ("w:i", "w:iCs")),
        (fmt.smallcaps, ("w:smallCaps",)),
        (fmt.strike, ("w:strike",)),
    ):
        if flag:
            for tag in tags:
                rpr.append(OxmlElement(tag))
    if fmt.color:
        rpr.append(OxmlElement("w:color", {qn("w:val"): fmt.color}))
    if fmt.size:
        half_points = str(round(fmt.size * 2))
        rpr.append(OxmlElement("w:sz", {qn("w:val"): half_points}))
        rpr.append(OxmlElement("w:szCs", {qn("w:val"): half_points}))
    if fmt.underline:
        rpr.append(OxmlElement("w:u", {qn("w:val"): "single"}))
    if fmt.valign:
        rpr.append(OxmlElement("w:vertAlign", {qn("w:val"): fmt.valign}))
    if fmt.rtl:
        rpr.append(OxmlElement("w:rtl"))
    if fmt.lang:
        rpr.append(language_element(fmt.lang))
    if len(rpr):
        r.append(rpr)
    t = OxmlElement("w:t", {qn("xml:space"): "preserve"})
    t.text = xml_safe(text)
    r.append(t)
    return r


def language_element(tag: str):
    """`<w:lang>` naming `tag` for each class of script Word sets apart: Latin (`w:val`) always,
    East Asian and complex script (right to left) where the language is written in them."""
    lang = OxmlElement("w:lang", {qn("w:val"): tag})
    if primary(tag) in EAST_ASIAN_LANGUAGES:
        lang.set(qn("w:eastAsia"), tag)
    if primary(tag) in RTL_LANGUAGES:
        lang.set(qn("w:bidi"), tag)
    return lang


def add_bookmark(paragraph_element, number: int, name: str) -> None:
    """Wrap a paragraph's content in bookmark `name` (after its properties, as the schema wants)."""
    start = parse_xml(f'<w:bookmarkStart {nsdecls("w")} w:id="{number}" w:name="{name}"/>')
    ppr = paragraph_element.find(qn("w:pPr"))
    if ppr is None:
        paragraph_element.insert(0, start)
    else:
        ppr.addnext(start)
    paragraph_element.append(parse_xml(f'<w:bookmarkEnd {nsdecls("w")} w:id="{number}"/>'))


def keep_together(elements: list[Any]) -> None:
    """Keep these paragraphs and tables on one page, as CSS `break-inside: avoid` keeps their box.

    Word's way: every line of each paragraph together, each paragraph with the next, the last
    one free. A run of them longer than a page breaks anyway, in Word as in the PDF.
    """
    paragraphs = [p for el in elements for p in ([el] if el.tag == qn("w:p") else el.iter(qn("w:p")))]
    for index, p in enumerate(paragraphs):
        ppr = p.get_or_add_pPr()
        place(ppr, OxmlElement("w:keepLines"))
        if index < len(paragraphs) - 1:
            place(ppr, OxmlElement("w:keepNext"))


def direction(paragraph, text: str) -> None:
    """A paragraph whose text starts right to left (`content.bidi`, as the HTML's dir) is a Word bidi paragraph."""
    if is_rtl(text):
        place(paragraph.get_or_add_pPr(), OxmlElement("w:bidi"))
