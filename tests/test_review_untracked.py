"""Edits made with tracking off: the returned text against the built one (briefgen.review.untracked)."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from briefgen.review.untracked import Comparison, normal, paragraph_changes


def changes(built: str, returned: str) -> list[tuple[str, str, str]]:
    return [(d.action, d.old, d.new) for d in Comparison(built, returned).differences]


def test_what_a_save_changes_on_its_own_is_no_difference():
    built = "Japan\u2019s \u201cnew approach\u201d, in 2016.\nA second paragraph."
    saved = 'Japan\'s  "new\u00a0approach", in 20\u00ad16. \nA second paragraph.   '
    assert changes(built, saved) == []
    assert normal("a\u00ad b\u00a0 \n c ")[0] == "a b\nc"
    assert normal("a\u00ad b\u00a0 \n c ")[1] == [0, 2, 3, 6, 8, 10]


def test_words_are_told_as_a_reader_tells_them():
    assert changes("The quick brown fox jumps.", "The slow red fox jumps.") == [("replaced", "quick brown", "slow red")]
    assert changes("The quick fox", "The quick brown fox") == [("inserted", "", "brown ")]
    assert changes("a b c d", "a c d") == [("deleted", "b ", "")]
    assert changes("2. Keep Japan focused", "2. alpha Keep Japan focused") == [("inserted", "", "alpha ")]
    assert changes("The quick brown fox jumps over.", "Completely different words here") == [
        ("replaced", "The quick brown fox jumps over.", "Completely different words here")
    ]


def spans(built: str, returned: str) -> list[tuple[int, int, int, int]]:
    return [(d.start, d.end, d.at, d.until) for d in Comparison(built, returned).differences]


def test_each_difference_says_where_it_stands_in_both_texts():
    assert spans("P1 text.\nP2 text.", "P1 text.\nNew para.\nP2 text.") == [(8, 8, 8, 18)]
    assert spans("P1 text.\nP2 text.", "New\nP1 text.\nP2 text.") == [(0, 0, 0, 4)]
    assert spans("P1 text.\nP2 text.\nP3", "P1 text.\nP3") == [(8, 17, 8, 8)]
    assert spans("P1 text.\nP2 text.\nP3", "P2 text.\nP3") == [(0, 9, 0, 0)]
    assert spans("P1\nP2", "") == [(0, 2, 0, 0), (2, 5, 0, 0)]
    assert spans("", "N1\nN2") == [(0, 0, 0, 2), (0, 0, 2, 5)]
    assert spans("P1\nP2\nP3", "P1\nX\nY\nP3") == [(3, 5, 3, 4), (5, 5, 4, 6)]  # P2 became X, Y is new
    assert spans("P1\nX\nY\nP3", "P1\nZ\nP3") == [(3, 4, 3, 4), (4, 6, 4, 4)]  # X became Z, Y is gone
    assert spans("keep  one", "keep one two") == [(9, 9, 8, 12)]
    assert spans("a b c d", "a c d") == [(2, 4, 2, 2)]
    assert spans("a b c", "a x b c") == [(2, 2, 2, 4)]
    assert spans("x a b c", "x a b") == [(5, 7, 5, 5)]


def test_a_returned_point_is_where_its_unchanged_character_was_built():
    comparison = Comparison("a b c d", "a c d")  # "b " taken away: "c" is still the built "c"
    assert [comparison.to_built(i) for i in range(6)] == [0, 1, 4, 5, 6, 7]
    comparison = Comparison("a b c", "a x b c")  # "x " added: inside it, the point where it goes
    assert [comparison.to_built(i) for i in range(8)] == [0, 1, 2, 2, 2, 3, 4, 5]
    assert Comparison("abc", "abc xyz").to_built(7) == 3  # past every unchanged character: the built end
    assert Comparison("", "new").to_built(2) == 0
    comparison = Comparison("a b c", "a x b c")
    assert [comparison.touches(s, e) for s, e in [(0, 0), (2, 2), (3, 3), (4, 4), (0, 2), (0, 3), (4, 7)]] == [
        False,
        False,
        True,
        False,
        False,
        True,
        False,
    ]


def test_paragraphs_added_and_taken_away_are_whole():
    assert changes("P1 text.\nP2 text.", "P1 text.\nNew para.\nP2 text.") == [("inserted", "", "\nNew para.")]
    assert changes("P1 text.\nP2 text.", "P1 text.\nP2 text.\nNew") == [("inserted", "", "\nNew")]
    assert changes("P1 text.\nP2 text.", "New\nP1 text.\nP2 text.") == [("inserted", "", "New\n")]
    assert changes("P1 text.\nP2 text.\nP3", "P1 text.\nP3") == [("deleted", "\nP2 text.", "")]
    assert changes("P1 text.\nP2 text.\nP3", "P2 text.\nP3") == [("deleted", "P1 text.\n", "")]
    assert changes("P1 text.\nP2 text.\nP3", "P1 text.\nP2 text.") == [("deleted", "\nP3", "")]


def test_a_returned_offset_is_carried_to_the_built_text():
    comparison = Comparison(
        "This line should be pursued privately. Openly", "This line should be pursued privately and patiently. Openly"
    )
    assert comparison.to_built(10) == 10
    assert comparison.to_built(len("This line should be pursued privately and patiently.")) == len(
        "This line should be pursued privately."
    )
    assert comparison.touches(40, 45) and not comparison.touches(0, 10)


def test_paragraphs_no_field_owns_are_compared_on_their_own():
    built = [("", "Contents"), ("_bg1", "Body."), ("", "Bibliography")]
    returned = [("", "Contents"), ("_bg1", "Body changed."), ("", "New words"), ("", "Sources")]
    new, gone, changed = paragraph_changes(built, returned)
    assert new == {2: 1, 3: 2} and gone == [(2, 1)] and changed == []
    new, gone, changed = paragraph_changes(built, [("", "Contents"), ("_bg1", "Body."), ("", "Sources")])
    assert (new, gone, changed) == ({}, [], [(2, 2)])


PARAGRAPH = st.lists(st.sampled_from("alpha bravo charlie delta echo, foxtrot. golf".split()), min_size=1, max_size=8)
TEXT = st.lists(PARAGRAPH.map(" ".join), min_size=1, max_size=4).map("\n".join)


@settings(max_examples=300, deadline=None)
@given(built=TEXT, returned=TEXT)
def test_the_differences_made_on_the_built_text_give_the_returned_text(built: str, returned: str):
    """Round trip: every difference, made in the built text, gives back exactly the returned text."""
    result = built
    for d in reversed(sorted(Comparison(built, returned).differences, key=lambda d: (d.start, d.end))):
        assert built[d.start : d.end] == d.old
        result = result[: d.start] + d.new + result[d.end :]
    assert normal(result)[0] == normal(returned)[0]


@settings(max_examples=300, deadline=None)
@given(built=TEXT, returned=TEXT)
def test_every_unchanged_character_maps_to_itself_in_order(built: str, returned: str):
    comparison = Comparison(built, returned)
    points = [comparison.to_built(offset) for offset in range(len(returned) + 1)]
    assert points == sorted(points)  # never backwards
    for offset in range(len(returned)):
        if not comparison.touches(offset, offset + 1):
            assert built[points[offset]] == returned[offset] or (built[points[offset]] + returned[offset]).isspace()


@settings(max_examples=200, deadline=None)
@given(data=st.data())
def test_one_word_added_taken_or_changed_is_one_difference_at_that_word(data):
    """Distinct words, so the answer is unambiguous: the difference stands at the word, its space after it."""
    count = data.draw(st.integers(2, 9), label="words")
    words = [f"w{i}" for i in range(count)]
    built = " ".join(words)
    k = data.draw(st.integers(0, count - 1), label="at")
    where = len(" ".join(words[:k])) + (1 if k else 0)  # where word k starts
    kind = data.draw(st.sampled_from(["insert", "delete", "replace"]), label="kind")
    if kind == "insert":
        returned = " ".join([*words[:k], "zulu", *words[k:]])
        expected = (where, where, where, where + 5, "", "zulu ")
    elif kind == "delete" and k < count - 1:
        returned = " ".join(words[:k] + words[k + 1 :])
        expected = (where, where + len(words[k]) + 1, where, where, words[k] + " ", "")
    elif kind == "delete":  # the last word goes with the space before it
        returned = " ".join(words[:k])
        expected = (where - 1, where + len(words[k]), where - 1, where - 1, " " + words[k], "")
    else:
        returned = " ".join([*words[:k], "zulu", *words[k + 1 :]])
        expected = (where, where + len(words[k]), where, where + 4, words[k], "zulu")
    found = [(d.start, d.end, d.at, d.until, d.old, d.new) for d in Comparison(built, returned).differences]
    assert found == [expected]
    comparison = Comparison(built, returned)
    for offset, char in enumerate(returned):  # every unchanged character maps to its own built self
        if char != " " and not comparison.touches(offset, offset + 1):
            assert built[comparison.to_built(offset)] == char


def test_what_a_reader_would_call_one_change_is_one():
    assert changes("a b c d", "a x y d") == [("replaced", "b c", "x y")]  # two words apart by a space
    assert changes("a b c d e f", "a x y z w v") == [("replaced", "b c d e f", "x y z w v")]
    assert changes("x1 x2 x3 x4 x5", "x1 zz") == [("replaced", "x1 x2 x3 x4 x5", "x1 zz")]  # mostly rewritten
    assert changes("P1 text.\nP2 text.", "P1 text.\nP2 changed.") == [("replaced", "text", "changed")]
    assert changes("a b c d e", "a zulu b c d yank e") == [("inserted", "", "zulu "), ("inserted", "", "yank ")]
    assert spans("a b c d e", "a zulu b c d yank e") == [(2, 2, 2, 7), (8, 8, 13, 18)]
    assert changes("a b", "a b zulu") == [("inserted", "", " zulu")]


def test_a_space_a_save_adds_hides_no_change_after_it():
    assert changes("end. b c", "end . b x") == [("replaced", "c", "x")]


def test_spaces_are_folded_only_where_spaces_are():
    assert normal("X Y") == ("X Y", [0, 1, 2, 3])
    assert normal("a b\nc") == ("a b\nc", [0, 1, 2, 3, 4, 5])
    assert normal("a \n b") == ("a\nb", [0, 2, 4, 5])


def test_a_long_paragraph_is_compared_word_by_word_all_the_same():
    """Past 200 words, difflib would take the commonest words (and spaces) for junk unless told not to."""
    words = [f"w{i % 7}" for i in range(400)]
    built = " ".join(words)
    returned = " ".join([*words[:300], "zulu", *words[301:]])
    assert changes(built, returned) == [("replaced", "w6", "zulu")]
    assert changes("\n".join(words), "\n".join([*words[:300], "zulu", *words[301:]])) == [("replaced", "w6", "zulu")]


def test_changes_in_two_places_outside_the_fields_are_both_found():
    built = [("", "A"), ("_bg1", "Body."), ("", "B"), ("_bg2", "More."), ("", "C")]
    returned = [("", "A"), ("", "new one"), ("_bg1", "Body."), ("", "B"), ("_bg2", "More."), ("", "new two"), ("", "C")]
    new, gone, changed = paragraph_changes(built, returned)
    assert new == {1: 0, 5: 4} and gone == [] and changed == []


def test_two_changed_headings_are_both_found():
    built = [("", "Contents"), ("_bg1", "Body."), ("", "Bibliography")]
    returned = [("", "Contents list"), ("_bg1", "Body."), ("", "Sources")]
    assert paragraph_changes(built, returned) == ({}, [], [(0, 0), (2, 2)])
