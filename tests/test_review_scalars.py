"""`review --apply` edits a scalar in place: its style, its line breaks and its file's line endings stay.

`edit_field` is called on small YAML texts written here; each expected file is written out in
full, and PyYAML's own reading of it (`yaml.safe_load`, not briefgen's reader) must give the
edited value. A property test does the same for folded, literal and plain scalars wrapped at
random widths, with LF or CRLF line endings and random word edits.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from briefgen.content.yamlsrc import parse_yaml
from briefgen.diagnostics import Diagnostics
from briefgen.review.apply import ONE_LINE, Refused, _apply_file, edit_field
from briefgen.review.items import Edit, ReviewItem
from briefgen.review.scalars import field_node, newline, splice, value_offsets

PATH = Path("block.yaml")
PARAGRAPHS = "\n\nFirst new paragraph.\n\nSecond new paragraph."

FOLDED = (
    "id: talks\n"
    "body: >\n"
    "  The ministry expects the talks to\n"
    "  resume in spring, but officials in\n"
    "  Tokyo doubt that Moscow will send\n"
    "  its deputy minister before the\n"
    "  summer recess.\n"
    "title: Talks\n"
)
LITERAL = FOLDED.replace("body: >", "body: |")
PLAIN = FOLDED.replace("body: >\n  ", "body: ")


def _edit(text: str, old: str, new: str, after: str = "") -> str:
    """`text` with the body's first `old` (after the words `after`) replaced by `new`; PyYAML must agree."""
    value = yaml.safe_load(text)["body"]
    start = value.index(old, value.index(after) + len(after)) if after else value.index(old)
    result = edit_field(text, PATH, "body", [Edit(PATH, "b", "body", value, start, start + len(old), new)])
    assert yaml.safe_load(result)["body"] == value[:start] + new + value[start + len(old) :]
    return result


# ---------------------------------------------------------------- the scalar's line breaks stay


def test_one_word_replaced_in_a_folded_body_keeps_its_five_lines():
    assert _edit(FOLDED, "officials", "diplomats") == (
        "id: talks\n"
        "body: >\n"
        "  The ministry expects the talks to\n"
        "  resume in spring, but diplomats in\n"
        "  Tokyo doubt that Moscow will send\n"
        "  its deputy minister before the\n"
        "  summer recess.\n"
        "title: Talks\n"
    )


@pytest.mark.parametrize(
    ("text", "old", "new", "after", "expected"),
    [
        # a line's first word, its last, one in the middle with the space after it
        (
            FOLDED,
            "The",
            "A",
            "",
            "id: talks\n"
            "body: >\n"
            "  A ministry expects the talks to\n"
            "  resume in spring, but officials in\n"
            "  Tokyo doubt that Moscow will send\n"
            "  its deputy minister before the\n"
            "  summer recess.\n"
            "title: Talks\n",
        ),
        (
            FOLDED,
            "to",
            "should",
            "",
            "id: talks\n"
            "body: >\n"
            "  The ministry expects the talks should\n"
            "  resume in spring, but officials in\n"
            "  Tokyo doubt that Moscow will send\n"
            "  its deputy minister before the\n"
            "  summer recess.\n"
            "title: Talks\n",
        ),
        (
            FOLDED,
            "officials ",
            "diplomats ",
            "",
            "id: talks\n"
            "body: >\n"
            "  The ministry expects the talks to\n"
            "  resume in spring, but diplomats in\n"
            "  Tokyo doubt that Moscow will send\n"
            "  its deputy minister before the\n"
            "  summer recess.\n"
            "title: Talks\n",
        ),
        # across a line break: the break stays, at the new space nearest its old place
        (
            FOLDED,
            "to resume",
            "will restart",
            "",
            "id: talks\n"
            "body: >\n"
            "  The ministry expects the talks will\n"
            "  restart in spring, but officials in\n"
            "  Tokyo doubt that Moscow will send\n"
            "  its deputy minister before the\n"
            "  summer recess.\n"
            "title: Talks\n",
        ),
        (
            FOLDED,
            "in Tokyo doubt",
            "doubt",
            "",
            "id: talks\n"
            "body: >\n"
            "  The ministry expects the talks to\n"
            "  resume in spring, but officials\n"
            "  doubt that Moscow will send\n"
            "  its deputy minister before the\n"
            "  summer recess.\n"
            "title: Talks\n",
        ),
        # deleted across a line break: the break takes the place of the space beside the deletion
        (
            FOLDED,
            "send its ",
            "",
            "",
            "id: talks\n"
            "body: >\n"
            "  The ministry expects the talks to\n"
            "  resume in spring, but officials in\n"
            "  Tokyo doubt that Moscow will\n"
            "  deputy minister before the\n"
            "  summer recess.\n"
            "title: Talks\n",
        ),
        (
            FOLDED,
            " send its",
            "",
            "",
            "id: talks\n"
            "body: >\n"
            "  The ministry expects the talks to\n"
            "  resume in spring, but officials in\n"
            "  Tokyo doubt that Moscow will\n"
            "  deputy minister before the\n"
            "  summer recess.\n"
            "title: Talks\n",
        ),
        # a deletion ending a line takes the line break after it (the space deleted with the words):
        # the next line's words join that line, as the value reads; the deletion's other breaks stay
        (
            FOLDED,
            "to ",
            "",
            "talks ",
            "id: talks\n"
            "body: >\n"
            "  The ministry expects the talks resume in spring, but officials in\n"
            "  Tokyo doubt that Moscow will send\n"
            "  its deputy minister before the\n"
            "  summer recess.\n"
            "title: Talks\n",
        ),
        (
            FOLDED,
            "send its deputy minister before the ",
            "",
            "",
            "id: talks\n"
            "body: >\n"
            "  The ministry expects the talks to\n"
            "  resume in spring, but officials in\n"
            "  Tokyo doubt that Moscow will\n"
            "  summer recess.\n"
            "title: Talks\n",
        ),
        # inserted at a line's end and at the next one's start
        (
            FOLDED,
            "",
            " soon",
            "will send",
            "id: talks\n"
            "body: >\n"
            "  The ministry expects the talks to\n"
            "  resume in spring, but officials in\n"
            "  Tokyo doubt that Moscow will send soon\n"
            "  its deputy minister before the\n"
            "  summer recess.\n"
            "title: Talks\n",
        ),
        (
            FOLDED,
            "",
            "now ",
            "will send ",
            "id: talks\n"
            "body: >\n"
            "  The ministry expects the talks to\n"
            "  resume in spring, but officials in\n"
            "  Tokyo doubt that Moscow will send\n"
            "  now its deputy minister before the\n"
            "  summer recess.\n"
            "title: Talks\n",
        ),
        # a plain scalar's continuation lines fold the same way
        (
            PLAIN,
            "to resume",
            "will restart",
            "",
            "id: talks\n"
            "body: The ministry expects the talks will\n"
            "  restart in spring, but officials in\n"
            "  Tokyo doubt that Moscow will send\n"
            "  its deputy minister before the\n"
            "  summer recess.\n"
            "title: Talks\n",
        ),
        (
            PLAIN,
            "send its ",
            "",
            "",
            "id: talks\n"
            "body: The ministry expects the talks to\n"
            "  resume in spring, but officials in\n"
            "  Tokyo doubt that Moscow will\n"
            "  deputy minister before the\n"
            "  summer recess.\n"
            "title: Talks\n",
        ),
        (
            PLAIN,
            "to ",
            "",
            "talks ",
            "id: talks\n"
            "body: The ministry expects the talks resume in spring, but officials in\n"
            "  Tokyo doubt that Moscow will send\n"
            "  its deputy minister before the\n"
            "  summer recess.\n"
            "title: Talks\n",
        ),
        (
            PLAIN,
            "",
            " soon",
            "will send",
            "id: talks\n"
            "body: The ministry expects the talks to\n"
            "  resume in spring, but officials in\n"
            "  Tokyo doubt that Moscow will send soon\n"
            "  its deputy minister before the\n"
            "  summer recess.\n"
            "title: Talks\n",
        ),
        # a literal scalar keeps every line break of its value
        (
            LITERAL,
            "officials",
            "diplomats",
            "",
            "id: talks\n"
            "body: |\n"
            "  The ministry expects the talks to\n"
            "  resume in spring, but diplomats in\n"
            "  Tokyo doubt that Moscow will send\n"
            "  its deputy minister before the\n"
            "  summer recess.\n"
            "title: Talks\n",
        ),
        (
            LITERAL,
            "",
            " soon",
            "will send",
            "id: talks\n"
            "body: |\n"
            "  The ministry expects the talks to\n"
            "  resume in spring, but officials in\n"
            "  Tokyo doubt that Moscow will send soon\n"
            "  its deputy minister before the\n"
            "  summer recess.\n"
            "title: Talks\n",
        ),
        # the line break the edit takes out of the value is the only one gone
        (
            LITERAL,
            "to\nresume",
            "will restart",
            "",
            "id: talks\n"
            "body: |\n"
            "  The ministry expects the talks will restart in spring, but officials in\n"
            "  Tokyo doubt that Moscow will send\n"
            "  its deputy minister before the\n"
            "  summer recess.\n"
            "title: Talks\n",
        ),
        (
            LITERAL,
            "send\nits ",
            "",
            "",
            "id: talks\n"
            "body: |\n"
            "  The ministry expects the talks to\n"
            "  resume in spring, but officials in\n"
            "  Tokyo doubt that Moscow will deputy minister before the\n"
            "  summer recess.\n"
            "title: Talks\n",
        ),
    ],
)
def test_only_the_lines_an_edit_touches_change(text: str, old: str, new: str, after: str, expected: str):
    """Words replaced, deleted or inserted at a line's start, middle or end, or across a line break."""
    assert _edit(text, old, new, after) == expected


# ---------------------------------------------------------------- line endings and byte-order mark


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "id: talks\r\nbody: >\r\n  The talks may\r\n  resume in spring.\r\ntitle: Talks\r\n",
            "id: talks\r\nbody: >\r\n  The talks could\r\n  resume in spring.\r\ntitle: Talks\r\n",
        ),
        (
            "id: talks\r\nbody: |\r\n  The talks may\r\n  resume in spring.\r\ntitle: Talks\r\n",
            "id: talks\r\nbody: |\r\n  The talks could\r\n  resume in spring.\r\ntitle: Talks\r\n",
        ),
        (
            "id: talks\r\nbody: The talks may\r\n  resume in spring.\r\ntitle: Talks\r\n",
            "id: talks\r\nbody: The talks could\r\n  resume in spring.\r\ntitle: Talks\r\n",
        ),
        (
            'id: talks\r\nbody: "The talks may\r\n  resume in spring."\r\ntitle: Talks\r\n',
            'id: talks\r\nbody: "The talks could\r\n  resume in spring."\r\ntitle: Talks\r\n',
        ),
        (
            "id: talks\r\nbody: 'The talks may\r\n  resume in spring.'\r\ntitle: Talks\r\n",
            "id: talks\r\nbody: 'The talks could\r\n  resume in spring.'\r\ntitle: Talks\r\n",
        ),
    ],
)
def test_a_word_at_a_crlf_line_end_is_replaced_before_the_whole_line_break(text: str, expected: str):
    """The carriage return belongs to the line break, not to the word before it, in every style."""
    assert _edit(text, "may", "could") == expected


BLOCK = "id: talks\nbody: |\n  The talks may resume.\n\n  Officials doubt it.\ntitle: Talks\n"


@pytest.mark.parametrize(
    ("style", "eol", "expected"),
    [
        (
            "|",
            "\n",
            "id: talks\n"
            "body: |\n"
            "  The talks may resume.\n"
            "\n"
            "  First new paragraph.\n"
            "\n"
            "  Second new paragraph.\n"
            "\n"
            "  Officials doubt it.\n"
            "title: Talks\n",
        ),
        (
            "|",
            "\r\n",
            "id: talks\r\n"
            "body: |\r\n"
            "  The talks may resume.\r\n"
            "\r\n"
            "  First new paragraph.\r\n"
            "\r\n"
            "  Second new paragraph.\r\n"
            "\r\n"
            "  Officials doubt it.\r\n"
            "title: Talks\r\n",
        ),
        (  # folded: n newlines of the value are n + 1 line breaks between lines of text
            ">",
            "\n",
            "id: talks\n"
            "body: >\n"
            "  The talks may resume.\n"
            "\n"
            "\n"
            "  First new paragraph.\n"
            "\n"
            "\n"
            "  Second new paragraph.\n"
            "\n"
            "  Officials doubt it.\n"
            "title: Talks\n",
        ),
        (
            ">",
            "\r\n",
            "id: talks\r\n"
            "body: >\r\n"
            "  The talks may resume.\r\n"
            "\r\n"
            "\r\n"
            "  First new paragraph.\r\n"
            "\r\n"
            "\r\n"
            "  Second new paragraph.\r\n"
            "\r\n"
            "  Officials doubt it.\r\n"
            "title: Talks\r\n",
        ),
    ],
)
def test_new_paragraphs_take_the_blocks_indentation_and_line_endings(style: str, eol: str, expected: str):
    """Two paragraphs added after the first: indented like the block, blank lines empty, no mixed endings."""
    assert _edit(BLOCK.replace("|", style).replace("\n", eol), "", PARAGRAPHS, "resume.") == expected


@pytest.mark.parametrize("eol", ["\n", "\r\n"])
def test_new_paragraphs_at_either_end_of_a_literal_block(eol: str):
    """Before the first paragraph the first line keeps its indentation; after the last, the field's end stays."""
    text = BLOCK.replace("\n", eol)
    value = yaml.safe_load(text)["body"]
    first = Edit(PATH, "b", "body", value, 0, 0, "New first paragraph.\n\n")
    last = Edit(PATH, "b", "body", value, len(value) - 1, len(value) - 1, "\n\nNew last paragraph.")
    result = edit_field(text, PATH, "body", [first, last])
    assert yaml.safe_load(result)["body"] == "New first paragraph.\n\n" + value[:-1] + "\n\nNew last paragraph.\n"
    assert result == (
        "id: talks\n"
        "body: |\n"
        "  New first paragraph.\n"
        "\n"
        "  The talks may resume.\n"
        "\n"
        "  Officials doubt it.\n"
        "\n"
        "  New last paragraph.\n"
        "title: Talks\n"
    ).replace("\n", eol)


@pytest.mark.parametrize(
    "text",
    [
        "id: talks\nbody: The talks may resume.\n",
        "id: talks\nbody: 'The talks may resume.'\n",
        'id: talks\nbody: "The talks may resume."\n',
        "id: talks\nbody: The talks may\n  resume.\n",
        "id: talks\r\nbody: The talks may resume.\r\n",
    ],
)
def test_a_new_paragraph_cannot_go_into_a_one_line_field(text: str):
    """A plain or quoted scalar holds no paragraphs: refused with that reason, not as unreadable."""
    with pytest.raises(Refused) as refusal:
        _edit(text, "", PARAGRAPHS, "resume.")
    assert str(refusal.value) == ONE_LINE == "a new paragraph cannot go into a one-line field"


def _item(path: Path, value: str, start: int, end: int, new: str, shown: str) -> ReviewItem:
    """A change as `report` gives it: `shown` is what Word showed, the edit's `new` what goes in the YAML
    (whole paragraphs when `report` made them of what was shown)."""
    item = ReviewItem("change", "inserted", "Ann Reviewer", "", shown, path=path.name, line=1)
    item.edit = Edit(path, "b", "body", value, start, end, new, paragraphs=new != shown)
    return item


def test_a_byte_order_mark_and_crlf_line_endings_are_kept(tmp_path: Path):
    """A file saved by Windows Notepad: a word replaced at a line end and two paragraphs added."""
    path = tmp_path / "block.yaml"
    text = "# note\r\nid: talks\r\nbody: >\r\n  The talks may\r\n  resume.\r\n\r\n  Officials doubt it.\r\n"
    path.write_bytes(("\ufeff" + text + "title: Talks\r\n").encode())
    value = "The talks may resume.\nOfficials doubt it.\n"
    items = [
        _item(path, value, 10, 13, "could", "could"),
        _item(path, value, 21, 21, PARAGRAPHS, "First new paragraph.\nSecond new paragraph."),
    ]
    refused: list[ReviewItem] = []
    change = _apply_file(path, items, refused)
    assert change is not None and not refused and change.applied == items
    assert change.after == (
        "\ufeff# note\r\n"
        "id: talks\r\n"
        "body: >\r\n"
        "  The talks could\r\n"
        "  resume.\r\n"
        "\r\n"
        "\r\n"
        "  First new paragraph.\r\n"
        "\r\n"
        "\r\n"
        "  Second new paragraph.\r\n"
        "\r\n"
        "  Officials doubt it.\r\n"
        "title: Talks\r\n"
    )
    assert yaml.safe_load(change.after.removeprefix("\ufeff"))["body"] == (
        "The talks could resume.\n\nFirst new paragraph.\n\nSecond new paragraph.\nOfficials doubt it.\n"
    )


def test_words_typed_inside_a_paragraph_stay_in_it(tmp_path: Path):
    """Line breaks in words written as typed (not paragraphs `report` made) are spaces, as before."""
    path = tmp_path / "block.yaml"
    path.write_bytes(BLOCK.replace("\n", "\r\n").encode())
    value = yaml.safe_load(BLOCK)["body"]
    typed = "\n\nand then\r\nsome"
    refused: list[ReviewItem] = []
    change = _apply_file(path, [_item(path, value, 20, 20, typed, typed)], refused)
    assert change is not None and not refused
    assert change.after == BLOCK.replace("\n", "\r\n").replace("may resume.", "may resume and then some.")


# ---------------------------------------------------------------- the mapping of value to file


SCALARS = [
    "body: one two\n",
    "body: one two\n  three\n\n  four\n",
    "body: 'one two\n  three'\n",
    "body: 'one ''two''\n  three'\n",
    'body: "one two\n  three\n\n  four"\n',
    "body: |\n  one\n\n   two\n  three\n",
    "body: |+\n  one\n  two\n\n",
    "body: >-\n  one\n  two\n\n\n  three\n    four\n  five\n",
]


@pytest.mark.parametrize("text", SCALARS)
def test_value_offsets_map_a_crlf_file_as_its_lf_copy(text: str):
    """Each character maps to the same place in both files; a line break to its first byte (the CR)."""
    crlf = text.replace("\n", "\r\n")
    lf_node = field_node(parse_yaml(text, PATH, Diagnostics()), "body")
    crlf_node = field_node(parse_yaml(crlf, PATH, Diagnostics()), "body")
    assert lf_node is not None and crlf_node is not None and lf_node.value == crlf_node.value
    lf, cr = value_offsets(text, lf_node), value_offsets(crlf, crlf_node)
    if "''" in text:  # written differently from the value: not mapped, in either file
        assert lf is None and cr is None
        return
    assert lf is not None and cr is not None
    assert cr == [at + text.count("\n", 0, at) for at in lf]
    for i, c in enumerate(lf_node.value):
        assert text[lf[i]] == c or (c == " " and text[lf[i]] == "\n")
        assert crlf[cr[i]] == ("\r" if text[lf[i]] == "\n" else c)


# ---------------------------------------------------------------- any wrapping, any word edit

VOCABULARY = ["talks", "resume", "in", "spring", "officials", "Tokyo", "doubt", "Moscow", "will", "send", "a", "deputy"]
WORDS = st.lists(st.sampled_from(VOCABULARY), min_size=1, max_size=3).map(" ".join)


@st.composite
def scalars(draw: st.DrawFn) -> tuple[str, str, list[list[str]], str]:
    """A body of words in a style, wrapped at a width: (style, line ending, lines of words, file text)."""
    style = draw(st.sampled_from([">", "|", "plain"]))
    eol = draw(st.sampled_from(["\n", "\r\n"]))
    words = draw(st.lists(st.sampled_from(VOCABULARY), min_size=2, max_size=24))
    width = draw(st.integers(8, 40))
    lines: list[list[str]] = [[]]
    for word in words:
        if lines[-1] and len(" ".join([*lines[-1], word])) > width:
            lines.append([])
        lines[-1].append(word)
    body = [" ".join(line) for line in lines]
    if style == "plain":
        field = [f"body: {body[0]}", *(f"  {line}" for line in body[1:])]
    else:
        field = [f"body: {style}", *(f"  {line}" for line in body)]
    return style, eol, lines, eol.join(["# a note", "id: talks", *field, "title: Talks", ""])


@st.composite
def word_edits(draw: st.DrawFn, lines: list[list[str]], value: str) -> tuple[int, int, str, int, int]:
    """An edit at word boundaries: (start, end, new text, first and last line index of the words it touches)."""
    spans, line_of = [], []
    at = 0
    for number, line in enumerate(lines):
        for word in line:
            at = value.index(word, at)
            spans.append((at, at + len(word)))
            line_of.append(number)
            at += len(word)
    count = len(spans)
    kind = draw(st.sampled_from(["insert before", "insert after", "delete", "replace"]))
    i = draw(st.integers(0, count - 1))
    j = draw(st.integers(i, count - 1))
    if kind == "insert before":
        return spans[i][0], spans[i][0], draw(WORDS) + " ", line_of[i], line_of[i]
    if kind == "insert after":
        return spans[i][1], spans[i][1], " " + draw(WORDS), line_of[i], line_of[i]
    if kind == "delete" and j - i + 1 < count:  # with the space or line break after the words, or before them
        if j + 1 < count and (i == 0 or draw(st.booleans())):
            return spans[i][0], spans[j + 1][0], "", line_of[i], line_of[j + 1]
        return spans[i - 1][1], spans[j][1], "", line_of[i - 1], line_of[j]
    return spans[i][0], spans[j][1], draw(WORDS), line_of[i], line_of[j]


@settings(max_examples=200, deadline=None)
@given(data=st.data())
def test_any_word_edit_keeps_the_style_the_line_endings_and_every_other_line(data: st.DataObject):
    """The file reads back as exactly the edited value, or the edit is refused; it is never wrong.

    Only the lines holding the edited words change, every line ends as the file's others do, and a
    one-word replacement in a folded or literal block is always written.
    """
    style, eol, lines, text = data.draw(scalars())
    value = yaml.safe_load(text)["body"]
    start, end, new, first, last = data.draw(word_edits(lines, value))
    single = start != end and " " not in value[start:end] and "\n" not in value[start:end] and " " not in new
    try:
        result = edit_field(text, PATH, "body", [Edit(PATH, "b", "body", value, start, end, new)])
    except Refused:
        assert not (single and style != "plain"), (text, value[start:end], new)
        return
    assert yaml.safe_load(result)["body"] == value[:start] + new + value[end:]
    assert yaml.safe_load(result)["title"] == "Talks"
    if eol == "\r\n":
        assert result.count("\r") == result.count("\n") == result.count("\r\n")
    else:
        assert "\r" not in result
    before, after = text.splitlines(keepends=True), result.splitlines(keepends=True)
    header = 2 if style == "plain" else 3  # the lines above the body's first line of words
    kept_above, kept_below = header + first, len(before) - (header + last + 1)
    assert after[:kept_above] == before[:kept_above]
    assert len(after) >= kept_above + kept_below
    assert after[len(after) - kept_below :] == before[len(before) - kept_below :]
    assert len(after) <= len(before)  # no line is added, and one is taken away only with the words on it
    if single:
        assert len(after) == len(before)


# ---------------------------------------------------------------- where a break goes when words are replaced

ARTICLE = FOLDED.replace("its deputy", "a deputy")
WEEK = "id: talks\nbody: >\n  The talks may resume in\n  a week or two.\ntitle: Talks\n"
WEEK_SHIFTED = "id: talks\nbody: >\n  The talks may resume in a\n  week or two.\ntitle: Talks\n"
TRAILING = "id: talks\nbody: The talks may resume in\n  spring \n  but officials doubt it.\ntitle: Talks\n"


@pytest.mark.parametrize(
    ("text", "old", "new", "after", "expected"),
    [
        # the break ends the replaced words ("the" + break), new words stand where they stood:
        # the break goes to the space before them
        (
            FOLDED,
            "the summer",
            "midsummer",
            "",
            "id: talks\n"
            "body: >\n"
            "  The ministry expects the talks to\n"
            "  resume in spring, but officials in\n"
            "  Tokyo doubt that Moscow will send\n"
            "  its deputy minister before\n"
            "  midsummer recess.\n"
            "title: Talks\n",
        ),
        # a deletion of a one-letter word and the break before it: the break takes the space after it
        (
            ARTICLE,
            " a",
            "",
            "will send",
            "id: talks\n"
            "body: >\n"
            "  The ministry expects the talks to\n"
            "  resume in spring, but officials in\n"
            "  Tokyo doubt that Moscow will send\n"
            "  deputy minister before the\n"
            "  summer recess.\n"
            "title: Talks\n",
        ),
        # the break near the end of long replaced words goes to the space after the new ones
        (
            FOLDED,
            "officials in Tokyo",
            "diplomats",
            "",
            "id: talks\n"
            "body: >\n"
            "  The ministry expects the talks to\n"
            "  resume in spring, but diplomats\n"
            "  doubt that Moscow will send\n"
            "  its deputy minister before the\n"
            "  summer recess.\n"
            "title: Talks\n",
        ),
        # the replaced words start inside a word ("in" kept, "side Japan" written): the break goes
        # to a space, never into the word
        (
            FOLDED,
            "in Tokyo",
            "inside Japan",
            "",
            "id: talks\n"
            "body: >\n"
            "  The ministry expects the talks to\n"
            "  resume in spring, but officials inside\n"
            "  Japan doubt that Moscow will send\n"
            "  its deputy minister before the\n"
            "  summer recess.\n"
            "title: Talks\n",
        ),
        # the break goes to the new space nearest its old place, after "in" and after "a"
        # (between two as near, the later one)
        (
            WEEK,
            "resume in a week",
            "restart in a fortnight",
            "",
            "id: talks\nbody: >\n  The talks may restart in\n  a fortnight or two.\ntitle: Talks\n",
        ),
        (
            WEEK_SHIFTED,
            "resume in a week",
            "restart in a fortnight",
            "",
            "id: talks\nbody: >\n  The talks may restart in a\n  fortnight or two.\ntitle: Talks\n",
        ),
        # a space before a capital X is a space like any other
        (
            FOLDED,
            "Moscow will send its deputy minister",
            "Beijing will send Xi himself",
            "",
            "id: talks\n"
            "body: >\n"
            "  The ministry expects the talks to\n"
            "  resume in spring, but officials in\n"
            "  Tokyo doubt that Beijing will send\n"
            "  Xi himself before the\n"
            "  summer recess.\n"
            "title: Talks\n",
        ),
        # two breaks inside the replaced words: both kept, each at its own new space
        (
            FOLDED,
            "to resume in spring, but officials in Tokyo",
            "will restart soon, officials abroad",
            "",
            "id: talks\n"
            "body: >\n"
            "  The ministry expects the talks will\n"
            "  restart soon, officials abroad\n"
            "  doubt that Moscow will send\n"
            "  its deputy minister before the\n"
            "  summer recess.\n"
            "title: Talks\n",
        ),
        # no break is put beside another space (a line's trailing space, or one starting a line):
        # words deleted without their spaces leave two, and the lines join
        (
            WEEK,
            "talks may resume in a",
            "",
            "",
            "id: talks\nbody: >\n  The  week or two.\ntitle: Talks\n",
        ),
        # the space after "soon" is the line's trailing space, before its own break: the break
        # goes to the space before "soon" instead
        (
            TRAILING,
            "in spring",
            "soon",
            "",
            "id: talks\nbody: The talks may resume\n  soon \n  but officials doubt it.\ntitle: Talks\n",
        ),
    ],
)
def test_a_break_inside_replaced_words_goes_to_the_nearest_space_of_the_new_text(
    text: str, old: str, new: str, after: str, expected: str
):
    """The line break stays where the words around it were, at a space between two words, or is dropped."""
    assert _edit(text, old, new, after) == expected


@pytest.mark.parametrize(
    ("text", "old", "new", "expected"),
    [
        ("id: talks\nbody: The talks may resume", "resume", "restart", "id: talks\nbody: The talks may restart"),
        ("id: talks\r\nbody: The talks may resume", "resume", "restart", "id: talks\r\nbody: The talks may restart"),
        ("id: talks\nbody: >\n  The talks may resume", "resume", "", "id: talks\nbody: >\n  The talks may "),
        ("id: talks\nbody: |\n  The talks may resume", "resume", "", "id: talks\nbody: |\n  The talks may "),
    ],
)
def test_the_last_words_of_a_file_without_a_final_line_break_are_edited(text: str, old: str, new: str, expected: str):
    """The value ends where the file does: nothing is read past it."""
    assert _edit(text, old, new) == expected


def test_a_break_moves_next_to_the_first_character_of_a_file():
    """A document that is one plain scalar: the space after its first word, at offset 1, takes the break."""
    text = "I see\nit now\n"
    root = parse_yaml(text, PATH, Diagnostics())
    assert root is not None and root.value == "I see it now"
    offsets = value_offsets(text, root)
    assert offsets == [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]
    assert splice(text, text, root.value, offsets, (2, 12), "know") == "I\nknow\n"


# ---------------------------------------------------------------- paragraphs, keys and line endings


@pytest.mark.parametrize(
    ("style", "expected"),
    [
        (
            "|",
            "id: talks\nbody: |\n  The talks may resume.\n\n  A new paragraph. Officials doubt it.\ntitle: Talks\n",
        ),
        (
            ">",
            "id: talks\nbody: >\n  The talks may resume.\n\n\n  A new paragraph. Officials doubt it.\ntitle: Talks\n",
        ),
    ],
)
def test_a_paragraph_inserted_inside_a_line_takes_the_rest_of_that_line(style: str, expected: str):
    """No indentation is written between the new paragraph's words and the words that followed on the line."""
    text = f"id: talks\nbody: {style}\n  The talks may resume. Officials doubt it.\ntitle: Talks\n"
    assert _edit(text, "", "\n\nA new paragraph.", "resume.") == expected


def test_new_paragraphs_in_a_block_without_text_are_indented_two_spaces():
    """With no line of text to take the indentation from, a block's new lines get two spaces."""
    text = "id: talks\nbody: |+\n\ntitle: Talks\n"
    assert _edit(text, "", PARAGRAPHS) == (
        "id: talks\nbody: |+\n\n\n  First new paragraph.\n\n  Second new paragraph.\ntitle: Talks\n"
    )


NESTED = "id: talks\nvariants:\n  press:\n    summary: The talks may\n      resume.\ntitle: Talks\n"


def test_a_field_is_found_by_its_dotted_key_path():
    """`variants.press.summary` is the summary of the press variant; a path that is not there is refused."""
    value = "The talks may resume."
    name = "variants.press.summary"
    result = edit_field(NESTED, PATH, name, [Edit(PATH, "b", name, value, 10, 13, "could")])
    assert result == NESTED.replace("may", "could")
    for missing in ["variants.web.summary", "title.summary", "variants.press.summary.text"]:
        with pytest.raises(Refused) as refusal:
            edit_field(NESTED, PATH, missing, [Edit(PATH, "b", missing, value, 10, 13, "could")])
        assert str(refusal.value) == "the field is not where the build found it; review the DOCX again"
    assert field_node(None, "body") is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("# note\nbody: >\r\n  one\r\n", "\r\n"),  # the field's own lines, not the file's first
        ("body: >\r\n  one\r\ntitle: x\n", "\r\n"),  # the field's first line, not the file's last or the next key's
        ("id: x\r\nbody: one", "\r\n"),  # nothing after the field: the file's first line ending
        ("a: x\r\nb: y\nbody: one", "\r\n"),
        ("\r\nbody: one", "\r\n"),  # an empty first line
        ("\nbody: one\r", "\n"),
        ("body: one", "\n"),  # no line ending at all
    ],
)
def test_new_lines_take_the_line_ending_after_the_fields_first_line(text: str, expected: str):
    """The ending after the field's first line, or the file's first one, or LF in a one-line file."""
    node = field_node(parse_yaml(text, PATH, Diagnostics()), "body")
    assert node is not None
    assert newline(text, node) == expected


# ---------------------------------------------------------------- the mapping of each style, offset by offset


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("body: Xi said no\n", [6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16]),  # a plain value starting with X
        ("body: '  two'\n", [7, 8, 9, 10, 11, 12]),  # spaces a quoted value starts with are its own
        ("body: |\n\n  one\n", [8, 11, 12, 13, 14, 15]),  # a literal block starting with a blank line
        ("body: |\n    four\n", [12, 13, 14, 15, 16, 17]),  # indented four spaces
        ("body: >\n  one\n\n  Xi\n", [10, 11, 12, 13, 17, 18, 19, 20]),  # the first break before a blank line is none
        ("body: one  \n  two\n", [6, 7, 8, 9, 14, 15, 16, 17]),  # trailing spaces a plain line drops
        ('body: "one\t\n  two"\n', [7, 8, 9, 11, 14, 15, 16, 17]),  # a trailing tab: the space is the break
        ("body: one\r  two\r", [6, 7, 8, 9, 12, 13, 14, 15]),  # a lone CR is a line break
        ("body: |2\n  one\n", None),  # an indentation indicator: not mapped
        ("body: |", None),  # a header without a line
        ("body: |+\n \t\n  \n", None),  # lines of spaces and a tab: indentation not known, not mapped
    ],
)
def test_value_offsets_of_each_scalar_style(text: str, expected: list[int] | None):
    """Each character of the value at its place in the file, then the value's end; None where not certain."""
    node = field_node(parse_yaml(text, PATH, Diagnostics()), "body")
    assert node is not None and isinstance(node.value, str)
    assert value_offsets(text, node) == expected
