"""`document/stored.py`: the document a release keeps reads back as the same document, and nothing else does.

The record is an input like any other (a release folder is committed, and may be edited or
forged): only briefgen's own node classes, dates and paths inside the workspace are made from it.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import ROOT

from briefgen.build import document_for
from briefgen.content.style import load_style
from briefgen.document.snapshot import snapshot
from briefgen.document.stored import MAX_DEPTH, OUTSIDE, STORED_FORMAT, StoredError, dump_document, load_document
from briefgen.document.workspace import default_brief, open_workspace
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
