"""`check` on a workspace full of mistakes: every problem, each at its file:line:column.

The expected report is a golden file; regenerate it with BRIEFGEN_REGEN=1 and review the diff.
"""

import os
from pathlib import Path

from briefgen.workspace import open_workspace

FIXTURES = Path(__file__).parent / "fixtures"


def report(name: str) -> str:
    ws, diags = open_workspace(FIXTURES / name)
    return "\n".join(d.format(ws.root) for d in diags.sorted()) + "\n"


def assert_matches_golden(name: str) -> None:
    """`check`'s report on tests/fixtures/<name>/ equals <name>.expected (BRIEFGEN_REGEN=1 rewrites it)."""
    actual = report(name)
    golden = FIXTURES / f"{name}.expected"
    if os.environ.get("BRIEFGEN_REGEN"):
        golden.write_text(actual, encoding="utf-8")
    assert actual == golden.read_text(encoding="utf-8")


def test_broken_workspace_report_matches_golden_file():
    assert_matches_golden("broken")


def test_every_listed_kind_of_mistake_is_reported():
    text = report("broken")
    for code in [
        "yaml.syntax",
        "yaml.duplicate-key",
        "schema.unknown-key",
        "schema.type",
        "schema.enum",
        "schema.missing",
        "block.duplicate-id",
        "block.unknown-section",
        "block.unknown-audience",
        "block.tag-typo",
        "cite.missing",
        "cite.unused",
        "cite.incomplete",
        "file.encoding",
        "yaml.tag",
    ]:
        assert f"[{code}]" in text, code


def test_positions_point_at_the_offending_value():
    lines = report("broken").splitlines()
    assert (
        "briefs/demo/blocks/g-section.yaml:1:10: error: section 'mian' is not defined in brief.yaml "
        "(did you mean 'main'?); use one of: main [block.unknown-section]" in lines
    )
    assert any(
        line.startswith(
            "briefs/demo/blocks/j-citation.yaml:8:25: error: unknown citation 'smith2020' (did you mean 'smith2021'?)"
        )
        for line in lines
    )
    assert any(
        line.startswith("briefs/demo/blocks/d-types.yaml:3:9: error: 'finished' is not allowed for status")
        for line in lines
    )


def test_default_brief_is_clean():
    ws, diags = open_workspace(Path(__file__).parent.parent)
    assert [d.format(ws.root) for d in diags.errors + diags.warnings] == []
    assert "japan-russia" in ws.briefs


def test_email_and_code_are_not_citations(minimal: Path):
    block = minimal / "briefs/demo/blocks/plain.yaml"
    block.write_text(
        "section: context\ntitle: Plain\nstatus: approved\nsummary: s\n"
        "body: Write to desk@example.org or run `grep @user`.\n",
        encoding="utf-8",
    )
    ws, diags = open_workspace(minimal)
    assert diags.items == []


def test_malformed_citation_is_reported(minimal: Path):
    block = minimal / "briefs/demo/blocks/bad.yaml"
    block.write_text(
        "section: context\ntitle: Bad\nstatus: approved\nsummary: s\nbody: See [@fpri; and more].\n",
        encoding="utf-8",
    )
    _, diags = open_workspace(minimal)
    assert [d.code for d in diags.errors] == ["cite.syntax"]


def test_theme_mistakes_are_reported_where_they_stand(minimal: Path):
    (minimal / "styles").mkdir()
    (minimal / "styles/theme.yaml").write_text("colors:\n  accent: '#1F4E79'\n  text: red\nsizes:\n  body: eleven\n")
    _, diags = open_workspace(minimal)
    assert [d.format(minimal) for d in diags.errors] == [
        "styles/theme.yaml: error: colors.text is 'red'; write six hex digits such as \"1B3A5C\"; sizes.body is "
        "'eleven'; write a number of points such as 10.5 [style.theme]"
    ]


def test_a_section_no_brief_defines_is_a_warning_but_another_briefs_section_a_note(minimal: Path):
    audiences = minimal / "audiences.yaml"
    audiences.write_text(
        audiences.read_text().replace("sections: [context, risks, recs]", "sections: [context, risk, recs]")
    )
    _, diags = open_workspace(minimal)
    assert [(d.severity.value, d.code) for d in diags.items if d.code == "audience.unknown-section"] == [
        ("warning", "audience.unknown-section")
    ]
