"""Parity: PDF and Word of the same document carry the same headings, paragraphs and notes."""

import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest
from conftest import FIXTURES, ROOT, copy_fixture, shared
from lxml import etree
from readers import W, libreoffice_pdf

from briefgen.build import BuildOptions, build, render_all
from briefgen.build.parity import check_parity, compare

VML = "{urn:schemas-microsoft-com:vml}"
OFFICE = "{urn:schemas-microsoft-com:office:office}"


@pytest.mark.slow
def test_default_brief_pdf_and_word_match_for_every_audience():
    assert check_parity(ROOT) == []


def test_a_mismatch_is_reported_with_the_block_where_it_starts():
    rendered = render_all(FIXTURES / "minimal", BuildOptions(all_audiences=True, formats=("pdf", "docx"), force=True))
    data = {(o.audience, o.format): o.data for o in rendered.outputs}
    assert compare(data[("reader", "pdf")], data[("reader", "docx")]) == []
    problems = compare(data[("public", "pdf")], data[("reader", "docx")])
    assert problems == [
        "headings differ at heading 2: PDF has 'History for everyone', Word has 'History'",
        "paragraph in block 'history' is in Word but not in the PDF: 'Long history of the Hokkaidō dispute.1'",
        "note 1 differs: Word has '\u201cJapan-Russia Relations After the Russian-Ukrainian War,\u201d "
        "Foreign Policy Researc', the PDF does not",
    ]


@pytest.mark.slow
def test_every_construct_long_urls_and_cjk_match_in_pdf_and_word():
    # Tables, notes, callouts and a 360-character token that the PDF wraps across lines.
    assert check_parity(FIXTURES / "language") == []


def test_a_paragraph_missing_from_the_pdf_is_named_with_its_block():
    options = BuildOptions(audiences=("reader",), formats=("pdf", "docx"), force=True)
    rendered = render_all(FIXTURES / "language", options)
    data = {o.format: o.data for o in rendered.outputs}
    other = render_all(FIXTURES / "minimal", BuildOptions(audiences=("reader",), formats=("pdf",), force=True))
    problems = compare(other.outputs[0].data, data["docx"])
    assert any(p.startswith("paragraph in block 'writing' is in Word but not in the PDF") for p in problems), problems


# ---------------------------------------------------------------- page furniture: footer and DRAFT watermark

LONG_TITLE = (
    "Japan, Russia and the Northern Territories after the invasion of Ukraine: sanctions, leverage, "
    "fisheries and the China factor in a changed region"
)
MARKING = "FOR OFFICIAL USE ONLY"


def _build_boss(tmp_path_factory, name: str, drafts: bool) -> dict[str, Path]:
    """The minimal brief for its decision audience, retitled at length and marked FOUO, in PDF and Word."""
    root = copy_fixture("minimal", tmp_path_factory.mktemp(name))
    brief = root / "briefs/demo/brief.yaml"
    brief.write_text(brief.read_text(encoding="utf-8").replace("title: Demo brief", f'title: "{LONG_TITLE}"'))
    audiences = root / "audiences.yaml"
    audiences.write_text(audiences.read_text(encoding="utf-8").replace("marking: INTERNAL USE", f"marking: {MARKING}"))
    options = BuildOptions(audiences=("boss",), formats=("pdf", "docx"), drafts=drafts, out_dir=root / "out", jobs=1)
    return {o.format: o.path for o in build(root, options).outputs}


@pytest.fixture(scope=shared("module"))
def draft(tmp_path_factory) -> dict[str, Path]:
    return _build_boss(tmp_path_factory, "draft", drafts=True)


@pytest.fixture(scope=shared("module"))
def final(tmp_path_factory) -> dict[str, Path]:
    return _build_boss(tmp_path_factory, "final", drafts=False)


def footer_lines(pdf: Path) -> list[str]:
    """The line of each page that holds "Page N of M", as laid out (pdftotext -layout)."""
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    return [line.strip() for line in text.splitlines() if re.search(r"Page \d+ of \d+", line)]


def word_footer(path: Path):
    with zipfile.ZipFile(path) as archive:
        name = next(n for n in archive.namelist() if re.fullmatch(r"word/footer\d*\.xml", n))
        return etree.fromstring(archive.read(name))


def test_a_long_title_is_shortened_in_the_footer_and_the_marking_stays_whole(draft):
    lines = footer_lines(draft["pdf"])
    assert len(lines) == 2 and all(MARKING in line for line in lines), lines  # not "FOR OFFICIAL" / "USE ONLY"
    title, marking, page = re.split(r"\s{2,}", lines[0])
    assert marking == MARKING and page == "Page 1 of 2"  # one line: nothing wrapped
    assert title.endswith("\u2026") and LONG_TITLE.startswith(title[:-1].rstrip(",:; "))
    assert all(line.startswith(title) and MARKING in line for line in lines)
    # Word: one row of three cells that never wrap, at fixed widths filling the text block,
    # the title cut after the same word as in the PDF.
    footer = word_footer(draft["docx"])
    (table,) = footer.findall(f"{W}tbl")
    assert table.find(f"{W}tblPr/{W}tblLayout").get(f"{W}type") == "fixed"
    cells = table.findall(f"{W}tr/{W}tc")
    assert [("".join(c.itertext())) for c in cells[:2]] == [title, MARKING]
    assert all(c.find(f"{W}tcPr/{W}noWrap") is not None for c in cells)
    widths = [int(c.find(f"{W}tcPr/{W}tcW").get(f"{W}w")) for c in cells]
    grid = [int(g.get(f"{W}w")) for g in table.find(f"{W}tblGrid")]
    assert widths == grid and abs(sum(widths) - 170 / 25.4 * 1440) < 5  # A4 less 20 mm margins, in twips
    assert widths[0] == widths[2] and widths[1] > 0


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (libreoffice-writer) is not installed")
def test_libreoffice_lays_the_word_footer_out_on_one_line(draft, tmp_path):
    title = re.split(r"\s{2,}", footer_lines(draft["pdf"])[0])[0]
    lines = footer_lines(libreoffice_pdf(draft["docx"], tmp_path))
    assert lines and all(re.fullmatch(rf"{re.escape(title)}\s+{MARKING}\s+Page \d of \d", line) for line in lines)


def watermark_shapes(path: Path) -> list:
    """The VML watermark shapes in the Word file's headers, each in a w:pict of a header run."""
    shapes = []
    with zipfile.ZipFile(path) as archive:
        for name in archive.namelist():
            if re.fullmatch(r"word/header\d*\.xml", name):
                header = etree.fromstring(archive.read(name))
                shapes += header.findall(f"{W}p/{W}r/{W}pict/{VML}shape")
    return shapes


def reddish_pixels(pdf: Path, tmp_path: Path) -> int:
    """Pixels of page 1, drawn at 40 dpi, in the faint marking red of the DRAFT stamp."""
    from PIL import Image

    tmp_path.mkdir(parents=True, exist_ok=True)
    subprocess.run(["pdftoppm", "-png", "-r", "40", "-f", "1", "-l", "1", str(pdf), str(tmp_path / "page")], check=True)
    data = Image.open(next(tmp_path.glob("page*.png"))).convert("RGB").tobytes()
    # The marking colour at the stamp's 12% on white is about (244, 227, 228); red text has few such edges.
    return sum(
        1 for r, g, b in zip(data[0::3], data[1::3], data[2::3], strict=True) if 238 <= r <= 250 and 215 <= g <= r - 8
    )


def test_drafts_carry_a_real_watermark_in_word_as_in_the_pdf(draft, final, tmp_path):
    (shape,) = watermark_shapes(draft["docx"])
    assert shape.get("id").startswith("PowerPlusWaterMarkObject")  # the shape Word's Watermark menu inserts
    assert shape.get("type") == "#_x0000_t136" and shape.get(f"{OFFICE}spid")
    assert shape.find(f"{VML}textpath").get("string") == "DRAFT"
    assert "rotation:325" in shape.get("style") and "z-index:-" in shape.get("style")  # -35 degrees, behind the text
    header_text = "".join(
        t.text or "" for t in etree.fromstring(zipfile.ZipFile(draft["docx"]).read("word/header1.xml")).iter(f"{W}t")
    )
    assert header_text == MARKING  # the word DRAFT is the watermark, not header text, as in the PDF
    assert watermark_shapes(final["docx"]) == []
    assert reddish_pixels(draft["pdf"], tmp_path / "a") > 1000 > 100 > reddish_pixels(final["pdf"], tmp_path / "b")


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (libreoffice-writer) is not installed")
def test_libreoffice_draws_the_word_watermark(draft, final, tmp_path):
    shown = reddish_pixels(libreoffice_pdf(draft["docx"], tmp_path / "a"), tmp_path / "a")
    assert shown > 1000 > 100 > reddish_pixels(libreoffice_pdf(final["docx"], tmp_path / "b"), tmp_path / "b")


# ---------------------------------------------------------------- the readers parity compares with


def test_squash_folds_only_what_pdf_text_extraction_adds():
    from briefgen.build.parity import comparable, squash

    assert squash("of\u00adfice \ufb01eld \ufb02ow") == "office field flow"  # soft hyphen, fi and fl ligatures
    assert squash("well-\n  known") == "well-known"  # a line broken after a hyphen
    assert squash("said.\u201d 12 and (x) 3 then; 4 but a 5") == "said.\u201d12 and (x)3 then;4 but a 5"
    assert squash("  a \n\t b  ") == "a b"
    assert comparable("a -\u2010\u00adb c") == "abc"
    assert comparable("Page one") == "Pageone"


@pytest.fixture(scope=shared("module"))
def trust_outputs(tmp_path_factory) -> Path:
    ws = copy_fixture("trust", tmp_path_factory.mktemp("parity-trust"))
    out = tmp_path_factory.mktemp("parity-out")
    build(ws, BuildOptions(all_audiences=True, formats=("docx",), out_dir=out))
    return out / "islands"


def test_the_word_reader_finds_paragraphs_blocks_notes_furniture_and_figures(trust_outputs: Path):
    from readers import docx_notes

    from briefgen.build.parity import read_docx, squash

    path = trust_outputs / "islands-marked.docx"
    word = read_docx(path.read_bytes())
    assert word.notes == [squash(n) for n in docx_notes(path)] and len(word.notes) == 6
    assert sorted(set(word.furniture)) == ["CONFIDENTIAL", "The disputed islands"]  # "Page X of Y" left out
    assert word.figures == ["The words Japan and Russia written in Arabic and Hebrew, right to left"]
    by_text = {p.text: p for p in word.paragraphs}
    assert by_text["(C) Etorofu"].block == "islands" and by_text["(C) Etorofu"].style == "TableText"
    assert by_text["(C) Northern Territories"].block == "terms"
    masthead = next(p for p in word.paragraphs if p.text == "The disputed islands")
    assert masthead.block == ""  # before the first block
    assert word.headings()[:3] == ["Background", "Four islands", "Open summary"]


def test_the_word_reader_takes_an_endnotes_audiences_notes_from_its_notes_list(trust_outputs: Path):
    from briefgen.build.parity import read_docx

    word = read_docx((trust_outputs / "islands-summary.docx").read_bytes())
    assert len(word.notes) == 4
    assert (
        word.notes[0]
        == "\u201cJapan-Russia Relations After the Russian-Ukrainian War,\u201d Foreign Policy Research Institute."
    )
    assert all(note and not note[0].isdigit() for note in word.notes)  # the number and tab are not the text


def test_check_parity_compares_each_audiences_own_pdf_and_word_of_the_brief_asked_for(tmp_path: Path, monkeypatch):
    from readers import squash

    import briefgen.build.parity as parity

    ws = copy_fixture("trust", tmp_path)
    shutil.copytree(ws / "briefs/islands", ws / "briefs/second")
    brief = ws / "briefs/second/brief.yaml"
    brief.write_text(brief.read_text(encoding="utf-8").replace("The disputed islands", "The second brief"), "utf-8")
    seen = []

    def record(pdf: bytes, docx: bytes, pdf_text: str | None = None) -> list[str]:
        from io import BytesIO

        from pypdf import PdfReader

        text = squash(" ".join(page.extract_text() for page in PdfReader(BytesIO(pdf)).pages))
        with zipfile.ZipFile(BytesIO(docx)) as archive:
            props = archive.read("docProps/custom.xml").decode("utf-8")
        audience = re.search(r'name="briefgen.audience"[^>]*><vt:lpwstr>([^<]+)<', props).group(1)
        labels = {"marked": "Cleared reader", "public": "The public", "summary": "Senior reader"}
        seen.append((audience, "The second brief" in text, f"Prepared for: {labels[audience]}" in text, bool(pdf_text)))
        return [f"compared {audience}"]

    monkeypatch.setattr(parity, "compare", record)
    assert sorted(check_parity(ws, "second")) == [
        "marked: compared marked",
        "public: compared public",
        "summary: compared summary",
    ]
    assert sorted(seen) == [(a, True, True, True) for a in ("marked", "public", "summary")]
