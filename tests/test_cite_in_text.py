"""Author-in-text citations (`@key says`) as `pandoc --citeproc` gives them, in every format.

tests/fixtures/in-text/ has one block with `@key` alone, `@key [p. 12]`, repeated in-text
citations of one work (full note, then "Ibid."), a bracketed citation among in-text ones and an
in-text citation before a full stop. It is built once for every audience (footnotes, endnotes,
`notes: none`, and the same under APA) to PDF, Word, HTML and Markdown. The expected words and
notes come from Pandoc itself, run with the same CSL file and bibliography on the block's
Markdown, never from briefgen's own functions.

Under a notes style Pandoc keeps the author's name in the text and puts the rest of the
reference in a note; under an author-date style it prints "Dominguez (2016)" and no note.
Under `notes: none` what Pandoc adds for the reader to follow up (a note call, or the
parenthesis of an author-date style) is left out, as for a bracketed citation, and the author's
name stays, since the sentence needs it.
"""

from __future__ import annotations

import re
import subprocess
import zipfile
from pathlib import Path

import pytest
import yaml
from conftest import ROOT, copy_fixture, shared
from lxml import etree, html
from readers import docx_notes, pdf_text, squash

from briefgen.runtime.pandoc import pandoc_path

BRIEF = "demo"
NOTES_STYLE = "chicago-notes-bibliography-subsequent-ibid"
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
CALL = re.compile(r"\[(\d+)\]")


@pytest.fixture(scope=shared("module"))
def workspace(tmp_path_factory) -> Path:
    return copy_fixture("in-text", tmp_path_factory.mktemp("in-text"))


@pytest.fixture
def outputs(fixture_build) -> Path:
    return fixture_build("in-text").out / BRIEF


# ---------------------------------------------------------------- what Pandoc says


def style_file(style: str) -> Path:
    from briefgen.document.cite import resolve_style

    return resolve_style(style, ROOT, ROOT)


def body(workspace: Path) -> str:
    block = yaml.safe_load((workspace / f"briefs/{BRIEF}/blocks/claims.yaml").read_text(encoding="utf-8"))
    return block["body"]


def plain(text: str) -> tuple[list[str], list[str]]:
    """Pandoc's plain text split into paragraphs (note calls as "[n]") and notes, in order."""
    paragraphs, notes = [], []
    for chunk in re.split(r"\n\s*\n", text.strip()):
        chunk = " ".join(chunk.split())
        match = re.match(r"\[(\d+)\] (.*)", chunk)
        if match:
            assert int(match.group(1)) == len(notes) + 1
            notes.append(match.group(2))
        else:
            paragraphs.append(chunk)
    return paragraphs, notes


def run_pandoc(args: list[str], text: str = "", cwd: Path | None = None) -> str:
    result = subprocess.run(
        [pandoc_path(), *args], input=text.encode("utf-8"), capture_output=True, check=True, cwd=cwd, timeout=60
    )
    return result.stdout.decode("utf-8")


def pandoc_citeproc(workspace: Path, style: str) -> tuple[list[str], list[str]]:
    """`pandoc --citeproc` on the block's Markdown, with the brief's bibliography and the same CSL file."""
    text = run_pandoc(
        [
            "-f", "markdown", "-t", "plain", "--wrap=none", "--citeproc",
            f"--csl={style_file(style)}",
            f"--bibliography={workspace / f'briefs/{BRIEF}/references.yaml'}",
            "-M", "lang=en-US", "-M", "suppress-bibliography=true",
        ],
        body(workspace),
    )  # fmt: skip
    return plain(text)


def expected(workspace: Path, audience: str) -> tuple[list[str], list[str]]:
    """What each audience should read: Pandoc's paragraphs and notes for its style and `notes:`."""
    if audience in ("footnotes", "endnotes"):
        return pandoc_citeproc(workspace, NOTES_STYLE)
    if audience == "no-notes":  # Pandoc's text without its note calls
        paragraphs, _notes = pandoc_citeproc(workspace, NOTES_STYLE)
        return [CALL.sub("", p) for p in paragraphs], []
    paragraphs, notes = pandoc_citeproc(workspace, "apa")
    assert notes == []  # an author-date style makes no notes
    if audience == "author-date-no-notes":  # Pandoc's text without the parentheses its citations add
        return [re.sub(r" \([^()]*\)", "", p) for p in paragraphs], []
    return paragraphs, notes


def test_pandoc_itself_keeps_the_name_in_the_text_and_makes_a_note(workspace: Path):
    """The reference point: Pandoc's own output for the fixture (this is what briefgen must match)."""
    paragraphs, notes = pandoc_citeproc(workspace, NOTES_STYLE)
    assert paragraphs[0].startswith("Gabriel Dominguez[1] reports a deployment. Again Dominguez[2] gives")
    assert paragraphs[1].endswith("as reported by Dominguez.[5]")
    assert notes[1:] == [
        "Ibid., 12.",
        "\u201cJapan-Russia Relations After the Russian-Ukrainian War,\u201d Foreign Policy Research Institute.",
        "\u201cJapan Dismayed at Russia\u2019s Missile Deployment to Disputed Islands, Says Report.\u201d",
        "Ibid.",
    ]
    apa, apa_notes = pandoc_citeproc(workspace, "apa")
    assert apa[0].startswith("Dominguez (2016) reports a deployment. Again Dominguez (2016, p. 12) gives")
    assert apa_notes == []


# ---------------------------------------------------------------- what the outputs show


def html_read(path: Path) -> tuple[list[str], list[str], list[str]]:
    """The block's paragraphs (note calls as "[n]"), the notes printed at the foot of the page
    (the footnote elements) and the notes listed under "Notes", each in order."""
    tree = html.fromstring(path.read_bytes())
    footnotes: list[str] = []

    def text(element) -> str:
        parts = [element.text or ""]
        for child in element:
            classes = child.get("class", "").split()
            if "note-call" in classes or "endnote-call" in classes:
                parts.append(f"[{child.text_content()}]")
            elif "footnote" in classes:
                footnotes.append(" ".join(child.text_content().split()))
            else:
                parts.append(text(child))
            parts.append(child.tail or "")
        return "".join(parts)

    paragraphs = [" ".join(text(p).split()) for p in tree.xpath("//main//article//p")]
    listed = []
    for note in tree.xpath("//section[@id='notes']//div[contains(@class, 'endnote')]"):
        number = note.xpath(".//span[@class='note-number']")[0].text_content()
        assert number == f"{len(listed) + 1}."
        listed.append(" ".join(note.text_content().split())[len(number) :].strip())
    return paragraphs, footnotes, listed


def docx_read(path: Path) -> tuple[list[str], list[str], list[str]]:
    """Body paragraphs (footnote references and endnote calls as "[n]"), footnotes, and the
    "Notes" list of an endnotes audience (paragraphs in Endnote Text), each in order."""
    with zipfile.ZipFile(path) as archive:
        root = etree.fromstring(archive.read("word/document.xml"))
    calls = 0
    paragraphs, listed = [], []
    for p in root.iter(f"{W}p"):
        parts = []
        for run in p.iter(f"{W}r"):
            if _endnote_call(run):  # the number linked to the "Notes" list
                parts.append("[" + "".join(t.text or "" for t in run.iter(f"{W}t")) + "]")
                continue
            for node in run.iter(f"{W}t", f"{W}tab", f"{W}footnoteReference"):
                if node.tag == f"{W}footnoteReference":
                    calls += 1
                    parts.append(f"[{calls}]")
                else:
                    parts.append("\t" if node.tag == f"{W}tab" else node.text or "")
        text = "".join(parts)
        style = p.find(f"{W}pPr/{W}pStyle")
        if style is not None and style.get(f"{W}val") == "EndnoteText":
            number, _tab, note = text.partition("\t")
            assert number == f"{len(listed) + 1}."
            listed.append(" ".join(note.split()))
        else:
            paragraphs.append(" ".join(text.split()))
    return paragraphs, docx_notes(path), listed


def _endnote_call(run) -> bool:
    style = run.find(f"{W}rPr/{W}rStyle")
    return style is not None and style.get(f"{W}val") == "EndnoteReference"


def md_read(path: Path) -> tuple[list[str], list[str]]:
    """The written Markdown read back by `pandoc --citeproc` (its own metadata names the style)."""
    text = run_pandoc(
        ["-f", "markdown", "-t", "plain", "--wrap=none", "--citeproc", "-M", "suppress-bibliography=true", path.name],
        cwd=path.parent,
    )
    return plain(text)


AUDIENCES = ["footnotes", "endnotes", "no-notes", "author-date", "author-date-no-notes"]


def block_paragraphs(paragraphs: list[str], expected_paragraphs: list[str]) -> list[str]:
    """The output's paragraphs from the block's first one on, as many as Pandoc made."""
    first = next(i for i, p in enumerate(paragraphs) if CALL.sub("", p).startswith(expected_paragraphs[0][:9]))
    return paragraphs[first : first + len(expected_paragraphs)]


@pytest.mark.parametrize("audience", AUDIENCES)
def test_html_shows_the_name_in_the_text_and_the_note_as_pandoc_does(outputs: Path, workspace: Path, audience):
    paragraphs, notes = expected(workspace, audience)
    shown, footnotes, listed = html_read(outputs / f"{BRIEF}-{audience}.html")
    assert block_paragraphs(shown, paragraphs) == paragraphs
    assert listed == notes
    assert footnotes == (notes if audience in ("footnotes", "author-date") else [])


@pytest.mark.parametrize("audience", AUDIENCES)
def test_word_shows_the_name_in_the_text_and_the_note_as_pandoc_does(outputs: Path, workspace: Path, audience):
    paragraphs, notes = expected(workspace, audience)
    shown, footnotes, listed = docx_read(outputs / f"{BRIEF}-{audience}.docx")
    assert block_paragraphs(shown, paragraphs) == paragraphs
    if audience == "endnotes":
        assert (footnotes, listed) == ([], notes)
    else:
        assert (footnotes, listed) == (notes, [])


@pytest.mark.parametrize("audience", AUDIENCES)
def test_pdf_shows_the_name_in_the_text_and_the_note_as_pandoc_does(outputs: Path, workspace: Path, audience):
    paragraphs, notes = expected(workspace, audience)
    text = squash(pdf_text(outputs / f"{BRIEF}-{audience}.pdf"))
    for paragraph in paragraphs:  # a note call is a raised number right after its word or mark
        assert CALL.sub(r"\1", paragraph) in text
    for number, note in enumerate(notes, start=1):
        assert f"{number}. {note}" in text
    if not notes:
        assert "1. \u201c" not in text and "Ibid." not in text


@pytest.mark.parametrize("audience", AUDIENCES)
def test_markdown_read_back_by_pandoc_gives_the_same(outputs: Path, workspace: Path, audience):
    paragraphs, notes = expected(workspace, audience)
    shown, read_notes = md_read(outputs / f"{BRIEF}-{audience}.md")
    assert block_paragraphs(shown, paragraphs) == paragraphs
    assert read_notes == notes


# ---------------------------------------------------------------- the document itself, before any format


def _document_text(root: Path, audience: str) -> tuple[list[str], list[str]]:
    """The claims block's paragraphs as the cite stage leaves them (note calls as "[n]"), and its notes."""
    from briefgen.content.richtext import blocks_text, plain_text
    from briefgen.document.cite import cite, resolve_style
    from briefgen.document.select import audiences_for, select
    from briefgen.document.workspace import open_workspace
    from briefgen.model import CiteRef, Para, Text

    ws, _ = open_workspace(root)
    brief = ws.briefs[BRIEF]
    doc = select(brief, audiences_for(ws, brief)[audience])
    doc = cite(doc, brief.references, resolve_style(doc.csl, brief.folder, ws.root))
    paragraphs = []
    for para in (b for block in doc.blocks for b in block.content if isinstance(b, Para)):
        words = []
        for node in para.inlines:
            if isinstance(node, CiteRef):
                shown = doc.citations[node.citation.uid]
                call = f"[{shown.note}]" if shown.note else ""
                words.append(plain_text(shown.inline) + shown.punctuation + call)
            else:
                words.append(plain_text((node,)) if not isinstance(node, Text) else node.text)
        paragraphs.append(" ".join("".join(words).split()))
    return paragraphs, [" ".join(blocks_text(n.blocks).split()) for n in doc.notes]


@pytest.mark.parametrize("audience", ["footnotes", "endnotes", "no-notes", "author-date", "author-date-no-notes"])
def test_the_cite_stage_gives_what_pandoc_gives(workspace: Path, audience: str):
    assert _document_text(workspace, audience) == expected(workspace, audience)
