"""Safe YAML reading that keeps every value's file position, for messages staff can act on.

PyYAML's safe loader is used to compose a node tree (never to build objects from tags);
nodes are turned into `Node` values that carry a `Location`. Duplicate keys, unknown
tags, alias bombs, deep nesting, control characters and oversized files are refused with
positions; a file that is a link out of the workspace is refused before it is opened.
Messages quote at most one line of a value, shortened (`shorten`).
"""

from __future__ import annotations

import datetime as dt
import os
import re
import stat
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from yaml.reader import Reader, ReaderError

from briefgen.content.confine import refusal
from briefgen.diagnostics import Diagnostics, Location, codes

MAX_FILE_BYTES = 2 * 1024 * 1024
# Characters XML 1.0 forbids (Word files are XML): C0 controls except tab, newline, return.
XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
MAX_NODES = 50_000
MAX_DEPTH = 40
QUOTE_LIMIT = 80  # characters of a value a message quotes
MAX_REPORTED = 10  # control characters reported one by one, per file

_STANDARD_TAGS = {
    "tag:yaml.org,2002:str",
    "tag:yaml.org,2002:int",
    "tag:yaml.org,2002:float",
    "tag:yaml.org,2002:bool",
    "tag:yaml.org,2002:null",
    "tag:yaml.org,2002:timestamp",
    "tag:yaml.org,2002:map",
    "tag:yaml.org,2002:seq",
}


TIMESTAMP_TAG = "tag:yaml.org,2002:timestamp"  # what YAML takes 2022-05-02 for


@dataclass(frozen=True)
class Source:
    """The text of a file, so positions inside multi-line strings can be found again."""

    path: Path
    text: str

    def location_of(self, index: int) -> Location:
        line = self.text.count("\n", 0, index) + 1
        column = index - (self.text.rfind("\n", 0, index) + 1) + 1
        return Location(self.path, line, column)


@dataclass(frozen=True)
class Node:
    """A YAML value with where it stands. Mappings hold `dict[str, Node]`, sequences `list[Node]`."""

    value: Any
    loc: Location
    key_loc: Location | None = None
    source: Source | None = field(default=None, repr=False, compare=False)
    span: tuple[int, int] = (0, 0)

    @property
    def is_map(self) -> bool:
        return isinstance(self.value, dict)

    @property
    def is_list(self) -> bool:
        return isinstance(self.value, list)

    def get(self, key: str) -> Node | None:
        return self.value.get(key) if isinstance(self.value, dict) else None

    def plain(self) -> Any:
        """The value with positions stripped, for data handed on as-is (CSL references)."""
        if isinstance(self.value, dict):
            return {k: v.plain() for k, v in self.value.items()}
        if isinstance(self.value, list):
            return [v.plain() for v in self.value]
        return self.value

    def locate_text(self, needle: str, occurrence: int = 0) -> Location:
        """Position of the n-th occurrence of `needle` inside this scalar's source text."""
        if self.source is None:
            return self.loc
        start, end = self.span
        index = start - 1
        for _ in range(occurrence + 1):
            index = self.source.text.find(needle, index + 1, end)
            if index < 0:
                return self.loc
        return self.source.location_of(index)


def shorten(text: str, limit: int = QUOTE_LIMIT) -> str:
    """At most `limit` characters of the first line of `text`, '...' marking anything left out.

    Messages quote values with this, so a pasted paragraph (or a file that is not what it should
    be) is never printed whole.
    """
    lines = text.strip().splitlines() or [""]
    first = lines[0].strip()
    if len(first) > limit:
        return first[: limit - 3].rstrip() + "..."
    return first + ("..." if len(lines) > 1 else "")


_QUOTED = re.compile(r"'[^']*'|\"[^\"]*\"")


def shorten_quotes(message: str, limit: int = QUOTE_LIMIT) -> str:
    """One line of a message from PyYAML or Python, each passage it quotes cut to `limit` characters."""

    def cut(match: re.Match[str]) -> str:
        quoted = match.group(0)
        return quoted if len(quoted) <= limit + 2 else quoted[0] + shorten(quoted[1:-1], limit) + quoted[0]

    return _QUOTED.sub(cut, shorten(message, 4 * limit))


class _TooDeep(Exception):
    def __init__(self, mark: yaml.Mark):
        super().__init__("too deep")
        self.mark = mark


class _DepthLimit:
    """Refuses deep nesting while composing.

    PyYAML's composer calls itself once per level, so 5,000 nested brackets would exhaust
    Python's stack; here the level that passes MAX_DEPTH stops composing, at its position.
    """

    depth = 0

    def compose_node(self, parent: yaml.Node | None, index: Any) -> yaml.Node | None:
        self.depth += 1
        try:
            # The root is level 0; keys and scalars cannot nest further, `_Converter` checks their level.
            if self.depth > MAX_DEPTH + 1 and self.check_event(yaml.SequenceStartEvent, yaml.MappingStartEvent):  # type: ignore[attr-defined]
                raise _TooDeep(self.peek_event().start_mark)  # type: ignore[attr-defined]
            return super().compose_node(parent, index)  # type: ignore[misc]
        finally:
            self.depth -= 1


class _SafeComposer(_DepthLimit, yaml.SafeLoader):  # type: ignore[misc]
    """PyYAML's pure-Python safe loader: its error messages are the ones staff see."""


if getattr(yaml, "__with_libyaml__", False):
    from yaml._yaml import CParser
    from yaml.composer import Composer
    from yaml.resolver import Resolver

    class _FastComposer(_DepthLimit, Composer, CParser, Resolver):  # type: ignore[misc]
        """LibYAML's parser under PyYAML's composer: the same nodes and positions, ten times faster.

        Used for files that parse; a file with an error is parsed again by `_SafeComposer`, whose
        messages (and the plainer ones `_known_syntax_error` makes of them) staff are shown.
        """

        def __init__(self, stream: str):
            CParser.__init__(self, stream)
            Composer.__init__(self)
            Resolver.__init__(self)

else:  # pragma: no cover - PyYAML built without LibYAML
    _FastComposer = _SafeComposer  # type: ignore[misc,assignment]


def _compose(text: str) -> yaml.Node | None:
    """The node tree of `text`: through LibYAML when it parses cleanly, else PyYAML's own errors."""
    # LibYAML accepts tabs where PyYAML does not (after a key): a file with a tab is read by PyYAML,
    # so whether it is valid does not depend on how PyYAML was built.
    if "\t" not in text and not Reader.NON_PRINTABLE.search(text):
        try:
            return yaml.compose(text, Loader=_FastComposer)
        except (yaml.YAMLError, _TooDeep, RecursionError):
            pass
    return yaml.compose(text, Loader=_SafeComposer)


class _Converter:
    def __init__(self, source: Source, diags: Diagnostics):
        self.source = source
        self.diags = diags
        self.count = 0
        self.constructor = yaml.SafeLoader("")

    def loc(self, mark: yaml.Mark) -> Location:
        return Location(self.source.path, mark.line + 1, mark.column + 1)

    def convert(self, node: yaml.Node, depth: int = 0, key_loc: Location | None = None) -> Node:
        self.count += 1
        if self.count > MAX_NODES:
            raise _TooLarge(
                self.loc(node.start_mark),
                f"the file expands to more than {MAX_NODES} values (YAML aliases repeated "
                "too often?); write the values out or split the file",
            )
        if depth > MAX_DEPTH:
            raise _TooLarge(
                self.loc(node.start_mark),
                f"values are nested more than {MAX_DEPTH} levels deep; flatten the structure",
            )
        loc = self.loc(node.start_mark)
        span = (node.start_mark.index, node.end_mark.index)
        if node.tag not in _STANDARD_TAGS:
            self.diags.error(
                codes.YAML_TAG,
                f"the YAML tag '{node.tag}' is not allowed; content is plain data, remove the tag",
                loc,
            )
            return Node("", loc, key_loc, self.source, span)
        if isinstance(node, yaml.MappingNode):
            return Node(self.mapping(node, depth), loc, key_loc, self.source, span)
        if isinstance(node, yaml.SequenceNode):
            items = [self.convert(item, depth + 1) for item in node.value]
            return Node(items, loc, key_loc, self.source, span)
        return Node(self.scalar(node, loc), loc, key_loc, self.source, span)

    def mapping(self, node: yaml.MappingNode, depth: int) -> dict[str, Node]:
        """A mapping's values by key; keys that are not plain words, and repeated keys, reported and left out."""
        result: dict[str, Node] = {}
        for key_node, value_node in node.value:
            kloc = self.loc(key_node.start_mark)
            if not isinstance(key_node, yaml.ScalarNode):
                self.diags.error(codes.YAML_KEY, "a key must be a plain word, not a list or mapping", kloc)
                continue
            key = str(key_node.value)
            if key in result:
                first = result[key].key_loc
                where = f" (first at line {first.line})" if first else ""
                self.diags.error(
                    codes.YAML_DUPLICATE_KEY,
                    f"duplicate key '{key}'{where}; YAML keeps only one of them, delete or rename the other",
                    kloc,
                )
                continue
            result[key] = self.convert(value_node, depth + 1, kloc)
        return result

    def scalar(self, node: yaml.Node, loc: Location) -> Any:
        """A scalar's value as YAML's safe loader reads it: a date not a time, no control characters XML forbids."""
        try:
            value = self.constructor.construct_object(node, deep=True)
        except (yaml.YAMLError, ValueError) as exc:
            if node.tag == TIMESTAMP_TAG:  # 2026-15-01: text; where a date is wanted, the schema says so once
                value = node.value
            else:
                self.diags.error(codes.YAML_VALUE, f"cannot read this value: {shorten_quotes(str(exc))}", loc)
                value = None
        if isinstance(value, dt.datetime):
            value = value.date()
        if isinstance(value, str) and XML_ILLEGAL.search(value):
            characters = ", ".join(sorted({f"U+{ord(c):04X}" for c in XML_ILLEGAL.findall(value)}))
            self.diags.warning(
                codes.TEXT_CONTROL_CHARACTER,
                f"removed invisible control characters ({characters}) that no document format can hold; "
                "they usually come from pasting text",
                loc,
            )
            value = XML_ILLEGAL.sub("", value)
        return value


class _TooLarge(Exception):
    def __init__(self, loc: Location, message: str):
        super().__init__(message)
        self.loc = loc
        self.message = message


def read_text(path: Path, diags: Diagnostics, root: Path | None = None) -> str | None:
    """The file as UTF-8 text, or None with a diagnostic saying why it could not be read.

    With `root`, a file that (links followed) lies outside that workspace is refused unread.
    """
    if root is not None and (problem := refusal(path, root)):
        diags.error(codes.PATH_OUTSIDE, problem, Location(path))
        return None
    try:
        # Opened without waiting (a named pipe would block for ever), then checked to be a plain file;
        # the size is read from what was opened, so it cannot change between the check and the read.
        # (Windows has no named pipes in the file system and no O_NONBLOCK, but needs O_BINARY.)
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
        with os.fdopen(fd, "rb") as handle:
            info = os.fstat(handle.fileno())
            if not stat.S_ISREG(info.st_mode):
                diags.error(
                    codes.FILE_UNREADABLE,
                    "this is not a plain file (a pipe, device or socket); replace it with a YAML file",
                    Location(path),
                )
                return None
            if info.st_size > MAX_FILE_BYTES:
                diags.error(
                    codes.FILE_TOO_LARGE,
                    f"the file is {info.st_size // 1024} KiB, over the {MAX_FILE_BYTES // 1024} KiB limit; split it",
                    Location(path),
                )
                return None
            data = handle.read(MAX_FILE_BYTES + 1)
    except OSError as exc:
        diags.error(codes.FILE_UNREADABLE, f"cannot read the file: {exc.strerror or exc}", Location(path))
        return None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        diags.error(
            codes.FILE_ENCODING,
            "the file is not UTF-8 text; save it as UTF-8 in your editor",
            Location(path, line),
        )
        return None
    return text.removeprefix("\ufeff")


def load_yaml(path: Path, diags: Diagnostics, root: Path | None = None) -> Node | None:
    """Parse one YAML file into located nodes; problems go to `diags`, None if unusable.

    With `root`, a file that (links followed) lies outside that workspace is refused unread.
    """
    text = read_text(path, diags, root)
    if text is None:
        return None
    return parse_yaml(text, path, diags)


def parse_yaml(text: str, path: Path, diags: Diagnostics) -> Node | None:
    """Parse YAML text (already read) into located nodes."""
    source = Source(path, text)
    too_deep = f"values are nested more than {MAX_DEPTH} levels deep; flatten the structure"
    try:
        root = _compose(text)
    except ReaderError:
        _control_characters(source, diags)
        return None
    except _TooDeep as exc:
        diags.error(codes.YAML_TOO_LARGE, too_deep, Location(path, exc.mark.line + 1, exc.mark.column + 1))
        return None
    except yaml.MarkedYAMLError as exc:
        if (known := _known_syntax_error(exc, source)) is not None:
            diags.error(codes.YAML_SYNTAX, known[0], known[1])
            return None
        mark = exc.problem_mark or exc.context_mark
        loc = Location(path, mark.line + 1, mark.column + 1) if mark else Location(path)
        problem = shorten_quotes(exc.problem or "invalid YAML")
        context = f" {shorten_quotes(exc.context)}" if exc.context else ""
        diags.error(
            codes.YAML_SYNTAX,
            f"YAML syntax error: {problem}{context}; check indentation, colons and quotes on this line",
            loc,
        )
        return None
    except yaml.YAMLError as exc:
        diags.error(codes.YAML_SYNTAX, f"YAML syntax error: {shorten_quotes(str(exc))}", Location(path))
        return None
    except RecursionError:  # not expected past _SafeComposer; still an error at the file, never a crash
        diags.error(codes.YAML_TOO_LARGE, too_deep, Location(path))
        return None
    if root is None:
        return Node({}, Location(path, 1, 1), None, source, (0, 0))
    try:
        return _Converter(source, diags).convert(root)
    except _TooLarge as exc:
        diags.error(codes.YAML_TOO_LARGE, exc.message, exc.loc)
        return None
    except RecursionError:
        diags.error(codes.YAML_TOO_LARGE, too_deep, Location(path))
        return None


def _known_syntax_error(exc: yaml.MarkedYAMLError, source: Source) -> tuple[str, Location] | None:
    """A plainer message, at the place to fix, for PyYAML errors staff often meet; None for the rest."""
    context, problem = exc.context or "", exc.problem or ""
    start, failed = exc.context_mark, exc.problem_mark
    if context == "while scanning a quoted scalar" and problem == "found unexpected end of stream" and start:
        # PyYAML fails at the end of the file; the fix belongs where the quoted text opens.
        quote = source.text[start.index] if source.text[start.index : start.index + 1] in ("'", '"') else '"'
        message = f"this quoted text is never closed: add the closing {quote} at the end of the text that starts here"
        return message, Location(source.path, start.line + 1, start.column + 1)
    if failed and (unclosed := _unclosed(exc, source)) is not None:
        return unclosed
    if context == "while scanning a simple key" and problem == "could not find expected ':'" and start:
        # PyYAML notices on the line after (or at the end of the file); the key without its colon is here.
        return _missing_colon(source, start, failed or start)
    if problem == "mapping values are not allowed here" and failed and (start := _keyless_line(source, failed)):
        # The first key under another lacks its colon: YAML reads it and the next key's line as one text.
        return _missing_colon(source, start, failed)
    if problem == "found character '\\t' that cannot start any token" and failed:
        column = failed.column + 1
        line_start = source.text.rfind("\n", 0, failed.index) + 1
        if source.text[line_start : failed.index].strip(" \t"):  # after a key or a value, not indentation
            message = f"YAML does not allow a tab here; replace the tab at column {column} with a space"
        else:
            message = f"YAML indents with spaces; replace the tab at column {column} with spaces"
        return message, Location(source.path, failed.line + 1, column)
    return None


def _at(mark: yaml.Mark) -> str:
    return f"line {mark.line + 1}, column {mark.column + 1}"


def _missing_colon(source: Source, start: yaml.Mark, noticed: yaml.Mark) -> tuple[str, Location]:
    message = (
        "this line has no ':' after a key: write 'key: value' (a colon and a space), or indent the line if "
        f"it continues the text above (YAML noticed only at {_at(noticed)})"
    )
    return message, Location(source.path, start.line + 1, start.column + 1)


_BARE_KEY = re.compile(r"[A-Za-z_][\w-]*")


def _keyless_line(source: Source, failed: yaml.Mark) -> yaml.Mark | None:
    """Where a line without its colon starts, when YAML read it and the key line below as one text.

    `press:` then `    title Foo` then `    body: x` is read as the text "title Foo body" followed by
    a ':' YAML does not allow there. Only when that text starts its line, and the next line, at the
    same indentation, holds a single word before the ':' (a key, not prose with a colon in it).
    """
    plain = [
        t
        for t in _tokens_before(source.text, failed.index)
        if isinstance(t, yaml.ScalarToken) and t.style is None and t.end_mark.index <= failed.index
    ]
    if not plain:
        return None
    start = plain[-1].start_mark
    line_start = source.text.rfind("\n", 0, start.index) + 1
    key_start = source.text.rfind("\n", 0, failed.index) + 1
    key = source.text[key_start : failed.index]
    return (
        start
        if failed.line == start.line + 1
        and not source.text[line_start : start.index].strip()
        and len(key) - len(key.lstrip(" ")) == start.column
        and _BARE_KEY.fullmatch(key.strip())
        else None
    )


# A line of a block mapping or list: `key: ...` or `- key: ...`, with its indentation.
_KEY_LINE = re.compile(r"^( *)(?:- +)?[^\s#'\"\[\]{},:-][^:\n]*:(?: |$)")
_CLOSERS = {"[": ("]", "list", "after its last item"), "{": ("}", "mapping", "after its last entry")}


def _unclosed(exc: yaml.MarkedYAMLError, source: Source) -> tuple[str, Location] | None:
    """A quote, `[` or `{` left open that YAML read past, into the lines below, failing only later.

    PyYAML takes a quoted text on to the next quote of its kind and a flow collection on to the
    next bracket, and reports where that makes no sense: lines, often screens, below the mistake.
    The fix is where the text or collection opens, so that is where the error goes; the place
    YAML noticed is named in the message.
    """
    failed = exc.problem_mark
    assert failed is not None
    text = source.text
    line_end = text.find("\n", failed.index)
    tokens = _tokens_before(text, len(text) if line_end < 0 else line_end)
    opener: tuple[str, int] | None = None  # the quote or bracket, and its index
    context = exc.context or ""
    if context in ("while scanning a quoted scalar", "while scanning a double-quoted scalar") and exc.context_mark:
        # The scanner failed inside the text (an escape such as \d, a document marker): it is still open.
        start = exc.context_mark.index
        if text[start : start + 1] in ("'", '"') and _swallows_keys(text, start, failed.index):
            opener = (text[start], start)
    if opener is None:
        # The parser failed on the line where a quoted text that ran on past lines of keys was closed.
        quoted = [
            t
            for t in tokens
            if isinstance(t, yaml.ScalarToken)
            and t.style in ("'", '"')
            and t.start_mark.index < failed.index
            and t.end_mark.line == failed.line > t.start_mark.line
        ]
        if quoted and _swallows_keys(text, quoted[-1].start_mark.index, quoted[-1].end_mark.index):
            opener = (quoted[-1].style or '"', quoted[-1].start_mark.index)
    if opener is None and context.startswith("while parsing a flow"):
        # The collection YAML was reading when it failed, if it is still open there; else the innermost open one.
        still_open = _open_collections(tokens)
        chosen = exc.context_mark.index if exc.context_mark and exc.context_mark.index in still_open else None
        chosen = chosen if chosen is not None else (still_open[-1] if still_open else None)
        if chosen is not None and source.location_of(chosen).line < failed.line + 1:
            opener = (text[chosen], chosen)
    if opener is None:
        return None
    char, index = opener
    noticed = f"YAML read the lines after it as part of the {{}} and noticed only at {_at(failed)}"
    if char in _CLOSERS:
        closer, what, where = _CLOSERS[char]
        message = (
            f"the {char} {what} that starts here is never closed: add the closing {closer} {where} "
            f"({noticed.format(what)})"
        )
    else:
        message = (
            f"this quoted text is never closed: add the closing {char} at the end of the text that starts here "
            f"({noticed.format('text')})"
        )
    return message, source.location_of(index)


def _tokens_before(text: str, end: int) -> list[yaml.Token]:
    """PyYAML's tokens of `text` that start before `end`, as far as its scanner gets."""
    tokens = []
    try:
        for token in yaml.scan(text, Loader=yaml.SafeLoader):
            if token.start_mark.index >= end:
                break
            tokens.append(token)
    except yaml.YAMLError:
        pass
    return tokens


def _swallows_keys(text: str, start: int, end: int) -> bool:
    """Whether a quoted text from `start` to `end` runs over a line that reads as a key less indented than it."""
    column = start - (text.rfind("\n", 0, start) + 1)
    first = text.find("\n", start, end)
    lines = text[first + 1 : end].split("\n") if first >= 0 else []
    return any((m := _KEY_LINE.match(line)) is not None and len(m.group(1)) < column for line in lines)


def _open_collections(tokens: list[yaml.Token]) -> list[int]:
    """Where the flow collections (`[`, `{`) still open after the last of `tokens` start, outermost first."""
    stack: list[int] = []
    for token in tokens:
        if isinstance(token, yaml.FlowSequenceStartToken | yaml.FlowMappingStartToken):
            stack.append(token.start_mark.index)
        elif isinstance(token, yaml.FlowSequenceEndToken | yaml.FlowMappingEndToken) and stack:
            stack.pop()
    return stack


def _control_characters(source: Source, diags: Diagnostics) -> None:
    """Each character YAML refuses (U+0000, U+000B, ...), at its line and column with the fix."""
    found = list(Reader.NON_PRINTABLE.finditer(source.text))
    for match in found[:MAX_REPORTED]:
        diags.error(
            codes.YAML_CONTROL_CHARACTER,
            f"the invisible character U+{ord(match.group()):04X} cannot be used in a YAML file; delete it "
            "(if your editor does not show it, retype the text around this place); such characters usually "
            "come from pasted text",
            source.location_of(match.start()),
        )
    if len(found) > MAX_REPORTED:
        diags.error(
            codes.YAML_CONTROL_CHARACTER,
            f"{len(found) - MAX_REPORTED} more invisible characters that YAML does not allow follow; delete them too",
            source.location_of(found[MAX_REPORTED].start()),
        )
    if not found:  # PyYAML refused something the pattern does not show: say where it said
        message = "the file contains a character YAML does not allow; save it again as plain UTF-8 text"
        diags.error(codes.YAML_CONTROL_CHARACTER, message, Location(source.path))
