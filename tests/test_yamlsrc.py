"""YAML reading: positions, refusals of unsafe or oversized input, one message per problem."""

from pathlib import Path

from conftest import ROOT

from briefgen.content.yamlsrc import MAX_FILE_BYTES, load_yaml, parse_yaml
from briefgen.diagnostics import Diagnostics


def parse(text: str) -> tuple[object, list[str]]:
    diags = Diagnostics()
    node = parse_yaml(text, Path("x.yaml"), diags)
    return node, [d.format() for d in diags.sorted()]


def test_values_keep_their_line_and_column():
    node, problems = parse("title: Hello\nlist:\n  - a\n  - b\n")
    assert problems == []
    assert (node.get("title").loc.line, node.get("title").loc.column) == (1, 8)
    assert node.get("title").key_loc.column == 1
    second = node.get("list").value[1]
    assert (second.loc.line, second.loc.column, second.value) == (4, 5, "b")


def test_duplicate_keys_are_refused_with_both_lines():
    _, problems = parse("a: 1\nb: 2\na: 3\n")
    assert problems == [
        "x.yaml:3:1: error: duplicate key 'a' (first at line 1); YAML keeps only one of them, "
        "delete or rename the other [yaml.duplicate-key]"
    ]


def test_object_building_tags_are_refused():
    _, problems = parse("a: !!python/object/apply:os.system ['true']\n")
    assert len(problems) == 1 and "[yaml.tag]" in problems[0] and problems[0].startswith("x.yaml:1:4:")


def test_alias_bomb_is_refused_quickly():
    bomb = "a: &a [x, x, x, x, x, x, x, x, x, x]\n"
    for level in "bcdefghij":
        prev = chr(ord(level) - 1)
        bomb += f"{level}: &{level} [*{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}]\n"
    _, problems = parse(bomb)
    assert len(problems) == 1 and "[yaml.too-large]" in problems[0]


def test_deep_nesting_is_refused():
    _, problems = parse("a: " + "[" * 60 + "]" * 60 + "\n")
    assert len(problems) == 1 and "nested more than" in problems[0]


def test_syntax_error_points_at_the_line():
    _, problems = parse("a: 1\nb: c: d\ne: 2\n")
    assert problems and problems[0].startswith("x.yaml:2:5:") and "[yaml.syntax]" in problems[0]


NOTICED = "YAML read the lines after it as part of the {} and noticed only at line {}, column {}"


def test_an_unclosed_double_quote_is_reported_where_it_opens_not_at_the_next_quote():
    """PyYAML reads on to the next `"` (line 6) and fails there; the fix is on line 3."""
    text = (
        "section: recs\norder: 1\n"
        'title: "An unclosed title\n'
        "status: approved\nsummary: >\n"
        '  Tokyo should say "no" [@key].\n'
        "body: Text.\n"
    )
    _, problems = parse(text)
    assert problems == [
        'x.yaml:3:8: error: this quoted text is never closed: add the closing " at the end of the text that '
        f"starts here ({NOTICED.format('text', 6, 21)}) [yaml.syntax]"
    ]


def test_an_unclosed_single_quote_is_reported_where_it_opens_not_at_an_apostrophe_below():
    _, problems = parse("section: recs\ntitle: 'Sanctions\nstatus: approved\nbody: Japan's leverage.\n")
    assert problems == [
        "x.yaml:2:8: error: this quoted text is never closed: add the closing ' at the end of the text that "
        f"starts here ({NOTICED.format('text', 4, 13)}) [yaml.syntax]"
    ]


def test_an_unclosed_quote_in_a_list_item_and_one_that_meets_a_backslash():
    _, problems = parse('authors:\n  - name: "Desk\n    affiliation: Unit\n  - name: "Other"\n')
    assert problems == [
        'x.yaml:2:11: error: this quoted text is never closed: add the closing " at the end of the text that '
        f"starts here ({NOTICED.format('text', 4, 12)}) [yaml.syntax]"
    ]
    # The scanner itself fails on the first backslash the runaway text meets (\d is no escape).
    _, problems = parse('section: a\ntitle: "Unclosed\nstatus: approved\nbody: C:\\data\n')
    assert problems == [
        'x.yaml:2:8: error: this quoted text is never closed: add the closing " at the end of the text that '
        f"starts here ({NOTICED.format('text', 4, 10)}) [yaml.syntax]"
    ]


def test_unclosed_brackets_are_reported_where_they_open():
    _, problems = parse("section: a\ntags: [internal, sanctions\nstatus: approved\nbody: x\n")
    assert problems == [
        "x.yaml:2:7: error: the [ list that starts here is never closed: add the closing ] after its last item "
        f"({NOTICED.format('list', 3, 7)}) [yaml.syntax]"
    ]
    _, problems = parse("a: 1\nb: [unclosed\nc: 2\n")
    assert problems == [
        "x.yaml:2:4: error: the [ list that starts here is never closed: add the closing ] after its last item "
        f"({NOTICED.format('list', 3, 2)}) [yaml.syntax]"
    ]
    _, problems = parse("section: a\nstatus: approved\ntags: [\n")  # open at the end of the file
    assert problems == [
        "x.yaml:3:7: error: the [ list that starts here is never closed: add the closing ] after its last item "
        f"({NOTICED.format('list', 4, 1)}) [yaml.syntax]"
    ]
    _, problems = parse("section: a\nencoding: {x: 1, y: 2\nstatus: approved\n")
    assert problems == [
        "x.yaml:2:11: error: the { mapping that starts here is never closed: add the closing } after its last "
        f"entry ({NOTICED.format('mapping', 3, 7)}) [yaml.syntax]"
    ]


def test_a_closed_quote_or_list_with_something_else_wrong_keeps_yamls_own_message():
    """Only a quote or bracket that YAML read past is blamed; text after a closing quote is another mistake."""
    _, problems = parse('title: "A long\n  title" extra\nstatus: x\n')
    assert problems == [
        "x.yaml:2:10: error: YAML syntax error: expected <block end>, but found '<scalar>' while parsing a block "
        "mapping; check indentation, colons and quotes on this line [yaml.syntax]"
    ]
    _, problems = parse('tags: [a,\n  b, "c" d]\n')
    assert len(problems) == 1 and problems[0].startswith("x.yaml:2:10: error: YAML syntax error: expected ','")


def test_a_missing_colon_is_reported_on_the_line_that_lacks_it():
    """PyYAML notices on the next line; the key without its colon is on this one."""
    _, problems = parse("section: recs\norder: 1\ntitle Foo\nstatus: approved\nbody: x\n")
    assert problems == [
        "x.yaml:3:1: error: this line has no ':' after a key: write 'key: value' (a colon and a space), or indent "
        "the line if it continues the text above (YAML noticed only at line 4, column 1) [yaml.syntax]"
    ]
    # The first key under another: YAML reads 'title Foo' and 'body' as one text and fails at the ':'.
    _, problems = parse("variants:\n  press:\n    title Foo\n    body: x\n")
    assert [p.split(": error:")[0] for p in problems] == ["x.yaml:3:5"]
    assert problems[0].endswith("(YAML noticed only at line 4, column 9) [yaml.syntax]")
    _, problems = parse("title Foo\nbody: x\n")
    assert [p.split(": error:")[0] for p in problems] == ["x.yaml:1:1"]
    _, problems = parse("section: recs\nbody: x\ntitle Foo\n")  # the last line: YAML notices at the end
    assert problems and problems[0].startswith("x.yaml:3:1: error: this line has no ':' after a key")


def test_every_yaml_file_briefgen_reads_gets_these_positions(minimal: Path):
    from briefgen.document.workspace import open_workspace

    audiences = minimal / "audiences.yaml"
    audiences.write_text(audiences.read_text(encoding="utf-8").replace("[recs, risks, context]", "[recs, risks"))
    brief = minimal / "briefs/demo/brief.yaml"
    brief.write_text(brief.read_text(encoding="utf-8").replace("title: Demo brief", 'title: "Demo brief'))
    ws, diags = open_workspace(minimal)
    assert [d.format(ws.root).split(" (YAML")[0] for d in diags.errors] == [
        "audiences.yaml:5:13: error: the [ list that starts here is never closed: add the closing ] after its "
        "last item",
        'briefs/demo/brief.yaml:1:8: error: this quoted text is never closed: add the closing " at the end of the '
        "text that starts here",
    ]


def test_oversized_and_non_utf8_files(tmp_path: Path):
    big = tmp_path / "big.yaml"
    big.write_bytes(b"a: " + b"x" * (MAX_FILE_BYTES + 1))
    latin = tmp_path / "latin.yaml"
    latin.write_bytes(b"a: 1\nb: caf\xe9\n")
    diags = Diagnostics()
    assert load_yaml(big, diags) is None
    assert load_yaml(latin, diags) is None
    codes = [(d.code, d.location.line) for d in diags.items]
    assert codes == [("file.too-large", 0), ("file.encoding", 2)]


def test_text_inside_a_block_scalar_is_located():
    node, _ = parse("body: |\n  First line.\n  Cites [@key] here.\n")
    where = node.get("body").locate_text("@key")
    assert (where.line, where.column) == (3, 10)


def test_unclosed_quote_is_reported_where_the_quoted_text_starts():
    lines = [f"key{n}: value {n}" for n in range(1, 21)]
    lines[7] = 'action: "Agree to keep the pressure'
    _, problems = parse("\n".join(lines) + "\n")
    assert problems == [
        'x.yaml:8:9: error: this quoted text is never closed: add the closing " at the end of the text '
        "that starts here [yaml.syntax]"
    ]


def test_unclosed_single_quote_names_the_single_quote():
    _, problems = parse("a: 1\nb: 'abc\nc: 2\n")
    assert problems == [
        "x.yaml:2:4: error: this quoted text is never closed: add the closing ' at the end of the text "
        "that starts here [yaml.syntax]"
    ]


def test_tab_indentation_is_reported_at_the_tab():
    _, problems = parse("a:\n  - x\n\t- y\n")
    assert problems == [
        "x.yaml:3:1: error: YAML indents with spaces; replace the tab at column 1 with spaces [yaml.syntax]"
    ]
    _, problems = parse("a: 1\n  \tb: 2\n")
    assert problems == [
        "x.yaml:2:3: error: YAML indents with spaces; replace the tab at column 3 with spaces [yaml.syntax]"
    ]


def test_libyaml_gives_the_positions_pure_python_pyyaml_gives():
    """Files that parse go through LibYAML; every node must stand where PyYAML's own parser puts it."""
    import yaml

    from briefgen.content.yamlsrc import _FastComposer

    def nodes(node, out):
        out.append((node.tag, node.start_mark.index, node.end_mark.index, node.start_mark.line, node.end_mark.column))
        if isinstance(node, yaml.ScalarNode):
            out.append(node.value)
        elif isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                nodes(key, out), nodes(value, out)
        elif isinstance(node, yaml.SequenceNode):
            for value in node.value:
                nodes(value, out)
        return out

    texts = [p.read_text(encoding="utf-8") for p in sorted(ROOT.glob("briefs/**/*.yaml"))]
    texts.append("a: 'Hokkaidō ✓ 北方領土'\nb: |\n  Hokkaidō\n\n  x: y\n")
    texts.append('c: "q\\u00e9 \\""\nd: [1, {e: 2}]\nf: >-\n  one\n  two\n')
    assert len(texts) > 15
    for text in texts:
        assert nodes(yaml.compose(text, Loader=_FastComposer), []) == nodes(
            yaml.compose(text, Loader=yaml.SafeLoader), []
        )


def test_a_tab_after_a_key_is_named_as_such(tmp_path: Path):
    """Whatever PyYAML was built with, a tab after `key:` is the same error, named for what it is."""
    path = tmp_path / "block.yaml"
    path.write_text("section: a\nlikelihood:\tlow\n", encoding="utf-8")
    diags = Diagnostics()
    assert load_yaml(path, diags) is None
    assert [d.format(tmp_path) for d in diags.errors] == [
        "block.yaml:2:12: error: YAML does not allow a tab here; replace the tab at column 12 with a space "
        "[yaml.syntax]"
    ]
