"""The typed, immutable model: what was loaded (workspace, briefs, blocks) and what is rendered (Document).

Loaded values keep their `Location` so any later stage can point at the source. Renderers
receive only a `Document` and its rich-text nodes, never YAML.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Union

from briefgen.diagnostics import Location, code_name

# ---------------------------------------------------------------- rich text (parsed Markdown)


@dataclass(frozen=True)
class CiteItem:
    """One work inside a citation: `@key` plus its prefix, locator and suffix as written."""

    key: str
    prefix: str = ""
    suffix: str = ""
    suppress_author: bool = False
    location: Location | None = None


@dataclass(frozen=True)
class Citation:
    """A citation cluster `[see @a, ch. 2; @b]` or `@a [p. 3]`, with Pandoc's own reading of it.

    `pandoc` is the JSON of Pandoc's citation list, handed back to citeproc unchanged so
    prefixes, locators and the author-in-text mode are formatted exactly as Pandoc would.
    """

    uid: str
    raw: str
    items: tuple[CiteItem, ...]
    location: Location | None = None
    pandoc: str = field(default="[]", compare=False, repr=False)
    in_text: bool = False  # @key (author in text) rather than [@key]


@dataclass(frozen=True)
class Text:
    text: str


@dataclass(frozen=True)
class Emph:
    children: tuple[Inline, ...]


@dataclass(frozen=True)
class Strong:
    children: tuple[Inline, ...]


@dataclass(frozen=True)
class Code:
    text: str


@dataclass(frozen=True)
class Link:
    href: str
    children: tuple[Inline, ...]
    location: Location | None = field(default=None, compare=False)


@dataclass(frozen=True)
class SmallCaps:
    children: tuple[Inline, ...]


@dataclass(frozen=True)
class Superscript:
    children: tuple[Inline, ...]


@dataclass(frozen=True)
class Subscript:
    children: tuple[Inline, ...]


@dataclass(frozen=True)
class Strikeout:
    children: tuple[Inline, ...]


@dataclass(frozen=True)
class Underline:
    children: tuple[Inline, ...]


@dataclass(frozen=True)
class Quoted:
    """Text in quotation marks; the marks are chosen for the document's language when it is made."""

    double: bool
    children: tuple[Inline, ...]


@dataclass(frozen=True)
class LineBreak:
    pass


@dataclass(frozen=True)
class LangSpan:
    """Words in another language than the brief's, `[texte]{lang=fr}`: a screen reader reads them
    in that language's voice, Word checks their spelling in it, Arabic and Hebrew run right to left."""

    lang: str  # a BCP 47 tag, checked by the reader
    children: tuple[Inline, ...]


@dataclass(frozen=True)
class NoteRef:
    """An explanatory note (`[^label]` or `^[...]`) where it is called; it shares the numbering of citation notes."""

    uid: str
    blocks: tuple[Block, ...]
    location: Location | None = field(default=None, compare=False)


@dataclass(frozen=True)
class CrossRef:
    """`@tbl-x`, `@sec-x` or `@block-id`: resolved per audience into a link whose text is the target's label."""

    target: str
    suppress_prefix: bool = False  # [-@tbl-x] prints only the number
    location: Location | None = None


@dataclass(frozen=True)
class PortionMark:
    """The handling mark, such as "(C)", that starts a portion of a marked block for audiences with
    `portion_marks: true`; placed by the document stage (document/portions.py), drawn by every renderer."""

    portion: str


@dataclass(frozen=True)
class CiteRef:
    """Where a citation stands in the text; the cite stage decides what it shows."""

    citation: Citation


@dataclass(frozen=True)
class Revision:
    """Words a redline marks (`build --changes-since`): inserted since the issued version ("ins") or deleted
    from it ("del"). Only `document/redline.py` makes them; every renderer draws them as its format's revision."""

    kind: str  # ins | del
    children: tuple[Inline, ...]


Inline = Union[
    Revision,
    Text,
    Emph,
    Strong,
    Code,
    Link,
    SmallCaps,
    Superscript,
    Subscript,
    Strikeout,
    Underline,
    Quoted,
    LineBreak,
    LangSpan,
    CiteRef,
    NoteRef,
    CrossRef,
    PortionMark,
]


@dataclass(frozen=True)
class Para:
    inlines: tuple[Inline, ...]


@dataclass(frozen=True)
class ListBlock:
    ordered: bool
    items: tuple[tuple[Block, ...], ...]
    start: int = 1


@dataclass(frozen=True)
class Quote:
    blocks: tuple[Block, ...]


@dataclass(frozen=True)
class CodeBlock:
    text: str


@dataclass(frozen=True)
class SubHeading:
    inlines: tuple[Inline, ...]


@dataclass(frozen=True)
class DefinitionList:
    """Terms, each with one or more definitions (each a sequence of blocks)."""

    items: tuple[tuple[tuple[Inline, ...], tuple[tuple[Block, ...], ...]], ...]


@dataclass(frozen=True)
class Rule:
    """A horizontal rule (`---` on its own line between blank lines)."""


@dataclass(frozen=True)
class TableCell:
    blocks: tuple[Block, ...]
    rowspan: int = 1
    colspan: int = 1


@dataclass(frozen=True)
class Table:
    """A Markdown table: numbered "Table N" per audience document when it has a caption."""

    caption: tuple[Inline, ...]
    aligns: tuple[str, ...]  # per column: left, right, center or default
    widths: tuple[float, ...]  # per column, fractions of the text width; 0 means "as the content needs"
    head: tuple[tuple[TableCell, ...], ...]
    body: tuple[tuple[TableCell, ...], ...]
    id: str = ""
    number: int | None = None
    location: Location | None = None


CALLOUT_KINDS = ("note", "tip", "important", "warning", "caution")


@dataclass(frozen=True)
class Callout:
    """A Quarto callout box: `::: {.callout-important title="Key judgement"}`."""

    kind: str
    title: tuple[Inline, ...]
    blocks: tuple[Block, ...]


@dataclass(frozen=True)
class Picture:
    """The checked file a figure shows, resolved inside the workspace (see content/figures.py).

    `path` is what every format shows: a PNG, a JPEG, or an SVG cleaned of external references
    (a rendered chart is an SVG). `fallback` is the 300 dpi PNG that Word readers without SVG
    support see. `width` and `height` are the intrinsic size in CSS pixels, for the aspect ratio.
    """

    path: Path
    format: str  # png | jpeg | svg
    width: float
    height: float
    digest: str  # of what is shown: a changed picture changes the outputs that show it
    fallback: Path | None = None
    inputs: tuple[Path, ...] = ()  # the workspace files it was made from (image; chart spec and data)
    chart: bool = False  # drawn from a Vega-Lite specification: printed at its own size unless width= says
    print_path: Path | None = None  # an SVG's copy for the PDF, its right-to-left text in visual order

    @property
    def pdf_path(self) -> Path:
        """What the PDF shows: the SVG's copy with right-to-left text ordered (content/svgtext.py), else `path`."""
        return self.print_path or self.path

    @property
    def media_type(self) -> str:
        return {"png": "image/png", "jpeg": "image/jpeg", "svg": "image/svg+xml"}[self.format]


@dataclass(frozen=True)
class Figure:
    """An image alone in its paragraph: numbered "Figure N" per audience document, caption below.

    Quarto's syntax: `![caption](figures/map.svg){#fig-map width=70% fig-alt="..." source="..."}`.
    `width` is a fraction of the text width (None: not given, see render.figuresize);
    `picture` is filled in once the file is checked.
    """

    src: str
    caption: tuple[Inline, ...]
    id: str = ""
    alt: str = ""
    width: float | None = None
    source: str = ""
    number: int | None = None
    location: Location | None = None
    picture: Picture | None = None


@dataclass(frozen=True)
class LangDiv:
    """Paragraphs, lists or tables in another language than the brief's: `::: {lang=ar}` ... `:::`."""

    lang: str
    blocks: tuple[Block, ...]


@dataclass(frozen=True)
class RevisedBlocks:
    """Blocks a redline marks whole: inserted ("ins"), deleted ("del"), or the old place ("move-from") or
    new place ("move-to") of moved text. Only `document/redline.py` makes them."""

    kind: str
    blocks: tuple[Block, ...]


Block = Union[
    Para, ListBlock, Quote, CodeBlock, SubHeading, DefinitionList, Rule, Table, Callout, Figure, LangDiv, RevisedBlocks
]


@dataclass(frozen=True)
class Markdown:
    """A Markdown field: its source text, where it stands, and its parsed blocks and citations."""

    source: str
    blocks: tuple[Block, ...]
    citations: tuple[Citation, ...]
    location: Location | None = None
    locate: Any = field(default=None, compare=False, repr=False)  # (text, n) -> Location in the file
    problems: tuple[Problem, ...] = ()  # what the reader refused or could not place, for `check`


@dataclass(frozen=True)
class Problem:
    """A construct the writing language refuses, found while parsing; validation reports it."""

    level: str  # error | warning
    code: str  # given as a Code of briefgen.diagnostics.codes (or its registered name), kept as the name
    message: str
    location: Location | None = None
    subject: str = ""  # the id a cross-reference problem is about

    def __post_init__(self) -> None:
        object.__setattr__(self, "code", code_name(self.code))


# ---------------------------------------------------------------- workspace content


@dataclass(frozen=True)
class Author:
    name: str
    affiliation: str = ""


@dataclass(frozen=True)
class Section:
    id: str
    title: str
    location: Location | None = None


@dataclass(frozen=True)
class AudienceProfile:
    """Who a brief is for and what they receive; brief-level overrides are already applied."""

    id: str
    label: str
    detail: str
    sections: tuple[str, ...]
    description: str = ""
    max_pages: int | None = None
    notes: str = "footnotes"
    bibliography: bool = False
    include_tags: tuple[str, ...] = ()
    exclude_tags: tuple[str, ...] = ()
    marking: str | None = None
    decision: bool = False
    csl: str | None = None
    max_marking: str | None = None
    portion_marks: bool = False
    show_as_of: bool = False
    show_history: bool = False
    lang: str | None = None
    location: Location | None = None


@dataclass(frozen=True)
class Variant:
    title: str | None = None
    summary: Markdown | None = None
    body: Markdown | None = None


RISK_LEVELS = {"low": 1, "medium": 2, "high": 3}


@dataclass(frozen=True)
class ContentBlock:
    """One block file: text, structured fields for its kind, and who may receive it."""

    id: str
    path: Path
    section: str
    title: str
    order: float
    status: str
    kind: str
    body: Markdown
    summary: Markdown | None = None
    tags: tuple[str, ...] = ()
    audiences: tuple[str, ...] | None = None
    exclude_audiences: tuple[str, ...] = ()
    variants: dict[str, Variant] = field(default_factory=dict)
    fields: dict[str, Any] = field(default_factory=dict)
    mitigation: Markdown | None = None
    marking: str | None = None
    as_of: dt.date | None = None
    review_by: dt.date | None = None
    location: Location | None = None
    locations: dict[str, Location] = field(default_factory=dict)

    @property
    def severity(self) -> int:
        return RISK_LEVELS.get(self.fields.get("likelihood", ""), 0) * RISK_LEVELS.get(self.fields.get("impact", ""), 0)


@dataclass(frozen=True)
class Reference:
    """A bibliography entry as CSL data, with the file position of its key."""

    id: str
    csl: dict[str, Any]
    location: Location | None = None


BRIEF_RECORD = "@brief"  # how a Word build record names brief.yaml (its bottom line) beside block ids


@dataclass(frozen=True)
class Brief:
    id: str
    path: Path
    title: str
    date: dt.date
    sections: tuple[Section, ...]
    blocks: tuple[ContentBlock, ...]
    references: dict[str, Reference]
    audience_overrides: dict[str, dict[str, Any]]
    subtitle: str = ""
    version: str = ""
    organization: str = ""
    authors: tuple[Author, ...] = ()
    csl: str = "chicago-notes-bibliography"
    bottom_line: Markdown | None = None
    disclaimer: str = ""
    bibliography_files: tuple[Path, ...] = ()
    csl_location: Location | None = None
    lang: str = "en-US"

    @property
    def folder(self) -> Path:
        return self.path.parent

    def markdown_fields(self) -> Iterator[tuple[str, Markdown]]:
        """Every Markdown field of the brief with the block it belongs to ('' for brief.yaml's bottom line)."""
        if self.bottom_line:
            yield "", self.bottom_line
        for block in self.blocks:
            for text in (block.body, block.summary, block.mitigation):
                if text:
                    yield block.id, text
            for variant in block.variants.values():
                for text in (variant.summary, variant.body):
                    if text:
                        yield block.id, text


@dataclass(frozen=True)
class MarkingLevel:
    """One handling level: its banner for the page margins and its short portion mark."""

    id: str
    banner: str
    portion: str


@dataclass(frozen=True)
class SiteSettings:
    """briefgen.yaml's `site:`: what `briefgen site` publishes, under which title, at which address."""

    title: str = ""
    base_url: str = ""  # where the site will be served, for the feed's absolute links ("" : relative)
    max_marking: str | None = None  # the highest marking published; None: only the lowest level
    location: Location | None = None  # of `max_marking`'s value, or of `site:`


@dataclass(frozen=True)
class Config:
    """briefgen.yaml: workspace-wide defaults that command-line options can override."""

    default_brief: str | None = None
    output_dir: str = "dist"
    formats: tuple[str, ...] = ("pdf", "docx")
    markings: tuple[MarkingLevel, ...] = ()
    location: Location | None = None
    site: SiteSettings = SiteSettings()


@dataclass(frozen=True)
class Workspace:
    root: Path
    config: Config
    audiences: dict[str, AudienceProfile]
    briefs: dict[str, Brief]
    declared_audiences: frozenset[str] = frozenset()  # every name in audiences.yaml, valid or not


# ---------------------------------------------------------------- the document a renderer receives


@dataclass(frozen=True)
class DocBlock:
    """A block as one audience receives it: chosen text, its source kept for traceability."""

    id: str
    source: Path
    kind: str
    title: str
    content: tuple[Block, ...]
    status: str
    fields: dict[str, Any] = field(default_factory=dict)
    mitigation: tuple[Block, ...] = ()
    number: int | None = None
    portion: str = ""
    as_of: dt.date | None = None
    # Which of the block's fields `content` and `title` show ("body", "summary", "variants.press.body",
    # "title", "variants.press.title"), so a reviewer's Word comment can be traced to its YAML field.
    content_field: str = "body"
    title_field: str = "title"
    # In a redline (`build --changes-since`): "ins", "del", "move-from" or "move-to" when the whole block
    # is, and the block as issued when it is revised (its heading and fields are drawn against it).
    change: str = ""
    was: DocBlock | None = None

    @property
    def anchor(self) -> str:
        """Where links to the block lead: `block-<id>`; in a redline, a deleted block or the old place of a
        moved one is `block-<id>-was`, so the id stays unique."""
        return f"block-{self.id}-was" if self.change in ("del", "move-from") else f"block-{self.id}"

    def marked(self, text: str) -> str:
        """`text` with the block's portion mark before it, for cells and lines drawn as plain text
        (a register row's title, a recommendation's action): "(C) text", or `text` unmarked."""
        return f"({self.portion}) {text}" if self.portion else text


@dataclass(frozen=True)
class DocSection:
    id: str
    title: str
    blocks: tuple[DocBlock, ...]
    change: str = ""  # in a redline: "ins" or "del" when the section was added or removed
    title_was: str | None = None  # in a redline: the title as issued, when it changed


@dataclass(frozen=True)
class RenderedCitation:
    """What a citation shows: a note number (note styles), in-text words, both, or nothing.

    An author-in-text citation under a notes style shows both, as Pandoc does: the author's name
    in the sentence, then the call of the note holding the rest. `punctuation` is the mark that
    followed it in the text (".", ";"), printed between the name and the call.
    """

    note: int | None = None
    inline: tuple[Inline, ...] = ()
    punctuation: str = ""


@dataclass(frozen=True)
class Note:
    """A numbered footnote or endnote: a citation's note or an explanatory note, in reading order."""

    number: int
    blocks: tuple[Block, ...]
    block_id: str = ""
    citation: str = ""  # a citation's note: the citation as written (`[@key, p. 3]`); '' for a note the text wrote
    change: str = ""  # in a redline: "ins" or "del" when its call was inserted or deleted
    # In a redline: the note's number in the issued version and now (None where it is not there), so a
    # format that prints note numbers as text (endnotes) shows a renumbered call as a change of number.
    numbers: tuple[int | None, int | None] | None = None


@dataclass(frozen=True)
class Document:
    """Everything one (brief, audience) output shows, in reading order."""

    brief_id: str
    audience: AudienceProfile
    title: str
    subtitle: str
    date: dt.date
    version: str
    organization: str
    authors: tuple[Author, ...]
    sections: tuple[DocSection, ...]
    draft: bool = False
    bottom_line: tuple[Block, ...] = ()
    disclaimer: str = ""
    csl: str = "chicago-notes-bibliography"
    citations: dict[str, RenderedCitation] = field(default_factory=dict)
    notes: tuple[Note, ...] = ()
    note_numbers: dict[str, int] = field(default_factory=dict)  # explanatory note uid -> its number
    bibliography: tuple[tuple[Inline, ...], ...] = ()
    language: str = "en-US"
    banner: str | None = None
    timestamp: dt.datetime | None = None  # stamped into PDF and Word metadata (reproducible builds)
    references: tuple[dict[str, Any], ...] = ()  # CSL data of the works this document cites
    style_file: Path | None = None  # the CSL file used, for exports that format citations themselves
    history: tuple[tuple[str, str, str], ...] = ()  # issued versions (version, date, note), for show_history
    # A redline's first part: its heading ("Changes since version 1.0 of 3 March 2026") and what changed.
    changes_heading: str = ""
    changes: tuple[Block, ...] = ()

    @property
    def blocks(self) -> list[DocBlock]:
        return [b for s in self.sections for b in s.blocks]

    @property
    def recommendations(self) -> list[DocBlock]:
        return [b for b in self.blocks if b.kind == "recommendation"]

    @property
    def notes_mode(self) -> str:
        return self.audience.notes
