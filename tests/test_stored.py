"""`document/stored.py`: the document a release keeps reads back as the same document, and nothing else does.

The record is an input like any other (a release folder is committed, and may be edited or
forged): only briefgen's own node classes, dates and paths inside the workspace are made from it.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import ROOT, copy_fixture

from briefgen.build import document_for
from briefgen.content.style import load_style
from briefgen.document.snapshot import snapshot
from briefgen.document.stored import (
    MAX_DEPTH,
    OUTSIDE,
    STORED_FORMAT,
    StoredError,
    dump_document,
    load_document,
    released_document,
)
from briefgen.document.workspace import default_brief, open_workspace
from briefgen.errors import UsageError
from briefgen.render.html import render_html


@pytest.fixture(scope="module")
def documents():
    ws, _diags = open_workspace(ROOT)
    brief = default_brief(ws, None)
    return ws.root, [document_for(ws, brief, audience) for audience in ws.audiences.values()]


def test_every_audience_of_the_default_brief_reads_back_as_written(documents):
    """Read back, a document shows the same words (its snapshot) and renders to the same HTML; where each
    value was read in the source (its Location) is not kept, and a file outside the workspace (the
    built-in CSL style) is not named."""
    root, docs = documents
    style = load_style(root)
    for doc in docs:
        text = json.dumps(dump_document(doc, root), sort_keys=True)
        back = load_document(json.loads(text), root)
        assert snapshot(back) == snapshot(doc)
        assert render_html(back, style) == render_html(doc, style)
        assert json.dumps(dump_document(back, root), sort_keys=True) == text  # stable: the same bytes again


def test_paths_are_kept_inside_the_workspace(documents, tmp_path: Path):
    root, docs = documents
    data = dump_document(docs[0], root)
    assert str(root) not in json.dumps(data)  # relative: the record is the same on every machine
    data["document"]["style_file"] = {"@path": "../../etc/passwd"}
    assert load_document(data, root).style_file == root / OUTSIDE
    data["document"]["style_file"] = {"@path": "/etc/passwd"}
    assert load_document(data, root).style_file == root / OUTSIDE


@pytest.mark.parametrize(
    ("document", "reason"),
    [
        ({"@": "Popen", "args": ["sh"]}, "it names 'Popen', which is not part of briefgen's document"),
        ({"@": "Text", "text": "x", "shell": True}, "'Text' has no field 'shell'"),
        ({"@": "Text"}, "'Text' is incomplete"),
        ({"@": "Text", "text": {"@eval": "1"}}, "it holds an object briefgen does not write"),
        ({"@": "Text", "text": "x"}, "it holds no document"),
        ({"@date": "yesterday"}, "it is damaged"),
    ],
)
def test_anything_else_is_refused_with_the_reason(document, reason: str):
    with pytest.raises(StoredError) as refused:
        load_document({"format": STORED_FORMAT, "document": document}, Path("/ws"))
    assert str(refused.value).startswith(reason)


def test_a_record_nested_deeper_than_any_document_is_refused():
    deep: object = "x"
    for _ in range(MAX_DEPTH + 5):
        deep = [deep]
    with pytest.raises(StoredError, match=f"it nests deeper than {MAX_DEPTH} levels"):
        load_document({"format": STORED_FORMAT, "document": deep}, Path("/ws"))


def test_another_format_is_refused():
    with pytest.raises(StoredError, match="it is not a stored document of format 1"):
        load_document({"format": 99, "document": {}}, Path("/ws"))


@pytest.fixture
def released(tmp_path: Path):
    """The minimal workspace with a release folder written by hand: version 1.0, the reader's document."""
    root = copy_fixture("minimal", tmp_path)
    ws, _diags = open_workspace(root)
    brief = default_brief(ws, None)
    folder = brief.folder / "releases" / "1.0"
    folder.mkdir(parents=True)
    (folder / "release.yaml").write_text("version: '1.0'\n", encoding="utf-8")
    doc = document_for(ws, brief, ws.audiences["reader"])
    (folder / "reader.document.json").write_text(json.dumps(dump_document(doc, root)), encoding="utf-8")
    return root, brief, folder, doc


def test_a_released_document_reads_back(released):
    root, brief, _folder, doc = released
    assert snapshot(released_document(brief, "1.0", "reader", root)) == snapshot(doc)
    assert released_document(brief, "1.0", "boss", root) is None  # not an audience then: all of it is new


@pytest.mark.parametrize(
    ("version", "message"),
    [
        ("0.9", "demo: version '0.9' was never released; released versions: 1.0"),
        ("../x", "demo: '../x' is not a version name; give one that 'briefgen releases' lists"),
    ],
)
def test_a_version_not_released_is_refused_by_name(released, version: str, message: str):
    root, brief, _folder, _doc = released
    with pytest.raises(UsageError) as refused:
        released_document(brief, version, "reader", root)
    assert str(refused.value) == message


def test_a_record_from_before_redlines_or_too_large_or_a_link_out_is_refused(released, tmp_path: Path, monkeypatch):
    root, brief, folder, _doc = released
    (folder / "boss.yaml").write_text("sections: []\n", encoding="utf-8")
    with pytest.raises(UsageError) as refused:
        released_document(brief, "1.0", "boss", root)
    assert str(refused.value) == (
        "briefs/demo/releases/1.0: boss.document.json is missing (version 1.0 was released by an older briefgen, "
        "which kept words only); release version 1.0 again from its git commit to compare with it"
    )
    monkeypatch.setattr("briefgen.document.stored.MAX_RECORD", 100)
    with pytest.raises(UsageError, match="reader.document.json is larger than 0 MB"):
        released_document(brief, "1.0", "reader", root)
    monkeypatch.undo()
    outside = tmp_path / "elsewhere.json"
    outside.write_text("{}", encoding="utf-8")
    (folder / "reader.document.json").unlink()
    (folder / "reader.document.json").symlink_to(outside)
    with pytest.raises(UsageError) as refused:
        released_document(brief, "1.0", "reader", root)
    assert "reader.document.json" in str(refused.value) and "outside" in str(refused.value)


# ---------------------------------------------------------------- any value the model holds reads back


def _values():
    from hypothesis import strategies as st

    from briefgen import model

    scalars = st.one_of(
        st.none(),
        st.booleans(),
        st.integers(-(2**40), 2**40),
        st.floats(allow_nan=False, allow_infinity=False),
        st.text(max_size=12),
        st.dates(),
        st.datetimes(),
    )
    keys = st.one_of(st.text(max_size=6), st.integers(-5, 5), st.dates())
    text = st.text(max_size=4)
    nodes = st.builds(model.Text, text) | st.builds(model.MarkingLevel, text, text, text)
    return st.recursive(
        scalars | nodes,
        lambda inner: st.one_of(
            st.lists(inner, max_size=3).map(tuple),
            st.dictionaries(keys, inner, max_size=3),
            st.frozensets(st.text(max_size=4), max_size=3),
            st.builds(model.Para, st.lists(st.builds(model.Text, st.text(max_size=5)), max_size=3).map(tuple)),
        ),
        max_leaves=12,
    )


def test_any_value_of_the_kinds_the_model_holds_reads_back_as_written(tmp_path: Path):
    from hypothesis import given, settings

    from briefgen.document.stored import _dump, _load

    @settings(max_examples=300, deadline=None)
    @given(_values())
    def round_trip(value):
        written = json.loads(json.dumps(_dump(value, tmp_path)))  # what the file holds
        assert _load(written, tmp_path, 0) == value

    round_trip()


def test_records_leave_defaults_out_and_name_each_kind(tmp_path: Path):
    import datetime as dt

    from briefgen import model
    from briefgen.document.stored import _dump

    assert _dump(model.Text("x"), tmp_path) == {"@": "Text", "text": "x"}
    assert _dump(model.Link("#a", (model.Text("x"),)), tmp_path) == {
        "@": "Link",
        "href": "#a",
        "children": [{"@": "Text", "text": "x"}],
    }
    assert _dump(frozenset({"b", "a"}), tmp_path) == {"@set": ["a", "b"]}
    assert _dump({"k": dt.date(2026, 12, 7)}, tmp_path) == {"@dict": [["k", {"@date": "2026-12-07"}]]}
    assert _dump(dt.datetime(2026, 12, 7, 9, 30), tmp_path) == {"@datetime": "2026-12-07T09:30:00"}
    assert _dump(tmp_path / "briefs" / "a.yaml", tmp_path) == {"@path": "briefs/a.yaml"}
    assert _dump(Path("relative.yaml"), tmp_path) == {"@path": OUTSIDE}
