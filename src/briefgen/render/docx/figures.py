"""Figures in Word: an inline picture in its own centred paragraph, the numbered caption below it.

A PNG or JPEG is embedded as it is. An SVG is embedded twice, as Word 2016 and later write it:
its 300 dpi PNG fallback is the picture every reader shows, and the SVG itself hangs off the
picture's extension list, so Word draws the vector and older readers (and LibreOffice) the PNG.
The same file shown twice is stored once.

python-docx has no SVG image type: it would list an SVG part in `[Content_Types].xml` as an
Override of its own; `svg_default` turns those into one `<Default Extension="svg">`, as Word does.
"""

from __future__ import annotations

import hashlib
from dataclasses import replace
from typing import TYPE_CHECKING

from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.image.exceptions import UnrecognizedImageError
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.packuri import PackURI
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.parts.image import ImagePart
from docx.shared import Pt
from lxml import etree

from briefgen.errors import BriefgenError
from briefgen.model import Figure, Picture
from briefgen.render.docx.wml import Format, place, xml_safe
from briefgen.render.figuresize import figure_fraction

if TYPE_CHECKING:
    from briefgen.render.docx.surface import BodyWriter

SVG_TYPE = "image/svg+xml"
SVG_EXTENSION = "{96DAC541-7B7A-43D3-8B79-37D633B846F1}"  # the a:blip extension Word reads an SVG from
SVG_NS = "http://schemas.microsoft.com/office/drawing/2016/SVG/main"
WP_NS = "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing"
A_NS = "http://schemas.openxmlformats.org/drawingml/2006/main"
PIC_NS = "http://schemas.openxmlformats.org/drawingml/2006/picture"
R_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
CT_NS = "http://schemas.openxmlformats.org/package/2006/content-types"
_DOC_PR_IDS = etree.XPath("//wp:docPr/@id", namespaces={"wp": WP_NS})

# Every prefix is declared on the elements that use it, as Word writes them: docxtpl pastes the
# body's XML into the template's document.xml, whose root declares w, r and wp but not a or pic.
_INLINE = f"""<w:r {nsdecls("w")}><w:drawing><wp:inline xmlns:wp="{WP_NS}" distT="0" distB="0" distL="0" distR="0">
<wp:extent/><wp:effectExtent l="0" t="0" r="0" b="0"/><wp:docPr/>
<wp:cNvGraphicFramePr><a:graphicFrameLocks xmlns:a="{A_NS}" noChangeAspect="1"/></wp:cNvGraphicFramePr>
<a:graphic xmlns:a="{A_NS}"><a:graphicData uri="{PIC_NS}"><pic:pic xmlns:pic="{PIC_NS}">
<pic:nvPicPr><pic:cNvPr/>
<pic:cNvPicPr><a:picLocks noChangeAspect="1" noChangeArrowheads="1"/></pic:cNvPicPr></pic:nvPicPr>
<pic:blipFill><a:blip xmlns:r="{R_NS}"/><a:stretch><a:fillRect/></a:stretch></pic:blipFill>
<pic:spPr bwMode="auto"><a:xfrm><a:off x="0" y="0"/><a:ext/></a:xfrm>
<a:prstGeom prst="rect"><a:avLst/></a:prstGeom></pic:spPr>
</pic:pic></a:graphicData></a:graphic></wp:inline></w:drawing></w:r>"""
_SVG_BLIP = (
    f'<a:extLst xmlns:a="{A_NS}"><a:ext uri="{SVG_EXTENSION}">'
    f'<asvg:svgBlip xmlns:asvg="{SVG_NS}" xmlns:r="{R_NS}"/></a:ext></a:extLst>'
)


def figure(w: BodyWriter, block: Figure) -> None:
    """The picture centred in its own paragraph, then "Figure N: caption", then "Source: ..." if any.

    The picture is `block.width` of the text width where the writer stands (never wider, and
    never taller than most of the page), at the picture's own proportions; its alt text is what
    a screen reader says. The caption paragraph carries the figure's bookmark, so cross-references
    land on it, and each paragraph is kept with the next, so picture, caption and source line
    never part across a page.

    A figure without a checked picture (`picture` is None) is a bug upstream: the build stops at
    check time when a figure's file is refused, so this raises instead of writing a Word file
    that silently lacks a figure the PDF would show.
    """
    picture = block.picture
    if picture is None:
        where = f"{block.location.display()}: " if block.location else ""
        raise BriefgenError(f"{where}the figure {block.src!r} has no checked picture; run `briefgen check`")
    word = w.labels.get("figure", "Figure")
    name = f"{word} {block.number}" if block.number else picture.path.name
    p = w.paragraph("BodyText")
    fmt = p.paragraph_format
    fmt.alignment = WD_ALIGN_PARAGRAPH.CENTER
    fmt.keep_together = True
    fmt.line_spacing = 1.0  # the body's exact leading would cut the picture to one line's height
    fmt.space_before, fmt.space_after = Pt(6), Pt(0)
    text_width, text_height = w.style.text_block()
    cx, cy = extent(w, picture, figure_fraction(block, text_width, text_height))
    p._p.append(inline(w, picture, cx, cy, name, block.alt))
    paragraphs = [p]
    if block.number or block.caption:
        caption = w.paragraph("Caption")
        caption.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER  # under the centred picture, as in the PDF
        if block.number:
            label = f"{word} {block.number}" + (":" if block.caption else "")
            w.run(caption._p, label, Format(bold=True, color=w.style.theme["colors"]["accent"], lang=w.generated_lang))
            if block.caption:
                w.run(caption._p, " ", Format())
        w.inlines(caption._p, block.caption)
        paragraphs.append(caption)
    if block.id:
        w.bookmark(paragraphs[-1], block.id)  # the caption, or the picture when there is none
    if block.source:
        paragraphs.append(source_line(w, block.source))
    for index, paragraph in enumerate(paragraphs):
        # Set either way: the Caption style keeps with the next paragraph (a table caption is above it).
        paragraph.paragraph_format.keep_with_next = index < len(paragraphs) - 1
    paragraphs[-1].paragraph_format.space_after = Pt(8)  # set off from the text that follows


def source_line(w: BodyWriter, source: str):
    """ "Source: ..." under the caption, small and in the muted colour."""
    theme = w.style.theme
    p = w.paragraph("Caption")
    p.paragraph_format.space_before = Pt(0)
    p.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
    muted = Format(color=theme["colors"]["muted"])
    w.run(p._p, f"{w.labels.get('source', 'Source')}: ", replace(muted, lang=w.generated_lang))
    w.run(p._p, source, muted)
    half_points = str(round(float(theme["sizes"]["small"]) * 2))
    for r in p._p.findall(qn("w:r")):
        rpr = r.get_or_add_rPr()
        place(rpr, OxmlElement("w:sz", {qn("w:val"): half_points}))
        place(rpr, OxmlElement("w:szCs", {qn("w:val"): half_points}))
    return p


def extent(w: BodyWriter, picture: Picture, fraction: float) -> tuple[int, int]:
    """Width and height (EMU): `fraction` of the text width at the picture's aspect ratio.

    The width is capped at the text width (less any indent where the writer stands); the
    fraction comes from `render.figuresize.figure_fraction`, the rule every format follows.
    """
    available = int(w.width) - int(w.indent)
    cx = int(available * min(max(fraction, 0.0), 1.0)) or available
    ratio = picture.height / picture.width if picture.width > 0 and picture.height > 0 else 0.75
    return cx, int(cx * ratio)


def inline(w: BodyWriter, picture: Picture, cx: int, cy: int, name: str, alt: str):
    """A run holding the picture as an inline `w:drawing`, its parts related to the document."""
    r = parse_xml(_INLINE)
    for ext in (r.find(f".//{{{WP_NS}}}extent"), r.find(f".//{{{A_NS}}}ext")):
        ext.set("cx", str(cx))
        ext.set("cy", str(cy))
    shape_id = _next_shape_id(w)
    doc_pr = r.find(f".//{{{WP_NS}}}docPr")
    c_nv_pr = r.find(f".//{{{PIC_NS}}}cNvPr")
    for element, ident in ((doc_pr, shape_id), (c_nv_pr, 0)):
        element.set("id", str(ident))
        element.set("name", xml_safe(name))
        if alt:
            element.set("descr", xml_safe(alt))
    blip = r.find(f".//{{{A_NS}}}blip")
    if picture.format == "svg":
        if picture.fallback is None:
            raise BriefgenError(f"{picture.path}: an SVG figure needs its PNG fallback for Word")
        blip.set(f"{{{R_NS}}}embed", _image(w, picture.fallback))
        extensions = parse_xml(_SVG_BLIP)
        extensions.find(f".//{{{SVG_NS}}}svgBlip").set(f"{{{R_NS}}}embed", _svg(w, picture))
        blip.append(extensions)
    else:
        blip.set(f"{{{R_NS}}}embed", _image(w, picture.path))
    return r


def _image(w: BodyWriter, path) -> str:
    """The rId of a PNG or JPEG image part (python-docx stores equal images once)."""
    try:
        rid, _image = w.main.part.get_or_add_image(str(path))
    except UnrecognizedImageError as error:
        raise BriefgenError(f"{path}: Word cannot show this picture ({error})") from error
    return rid


def _svg(w: BodyWriter, picture: Picture) -> str:
    """The rId of the SVG's image part, the same part for the same SVG."""
    blob = picture.path.read_bytes()
    package = w.main.part.package
    parts = package.image_parts
    sha1 = hashlib.sha1(blob).hexdigest()
    part = next((p for p in parts if p.sha1 == sha1 and p.content_type == SVG_TYPE), None)
    if part is None:
        # Numbered with python-docx's own images (image1.png, image2.svg...), so no two share a number.
        used = {p.partname.idx for p in parts}
        number = next(n for n in range(1, len(used) + 2) if n not in used)
        part = ImagePart(PackURI(f"/word/media/image{number}.svg"), SVG_TYPE, blob)
        parts.append(part)
    return w.main.part.relate_to(part, RT.IMAGE)


def _next_shape_id(w: BodyWriter) -> int:
    """A drawing id no other drawing of the body has (Word repairs a file with duplicates).

    docxtpl numbers the body's drawings again from 1001 as it renders; this keeps the
    subdocument valid on its own.
    """
    root = w.container._element.getroottree().getroot()
    return max((int(v) for v in _DOC_PR_IDS(root) if str(v).isdigit()), default=0) + 1


def svg_default(content_types: bytes) -> bytes:
    """`[Content_Types].xml` with the SVG parts typed by one Default, as Word writes it."""
    root = etree.fromstring(content_types)
    overrides = [
        o
        for o in root.findall(f"{{{CT_NS}}}Override")
        if o.get("ContentType") == SVG_TYPE and o.get("PartName", "").lower().endswith(".svg")
    ]
    if not overrides:
        return content_types
    for override in overrides:
        root.remove(override)
    defaults = root.findall(f"{{{CT_NS}}}Default")
    if not any(d.get("Extension", "").lower() == "svg" for d in defaults):
        default = etree.Element(f"{{{CT_NS}}}Default", Extension="svg", ContentType=SVG_TYPE)
        if defaults:
            defaults[-1].addnext(default)
        else:
            root.insert(0, default)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
