"""A redline's changes as Word's own tracked changes, by the author "briefgen".

Inserted runs stand in `w:ins`, deleted ones in `w:del` (their text as `w:delText`), a moved
block's old and new places in `w:moveFrom` and `w:moveTo` between named range marks, and a
paragraph added or removed whole carries the revision on its paragraph mark, so Word's Accept
All leaves exactly the current text and Reject All exactly the issued one. Table rows added or
removed whole carry it on the row (`w:trPr`). The writer renders the nodes as usual; these
functions then mark what it wrote.
"""

from __future__ import annotations

from typing import Any

from docx.oxml import OxmlElement
from docx.oxml.ns import qn

from briefgen.render.docx.wml import place

AUTHOR = "briefgen"
FIRST_ID = 900_000  # revision ids apart from the bookmarks' and comments' small numbers
_RUN_TAGS = {"ins": "w:ins", "del": "w:del", "move-from": "w:moveFrom", "move-to": "w:moveTo"}
_DELETED = {"del", "move-from"}  # kinds whose words are gone once the changes are accepted
_TRACKED = {qn(tag) for tag in _RUN_TAGS.values()}


class Revisions:
    """Numbers the revisions of one Word file and marks what the writer wrote."""

    def __init__(self, date: str) -> None:
        self.date = date
        self.next_id = FIRST_ID
        self.moves: dict[str, str] = {}  # block id -> the name of its move's ranges

    def attributes(self, element: Any) -> Any:
        element.set(qn("w:id"), str(self.next_id))
        element.set(qn("w:author"), AUTHOR)
        element.set(qn("w:date"), self.date)
        self.next_id += 1
        return element

    def runs(self, parent: Any, start: int, kind: str) -> None:
        """Wrap the runs `parent` (a paragraph or hyperlink) gained from child `start` on, in one revision each run
        of consecutive runs; a hyperlink's runs are wrapped inside it, as WordprocessingML allows."""
        group: Any = None
        for child in list(parent)[start:]:
            if child.tag == qn("w:r"):
                if group is None:
                    group = self.attributes(OxmlElement(_RUN_TAGS[kind]))
                    child.addprevious(group)
                group.append(child)
                if kind in _DELETED:
                    _as_deleted(child)
                continue
            group = None
            if child.tag == qn("w:hyperlink"):
                self.runs(child, 0, kind)

    def paragraph_mark(self, paragraph: Any, kind: str) -> None:
        """The paragraph itself added or removed: its mark carries the revision."""
        p_pr = paragraph.get_or_add_pPr()
        r_pr = p_pr.find(qn("w:rPr"))
        if r_pr is None:
            r_pr = OxmlElement("w:rPr")
            place(p_pr, r_pr)
        if r_pr.find(qn(_RUN_TAGS[kind])) is None:
            r_pr.insert(0, self.attributes(OxmlElement(_RUN_TAGS[kind])))

    def whole(self, elements: list[Any], kind: str, move: str = "") -> None:
        """Paragraphs and tables written for blocks added, removed or moved whole: every run and paragraph
        mark, every table row; a move's runs between range marks named for the block."""
        paragraphs = []
        for element in elements:
            if element.tag == qn("w:p"):
                paragraphs.append(element)
            elif element.tag in (qn("w:tbl"), qn("w:tr")):  # a table, or a register's row
                row_kind = "ins" if kind in ("ins", "move-to") else "del"
                for row in element.iter(qn("w:tr")):
                    self.row(row, row_kind)
                for paragraph in element.iter(qn("w:p")):
                    self.runs(paragraph, 0, row_kind)
        for paragraph in paragraphs:
            self.runs(paragraph, _content_start(paragraph), kind)
            self.paragraph_mark(paragraph, kind)
        if move and paragraphs:
            self.move_range(paragraphs[0], paragraphs[-1], kind, move)

    def row(self, row: Any, kind: str) -> None:
        """A table row added or removed whole."""
        tr_pr = row.find(qn("w:trPr"))
        if tr_pr is None:
            tr_pr = OxmlElement("w:trPr")
            tbl_pr_ex = row.find(qn("w:tblPrEx"))
            if tbl_pr_ex is not None:
                tbl_pr_ex.addnext(tr_pr)
            else:
                row.insert(0, tr_pr)
        if tr_pr.find(qn(_RUN_TAGS[kind])) is None:
            tr_pr.append(self.attributes(OxmlElement(_RUN_TAGS[kind])))

    def move_range(self, first: Any, last: Any, kind: str, block_id: str) -> None:
        """`w:moveFromRangeStart`/`End` (or `moveTo`) around a move, named the same at both places."""
        name = self.moves.setdefault(block_id, f"move{len(self.moves) + 1}")
        tag = "w:moveFromRange" if kind == "move-from" else "w:moveToRange"
        start = self.attributes(OxmlElement(tag + "Start"))
        start.set(qn("w:name"), name)
        first.insert(_content_start(first), start)
        end = OxmlElement(tag + "End")
        end.set(qn("w:id"), start.get(qn("w:id")))
        last.append(end)

    def settle(self, body: Any) -> None:
        """Paragraphs all of whose runs are inserted (or deleted) are themselves inserted (or deleted): a
        bibliography entry, a definition's term, a list item drawn run by run."""
        if self.next_id == FIRST_ID:
            return  # not a redline: nothing to settle
        for paragraph in body.iter(qn("w:p")):
            kinds = {_kind_of(run) for run in paragraph.iter(qn("w:r"))}
            if len(kinds) != 1:
                continue
            kind = kinds.pop()
            if kind in ("ins", "del") and not _last_in_cell(paragraph):
                self.paragraph_mark(paragraph, kind)


def _content_start(paragraph: Any) -> int:
    """Where a paragraph's content starts: after its properties."""
    return 1 if len(paragraph) and paragraph[0].tag == qn("w:pPr") else 0


def _as_deleted(run: Any) -> None:
    """A deleted run's text is `w:delText` (and a field's instruction `w:delInstrText`), as Word writes them."""
    for text in run.findall(qn("w:t")):
        text.tag = qn("w:delText")
    for instruction in run.findall(qn("w:instrText")):
        instruction.tag = qn("w:delInstrText")


def _kind_of(run: Any) -> str:
    """The revision a run stands in, or "" for none."""
    parent = run.getparent()
    while parent is not None and parent.tag != qn("w:p"):
        if parent.tag in _TRACKED:
            return {qn("w:ins"): "ins", qn("w:del"): "del"}.get(parent.tag, "move")
        parent = parent.getparent()
    return ""


def _last_in_cell(paragraph: Any) -> bool:
    """A cell keeps its last paragraph: its mark cannot be removed."""
    parent = paragraph.getparent()
    return parent is not None and parent.tag == qn("w:tc") and paragraph.getnext() is None


# ---------------------------------------------------------------- reading a returned redline

_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_GONE = {f"{{{_W}}}del", f"{{{_W}}}moveFrom"}  # what accepting removes
_KEPT = {f"{{{_W}}}ins", f"{{{_W}}}moveTo"}  # what accepting keeps
_RANGES = {f"{{{_W}}}{n}" for n in ("moveFromRangeStart", "moveFromRangeEnd", "moveToRangeStart", "moveToRangeEnd")}


def accept_own(part: Any) -> None:
    """Accept, in a parsed part of a returned redline, every revision briefgen wrote (author "briefgen"), so
    `briefgen review` reads the current text and only the reviewer's own revisions (`build --changes-since`).

    A reviewer who rejected one of them in Word left the issued words as plain text: that is read as
    the reviewer's edit, as it is.
    """
    author = f"{{{_W}}}author"
    ours = [el for el in part.iter(*_GONE, *_KEPT, *_RANGES) if el.get(author) == AUTHOR]
    if not ours:
        return
    ranges = {el.get(f"{{{_W}}}id") for el in ours if el.tag in _RANGES}
    for end in [el for el in part.iter(*_RANGES) if el.tag.endswith("End") and el.get(f"{{{_W}}}id") in ranges]:
        end.getparent().remove(end)
    for el in ours:
        parent = el.getparent()
        if parent is None:
            continue
        if el.tag in _RANGES or (el.tag in _KEPT and parent.tag in (qn("w:rPr"), qn("w:trPr"))):
            parent.remove(el)  # a range mark, or the mark of a paragraph or row that stays
        elif parent.tag == qn("w:trPr"):
            row = parent.getparent()
            row.getparent().remove(row)  # a row briefgen deleted
        elif parent.tag == qn("w:rPr") and parent.getparent() is not None and parent.getparent().tag == qn("w:pPr"):
            _join_next(parent.getparent().getparent())  # a paragraph mark briefgen deleted
        elif el.tag in _GONE:
            parent.remove(el)
        else:  # inserted runs stay, unwrapped
            index = parent.index(el)
            for child in list(el):
                parent.insert(index, child)
                index += 1
            parent.remove(el)


def _join_next(paragraph: Any) -> None:
    """A paragraph whose mark is deleted: what is left of it joins the next paragraph, as Word does."""
    following = paragraph.getnext()
    rest = [child for child in paragraph if child.tag != qn("w:pPr")]
    if following is not None and following.tag == qn("w:p"):
        start = _content_start(following)
        for child in reversed(rest):
            following.insert(start, child)
    paragraph.getparent().remove(paragraph)
