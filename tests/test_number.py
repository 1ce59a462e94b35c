"""Per-audience typography of the document stage (document/number.py) as the reader sees it."""

from __future__ import annotations

from pathlib import Path

from lxml import html as lxml_html

from briefgen.build import BuildOptions, build


def test_british_english_quotes_agree_with_citeprocs_notes(minimal: Path, tmp_path: Path) -> None:
    """lang: en-GB: the brief's own quotation marks are the single outer quotes citeproc's en-GB
    locale puts around titles in notes, so one page never mixes the two conventions."""
    brief = minimal / "briefs/demo/brief.yaml"
    brief.write_text(brief.read_text(encoding="utf-8") + "lang: en-GB\n", encoding="utf-8")
    block = minimal / "briefs/demo/blocks/history.yaml"
    text = block.read_text(encoding="utf-8")
    block.write_text(text.replace("body: ", 'body: Tokyo called it "a new approach" to Moscow. ', 1), encoding="utf-8")
    build(minimal, BuildOptions(audiences=("reader",), formats=("html",), out_dir=tmp_path))
    page = lxml_html.parse(str(tmp_path / "demo/demo-reader.html")).getroot()
    body = " ".join(p.text_content() for p in page.iter("p"))
    assert "\u2018a new approach\u2019" in body
    assert "\u2018Japan-Russia Relations After the Russian-Ukrainian War\u2019" in body  # citeproc's note
    assert "\u201c" not in body and "\u201d" not in body
