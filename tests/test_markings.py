"""Handling markings: banners follow the highest portion; no audience gets a block above its ceiling."""

from pathlib import Path

import docx
from readers import pdf_pages, squash

from briefgen.build import BuildOptions, build

MARKINGS = """
markings:
  - id: public
    banner: ""
    portion: U
  - id: internal
    banner: INTERNAL
    portion: I
  - id: sensitive
    banner: SENSITIVE // HANDLE WITH CARE
    portion: S
"""


def marked_workspace(minimal: Path) -> Path:
    (minimal / "briefgen.yaml").write_text((minimal / "briefgen.yaml").read_text() + MARKINGS, encoding="utf-8")
    audiences = (minimal / "audiences.yaml").read_text()
    audiences = audiences.replace("  exclude_tags: [internal]\n", "  max_marking: public\n")
    audiences = audiences.replace("  notes: endnotes\n", "  notes: endnotes\n  portion_marks: true\n")
    (minimal / "audiences.yaml").write_text(audiences, encoding="utf-8")
    quiet = minimal / "briefs/demo/blocks/rec-quiet.yaml"
    quiet.write_text(quiet.read_text().replace("tags: [internal]\n", "marking: sensitive\n"), encoding="utf-8")
    history = minimal / "briefs/demo/blocks/history.yaml"
    history.write_text(
        history.read_text().replace("status: approved\n", "status: approved\nmarking: internal\n"), encoding="utf-8"
    )
    return minimal


def test_no_audience_receives_a_block_above_its_ceiling(minimal: Path):
    root = marked_workspace(minimal)
    result = build(root, BuildOptions(all_audiences=True, formats=("pdf", "docx"), out_dir=root / "out"))
    out = root / "out" / "demo"
    public_pdf = squash(" ".join(pdf_pages(out / "demo-public.pdf")))
    public_docx = " ".join(p.text for p in docx.Document(str(out / "demo-public.docx")).paragraphs)
    for text in (public_pdf, public_docx):
        assert "Press quietly" not in text and "Quiet pressure" not in text  # sensitive
        assert "Long history" not in text  # internal
        assert "Talk openly" in text
    public_entry = next(o for o in result.manifest["outputs"] if o["audience"] == "public" and o["format"] == "pdf")
    assert "rec-quiet" not in public_entry["blocks"] and "history" not in public_entry["blocks"]


def test_banner_is_the_highest_level_on_every_page(minimal: Path):
    root = marked_workspace(minimal)
    build(root, BuildOptions(all_audiences=True, formats=("pdf", "docx"), out_dir=root / "out"))
    out = root / "out" / "demo"
    for page in pdf_pages(out / "demo-boss.pdf"):
        assert page.count("SENSITIVE // HANDLE WITH CARE") == 2
    assert all("SENSITIVE" not in page and "INTERNAL" not in page for page in pdf_pages(out / "demo-public.pdf"))
    header = docx.Document(str(out / "demo-reader.docx")).sections[0].header.paragraphs[0].text
    assert header == "SENSITIVE // HANDLE WITH CARE"


def test_portion_marks_precede_paragraphs_and_table_rows(minimal: Path):
    root = marked_workspace(minimal)
    build(root, BuildOptions(audiences=("reader",), formats=("pdf", "docx"), out_dir=root / "out"))
    out = root / "out" / "demo"
    text = squash(" ".join(pdf_pages(out / "demo-reader.pdf")))
    assert "(I) Long history of the Hokkaidō dispute." in text
    assert "(S) Quiet pressure works in full." in text
    assert "(U) Big risk" in text
    paragraphs = [p.text for p in docx.Document(str(out / "demo-reader.docx")).paragraphs]
    assert "(I) first point" in paragraphs and "(U) A big risk in full." in paragraphs


def test_check_lists_what_each_audience_loses(minimal: Path):
    from briefgen.document.workspace import open_workspace

    _, diags = open_workspace(marked_workspace(minimal))
    notes = [d.message for d in diags.items if d.code == "marking.withheld"]
    assert notes == ["audience 'public' (max_marking public) never receives: history, rec-quiet"]
