"""Each diagnostic code no other test pins, raised by a small mistake in a copy of tests/fixtures/minimal.

tests/test_diagnostic_codes.py requires every registered code to be raised by some test; these
are the codes that were raised by none when the registry was made. Each test makes one mistake
an analyst could make and checks the report names it with its code, at its file.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path
from types import SimpleNamespace

import pytest
from click.testing import CliRunner
from conftest import ROOT

from briefgen.cli import cli
from briefgen.diagnostics import Diagnostics, Location, codes
from briefgen.errors import ContentError

BLOCKS = "briefs/demo/blocks"
MARKINGS = """
markings:
  - id: public
    banner: ""
    portion: U
  - id: internal
    banner: INTERNAL
    portion: I
"""


def check(workspace: Path) -> list[tuple[str, str, str | None]]:
    """(code, severity, file) of each problem `briefgen check --json` reports."""
    result = CliRunner().invoke(cli, ["-w", str(workspace), "check", "--json"])
    return [(d["code"], d["severity"], d["path"]) for d in json.loads(result.stdout)["problems"]]


def edit(workspace: Path, name: str, old: str, new: str) -> None:
    path = workspace / name
    text = path.read_text(encoding="utf-8")
    assert old in text, (name, old)
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def block(workspace: Path, body: str, name: str = "extra.yaml") -> None:
    """A block of the context section whose body is `body` (Markdown)."""
    lines = "".join(f"  {line}\n" if line else "\n" for line in body.split("\n"))
    text = f"section: context\ntitle: Extra\nstatus: approved\nsummary: Short.\nbody: |\n{lines}"
    (workspace / BLOCKS / name).write_text(text, encoding="utf-8")


def build(workspace: Path, tmp_path: Path, fmt: str) -> str:
    """What `briefgen build -a reader -f FMT` prints on standard error."""
    result = CliRunner().invoke(cli, ["-w", str(workspace), "build", "-a", "reader", "-f", fmt, "-o", str(tmp_path)])
    return result.stderr


# ---------------------------------------------------------------- workspace files


def test_audiences_missing_and_empty(minimal: Path):
    (minimal / "audiences.yaml").write_text("{}\n")
    assert ("audiences.empty", "error", "audiences.yaml") in check(minimal)
    (minimal / "audiences.yaml").unlink()
    assert ("audiences.missing", "error", "audiences.yaml") in check(minimal)


def test_config_default_brief_and_output_dir(minimal: Path):
    edit(minimal, "briefgen.yaml", "default_brief: demo", "default_brief: demo-brief\noutput_dir: ../elsewhere")
    found = check(minimal)
    assert ("config.default-brief", "error", "briefgen.yaml") in found
    assert ("config.output-dir", "error", "briefgen.yaml") in found


def test_an_audience_named_like_a_device_is_unsafe(minimal: Path):
    edit(minimal, "audiences.yaml", "public:", "con:\n  label: Con\n  detail: full\n  sections: [context]\npublic:")
    assert ("id.unsafe", "error", "audiences.yaml") in check(minimal)


def test_brief_duplicate_section_and_unknown_audience(minimal: Path):
    brief = "briefs/demo/brief.yaml"
    edit(minimal, brief, "  - id: recs\n", "  - id: risks\n    title: Again\n  - id: recs\n")
    edit(minimal, brief, "  public:\n", "  nobody:\n    label: Nobody\n  public:\n")
    found = check(minimal)
    assert ("brief.duplicate-section", "error", brief) in found
    assert ("brief.unknown-audience", "error", brief) in found


def test_a_block_file_that_is_a_link_out_of_the_workspace(minimal: Path):
    outside = minimal.parent / "outside.yaml"
    shutil.copy(minimal / BLOCKS / "history.yaml", outside)
    os.symlink(outside, minimal / BLOCKS / "linked.yaml")
    assert ("path.outside", "error", f"{BLOCKS}/linked.yaml") in check(minimal)


# ---------------------------------------------------------------- blocks


def test_block_file_name_shape_missing_field_and_summary(minimal: Path):
    shutil.copy(minimal / BLOCKS / "history.yaml", minimal / BLOCKS / "Bad Name.yaml")
    (minimal / BLOCKS / "listed.yaml").write_text("- a list\n- is not a block\n")
    edit(minimal, f"{BLOCKS}/risk-high.yaml", "likelihood: high\n", "")
    edit(minimal, f"{BLOCKS}/missiles.yaml", "summary: Missiles arrived [@dominguez2016].\n", "")
    found = check(minimal)
    assert ("block.file-name", "error", f"{BLOCKS}/Bad Name.yaml") in found
    assert ("block.shape", "error", f"{BLOCKS}/listed.yaml") in found
    assert ("block.missing-field", "error", f"{BLOCKS}/risk-high.yaml") in found
    assert ("block.no-summary", "warning", f"{BLOCKS}/missiles.yaml") in found


def test_markings_undefined_unknown_and_ignored(minimal: Path):
    missiles = f"{BLOCKS}/missiles.yaml"
    edit(minimal, missiles, "status: approved", "status: approved\nmarking: secret")
    assert ("marking.undefined", "error", missiles) in check(minimal)
    edit(minimal, "briefgen.yaml", "formats: [pdf, docx]", "formats: [pdf, docx]" + MARKINGS)
    found = check(minimal)
    assert ("marking.unknown", "error", missiles) in found
    assert ("marking.ignored", "warning", "audiences.yaml") in found  # boss sets marking: INTERNAL USE


# ---------------------------------------------------------------- schema


def test_schema_keywords(minimal: Path):
    edit(minimal, "briefgen.yaml", "formats: [pdf, docx]", "formats: []")
    edit(minimal, "audiences.yaml", "max_pages: 2", "max_pages: 0")
    edit(minimal, "audiences.yaml", "public:", "Public:")
    edit(minimal, "briefs/demo/brief.yaml", "date: 2022-05-02", "date: '2022-13-45'")
    edit(minimal, f"{BLOCKS}/missiles.yaml", "section: context", "id: " + "a" * 70 + "\nsection: context")
    edit(minimal, f"{BLOCKS}/history.yaml", "section: context", "tags: [trade, trade]\nsection: context")
    found = check(minimal)
    assert ("schema.minItems", "error", "briefgen.yaml") in found
    assert ("schema.minimum", "error", "audiences.yaml") in found
    assert ("schema.id", "error", "audiences.yaml") in found
    assert ("schema.format", "error", "briefs/demo/brief.yaml") in found
    assert ("schema.maxLength", "error", f"{BLOCKS}/missiles.yaml") in found
    assert ("schema.duplicate", "error", f"{BLOCKS}/history.yaml") in found


def test_schema_keywords_only_a_reference_list_has(tmp_path: Path):
    """check reads references.yaml with its own checks (bib.*); editors validate it with the JSON Schema."""
    from briefgen.content.schema import SCHEMAS
    from briefgen.content.schema_check import validate_node
    from briefgen.content.yamlsrc import parse_yaml

    diags = Diagnostics()
    path = tmp_path / "references.yaml"
    validate_node(parse_yaml("refs: []\n", path, diags), SCHEMAS["references"], diags)
    validate_node(parse_yaml("[1, 2, 3]\n", path, diags), {"type": "array", "maxItems": 2}, diags)
    assert [d.code for d in diags.items] == [codes.SCHEMA_ANY_OF, codes.SCHEMA_MAX_ITEMS]


def test_yaml_key_and_value(minimal: Path):
    missiles = f"{BLOCKS}/missiles.yaml"
    edit(minimal, missiles, "order: 20", "order: !!int twenty\n? [a, b]\n: c")
    found = check(minimal)
    assert ("yaml.value", "error", missiles) in found
    assert ("yaml.key", "error", missiles) in found


# ---------------------------------------------------------------- bibliography


def test_bibliography_keys_and_ids(minimal: Path):
    refs = "briefs/demo/references.yaml"
    edit(minimal, refs, "  - id: fpri\n    type: webpage\n", "  - type: webpage\n")
    edit(minimal, refs, "references:\n", "references:\n  - id: dominguez2016\n    type: book\n    title: Again\n")
    found = check(minimal)
    assert ("bib.duplicate-key", "error", refs) in found
    assert ("bib.id", "error", refs) in found


@pytest.mark.parametrize(
    ("name", "text", "code"),
    [
        ("refs.txt", "not a bibliography", "bib.format"),
        ("refs.json", '[{"id": "x",', "bib.syntax"),
        ("refs.json", '"a text"', "bib.shape"),
        ("references.yaml", "references: 3\n", "bib.shape"),
    ],
)
def test_bibliography_files(minimal: Path, name: str, text: str, code: str):
    (minimal / "briefs/demo" / name).write_text(text)
    edit(minimal, "briefs/demo/brief.yaml", "bibliography: references.yaml", f"bibliography: {name}")
    assert (code, "error", f"briefs/demo/{name}") in check(minimal)


def test_bibliography_missing_and_citation_style_unknown(minimal: Path):
    brief = "briefs/demo/brief.yaml"
    edit(minimal, brief, "bibliography: references.yaml", "bibliography: nowhere.yaml\ncsl: no-such-style")
    found = check(minimal)
    assert ("bib.missing", "error", brief) in found
    assert ("cite.style", "error", brief) in found


# ---------------------------------------------------------------- the writing language


def test_unknown_callout(minimal: Path):
    block(minimal, "::: {.callout-bogus}\nText.\n:::")
    assert ("markdown.callout", "error", f"{BLOCKS}/extra.yaml") in check(minimal)


def test_figure_and_table_ids_and_a_table_without_caption(minimal: Path):
    shutil.copy(ROOT / "tests/fixtures/figures/briefs/demo/figures/bars.png", minimal / "briefs/demo/map.png")
    table = "| a | b |\n|---|---|\n| 1 | 2 |"
    block(
        minimal,
        f'![A map](map.png){{#map fig-alt="x"}}\n\n{table}\n\n: Numbers {{#numbers}}\n\n{table}\n\n: {{#tbl-bare}}',
    )
    found = check(minimal)
    assert ("xref.figure-id", "error", f"{BLOCKS}/extra.yaml") in found
    assert ("xref.table-id", "error", f"{BLOCKS}/extra.yaml") in found
    assert ("xref.table-caption", "error", f"{BLOCKS}/extra.yaml") in found


def test_a_picture_already_refused_is_unusable_where_it_is_used_again(minimal: Path):
    (minimal / "briefs/demo/broken.png").write_bytes(b"not a picture")
    block(minimal, 'First.\n\n![One](broken.png){fig-alt="x"}\n\nThen.\n\n![Two](broken.png){fig-alt="y"}')
    found = check(minimal)
    assert ("figure.file", "error", f"{BLOCKS}/extra.yaml") in found
    assert ("figure.unusable", "error", f"{BLOCKS}/extra.yaml") in found


# ---------------------------------------------------------------- templates and rendering


def test_an_unreadable_word_template(minimal: Path):
    (minimal / "templates").mkdir()
    (minimal / "templates/brief.docx").write_bytes(b"not a Word file")
    assert ("template.word", "error", "templates/brief.docx") in check(minimal)


@pytest.mark.parametrize(
    ("line", "code"),
    [("{{ doc.no_such_value }}", "template.undefined"), ("{{ (doc.title | length) // 0 }}", "template.failed")],
)
def test_a_template_that_fails_while_rendering(minimal: Path, tmp_path: Path, line: str, code: str):
    template = (ROOT / "src/briefgen/defaults/templates/brief.html.j2").read_text(encoding="utf-8")
    (minimal / "templates").mkdir()
    (minimal / "templates/brief.html.j2").write_text(line + "\n" + template, encoding="utf-8")
    first = build(minimal, tmp_path / "out", "html").splitlines()[0]
    assert first.startswith("Error: templates/brief.html.j2:1:1: error: ") and first.endswith(f"[{code}]")


@pytest.mark.slow
def test_a_stylesheet_that_fetches_from_the_network(minimal: Path, tmp_path: Path):
    css = (ROOT / "src/briefgen/defaults/styles/brief.css.j2").read_text(encoding="utf-8")
    (minimal / "styles").mkdir()
    (minimal / "styles/brief.css.j2").write_text(css + '\nbody { background: url("https://example.org/x.png"); }\n')
    report = build(minimal, tmp_path / "out", "pdf")
    assert "\nError: briefs/demo/brief.yaml: error: refused to fetch 'https://example.org/x.png'" in report
    assert "[render.resource]" in report


@pytest.mark.slow
def test_a_table_wider_than_the_page(minimal: Path, tmp_path: Path):
    row = "| " + " | ".join(f"Incomprehensibilities{i}" for i in range(14)) + " |"
    block(minimal, f"Wide.\n\n{row}\n|{'---|' * 14}\n{row}\n\n: Wide table {{#tbl-wide}}")
    report = build(minimal, tmp_path / "out", "pdf")
    assert f"{BLOCKS}/extra.yaml:" in report and "is wider than the page" in report
    assert "[render.table-width]" in report


def test_a_picture_the_pdf_cannot_show_is_an_error_at_the_figure(tmp_path: Path):
    from briefgen.render import Layout

    figure = Location(tmp_path / "block.yaml", 3, 1)
    pdf = SimpleNamespace(
        pages=1, heading_pages={}, refused=[], warnings=[], located=[], failed=[("cannot show it", figure)]
    )
    [diagnostic] = Layout.of_pdf(pdf, tmp_path / "brief.yaml").diagnostics
    assert (diagnostic.code, diagnostic.location) == (codes.RENDER_FIGURE, figure)


# ---------------------------------------------------------------- review --apply


def test_review_files_that_cannot_be_written(tmp_path: Path):
    from briefgen.review.writeback import Rewrite, write_all

    (tmp_path / "a.yaml").write_text("title: A\n")
    (tmp_path / "b.yaml").symlink_to("a.yaml")
    (tmp_path / "c.yaml").write_text("title: C, edited meanwhile\n")
    rewrites = [
        Rewrite(tmp_path / "a.yaml", b"title: A\n", b"title: A2\n"),
        Rewrite(tmp_path / "b.yaml", b"title: A\n", b"title: A3\n"),
        Rewrite(tmp_path / "c.yaml", b"title: C\n", b"title: C2\n"),
        Rewrite(tmp_path / "gone.yaml", b"title: D\n", b"title: D2\n"),
    ]
    with pytest.raises(ContentError) as raised:
        write_all(rewrites, tmp_path)
    found = {(d.code, d.location.path.name if d.location else None) for d in raised.value.diagnostics.items}
    assert found == {("review.same-file", "b.yaml"), ("review.changed", "c.yaml"), ("review.unwritable", "gone.yaml")}
    assert (tmp_path / "a.yaml").read_text() == "title: A\n"


def test_markdown_a_reading_pandoc_gave_up_on_and_a_node_briefgen_does_not_know():
    """What a newer or failing Pandoc could hand the reader: refused at the field, never dropped unseen."""
    from briefgen.content.markdown_nodes import FieldReader

    reader = FieldReader("text", "t", None, None)
    blocks = reader.blocks(
        [
            {"t": "Unreadable", "c": "unexpected end of input\nat line 3"},
            {"t": "Figure2", "c": []},
            {"t": "Para", "c": [{"t": "Str", "c": "kept"}, {"t": "Ruby", "c": []}]},
        ]
    )
    assert [(p.code, p.message) for p in reader.problems] == [
        ("markdown.unreadable", "Pandoc could not read this text (unexpected end of input); simplify it"),
        ("markdown.unknown", "Pandoc read a Figure2 here, which briefs cannot show; rewrite it as text"),
        ("markdown.unknown", "Pandoc read a Ruby here, which briefs cannot show; rewrite it"),
    ]
    assert len(blocks) == 1  # the paragraph, with the words Pandoc read


def test_a_link_without_words(minimal: Path):
    """`[](address)` shows nothing in the PDF and Word file, and gives a screen reader no name."""
    block(minimal, "See [](https://example.org/report) for more.")
    result = CliRunner().invoke(cli, ["-w", str(minimal), "check"])
    assert (
        f"{BLOCKS}/extra.yaml:6:7: error: a link without words ('[](https://example.org/report)'): the PDF and "
        "Word file would show nothing there and a screen reader would read no name; write what it links to "
        "between the brackets [link.empty]"
    ) in result.stderr
