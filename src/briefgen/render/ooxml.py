"""Small WordprocessingML pieces that python-docx has no API for: fields and paragraph borders."""

from __future__ import annotations

from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls


def field_start(paragraph_element, instruction: str) -> None:
    """Open a Word field (PAGE, NUMPAGES, TOC); the runs that follow are its cached result."""
    paragraph_element.append(parse_xml(f'<w:r {nsdecls("w")}><w:fldChar w:fldCharType="begin"/></w:r>'))
    paragraph_element.append(
        parse_xml(f'<w:r {nsdecls("w")}><w:instrText xml:space="preserve"> {instruction} </w:instrText></w:r>')
    )
    paragraph_element.append(parse_xml(f'<w:r {nsdecls("w")}><w:fldChar w:fldCharType="separate"/></w:r>'))


def field_end(paragraph_element) -> None:
    paragraph_element.append(parse_xml(f'<w:r {nsdecls("w")}><w:fldChar w:fldCharType="end"/></w:r>'))


def border(ppr, side: str, size: int, space: int, color: str) -> None:
    """A rule on one side of a paragraph style (sizes in eighths of a point, as Word counts)."""
    ppr.append(
        parse_xml(
            f'<w:pBdr {nsdecls("w")}><w:{side} w:val="single" w:sz="{size}" w:space="{space}" '
            f'w:color="{color}"/></w:pBdr>'
        )
    )
