"""The typed, immutable model: what was loaded (workspace, briefs, blocks) and what is rendered (Document).

Loaded values keep their `Location` so any later stage can point at the source. Renderers
receive only a `Document` and its rich-text nodes, never YAML.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Union

from briefgen.diagnostics import Location

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
    """A bracketed citation cluster `[see @a, ch. 2; @b]`, kept verbatim for the CSL engine."""

    uid: str
    raw: str
    items: tuple[CiteItem, ...]
    location: Location | None = None


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


@dataclass(frozen=True)
class SmallCaps:
    children: tuple[Inline, ...]


@dataclass(frozen=True)
class Superscript:
    children: tuple[Inline, ...]


@dataclass(frozen=True)
class LineBreak:
    pass


@dataclass(frozen=True)
class CiteRef:
    """Where a citation stands in the text; the cite stage decides what it shows."""

    citation: Citation


Inline = Union[Text, Emph, Strong, Code, Link, SmallCaps, Superscript, LineBreak, CiteRef]


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


Block = Union[Para, ListBlock, Quote, CodeBlock, SubHeading]


@dataclass(frozen=True)
class Markdown:
    """A Markdown field: its source text, where it stands, and its parsed blocks and citations."""

    source: str
    blocks: tuple[Block, ...]
    citations: tuple[Citation, ...]
    location: Location | None = None
    locate: Any = field(default=None, compare=False, repr=False)  # (text, n) -> Location in the file


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

    @property
    def folder(self) -> Path:
        return self.path.parent


@dataclass(frozen=True)
class MarkingLevel:
    """One handling level: its banner for the page margins and its short portion mark."""

    id: str
    banner: str
    portion: str


@dataclass(frozen=True)
class Config:
    """briefgen.yaml: workspace-wide defaults that command-line options can override."""

    default_brief: str | None = None
    output_dir: str = "dist"
    formats: tuple[str, ...] = ("pdf", "docx")
    markings: tuple[MarkingLevel, ...] = ()
    location: Location | None = None


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


@dataclass(frozen=True)
class DocSection:
    id: str
    title: str
    blocks: tuple[DocBlock, ...]


@dataclass(frozen=True)
class RenderedCitation:
    """What a citation shows: a note number (note styles), in-text words, or nothing."""

    note: int | None = None
    inline: tuple[Inline, ...] = ()


@dataclass(frozen=True)
class Note:
    number: int
    inlines: tuple[Inline, ...]
    block_id: str = ""


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
    bibliography: tuple[tuple[Inline, ...], ...] = ()
    language: str = "en"
    banner: str | None = None
    timestamp: dt.datetime | None = None  # stamped into PDF and Word metadata (reproducible builds)
    references: tuple[dict[str, Any], ...] = ()  # CSL data of the works this document cites
    style_file: Path | None = None  # the CSL file used, for exports that format citations themselves

    @property
    def blocks(self) -> list[DocBlock]:
        return [b for s in self.sections for b in s.blocks]

    @property
    def recommendations(self) -> list[DocBlock]:
        return [b for b in self.blocks if b.kind == "recommendation"]

    @property
    def notes_mode(self) -> str:
        return self.audience.notes
