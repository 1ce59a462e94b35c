"""PDF and Word side by side: the same headings, paragraphs, figures, notes and bibliography in both.

Reads the real outputs (the .docx package for Word; for the PDF its outline and figure tags, and
the text WeasyPrint laid out for it) and reports the first difference of each kind with the block
where it starts, so an editor knows where to look. The PDF's text is compared in logical order,
the order it was written in: read back from the pages, a right-to-left line (Arabic, Hebrew)
comes in visual order, its words and the brackets and Latin words among them moved about.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections import Counter
from dataclasses import dataclass
from typing import Any

from lxml import etree
from pypdf import PdfReader

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_BODY_STYLES = {
    "BodyText",
    "ListBullet",
    "ListBullet2",
    "ListBullet3",
    "ListNumber",
    "ListNumber2",
    "ListNumber3",
    "ListContinue",
    "TableText",
    "Quote",
    "BottomLine",
    "RecommendationAction",
    "Caption",
}
WP = "{http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing}"
_SKIP_HEADINGS = {"Bottom line", "Notes", "Contents"}


def squash(text: str) -> str:
    text = text.replace("\u00ad", "").replace("\ufb01", "fi").replace("\ufb02", "fl")
    text = re.sub(r"-\s+", "-", text)  # a line broken after a hyphen reads as one word
    text = re.sub(r"([.,;:!?\u201d\u2019)])\s+(\d)", r"\1\2", text)  # PDF extraction spaces out note calls
    return re.sub(r"\s+", " ", text).strip()


def comparable(text: str) -> str:
    """Text compared without spaces and hyphens: the PDF breaks long URLs and hyphenates words
    at line ends, where Word's text has neither; the words and their order still have to match."""
    return re.sub(r"[\s\-\u2010\u00ad]+", "", squash(text))


@dataclass(frozen=True)
class WordParagraph:
    style: str
    text: str
    block: str


@dataclass(frozen=True)
class WordContent:
    paragraphs: list[WordParagraph]
    notes: list[str]
    furniture: list[str]  # header and footer lines, repeated on every page
    figures: list[str]  # the alternative text of each picture, in reading order

    def headings(self) -> list[str]:
        return [p.text for p in self.paragraphs if p.style in ("Heading1", "Heading2") and p.text not in _SKIP_HEADINGS]


def read_docx(data: bytes) -> WordContent:
    """Body paragraphs with style ids and the block they belong to, and notes in reading order."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        body = etree.fromstring(archive.read("word/document.xml")).find(f"{W}body")
        note_parts = {
            name: etree.fromstring(archive.read(f"word/{name}s.xml"))
            for name in ("footnote", "endnote")
            if f"word/{name}s.xml" in archive.namelist()
        }
        furniture = []
        for name in archive.namelist():
            if re.fullmatch(r"word/(header|footer)\d*\.xml", name):
                for p in etree.fromstring(archive.read(name)).iter(f"{W}p"):
                    parts = ["\t" if n.tag == f"{W}tab" else (n.text or "") for n in p.iter(f"{W}t", f"{W}tab")]
                    for line in "".join(parts).split("\t"):
                        if line.strip() and not line.strip().startswith("Page"):
                            furniture.append(squash(line))
    paragraphs, notes, block = [], [], ""
    for p in body.iter(f"{W}p"):
        for mark in p.iter(f"{W}bookmarkStart"):
            name = mark.get(f"{W}name", "")
            if name.startswith("block-"):
                block = name[len("block-") :]
        style_el = p.find(f"{W}pPr/{W}pStyle")
        style = style_el.get(f"{W}val") if style_el is not None else "Normal"
        text = ""
        for node in p.iter(f"{W}t", f"{W}br", f"{W}tab", f"{W}footnoteReference", f"{W}endnoteReference"):
            if node.tag in (f"{W}br", f"{W}tab"):
                text += " "
                continue
            if node.tag == f"{W}t":
                text += node.text or ""
                continue
            kind = "footnote" if node.tag.endswith("footnoteReference") else "endnote"
            note = note_parts[kind].find(f"{W}{kind}[@{W}id='{node.get(f'{W}id')}']")
            notes.append(squash("".join(t.text or "" for t in note.iter(f"{W}t"))))
            text += str(len(notes))  # the reader sees the note's number here, as in the PDF
        if style == "EndnoteText":  # an endnotes audience's Notes list: "N.<tab>text", a note's first paragraph
            starts = any(m.get(f"{W}name", "").startswith("fn-") for m in p.iter(f"{W}bookmarkStart"))
            if starts or not notes:
                notes.append(squash(text.partition(" ")[2]))
            else:
                notes[-1] = squash(f"{notes[-1]} {text}")
        paragraphs.append(WordParagraph(style, text, block))
    figures = [squash(d.get("descr", "")) for d in body.iter(f"{WP}docPr")]
    return WordContent(paragraphs, notes, furniture, figures)


def read_pdf(data: bytes, laid_out: str | None = None) -> tuple[str, list[str]]:
    """The PDF's text (whitespace folded) and its bookmark titles in order.

    `laid_out` is the text as the PDF engine laid it out (`render.pdf.layout_text`), in logical
    order; without it the text is read from the pages, where right-to-left lines are in visual order.
    """
    reader = PdfReader(io.BytesIO(data))
    pages = [laid_out] if laid_out is not None else [page.extract_text() or "" for page in reader.pages]
    text = squash(" ".join(pages))

    def walk(items) -> list[str]:
        titles: list[str] = []
        for item in items:
            titles.extend(walk(item) if isinstance(item, list) else [item.title])
        return titles

    return text, walk(reader.outline)


def pdf_figures(data: bytes) -> list[str]:
    """The alternative text of each Figure in the PDF's structure tree (PDF/UA), in reading order."""
    reader = PdfReader(io.BytesIO(data))
    tree = reader.root_object.get("/StructTreeRoot")
    found: list[str] = []

    def walk(node) -> None:
        node = node.get_object() if hasattr(node, "get_object") else node
        if isinstance(node, list):
            for child in node:
                walk(child)
        elif isinstance(node, dict):
            if node.get("/S") == "/Figure":
                found.append(squash(str(node.get("/Alt", ""))))
            if "/K" in node:
                walk(node["/K"])

    if tree is not None:
        walk(tree)
    return found


_PORTION = re.compile(r"\(([A-Z]{1,6}(?://[A-Z]{1,6})*)\)")  # (C), (FOUO), (S//NF)


def portion_marks(text: str) -> Counter[str]:
    """How often each portion mark appears in a text (headings, paragraphs and table cells alike)."""
    return Counter(_PORTION.findall(text))


def _count(marks: Counter[str]) -> str:
    return ", ".join(f"{n} ({mark})" for mark, n in sorted(marks.items())) or "none"


def compare(pdf: bytes, docx: bytes, pdf_text: str | None = None) -> list[str]:
    """Differences between a PDF and a DOCX of the same document; empty when they match.

    `pdf_text` is the PDF's text as laid out (a build's `Output.text`); give it for text in
    right-to-left scripts, which the PDF's pages hold in visual order.
    """
    problems: list[str] = []
    pdf_text, outline = read_pdf(pdf, pdf_text)
    word = read_docx(docx)
    pdf_headings = [squash(h) for h in outline if h not in _SKIP_HEADINGS]
    word_headings = [squash(h) for h in word.headings()]
    if pdf_headings != word_headings:
        index = next(
            (i for i, (a, b) in enumerate(zip(pdf_headings, word_headings, strict=False)) if a != b),
            min(len(pdf_headings), len(word_headings)),
        )
        pdf_at = pdf_headings[index] if index < len(pdf_headings) else "(none)"
        word_at = word_headings[index] if index < len(word_headings) else "(none)"
        problems.append(f"headings differ at heading {index + 1}: PDF has '{pdf_at}', Word has '{word_at}'")
    # Text flows across pages around the footnotes and page furniture; take those out first.
    body_text = re.sub(r"Page \d+ of \d+", " ", pdf_text)
    for number, note in reversed(list(enumerate(word.notes, start=1))):  # 31 before 3 and 1
        body_text = body_text.replace(f"{number}. {note}", " ")
    for line in sorted(set(word.furniture), key=len, reverse=True):
        body_text = body_text.replace(line, " ")
    body_key = comparable(body_text)
    for paragraph in word.paragraphs:
        if paragraph.style in _BODY_STYLES | {"Bibliography"} and squash(paragraph.text):
            if comparable(paragraph.text) not in body_key:
                where = f" in block '{paragraph.block}'" if paragraph.block else ""
                problems.append(f"paragraph{where} is in Word but not in the PDF: '{paragraph.text[:80]}'")
                break
    pdf_marks = portion_marks(body_text)
    word_marks = portion_marks(" ".join(p.text for p in word.paragraphs))
    if pdf_marks != word_marks:
        problems.append(f"portion marks differ: the PDF has {_count(pdf_marks)}, Word has {_count(word_marks)}")
    pdf_alts = pdf_figures(pdf)
    if pdf_alts != word.figures:
        problems.append(
            f"figures differ: the PDF has {len(pdf_alts)} ({'; '.join(a[:40] for a in pdf_alts)}), "
            f"Word has {len(word.figures)} ({'; '.join(a[:40] for a in word.figures)})"
        )
    pdf_key = comparable(pdf_text)
    for number, note in enumerate(word.notes, start=1):
        if comparable(f"{number}. {note}") not in pdf_key:
            problems.append(f"note {number} differs: Word has '{note[:80]}', the PDF does not")
            break
    return problems


def check_parity(root, brief: str | None = None) -> list[str]:
    """Build PDF and Word for every audience of a brief in memory and compare each pair."""
    from briefgen.build import BuildOptions, render_all

    rendered = render_all(root, BuildOptions(brief=brief, all_audiences=True, formats=("pdf", "docx"), force=True))
    pairs: dict[str, dict[str, Any]] = {}
    for output in rendered.outputs:
        pairs.setdefault(output.audience, {})[output.format] = output
    return [
        f"{audience}: {problem}"
        for audience, pair in pairs.items()
        for problem in compare(pair["pdf"].data, pair["docx"].data, pair["pdf"].text or None)
    ]
