"""Word's Accept All and Reject All, done on the XML as WordprocessingML defines them, for the redline tests.

Written from the standard (ECMA-376 Part 1, 17.13.5 "Revisions"), not from briefgen's writer:
accepting removes `w:del` and `w:moveFrom` with their runs, keeps what `w:ins` and `w:moveTo`
hold, removes rows whose `w:trPr` is deleted and joins a paragraph whose mark is deleted to the
next one; rejecting does the opposite. What is left is read as paragraphs of text, body and notes.
"""

from __future__ import annotations

import copy
import io
import zipfile

from lxml import etree

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def q(tag: str) -> str:
    return f"{{{W}}}{tag}"


def _resolve(root, accept: bool) -> None:
    gone, kept = ("del", "moveFrom"), ("ins", "moveTo")
    if not accept:
        gone, kept = kept, gone
    for tag in ("moveFromRangeStart", "moveFromRangeEnd", "moveToRangeStart", "moveToRangeEnd"):
        for el in list(root.iter(q(tag))):
            el.getparent().remove(el)
    for row in list(root.iter(q("tr"))):
        props = row.find(q("trPr"))
        if props is not None and any(props.find(q(t)) is not None for t in gone):
            row.getparent().remove(row)
        elif props is not None:
            for t in kept:
                for el in props.findall(q(t)):
                    props.remove(el)
    for tag in gone:  # run-level revisions: gone with their runs
        for el in list(root.iter(q(tag))):
            parent = el.getparent()
            if parent.tag != q("rPr") and parent.tag != q("trPr"):
                parent.remove(el)
    for tag in kept:
        for el in list(root.iter(q(tag))):
            parent = el.getparent()
            if parent.tag in (q("rPr"), q("trPr")):
                continue
            index = parent.index(el)
            for child in list(el):
                parent.insert(index, child)
                index += 1
            parent.remove(el)
    for text in list(root.iter(q("delText"))):
        text.tag = q("t")
    for text in list(root.iter(q("delInstrText"))):
        text.tag = q("instrText")
    # paragraph marks: a paragraph whose mark is gone joins the next paragraph
    for p in list(root.iter(q("p"))):
        mark = p.find(f"{q('pPr')}/{q('rPr')}")
        if mark is None:
            continue
        if any(mark.find(q(t)) is not None for t in gone):
            following = p.getnext()
            if following is not None and following.tag == q("p"):
                start = 1 if len(following) and following[0].tag == q("pPr") else 0
                for child in reversed([c for c in p if c.tag != q("pPr")]):
                    following.insert(start, child)
            p.getparent().remove(p)
        else:
            for t in kept:
                for el in mark.findall(q(t)):
                    mark.remove(el)


_AFTER_SUMMARY = ("Heading1", "BottomLine", "TOC", "Contents")  # styles of what follows it (Word's, LibreOffice's)


def _in_summary(p) -> bool:
    """Whether a paragraph belongs to a redline's first part ("Changes since version ..."): the paragraphs
    from the one bookmarked `changes` to the next heading of a section, bottom line or contents list."""

    def style(el):
        found = el.find(f"{q('pPr')}/{q('pStyle')}")
        return found.get(q("val")) if found is not None else ""

    current = p
    while current is not None:
        if current.tag != q("p"):
            return False
        if any(b.get(q("name")) == "changes" for b in current.iter(q("bookmarkStart"))):
            return True
        if style(current).startswith(_AFTER_SUMMARY):
            return False
        current = current.getprevious()
    return False


def _contents(p) -> bool:
    """A paragraph of the contents list: page numbers of the file's own layout, which Word updates on open."""
    found = p.find(f"{q('pPr')}/{q('pStyle')}")
    return found is not None and found.get(q("val")).startswith(("TOC", "Contents"))  # Word's names, LibreOffice's


def _text(p) -> str:
    parts = []
    for el in p.iter(q("t"), q("tab"), q("br")):
        parts.append(el.text or "" if el.tag == q("t") else " ")
    return " ".join("".join(parts).split())


def resolved(docx: bytes, accept: bool | None) -> dict[str, list[str]]:
    """The body's paragraphs and the notes' (in the order of their calls) after accepting (True), rejecting
    (False) or leaving (None) every revision; empty paragraphs, a redline's first part and the contents
    list are left out."""
    with zipfile.ZipFile(io.BytesIO(docx)) as z:
        body = etree.fromstring(z.read("word/document.xml"))
        notes = etree.fromstring(z.read("word/footnotes.xml")) if "word/footnotes.xml" in z.namelist() else None
    body, notes = copy.deepcopy(body), copy.deepcopy(notes)
    if accept is not None:
        _resolve(body, accept)
        if notes is not None:
            _resolve(notes, accept)
    by_id = {}
    if notes is not None:
        for note in notes.iter(q("footnote")):
            if note.get(q("type")) in (None, "normal"):
                by_id[note.get(q("id"))] = [t for t in (_text(p) for p in note.iter(q("p"))) if t]
    calls = [ref.get(q("id")) for ref in body.iter(q("footnoteReference"))]
    paragraphs = [t for t in (_text(p) for p in body.iter(q("p")) if not _in_summary(p) and not _contents(p)) if t]
    return {"body": paragraphs, "notes": [" ".join(by_id.get(call, [])) for call in calls]}


def revisions(docx: bytes) -> dict[str, int]:
    """How many revisions of each kind the file holds, and by whom."""
    with zipfile.ZipFile(io.BytesIO(docx)) as z:
        body = etree.fromstring(z.read("word/document.xml"))
    counts: dict[str, int] = {}
    for tag in ("ins", "del", "moveFrom", "moveTo"):
        for el in body.iter(q(tag)):
            key = f"{tag}:{el.get(q('author'))}"
            counts[key] = counts.get(key, 0) + 1
    return counts
