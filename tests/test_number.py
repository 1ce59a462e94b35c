"""Per-audience typography of the document stage (document/number.py) as the reader sees it."""

from __future__ import annotations

import shutil
from pathlib import Path

from conftest import FIXTURES
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


def test_plain_links_to_blocks_sections_anchors_and_the_briefs_parts_resolve(minimal: Path) -> None:
    """`[text](#name)`: a block id, a section id, an anchor itself, or one of the brief's own parts."""
    from briefgen.build import document_for
    from briefgen.content.richtext import plain_text, walk
    from briefgen.document.workspace import open_workspace
    from briefgen.model import Link

    block = minimal / "briefs/demo/blocks/history.yaml"
    links = (
        "[to the block](#missiles) [to the section](#recs) [to its anchor](#block-missiles) "
        "[to the notes](#notes) [to the bibliography](#bibliography) [to the bottom line](#bottom-line) "
        "[to the contents](#contents)"
    )
    text = block.read_text(encoding="utf-8")
    block.write_text(text.replace("body: |\n", f"body: |\n  {links}\n\n", 1), encoding="utf-8")
    ws, diags = open_workspace(minimal)
    assert [d for d in diags.errors] == []
    doc = document_for(ws, ws.briefs["demo"], ws.audiences["reader"])
    hrefs = {
        plain_text(n.children): n.href
        for n in walk(tuple(b for d in doc.blocks for b in d.content))
        if isinstance(n, Link)
    }
    assert hrefs == {
        "to the block": "#block-missiles",
        "to the section": "#section-recs",
        "to its anchor": "#block-missiles",
        "to the notes": "#notes",
        "to the bibliography": "#bibliography",
        "to the bottom line": "#bottom-line",
        "to the contents": "#contents",
    }


def test_a_link_to_nothing_is_an_error_and_keeps_its_words(minimal: Path) -> None:
    from briefgen.build import document_for
    from briefgen.content.richtext import blocks_text, walk
    from briefgen.document.workspace import open_workspace
    from briefgen.model import Link

    block = minimal / "briefs/demo/blocks/history.yaml"
    text = block.read_text(encoding="utf-8")
    block.write_text(text.replace("body: |\n", "body: |\n  See [the annex](#annex).\n\n", 1), encoding="utf-8")
    ws, diags = open_workspace(minimal)
    assert [d.code for d in diags.errors] != [] and all("annex" in d.message for d in diags.errors)
    doc = document_for(ws, ws.briefs["demo"], ws.audiences["reader"])
    history = next(b for b in doc.blocks if b.id == "history")
    assert "See the annex." in blocks_text(history.content)
    assert not [n for n in walk(history.content) if isinstance(n, Link) and n.href == "#annex"]


def test_a_reference_to_what_an_audience_does_not_read_names_the_target_and_the_way_out(minimal: Path) -> None:
    """The public audience gets neither the internal recommendation nor the risks section, and reads no
    table or figure that stands only in a block it does not receive."""
    from briefgen.content.language import labels_for
    from briefgen.document.number import reference_problems
    from briefgen.document.select import SelectOptions, audiences_for, select
    from briefgen.document.workspace import open_workspace

    quiet = minimal / "briefs/demo/blocks/rec-quiet.yaml"
    shutil.copy(FIXTURES / "figures/briefs/demo/figures/bars.png", minimal / "briefs/demo/bars.png")
    quiet.write_text(
        quiet.read_text(encoding="utf-8").replace(
            "body: Quiet pressure works in full.\n",
            "body: |\n  Quiet pressure works in full.\n\n"
            "  | a | b |\n  |---|---|\n  | 1 | 2 |\n\n  : Odds {#tbl-odds}\n\n"
            '  ![Bars](../bars.png){#fig-bars fig-alt="Three bars"}\n',
        ),
        encoding="utf-8",
    )
    history = minimal / "briefs/demo/blocks/history.yaml"
    refs = (
        "See @rec-quiet, @sec-risks, @tbl-odds, @fig-bars, [the block](#block-rec-quiet) and "
        "[the risks](#section-risks)."
    )
    history.write_text(
        history.read_text(encoding="utf-8").replace("body: |\n", f"body: |\n  {refs}\n\n", 1), encoding="utf-8"
    )
    ws, diags = open_workspace(minimal)
    brief = ws.briefs["demo"]
    doc = select(brief, audiences_for(ws, brief)["public"], SelectOptions(markings=ws.config.markings))
    found = [(p.code, p.subject, p.message, p.location.line) for p in reference_problems(doc, labels_for("en"))]
    way_out = "give this block a variant for public without the reference, or let public receive it"
    line = 7  # the body's first line in history.yaml
    assert found == [
        (
            "xref.not-received",
            "rec-quiet",
            f"'@rec-quiet' refers to block 'rec-quiet', which the public audience does not receive; {way_out}",
            line,
        ),
        (
            "xref.not-received",
            "sec-risks",
            f"'@sec-risks' refers to section 'risks', which the public audience does not receive; {way_out}",
            line,
        ),
        (
            "xref.not-received",
            "tbl-odds",
            "'@tbl-odds' refers to table 'tbl-odds', which is not in the text the "
            "public audience reads (its block goes to other audiences, or public reads that block's summary and the "
            f"table stands in its body); {way_out}",
            line,
        ),
        (
            "xref.not-received",
            "fig-bars",
            "'@fig-bars' refers to figure 'fig-bars', which is not in the text the "
            "public audience reads (its block goes to other audiences, or public reads that block's summary and the "
            f"figure stands in its body); {way_out}",
            line,
        ),
        (
            "xref.not-received",
            "rec-quiet",
            f"'#block-rec-quiet' refers to block 'rec-quiet', which the public audience does not receive; {way_out}",
            line,
        ),
        (
            "xref.not-received",
            "sec-risks",
            f"'#section-risks' refers to section 'risks', which the public audience does not receive; {way_out}",
            line,
        ),
    ]
    # the reader receives all of it: nothing to report
    reader = select(brief, audiences_for(ws, brief)["reader"], SelectOptions(markings=ws.config.markings))
    assert reference_problems(reader, labels_for("en")) == []


def test_tables_and_figures_are_numbered_where_the_reader_meets_them(minimal: Path) -> None:
    """Two counters, tables and figures, in reading order: a table inside a table after the one that
    holds it; an uncaptioned table and a table in a note not at all; references print the label,
    `[-@...]` the number alone."""
    from briefgen.content.language import labels_for
    from briefgen.content.richtext import plain_text, walk
    from briefgen.document.number import figures_of, number_document
    from briefgen.document.select import audiences_for, select
    from briefgen.document.workspace import open_workspace
    from briefgen.model import Figure, Link, Table

    shutil.copy(FIXTURES / "figures/briefs/demo/figures/bars.png", minimal / "briefs/demo/bars.png")
    nested = (
        (FIXTURES / "nested-tables.yaml").read_text().replace("status: approved\n", "status: approved\norder: 15\n")
    )
    nested = nested.replace("  See @tbl-out", "  See [-@tbl-last], @fig-two; @tbl-out")
    (minimal / "briefs/demo/blocks/nested.yaml").write_text(
        nested + '\n  ![Second](../bars.png){#fig-two fig-alt="Bars"}\n\n  | x |\n  |---|\n  | y |\n\n'
        "  Noted.[^n]\n\n  [^n]: A table:\n\n      | n |\n      |---|\n      | m |\n\n      : In a note {#tbl-note}\n",
        encoding="utf-8",
    )
    history = minimal / "briefs/demo/blocks/history.yaml"
    history.write_text(
        history.read_text(encoding="utf-8").replace(
            "body: |\n", 'body: |\n  ![First](../bars.png){#fig-one fig-alt="Bars"}\n\n', 1
        ),
        encoding="utf-8",
    )
    ws, diags = open_workspace(minimal)
    brief = ws.briefs["demo"]
    doc = select(brief, audiences_for(ws, brief)["reader"])
    numbered, problems = number_document(doc, labels_for("en"))
    assert [p.message for p in problems] == []
    found = [
        (type(n).__name__, n.number, plain_text(n.caption))
        for block in numbered.blocks
        for n in walk(block.content)
        if isinstance(n, Figure | Table)
    ]
    assert found == [
        ("Figure", 1, "First"),
        ("Table", 1, "Outer"),
        ("Table", 2, "Inner"),
        ("Table", 3, "Last"),
        ("Figure", 2, "Second"),
        ("Table", None, ""),
        ("Table", None, "In a note"),
    ]
    links = [
        (plain_text(n.children), n.href)
        for block in numbered.blocks
        for n in walk(block.content)
        if isinstance(n, Link)
    ]
    assert links == [
        ("3", "#tbl-last"),
        ("Figure 2", "#fig-two"),
        ("Table 1", "#tbl-out"),
        ("Table 2", "#tbl-in"),
        ("Table 3", "#tbl-last"),
    ]
    assert [plain_text(f.caption) for f in figures_of(doc)] == ["First", "Second"]


def test_references_resolve_in_the_register_and_the_bottom_line_and_name_recommendations_by_number(
    minimal: Path,
) -> None:
    from briefgen.content.language import labels_for
    from briefgen.content.richtext import plain_text, walk
    from briefgen.document.number import number_document
    from briefgen.document.select import audiences_for, select
    from briefgen.document.workspace import open_workspace
    from briefgen.model import CrossRef, Link

    brief_file = minimal / "briefs/demo/brief.yaml"
    brief_file.write_text(
        brief_file.read_text().replace("bottom_line: Do the sensible thing first.", "bottom_line: Do @rec-open first."),
        encoding="utf-8",
    )
    risk = minimal / "briefs/demo/blocks/risk-high.yaml"
    risk.write_text(risk.read_text().replace("mitigation: Act on it.", "mitigation: Act on [-@rec-open]."))
    ws, _ = open_workspace(minimal)
    brief = ws.briefs["demo"]
    doc = select(brief, audiences_for(ws, brief)["boss"])  # a decision-maker: the bottom line is printed
    numbered, problems = number_document(doc, labels_for("en"))
    assert problems == []
    risk_block = next(b for b in numbered.blocks if b.id == "risk-high")

    def shown(blocks):
        assert not [n for n in walk(blocks) if isinstance(n, CrossRef)]  # every reference resolved
        return [(plain_text(n.children), n.href) for n in walk(blocks) if isinstance(n, Link)]

    # the boss reads rec-quiet (order 10) first: rec-open is recommendation 2
    assert shown(numbered.bottom_line) == [("Recommendation 2", "#block-rec-open")]
    assert shown(risk_block.mitigation) == [("2", "#block-rec-open")]


def test_map_texts_visits_each_text_once_with_its_block_in_reading_order(minimal: Path) -> None:
    from briefgen.content.richtext import blocks_text
    from briefgen.document.number import map_texts
    from briefgen.document.select import audiences_for, select
    from briefgen.document.workspace import open_workspace

    ws, _ = open_workspace(minimal)
    brief = ws.briefs["demo"]
    doc = select(brief, audiences_for(ws, brief)["boss"])
    seen = []

    def visit(block_id, blocks):
        seen.append((block_id, blocks_text(blocks)))
        return blocks

    assert map_texts(doc, visit) == doc
    # the boss reads recs, risks, context; a section's risk register (mitigations) before its blocks
    assert seen == [
        ("bottom-line", "Do the sensible thing first."),
        ("rec-quiet", "Quiet pressure works."),
        ("rec-open", "Channels matter."),
        ("risk-high", "Act on it."),
        ("risk-mid", "Plan for it."),
        ("risk-low", "Watch it."),
        ("risk-high", "A big risk."),
        ("risk-mid", "A middle risk."),
        ("risk-low", "A small risk."),
        ("history", "Short history ."),  # citations are words only once cited
        ("missiles", "Missiles arrived ."),
    ]


def test_a_reference_to_nothing_keeps_its_words(minimal: Path) -> None:
    from briefgen.content.language import labels_for
    from briefgen.content.richtext import blocks_text
    from briefgen.document.number import number_document
    from briefgen.document.select import audiences_for, select
    from briefgen.document.workspace import open_workspace

    history = minimal / "briefs/demo/blocks/history.yaml"
    history.write_text(history.read_text().replace("body: |\n", "body: |\n  As @sec-nowhere shows.\n\n", 1))
    ws, _ = open_workspace(minimal)
    brief = ws.briefs["demo"]
    numbered, problems = number_document(select(brief, audiences_for(ws, brief)["reader"]), labels_for("en"))
    assert [p.subject for p in problems] == ["sec-nowhere"]
    assert blocks_text(next(b for b in numbered.blocks if b.id == "history").content).startswith(
        "As sec-nowhere shows."
    )
