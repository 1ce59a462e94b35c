"""Loading bibliographies and profiles: lenient where Pandoc copes, precise where it would fail."""

import json
from pathlib import Path

from briefgen.build import BuildOptions, build
from briefgen.content.markdown import typeset
from briefgen.document.workspace import open_workspace

VALID = """references:
  - {id: year, type: book, title: Y, author: [{family: A, given: B}], publisher: P, issued: 2016}
  - {id: range, type: book, title: R, author: [{given: Madonna}], publisher: P, issued: "2016/2017"}
  - {id: approx, type: book, title: X, author: [{literal: World Bank}], publisher: P, issued: "2016~"}
  - {id: parts, type: book, title: Z, editor: [{family: C}], publisher: P, issued: {date-parts: [["2016", "11", "25"]]}}
  - {id: raw, type: book, title: W, author: [{family: D, non-dropping-particle: van}], publisher: P,
     issued: {raw: Spring 2016}}
"""


def cite_all(ws: Path, keys: list[str]) -> None:
    (ws / "briefs/demo/blocks/all.yaml").write_text(
        "section: context\ntitle: All\nstatus: approved\nsummary: s\nbody: 'Cited "
        + " ".join(f"[@{k}]" for k in keys)
        + "'\n",
        encoding="utf-8",
    )


def test_real_world_csl_shapes_are_accepted_and_build(minimal: Path):
    (minimal / "briefs/demo/more.yaml").write_text(VALID, encoding="utf-8")
    brief = minimal / "briefs/demo/brief.yaml"
    brief.write_text(
        brief.read_text().replace("bibliography: references.yaml", "bibliography: [references.yaml, more.yaml]")
    )
    cite_all(minimal, ["year", "range", "approx", "parts", "raw"])
    _, diags = open_workspace(minimal)
    assert diags.errors == []
    result = build(minimal, BuildOptions(audiences=("reader",), formats=("html",), jobs=1))
    html = result.outputs[0].data.decode()
    assert "2016\u20132017" in html and "World Bank" in html and "Madonna" in html


def test_shapes_pandoc_cannot_read_are_errors_in_yaml_and_json(minimal: Path):
    bad = [
        {"id": "wb", "type": "report", "title": "R", "author": "World Bank", "issued": {"date-parts": [[2016, 13, 45]]}}
    ]
    (minimal / "briefs/demo/extra.json").write_text(json.dumps(bad), encoding="utf-8")
    brief = minimal / "briefs/demo/brief.yaml"
    brief.write_text(
        brief.read_text().replace("bibliography: references.yaml", "bibliography: [references.yaml, extra.json]")
    )
    cite_all(minimal, ["wb"])
    _, diags = open_workspace(minimal)
    assert sorted(d.code for d in diags.errors) == ["bib.date", "bib.names"]
    assert all(d.location.path.name == "extra.json" and d.location.line == 1 for d in diags.errors)


def test_a_broken_profile_causes_no_false_errors_elsewhere(minimal: Path):
    audiences = minimal / "audiences.yaml"
    audiences.write_text(audiences.read_text().replace("  exclude_tags: [internal]", "  exclude_tags: internal"))
    _, diags = open_workspace(minimal)
    assert [d.code for d in diags.errors] == ["schema.type"]


def test_title_typography():
    assert typeset("\"'Special operation' or war?\"") == "\u201c\u2018Special operation\u2019 or war?\u201d"
    assert typeset('"Kuril"/"Northern Territories"') == "\u201cKuril\u201d/\u201cNorthern Territories\u201d"
    assert typeset("'90s: Japan's turn") == "\u201990s: Japan\u2019s turn"


MISINDENTED_BODY = """\
section: context
title: History
order: 10
status: approved
summary: Short history [@fpri].
variants:
  public:
    title: History for everyone
  body: |
    Long history of the dispute, told over several lines, which the message
    used to quote as the name of an audience.
"""


def test_a_body_indented_under_variants_is_named_as_such(minimal: Path):
    (minimal / "briefs/demo/blocks/history.yaml").write_text(MISINDENTED_BODY, encoding="utf-8")
    ws, diags = open_workspace(minimal)
    assert [d.format(ws.root) for d in diags.errors] == [
        "briefs/demo/blocks/history.yaml:9:3: error: 'body' is read as an audience name under 'variants:', because "
        "it is indented under it; if it is the block's body, indent 'body:' like 'variants:' (column 1); "
        "if it is the public variant's body, indent it like 'title:' (column 5) [schema.indentation]"
    ]


def test_the_column_named_is_where_variants_starts(minimal: Path):
    indented = "".join(f"  {line}\n" for line in MISINDENTED_BODY.splitlines())  # the whole file two spaces in
    (minimal / "briefs/demo/blocks/history.yaml").write_text(indented, encoding="utf-8")
    ws, diags = open_workspace(minimal)
    assert [d.format(ws.root) for d in diags.errors] == [
        "briefs/demo/blocks/history.yaml:9:5: error: 'body' is read as an audience name under 'variants:', because "
        "it is indented under it; if it is the block's body, indent 'body:' like 'variants:' (column 3); "
        "if it is the public variant's body, indent it like 'title:' (column 7) [schema.indentation]"
    ]


def test_a_text_variant_for_a_real_audience_keeps_the_plain_message(minimal: Path):
    block = minimal / "briefs/demo/blocks/history.yaml"
    block.write_text(block.read_text().replace("  public:\n    title: History for everyone", "  public: A text"))
    ws, diags = open_workspace(minimal)
    assert [d.format(ws.root) for d in diags.errors] == [
        "briefs/demo/blocks/history.yaml:14:11: error: variants.public must be a mapping of keys, "
        "not the text 'A text' [schema.type]"
    ]


def test_a_date_that_does_not_exist_is_one_error_that_quotes_it(minimal: Path):
    """2026-15-01: one error at the value, naming the field and the form; no 'not empty' after it."""
    brief = minimal / "briefs" / "demo" / "brief.yaml"
    brief.write_text(brief.read_text().replace("date: 2022-05-02", "date: 2026-15-01"))
    block = minimal / "briefs" / "demo" / "blocks" / "missiles.yaml"
    block.write_text(block.read_text().replace("order: 20", "order: 20\nreview_by: 2027-02-30"))
    _, diags = open_workspace(minimal)
    shown = [d.format(minimal) for d in diags.sorted() if d.severity.value != "note"]
    assert shown == [
        "briefs/demo/blocks/missiles.yaml:4:12: error: review_by must be a date that exists, written year-month-day "
        "such as 2022-05-02, not '2027-02-30' [schema.format]",
        "briefs/demo/brief.yaml:3:7: error: date must be a date that exists, written year-month-day such as "
        "2022-05-02, not '2026-15-01' [schema.format]",
    ]
