"""Pandoc Markdown export: Pandoc turns it into Word with the same headings and citations."""

import json
from pathlib import Path

import pypandoc
import yaml
from readers import docx_notes, docx_paragraphs

ROOT = Path(__file__).parent.parent


def test_markdown_has_metadata_and_pandoc_citations(default_build_md: Path):
    text = (default_build_md / "japan-russia-analyst.md").read_text()
    header = yaml.safe_load(text.split("---\n")[1])
    assert header["title"] == "Japan and Russia after the invasion of Ukraine"
    assert {r["id"] for r in header["references"]} == {"dominguez2016", "fpri-japan-russia"}
    assert header["csl"] == "chicago-notes-bibliography-subsequent-ibid.csl"
    assert (default_build_md / header["csl"]).is_file()
    assert "[@fpri-japan-russia]" in text and "{#block-peace-treaty-and-islands}" in text


def test_pandoc_makes_the_same_headings_and_notes(default_build_md: Path, tmp_path: Path):
    for audience in ("analyst", "press"):
        source = default_build_md / f"japan-russia-{audience}.md"
        target = tmp_path / f"{audience}.docx"
        pypandoc.convert_file(
            str(source),
            "docx",
            outputfile=str(target),
            extra_args=["--citeproc", f"--resource-path={default_build_md}"],
            cworkdir=str(default_build_md),
        )
        ours = default_build_md / f"japan-russia-{audience}.docx"
        ours_headings = [t for s, t in docx_paragraphs(ours) if s in ("Heading 1", "Heading 2")]
        theirs = json.loads(pypandoc.convert_file(str(target), "json"))
        theirs_headings = [
            pypandoc.convert_text(json.dumps({**theirs, "blocks": [b]}), "plain", format="json").strip()
            for b in theirs["blocks"]
            if b["t"] == "Header"
        ]
        assert theirs_headings == ours_headings, audience
        ours_notes = docx_notes(ours) or docx_notes(ours, "endnotes")
        assert docx_notes(target) == ours_notes, audience
