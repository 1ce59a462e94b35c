"""`briefgen check --accessibility`: silent on what briefgen builds, loud on each rule planted broken.

Every rule is tried by breaking it in a copy of a real output (a figure's /Alt removed with
pikepdf, a Word picture's description emptied, a link without words added to the HTML): the
expected finding is the planted change, not something the checker computed.
"""

from __future__ import annotations

import re
import shutil
import zipfile
from pathlib import Path

import pikepdf
import pytest
from conftest import copy_fixture
from readers import CHROMIUM

from briefgen.build.accessibility import check_built
from briefgen.build.accessibility.contrast import contrast_ratio, large_text
from briefgen.build.accessibility.pdf import check_pdf
from briefgen.build.accessibility.word import check_docx
from briefgen.cli import main

needs_chromium = pytest.mark.skipif(not CHROMIUM, reason="needs Debian's chromium (scripts/system-deps.sh --test)")


@pytest.mark.slow
@needs_chromium
def test_what_briefgen_builds_passes_every_check(default_build: Path, minimal_build: Path):
    for folder in (default_build, minimal_build):
        found = check_built(folder)
        assert found.without_axe is None
        assert len(found.outputs) == 9 if folder == default_build else len(found.outputs) >= 6
        assert {p.name: f for p, f in found.outputs.items()} == {p.name: [] for p in found.outputs}


# ---------------------------------------------------------------- PDF


def _planted(default_build: Path, tmp_path: Path, change, blocks: bool = False) -> list[tuple]:
    """The findings in a copy of the analyst's PDF after `change(pdf)`: (rule, message, page[, block])."""
    path = tmp_path / "planted.pdf"
    with pikepdf.open(default_build / "japan-russia-analyst.pdf") as pdf:
        change(pdf)
        pdf.save(path)
    return [(f.rule, f.message, f.page, *([f.block] if blocks else [])) for f in check_pdf(path)]


def _elements(pdf: pikepdf.Pdf, role: str) -> list[pikepdf.Dictionary]:
    found = []

    def walk(node) -> None:
        kids = node.get("/K")
        for kid in kids if isinstance(kids, pikepdf.Array) else [kids] if kids is not None else []:
            if isinstance(kid, pikepdf.Dictionary) and "/S" in kid:
                if kid.S == role:
                    found.append(kid)
                walk(kid)

    walk(pdf.Root.StructTreeRoot)
    return found


def _drop_alt(pdf):
    del _elements(pdf, "/Figure")[0].Alt


def _skip_heading(pdf):
    _elements(pdf, "/H3")[0].S = pikepdf.Name.H4


def _unscope(pdf):
    del _elements(pdf, "/TH")[0].A


def _no_body(pdf):
    _elements(pdf, "/LBody")[0].S = pikepdf.Name.P


def _same_ids(pdf):
    notes = _elements(pdf, "/Note")
    notes[1].ID = notes[0].ID


def _no_note_id(pdf):
    del _elements(pdf, "/Note")[0].ID


def _bad_lang(pdf):
    _elements(pdf, "/P")[0].Lang = pikepdf.String("not a language")


def _undescribed_link(pdf):
    for page in pdf.pages:
        for annotation in page.obj.get("/Annots", []):
            if annotation.get("/Subtype") == "/Link":
                del annotation.Contents
                return


def _unmarked_text(pdf):
    page = pdf.pages[1]
    font = next(iter(page.obj.Resources.Font.keys()))
    page.contents_add(pdf.make_stream(f"BT {font} 10 Tf 72 72 Td (x) Tj ET".encode()), prepend=False)


def _unembedded_font(pdf):
    font = next(iter(pdf.pages[0].obj.Resources.Font.values()))
    descriptor = font.DescendantFonts[0].FontDescriptor
    for key in ("/FontFile", "/FontFile2", "/FontFile3"):
        if key in descriptor:
            del descriptor[key]


def _untitled(pdf):
    del pdf.Root.ViewerPreferences.DisplayDocTitle
    del pdf.Root.MarkInfo
    with pdf.open_metadata(set_pikepdf_as_editor=False) as meta:
        del meta["dc:title"]


PLANTED_PDF = [
    (_drop_alt, "Matterhorn 13-004", "a figure without alternative text"),
    (_skip_heading, "PDF/UA-1 7.4.2", "a heading goes from H2 to H4"),
    (_unscope, "Matterhorn 15-003", "a header cell that does not say what it heads (/Scope)"),
    (_no_body, "PDF/UA-1 7.6", "a list item holding P, not Lbl and LBody"),
    (_same_ids, "Matterhorn 19-004", "two structure elements have the ID 'note-1'"),
    (_no_note_id, "Matterhorn 19-003", "a note without an ID"),
    (_bad_lang, "PDF/UA-1 7.2", "a language tag that is not one: 'not a language'"),
    (_undescribed_link, "Matterhorn 28-012", "1 link without a description (/Contents)"),
    (_unmarked_text, "Matterhorn 01-005", "1 mark drawn neither as tagged content nor as an artifact"),
]


@pytest.mark.parametrize(("change", "rule", "message"), PLANTED_PDF, ids=[c[0].__name__ for c in PLANTED_PDF])
def test_each_pdf_rule_broken_on_purpose_is_found(default_build: Path, tmp_path: Path, change, rule, message):
    found = _planted(default_build, tmp_path, change)
    assert [(r, m) for r, m, _page in found] == [(rule, message)]
    assert found[0][2] is None or found[0][2] >= 1


def test_a_figure_without_alternative_text_is_found_in_its_block(default_build: Path, tmp_path: Path):
    """The PDF's Art element of each block carries the block's id as its title (/T)."""
    found = _planted(default_build, tmp_path, _drop_alt, blocks=True)
    assert found == [("Matterhorn 13-004", "a figure without alternative text", 1, "peace-treaty-and-islands")]
    with pikepdf.open(default_build / "japan-russia-analyst.pdf") as pdf:
        titles = [str(e.T) for e in _elements(pdf, "/Art") if "/T" in e]
    assert titles[0] == "peace-treaty-and-islands" and "turn-the-screws" in titles


def test_a_font_not_embedded_and_a_document_without_title_or_tags(default_build: Path, tmp_path: Path):
    found = _planted(default_build, tmp_path, _unembedded_font)
    assert [r for r, _m, _p in found] == ["PDF/UA-1 7.21.4.1"]
    assert re.fullmatch(r"the font \w+\+\S+ is not embedded", found[0][1])
    found = _planted(default_build, tmp_path, _untitled)
    assert sorted(m for _r, m, _p in found) == [
        "does not ask viewers to show its title (DisplayDocTitle)",
        "has no title in its metadata (dc:title)",
        "is not marked as tagged (/MarkInfo /Marked true)",
    ]


def test_a_pdf_without_tags_or_that_is_not_a_pdf(tmp_path: Path):
    import pypdf  # noqa: PLC0415

    writer = pypdf.PdfWriter()
    writer.add_blank_page(200, 200)
    writer.write(tmp_path / "untagged.pdf")
    rules = [f.rule for f in check_pdf(tmp_path / "untagged.pdf")]
    assert rules[-1] == "PDF/UA-1 7.1" and "Matterhorn 06-002" in rules
    (tmp_path / "not.pdf").write_text("plain words")
    assert [f.message.split(" (")[0] for f in check_pdf(tmp_path / "not.pdf")] == ["cannot be read as a PDF"]


# ---------------------------------------------------------------- Word


def _word(default_build: Path, tmp_path: Path, **replace: tuple[str, str]) -> list[tuple[str, str, str | None]]:
    """The findings in a copy of the analyst's Word file with `part=(old, new)` replaced once."""
    source, path = default_build / "japan-russia-analyst.docx", tmp_path / "planted.docx"
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(path, "w") as new:
        for item in old.infolist():
            data = old.read(item)
            name = item.filename.replace("/", "_").removesuffix(".xml").replace(".", "_")
            if name in replace:
                before, after = replace[name]
                text = data.decode()
                assert re.search(before, text), (name, before)
                data = re.sub(before, after, text, count=1).encode()
            new.writestr(item, data)
    return [(f.rule, f.message, f.block) for f in check_docx(path)]


def test_each_word_rule_broken_on_purpose_is_found(default_build: Path, tmp_path: Path):
    found = _word(default_build, tmp_path, word_document=(r'descr="[^"]*"', 'descr=""'))
    assert [(r, b) for r, _m, b in found] == [("Word: missing alternative text", "peace-treaty-and-islands")]
    found = _word(default_build, tmp_path, word_document=(r"<w:tblHeader/>", ""))
    assert [r for r, _m, _b in found] == ["Word: missing table header"]
    found = _word(
        default_build, tmp_path, word_document=(r'<w:pStyle w:val="Heading2"/>', '<w:pStyle w:val="Heading4"/>')
    )
    assert [(r, m) for r, m, _b in found] == [("Word: skipped heading level", "a heading at level 4 after level 1")]
    found = _word(default_build, tmp_path, docProps_core=(r"<dc:title>[^<]*</dc:title>", "<dc:title></dc:title>"))
    assert [r for r, _m, _b in found] == ["Word: document title"]
    found = _word(default_build, tmp_path, word_styles=(r'(<w:docDefaults>.*?<w:lang w:val=")en-US', r"\1"))
    assert [(r, m) for r, m, _b in found] == [
        ("Word: document language", "does not name its language (default language '')")
    ]


def test_faint_text_in_word_is_found_where_it_is(default_build: Path, tmp_path: Path):
    """#777777 on white is 4.48:1 (WebAIM's contrast checker), under the 4.5:1 body text needs."""
    light = (
        r"(<w:bookmarkStart [^>]*w:name=\"block-residual-ties\"/>.*?<w:r>)",
        r'\1<w:rPr><w:color w:val="777777"/></w:rPr>',
    )
    found = _word(default_build, tmp_path, word_document=light)
    assert [(r, m, b) for r, m, b in found] == [
        (
            "Word: hard-to-read text contrast",
            "text coloured #777777 on #FFFFFF has a contrast of 4.48:1, below 4.5:1",
            "residual-ties",
        )
    ]


def test_contrast_ratios_are_wcag_s():
    """Values from WCAG 2.2's definition as WebAIM's checker reports them."""
    assert round(contrast_ratio("000000", "FFFFFF"), 2) == 21.0
    assert round(contrast_ratio("FFFFFF", "FFFFFF"), 2) == 1.0
    assert round(contrast_ratio("767676", "FFFFFF"), 2) == 4.54
    assert round(contrast_ratio("FFFFFF", "777777"), 2) == 4.48
    assert round(contrast_ratio("0000FF", "FFFFFF"), 2) == 8.59
    assert round(contrast_ratio("0A0A0A", "FFFFFF"), 1) == 19.8  # a channel this dark is on the curve's linear part
    assert large_text(18, False) and large_text(14, True)
    assert not large_text(17.5, False) and not large_text(13.5, True)


# ---------------------------------------------------------------- the command


@pytest.fixture
def built_minimal(fixture_build, tmp_path: Path) -> Path:
    """The minimal workspace with its outputs built, a copy of its own for each test to spoil."""
    return Path(shutil.copytree(fixture_build("minimal").root, tmp_path / "ws" / "minimal"))


def _run(monkeypatch, capsys, root: Path, *args: str) -> tuple[int, str, str]:
    """`briefgen -w ROOT ARGS` through main(), which maps errors to exit codes as the command does."""
    monkeypatch.chdir(root)
    monkeypatch.setattr("sys.argv", ["briefgen", "-w", str(root), *args])
    with pytest.raises(SystemExit) as exit_info:
        main()
    out, err = capsys.readouterr()
    return exit_info.value.code, out, err


@pytest.mark.slow
@needs_chromium
def test_the_command_points_at_the_block_whose_words_are_at_fault(built_minimal: Path, monkeypatch, capsys):
    code, out, err = _run(monkeypatch, capsys, built_minimal, "check", "--accessibility")
    assert (code, err) == (0, "") and out.startswith("ok: 1 brief, 3 audiences, ") and "; 9 outputs accessible;" in out
    page = built_minimal / "dist" / "demo" / "demo-public.html"
    html = page.read_text(encoding="utf-8")
    start = html.index(">", html.index("<p", html.index('data-block="history"'))) + 1
    page.write_text(html[:start] + '<a href="#x"></a>' + html[start:], encoding="utf-8")
    code, out, err = _run(monkeypatch, capsys, built_minimal, "check", "--accessibility")
    lines = [line for line in err.splitlines() if "accessibility" in line]
    assert code == 1 and len(lines) == 1
    assert re.fullmatch(
        r"briefs/demo/blocks/history\.yaml:\d+:\d+: error: demo-public\.html: in block 'history': Links must have "
        r"discernible text \(serious\): a \[axe-core link-name\] \[accessibility\.html\]",
        lines[0],
    ), lines[0]


def test_nothing_built_is_an_error_and_out_needs_the_flag(tmp_path: Path, monkeypatch, capsys):
    root = copy_fixture("minimal", tmp_path / "ws")
    code, _out, err = _run(monkeypatch, capsys, root, "check", "--accessibility")
    folder = (root / "dist" / "demo").resolve()
    assert code == 1
    assert (
        f"briefs/demo/brief.yaml: error: demo: nothing built to check in {folder}: build it first (briefgen "
        "build demo -f pdf -f docx -f html), or, if it was built with -o DIR, give the same DIR with --out "
        "[accessibility.not-built]"
    ) in err
    code, _out, err = _run(monkeypatch, capsys, root, "check", "--out", str(tmp_path))
    assert code == 2 and "--out names the folder --accessibility reads; use it with --accessibility" in err


def test_without_a_browser_the_html_gets_the_checks_that_need_none(built_minimal: Path, monkeypatch, capsys):
    from briefgen.build.accessibility import html  # noqa: PLC0415

    monkeypatch.setattr(html, "axe_available", lambda: "no Chromium was found: install Debian's chromium")
    monkeypatch.setattr("briefgen.build.accessibility.axe_available", html.axe_available)
    page = built_minimal / "dist" / "demo" / "demo-public.html"
    html_text = page.read_text(encoding="utf-8").replace('<html lang="en-US"', '<html lang="english"', 1)
    page.write_text(html_text, encoding="utf-8")
    code, _out, err = _run(monkeypatch, capsys, built_minimal, "check", "--accessibility")
    assert code == 1
    assert (
        "briefs/demo/brief.yaml: warning: demo: the HTML outputs were not checked with axe-core: no Chromium was "
        "found: install Debian's chromium [accessibility.no-browser]"
    ) in err
    assert (
        "dist/demo/demo-public.html: error: demo-public.html: does not name its language (<html lang> is 'english') "
        "[WCAG 3.1.1] [accessibility.html]"
    ) in err


@pytest.mark.slow
def test_out_reads_another_folder(built_minimal: Path, tmp_path: Path, monkeypatch, capsys):
    shutil.move(built_minimal / "dist", tmp_path / "elsewhere")
    elsewhere = str(tmp_path / "elsewhere")
    code, out, _err = _run(monkeypatch, capsys, built_minimal, "check", "--accessibility", "--out", elsewhere)
    assert code == 0 and "9 outputs accessible" in out


def test_what_briefgen_wrote_wrong_is_reported_at_the_output(built_minimal: Path, monkeypatch, capsys):
    """A fault in briefgen's own structure has no block to point at: the output file is named instead."""
    folder = built_minimal / "dist" / "demo"
    with pikepdf.open(folder / "demo-boss.pdf", allow_overwriting_input=True) as pdf:
        del pdf.Root.ViewerPreferences.DisplayDocTitle
        pdf.save(folder / "demo-boss.pdf")
    source = folder / "demo-boss.docx"
    with zipfile.ZipFile(source) as old:
        parts = {item: old.read(item) for item in old.infolist()}
    with zipfile.ZipFile(source, "w") as new:
        for item, data in parts.items():
            if item.filename == "docProps/core.xml":
                data = re.sub(rb"<dc:title>[^<]*</dc:title>", b"<dc:title/>", data)
            new.writestr(item, data)
    monkeypatch.setattr("briefgen.build.accessibility.axe_available", lambda: "not installed here")
    code, _out, err = _run(monkeypatch, capsys, built_minimal, "check", "--accessibility")
    assert code == 1
    assert [line for line in err.splitlines() if ": error: " in line] == [
        "dist/demo/demo-boss.docx: error: demo-boss.docx: has no title in its properties (File > Info > Title) "
        "[Word: document title] [accessibility.word]",
        "dist/demo/demo-boss.pdf: error: demo-boss.pdf: does not ask viewers to show its title (DisplayDocTitle) "
        "[Matterhorn 07-001] [accessibility.pdf]",
    ]


def test_a_brief_never_built_is_passed_over_unless_asked_for(built_minimal: Path, monkeypatch, capsys):
    """With several briefs, those with outputs are checked; one never built is an error only when named."""
    shutil.copytree(built_minimal / "briefs" / "demo", built_minimal / "briefs" / "other")
    monkeypatch.setattr("briefgen.build.accessibility.axe_available", lambda: "not here")
    code, out, err = _run(monkeypatch, capsys, built_minimal, "check", "--accessibility")
    assert code == 0 and "9 outputs accessible" in out and "accessibility.not-built" not in err
    code, _out, err = _run(monkeypatch, capsys, built_minimal, "check", "--accessibility", "other")
    assert code == 1 and "error: other: nothing built to check in " in err


def test_outputs_older_than_their_blocks_are_named(built_minimal: Path, monkeypatch, capsys):
    block = built_minimal / "briefs" / "demo" / "blocks" / "history.yaml"
    block.write_text(block.read_text(encoding="utf-8").replace("Long history", "Longer history"), encoding="utf-8")
    monkeypatch.setattr("briefgen.build.accessibility.axe_available", lambda: "not here")
    code, _out, err = _run(monkeypatch, capsys, built_minimal, "check", "--accessibility")
    folder = (built_minimal / "dist" / "demo").resolve()
    assert code == 0
    assert (
        f"briefs/demo/brief.yaml: warning: demo: the outputs in {folder} were built before blocks/history.yaml "
        "changed: build again, or the findings may point at text that is no longer there [accessibility.stale]"
    ) in err
