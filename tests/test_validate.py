"""`check` on a workspace full of mistakes: every problem, each at its file:line:column.

The expected report is a golden file; regenerate it with BRIEFGEN_REGEN=1 and review the diff.
"""

from pathlib import Path

import pytest
from conftest import FIXTURES, ROOT

from briefgen.document.workspace import open_workspace


def report(name: str) -> str:
    ws, diags = open_workspace(FIXTURES / name)
    return "\n".join(d.format(ws.root) for d in diags.sorted()) + "\n"


def assert_matches_golden(name: str) -> None:
    """`check`'s report on tests/fixtures/<name>/ equals <name>.expected (`make golden` rewrites it)."""
    actual = report(name)
    golden = FIXTURES / f"{name}.expected"
    assert actual == golden.read_text(encoding="utf-8"), "a changed report: if it is meant, run 'make golden'"


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
    ws, diags = open_workspace(ROOT)
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
        "styles/theme.yaml:3:9: error: colors.text is 'red'; write six hex digits such as \"1B3A5C\" [style.theme]",
        "styles/theme.yaml:5:9: error: sizes.body is 'eleven'; write a number of points from 4 to 200, such as 10.5 "
        "[style.theme]",
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


TAG_TYPO = (
    "warning: tag 'interal' here and tag 'internal' in audience 'public' differ by a letter or two; one of them is "
    "probably misspelt, and a misspelt tag can leak a block to an audience that should not get it [block.tag-typo]"
)


def test_a_files_warnings_come_with_its_schema_errors(minimal: Path):
    (minimal / "briefs/demo/blocks/missiles.yaml").write_text(
        "section: context\ntitle: Missiles\norder: second\nstatus: approved\ntags: [interal]\n"
        "summary: New batteries [@dominguez2016].\nbody: New missile batteries arrived.\nowner: Defence\n",
        encoding="utf-8",
    )
    ws, diags = open_workspace(minimal)
    assert [d.format(ws.root) for d in diags.sorted() if d.location.path.name == "missiles.yaml"] == [
        "briefs/demo/blocks/missiles.yaml:3:8: error: order must be a number, not the text 'second' [schema.type]",
        f"briefs/demo/blocks/missiles.yaml:5:7: {TAG_TYPO}",
        "briefs/demo/blocks/missiles.yaml:8:1: error: 'owner' only applies to recommendation blocks, but this "
        "block's kind is prose; set 'kind: recommendation' or remove the field [block.field-kind]",
    ]


def test_an_unknown_key_and_everything_else_wrong_in_the_file_in_one_run(minimal: Path):
    (minimal / "briefs/demo/blocks/missiles.yaml").write_text(
        "section: contxt\ntitle: Missiles\nstatus: approved\ntags: [interal]\n"
        "summary: New batteries [@dominguez2016].\nbody: New missile batteries arrived.\nsource: Jane's\n",
        encoding="utf-8",
    )
    ws, diags = open_workspace(minimal)
    assert [d.format(ws.root) for d in diags.sorted() if d.location.path.name == "missiles.yaml"] == [
        "briefs/demo/blocks/missiles.yaml:1:10: error: section 'contxt' is not defined in brief.yaml (did you mean "
        "'context'?); use one of: context, risks, recs [block.unknown-section]",
        f"briefs/demo/blocks/missiles.yaml:4:7: {TAG_TYPO}",
        "briefs/demo/blocks/missiles.yaml:7:1: error: unknown key 'source'; allowed keys here: action, as_of, "
        "audiences, body, exclude_audiences, holder, horizon, id, impact, kind, likelihood, marking, mitigation, "
        "order, owner, priority, review_by, section, status, summary, tags, title, trend, variants "
        "[schema.unknown-key]",
    ]
    # what the file cites still counts as cited: no stray 'never cited' warning for its reference
    assert not [d for d in diags.items if d.code == "cite.unused" and "dominguez2016" in d.message]


@pytest.mark.parametrize(
    ("head", "schema_error"),
    [
        (
            "section: contxt\ntitle: Missiles\nstatus: finished\n",
            "3:9: error: 'finished' is not allowed for status; use one of: draft, review, approved [schema.enum]",
        ),
        (
            "section: contxt\ntitle: [Missiles]\nstatus: approved\n",
            "2:8: error: title must be text, not a list [schema.type]",
        ),
        (
            "section: contxt\nstatus: approved\n",
            "1:1: error: 'title' is required; add a 'title:' line [schema.missing]",
        ),
    ],
    ids=["status", "title", "no title"],
)
def test_a_wrong_status_or_title_hides_none_of_the_blocks_other_problems(minimal: Path, head: str, schema_error: str):
    (minimal / "briefs/demo/blocks/missiles.yaml").write_text(
        head + "tags: [interal]\nsummary: New batteries [@dominguez2016] [@nosuch].\nbody: Text.\n", encoding="utf-8"
    )
    ws, diags = open_workspace(minimal)
    found = [d.format(ws.root) for d in diags.sorted() if d.location.path.name == "missiles.yaml"]
    assert f"briefs/demo/blocks/missiles.yaml:{schema_error}" in found
    assert any("section 'contxt' is not defined in brief.yaml" in line for line in found)
    assert any(TAG_TYPO in line for line in found)
    assert any("unknown citation 'nosuch'" in line for line in found)
    assert not [d for d in diags.items if d.code == "cite.unused" and "dominguez2016" in d.message]


def test_a_missing_section_hides_none_of_the_blocks_other_problems(minimal: Path):
    (minimal / "briefs/demo/blocks/missiles.yaml").write_text(
        "title: Missiles\nstatus: finished\ntags: [interal]\nbody: Text [@nosuch].\n", encoding="utf-8"
    )
    ws, diags = open_workspace(minimal)
    found = [d.format(ws.root) for d in diags.sorted() if d.location.path.name == "missiles.yaml"]
    assert (
        found[0]
        == "briefs/demo/blocks/missiles.yaml:1:1: error: 'section' is required; add a 'section:' line [schema.missing]"
    )
    assert any("'finished' is not allowed for status" in line for line in found)
    assert any(TAG_TYPO in line for line in found) and any("unknown citation 'nosuch'" in line for line in found)
    assert not any("section ''" in line for line in found)


def test_a_misindented_body_comes_with_the_files_other_warnings(minimal: Path):
    (minimal / "briefs/demo/blocks/history.yaml").write_text(
        "section: context\ntitle: History\nstatus: approved\ntags: [interal]\nsummary: Short [@fpri].\n"
        "variants:\n  body: Long history.\n",
        encoding="utf-8",
    )
    ws, diags = open_workspace(minimal)
    assert [d.format(ws.root) for d in diags.sorted() if d.location.path.name == "history.yaml"] == [
        f"briefs/demo/blocks/history.yaml:4:7: {TAG_TYPO}",
        "briefs/demo/blocks/history.yaml:7:3: error: 'body' is read as an audience name under 'variants:', because "
        "it is indented under it; if it is the block's body, indent 'body:' like 'variants:' (column 1) "
        "[schema.indentation]",
    ]


def test_a_file_too_broken_to_read_adds_nothing_but_its_errors(minimal: Path):
    # without a readable kind the other fields cannot be judged, so nothing more is said about them
    (minimal / "briefs/demo/blocks/missiles.yaml").write_text(
        "section: context\ntitle: Missiles\nstatus: approved\nkind: rsik\ntags: [interal]\nlikelihood: high\n"
        "body: Text.\n",
        encoding="utf-8",
    )
    ws, diags = open_workspace(minimal)
    assert [d.format(ws.root) for d in diags.sorted() if d.location.path.name == "missiles.yaml"] == [
        "briefs/demo/blocks/missiles.yaml:4:7: error: 'rsik' is not allowed for kind (did you mean 'risk'?); use "
        "one of: prose, recommendation, risk, leverage [schema.enum]"
    ]


def test_a_section_no_audience_reads_is_a_warning(minimal: Path):
    """A new section whose blocks reach nobody: `check` says so at the section, with the fix."""
    brief = minimal / "briefs" / "demo" / "brief.yaml"
    brief.write_text(
        brief.read_text(encoding="utf-8").replace("  - id: recs\n", "  - id: annex\n    title: Annex\n  - id: recs\n"),
        encoding="utf-8",
    )
    (minimal / "briefs" / "demo" / "blocks" / "annex-note.yaml").write_text(
        "section: annex\ntitle: Annex note\nstatus: approved\nbody: Detail nobody is sent.\n", encoding="utf-8"
    )
    _, diags = open_workspace(minimal, "demo")
    line = brief.read_text(encoding="utf-8").split("\n").index("  - id: annex") + 1
    assert [d.format(minimal) for d in diags.warnings if d.code == "brief.unread-section"] == [
        f"briefs/demo/brief.yaml:{line}:5: warning: section 'annex' is in no audience's sections, so no output "
        "shows its 1 block; add 'annex' to the sections of the audiences that should read it (audiences.yaml, "
        "or audiences: in brief.yaml) [brief.unread-section]"
    ]


def test_a_block_whose_yaml_is_broken_is_reported_once_not_again_where_it_is_referred_to(minimal: Path):
    """A missing colon in missiles.yaml: one error at its line, no 'unknown citation' wherever @missiles stands."""
    edit = minimal / "briefs/demo/blocks/rec-open.yaml"
    edit.write_text(
        edit.read_text(encoding="utf-8").replace(
            "body: Channels matter in full.", "body: Channels matter, see @missiles and [the missiles](#missiles)."
        ),
        encoding="utf-8",
    )
    (minimal / "briefs/demo/blocks/missiles.yaml").write_text(
        "section: context\ntitle Missiles\nstatus: approved\nsummary: Missiles arrived [@dominguez2016].\n"
        "body: New missile batteries arrived.\n",
        encoding="utf-8",
    )
    ws, diags = open_workspace(minimal)
    assert [d.format(ws.root) for d in diags.errors + diags.warnings] == [
        "briefs/demo/blocks/missiles.yaml:2:1: error: this line has no ':' after a key: write 'key: value' (a colon "
        "and a space), or indent the line if it continues the text above (YAML noticed only at line 3, column 1) "
        "[yaml.syntax]"
    ]


def test_a_block_with_an_empty_audiences_list_is_a_warning_at_the_list(minimal: Path):
    block = minimal / "briefs/demo/blocks/history.yaml"
    block.write_text(
        block.read_text(encoding="utf-8").replace("status: approved\n", "status: approved\naudiences: []\n")
    )
    _, diags = open_workspace(minimal)
    assert [d.format(minimal) for d in diags.warnings] == [
        "briefs/demo/blocks/history.yaml:5:12: warning: this block reaches no audience: its audiences list is "
        "empty; name the audiences that should read it in the list, or delete the 'audiences:' line to send it "
        "to every audience [block.no-audience]"
    ]
    assert diags.has_errors(strict=True) and not diags.has_errors()


NO_BLOCK = (
    "warning: audience '{name}' receives no block of brief 'demo', so its outputs would hold only the masthead: "
    "{reasons}; to fix it, {fixes} ('briefgen list --why' names each block's rule) [audience.no-blocks]"
)


def test_an_audience_that_receives_no_block_is_a_warning_naming_the_rule(minimal: Path):
    from briefgen.build import BuildOptions, build
    from briefgen.errors import ContentError

    audiences = minimal / "audiences.yaml"
    audiences.write_text(
        audiences.read_text(encoding="utf-8") + "  include_tags: [press-kit]\n", encoding="utf-8"
    )  # the last profile is 'public'
    _, diags = open_workspace(minimal)
    expected = "audiences.yaml:15:1: " + NO_BLOCK.format(
        name="public", reasons="include_tags [press-kit] matches no block", fixes="change its include_tags"
    )
    assert [d.format(minimal) for d in diags.warnings] == [expected]
    # build --strict refuses it before rendering anything, whichever audiences it builds
    with pytest.raises(ContentError) as failure:
        build(minimal, BuildOptions(strict=True, formats=("html",), audiences=("boss",)))
    assert failure.value.message == f"{expected}\n1 warning treated as errors (--strict); nothing was written."


def test_an_emptying_rule_in_a_briefs_override_is_reported_at_the_override(minimal: Path):
    brief = minimal / "briefs/demo/brief.yaml"
    brief.write_text(brief.read_text(encoding="utf-8") + "    sections: [annex]\n    max_marking: low\n")
    config = minimal / "briefgen.yaml"
    config.write_text(
        config.read_text(encoding="utf-8")
        + "markings:\n  - {id: low, banner: '', portion: L}\n  - {id: high, banner: HIGH, portion: H}\n"
    )
    _, diags = open_workspace(minimal)
    line = brief.read_text(encoding="utf-8").split("\n").index("  public:") + 1
    assert [d.format(minimal) for d in diags.warnings if d.code == "audience.no-blocks"] == [
        f"briefs/demo/brief.yaml:{line}:3: "
        + NO_BLOCK.format(
            name="public",
            reasons="sections [annex] leave out 8 blocks (draft-note, history, missiles and 5 more)",
            fixes="change its sections",
        )
    ]


def test_an_audience_whose_blocks_are_all_unapproved_gets_one_warning_naming_status(minimal: Path):
    """Not one 'would get no section' per section as well: the audience-wide warning says it all."""
    for path in (minimal / "briefs/demo/blocks").glob("*.yaml"):
        path.write_text(path.read_text(encoding="utf-8").replace("status: approved", "status: review"))
    ws, diags = open_workspace(minimal)
    fix = "approve the blocks (or build with --drafts)"
    every = "status leaves out 8 blocks (draft-note, history, missiles and 5 more) not approved yet"
    assert [d.format(ws.root) for d in diags.warnings] == [
        "audiences.yaml:1:1: " + NO_BLOCK.format(name="boss", reasons=every, fixes=fix),
        "audiences.yaml:9:1: " + NO_BLOCK.format(name="reader", reasons=every, fixes=fix),
        "audiences.yaml:15:1: " + NO_BLOCK.format(name="public", reasons=every, fixes=fix),
    ]


def test_an_audience_emptied_by_several_rules_names_each_with_its_fix(minimal: Path):
    blocks = minimal / "briefs/demo/blocks"
    for name in ("history", "missiles"):
        path = blocks / f"{name}.yaml"
        path.write_text(
            path.read_text(encoding="utf-8").replace(
                "status: approved\n", "status: approved\nexclude_audiences: [public]\n"
            )
        )
    path = blocks / "rec-open.yaml"
    path.write_text(
        path.read_text(encoding="utf-8").replace("status: approved\n", "status: approved\naudiences: [boss]\n")
    )
    _, diags = open_workspace(minimal)
    assert [d.format(minimal) for d in diags.warnings if d.code == "audience.no-blocks"] == [
        "audiences.yaml:15:1: "
        + NO_BLOCK.format(
            name="public",
            reasons="sections [context, recs] leave out 3 blocks (risk-high, risk-low, risk-mid); the audiences "
            "lists of 1 block (rec-open) leave it out; the exclude_audiences of 2 blocks (history, missiles) name "
            "it; exclude_tags [internal] leaves out 1 block (rec-quiet); status leaves out 1 block (draft-note) "
            "not approved yet",
            fixes="change its sections or exclude_tags, or add 'public' to the blocks' audiences lists, or take "
            "'public' out of the blocks' exclude_audiences, or approve the blocks (or build with --drafts)",
        )
    ]


def test_a_broken_bibliography_is_one_error_not_a_cascade_of_unknown_citations(minimal: Path):
    references = minimal / "briefs/demo/references.yaml"
    text = references.read_text(encoding="utf-8")
    broken = text.replace(
        '"Japan dismayed at Russia\'s missile deployment to disputed islands, says report"',
        '"Japan dismayed at the missile deployment',
    )
    assert broken != text
    references.write_text(broken, encoding="utf-8")
    ws, diags = open_workspace(minimal)
    assert [d.format(ws.root) for d in diags.errors] == [
        'briefs/demo/references.yaml:7:12: error: this quoted text is never closed: add the closing " at the end '
        "of the text that starts here (YAML read the lines after it as part of the text and noticed only at line 8, "
        "column 23) [yaml.syntax]"
    ]


HOSTILE_LINKS = """\
Alpha [one](javascript:alert(1)), [two](data:text/html;base64,PHNjcmlwdD4=),
[three](file:///etc/passwd), [four](&#106;avascript:alert(1)),
[five](javascript&colon;alert(1)), <javascript:alert(2)>,
[six](&#118;bscript:msgbox(1)), [seven](//attacker.example/x),
[eight][ref], [nine][], bare javascript:alert(3), and a note.[^n]
Safe: [web](https://example.org), <desk@example.org>, `[code](javascript:x)`.

[ref]: javascript:alert(7)
[nine]: &#x6A;avascript:alert(8)
[^n]: See [ten](JavaScript:alert(4)) and [again][ref].
"""


def write_hostile_links(workspace: Path) -> None:
    """A block whose body links to every address content may not link to, each written another way."""
    body = "".join(f"  {line}\n" if line else "\n" for line in HOSTILE_LINKS.splitlines())
    (workspace / "briefs/demo/blocks/links.yaml").write_text(
        f"section: context\ntitle: Links\nstatus: approved\nsummary: s\nbody: |\n{body}", encoding="utf-8"
    )


def test_every_unsafe_link_is_an_error_where_its_address_is_written(minimal: Path):
    write_hostile_links(minimal)
    ws, diags = open_workspace(minimal)
    scheme = "error: links to '{}:' addresses are not allowed; link only to http(s), mailto or #anchors in this brief"
    at = "briefs/demo/blocks/links.yaml:"
    assert [d.format(ws.root) for d in diags.sorted() if d.severity == "error"] == [
        f"{at}6:15: {scheme.format('javascript')} [link.scheme]",
        f"{at}6:43: {scheme.format('data')} [link.scheme]",
        f"{at}7:11: {scheme.format('file')} [link.scheme]",
        f"{at}7:39: {scheme.format('javascript')} [link.scheme]",
        f"{at}8:10: {scheme.format('javascript')} [link.scheme]",
        f"{at}8:39: {scheme.format('javascript')} [link.scheme]",
        f"{at}9:9: {scheme.format('vbscript')} [link.scheme]",
        f"{at}9:43: error: the link address '//attacker.example/x' is not a full web address, so a reader's "
        "browser would decide where it goes; write it whole, starting with https://, or link to #anchors in this "
        "brief [link.scheme]",
        f"{at}10:32: {scheme.format('javascript')} [link.scheme]",
        f"{at}13:10: {scheme.format('javascript')} [link.scheme]",
        f"{at}14:11: {scheme.format('javascript')} [link.scheme]",
        f"{at}15:19: {scheme.format('javascript')} [link.scheme]",
    ]


def test_markup_in_a_plain_text_field_is_a_warning_naming_what_would_be_printed(minimal: Path):
    block = minimal / "briefs/demo/blocks/plain.yaml"
    block.write_text(
        "section: recs\ntitle: The *Nile* talks\nstatus: approved\nkind: recommendation\n"
        "action: Read [the treaty](https://example.org) first.\npriority: high\nowner: '[Cairo]{lang=fr}'\n"
        "summary: s\nbody: The *Nile* in the body is fine, as is [le Nil]{lang=fr}.\n"
        "variants:\n  public:\n    title: Talks on the Nile [@fpri]\n",
        encoding="utf-8",
    )
    ws, diags = open_workspace(minimal)
    lines = [d.format(ws.root) for d in diags.items if d.code == "block.plain-markup"]
    tail = (
        " would be printed as typed; write it without the markup (formatting, links, citations and languages "
        "belong in the body) [block.plain-markup]"
    )
    assert lines == [
        f"briefs/demo/blocks/plain.yaml:2:8: warning: 'title:' is plain text, so '*Nile*'{tail}",
        f"briefs/demo/blocks/plain.yaml:12:12: warning: the public variant's title is plain text, so '[@fpri]'{tail}",
        f"briefs/demo/blocks/plain.yaml:5:9: warning: 'action:' is plain text, so '[the treaty](https://example.org)'{tail}",
        f"briefs/demo/blocks/plain.yaml:7:8: warning: 'owner:' is plain text, so '[Cairo]{{lang=fr}}'{tail}",
    ]


def test_a_plain_field_that_is_not_text_is_left_to_the_schema(minimal: Path):
    block = minimal / "briefs/demo/blocks/plain.yaml"
    block.write_text(
        "section: recs\ntitle: Talks\nstatus: approved\nkind: recommendation\naction: Act.\npriority: high\n"
        "owner: 12\nsummary: s\nbody: b\n",
        encoding="utf-8",
    )
    _, diags = open_workspace(minimal)
    assert [d.code for d in diags.items] == ["schema.type"]


@pytest.mark.parametrize("lang", ["French", "eg", "en_GB!"])
def test_a_brief_language_that_is_not_a_registered_tag_is_an_error_at_its_value(minimal: Path, lang: str):
    brief = minimal / "briefs/demo/brief.yaml"
    brief.write_text(brief.read_text().replace("title: Demo brief\n", f"title: Demo brief\nlang: {lang}\n"))
    ws, diags = open_workspace(minimal)
    assert [d.format(ws.root) for d in diags.items] == [
        f"briefs/demo/brief.yaml:2:7: error: lang must be a BCP 47 language tag such as en-GB, fr or ja-JP, "
        f"not '{lang}' [schema.format]"
    ]
