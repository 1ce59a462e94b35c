"""`briefgen list --why`: which selection rule leaves each block out of each audience's brief, and where."""

from __future__ import annotations

import json
import re
from pathlib import Path

from click.testing import CliRunner

from briefgen.cli import cli
from briefgen.commands.listing import block_matrix
from briefgen.document.select import SelectOptions, audiences_for, select
from briefgen.document.workspace import open_workspace

MARKINGS = """
markings:
  - id: public
    banner: ""
    portion: U
  - id: secret
    banner: SECRET
    portion: S
"""

INSIDER = """
insider:
  label: Insider
  detail: full
  sections: [context, risks, recs]
  include_tags: [internal]
"""


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def every_rule(ws: Path) -> Path:
    """The minimal workspace where each selection rule leaves at least one block out of one audience."""
    (ws / "briefgen.yaml").write_text((ws / "briefgen.yaml").read_text(encoding="utf-8") + MARKINGS, encoding="utf-8")
    (ws / "audiences.yaml").write_text((ws / "audiences.yaml").read_text(encoding="utf-8") + INSIDER, encoding="utf-8")
    edit(ws / "audiences.yaml", "  exclude_tags: [internal]\n", "  exclude_tags: [internal]\n  max_marking: public\n")
    blocks = ws / "briefs/demo/blocks"
    edit(blocks / "missiles.yaml", "status: approved\n", "status: approved\nmarking: secret\n")
    edit(blocks / "history.yaml", "status: approved\n", "status: approved\naudiences: [boss, reader, insider]\n")
    edit(blocks / "rec-open.yaml", "status: approved\n", "status: approved\nexclude_audiences: [reader]\n")
    edit(blocks / "draft-note.yaml", "status: draft\n", "status: draft\ntags: [internal]\n")
    for name in ("risk-low", "risk-high", "risk-mid"):
        edit(blocks / f"{name}.yaml", "status: approved\n", "status: approved\ntags: [internal]\n")
    return ws


def run(*args: str):
    """The command's output as a wide terminal shows it: tables are not cut to the width of a pipe."""
    return CliRunner().invoke(cli, list(args), env={"COLUMNS": "200"})


def why(output: str) -> list[str]:
    return [line for line in output.splitlines() if line.startswith("briefs/") or line.startswith("every ")]


def test_list_why_names_the_rule_and_the_field_for_each_left_out_block(minimal: Path):
    result = run("-w", str(every_rule(minimal)), "list", "--why")
    assert result.exit_code == 0, result.output
    status = "its status is draft; builds take approved blocks only (--drafts adds draft and review blocks)"
    only_internal = "the audience takes only blocks tagged internal (include_tags) and this block has no tags"
    not_public = "its section 'risks' is not among the audience's sections (context, recs)"
    assert why(result.stdout) == [
        "briefs/demo/blocks/history.yaml:5:12: history is left out for public: "
        "its audiences list names only boss, reader, insider [audiences]",
        f"briefs/demo/blocks/history.yaml:1:1: history is left out for insider: {only_internal} [include_tags]",
        "briefs/demo/blocks/missiles.yaml:5:10: missiles is left out for public: "
        "its marking 'secret' is above the audience's max_marking 'public' [max_marking]",
        f"briefs/demo/blocks/missiles.yaml:1:1: missiles is left out for insider: {only_internal} [include_tags]",
        "briefs/demo/blocks/draft-note.yaml:5:7: draft-note is left out for public: "
        "tagged 'internal', which the audience's exclude_tags leaves out [exclude_tags]",
        f"briefs/demo/blocks/draft-note.yaml:4:9: draft-note is left out for boss, reader, public, insider: {status} "
        "[status]",
        f"briefs/demo/blocks/risk-low.yaml:1:10: risk-low is left out for public: {not_public} [sections]",
        "briefs/demo/blocks/risk-low.yaml:5:7: risk-low is left out for public: "
        "tagged 'internal', which the audience's exclude_tags leaves out [exclude_tags]",
        f"briefs/demo/blocks/risk-high.yaml:1:10: risk-high is left out for public: {not_public} [sections]",
        "briefs/demo/blocks/risk-high.yaml:5:7: risk-high is left out for public: "
        "tagged 'internal', which the audience's exclude_tags leaves out [exclude_tags]",
        f"briefs/demo/blocks/risk-mid.yaml:1:10: risk-mid is left out for public: {not_public} [sections]",
        "briefs/demo/blocks/risk-mid.yaml:5:7: risk-mid is left out for public: "
        "tagged 'internal', which the audience's exclude_tags leaves out [exclude_tags]",
        "briefs/demo/blocks/rec-quiet.yaml:6:7: rec-quiet is left out for public: "
        "tagged 'internal', which the audience's exclude_tags leaves out [exclude_tags]",
        "briefs/demo/blocks/rec-open.yaml:5:20: rec-open is left out for reader: "
        "its exclude_audiences names the audience [exclude_audiences]",
        f"briefs/demo/blocks/rec-open.yaml:1:1: rec-open is left out for insider: {only_internal} [include_tags]",
    ]
    without = run("-w", str(minimal), "list")
    assert why(without.stdout) == []
    assert re.search(r"│ rec-open +│ recs +│ recommendation +│ approved +│ ✓ +│ · +│ ✓ +│ · +│", without.stdout)


def test_list_json_gives_every_rule_per_block_and_audience(minimal: Path):
    result = run("-w", str(every_rule(minimal)), "list", "--json")
    assert result.exit_code == 0, result.output
    blocks = {b["id"]: b for b in json.loads(result.stdout)["result"]["briefs"][0]["blocks"]}
    assert blocks["draft-note"]["audiences"] == []
    assert blocks["draft-note"]["excluded_by"]["public"] == [
        {
            "rule": "exclude_tags",
            "reason": "tagged 'internal', which the audience's exclude_tags leaves out",
            "at": "briefs/demo/blocks/draft-note.yaml:5:7",
        },
        {
            "rule": "status",
            "reason": "its status is draft; builds take approved blocks only (--drafts adds draft and review blocks)",
            "at": "briefs/demo/blocks/draft-note.yaml:4:9",
        },
    ]
    assert blocks["rec-quiet"]["audiences"] == ["boss", "reader", "insider"]
    assert blocks["rec-quiet"]["excluded_by"] == {
        "public": [
            {
                "rule": "exclude_tags",
                "reason": "tagged 'internal', which the audience's exclude_tags leaves out",
                "at": "briefs/demo/blocks/rec-quiet.yaml:6:7",
            }
        ]
    }
    assert {name: [r["rule"] for r in rules] for name, rules in blocks["history"]["excluded_by"].items()} == {
        "public": ["audiences"],
        "insider": ["include_tags"],
    }


def test_the_listing_agrees_with_what_selection_gives_each_audience(minimal: Path):
    ws, diags = open_workspace(every_rule(minimal))
    assert not diags.has_errors()
    brief = ws.briefs["demo"]
    rows = block_matrix(ws, brief)
    for name, audience in audiences_for(ws, brief).items():
        for drafts, received in ((False, {"yes"}), (True, {"yes", "if drafts"})):
            doc = select(brief, audience, SelectOptions(drafts, ws.config.markings))
            assert {b.id for b in doc.blocks} == {r.id for r in rows if r.receives[name] in received}, (name, drafts)
        assert {r.id for r in rows if name not in r.excluded_by} == {r.id for r in rows if r.receives[name] == "yes"}


def test_list_why_says_so_when_every_audience_receives_every_block(minimal: Path):
    (minimal / "briefs/demo/blocks/draft-note.yaml").unlink()
    edit(minimal / "audiences.yaml", "  sections: [context, recs]\n", "  sections: [context, risks, recs]\n")
    edit(minimal / "audiences.yaml", "  exclude_tags: [internal]\n", "")
    result = run("-w", str(minimal), "list", "--why")
    assert result.exit_code == 0, result.output
    assert why(result.stdout) == ["every audience receives every block"]


def test_list_why_says_an_empty_audiences_list_is_empty(minimal: Path):
    edit(minimal / "briefs/demo/blocks/history.yaml", "status: approved\n", "status: approved\naudiences: []\n")
    result = run("-w", str(minimal), "list", "--why")
    assert result.exit_code == 0, result.output
    assert [line for line in why(result.stdout) if "history" in line] == [
        "briefs/demo/blocks/history.yaml:5:12: history is left out for boss, reader, public: "
        "its audiences list is empty, so it reaches no audience [audiences]"
    ]
