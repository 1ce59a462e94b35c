"""The language of parts (WCAG 3.1.2): `[texte]{lang=fr}` and `::: {lang=ar}` in every format.

tests/fixtures/language/ has a block (`languages.yaml`) with words in Japanese, French, Russian and
Arabic: in a paragraph, in emphasis, in notes, in a block with a list, in a box. Each output is read
by a reader other than briefgen: the PDF's structure tree (pypdf), LibreOffice's reading of the Word
file, lxml for the HTML, and Pandoc for the Markdown. Each must name the same languages for the
same words.
"""

from __future__ import annotations

import re
from pathlib import Path

import pypandoc
import pytest
from conftest import FIXTURES
from lxml import etree, html
from readers import libreoffice_convert, pdf_structure

from briefgen.build import BuildOptions, build
from briefgen.content.markdown import parse_markdown
from briefgen.model import LangDiv, LangSpan, Para, Text

ARABIC = "هذه فقرة كاملة باللغة العربية."
# What the reader's (endnotes) document names in another language, in reading order: (language, words).
READER_PARTS = [
    ("ja", "北方領土"),
    ("fr", "les Territoires du Nord"),
    ("fr", "le mot"),
    ("ar", f"{ARABIC} بند أول بند ثان"),
    ("fr", "Note Une boîte en français."),
    ("fr", "un mot"),  # in the note, among the endnotes
]


@pytest.fixture
def built(fixture_build) -> Path:
    return fixture_build("language").out / "demo"


def _fold(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


# ------------------------------------------------------------------ the writing language


def test_a_span_and_a_block_name_their_language():
    read = parse_markdown("Tokyo says [北方領土]{lang=ja}.\n\n::: {lang=ar-EG}\nمرحبا\n:::\n", "b")
    assert read.problems == ()
    assert read.blocks == (
        Para((Text("Tokyo says "), LangSpan("ja", (Text("北方領土"),)), Text("."))),
        LangDiv("ar-EG", (Para((Text("مرحبا"),)),)),
    )


def test_a_language_goes_with_the_span_s_other_markup_and_a_box():
    read = parse_markdown('[mot]{.smallcaps lang=fr}\n\n::: {.callout-note lang=fr title="Note"}\nMot.\n:::\n', "b")
    assert read.problems == ()
    span, box = read.blocks
    assert type(span.inlines[0]).__name__ == "LangSpan" and span.inlines[0].lang == "fr"
    assert type(span.inlines[0].children[0]).__name__ == "SmallCaps"
    assert isinstance(box, LangDiv) and type(box.blocks[0]).__name__ == "Callout"


def test_a_language_that_is_not_a_tag_is_refused_and_its_words_kept():
    # its line and column: tests/test_validate_writing.py (the refused fixture)
    read = parse_markdown('Say [bonjour]{lang="French language"} now.', "b")
    assert [(p.code, p.message) for p in read.problems] == [
        (
            "markdown.lang",
            "'French language' is not a language tag; write it as BCP 47, such as lang=fr, lang=ja or lang=ar-EG",
        )
    ]
    assert read.blocks == (Para((Text("Say bonjour now."),)),)


def test_a_language_is_checked_against_the_registry_not_only_its_shape():
    read = parse_markdown("[Nile]{lang=eg} and [النيل]{lang=ar-EG} and [Hoppō]{lang=ja-Latn}.", "b")
    assert [(p.code, p.message.split(";")[0]) for p in read.problems] == [
        ("markdown.lang", "'eg' is not a language tag")  # Egypt's country code, not a language
    ]


def test_a_language_written_without_braces_or_with_a_colon_is_told_not_printed():
    assert [(p.code, p.message) for p in parse_markdown("::: lang=ar\nمرحبا\n:::\n", "b").problems] == [
        ("markdown.div", "'lang=ar' after ':::' needs braces; write '::: {lang=ar}'")
    ]
    for written in ("[le Nil]{lang: fr}", "[le Nil] {lang=fr}"):
        problems = parse_markdown(f"See {written} here.", "b").problems
        assert [p.code for p in problems] == ["markdown.attributes"], written
        assert "'[texte]{lang=fr}', with '=' and no space before the '{'" in problems[0].message


# ------------------------------------------------------------------ each format


def test_html_names_each_part_s_language_and_the_arabic_block_runs_right_to_left(built: Path):
    page = html.parse(str(built / "demo-reader.html")).getroot()
    parts = [(el.get("lang"), _fold(" ".join(el.itertext()))) for el in page.iter() if el.get("lang")]
    parts = parts[1:]  # the page's own language, <html lang="en-US">
    assert parts == READER_PARTS
    arabic = page.xpath('//div[@lang="ar"]/p')[0]
    assert arabic.get("dir") == "rtl"
    assert page.xpath('//div[@lang="ar"]/ul')[0].get("dir") == "rtl"


def test_pdf_structure_elements_carry_each_part_s_language(built: Path):
    parts = [(e.lang, e.text) for e in pdf_structure(built / "demo-reader.pdf") if e.lang]
    assert [lang for lang, _ in parts] == [lang for lang, _ in READER_PARTS]
    for (lang, words), (_, expected) in zip(parts, READER_PARTS, strict=True):
        if lang == "ar":  # extracted in the order the glyphs are drawn: compare the words, not their order
            assert sorted(re.findall(r"\w+", words)) == sorted(re.findall(r"\w+", expected))
        else:
            assert _fold(words) == expected


def test_pdf_summary_and_footnote_of_a_summary_audience_carry_their_languages(built: Path):
    parts = [(e.lang, _fold(e.text)) for e in pdf_structure(built / "demo-boss.pdf") if e.lang]
    assert ("ja", "北方領土") in parts and ("ru", "Южные Курилы") in parts


def _script(text: str) -> str:
    """Which of Word's three classes of script the words are in: complex (right to left), Asian or Western."""
    if re.search(r"[\u0590-\u08ff]", text):
        return "complex"
    if re.search(r"[\u3000-\u9fff]", text):
        return "asian"
    return "western"


def _libreoffice_languages(docx: Path, out: Path) -> list[tuple[str, str]]:
    """(language, words) of every span of the Word file in another language than English, as LibreOffice
    reads it: the language LibreOffice gives the span for the class of script its words are in."""
    flat = libreoffice_convert(docx, out, "fodt", ".fodt")
    root = etree.parse(str(flat)).getroot()
    style, fo, text = (
        "urn:oasis:names:tc:opendocument:xmlns:style:1.0",
        "urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0",
        "urn:oasis:names:tc:opendocument:xmlns:text:1.0",
    )
    languages: dict[str, dict[str, str | None]] = {}
    for element in root.iter(f"{{{style}}}style"):
        props = element.find(f"{{{style}}}text-properties")
        if props is not None:
            languages[element.get(f"{{{style}}}name")] = {
                "western": props.get(f"{{{fo}}}language"),
                "asian": props.get(f"{{{style}}}language-asian"),
                "complex": props.get(f"{{{style}}}language-complex"),
            }
    found = []
    for span in root.iter(f"{{{text}}}span"):
        words = "".join(span.itertext())
        lang = languages.get(span.get(f"{{{text}}}style-name"), {}).get(_script(words))
        if lang and lang != "en":
            found.append((lang, words))
    return found


def test_word_runs_carry_each_part_s_language_as_libreoffice_reads_them(built: Path, tmp_path: Path):
    words: dict[str, str] = {}
    for lang, text in _libreoffice_languages(built / "demo-reader.docx", tmp_path):
        words[lang] = words.get(lang, "") + text
    assert set(words) == {lang for lang, _ in READER_PARTS}
    assert "北方領土" in words["ja"]
    assert "les Territoires du Nord" in words["fr"] and "un mot" in words["fr"] and "Une boîte" in words["fr"]
    assert "بند أول" in words["ar"] and "كاملة" in words["ar"]


def test_word_footnote_keeps_its_part_s_language(built: Path, tmp_path: Path):
    import zipfile  # noqa: PLC0415

    notes = zipfile.ZipFile(built / "demo-boss.docx").read("word/footnotes.xml").decode()
    assert re.search(r'<w:lang w:val="ru"/></w:rPr><w:t[^>]*>Южные Курилы</w:t>', notes)


def test_markdown_gives_pandoc_the_same_spans_and_blocks(built: Path):
    ast = pypandoc.convert_file(str(built / "demo-reader.md"), "json", format="markdown")
    import json  # noqa: PLC0415

    parts: list[tuple[str, str]] = []

    def words(node) -> str:
        return pypandoc.convert_text(json.dumps({**doc, "blocks": node}), "plain", format="json").strip()

    def walk(node) -> None:
        if isinstance(node, dict):
            if node.get("t") in ("Span", "Div"):
                attrs = dict(node["c"][0][2])
                if "lang" in attrs:
                    content = node["c"][1]
                    body = content if node["t"] == "Div" else [{"t": "Plain", "c": content}]
                    parts.append((attrs["lang"], _fold(words(body).replace("- ", ""))))  # list markers
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    doc = json.loads(ast)
    walk(doc["blocks"])
    # A Pandoc note stands where it is called: "un mot" comes before the Arabic block
    # and a box's title is Quarto's title="Note" attribute, which Pandoc's plain text leaves out.
    in_markdown_order = [*READER_PARTS[:3], READER_PARTS[5], READER_PARTS[3], ("fr", "Une boîte en français.")]
    assert parts == in_markdown_order


@pytest.mark.slow
def test_words_briefgen_writes_inside_a_part_keep_the_brief_s_language(tmp_path: Path):
    """ "Table 1:" in a French part is read in the brief's language: HTML by lxml, Word by its XML."""
    import shutil  # noqa: PLC0415
    import zipfile  # noqa: PLC0415

    root = Path(shutil.copytree(FIXTURES / "language", tmp_path / "ws"))
    block = (
        "section: context\ntitle: Un tableau\nstatus: approved\nsummary: Court.\nbody: |\n"
        "  ::: {lang=fr}\n  | mot | sens |\n  |---|---|\n  | oui | yes |\n\n  : Un petit tableau\n  :::\n"
    )
    (root / "briefs" / "demo" / "blocks" / "tableau.yaml").write_text(block, encoding="utf-8")
    out = tmp_path / "out"
    build(root, BuildOptions(audiences=("reader",), formats=("html", "docx"), out_dir=out))
    page = html.parse(str(out / "demo" / "demo-reader.html")).getroot()
    (label,) = [
        e
        for e in page.iter("span")
        if e.get("class") == "table-label" and "Un petit" in e.getparent().getparent().text_content()
    ]
    speaking = next(e.get("lang") for e in label.iterancestors() if e.get("lang"))
    assert speaking == page.get("lang") != "fr"
    assert label.getparent().getparent().tag == "caption"
    with zipfile.ZipFile(out / "demo" / "demo-reader.docx") as archive:
        body = etree.fromstring(archive.read("word/document.xml"))
    w = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
    runs = {"".join(t.text or "" for t in r.iter(f"{w}t")): r for r in body.iter(f"{w}r")}
    label_run = next(r for text, r in runs.items() if re.fullmatch(r"Table \d+:", text))
    caption_run = next(r for text, r in runs.items() if "Un petit tableau" in text)
    assert label_run.find(f"{w}rPr/{w}lang").get(f"{w}val") == page.get("lang")
    assert caption_run.find(f"{w}rPr/{w}lang").get(f"{w}val") == "fr"
