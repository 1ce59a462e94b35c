"""The Word page furniture the PDF also has: the footer line's widths and the diagonal DRAFT watermark.

The footer of the house template is a one-row table (running title, marking, "Page X of Y");
its columns get the widths `render.footer` computes for the PDF's margin boxes. A draft gets the
watermark Word itself inserts from Design > Watermark > "DRAFT": a VML text shape in the header,
behind the text, which Word and LibreOffice both draw on every page.
"""

from __future__ import annotations

from xml.sax.saxutils import escape

from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Pt

from briefgen.content.style import HouseStyle
from briefgen.render.docx.wml import place
from briefgen.render.footer import FooterLayout, house_font, text_width

WATERMARK_SIZE = 110.0  # points, as the PDF's .draft-stamp
WATERMARK_ANGLE = 35  # degrees counter-clockwise: the CSS rotate(-35deg)
WATERMARK_OPACITY = 0.12  # as the PDF's .draft-stamp
# Word's text-path shape type (#_x0000_t136, "WordArt"), exactly as Word writes it with a watermark.
_TEXT_PATH_TYPE = """<v:shapetype id="_x0000_t136" coordsize="21600,21600" o:spt="136" adj="10800"
 path="m@7,l@8,m@5,21600l@6,21600e"><v:formulas><v:f eqn="sum #0 0 10800"/><v:f eqn="prod #0 2 1"/>
<v:f eqn="sum 21600 0 @1"/><v:f eqn="sum 0 0 @2"/><v:f eqn="sum 21600 0 @3"/><v:f eqn="if @0 @3 0"/>
<v:f eqn="if @0 21600 @1"/><v:f eqn="if @0 0 @2"/><v:f eqn="if @0 @4 21600"/><v:f eqn="mid @5 @6"/>
<v:f eqn="mid @8 @5"/><v:f eqn="mid @7 @8"/><v:f eqn="mid @6 @7"/><v:f eqn="sum @6 0 @5"/></v:formulas>
<v:path textpathok="t" o:connecttype="custom" o:connectlocs="@9,0;@10,10800;@11,21600;@12,10800"
 o:connectangles="270,180,90,0"/><v:textpath on="t" fitshape="t"/><v:handles>
<v:h position="#0,bottomRight" xrange="6629,14971"/></v:handles><o:lock v:ext="edit" text="t" shapetype="t"/>
</v:shapetype>"""


def set_footer_widths(document, boxes: FooterLayout) -> None:
    """Give each three-column footer table the widths of the PDF's bottom margin boxes."""
    widths = [int(Pt(w).twips) for w in (boxes.left, boxes.centre, boxes.right)]
    for section in document.sections:
        for table in section.footer.tables:
            grid = table._tbl.tblGrid.findall(qn("w:gridCol"))
            if len(grid) != 3:
                continue  # a workspace template with a footer of its own
            place(table._tbl.tblPr, parse_xml(f'<w:tblW {nsdecls("w")} w:w="{sum(widths)}" w:type="dxa"/>'))
            for column, width in zip(grid, widths, strict=True):
                column.set(qn("w:w"), str(width))
            for row in table.rows:
                for tc, width in zip(row._tr.tc_lst, widths, strict=False):
                    place(tc.get_or_add_tcPr(), parse_xml(f'<w:tcW {nsdecls("w")} w:w="{width}" w:type="dxa"/>'))


def watermark_run(text: str, style: HouseStyle) -> str:
    """The header run holding the diagonal watermark `text`, sized as the PDF's stamp."""
    t = style.theme
    font_file = house_font(style, t["fonts"]["heading"], bold=True)
    # fitshape stretches the text to the shape, so the shape has the text's own proportions:
    # its advance width by the capitals' height (Word sizes it the same way).
    width = text_width(text, font_file, WATERMARK_SIZE)
    height = WATERMARK_SIZE * 0.66
    family = escape(t["fonts"]["heading_word"].replace('"', ""), {"'": "&apos;"})  # a theme value, in XML
    text = escape(text, {'"': "&quot;"})
    fill = escape(t["colors"]["marking"], {'"': "&quot;"})  # a checked theme value, escaped all the same
    shape_style = (
        f"position:absolute;margin-left:0;margin-top:0;width:{width:.1f}pt;height:{height:.1f}pt;"
        f"rotation:{360 - WATERMARK_ANGLE};z-index:-251657216;mso-position-horizontal:center;"
        "mso-position-horizontal-relative:margin;mso-position-vertical:center;mso-position-vertical-relative:margin"
    )
    return (
        f'<w:r {nsdecls("w")} xmlns:v="urn:schemas-microsoft-com:vml" xmlns:o="urn:schemas-microsoft-com:office:office"'
        ' xmlns:w10="urn:schemas-microsoft-com:office:word"><w:rPr><w:noProof/></w:rPr><w:pict>'
        f"{_TEXT_PATH_TYPE}"
        f'<v:shape id="PowerPlusWaterMarkObject1" o:spid="_x0000_s2049" type="#_x0000_t136" style="{shape_style}"'
        f' o:allowincell="f" fillcolor="#{fill}" stroked="f">'
        f'<v:fill opacity="{WATERMARK_OPACITY}"/>'
        f'<v:textpath style="font-family:&quot;{family}&quot;;font-size:1pt;font-weight:bold" string="{text}"/>'
        '<w10:wrap anchorx="margin" anchory="margin"/></v:shape></w:pict></w:r>'
    )


def add_watermark(document, text: str, style: HouseStyle) -> None:
    """The diagonal watermark in the first paragraph of every header a page can show, behind the text.

    That is each section's own header (a header linked to the previous section's shows that one's)
    and, where a template has them, its first-page and even-page headers.
    """
    for number, section in enumerate(document.sections):
        headers = [section.header]
        if section.different_first_page_header_footer:
            headers.append(section.first_page_header)
        if document.settings.odd_and_even_pages_header_footer:
            headers.append(section.even_page_header)
        for header in headers:
            if header.is_linked_to_previous and number:
                continue  # it shows the previous section's header, which has the mark already
            paragraph = header.paragraphs[0] if header.paragraphs else header.add_paragraph()
            paragraph._p.append(parse_xml(watermark_run(text, style)))
