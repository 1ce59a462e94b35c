"""Applies theme.yaml's tokens to a Word document's named styles and page setup.

This is how the one set of design tokens reaches Word: the template supplies structure and
style names, this module sets their fonts, sizes, colours and spacing at build time.
"""

from __future__ import annotations

from typing import Any

from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_TAB_ALIGNMENT, WD_TAB_LEADER
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Mm, Pt, RGBColor

from briefgen.content.fonts import complex_script_font, fallback_stack
from briefgen.content.language import EAST_ASIAN_LANGUAGES, primary
from briefgen.content.style import HouseStyle
from briefgen.render.docx.wml import border, place, shade


def length(value: str | float) -> Any:
    """A CSS-style length token ('20mm', '0.75in', '12pt') as a python-docx length."""
    text = str(value).strip()
    for unit, factor in (("mm", Mm), ("pt", Pt)):
        if text.endswith(unit):
            return factor(float(text[: -len(unit)]))
    if text.endswith("in"):
        return Mm(float(text[:-2]) * 25.4)
    if text.endswith("cm"):
        return Mm(float(text[:-2]) * 10)
    return Pt(float(text))


FOOTNOTE_LINE_HEIGHT = 1.2  # the CSS's .footnote line-height

PAGE_SIZES = {"A4": (Mm(210), Mm(297)), "LETTER": (Mm(215.9), Mm(279.4))}


def set_fonts(rpr_owner, family: str, east_asian: str, complex_script: str | None = None) -> None:
    """Name the font for every script slot, so Word never falls back to a theme font.

    `complex_script` draws Arabic, Hebrew and the other complex scripts (`w:cs`): the fallback font
    the PDF uses for them, as the house fonts have none of their letters.
    """
    rpr = rpr_owner.get_or_add_rPr()
    fonts = _child(rpr, "w:rFonts")
    for attr in ("w:ascii", "w:hAnsi"):
        fonts.set(qn(attr), family)
    fonts.set(qn("w:cs"), complex_script or family)
    fonts.set(qn("w:eastAsia"), east_asian)
    for attr in ("w:asciiTheme", "w:hAnsiTheme", "w:cstheme", "w:eastAsiaTheme"):
        fonts.attrib.pop(qn(attr), None)


def east_asian_font(style: HouseStyle, language: str) -> str | None:
    """The CJK face of theme fonts.fallback for the language (the Japanese one for non-CJK languages)."""
    lang = language if primary(language) in EAST_ASIAN_LANGUAGES else "ja"
    return next(iter(fallback_stack(style, lang)), None)


def _child(parent, tag: str):
    """The first child named `tag`, created as the first child when missing."""
    found = parent.find(qn(tag))
    if found is None:
        found = OxmlElement(tag)
        parent.insert(0, found)
    return found


# Word's run properties for Latin text and their twins for complex scripts (Arabic, Hebrew...).
COMPLEX_SCRIPT_TWINS = (("w:b", "w:bCs"), ("w:i", "w:iCs"), ("w:sz", "w:szCs"))


def complex_script_twins(doc) -> None:
    """Bold, italic and size of every style (and the defaults) the same for complex scripts as for Latin.

    Word formats Arabic and Hebrew by `w:bCs`, `w:iCs` and `w:szCs`, not by `w:b`, `w:i` and `w:sz`:
    without the twins a bold Arabic heading is not bold and Arabic body text keeps the template's
    size. A twin the Latin property does not have goes, so both inherit alike.
    """
    for rpr in doc.styles.element.iter(qn("w:rPr")):
        for latin, twin in COMPLEX_SCRIPT_TWINS:
            source = rpr.find(qn(latin))
            if source is None:
                for old in rpr.findall(qn(twin)):
                    rpr.remove(old)
                continue
            copy = OxmlElement(twin)
            if source.get(qn("w:val")) is not None:
                copy.set(qn("w:val"), source.get(qn("w:val")))
            place(rpr, copy)


def set_language(doc, language: str, east_asian: str | None, complex_script: str | None = None) -> None:
    """The document's language (and East Asian and complex-script fonts) as the run defaults every style inherits."""
    rpr = _child(_child(_child(doc.styles.element, "w:docDefaults"), "w:rPrDefault"), "w:rPr")
    lang = OxmlElement("w:lang")
    lang.set(qn("w:val"), language)
    cjk = primary(language) in EAST_ASIAN_LANGUAGES
    east_asian_tag = language if cjk and "-" in language else EAST_ASIAN_LANGUAGES.get(primary(language), "ja-JP")
    lang.set(qn("w:eastAsia"), east_asian_tag)
    lang.set(qn("w:bidi"), "ar-SA")
    place(rpr, lang)
    _widow_control(doc)
    if east_asian:
        fonts = _child(rpr, "w:rFonts")
        fonts.attrib.pop(qn("w:eastAsiaTheme"), None)
        fonts.set(qn("w:eastAsia"), east_asian)
    if complex_script:
        fonts = _child(rpr, "w:rFonts")
        fonts.attrib.pop(qn("w:cstheme"), None)
        fonts.set(qn("w:cs"), complex_script)
    _hyphenate(doc)


def _widow_control(doc) -> None:
    """No single line of a paragraph alone at a page's foot or head: CSS's orphans and widows of 2.

    Set once in the paragraph defaults, as the CSS default applies to every block; python-docx's
    template sets it nowhere, which leaves it off in Word and LibreOffice.
    """
    defaults = _child(doc.styles.element, "w:docDefaults")
    if defaults.find(qn("w:pPrDefault")) is None:
        defaults.append(OxmlElement("w:pPrDefault"))  # after rPrDefault, as CT_DocDefaults orders them
    place(_child(defaults.find(qn("w:pPrDefault")), "w:pPr"), OxmlElement("w:widowControl"))


def _hyphenate(doc) -> None:
    """Automatic hyphenation in the document's language, as the PDF hyphenates (settings.xml)."""
    settings = doc.settings.element
    if settings.find(qn("w:autoHyphenation")) is not None:
        return
    flag = OxmlElement("w:autoHyphenation")
    tab_stop = settings.find(qn("w:defaultTabStop"))  # CT_Settings puts autoHyphenation right after it
    if tab_stop is not None:
        tab_stop.addnext(flag)
    else:
        settings.insert(0, flag)


def _style(doc, name: str):
    return doc.styles[name]


def apply_theme(doc, style: HouseStyle, language: str) -> None:
    """Set page geometry, the document language and every named style from the house tokens."""
    t = style.theme
    _page_setup(doc, t)
    styles = _Styles(doc, t)
    styles.east_asian = east_asian_font(style, language)
    styles.complex_script = complex_script_font(style)
    set_language(doc, language, styles.east_asian, styles.complex_script)
    names = {s.name for s in doc.styles}
    if "Caption" not in names:  # a workspace's own template may lack it
        doc.styles.add_style("Caption", WD_STYLE_TYPE.PARAGRAPH).base_style = doc.styles["Normal"]
    _text_and_heading_styles(styles)
    _front_matter_styles(styles)
    _block_styles(styles, names)
    _note_styles(styles)
    for name in SINGLE_SPACED:
        _style(doc, name).paragraph_format.line_spacing = 1.0  # single, not the body's exact leading
    toc = styles.configure("toc 1", after=2)
    toc.paragraph_format.tab_stops.add_tab_stop(
        doc.sections[0].page_width - doc.sections[0].left_margin - doc.sections[0].right_margin,
        WD_TAB_ALIGNMENT.RIGHT,
        WD_TAB_LEADER.DOTS,
    )
    complex_script_twins(doc)  # last: after every size and weight above is set


# Styles set to single line spacing after all others: the body's exact leading would crowd them.
SINGLE_SPACED = (
    "Title",
    "Subtitle",
    "Heading 1",
    "Heading 2",
    "Heading 3",
    "Organization",
    "Marking",
    "Footer",
    "Header",
    "Brief Meta",
    "Bibliography",
    "endnote text",
)


def _page_setup(doc, t: dict[str, Any]) -> None:
    """Every section's page size and margins, and a template footer's right tab at the new text width."""
    width, height = PAGE_SIZES.get(str(t["page"]["size"]).upper(), PAGE_SIZES["A4"])
    for section in doc.sections:
        section.page_width, section.page_height = width, height
        section.top_margin = length(t["page"]["margin_top"])
        section.bottom_margin = length(t["page"]["margin_bottom"])
        section.left_margin = length(t["page"]["margin_left"])
        section.right_margin = length(t["page"]["margin_right"])
        for paragraph in section.footer.paragraphs:  # a workspace template's footer line with a right tab
            for stop in paragraph.paragraph_format.tab_stops:
                stop._element.set(qn("w:pos"), str(int((width - section.left_margin - section.right_margin) / 635)))


class _Styles:
    """The theme's tokens and the document's fonts, shared by every named style `configure` sets."""

    def __init__(self, doc, t: dict[str, Any]) -> None:
        self.doc = doc
        self.body, self.heading = t["fonts"]["body_word"], t["fonts"]["heading_word"]
        self.sizes, self.colors, self.spacing = t["sizes"], t["colors"], t["spacing"]
        self.east_asian: str | None = None  # the fonts for CJK and complex scripts, set once the tokens are read
        self.complex_script: str | None = None

    def configure(
        self,
        name,
        *,
        font=None,
        size=None,
        color=None,
        bold=None,
        italic=None,
        before=None,
        after=None,
        align=None,
        keep_next=None,
        caps=None,
        spacing_pt=None,
    ):
        """One named style's fonts, size, colour, weight and spacing; body text's when not given."""
        font = self.body if font is None else font
        size = self.sizes["body"] if size is None else size
        color = self.colors["text"] if color is None else color
        s = _style(self.doc, name)
        set_fonts(s.element, font, self.east_asian or font, self.complex_script)
        s.font.size = Pt(size)
        s.font.color.rgb = RGBColor.from_string(color)
        if bold is not None:
            s.font.bold = bold
        if italic is not None:
            s.font.italic = italic
        if caps is not None:
            s.font.all_caps = caps
        rpr = s.element.get_or_add_rPr()
        for old in rpr.findall(qn("w:spacing")):
            rpr.remove(old)
        if spacing_pt is not None:
            place(rpr, parse_xml(f'<w:spacing {nsdecls("w")} w:val="{int(spacing_pt * 20)}"/>'))
        fmt = s.paragraph_format
        if before is not None:
            fmt.space_before = Pt(before)
        if after is not None:
            fmt.space_after = Pt(after)
        if align is not None:
            fmt.alignment = align
        if keep_next is not None:
            fmt.keep_with_next = keep_next
        return s


def _text_and_heading_styles(styles: _Styles) -> None:
    """Body text, the title and subtitle, and the three heading levels."""
    doc, configure, heading = styles.doc, styles.configure, styles.heading
    sizes, colors, spacing = styles.sizes, styles.colors, styles.spacing
    normal = configure("Normal", after=spacing["paragraph_after"])
    # The CSS line height is a multiple of the font size; Word's "multiple" is of the font's own
    # line gap, which is larger, so body text gets an exact leading to paginate like the PDF.
    normal.paragraph_format.line_spacing = Pt(sizes["body"] * spacing["line_height"])
    configure("Body Text", after=spacing["paragraph_after"])
    configure("Title", font=heading, size=sizes["title"], color=colors["accent"], bold=True, before=4, after=2)
    title_ppr = _style(doc, "Title").element.get_or_add_pPr()
    for rule in title_ppr.findall(qn("w:pBdr")):
        title_ppr.remove(rule)
    configure("Subtitle", font=heading, size=sizes["subtitle"], color=colors["muted"], italic=False, after=2)
    configure(
        "Heading 1",
        font=heading,
        size=sizes["heading1"],
        color=colors["accent"],
        bold=True,
        before=spacing["heading1_before"],
        after=spacing["heading1_after"],
        keep_next=True,
    )
    h1 = _style(doc, "Heading 1").element.get_or_add_pPr()
    border(h1, "bottom", 6, 1, colors["rule"])
    configure(
        "Heading 2",
        font=heading,
        size=sizes["heading2"],
        color=colors["accent"],
        bold=True,
        before=spacing["heading2_before"],
        after=spacing["heading2_after"],
        keep_next=True,
    )
    # Heading 3 is a block's own sub-heading; 4 to 9 are never written, but a reviewer may apply
    # them in Word: in the house colours, not the template's light blue (4.03:1 on white, WCAG 1.4.3)
    for level in range(3, 10):
        if f"Heading {level}" in [s.name for s in doc.styles]:
            configure(
                f"Heading {level}",
                font=heading,
                size=sizes["body"],
                color=colors["accent"],
                bold=True,
                before=6,
                after=2,
                keep_next=True,
                italic=False,
            )


def _front_matter_styles(styles: _Styles) -> None:
    """The masthead (organization, addressee, meta line), the handling marking, and headers and footers."""
    doc, configure, heading, sizes, colors = styles.doc, styles.configure, styles.heading, styles.sizes, styles.colors
    configure(
        "Organization",
        font=heading,
        size=sizes["small"],
        color=colors["accent"],
        bold=True,
        caps=True,
        after=0,
        spacing_pt=1.2,
    )
    configure("Prepared For", size=sizes["body"], before=5, after=0)
    configure("Brief Meta", size=sizes["small"], color=colors["muted"], after=10)
    meta = _style(doc, "Brief Meta").element.get_or_add_pPr()
    border(meta, "bottom", 16, 4, colors["accent"])
    configure(
        "Marking",
        font=heading,
        size=sizes["small"],
        color=colors["marking"],
        bold=True,
        align=WD_ALIGN_PARAGRAPH.CENTER,
        after=0,
        spacing_pt=0.5,
    )
    footer = configure("Footer", size=sizes["small"], color=colors["muted"], after=0)
    footer.paragraph_format.tab_stops.clear_all()  # Word's default centre tab would catch "Page X of Y"
    configure("Header", size=sizes["small"], color=colors["muted"], after=0)


def _block_styles(styles: _Styles, names: set[str]) -> None:
    """Lists, quotes, the bottom line, recommendations, tables, captions, the bibliography and the disclaimer.

    `names` are the styles the template had: nested list styles it lacks are left out.
    """
    doc, configure, heading = styles.doc, styles.configure, styles.heading
    sizes, colors, spacing = styles.sizes, styles.colors, styles.spacing
    for name in ("List Bullet", "List Number", "List Bullet 2", "List Number 2", "List Bullet 3", "List Number 3"):
        if name in names:  # the nested ones may be missing from a workspace's own template
            configure(name, after=2)
    quote = configure("Quote", color=colors["muted"], italic=True)
    quote.paragraph_format.left_indent = Pt(14)
    configure("Bottom Line", after=3)
    bl = _style(doc, "Bottom Line").element.get_or_add_pPr()
    border(bl, "left", 24, 6, colors["accent"])
    shade(bl, colors["table_header"])
    configure("Recommendation Action", bold=True, after=1)
    configure("Recommendation Meta", size=sizes["small"], color=colors["muted"], after=3)
    configure("Decision Line", size=sizes["small"], after=4)
    # Leading as the CSS's: the line height times the font size, exact, so a line is as high in both.
    configure("Table Text", size=sizes["table"], after=0)
    _style(doc, "Table Text").paragraph_format.line_spacing = Pt(sizes["table"] * spacing["line_height"])
    configure("Table Heading", font=heading, size=sizes["table"], color=colors["accent"], bold=True, after=0)
    caption = configure(
        "Caption",
        size=sizes["table"],
        color=colors["text"],
        bold=False,
        italic=False,
        before=4,
        after=3,
        keep_next=True,
    )
    caption.paragraph_format.line_spacing = Pt(sizes["table"] * spacing["line_height"])
    bib = configure("Bibliography", size=sizes["small"], after=3)
    bib.paragraph_format.left_indent = Pt(24)
    bib.paragraph_format.first_line_indent = Pt(-24)
    disclaimer = configure("Disclaimer", size=sizes["small"], color=colors["muted"], before=8)
    disclaimer.paragraph_format.keep_together = True  # .disclaimer { break-inside: avoid }
    border(_style(doc, "Disclaimer").element.get_or_add_pPr(), "top", 4, 4, colors["rule"])  # as the PDF's


def _note_styles(styles: _Styles) -> None:
    """Footnote and endnote text and their numbers, and links."""
    doc, configure, sizes, colors = styles.doc, styles.configure, styles.sizes, styles.colors
    configure("footnote text", size=sizes["note"], after=0)
    _style(doc, "footnote text").paragraph_format.line_spacing = Pt(sizes["note"] * FOOTNOTE_LINE_HEIGHT)
    # The Notes list of endnotes audiences, as the PDF's .endnote: the number hangs in 1.8em.
    endnote = configure("endnote text", size=sizes["small"], after=2)
    hang = Pt(sizes["small"] * 1.8)
    endnote.paragraph_format.left_indent = hang
    endnote.paragraph_format.first_line_indent = -hang
    endnote.paragraph_format.tab_stops.add_tab_stop(hang)
    for ref in ("footnote reference", "endnote reference"):
        s = _style(doc, ref)
        s.font.superscript = True
    link = _style(doc, "Hyperlink")  # coloured and underlined, as in the PDF and HTML (WCAG 1.4.1)
    link.font.color.rgb = RGBColor.from_string(colors["accent"])
    link.font.underline = True
