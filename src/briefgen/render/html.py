"""HTML output: the Jinja templates and CSS that the PDF uses, also a standalone preview file.

Content is never rendered as a template: rich text is turned into escaped HTML here and
handed to Jinja as markup, and Jinja autoescapes every other value. Templates, the built-in
ones and a workspace's overrides alike, render in Jinja's sandbox with a loader that reads
only regular files inside the template and style folders; a workspace template's problem is
a content error at its line, never a crash.
"""

from __future__ import annotations

import base64
import functools
import os
import traceback
from collections.abc import Callable
from pathlib import Path, PurePath
from types import ModuleType
from typing import Any

import jinja2
from jinja2.sandbox import ImmutableSandboxedEnvironment, SecurityError
from markupsafe import Markup, escape

from briefgen.checks.fonts import fallback_stack
from briefgen.content.confine import is_absolute, resolved
from briefgen.diagnostics import Diagnostics, Location
from briefgen.document.number import labels_for
from briefgen.errors import ContentError
from briefgen.model import (
    Block,
    Callout,
    CiteRef,
    Code,
    CodeBlock,
    DefinitionList,
    DocBlock,
    Document,
    Emph,
    Figure,
    Inline,
    LineBreak,
    Link,
    ListBlock,
    NoteRef,
    Para,
    Picture,
    Quote,
    Rule,
    SmallCaps,
    Strikeout,
    Strong,
    SubHeading,
    Subscript,
    Superscript,
    Table,
    Text,
    Underline,
)
from briefgen.render import figure_fraction
from briefgen.style import HouseStyle

SAFE_SCHEMES = ("http://", "https://", "mailto:", "#")
SHORT_PARAGRAPH = 900  # characters of markup: about five lines, kept whole when it calls a footnote


def safe_href(href: str) -> str | None:
    """Links only to the web, e-mail or this document; anything else is dropped to plain text."""
    return href if href.lower().startswith(SAFE_SCHEMES) else None


def picture_src(picture: Picture, print_mode: bool) -> str:
    """Where the HTML finds a picture: its checked file for WeasyPrint, embedded data in a standalone page."""
    if print_mode:
        return picture.path.as_uri()
    return f"data:{picture.media_type};base64," + base64.b64encode(picture.path.read_bytes()).decode("ascii")


class HtmlWriter:
    """Rich text to HTML for one document, numbering notes as the reader meets them."""

    def __init__(
        self,
        doc: Document,
        print_mode: bool,
        labels: dict[str, str],
        text_block: tuple[float, float],  # points: what a figure's width is a share of
    ):
        self.doc = doc
        self.text_block = text_block
        self.print_mode = print_mode
        self.labels = labels or {}
        self.tables = 0  # Markdown tables written so far, so the PDF can name one that is too wide
        self.paragraph_notes: list[int] = []  # note numbers called in the paragraph being written

    def inlines(self, nodes: tuple[Inline, ...]) -> Markup:
        return Markup("").join(self.inline(n) for n in nodes)

    def inline(self, node: Inline) -> Markup:
        if isinstance(node, Text):
            return escape(node.text)
        if isinstance(node, Emph):
            return Markup("<em>%s</em>") % self.inlines(node.children)
        if isinstance(node, Strong):
            return Markup("<strong>%s</strong>") % self.inlines(node.children)
        if isinstance(node, SmallCaps):
            return Markup('<span class="smallcaps">%s</span>') % self.inlines(node.children)
        if isinstance(node, Superscript):
            return Markup("<sup>%s</sup>") % self.inlines(node.children)
        if isinstance(node, Subscript):
            return Markup("<sub>%s</sub>") % self.inlines(node.children)
        if isinstance(node, Strikeout):
            return Markup("<s>%s</s>") % self.inlines(node.children)
        if isinstance(node, Underline):
            return Markup("<u>%s</u>") % self.inlines(node.children)
        if isinstance(node, NoteRef):
            number = self.doc.note_numbers.get(node.uid)
            return self.note_call(number) if number else Markup("")
        if isinstance(node, Code):
            return Markup("<code>%s</code>") % node.text
        if isinstance(node, LineBreak):
            return Markup("<br>")
        if isinstance(node, Link):
            href = safe_href(node.href)
            if href is None:
                return self.inlines(node.children)
            return Markup('<a href="%s">%s</a>') % (href, self.inlines(node.children))
        if isinstance(node, CiteRef):
            return self.citation(node)
        raise TypeError(f"no HTML for {type(node).__name__}")  # a node type added to the model but not here

    def citation(self, node: CiteRef) -> Markup:
        rendered = self.doc.citations.get(node.citation.uid)
        if rendered is None:
            return Markup("")
        if rendered.note is None:
            return self.inlines(rendered.inline)
        return self.note_call(rendered.note)

    def note_call(self, number: int) -> Markup:
        """The note's number where it is called; in print, the footnote itself floats to the page foot."""
        note = self.doc.notes[number - 1]
        self.paragraph_notes.append(number)
        if self.doc.notes_mode == "footnotes":
            return Markup(
                '<a class="note-call" id="fnref-%d" href="#fn-%d">%d</a>'
                '<span class="footnote" data-note="%d" data-block="%s">%s</span>'
            ) % (number, number, number, number, note.block_id, self.note_text(note.blocks))
        return Markup('<sup class="endnote-call"><a id="fnref-%d" href="#fn-%d">%d</a></sup>') % (
            number,
            number,
            number,
        )

    def note_text(self, blocks: tuple[Block, ...]) -> Markup:
        """A note's paragraphs as inline-level markup: a footnote lives inside the paragraph that calls it."""
        parts = []
        for index, (marker, inlines) in enumerate(note_paragraphs(blocks)):
            css = "fn-para" if index else "fn-first"
            prefix = Markup("%s\u00a0") % marker if marker else ""
            parts.append(Markup('<span class="%s">%s%s</span>') % (css, prefix, self.inlines(inlines)))
        return Markup("").join(parts)

    def blocks(self, blocks: tuple[Block, ...], portion: str = "") -> Markup:
        return Markup("\n").join(self.block(b, portion) for b in blocks)

    def block(self, block: Block, portion: str = "") -> Markup:
        mark = Markup('<span class="portion">(%s)</span> ') % portion if portion else Markup("")
        if isinstance(block, Para):
            self.paragraph_notes = []
            text = self.inlines(block.inlines)
            notes = (
                Markup(' data-notes="%s"') % " ".join(map(str, self.paragraph_notes)) if self.paragraph_notes else ""
            )
            short = Markup(' class="short"') if len(text) < SHORT_PARAGRAPH else ""
            return Markup("<p%s%s>%s%s</p>") % (short, notes, mark, text)
        if isinstance(block, SubHeading):
            return Markup("<h4>%s</h4>") % self.inlines(block.inlines)
        if isinstance(block, ListBlock):
            tag = "ol" if block.ordered else "ul"
            start = (
                Markup(' start="%d" style="counter-reset: list-item %d"') % (block.start, block.start - 1)
                if block.ordered and block.start != 1
                else Markup("")
            )
            items = Markup("").join(Markup("<li>%s</li>") % self.blocks(item, portion) for item in block.items)
            return Markup("<%s%s>%s</%s>") % (Markup(tag), start, items, Markup(tag))
        if isinstance(block, Quote):
            return Markup("<blockquote>%s</blockquote>") % self.blocks(block.blocks, portion)
        if isinstance(block, CodeBlock):
            return Markup("<pre>%s</pre>") % block.text
        if isinstance(block, Rule):
            return Markup("<hr>")
        if isinstance(block, DefinitionList):
            items = Markup("").join(
                Markup("<dt>%s</dt>%s")
                % (self.inlines(term), Markup("").join(Markup("<dd>%s</dd>") % self.blocks(d) for d in definitions))
                for term, definitions in block.items
            )
            return Markup("<dl>%s</dl>") % items
        if isinstance(block, Callout):
            title = Markup('<p class="callout-title">%s</p>') % self.inlines(block.title) if block.title else ""
            return Markup('<aside class="callout callout-%s">%s%s</aside>') % (
                block.kind,
                title,
                self.blocks(block.blocks, portion),
            )
        if isinstance(block, Table):
            return self.table(block)
        if isinstance(block, Figure):
            return self.figure(block)
        raise TypeError(f"no HTML for {type(block).__name__}")

    def table(self, table: Table) -> Markup:
        """A Markdown table in the house table style; header rows repeat on every page in print."""
        widths = table.widths if any(table.widths) else ()
        cols = (
            Markup("<colgroup>%s</colgroup>")
            % Markup("").join(Markup('<col style="width: %.1f%%">') % (w * 100) for w in widths)
            if widths
            else ""
        )
        caption = ""
        if table.caption:
            label = (
                Markup('<span class="table-label">%s %d:</span> ') % (self.labels.get("table", "Table"), table.number)
                if table.number
                else ""
            )
            caption = Markup("<caption>%s%s</caption>") % (label, self.inlines(table.caption))

        def row(cells, tag: str) -> Markup:
            out = []
            column = 0
            for cell in cells:
                align = table.aligns[column] if column < len(table.aligns) else "default"
                attrs = Markup("")
                if align != "default":
                    attrs += Markup(' class="align-%s"') % align
                if cell.colspan > 1:
                    attrs += Markup(' colspan="%d"') % cell.colspan
                if cell.rowspan > 1:
                    attrs += Markup(' rowspan="%d"') % cell.rowspan
                out.append(Markup("<%s%s>%s</%s>") % (Markup(tag), attrs, self.cell(cell.blocks), Markup(tag)))
                column += cell.colspan
            return Markup("<tr>%s</tr>") % Markup("").join(out)

        head = Markup("<thead>%s</thead>") % Markup("").join(row(r, "th") for r in table.head) if table.head else ""
        body = Markup("<tbody>%s</tbody>") % Markup("").join(row(r, "td") for r in table.body)
        ident = Markup(' id="%s"') % table.id if table.id else ""
        self.tables += 1
        return Markup('<table class="md-table" data-table="%d"%s>%s%s%s%s</table>') % (
            self.tables,
            ident,
            caption,
            cols,
            head,
            body,
        )

    def figure(self, figure: Figure) -> Markup:
        """A figure at its share of the text width; the numbered caption and source line below, as wide as the text."""
        if figure.picture is None:
            raise ValueError(f"figure '{figure.src}' was not checked; its problem is reported by 'briefgen check'")
        word = self.labels.get("figure", "Figure")
        label = (
            Markup('<span class="figure-label">%s %d%s</span>%s')
            % (word, figure.number, ":" if figure.caption else "", " " if figure.caption else "")
            if figure.number
            else ""
        )
        caption = (
            Markup("<figcaption>%s%s</figcaption>") % (label, self.inlines(figure.caption))
            if (label or figure.caption)
            else ""
        )
        source = (
            Markup('<p class="figure-source">%s: %s</p>') % (self.labels.get("source", "Source"), figure.source)
            if figure.source
            else ""
        )
        ident = Markup(' id="%s"') % figure.id if figure.id else ""
        return Markup('<figure class="figure"%s><img src="%s" alt="%s" style="width: %.1f%%">%s%s</figure>') % (
            ident,
            picture_src(figure.picture, self.print_mode),
            figure.alt,
            figure_fraction(figure, *self.text_block) * 100,
            caption,
            source,
        )

    def cell(self, blocks: tuple[Block, ...]) -> Markup:
        """A cell's text: a single paragraph without its <p>, several as paragraphs."""
        if len(blocks) == 1 and isinstance(blocks[0], Para):
            self.paragraph_notes = []
            return self.inlines(blocks[0].inlines)
        return self.blocks(blocks)


def note_paragraphs(blocks: tuple[Block, ...]) -> list[tuple[str, tuple[Inline, ...]]]:
    """A note's blocks as a flat run of (list marker or "", inlines): paragraphs that fit inside a footnote."""
    out: list[tuple[str, tuple[Inline, ...]]] = []
    for block in blocks:
        if isinstance(block, Para | SubHeading):
            out.append(("", block.inlines))
        elif isinstance(block, ListBlock):
            for number, item in enumerate(block.items, start=block.start):
                inner = note_paragraphs(item) or [("", ())]
                out.append((f"{number}." if block.ordered else "\u2022", inner[0][1]))
                out.extend(inner[1:])
        elif isinstance(block, Quote):
            out.extend(note_paragraphs(block.blocks))
        elif isinstance(block, Callout):
            if block.title:
                out.append(("", (Strong(block.title),)))
            out.extend(note_paragraphs(block.blocks))
        elif isinstance(block, CodeBlock):
            out.append(("", (Code(block.text),)))
        elif isinstance(block, DefinitionList):
            for term, definitions in block.items:
                out.append(("", (Strong(term),)))
                out.extend(p for d in definitions for p in note_paragraphs(d))
        elif isinstance(block, Table):
            if block.caption:
                out.append(("", block.caption))
            for row in (*block.head, *block.body):
                cells = [tuple(i for _m, inl in note_paragraphs(c.blocks) for i in inl) for c in row]
                out.append(("", tuple(i for c in cells for i in (*c, Text(" | ")))[:-1]))
    return out


# ---------------------------------------------------------------- templates: sandboxed, confined, reported

PATH_ATTRIBUTES = frozenset({"name", "stem", "suffix"})  # what a template may learn of a path: words, no files
# Types whose attributes a template may read (the sandbox still refuses '_' names and Python's internals).
SAFE_TYPE_MODULES = frozenset({"builtins", "datetime", "markupsafe", "briefgen.model", "briefgen.diagnostics"})
SAFE_TYPE_PACKAGES = ("jinja2.",)  # loop, cycler, namespace, macros


class TemplateRefused(jinja2.TemplateNotFound):
    """A template name or file the house style may not read; `reason` says why and what to do instead."""

    def __init__(self, name: str, reason: str):
        super().__init__(name, reason)
        self.reason = reason


class ConfinedLoader(jinja2.BaseLoader):
    """Serves regular files inside its folders only: no '..', no absolute names, no link that leads out.

    The folders are searched in order (the workspace's first, then the built-in ones). A folder
    may itself be a link only to a place inside the folder that holds it (the workspace).
    """

    def __init__(self, dirs: tuple[Path, ...]):
        self.dirs = dirs
        self.label = f"{dirs[0].name}/" if dirs else "templates/"

    def locate(self, name: str) -> Path | None:
        """The file `name` stands for (None: in no folder); raises TemplateRefused for one it may not read."""
        pieces = self._pieces(name)
        for folder in self.dirs:
            candidate = folder.joinpath(*pieces)
            if not os.path.lexists(candidate):
                continue
            allowed, folder_is_out = _allowed_root(folder)
            if folder_is_out:
                raise TemplateRefused(name, folder_link_message(folder))
            real = resolved(candidate)
            if real is None or not real.is_relative_to(allowed):
                raise TemplateRefused(
                    name,
                    f"'{name}' is a link to a file outside {folder.name}/; templates may read only files inside "
                    f"{folder.name}/: copy the file there instead of linking to it",
                )
            if not real.exists() or real.is_dir():
                continue
            if not real.is_file():
                raise TemplateRefused(
                    name,
                    f"'{name}' in {folder.name}/ is not an ordinary file; templates may read only text files: "
                    "replace it with one",
                )
            return candidate
        return None

    def _pieces(self, name: str) -> list[str]:
        if is_absolute(name) or "\\" in name or "\x00" in name:
            raise TemplateRefused(
                name,
                f"'{name}' is an absolute path; templates may read only files inside {self.label}: "
                f"name the file relative to {self.label}",
            )
        pieces = [p for p in name.split("/") if p not in ("", ".")]
        if ".." in pieces:
            raise TemplateRefused(
                name,
                f"'{name}' climbs out of {self.label} with '..'; templates may read only files inside "
                f"{self.label}: move the file there and name it without '..'",
            )
        return pieces

    def get_source(self, environment: jinja2.Environment, template: str) -> tuple[str, str, Callable[[], bool]]:
        path = self.locate(template)
        if path is None:
            raise jinja2.TemplateNotFound(template)
        real = path.resolve()
        try:
            source = real.read_text(encoding="utf-8")
            mtime = real.stat().st_mtime_ns
        except UnicodeDecodeError:
            raise TemplateRefused(
                template, f"'{template}' in {path.parent.name}/ is not UTF-8 text; save it as UTF-8"
            ) from None

        def uptodate() -> bool:
            """Unchanged, and still the file the name stands for (a new workspace override replaces a built-in)."""
            try:
                return self.locate(template) == path and real.stat().st_mtime_ns == mtime
            except (OSError, TemplateRefused):
                return False

        return source, str(path), uptodate


def _allowed_root(folder: Path) -> tuple[Path, bool]:
    """Where files found through `folder` must lie, and whether the folder is a link out of its parent."""
    parent = resolved(folder.parent) or folder.parent
    real = resolved(folder)
    if real is not None and real.is_relative_to(parent):
        return real, False
    return parent / folder.name, True


def folder_link_message(folder: Path) -> str:
    return (
        f"{folder.name}/ is a link to a folder outside the workspace; templates may read only files inside the "
        f"workspace: make {folder.name}/ a real folder"
    )


class FileName(str):
    """A path as a template sees it: its name, printed and formatted as the name alone."""

    @property
    def name(self) -> str:
        return str(self)

    @property
    def stem(self) -> str:
        return PurePath(self).stem

    @property
    def suffix(self) -> str:
        return PurePath(self).suffix


def _file_name(value: Any) -> Any:
    return FileName(value.name) if isinstance(value, PurePath) else value


class HouseSandbox(ImmutableSandboxedEnvironment):
    """Jinja's sandbox, narrowed: templates read the document's values and Jinja's helpers, nothing else.

    Paths show only their name; modules, files and any other Python object are closed. The
    immutable sandbox also keeps templates from changing the lists and dicts they are given.
    """

    safe_modules: frozenset[str] = SAFE_TYPE_MODULES

    def unsafe_undefined(self, obj: Any, attribute: str) -> jinja2.Undefined:
        """Refused at once (Jinja's sandbox would hand back an undefined value that fails later, or never)."""
        raise SecurityError(f"access to attribute {attribute!r} of {type(obj).__name__!r} object is unsafe.")

    def getattr(self, obj: Any, attribute: str) -> Any:
        return _file_name(super().getattr(obj, attribute))

    def getitem(self, obj: Any, argument: Any) -> Any:
        return _file_name(super().getitem(obj, argument))

    def is_safe_attribute(self, obj: Any, attr: str, value: Any) -> bool:
        if not super().is_safe_attribute(obj, attr, value) or isinstance(obj, ModuleType):
            return False
        if isinstance(obj, PurePath | FileName):
            return attr in PATH_ATTRIBUTES
        if isinstance(value, Location):  # where files lie on this machine is not for the page
            return False
        module = type(obj).__module__
        return module in self.safe_modules or module.startswith(SAFE_TYPE_PACKAGES)


@functools.lru_cache(maxsize=8)
def _template_env(dirs: tuple[Path, ...], autoescape: bool) -> jinja2.Environment:
    """One sandboxed Jinja environment per template folder set, so templates compile once per process.

    The built-in templates render in the same sandbox as a workspace's overrides.
    """
    return HouseSandbox(
        loader=ConfinedLoader(dirs),
        autoescape=autoescape,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        auto_reload=True,  # a saved (or new) template is picked up by `serve`
    )


class TemplateError(ContentError):
    """A house-style template that cannot be used, as one diagnostic at its file and line.

    Carries its diagnostics through pickling, so a build worker process can report it too.
    """

    def __reduce__(self):
        return (type(self), (self.diagnostics, self.root))


SYNTAX_HINT = (
    "check the {% %} and {{ }} tags up to this line (every {% if %} needs an {% endif %}, every {% for %} an "
    "{% endfor %}), or delete the file to use the built-in one"
)
UNSAFE_HINT = (
    "they show the brief's values (such as {{ doc.title }}) and cannot run programs, read files or reach the "
    "network; remove this from the template"
)


def missing_message(name: str, label: str) -> str:
    kind = "styles" if label == "styles/" else "templates"
    return f"'{name}' is not in {label} or among the built-in {kind}; create {label}{name} or remove the include"


def template_problem(exc: BaseException, label: str) -> tuple[str, str]:
    """(diagnostic code, message) for what went wrong in a template."""
    if isinstance(exc, jinja2.TemplateSyntaxError):
        return "template.syntax", f"template syntax error: {(exc.message or '').rstrip('.')}; {SYNTAX_HINT}"
    if isinstance(exc, TemplateRefused):
        return "template.refused", exc.reason
    if isinstance(exc, jinja2.TemplateNotFound):
        return "template.missing", missing_message(str(exc.name or ""), label)
    if isinstance(exc, SecurityError):
        return "template.unsafe", f"templates may not do this ({str(exc).rstrip('.')}): {UNSAFE_HINT}"
    if isinstance(exc, jinja2.UndefinedError):
        return (
            "template.undefined",
            f"the template uses a value that does not exist ({exc.message}); check its spelling against the "
            "built-in template of the same name (briefgen/defaults/ in the installed package)",
        )
    return (
        "template.failed",
        f"the template failed on this line ({type(exc).__name__}: {exc}); fix the line or delete the file to use "
        "the built-in one",
    )


def workspace_root(dirs: tuple[Path, ...]) -> Path | None:
    """The workspace whose overrides come first in `dirs` (None: built-in folders only)."""
    return dirs[0].parent if len(dirs) > 1 else None


def template_failure(exc: Exception, dirs: tuple[Path, ...]) -> TemplateError | None:
    """The error to report when rendering from `dirs` failed in a workspace template (None: briefgen's own bug).

    A problem is the workspace's when the failing template, or the innermost template frame of the
    traceback, is a workspace file: its line is where the problem is reported.
    """
    root = workspace_root(dirs)
    if root is None:
        return None
    own = dirs[:-1]  # the workspace's folders: every one but the built-in last

    def is_workspace_file(filename: str | None) -> bool:
        return filename is not None and any(Path(filename).is_relative_to(d) for d in own)

    where: Location | None = None
    if isinstance(exc, jinja2.TemplateSyntaxError) and is_workspace_file(exc.filename):
        where = Location(Path(exc.filename or ""), exc.lineno or 0, 1 if exc.lineno else 0)
    else:
        frames = [f for f in traceback.extract_tb(exc.__traceback__) if is_workspace_file(f.filename)]
        if frames:
            line = frames[-1].lineno or 0
            where = Location(Path(frames[-1].filename), line, 1 if line else 0)
        elif isinstance(exc, TemplateRefused):  # the file asked for by name is refused
            where = Location(dirs[0] / exc.name) if exc.name else Location(dirs[0])
    if where is None:
        return None
    code, message = template_problem(exc, f"{dirs[0].name}/")
    diags = Diagnostics()
    diags.error(code, message, where)
    return TemplateError(diags, root)


def render_template(dirs: tuple[Path, ...], name: str, autoescape: bool, context: dict[str, Any]) -> str:
    """`name` from `dirs` rendered in the sandbox; a workspace template's problem is a TemplateError at its line."""
    try:
        return _template_env(dirs, autoescape).get_template(name).render(**context)
    except Exception as exc:
        failure = template_failure(exc, dirs)
        if failure is None:
            raise
        raise failure from None


def _css(style: HouseStyle, doc: Document) -> str:
    fonts = {
        p.stem: p.resolve().as_uri()
        for d in reversed(style.style_dirs)
        if (d / "fonts").is_dir()
        for p in (d / "fonts").glob("*.ttf")
    }
    fallback = "".join(f', "{family}"' for family in fallback_stack(style, doc.language))
    context = {"t": style.theme, "fonts": fonts, "decision": doc.audience.decision, "fallback_fonts": fallback}
    return render_template(style.style_dirs, "brief.css.j2", False, context)


def template_context(
    doc: Document, style: HouseStyle, print_mode: bool, toc: bool = False, extra_css: str = ""
) -> dict[str, Any]:
    """What the HTML template sees: the document, rich text already turned into safe markup."""
    writer = HtmlWriter(doc, print_mode, labels_for(doc.language, style.theme.get("labels")), style.text_block())
    # Written in reading order (as `cite.reading_order`), so the PDF can name a table by its place.
    bottom_line = writer.blocks(doc.bottom_line)
    content: dict[str, Markup] = {}
    mitigation: dict[str, Markup] = {}
    for section in doc.sections:
        mitigation.update({b.id: writer.blocks(b.mitigation) for b in section.blocks if b.kind == "risk"})
        content.update({b.id: writer.blocks(b.content, b.portion) for b in section.blocks})
    return {
        "doc": doc,
        "audience": doc.audience,
        "bottom_line": bottom_line,
        "content": content,
        "mitigation": mitigation,
        "notes": [(n.number, writer.note_text(n.blocks), n.block_id) for n in doc.notes],
        "bibliography": [writer.inlines(entry) for entry in doc.bibliography],
        "css": Markup(_css(style, doc) + extra_css),
        "print_mode": print_mode,
        "toc": toc,
        "authors": ", ".join(a.name for a in doc.authors),
        "date_text": long_date(doc.date),
        "long_date": long_date,
        "kind_blocks": _kind_blocks,
        "label": str.capitalize,
    }


def long_date(value) -> str:
    """'2 May 2022': the date style of the masthead and 'as of' lines."""
    return f"{value.day} {value:%B %Y}"


def _kind_blocks(blocks: tuple[DocBlock, ...], kind: str) -> list[DocBlock]:
    return [b for b in blocks if b.kind == kind]


def render_html(
    doc: Document, style: HouseStyle, print_mode: bool = False, toc: bool = False, extra_css: str = ""
) -> str:
    """The brief as one standalone HTML file (print_mode: the variant WeasyPrint paginates)."""
    context = template_context(doc, style, print_mode, toc, extra_css)
    return render_template(style.template_dirs, "brief.html.j2", True, context)
