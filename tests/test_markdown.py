"""The writing language against its reference: Pandoc's own Markdown reader.

Each snippet of tests/fixtures/markdown-corpus.yaml is read by briefgen (into its nodes) and by
Pandoc directly; the structure and text must agree: table cell grids, list nesting and starts,
note contents, citation items, callouts. The same nodes written back out through the Markdown
export must read back in Pandoc as the same structure.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pypandoc
import pytest
import yaml
from conftest import FIXTURES

from briefgen.content.markdown import READER, parse_markdown
from briefgen.content.pandoc_ast import AstWriter
from briefgen.content.richtext import blocks_text, walk
from briefgen.diagnostics import Location
from briefgen.model import Callout, CiteRef, Figure, NoteRef, Table

CORPUS = yaml.safe_load((FIXTURES / "markdown-corpus.yaml").read_text(encoding="utf-8"))


def pandoc_read(text: str) -> list[dict[str, Any]]:
    return json.loads(pypandoc.convert_text(text, "json", format=READER))["blocks"]


def canonical(blocks: list[dict[str, Any]], exact_widths: bool = True) -> list[Any]:
    """What a reader sees of Pandoc blocks: structure and text, without Pandoc's incidental detail.

    `exact_widths=False` keeps only the proportions of table columns: a writer redraws a grid
    table for its own line length.
    """
    return [c for b in blocks for c in _block(b, exact_widths)]


def _text(nodes: list[dict[str, Any]], exact: bool = True) -> list[Any]:
    out: list[Any] = []
    for node in nodes:
        kind, content = node["t"], node.get("c")
        if kind == "Str":
            item: Any = content
        elif kind in ("Space", "SoftBreak"):
            item = " "
        elif kind == "Span" and content[0][1] == ["smallcaps"]:
            item = ["SmallCaps", _text(content[1], exact)]
        elif kind == "Span" and content[0][1] == ["underline"]:
            item = ["Underline", _text(content[1], exact)]
        elif kind in ("Emph", "Strong", "Strikeout", "Superscript", "Subscript", "SmallCaps", "Underline"):
            item = [kind, _text(content, exact)]
        elif kind == "Quoted":
            item = ["Quoted", content[0]["t"], _text(content[1], exact)]
        elif kind == "Code":
            item = ["Code", content[1]]
        elif kind == "LineBreak":
            item = ["LineBreak"]
        elif kind == "Link":
            item = ["Link", content[2][0], _text(content[1], exact)]
        elif kind == "Note":
            item = ["Note", canonical(content, exact)]
        elif kind == "Image":
            (_ident, _classes, attrs), _alt, (target, _title) = content
            shown = {"width": "100%", **{k: v for k, v in attrs if k in ("width", "fig-alt")}}  # 100%: the default
            item = ["Image", target, sorted(shown.items())]
        elif kind == "Cite":
            item = [
                "Cite",
                [
                    (
                        c["citationId"],
                        c["citationMode"]["t"],
                        "".join(_flat(_text(c["citationPrefix"], exact))).strip(),
                        "".join(_flat(_text(c["citationSuffix"], exact))).strip(),
                    )
                    for c in content[0]
                ],
            ]
        else:
            item = [kind]
        if isinstance(item, str) and out and isinstance(out[-1], str):
            out[-1] += item
        else:
            out.append(item)
    return out


def _flat(items: list[Any]) -> list[str]:
    return [i if isinstance(i, str) else "".join(_flat(i[-1])) if isinstance(i[-1], list) else "" for i in items]


def _block(block: dict[str, Any], exact: bool) -> list[Any]:
    kind, content = block["t"], block.get("c")
    if kind in ("Para", "Plain") and [n["t"] for n in content] == ["Image"]:  # a figure without a caption
        return [["Figure", content[0]["c"][0][0], [], _text(content, exact)]]
    if kind == "Figure":
        (ident, _classes, _attrs), (_short, caption), body = content
        image = [n for b in body for n in b["c"] if n["t"] == "Image"]
        return [["Figure", ident or image[0]["c"][0][0], canonical(caption, exact), _text(image, exact)]]
    if kind in ("Para", "Plain"):
        return [["Para", _text(content, exact)]]
    if kind == "Header":
        return [["Heading", _text(content[2], exact)]]
    if kind == "BulletList":
        return [["Bullets", [canonical(item, exact) for item in content]]]
    if kind == "OrderedList":
        return [["Ordered", content[0][0], [canonical(item, exact) for item in content[1]]]]
    if kind == "BlockQuote":
        return [["Quote", canonical(content, exact)]]
    if kind == "CodeBlock":
        return [["Code", content[1]]]
    if kind == "HorizontalRule":
        return [["Rule"]]
    if kind == "DefinitionList":
        return [["Definitions", [[_text(term, exact), [canonical(d, exact) for d in defs]] for term, defs in content]]]
    if kind == "Div":
        (_ident, classes, attrs), children = content
        title = dict(attrs).get("title")
        if children and children[0]["t"] == "Header" and title is None:
            title = "".join(_flat(_text(children[0]["c"][2], exact)))
            children = children[1:]
        return [["Div", classes, title, canonical(children, exact)]]
    if kind == "Table":
        (ident, _c, _a), (_s, caption), colspecs, head, bodies, foot = content
        rows = head[1] + [r for b in bodies for r in b[2] + b[3]] + foot[1]
        grid = [[[cell[2], cell[3], canonical(cell[4], exact)] for cell in row[1]] for row in rows]
        aligns = [spec[0]["t"].replace("AlignDefault", "AlignLeft") for spec in colspecs]  # they print alike
        widths = [round(spec[1].get("c", 0), 3) for spec in colspecs]
        if not exact:
            widths = [round(w / (sum(widths) or 1), 1) for w in widths]
        return [["Table", ident, canonical(caption, exact), aligns, widths, len(head[1]), grid]]
    return [[kind]]


def ours(source: str) -> list[dict[str, Any]]:
    field = parse_markdown(source, "t", Location(Path("corpus.yaml")))
    assert [p for p in field.problems if p.level == "error"] == []
    return AstWriter().blocks(field.blocks)


@pytest.mark.parametrize("name", sorted(CORPUS))
def test_briefgen_reads_like_pandoc(name: str):
    source = CORPUS[name]
    assert canonical(ours(source)) == canonical(pandoc_read(source))


@pytest.mark.parametrize("name", sorted(CORPUS))
def test_markdown_export_reads_back_the_same(name: str):
    source = CORPUS[name]
    document = json.dumps({"pandoc-api-version": [1, 23, 1], "meta": {}, "blocks": ours(source)})
    written = pypandoc.convert_text(document, "markdown", format="json")
    assert canonical(pandoc_read(written), exact_widths=False) == canonical(pandoc_read(source), exact_widths=False)


def test_the_corpus_covers_every_construct():
    seen: set[type] = set()
    for source in CORPUS.values():
        field = parse_markdown(source, "t")
        seen |= {type(node) for node in walk(field.blocks)}
    assert {Table, NoteRef, CiteRef, Callout, Figure} <= seen
    from briefgen.content.richtext import NODE_TYPES

    never = {t.__name__ for t in NODE_TYPES} - {t.__name__ for t in seen}
    # CrossRef is made from citations by the loader, which knows the block ids; PortionMark by the
    # document stage, for audiences with portion marks (tests/test_portions.py); Revision and
    # RevisedBlocks by a redline (tests/test_redline.py)
    assert never == {"CrossRef", "PortionMark", "Revision", "RevisedBlocks"}


def test_a_citation_inside_a_note_inside_a_table_cell_is_found():
    field = parse_markdown(CORPUS["citation-in-table-cell-in-note"], "t")
    table = next(n for n in walk(field.blocks) if isinstance(n, Table))
    note = next(n for n in walk(table.body) if isinstance(n, NoteRef))
    assert [i.key for c in field.citations for i in c.items] == ["smith", "jones", "smith"]
    assert [n.citation.items[0].key for n in walk(note.blocks) if isinstance(n, CiteRef)] == ["smith"]


def problems(source: str) -> list[tuple[str, str]]:
    """(code, what the message quotes) of each problem the reader finds in one field."""
    return [(p.code, p.message.split("'")[1] if "'" in p.message else "") for p in parse_markdown(source, "t").problems]


def test_text_pandoc_could_take_for_metadata_stays_text():
    field = parse_markdown("Para one.\n\n% of exports rose\n\n---\nStatus: contested\n---\n", "t")
    from briefgen.content.richtext import blocks_text

    text = blocks_text(field.blocks)
    assert "% of exports rose" in text and "Status: contested" in text
    assert field.problems == ()


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("### Heading calls [^nodef] here", [("note.undefined", "[^nodef]")]),
        ("Term with [^nodef2]\n:   The definition.", [("note.undefined", "[^nodef2]")]),
        ("| a |\n|---|\n| b |\n\n: Caption [^nodef3]", [("note.undefined", "[^nodef3]")]),
        ('::: {.callout-note title="Title [^nodef5]"}\nx\n:::', [("note.undefined", "[^nodef5]")]),
        ('| a |\n|---|\n| b |\n\n: Odd id {#tbl-a"b}', [("markdown.attributes", "{#tbl-a\u201db}")]),
        ("A note.^[Before.", [("note.unclosed", "^[")]),
        ("^[Outer starts ^[inner] and ends]", [("note.nested", "")]),
        ("a. first\nb. second\n", [("markdown.list-style", "")]),  # printed as 1, 2: said, not silent
        (
            "See [MOFA][1].\n\n[1]: https://www.mofa.go.jp/\n\n[2]: https://example.org/",
            [("markdown.unused-link", "[2]: ...")],
        ),
    ],
)
def test_literal_syntax_anywhere_is_a_problem_never_printed(source: str, expected: list[tuple[str, str]]):
    assert problems(source) == expected


def test_note_positions_skip_note_syntax_inside_code():
    located = parse_markdown(
        "Note a.^[Inline `^[` in code.] Note b.^[Two.] c[^c]\n\n[^c]: C\n", "t", locate=lambda n, count: (n, count)
    )
    notes = [n.location for n in walk(located.blocks) if isinstance(n, NoteRef)]
    assert notes == [("^[", 0), ("^[", 2), ("[^c]", 0)]


def test_a_damaged_cached_reading_is_read_again(tmp_path: Path):
    from briefgen.content import pandoc_reading

    source = "A *fresh* field for the cache test."
    pandoc_reading._CACHE[source] = [{"t": "Para", "c": [{"t": "Emph"}]}]  # no content: damaged
    field = parse_markdown(source, "t")
    assert "fresh" in blocks_text(field.blocks)


def test_a_table_row_wider_than_its_separator_is_named():
    found = parse_markdown("| a | b | c |\n|:---|---:|\n| 1 | 2 | 3 |\n", "t").problems
    assert [p.code for p in found] == ["markdown.table-cells"] * 2  # the header row and the body row
    assert found[1].message == (
        "this table row has 3 cells but the separator row under the header has 2, so the last cells would be "
        "lost; give the separator row one '---' per column"
    )


def test_a_note_definition_without_its_blank_line_says_so():
    assert [p.message for p in parse_markdown("Text[^src].\n[^src]: The source.\n", "t").problems] == [
        "note '[^src]' has no definition that Pandoc can read: the line '[^src]: ...' needs a blank line before it "
        "and must start at the beginning of its line",
        "the note definition '[^src]:' is printed as text; it must start its own line with a blank line before it",
    ]


def test_nesting_past_six_levels_is_an_error_at_the_first_block_too_deep():
    source = "".join("  " * i + f"- level{i}\n" for i in range(12)) + "\nAfter.\n"
    seen: list[tuple[str, int]] = []

    def locate(needle: str, occurrence: int) -> Location:
        seen.append((needle, occurrence))
        return Location(Path("deep.yaml"), 8, 15)

    field = parse_markdown(source, "t", Location(Path("deep.yaml")), locate)
    problems = [p for p in field.problems if p.code == "markdown.nesting"]
    assert [(p.message, p.location) for p in problems] == [
        (
            "lists, quotes and boxes are nested more than 6 levels deep here, more than a page can print; flatten "
            "the structure (fewer levels of indentation or '>')",
            Location(Path("deep.yaml"), 8, 15),
        )
    ]
    assert ("level6", 0) in seen  # the seventh level, where the limit is passed


@pytest.mark.parametrize(
    ("source", "codes"),
    [
        (r"A box \:\:: callout \:\:: stays words.", []),
        (r"See \[\@smith\] and \[\^1\] and \{.smallcaps\} and \| \-\-\- \|.", []),
        (r"A real one [@smith] and a typed one \[\@smith\].", []),
        ("Bare ::: fence and {.y} here.", ["markdown.attributes", "markdown.fence"]),
        (r"One bare {.y} and one escaped \{.y\}.", ["markdown.attributes"]),
        ("Two bare {.y} and {.y}.", ["markdown.attributes", "markdown.attributes"]),
    ],
)
def test_syntax_written_escaped_is_words_and_only_bare_leftovers_are_mistakes(source: str, codes: list[str]):
    """`\\:::` is how a writer (or `review --apply`) asks for the characters; only bare leftovers are errors."""
    result = parse_markdown(source, "t")
    assert [p.code for p in result.problems] == codes
    printed = blocks_text(result.blocks)
    for words in (":::", "[@smith]", "{.smallcaps}"):
        if words in source.replace("\\", ""):
            assert words in printed
