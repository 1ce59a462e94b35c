"""Reading a Word file back: paragraphs with their tracked changes, notes, anchors and comments.

The build reads its own DOCX with it to record the text it wrote (see `built_text`), and
`briefgen review` reads what a reviewer did to that DOCX with the same reader, so the two agree
character for character on a file nobody changed.

Works on the XML as Word or LibreOffice saved it: runs split or merged, rsids, bookmarks moved
to another place in the paragraph, comment replies with or without commentsExtended.xml. Text
is read per paragraph in two versions, as built (`original`: unchanged, deleted and moved-away
text) and as proposed (unchanged, inserted and moved-here text); every position is an offset
into a paragraph's original text.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from lxml import etree

from briefgen.render.docx.revisions import accept_own

Reader = Callable[[str], Any]  # a part's name -> its parsed XML; KeyError if absent, XMLSyntaxError if not XML

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
W14 = "http://schemas.microsoft.com/office/word/2010/wordml"
W15 = "http://schemas.microsoft.com/office/word/2012/wordml"
RELS = "http://schemas.openxmlformats.org/package/2006/relationships"
ANCHOR = re.compile(r"_bg\d+$")
NOTE_LIST = re.compile(r"fn-\d+$")  # an endnote written as a list paragraph (bookmark) and its call (link)
HEADING_STYLE = re.compile(r"(?i)^(heading\s*\d*|title|tocheading)$")  # not a table's heading row, not the subtitle
CHANGE_TAGS = {"ins": "inserted", "del": "deleted", "moveFrom": "moved-from", "moveTo": "moved-to"}
ORIGINAL = {"", "deleted", "moved-from"}  # kinds of text the DOCX had as built
PROPOSED = {"", "inserted", "moved-to"}
ANCHOR_LIMIT = 1_000  # characters of a comment's anchored text that are kept (and shown)
# Line breaks and tabs inside one paragraph's text: Word shows one line, so they read as spaces
SPACES = str.maketrans(dict.fromkeys("\t\n\r\v\f\x85\u2028\u2029", " "))
HIDING = ("vanish", "webHidden", "specVanish")  # run properties that keep text from view
OFF = {"0", "false", "off"}


def w(tag: str) -> str:
    return f"{{{W}}}{tag}"


@dataclass
class Segment:
    """A piece of a paragraph's text: unchanged (kind ''), or one kind of tracked change."""

    kind: str
    text: str
    offset: int  # where it stands in the paragraph's original text
    author: str = ""
    date: str = ""
    hidden: bool = False  # formatted as hidden text: Word does not show it


@dataclass
class WordParagraph:
    index: int
    style: str
    anchor: str | None  # the _bgN bookmark it stands in, if any
    segments: list[Segment] = field(default_factory=list)
    added: bool = False  # its paragraph mark is a tracked insertion: a paragraph the reviewer added
    after_added: bool = False  # the paragraph before it has an inserted mark (Word marks that one when Enter is typed)
    removed: bool = False  # its paragraph mark is a tracked deletion: joined with the next, or gone with its text
    note: str = ""  # in a note: "footnote:ID", "endnote:ID" or "list:fn-N" (its call is in WordReview.notes)
    column: str = ""  # in a table cell below its first row: that column's first cell
    original_length: int = 0  # the length of `original` read so far (kept by the walker, never recounted)

    @property
    def original(self) -> str:
        return "".join(s.text for s in self.segments if s.kind in ORIGINAL)

    @property
    def proposed(self) -> str:
        return "".join(s.text for s in self.segments if s.kind in PROPOSED)

    @property
    def is_heading(self) -> bool:
        return bool(HEADING_STYLE.search(self.style)) and bool(self.original.strip())


@dataclass(frozen=True)
class Mark:
    """A point in the document: a paragraph and an offset in its original text (-1: its end)."""

    paragraph: int
    offset: int


@dataclass
class WordChange:
    kind: str  # inserted | deleted | moved-from | moved-to
    text: str
    author: str
    date: str
    at: Mark  # where it starts (an insertion: where it goes)
    hidden: bool = False  # formatted as hidden text: the reviewer did not see it


@dataclass(frozen=True)
class Formatting:
    """A tracked change of formatting (bold, a style...) and the words it was made on."""

    author: str
    date: str
    at: Mark
    text: str


def _in_deleted(el) -> bool:
    return any(parent.tag in (w("del"), w("moveFrom")) for parent in el.iterancestors())


@dataclass
class WordComment:
    id: str
    author: str
    date: str
    text: str
    start: Mark | None = None
    end: Mark | None = None
    para_id: str = ""
    parent: str | None = None  # id of the comment this replies to
    done: bool = False


@dataclass
class WordReview:
    paragraphs: list[WordParagraph]
    changes: list[WordChange]
    comments: list[WordComment]
    notes: dict[str, Mark] = field(default_factory=dict)  # "footnote:ID" -> where its number stands
    numbers: dict[str, int] = field(default_factory=dict)  # "footnote:ID" -> its number as printed
    added_notes: set[str] = field(default_factory=set)  # notes the reviewer added (tracked)
    removed_notes: dict[str, Mark] = field(default_factory=dict)  # notes whose call the reviewer deleted
    formatting: list[Formatting] = field(default_factory=list)  # tracked formatting changes
    originals: list[str] = field(default_factory=list, repr=False)  # each paragraph's original text, joined once
    headings: list[int] = field(default_factory=list, repr=False)  # the nearest heading at or before each paragraph

    def original(self, paragraph: int) -> str:
        """A paragraph's original text, joined once: comments and headings read the same paragraphs many times."""
        if len(self.originals) != len(self.paragraphs):
            self.originals = [p.original for p in self.paragraphs]
        return self.originals[paragraph]

    def anchored_text(self, comment: WordComment) -> str:
        """The original text a comment's range covers ('' for a comment on a point), cut at ANCHOR_LIMIT characters.

        Many comments may cover a whole document: each keeps only the words a reader is shown.
        """
        if comment.start is None or comment.end is None:
            return ""
        parts, size = [], 0
        for index in range(comment.start.paragraph, min(comment.end.paragraph, len(self.paragraphs) - 1) + 1):
            text = self.original(index)
            begin = comment.start.offset if index == comment.start.paragraph else 0
            end = comment.end.offset if index == comment.end.paragraph and comment.end.offset >= 0 else len(text)
            parts.append(text[max(begin, 0) : max(end, 0)][: ANCHOR_LIMIT + 1])
            size += len(parts[-1]) + 1
            if size > ANCHOR_LIMIT + 1:
                break
        anchored = "\n".join(parts)
        return anchored if len(anchored) <= ANCHOR_LIMIT else anchored[:ANCHOR_LIMIT] + "\u2026"

    def heading_before(self, paragraph: int) -> str:
        """The text of the nearest heading at or before a paragraph ('' when there is none).

        For a paragraph of a note, the heading before the note's number in the text.
        """
        note = self.notes.get(self.paragraphs[paragraph].note) if 0 <= paragraph < len(self.paragraphs) else None
        if note is not None:
            paragraph = note.paragraph
        if len(self.headings) != len(self.paragraphs):  # worked out once: many items ask
            last = -1
            self.headings = []
            for p in self.paragraphs:
                last = p.index if p.is_heading else last
                self.headings.append(last)
        count = len(range(len(self.paragraphs))[: paragraph + 1])  # the paragraphs up to this one
        found = self.headings[count - 1] if count else -1
        return self.original(found).strip() if found >= 0 else ""

    def place(self, paragraph: int) -> str:
        """Where a paragraph stands, in words a reader finds it by: its table column or its heading."""
        column = self.paragraphs[paragraph].column if 0 <= paragraph < len(self.paragraphs) else ""
        if column:
            return f'in the "{column}" column of a table'
        heading = self.heading_before(paragraph)
        return f'under "{heading}"' if heading else "before the first heading"


def _part_targets(read: Reader) -> dict[str, str]:
    """Relationship type (its last word) -> part name, for the main document's related parts."""
    try:
        rels = read("word/_rels/document.xml.rels")
    except (KeyError, etree.XMLSyntaxError):
        return {}
    targets = {}
    for rel in rels.iter(f"{{{RELS}}}Relationship"):
        target = rel.get("Target", "")
        targets[rel.get("Type", "").rsplit("/", 1)[-1]] = (
            target.lstrip("/") if target.startswith("/") else f"word/{target}"
        )
    return targets


def _xml(read: Reader, name: str | None):
    """A part, parsed, with briefgen's own revisions (a redline's) accepted: only a reviewer's are read."""
    if not name:
        return None
    try:
        part = read(name)
    except (KeyError, etree.XMLSyntaxError):
        return None
    if part is not None:
        accept_own(part)
    return part


def read_review(read: Reader) -> WordReview:
    """Paragraphs, tracked changes and comments of the main document; `read` parses one part."""
    targets = _part_targets(read)
    document = _xml(read, "word/document.xml")
    if document is None:
        raise ValueError("no word/document.xml")
    walker = _Walker(_hidden_styles(_xml(read, targets.get("styles"))))
    walker.walk(document.find(w("body")))
    for kind in ("footnote", "endnote"):  # notes after the body: ids are read per file, never assumed
        part = _xml(read, targets.get(f"{kind}s"))
        for note in part.iter(w(kind)) if part is not None else ():
            if note.get(w("type")) in (None, "normal"):
                walker.note = f"{kind}:{note.get(w('id'), '')}"
                walker.walk(note)
        walker.note = ""
    walker.assign_anchors()
    comments = _comments(_xml(read, targets.get("comments")), _xml(read, targets.get("commentsExtended")))
    for comment in comments:
        comment.start, comment.end = walker.ranges.get(comment.id, (None, None))
    review = WordReview(walker.paragraphs, walker.changes(), comments, walker.notes)
    review.numbers, review.added_notes, review.removed_notes = walker.numbers, walker.added_notes, walker.removed_notes
    review.formatting = walker.formatting
    return review


def paragraph_keys(review: WordReview) -> list[str]:
    """What each paragraph belongs to, in words that survive a re-save: its `_bgN` field, `note:N`
    for a paragraph of note N (N by the order of the calls, as printed), `note:added` for a note the
    reviewer added, or '' for text no field owns (headings, labels, the bibliography)."""
    keys = []
    for p in review.paragraphs:
        if p.note:
            number = review.numbers.get(p.note)
            keys.append(f"note:{number}" if number else "note:added")
        else:
            keys.append(p.anchor or "")
    return keys


def built_text(review: WordReview) -> list[list[str]]:
    """Each paragraph's key (see `paragraph_keys`) and text, as the build wrote them: the record
    `briefgen review` compares a returned file with to find edits made without tracking."""
    return [[key, review.original(p.index)] for key, p in zip(paragraph_keys(review), review.paragraphs, strict=True)]


class _Walker:
    """One pass over the body in document order, keeping open bookmarks, changes and comment ranges."""

    def __init__(self, hidden_styles: set[str] | None = None) -> None:
        self.hidden_styles = hidden_styles or set()  # style ids whose text is hidden ("" for the defaults)
        self.runs: list[bool] = []  # whether each run being read is hidden (a text box nests one)
        self.tables: list[_Table] = []  # tables being read (one may nest in a cell)
        self.paragraphs: list[WordParagraph] = []
        self.current: list[WordParagraph] = []  # paragraphs being read (a text box may nest one)
        self.events = 0  # elements seen, in document order
        self.anchor_ids: dict[str, str] = {}  # bookmark id -> _bgN name
        self.spans: dict[str, list[int]] = {}  # _bgN -> [first start, last end] in document order
        self.extent: dict[int, tuple[int, int]] = {}  # paragraph index -> its [start, end] in document order
        self.context: list[tuple[str, str, str]] = []  # (kind, author, date) of enclosing changes
        self.ranges: dict[str, tuple[Mark | None, Mark | None]] = {}
        self.skip = 0  # inside property-change records, whose text is not the document's
        self.note = ""  # the note being read ("footnote:ID"), '' in the body
        self.notes: dict[str, Mark] = {}  # note -> where its reference stands in the body
        self.list_note = ""  # the last note of a notes list (endnotes written as paragraphs)
        self.formatting: list[Formatting] = []  # tracked formatting changes, in document order
        self.numbers: dict[str, int] = {}  # note -> its number, by the order of the calls in the text
        self.added_notes: set[str] = set()  # notes whose call is a tracked insertion
        self.removed_notes: dict[str, Mark] = {}  # notes whose call is a tracked deletion, and where it stood
        self.open: tuple[Segment, list[str]] | None = None  # the segment being extended, and its pieces

    def mark(self) -> Mark:
        if self.current:
            p = self.current[-1]
            return Mark(p.index, p.original_length)
        return Mark(len(self.paragraphs), 0)  # between paragraphs: the start of the next one

    def formatted(self, name: str, el) -> None:
        """A tracked formatting change of a run's text or of a paragraph: kept with its words."""
        owner = el.getparent().getparent() if el.getparent() is not None else None
        if owner is None or not self.current or self.skip > 1:
            return
        if name == "rPrChange" and owner.tag == w("r"):
            text = "".join(t.text or "" for t in owner.iter(w("t"))).translate(SPACES)
        elif name == "pPrChange" and owner.tag == w("p"):
            text = "".join(t.text or "" for t in owner.iter(w("t")) if not _in_deleted(t)).translate(SPACES)
        else:
            return
        if text.strip():
            author, date = el.get(w("author"), ""), el.get(w("date"), "")
            at = self.mark() if name == "rPrChange" else Mark(self.current[-1].index, 0)
            self.formatting.append(Formatting(author, date, at, text))

    def count_note(self, key: str) -> None:
        """Number a note by the order of its call, as built; a call the reviewer added with tracking
        on is a note of theirs and takes no number, one they deleted keeps its number."""
        kind = self.context[-1][0] if self.context else ""
        if kind in ("inserted", "moved-to"):
            self.added_notes.add(key)
            return
        if kind in ("deleted", "moved-from"):
            self.removed_notes[key] = self.mark()
        if key not in self.numbers:
            self.numbers[key] = len(self.numbers) + 1

    def text(self, value: str) -> None:
        if not self.current or self.skip or not value:
            return
        p = self.current[-1]
        kind, author, date = self.context[-1] if self.context else ("", "", "")
        value, hidden = value.translate(SPACES), bool(self.runs and self.runs[-1])
        last = p.segments[-1] if p.segments else None
        if last and last.kind == kind and last.author == author and last.hidden == hidden:
            if self.open is None or self.open[0] is not last:
                self.flush()
                self.open = (last, [last.text])
            self.open[1].append(value)  # joined once by `flush`: adding to a long text piece by piece is quadratic
        else:
            p.segments.append(Segment(kind, value, p.original_length, author, date, hidden))
        if kind in ORIGINAL:
            p.original_length += len(value)

    def flush(self) -> None:
        """Join the pieces of the segment being extended into its text."""
        if self.open is not None:
            segment, pieces = self.open
            segment.text = "".join(pieces)
            self.open = None

    def walk(self, body) -> None:
        if body is None:
            return
        for event, el in etree.iterwalk(body, events=("start", "end")):
            tag = el.tag if isinstance(el.tag, str) else ""
            name = tag.rsplit("}", 1)[-1]
            if not tag.startswith(f"{{{W}}}"):
                continue
            self.events += 1
            if event == "start":
                self.start(name, el)
            else:
                self.end(name, el)
        self.flush()

    def start(self, name: str, el) -> None:
        if name in ("pPrChange", "rPrChange", "sectPrChange", "tblPrChange", "trPrChange", "tcPrChange"):
            self.skip += 1
            self.formatted(name, el)
        elif name == "p":
            self.open_paragraph(el)
        elif name in CHANGE_TAGS and el.getparent() is not None and el.getparent().tag != w("rPr"):
            self.context.append((CHANGE_TAGS[name], el.get(w("author"), ""), el.get(w("date"), "")))
        elif name == "r":
            self.runs.append(self.hidden(el))
        elif name == "tbl":
            style = el.find(f"{w('tblPr')}/{w('tblStyle')}")
            self.tables.append(_Table(style.get(w("val"), "") if style is not None else ""))
        elif name == "tr" and self.tables:
            self.tables[-1].row, self.tables[-1].cell = self.tables[-1].row + 1, -1
        elif name == "tc" and self.tables:
            self.tables[-1].cell += 1
            self.tables[-1].first_paragraph = len(self.paragraphs)
        elif name == "bookmarkStart" and NOTE_LIST.match(el.get(w("name"), "")) and self.current:
            self.current[-1].note = self.list_note = f"list:{el.get(w('name'))}"
        elif name == "hyperlink" and NOTE_LIST.match(el.get(w("anchor"), "")) and not self.note:
            key = f"list:{el.get(w('anchor'))}"
            self.notes.setdefault(key, self.mark())  # a note called twice stands where it is first called
            self.count_note(key)
        elif name == "bookmarkStart" and ANCHOR.match(el.get(w("name"), "")):
            anchor = el.get(w("name"), "")
            self.anchor_ids[el.get(w("id"), "")] = anchor
            self.spans.setdefault(anchor, [self.events, self.events])
        elif name == "bookmarkEnd" and el.get(w("id"), "") in self.anchor_ids:
            span = self.spans[self.anchor_ids[el.get(w("id"), "")]]
            span[1] = max(span[1], self.events)
        elif name in ("t", "delText"):
            self.text(el.text or "")
        elif name in ("tab", "br", "cr") and el.getparent() is not None and el.getparent().tag == w("r"):
            self.text(" ")
        elif name == "noBreakHyphen":
            self.text("-")
        elif name in ("footnoteReference", "endnoteReference") and not self.note:
            key = f"{name[:-9]}:{el.get(w('id'), '')}"
            self.notes[key] = self.mark()
            self.count_note(key)
        elif name in ("commentRangeStart", "commentRangeEnd", "commentReference"):
            self.comment_range(name, el.get(w("id"), ""))

    def open_paragraph(self, el) -> None:
        """Start a paragraph: its style, whether its mark is a tracked insertion or deletion, its note and column."""
        style = el.find(f"{w('pPr')}/{w('pStyle')}")
        added = el.find(f"{w('pPr')}/{w('rPr')}/{w('ins')}") is not None
        before = self.paragraphs[-1] if self.paragraphs and not self.current else None
        paragraph = WordParagraph(len(self.paragraphs), style.get(w("val"), "") if style is not None else "", None)
        paragraph.added = added
        paragraph.after_added = before is not None and before.added and before.note == self.note
        paragraph.removed = el.find(f"{w('pPr')}/{w('rPr')}/{w('del')}") is not None
        paragraph.note = self.note
        if self.tables and self.tables[-1].row > 0:
            paragraph.column = self.tables[-1].column()
        self.paragraphs.append(paragraph)
        self.current.append(paragraph)
        self.extent[paragraph.index] = (self.events, self.events)

    def comment_range(self, name: str, cid: str) -> None:
        """Where comment `cid` starts or ends; a comment with no range stands at its reference."""
        if name == "commentRangeStart":
            self.ranges[cid] = (self.mark(), self.ranges.get(cid, (None, None))[1])
        elif name == "commentRangeEnd":
            start = self.ranges.get(cid, (None, None))[0]
            end = self.mark() if self.current else Mark(len(self.paragraphs) - 1, -1)
            self.ranges[cid] = (start, end)
        elif self.ranges.get(cid, (None, None))[0] is None:  # a comment on a point (commentReference)
            here = self.mark()
            self.ranges[cid] = (here, here)

    def end(self, name: str, el) -> None:
        if name in ("pPrChange", "rPrChange", "sectPrChange", "tblPrChange", "trPrChange", "tcPrChange"):
            self.skip -= 1
        elif name == "r" and self.runs:
            self.runs.pop()
        elif name == "tbl" and self.tables:
            self.tables.pop()
        elif name == "tc" and self.tables and self.tables[-1].row == 0:  # a heading cell: its column's name
            self.flush()
            cell = self.paragraphs[self.tables[-1].first_paragraph :]
            self.tables[-1].headings.append(" ".join(p.original.strip() for p in cell if not p.note).strip())
        elif name == "p" and self.current:
            self.flush()
            paragraph = self.current.pop()
            if not paragraph.note and self.list_note and "ndnote" in paragraph.style.lower():
                paragraph.note = self.list_note  # a note's second paragraph has no bookmark of its own
            self.extent[paragraph.index] = (self.extent[paragraph.index][0], self.events)
        elif name in CHANGE_TAGS and el.getparent() is not None and el.getparent().tag != w("rPr"):
            if self.context:
                self.context.pop()

    def hidden(self, run) -> bool:
        """Whether a run's text is hidden: by its own properties, else by its style, its paragraph's
        or its table's style, or the document's defaults (any of them hiding it counts)."""
        props = run.find(w("rPr"))
        direct = _hides(props)
        if direct is not None:  # <w:vanish/> hides; <w:vanish w:val="0"/> shows whatever the styles say
            return direct
        style = props.find(w("rStyle")) if props is not None else None
        styles = {"", style.get(w("val"), "") if style is not None else ""}
        styles |= {self.current[-1].style} if self.current else set()
        styles |= {t.style for t in self.tables}
        return bool(styles & self.hidden_styles)

    def assign_anchors(self) -> None:
        """Each paragraph's field: the bookmark whose first start and last end enclose some of it.

        LibreOffice may split a bookmark that crosses a table into several of the same name, some
        empty and one never closed, so a field spans from its name's first start to its last end.
        """
        spans = sorted(((first, last, name) for name, (first, last) in self.spans.items()), reverse=True)
        for p in self.paragraphs:
            if p.note:
                continue  # a note belongs to the field its number stands in (see WordReview.notes)
            begin, end = self.extent.get(p.index, (0, 0))
            p.anchor = next((name for first, last, name in spans if first <= end and last >= begin), None)

    def changes(self) -> list[WordChange]:
        """Each run of changed text, adjacent pieces of one kind and author joined (Word splits them)."""
        found = []
        for p in self.paragraphs:
            for segment in p.segments:
                if segment.kind:
                    found.append(
                        WordChange(
                            segment.kind,
                            segment.text,
                            segment.author,
                            segment.date,
                            Mark(p.index, segment.offset),
                            segment.hidden,
                        )
                    )
        return found


@dataclass
class _Table:
    """A table being read: its style, the row and cell reached, and its first row's text per column."""

    style: str
    row: int = -1
    cell: int = -1
    first_paragraph: int = 0  # the first paragraph of the cell being read
    headings: list[str] = field(default_factory=list)

    def column(self) -> str:
        return self.headings[self.cell] if 0 <= self.cell < len(self.headings) else ""


def _hidden_styles(styles) -> set[str]:
    """Ids of the styles whose run properties hide text (following `basedOn`); "" when the defaults do."""
    if styles is None:
        return set()
    own: dict[str, bool | None] = {}
    parents: dict[str, str] = {}
    for style in styles.iter(w("style")):
        sid = style.get(w("styleId"), "")
        own[sid] = _hides(style.find(w("rPr")))
        based = style.find(w("basedOn"))
        parents[sid] = based.get(w("val"), "") if based is not None else ""
    defaults = {s.get(w("styleId"), "") for s in styles.iter(w("style")) if s.get(w("default")) in ("1", "true")}
    hidden = {""} if _hides(styles.find(f"{w('docDefaults')}/{w('rPrDefault')}/{w('rPr')}")) else set()
    for sid in own:
        seen, current = set(), sid
        while current in own and current not in seen and own[current] is None:
            seen.add(current)
            current = parents.get(current, "")
        if own.get(current):
            hidden |= {sid, ""} if sid in defaults else {sid}  # "": what a run or paragraph without a style gets
    return hidden


def _hides(props) -> bool | None:
    """True when run properties hide text, False when they show it explicitly, None when they say nothing."""
    if props is None:
        return None
    found = [props.find(w(tag)) for tag in HIDING]
    if any(el is not None and el.get(w("val"), "1").lower() not in OFF for el in found):
        return True
    return False if found[0] is not None else None


def _comments(part, extended) -> list[WordComment]:
    if part is None:
        return []
    comments = []
    by_para: dict[str, WordComment] = {}
    for el in part.iter(w("comment")):
        paragraphs = el.findall(f".//{w('p')}")
        text = "\n".join("".join(t.text or "" for t in p.iter(w("t"))) for p in paragraphs).strip()
        para_id = paragraphs[-1].get(f"{{{W14}}}paraId", "") if paragraphs else ""
        comment = WordComment(
            el.get(w("id"), ""), el.get(w("author"), ""), el.get(w("date"), ""), text, para_id=para_id
        )
        comments.append(comment)
        if para_id:
            by_para[para_id] = comment
    if extended is not None:
        for ex in extended.iter(f"{{{W15}}}commentEx"):
            found = by_para.get(ex.get(f"{{{W15}}}paraId", ""))
            if found is None:
                continue
            found.done = ex.get(f"{{{W15}}}done") in ("1", "true")
            parent = by_para.get(ex.get(f"{{{W15}}}paraIdParent", ""))
            if parent is not None:
                found.parent = parent.id
    return comments
