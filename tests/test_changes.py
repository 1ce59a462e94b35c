"""`document/changes.compare`: two snapshots of one audience's brief, and what a reader would call changed.

Snapshots are written here by hand, in the shape `document/snapshot.py` gives, so each expected
change is the one planted.
"""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from briefgen.document.changes import compare


def _block(block_id: str, *paragraphs: str, title: str = "", **extra) -> dict:
    return {"id": block_id, "title": title or block_id.title(), "text": [{"p": p} for p in paragraphs], **extra}


def _shot(sections: dict[str, list[dict]], notes: tuple[str, ...] = (), **masthead) -> dict:
    return {
        "masthead": {"title": "T", "subtitle": "", "marking": "", "organization": "", **masthead},
        "bottom_line": [],
        "sections": [{"id": key, "title": key.title(), "blocks": blocks} for key, blocks in sections.items()],
        "notes": [{"number": n, "block": "", "text": [{"p": text}]} for n, text in enumerate(notes, start=1)],
    }


def _kinds(before: dict, now: dict) -> list[tuple]:
    return [
        (c.kind, c.block, c.inserted, c.deleted, c.section, c.was_section) for c in compare(before, now, "a").blocks
    ]


def test_nothing_changed_is_no_change():
    shot = _shot({"s": [_block("a", "One two three.")]})
    changes = compare(shot, shot, "a")
    assert not changes.changed and changes.blocks == [] and changes.to_json()["blocks"] == []


def test_added_removed_and_revised_blocks():
    before = _shot({"s": [_block("a", "One two three."), _block("b", "Gone soon.")]})
    now = _shot({"s": [_block("a", "One two four five."), _block("c", "New here.")]})
    assert _kinds(before, now) == [
        ("revised", "a", 2, 1, "s", None),
        ("added", "c", 0, 0, "s", None),
        ("removed", "b", 0, 0, "s", None),
    ]


def test_a_block_out_of_its_order_or_in_another_section_has_moved():
    before = _shot({"s": [_block("a", "A."), _block("b", "B."), _block("c", "C.")], "t": [_block("d", "D.")]})
    now = _shot({"s": [_block("b", "B."), _block("c", "C."), _block("a", "A.")], "t": [_block("d", "D changed.")]})
    assert _kinds(before, now) == [("moved", "a", 0, 0, "s", "s"), ("revised", "d", 2, 1, "t", None)]
    elsewhere = _shot(
        {"s": [_block("b", "B."), _block("c", "C.")], "t": [_block("a", "A and more."), _block("d", "D.")]}
    )
    (moved,) = compare(before, elsewhere, "a").blocks
    assert (moved.kind, moved.was_section, moved.section, moved.revised) == ("moved", "s", "t", True)
    assert moved.to_json()["revised"] is True
    assert (
        compare(before, elsewhere, "a").sections_added == [] and compare(before, elsewhere, "a").sections_removed == []
    )


def test_a_note_renumbered_is_no_change_and_a_changed_note_is():
    before = _shot({"s": [_block("a", "First.[^1]"), _block("b", "Second.[^2]")]}, notes=("Smith 2020.", "Jones 2021."))
    renumbered = _shot(
        {"s": [_block("z", "Zero.[^1]"), _block("a", "First.[^2]"), _block("b", "Second.[^3]")]},
        notes=("Doe 2019.", "Smith 2020.", "Jones 2021."),
    )
    assert _kinds(before, renumbered) == [("added", "z", 0, 0, "s", None)]
    reworded = _shot(
        {"s": [_block("a", "First.[^1]"), _block("b", "Second.[^2]")]}, notes=("Smith 2020.", "Jones 2022.")
    )
    assert _kinds(before, reworded) == [("revised", "b", 1, 1, "s", None)]


def test_fields_titles_and_portion_marks_are_words_of_the_block():
    before = _shot({"s": [_block("a", "Text.", fields={"owner": "MOFA"}, portion="U")]})
    assert _kinds(before, _shot({"s": [_block("a", "Text.", fields={"owner": "MOD"}, portion="U")]})) == [
        ("revised", "a", 1, 1, "s", None)
    ]
    assert _kinds(before, _shot({"s": [_block("a", "Text.", fields={"owner": "MOFA"}, portion="C")]})) == [
        ("revised", "a", 1, 1, "s", None)
    ]
    assert _kinds(
        before, _shot({"s": [_block("a", "Text.", title="Renamed", fields={"owner": "MOFA"}, portion="U")]})
    ) == [("revised", "a", 1, 1, "s", None)]


def test_lists_tables_and_mitigations_count_their_words():
    before = _shot(
        {"s": [{"id": "r", "title": "R", "text": [{"li": "one", "level": 1}], "mitigation": [{"p": "Act."}]}]}
    )
    now = _shot(
        {"s": [{"id": "r", "title": "R", "text": [{"li": "one two", "level": 1}], "mitigation": [{"p": "Wait."}]}]}
    )
    assert _kinds(before, now) == [("revised", "r", 2, 1, "s", None)]
    table = _shot({"s": [{"id": "t", "title": "T", "text": [{"row": ["a", "b"]}]}]})
    wider = _shot({"s": [{"id": "t", "title": "T", "text": [{"row": ["a", "b", "c"]}]}]})
    assert _kinds(table, wider)[0][:4] == ("revised", "t", 2, 0)  # the new cell and its separator


def test_sections_gained_or_lost_and_the_masthead():
    before = _shot({"s": [_block("a", "A.")]}, marking="INTERNAL")
    now = _shot({"t": [_block("a", "A.")]}, marking="PUBLIC", title="New title")
    changes = compare(before, now, "a")
    assert changes.sections_added == ["T"] and changes.sections_removed == ["S"]
    assert changes.masthead == {"title": ("T", "New title"), "marking": ("INTERNAL", "PUBLIC")}
    assert changes.to_json()["masthead"] == {
        "title": {"before": "T", "now": "New title"},
        "marking": {"before": "INTERNAL", "now": "PUBLIC"},
    }
    assert changes.changed


def test_an_audience_added_or_gone_is_every_block_added_or_removed():
    shot = _shot({"s": [_block("a", "A."), _block("b", "B.")]})
    assert [c.kind for c in compare(None, shot, "new").blocks] == ["added", "added"]
    assert [c.kind for c in compare(shot, None, "gone").blocks] == ["removed", "removed"]


def test_the_bottom_line_counts_its_words():
    before, now = _shot({}), _shot({})
    before["bottom_line"] = [{"p": "Act now."}]
    now["bottom_line"] = [{"p": "Act now, carefully."}]
    changes = compare(before, now, "a")
    assert changes.bottom_line == (2, 1) and changes.changed
    assert changes.to_json()["bottom_line"] == {"inserted": 2, "deleted": 1}


def test_the_json_names_every_change():
    before = _shot({"s": [_block("a", "A.")], "u": [_block("c", "C.")]}, marking="INTERNAL")
    now = _shot({"t": [_block("a", "A, B.")], "u": [_block("c", "C.")]}, marking="PUBLIC")
    assert compare(before, now, "boss").to_json() == {
        "audience": "boss",
        "masthead": {"marking": {"before": "INTERNAL", "now": "PUBLIC"}},
        "bottom_line": {"inserted": 0, "deleted": 0},
        "sections_added": ["T"],
        "sections_removed": ["S"],
        "blocks": [
            {
                "block": "a",
                "title": "A",
                "section": "t",
                "kind": "moved",
                "inserted": 2,
                "deleted": 1,
                "was_section": "s",
                "revised": True,
            }
        ],
    }


def test_what_is_not_a_word_is_not_a_change():
    """List numbers, nesting, quotation and language marks are how words are shown, not words."""
    before = _shot({"s": [{"id": "l", "title": "L", "text": [{"li": "alpha", "n": 1}, {"li": "beta", "n": 2}]}]})
    now = _shot(
        {
            "s": [
                {
                    "id": "l",
                    "title": "L",
                    "text": [
                        {"li": "zero", "n": 1},
                        {"li": "alpha", "n": 2, "level": 1},
                        {"li": "beta", "n": 3, "quote": True, "lang": "fr", "kind": "note"},
                    ],
                }
            ]
        }
    )
    assert _kinds(before, now) == [("revised", "l", 1, 0, "s", None)]


def test_a_figure_given_alternative_text_counts_its_words():
    before = _shot({"s": [{"id": "f", "title": "F", "text": [{"figure": "The islands", "alt": "", "src": "map.svg"}]}]})
    now = _shot(
        {
            "s": [
                {"id": "f", "title": "F", "text": [{"figure": "The islands", "alt": "A map of them", "src": "map.svg"}]}
            ]
        }
    )
    assert _kinds(before, now) == [("revised", "f", 4, 0, "s", None)]


def test_the_subtitle_organization_and_a_note_in_the_bottom_line():
    before = _shot({}, notes=("Smith 2020.",), subtitle="Old", organization="Unit A")
    now = _shot({}, notes=("Doe 2019.", "Smith 2020."), subtitle="New", organization="Unit B")
    before["bottom_line"] = [{"p": "Act now.[^1]"}]
    now["bottom_line"] = [{"p": "Act now.[^2]"}]  # the same note, renumbered
    changes = compare(before, now, "a")
    assert changes.masthead == {"subtitle": ("Old", "New"), "organization": ("Unit A", "Unit B")}
    assert changes.bottom_line == (0, 0)
    missing = _shot({})
    del missing["masthead"]["subtitle"]
    assert compare(missing, _shot({}), "a").masthead == {}  # a field absent before and empty now is no change


def _lcs(a: list[str], b: list[str]) -> int:
    """The textbook table of the longest common subsequence, written apart from the code under test."""
    table = [[0] * (len(b) + 1) for _ in range(len(a) + 1)]
    for i, x in enumerate(a):
        for j, y in enumerate(b):
            table[i + 1][j + 1] = table[i][j] + 1 if x == y else max(table[i][j + 1], table[i + 1][j])
    return table[-1][-1]


few_words = st.lists(st.sampled_from(["tokyo", "moscow", "talks", "sanctions"]), max_size=14)


@settings(max_examples=300, deadline=None, database=None)
@given(few_words, few_words)
def test_words_in_and_out_are_the_fewest_whole_words(before, now):
    """Repeated words included (where difflib's matcher over-counts): inserted and deleted are what a
    longest common subsequence leaves, and no change at all when the words are the same."""
    changes = compare(_shot({"s": [_block("a", " ".join(before))]}), _shot({"s": [_block("a", " ".join(now))]}), "x")
    if before == now:
        assert changes.blocks == []
        return
    common = _lcs(before, now)
    (change,) = changes.blocks
    assert (change.kind, change.inserted, change.deleted) == ("revised", len(now) - common, len(before) - common)


@settings(max_examples=200, deadline=None, database=None)
@given(st.permutations(["a", "b", "c", "d", "e"]))
def test_blocks_out_of_order_are_the_fewest_moves(order):
    """The blocks that kept their order are a longest common subsequence of the two orders; the rest moved."""
    before = _shot({"s": [_block(name, name) for name in "abcde"]})
    now = _shot({"s": [_block(name, name) for name in order]})
    moved = [c.block for c in compare(before, now, "x").blocks]
    assert all(c.kind == "moved" for c in compare(before, now, "x").blocks)
    assert len(moved) == 5 - _lcs(list("abcde"), list(order))


def test_a_note_called_counts_the_words_of_the_note_and_an_added_block_keeps_its_title():
    before = _shot({"s": [_block("a", "First.")]}, notes=())
    now = _shot({"s": [_block("a", "First.[^1]"), _block("b", "New.", title="A new block")]}, notes=("Smith 2020.",))
    revised, added = compare(before, now, "x").blocks
    assert (revised.kind, revised.inserted, revised.deleted) == ("revised", 3, 0)  # "[note:", "Smith", "2020.]"
    assert (added.kind, added.title, added.section) == ("added", "A new block", "s")
