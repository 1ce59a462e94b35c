"""Every diagnostic code briefgen reports: its name, its severity, what it means and how to fix it.

A report line ends in the code's name, `[budget.pages]`; `briefgen explain budget.pages` prints
its entry and docs/diagnostics.md lists them all (`make diagnostics` writes it from this module).
Code raises a problem with the constant, never the name as a string:

    diags.warning(codes.BUDGET_PAGES, message, location)

Summaries and fixes are read by analysts who edit YAML, not by programmers: plain words, the keys
they write, no Python. The severity is the one the code is reported with (where a code is reported
with two, the usual one, and the summary says when it is the other).

A `Code` is also a `str` equal to its name, so code written before the registry (`code: str`
parameters, `d.code == "budget.pages"`) keeps working while it is converted to the constants.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from briefgen.diagnostics import Severity

ERROR, WARNING, NOTE = Severity.ERROR, Severity.WARNING, Severity.NOTE

_NAME = re.compile(r"^[a-z][a-z_]*(\.[a-z][A-Za-z0-9]*(-[a-z0-9]+)*)?$")
_DECLARED: list[Code] = []


@dataclass(frozen=True, eq=False)  # equal to, and hashed as, its name: a str
class Code(str):
    """One diagnostic code: `name` as reports print it (`group.what`), its severity, summary and fix."""

    name: str
    severity: Severity
    summary: str
    fix: str

    def __new__(cls, name: str, *_args: Any, **_kwargs: Any) -> Code:
        return super().__new__(cls, name)

    def __post_init__(self) -> None:
        if not _NAME.match(self.name):
            raise ValueError(f"diagnostic code {self.name!r}: a name is 'group.what' in lower case, words joined by -")
        for part in (self.summary, self.fix):
            if not part or "\n" in part or not part.endswith("."):
                raise ValueError(f"diagnostic code {self.name!r}: summary and fix are one sentence or more, each")
        _DECLARED.append(self)

    def __reduce__(self) -> tuple[Any, tuple[str]]:
        """Pickled and copied as its name, so a worker process gets the registry's own object."""
        return _registered, (self.name,)

    @property
    def group(self) -> str:
        """What the code is about: the part of its name before the first dot."""
        return self.name.split(".", 1)[0]


def constant_name(name: str) -> str:
    """The constant that holds a code: "budget.pages" -> BUDGET_PAGES, "schema.maxLength" -> SCHEMA_MAX_LENGTH."""
    return re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", name).replace(".", "_").replace("-", "_").upper()


# What each group of codes is about, as docs/diagnostics.md titles its section.
GROUPS: dict[str, str] = {
    "accessibility": "Built outputs checked for readers who use assistive technology (check --accessibility)",
    "audience": "One audience of a brief",
    "audiences": "audiences.yaml, the audience profiles",
    "bib": "The bibliography (references.yaml, .json or .bib)",
    "block": "Content blocks",
    "brief": "brief.yaml",
    "budget": "Page budgets",
    "chart": "Charts (Vega-Lite specifications)",
    "cite": "Citations and the citation style",
    "command": "The command line itself: options, and briefgen's own failures",
    "config": "briefgen.yaml, the workspace settings",
    "figure": "Figures and picture files",
    "file": "Reading a file",
    "font": "Fonts",
    "id": "Ids that become file names",
    "link": "Links",
    "markdown": "The writing language (Markdown in body, summary and other text fields)",
    "marking": "Handling markings",
    "note": "Explanatory notes",
    "parity": "PDF and Word compared (check --parity)",
    "path": "Files outside the workspace",
    "release": "Recording an issued version (release)",
    "render": "Laying out the PDF",
    "review": "Writing a reviewed Word file back (review --apply)",
    "schema": "The keys and values a YAML file may have",
    "style": "The house style (styles/theme.yaml)",
    "template": "Templates of the house style (templates/, styles/)",
    "text": "Text values",
    "xref": "Cross-references to tables, figures, sections and blocks",
    "yaml": "YAML syntax",
}

# ---------------------------------------------------------------- accessibility

ACCESSIBILITY_HTML = Code(
    "accessibility.html",
    ERROR,
    "An HTML output breaks a WCAG 2.2 rule that axe-core or briefgen checks: serious and critical "
    "findings are errors, minor and moderate ones warnings.",
    "Where the message names a block, fix its text (a link that says where it goes, a language tag, "
    "a picture's alt text); a colour comes from styles/theme.yaml; otherwise report it as a bug in briefgen.",
)
ACCESSIBILITY_NO_BROWSER = Code(
    "accessibility.no-browser",
    WARNING,
    "axe-core could not check the HTML outputs (it needs Playwright and a Chromium), so only the "
    "checks that need no browser ran on them.",
    "Install them as the message says: pip install 'briefgen[accessibility]' and Debian's chromium "
    "(or 'playwright install chromium').",
)
ACCESSIBILITY_NOT_BUILT = Code(
    "accessibility.not-built",
    ERROR,
    "check --accessibility found no PDF, Word or HTML output of the brief it was asked to check (or of "
    "any brief) in the output folder.",
    "Build the brief first (briefgen build BRIEF -f pdf -f docx -f html); if it was built with -o DIR, "
    "give the same DIR with --out.",
)
ACCESSIBILITY_PDF = Code(
    "accessibility.pdf",
    ERROR,
    "A PDF output breaks a rule of PDF/UA-1 (the Matterhorn protocol's condition is named): a screen "
    "reader would miss, repeat or misread part of it.",
    "Fix what the message names if it is your text (alternative text, a language tag); anything "
    "else is a bug in briefgen: report it with the message.",
)
ACCESSIBILITY_STALE = Code(
    "accessibility.stale",
    WARNING,
    "check --accessibility read outputs built before some of their block files changed, so what it "
    "found may be in text that is no longer there.",
    "Build the brief again, then run the check.",
)
ACCESSIBILITY_WORD = Code(
    "accessibility.word",
    ERROR,
    "A Word output breaks a rule of Word's Accessibility Checker: a picture without alternative text, "
    "a table without a header row, text too faint for its background (errors), or a picture not in "
    "line with the text, a heading that skips a level (warnings).",
    "Where the message names a block, fix it there (alt text, a table's header row, heading levels); "
    "a colour comes from styles/theme.yaml; otherwise report it as a bug in briefgen.",
)

# ---------------------------------------------------------------- audience, audiences

AUDIENCE_NO_BLOCKS = Code(
    "audience.no-blocks",
    WARNING,
    "An audience receives no block of the brief, so its outputs would hold only the masthead.",
    "Follow the message: it names why each block is left out (status, audiences, tags, marking); "
    "'briefgen list --why' shows the rule for every block.",
)
AUDIENCE_UNKNOWN_SECTION = Code(
    "audience.unknown-section",
    WARNING,
    "An audience lists a section the brief does not define, so that section is skipped for it "
    "(a note only, when another brief defines the section).",
    "Fix the section name in the audience's sections (audiences.yaml, or audiences: in brief.yaml), "
    "or add the section to the brief.",
)
AUDIENCES_EMPTY = Code(
    "audiences.empty",
    ERROR,
    "audiences.yaml defines no audience.",
    "Add at least one audience profile to audiences.yaml.",
)
AUDIENCES_MISSING = Code(
    "audiences.missing",
    ERROR,
    "The workspace has no audiences.yaml.",
    "Create audiences.yaml next to briefgen.yaml, with at least one audience profile.",
)

# ---------------------------------------------------------------- bib

BIB_DATE = Code(
    "bib.date",
    ERROR,
    "A date in the bibliography is not a real date.",
    "Write it as 2016-11-25, or as date-parts: [[2016, 11, 25]] with a month from 1 to 12 (13 to 24 for seasons).",
)
BIB_DUPLICATE_KEY = Code(
    "bib.duplicate-key",
    ERROR,
    "Two references in the bibliography have the same key (id).",
    "Give each reference its own id; keys are case-sensitive.",
)
BIB_FORMAT = Code(
    "bib.format",
    ERROR,
    "The bibliography file is of a kind briefgen cannot read.",
    "Use a .yaml (CSL YAML), .json (CSL JSON) or .bib file.",
)
BIB_ID = Code(
    "bib.id",
    ERROR,
    "A reference in the bibliography has no id, the key you cite it with.",
    "Add an 'id:' line to the reference (\"id\" in CSL JSON).",
)
BIB_MISSING = Code(
    "bib.missing",
    ERROR,
    "The bibliography file named in brief.yaml does not exist, or no file is named.",
    "Fix the path, relative to the brief's folder, for example references.yaml.",
)
BIB_NAMES = Code(
    "bib.names",
    ERROR,
    "An author or editor list in the bibliography is not a list of names.",
    "Write each name with 'family:' and 'given:' (or 'literal:' for an organisation), "
    "for example '- family: Dominguez'.",
)
BIB_SHAPE = Code(
    "bib.shape",
    ERROR,
    "The bibliography file does not hold a list of references.",
    "Put the entries under a 'references:' list (CSL YAML), or make the file a list of entries (CSL JSON).",
)
BIB_SYNTAX = Code(
    "bib.syntax",
    ERROR,
    "The bibliography file (JSON or BibTeX) cannot be read: a syntax error.",
    "Fix the file at the place the message names, or export it again from your reference manager.",
)

# ---------------------------------------------------------------- block

BLOCK_DUPLICATE_ID = Code(
    "block.duplicate-id",
    ERROR,
    "Two blocks of a brief have the same id.",
    "Give one of them a different id: rename its file, or change its 'id:' line.",
)
BLOCK_FIELD_KIND = Code(
    "block.field-kind",
    ERROR,
    "A block has a field that belongs to another kind of block (such as 'likelihood:' on a prose block).",
    "Set the block's 'kind:' to the kind the field belongs to, or remove the field.",
)
BLOCK_FILE_NAME = Code(
    "block.file-name",
    ERROR,
    "A block file's name cannot serve as the block's id.",
    "Rename the file with lower-case letters, digits and '-' (for example my-block.yaml), or add an 'id:' line.",
)
BLOCK_MISSING_FIELD = Code(
    "block.missing-field",
    ERROR,
    "A block lacks a field its kind needs (a risk block needs 'likelihood:', for example).",
    "Add the field the message names.",
)
BLOCK_NO_AUDIENCE = Code(
    "block.no-audience",
    WARNING,
    "A block's audiences list is empty, so no audience reads it.",
    "Name the audiences that should read it, or delete the 'audiences:' line to send it to every audience.",
)
BLOCK_NO_SUMMARY = Code(
    "block.no-summary",
    WARNING,
    "A block has no summary, so audiences that read summaries get its whole body.",
    "Add a 'summary:' to the block.",
)
BLOCK_PLAIN_MARKUP = Code(
    "block.plain-markup",
    WARNING,
    "A plain-text field (a title, an action, an owner...) holds Markdown markup, which would be printed as typed.",
    "Write the field without markup; formatting, links, citations and languages belong in the body.",
)
BLOCK_SHAPE = Code(
    "block.shape",
    ERROR,
    "A block file is not a set of keys such as section:, title: and body:.",
    "Rewrite the file as keys and values; 'briefgen new block' writes a starting point.",
)
BLOCK_STALE = Code(
    "block.stale",
    WARNING,
    "A block's review_by date has passed.",
    "Check the block's facts, then update 'as_of' and 'review_by'.",
)
BLOCK_TAG_TYPO = Code(
    "block.tag-typo",
    WARNING,
    "A block's tag and an audience's tag differ by a letter or two; a misspelt tag can send a block to the wrong "
    "audience.",
    "Correct whichever of the two tags is misspelt.",
)
BLOCK_UNKNOWN_AUDIENCE = Code(
    "block.unknown-audience",
    ERROR,
    "A block names an audience (in audiences, exclude_audiences or variants) that has no profile.",
    "Fix the audience's name, or add its profile to audiences.yaml.",
)
BLOCK_UNKNOWN_SECTION = Code(
    "block.unknown-section",
    ERROR,
    "A block's section is not one of the sections brief.yaml defines.",
    "Use one of the sections the message lists, or add the section to brief.yaml.",
)

# ---------------------------------------------------------------- brief

BRIEF_DUPLICATE_SECTION = Code(
    "brief.duplicate-section",
    ERROR,
    "brief.yaml defines the same section twice.",
    "Rename or remove one of the two sections.",
)
BRIEF_UNKNOWN_AUDIENCE = Code(
    "brief.unknown-audience",
    ERROR,
    "brief.yaml adjusts an audience that has no profile in audiences.yaml.",
    "Fix the audience's name under audiences: in brief.yaml, or add its profile to audiences.yaml.",
)
BRIEF_UNREAD_SECTION = Code(
    "brief.unread-section",
    WARNING,
    "A section of the brief is in no audience's sections, so no output shows its blocks.",
    "Add the section to the sections of the audiences that should read it (audiences.yaml, or audiences: in "
    "brief.yaml).",
)

# ---------------------------------------------------------------- budget

BUDGET_PAGES = Code(
    "budget.pages",
    WARNING,
    "An audience's PDF runs to more pages than its page budget (max_pages).",
    "Shorten the longest blocks the message names, or raise the audience's max_pages.",
)

# ---------------------------------------------------------------- chart

CHART_SPEC = Code(
    "chart.spec",
    ERROR,
    "A chart specification cannot be drawn: a key, mark, channel, field or data file is wrong.",
    "Follow the message; it names the part to change. The README has an example chart.",
)
CHART_NOT_INSTALLED = Code(
    "chart.not-installed",
    ERROR,
    "A brief shows a chart, but briefgen's charts extra, which draws charts, is not installed.",
    "Install it with pip install 'briefgen[charts]' and build again, or show a picture (PNG or SVG) instead.",
)
CHART_VEGA_LITE = Code(
    "chart.vega-lite",
    WARNING,
    "Vega-Lite, which draws the charts, warned about a chart.",
    "Read Vega-Lite's words in the message and adjust the chart specification.",
)

# ---------------------------------------------------------------- cite

CITE_INCOMPLETE = Code(
    "cite.incomplete",
    WARNING,
    "A reference lacks details that citation styles print for its type (author, publisher, date...).",
    "Add what the source gives; never invent it.",
)
CITE_MISSING = Code(
    "cite.missing",
    ERROR,
    "A citation names a key that is not in the bibliography (and is not a block's id).",
    "Add the work to the bibliography, or fix the key (the message suggests the nearest one).",
)
CITE_STYLE = Code(
    "cite.style",
    ERROR,
    "The citation style (csl:) names no known style, or its .csl file is missing or not a CSL style.",
    "Use a style id such as 'chicago-author-date' or 'apa', or a path to a valid .csl file inside the workspace.",
)
CITE_SYNTAX = Code(
    "cite.syntax",
    ERROR,
    "Text looks like a citation but is malformed.",
    "Write [@key], [@key, p. 12] or [see @a; @b]: every part separated by ';' needs its own @key.",
)
CITE_UNUSED = Code(
    "cite.unused",
    WARNING,
    "A reference in the bibliography is never cited.",
    "Cite it, or remove it from the bibliography.",
)

# ---------------------------------------------------------------- command

COMMAND_INTERNAL = Code(
    "command.internal",
    ERROR,
    "briefgen itself failed: a bug in briefgen, not a problem of the workspace. The traceback is on standard error.",
    "Report it with the traceback and the command that was run; 'briefgen --version' gives the versions to name.",
)
COMMAND_USAGE = Code(
    "command.usage",
    ERROR,
    "The command line asked for something briefgen cannot do: an unknown option, brief or audience, or two "
    "options that do not go together. The command exits 2.",
    "Read the message, then 'briefgen COMMAND --help' for the command's options and examples.",
)

# ---------------------------------------------------------------- config

CONFIG_DEFAULT_BRIEF = Code(
    "config.default-brief",
    ERROR,
    "briefgen.yaml's default_brief names no brief of the workspace.",
    "Write the name of a folder under briefs/ that holds a brief.yaml.",
)
CONFIG_OUTPUT_DIR = Code(
    "config.output-dir",
    ERROR,
    "briefgen.yaml's output_dir lies outside the workspace.",
    "Give a folder inside the workspace; to write elsewhere for one build, use 'briefgen build -o FOLDER'.",
)

# ---------------------------------------------------------------- figure

FIGURE_ALT = Code(
    "figure.alt",
    WARNING,
    "A figure has no fig-alt text, so readers who cannot see it learn nothing from it.",
    'Describe what it shows in fig-alt="..." inside the braces after the image.',
)
FIGURE_ATTRIBUTE = Code(
    "figure.attribute",
    WARNING,
    "A figure has an attribute briefgen does not use (not to be confused with figure.attributes).",
    "Use only #fig-id, width=, fig-alt= and source=; the caption goes between the square brackets.",
)
FIGURE_ATTRIBUTES = Code(
    "figure.attributes",
    ERROR,
    "A figure's attributes {...} stand apart from its image, so none of them is read.",
    "Write them right after the image's closing ')', without a space: ![caption](file.png){#fig-id width=70%}.",
)
FIGURE_CAPTION = Code(
    "figure.caption",
    WARNING,
    "A figure has no caption.",
    "Write one between its square brackets: ![What it shows](file.png).",
)
FIGURE_CONVERTED = Code(
    "figure.converted",
    WARNING,
    "A JPEG picture is not in RGB colours (CMYK, for example), so it is converted and its colours may shift.",
    "Export the picture as RGB to control its colours.",
)
FIGURE_FILE = Code(
    "figure.file",
    ERROR,
    "A picture file cannot be read or used (damaged, too large, or of a kind briefgen does not print).",
    "Follow the message: save or export the picture again, or use a PNG, JPEG or SVG file.",
)
FIGURE_INLINE = Code(
    "figure.inline",
    ERROR,
    "An image stands inside a sentence or a link, where it cannot be printed.",
    "Put the image in a paragraph of its own, with a blank line before and after, to make it a figure.",
)
FIGURE_PATH = Code(
    "figure.path",
    ERROR,
    "A figure names no file, a file that does not exist, or a file briefgen may not read.",
    "Fix the path between the parentheses: a picture in the brief's folder (for example figures/map.png) or in the "
    "workspace's assets/ folder; builds never fetch pictures from the web.",
)
FIGURE_PLACEMENT = Code(
    "figure.placement",
    ERROR,
    "A figure stands inside a list, a quote or a table, where it cannot be placed.",
    "Move the figure to a paragraph of its own.",
)
FIGURE_SOURCE = Code(
    "figure.source",
    ERROR,
    "A figure's source= holds a citation, which would be printed as written.",
    "Cite in the caption instead: ![What it shows [@key]](file.png).",
)
FIGURE_SVG_EXTERNAL = Code(
    "figure.svg-external",
    WARNING,
    "Part of an SVG picture was removed because it would load something from outside the picture or run code.",
    "Export the picture again without links to other files, scripts or web addresses.",
)
FIGURE_UNUSABLE = Code(
    "figure.unusable",
    ERROR,
    "A figure uses a picture that was already reported as unusable.",
    "Fix the picture as the earlier error says; this figure then works too.",
)
FIGURE_WIDTH = Code(
    "figure.width",
    ERROR,
    "A figure's width is not a percentage (a warning only, when it is a percentage outside 1% to 100%).",
    "Write the width as a share of the text width between 1% and 100%, for example width=70%.",
)

# ---------------------------------------------------------------- file

FILE_ENCODING = Code(
    "file.encoding",
    ERROR,
    "A file is not UTF-8 text.",
    "Save it as UTF-8 in your editor.",
)
FILE_TOO_LARGE = Code(
    "file.too-large",
    ERROR,
    "A file is larger than briefgen reads.",
    "Split it into smaller files.",
)
FILE_UNREADABLE = Code(
    "file.unreadable",
    ERROR,
    "A file cannot be read: it is missing, not permitted, or not a plain file.",
    "Check the file exists and can be read; replace a pipe, device or socket with a real file.",
)

# ---------------------------------------------------------------- font

FONT_MISSING_GLYPH = Code(
    "font.missing-glyph",
    WARNING,
    "Some characters have no glyph in the house font or its fallback fonts, so they would print as boxes.",
    "Install a font that has them (fonts-noto-cjk for Chinese, Japanese and Korean; fonts-noto-core or "
    "fonts-noto-extra for other scripts) and list it under fonts.fallback in styles/theme.yaml.",
)

# ---------------------------------------------------------------- id

ID_UNSAFE = Code(
    "id.unsafe",
    ERROR,
    "A brief's or audience's name cannot be used, because it becomes a file name.",
    "Use lower-case letters, digits, '-' and '_', and not a reserved device name such as 'con'.",
)

# ---------------------------------------------------------------- link

LINK_EMPTY = Code(
    "link.empty",
    ERROR,
    "A link has no words between its brackets, so the PDF and Word file show nothing and a screen "
    "reader has no name to read for it.",
    "Write what the link leads to between the brackets: [the ministry's statement](https://...).",
)
LINK_SCHEME = Code(
    "link.scheme",
    ERROR,
    "A link goes to an address a brief may not link to, or to an incomplete address.",
    "Link only to full web addresses (starting with https://), mailto: or #anchors in the brief.",
)

# ---------------------------------------------------------------- markdown

MARKDOWN_ATTRIBUTES = Code(
    "markdown.attributes",
    ERROR,
    "Attributes in braces {...} belong to nothing and would be printed.",
    "Put them right after a table caption (': Caption {#tbl-id}') or a span ('[text]{.smallcaps}', "
    "'[texte]{lang=fr}'), with '=' and no space before the '{'.",
)
MARKDOWN_CALLOUT = Code(
    "markdown.callout",
    ERROR,
    "A box (callout) has an unknown kind.",
    "Use .callout-note, .callout-tip, .callout-important, .callout-warning or .callout-caution.",
)
MARKDOWN_DIV = Code(
    "markdown.div",
    ERROR,
    "A ':::' block is not a box the writing language knows.",
    "For a boxed text write '::: {.callout-note title=\"...\"}' (note, tip, important, warning or caution); "
    "for text in another language '::: {lang=fr}'.",
)
MARKDOWN_FENCE = Code(
    "markdown.fence",
    ERROR,
    "A ':::' box is never closed, or a ':::' line stands alone.",
    "Start a box with '::: {.callout-note}' and end it with ':::', each on a line of its own after a blank line.",
)
MARKDOWN_GRID_TABLE = Code(
    "markdown.grid-table",
    ERROR,
    "A grid table (drawn with + and |) did not come out as a table.",
    "Put every row's '|' and '+' in exactly the columns of the border lines above and below it.",
)
MARKDOWN_LINE_BLOCK = Code(
    "markdown.line-block",
    ERROR,
    "Lines starting with '| ' (a line block) are not part of the writing language.",
    "End a line with a backslash for a line break, or remove the '|'.",
)
MARKDOWN_LIST_STYLE = Code(
    "markdown.list-style",
    WARNING,
    "A list numbered with letters or roman numerals is printed with 1, 2, 3 in every format.",
    "Number the items 1., 2., 3., or use a bulleted list.",
)
MARKDOWN_MATH = Code(
    "markdown.math",
    ERROR,
    "Math between dollar signs is not part of the writing language.",
    "Write it in words, or with ^superscript^ and ~subscript~; write '\\$' for a dollar sign.",
)
MARKDOWN_NESTING = Code(
    "markdown.nesting",
    ERROR,
    "Lists, quotes and boxes are nested deeper than a page can print.",
    "Flatten the structure: fewer levels of indentation or '>'.",
)
MARKDOWN_RAW_HTML = Code(
    "markdown.raw-html",
    ERROR,
    "Raw HTML is not part of the writing language.",
    "Use Markdown instead (*italic*, **bold**, [text]{.underline}, ^superscript^), or write '\\<' for a '<'.",
)
MARKDOWN_RAW_TEX = Code(
    "markdown.raw-tex",
    ERROR,
    "Raw LaTeX (or another format's raw code) is not part of the writing language.",
    "Use Markdown instead, or write '\\\\' for a backslash.",
)
MARKDOWN_LANG = Code(
    "markdown.lang",
    ERROR,
    "A language given to a span or a ':::' block is not a BCP 47 tag.",
    "Write the language as a BCP 47 tag, such as [texte]{lang=fr}, [北方領土]{lang=ja} or ::: {lang=ar}.",
)
MARKDOWN_SPAN = Code(
    "markdown.span",
    ERROR,
    "A span has an attribute the writing language does not know.",
    "Use [text]{.smallcaps}, [text]{.underline} or [text]{lang=fr}.",
)
MARKDOWN_TABLE = Code(
    "markdown.table",
    ERROR,
    "A line looks like a table row but is not part of a table.",
    "Give the table a blank line before it, a header row and a separator row such as |---|---|, and no blank "
    "line inside.",
)
MARKDOWN_TABLE_CELLS = Code(
    "markdown.table-cells",
    ERROR,
    "A table row has more cells than the separator row under the header, so the last cells would be lost.",
    "Give the separator row one '---' per column.",
)
MARKDOWN_UNKNOWN = Code(
    "markdown.unknown",
    ERROR,
    "Pandoc read something here that a brief cannot show.",
    "Rewrite it as plain text.",
)
MARKDOWN_UNREADABLE = Code(
    "markdown.unreadable",
    ERROR,
    "Pandoc could not read the text of a field.",
    "Simplify the text at the place the message names.",
)
MARKDOWN_UNUSED_LINK = Code(
    "markdown.unused-link",
    WARNING,
    "A link definition '[label]: address' is used by no link, so nothing of it is printed.",
    "Write [your words][label] where the link belongs, or delete the definition.",
)

# ---------------------------------------------------------------- marking

MARKING_IGNORED = Code(
    "marking.ignored",
    WARNING,
    "An audience sets 'marking:', but briefgen.yaml defines markings, so the banner follows the blocks' own "
    "markings instead.",
    "Remove the audience's 'marking:', or remove the markings from briefgen.yaml.",
)
MARKING_UNDEFINED = Code(
    "marking.undefined",
    ERROR,
    "A block or audience sets a marking, but briefgen.yaml defines no markings.",
    "Add a 'markings:' list to briefgen.yaml, or remove the field.",
)
MARKING_UNKNOWN = Code(
    "marking.unknown",
    ERROR,
    "A marking is not one of the markings briefgen.yaml defines.",
    "Use one of the markings the message lists (it suggests the nearest one).",
)
MARKING_WITHHELD = Code(
    "marking.withheld",
    NOTE,
    "For information: an audience's max_marking keeps some blocks from it.",
    "Nothing to do if that is intended; otherwise raise the audience's max_marking or lower the blocks' marking.",
)

# ---------------------------------------------------------------- note

NOTE_DROPPED = Code(
    "note.dropped",
    WARNING,
    "An audience has 'notes: none', so an explanatory note is not printed for it.",
    "Move the note's text into the paragraph, or give that audience a variant of the block.",
)
NOTE_NESTED = Code(
    "note.nested",
    ERROR,
    "A note stands inside another note, which cannot be printed.",
    "Put its text in the outer note, in brackets.",
)
NOTE_UNCLOSED = Code(
    "note.unclosed",
    ERROR,
    "An inline note ^[...] is not closed.",
    "End the note's text with ']'.",
)
NOTE_UNDEFINED = Code(
    "note.undefined",
    ERROR,
    "A note is called with [^label] but has no definition Pandoc can read.",
    "Add '[^label]: the note text' on a line of its own, after a blank line, in the same field, or write the "
    "note inline as ^[the note text].",
)
NOTE_UNUSED = Code(
    "note.unused",
    WARNING,
    "A note is defined with '[^label]: ...' but never called.",
    "Write [^label] where the note belongs, or delete the definition.",
)

# ---------------------------------------------------------------- parity

PARITY = Code(
    "parity",
    ERROR,
    "check --parity found the PDF and the Word file of an audience saying different things.",
    "Read the difference in the message; report it as a bug in briefgen if the content is right.",
)

# ---------------------------------------------------------------- path

PATH_OUTSIDE = Code(
    "path.outside",
    ERROR,
    "A file or folder lies outside the workspace (or links there), and briefgen reads only files inside it.",
    "Copy the file into the workspace and give its path relative to the brief.",
)

# ---------------------------------------------------------------- release

RELEASE_DRAFTS = Code(
    "release.drafts",
    ERROR,
    "Some blocks an audience would receive are still in draft or review, so the version released "
    "now would leave them out.",
    "Approve the blocks (status: approved) before releasing, or release without them on purpose "
    "with --leave-out-drafts.",
)
RELEASE_EXISTS = Code(
    "release.exists",
    ERROR,
    "The version was already released, and the brief now says something else: an issued version is never overwritten.",
    "Raise version: in brief.yaml (or give release --version) to issue the changes as a new version.",
)

# ---------------------------------------------------------------- render

RENDER_FIGURE = Code(
    "render.figure",
    ERROR,
    "The PDF cannot show a figure's picture.",
    "Export the picture again (PNG, JPEG or SVG).",
)
RENDER_PDF = Code(
    "render.pdf",
    WARNING,
    "Laying out the PDF gave a warning, such as footnotes that did not fit on their page.",
    "Follow the message; for footnotes, shorten the paragraph that cites them or give the audience 'notes: endnotes'.",
)
RENDER_RESOURCE = Code(
    "render.resource",
    ERROR,
    "The PDF asked for a file or address outside the house style, which builds do not fetch.",
    "Remove the reference from the house style's templates or CSS; builds are offline.",
)
RENDER_TABLE_WIDTH = Code(
    "render.table-width",
    WARNING,
    "A table is wider than the page, so words in its cells are broken to fit.",
    "Use fewer or narrower columns, shorter cell text, or split the table.",
)

# ---------------------------------------------------------------- review

REVIEW_CHANGED = Code(
    "review.changed",
    ERROR,
    "A file changed while review --apply was writing the review's changes into it.",
    "Run 'briefgen review FILE --apply' again.",
)
REVIEW_LINK_OUTSIDE = Code(
    "review.link-outside",
    ERROR,
    "A file the review changes is a link to a file outside the workspace, which briefgen does not write.",
    "Put the file itself in the workspace, then run review --apply again.",
)
REVIEW_LOST_SECTION = Code(
    "review.lost-section",
    WARNING,
    "An audience would get none of a section, because its blocks are not approved yet.",
    "Approve the blocks the message names, or build with --drafts.",
)
REVIEW_READ_ONLY = Code(
    "review.read-only",
    ERROR,
    "A file the review changes is read-only, so its changes are not written.",
    "Make the file writable (chmod u+w FILE), then run review --apply again.",
)
REVIEW_SAME_FILE = Code(
    "review.same-file",
    ERROR,
    "Two files the review changes are one file (one links to the other).",
    "Apply these changes by hand.",
)
REVIEW_UNWRITABLE = Code(
    "review.unwritable",
    ERROR,
    "A file the review changes cannot be written: not permitted, or not a regular file.",
    "Fix the permissions of the file and its folder, then run review --apply again.",
)

# ---------------------------------------------------------------- schema

SCHEMA_ANY_OF = Code(
    "schema.anyOf",
    ERROR,
    "A value has none of the forms allowed for it (a bibliography date, for example).",
    "Write the value in one of the forms the field takes; the JSON Schemas in schemas/ list them.",
)
SCHEMA_DUPLICATE = Code(
    "schema.duplicate",
    ERROR,
    "A list holds the same value twice.",
    "Remove the repeat.",
)
SCHEMA_ENUM = Code(
    "schema.enum",
    ERROR,
    "A value is not one of those allowed for its key (such as status: draft, review or approved).",
    "Use one of the values the message lists.",
)
SCHEMA_FORMAT = Code(
    "schema.format",
    ERROR,
    "A date is not written as an ISO date.",
    "Write it as 2022-05-02 (year, month, day).",
)
SCHEMA_ID = Code(
    "schema.id",
    ERROR,
    "An id or name is not made of the letters it may hold.",
    "Use lower-case letters, digits, '-' and '_'.",
)
SCHEMA_INDENTATION = Code(
    "schema.indentation",
    ERROR,
    "A block's field is indented under 'variants:', where its name is read as an audience's.",
    "Indent the field like 'variants:' (or like the variant's other fields, if it belongs to that variant).",
)
SCHEMA_MAX_ITEMS = Code(
    "schema.maxItems",
    ERROR,
    "A list has more items than its key allows.",
    "Remove items until the list is as long as the message says.",
)
SCHEMA_MAX_LENGTH = Code(
    "schema.maxLength",
    ERROR,
    "A value is longer than its key allows (an id longer than 64 characters, for example).",
    "Shorten the value.",
)
SCHEMA_MIN_ITEMS = Code(
    "schema.minItems",
    ERROR,
    "A list is empty, or shorter than its key needs.",
    "Add at least as many items as the message says.",
)
SCHEMA_MINIMUM = Code(
    "schema.minimum",
    ERROR,
    "A number is smaller than its key allows (max_pages: 0, for example).",
    "Write a number at least as large as the message says.",
)
SCHEMA_MISSING = Code(
    "schema.missing",
    ERROR,
    "A required key is missing (a block's title:, for example).",
    "Add the key the message names.",
)
SCHEMA_TYPE = Code(
    "schema.type",
    ERROR,
    "A value is of the wrong kind: a list where text belongs, text where a number belongs, and so on.",
    "Write the kind of value the message names; put text that looks like a number or yes/no in quotes.",
)
SCHEMA_UNKNOWN_KEY = Code(
    "schema.unknown-key",
    ERROR,
    "A key is not one briefgen reads at this place, often a misspelling.",
    "Use one of the allowed keys the message lists (it suggests the nearest one).",
)

# ---------------------------------------------------------------- style

STYLE_THEME = Code(
    "style.theme",
    ERROR,
    "styles/theme.yaml cannot be used: a group, token or value the house style does not take, or a file it cannot "
    "read.",
    "Follow the message; it lists the groups and tokens of the theme and the values each takes.",
)

# ---------------------------------------------------------------- template

TEMPLATE_FAILED = Code(
    "template.failed",
    ERROR,
    "A template of the house style failed while the brief was being made.",
    "Fix the line the message names, or delete the file to use the built-in template.",
)
TEMPLATE_MISSING = Code(
    "template.missing",
    ERROR,
    "A template includes a file that is in neither the workspace's folder nor the built-in templates.",
    "Create the file the message names, or remove the include.",
)
TEMPLATE_REFUSED = Code(
    "template.refused",
    ERROR,
    "A template or its folder is a link to a place outside the workspace, or includes what it may not.",
    "Make the folder a real folder and copy the files into it instead of linking to them.",
)
TEMPLATE_SYNTAX = Code(
    "template.syntax",
    ERROR,
    "A template has a syntax error in its {% %} or {{ }} tags.",
    "Check the tags up to the line named (every {% if %} needs an {% endif %}, every {% for %} an {% endfor %}), "
    "or delete the file to use the built-in one.",
)
TEMPLATE_UNDEFINED = Code(
    "template.undefined",
    ERROR,
    "A template uses a value that does not exist.",
    "Check its spelling against the built-in template of the same name.",
)
TEMPLATE_UNSAFE = Code(
    "template.unsafe",
    ERROR,
    "A template tries to do what templates may not: run programs, read files or reach the network.",
    "Remove it from the template; templates only show the brief's values, such as {{ doc.title }}.",
)
TEMPLATE_WORD = Code(
    "template.word",
    ERROR,
    "The Word template cannot be read.",
    "Save it again from Word as .docx, or delete it to use the built-in one.",
)

# ---------------------------------------------------------------- text

TEXT_CONTROL_CHARACTER = Code(
    "text.control-character",
    WARNING,
    "Invisible control characters, which no document format can hold, were removed from a text.",
    "Retype the text around the place named; such characters usually come from pasting.",
)

# ---------------------------------------------------------------- xref

XREF_CLASH = Code(
    "xref.clash",
    ERROR,
    "A block's id is also a bibliography key, or starts with 'tbl-', 'fig-' or 'sec-', so @id is ambiguous.",
    "Rename the block file or give it an 'id:', or change the bibliography key.",
)
XREF_DUPLICATE = Code(
    "xref.duplicate",
    ERROR,
    "Two tables or figures have the same id.",
    "Give each table or figure its own {#tbl-...} or {#fig-...} id.",
)
XREF_FIGURE_ID = Code(
    "xref.figure-id",
    ERROR,
    "A figure's id does not start with 'fig-', so it cannot be cross-referenced.",
    "Write the id as {#fig-...}.",
)
XREF_MIXED = Code(
    "xref.mixed",
    ERROR,
    "Citations and cross-references are mixed in one pair of brackets, or brackets right after @id read as one "
    "citation.",
    "Write them apart, for example [see @source, p. 3] and @sec-background.",
)
XREF_NOT_RECEIVED = Code(
    "xref.not-received",
    ERROR,
    "A cross-reference points at a block, table or figure that one of the audiences does not receive.",
    "Give the block a variant for that audience without the reference, or let the audience receive the target.",
)
XREF_TABLE_CAPTION = Code(
    "xref.table-caption",
    ERROR,
    "A table has an id but no caption, so it has no number to refer to.",
    "Write ': Caption {#tbl-id}' after the table.",
)
XREF_TABLE_ID = Code(
    "xref.table-id",
    ERROR,
    "A table's id does not start with 'tbl-', so it cannot be cross-referenced.",
    "Write the id as {#tbl-...}.",
)
XREF_TABLE_IN_NOTE = Code(
    "xref.table-in-note",
    ERROR,
    "A table with an id stands in a note, where tables are not numbered, so nothing can refer to it.",
    "Move the table out of the note, or remove its id.",
)
XREF_UNKNOWN = Code(
    "xref.unknown",
    ERROR,
    "A cross-reference @id points at no block, section, table or figure of the brief.",
    "Use a block's file name (without .yaml), 'sec-' and a section id, or a table's or figure's id.",
)

# ---------------------------------------------------------------- yaml

YAML_CONTROL_CHARACTER = Code(
    "yaml.control-character",
    ERROR,
    "A YAML file holds an invisible character that YAML does not allow.",
    "Delete it; if your editor does not show it, retype the text around the place named.",
)
YAML_DUPLICATE_KEY = Code(
    "yaml.duplicate-key",
    ERROR,
    "A key is written twice in one mapping, and YAML keeps only one of them.",
    "Delete or rename one of the two.",
)
YAML_KEY = Code(
    "yaml.key",
    ERROR,
    "A key is a list or a mapping, not a plain word.",
    "Write the key as a plain word.",
)
YAML_SYNTAX = Code(
    "yaml.syntax",
    ERROR,
    "A YAML file cannot be read: a syntax error (a quote not closed, a missing colon, a tab...).",
    "Check indentation, colons and quotes on the line the message names.",
)
YAML_TAG = Code(
    "yaml.tag",
    ERROR,
    "A YAML tag (!something) is used; content is plain data.",
    "Remove the tag.",
)
YAML_TOO_LARGE = Code(
    "yaml.too-large",
    ERROR,
    "A YAML file nests values too deeply, or expands (through aliases) to too many values.",
    "Flatten the structure, write repeated values out, or split the file.",
)
YAML_VALUE = Code(
    "yaml.value",
    ERROR,
    "A value cannot be read (a date that does not exist, for example).",
    "Fix the value the message quotes, or put it in quotes to keep it as text.",
)


def _registry() -> dict[str, Code]:
    """Every code declared above, by name; two codes of one name, or a code in a misnamed constant, fail here."""
    found: dict[str, Code] = {}
    for code in _DECLARED:
        if code.name in found:
            raise ValueError(f"diagnostic code {code.name!r} is declared twice")
        if globals().get(constant_name(code.name)) is not code:
            raise ValueError(f"diagnostic code {code.name!r} must be the constant {constant_name(code.name)}")
        if code.group not in GROUPS:
            raise ValueError(f"diagnostic code {code.name!r}: add its group to GROUPS")
        found[code.name] = code
    return found


CODES: dict[str, Code] = _registry()


def lookup(name: str) -> Code | None:
    """The code of this name, or None."""
    return CODES.get(name)


def _registered(name: str) -> Code:
    return CODES[name]
