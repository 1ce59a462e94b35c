"""`check` on Markdown that the writing language refuses: each problem at its file:line:column.

tests/fixtures/refused/ holds one of each mistake; tests/fixtures/refused.expected is the exact
report (regenerate with `make golden` and review the diff it prints).
"""

from pathlib import Path

from conftest import FIXTURES
from test_validate import assert_matches_golden, report

from briefgen.document.workspace import open_workspace


def test_refused_constructs_report_matches_golden_file():
    assert_matches_golden("refused")


def test_each_refused_construct_names_what_to_write_instead():
    lines = report("refused").splitlines()
    expected = [
        "briefs/demo/blocks/refused.yaml:7:7: error: raw HTML '<b>' is not part of the writing language; use "
        "Markdown instead (*italic*, **bold**, [text]{.underline}, ^superscript^) or write '\\<' for a literal '<' "
        "[markdown.raw-html]",
        "briefs/demo/blocks/refused.yaml:7:24: error: math ('$x^2$') is not part of the writing language; write it "
        "in words or with ^superscript^ and ~subscript~, or write '\\$' for a dollar sign [markdown.math]",
        "briefs/demo/blocks/refused.yaml:7:38: error: raw LaTeX '\\textbf{TeX}' is not part of the writing "
        "language; use Markdown instead, or write '\\\\' for a literal backslash [markdown.raw-tex]",
        "briefs/demo/blocks/refused.yaml:9:3: error: line blocks ('| ' at the start of lines) are not part of the "
        "writing language; end a line with a backslash for a line break, or remove the '|' [markdown.line-block]",
        "briefs/demo/blocks/refused.yaml:12:8: error: the block '.sidebar' is not part of the writing language; for "
        "a boxed text write '::: {.callout-note title=\"...\"}' (note, tip, important, warning or caution), "
        "for text in another language '::: {lang=fr}' [markdown.div]",
        "briefs/demo/blocks/refused.yaml:16:12: error: the span attribute '.highlight' is not part of the writing "
        "language; use [text]{.smallcaps}, [text]{.underline} or [text]{lang=fr} [markdown.span]",
        "briefs/demo/blocks/refused.yaml:16:42: error: note '[^nope]' has no definition; add '[^nope]: the note "
        "text' on a line of its own (after a blank line) in the same field, or write the note inline as "
        "^[the note text] [note.undefined]",
        "briefs/demo/blocks/refused.yaml:16:54: error: '@tbl-nowhere' refers to no table of this brief; use a "
        "block's file name (without .yaml), 'sec-' and a section id, or the {#tbl-...} or "
        "{#fig-...} id of a table or figure [xref.unknown]",
        "briefs/demo/blocks/refused.yaml:16:71: error: '@rec-opne' is neither a citation key nor a block id (did "
        "you mean 'rec-open'?); fix the block id (a block's file name without .yaml), or add the work to the "
        "bibliography [cite.missing]",
        "briefs/demo/blocks/refused.yaml:16:101: error: 'French' is not a language tag; write it as BCP 47, such as "
        "lang=fr, lang=ja or lang=ar-EG [markdown.lang]",
        "briefs/demo/blocks/refused.yaml:19:3: error: '|---' looks like a table row that is not part of a table; a "
        "table needs a blank line before it, a header row and a separator row such as |---|---|, and no blank "
        "line inside [markdown.table]",
        "briefs/demo/blocks/refused.yaml:21:3: warning: note '[^spare]' is defined but never called; write "
        "[^spare] where it belongs, or delete the definition [note.unused]",
        "briefs/demo/blocks/not-received.yaml:10:50: error: '@sec-risks' refers to section 'risks', which the "
        "public audience does not receive; give this block a variant for public without the reference, or let "
        "public receive it [xref.not-received]",
        "briefs/demo/blocks/not-received.yaml:10:65: error: '@draft-note' refers to block 'draft-note', which the "
        "reader audience does not receive (it is draft, not approved); give this block a variant for reader "
        "without the reference, or let reader receive it [xref.not-received]",
        "briefs/demo/blocks/not-received.yaml:12:18: warning: U+13000 \U00013000 has no glyph in Carlito or any "
        "fallback font (Noto Sans CJK JP, Noto Sans CJK SC, Noto Sans CJK TC, Noto Sans CJK KR, DejaVu Sans); "
        "install fonts-noto-core or fonts-noto-extra (or another font that has it) and list it under "
        "fonts.fallback in styles/theme.yaml [font.missing-glyph]",
        "briefs/demo/blocks/fpri.yaml:1:1: error: block id 'fpri' is also a bibliography key (at "
        "references.yaml:12:9), so @fpri cannot mean both; rename the block file or give it an 'id:', or change "
        "the key [xref.clash]",
    ]
    for line in expected:
        assert line in lines


def test_a_newcomers_mistakes_are_each_named_where_they_stand():
    lines = report("refused").splitlines()
    prefix = "briefs/demo/blocks/refused-more.yaml:"
    for expected in [
        "7:31: error: note '[^crm]' has no definition (did you mean 'crms'?); add '[^crm]: the note text' on a "
        "line of its own (after a blank line) in the same field, or write the note inline as ^[the note text] "
        "[note.undefined]",
        # the second, misspelt reference on the line, not the valid one before it
        "7:72: error: '@sec-risk' refers to no section of this brief (did you mean 'sec-risks'?); use a block's "
        "file name (without .yaml), 'sec-' and a section id, or the {#tbl-...} or "
        "{#fig-...} id of a table or figure [xref.unknown]",
        "13:4: error: '=======+' is the border of a grid table that did not come out as a table; every row must "
        "have its '|' and '+' in exactly the columns of the border lines above and below it [markdown.grid-table]",
        "24:6: error: '@tbl-shares' refers to a table that did not come out as a table (see the error where "
        "{#tbl-shares} is written); fix that table and this reference will work [xref.unknown]",
        "26:3: error: the box '::: {.callout-warning title=\"What to watch\"}' is never closed, so everything "
        "after it in this field would be drawn inside it; add a line ':::' (after a blank line) where the box "
        "ends [markdown.fence]",
    ]:
        assert prefix + expected in lines


def test_the_clean_language_fixture_has_only_the_expected_note_warning():
    ws, diags = open_workspace(FIXTURES / "language")
    assert [(d.code, d.location.line) for d in diags.items] == [("note.dropped", 58)]
    assert "the public audience has 'notes: none'" in diags.items[0].message


def write_block(ws: Path, name: str, body: str, extra: str = "") -> None:
    text = f"section: context\ntitle: {name}\nstatus: approved\n{extra}body: |\n"
    text += "".join(f"  {line}\n" if line else "\n" for line in body.splitlines())
    (ws / "briefs/demo/blocks" / f"{name}.yaml").write_text(text, encoding="utf-8")


def codes(ws: Path) -> list[tuple[str, str, int]]:
    _ws, diags = open_workspace(ws)
    return [
        (d.code, d.location.path.name if d.location else "", d.location.line if d.location else 0) for d in diags.items
    ]


TABLE = "| a |\n|---|\n| b |\n\n: Caption {#tbl-x}\n"


def test_table_ids_are_checked_where_readers_could_meet_both(minimal: Path):
    write_block(minimal, "twice", TABLE + "\n" + TABLE.replace("Caption", "Other"))  # twice in one field
    write_block(
        minimal,
        "alternatives",
        TABLE.replace("tbl-x", "tbl-y"),
        "summary: |\n  " + TABLE.replace("tbl-x", "tbl-y").replace("\n", "\n  ") + "\n",
    )
    write_block(minimal, "tbl-data", "A block named like a table.")
    write_block(
        minimal,
        "noted",
        "Text.[^n]\n\n[^n]: A note with a table:\n\n    | a |\n    |---|\n    | b |\n\n    : In a note {#tbl-in-note}",
    )
    found = codes(minimal)
    assert ("xref.duplicate", "twice.yaml", 15) in found
    assert not [c for c in found if c[1] == "alternatives.yaml"]  # summary and body are never read together
    assert ("xref.clash", "tbl-data.yaml", 1) in found
    assert ("xref.table-in-note", "noted.yaml", 13) in found


def test_citations_and_cross_references_in_one_bracket_are_one_clear_error(minimal: Path):
    write_block(minimal, "mixed", "As shown [see @fpri, p. 3; @sec-risks].")
    _ws, diags = open_workspace(minimal)
    assert [d.format(minimal) for d in diags.errors] == [
        "briefs/demo/blocks/mixed.yaml:5:17: error: '[see @fpri, p. 3; @sec-risks]' mixes citations and "
        "cross-references in one pair of brackets; write them apart, for example [see @source, p. 3] and "
        "@sec-background [xref.mixed]"
    ]


def test_notes_an_audience_drops_are_named_in_mitigations_too(minimal: Path):
    risk = minimal / "briefs/demo/blocks/risk-high.yaml"
    risk.write_text(
        risk.read_text().replace("mitigation: Act on it.", "mitigation: Act^[A note in a mitigation.] on it.")
    )
    profiles = minimal / "audiences.yaml"
    profiles.write_text(profiles.read_text().replace("sections: [context, recs]", "sections: [context, risks, recs]"))
    assert ("note.dropped", "risk-high.yaml") in [c[:2] for c in codes(minimal)]
