"""How every command speaks: results on stdout, progress and logs on stderr, one JSON shape for scripts.

A script that runs `briefgen ... --json` reads one JSON document from standard output, whatever
the command and however it ended (content errors and usage errors included):

    {"briefgen": "0.1.0", "command": "build", "ok": false,
     "problems": [{"severity": "error", "code": "yaml.syntax", "message": ..., "path": ..., "line": 3, "column": 8}],
     "result": null}

`problems` holds the same objects as `check --json` always has (`diagnostic_json`); `result` is
the command's own answer, described per command in schemas/output.schema.json. The exit code is
the one the command has without --json (0, 1 for content errors, 2 for usage errors).

How much a command prints on stderr is one setting for every command: `-q` errors only, the
default adds warnings and progress, `-v` adds notes and briefgen's log. Colour follows `--color`,
then `NO_COLOR` (https://no-color.org), then whether stderr or stdout is a terminal.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from briefgen.diagnostics import Diagnostics, Severity, codes, diagnostic_json

# Options that take a value, on the group or on any command: the word after them is not a command.
_VALUE_OPTIONS = frozenset({"-w", "--workspace", "--color"})
COLOR_CHOICES = ("auto", "always", "never")


@dataclass(frozen=True)
class Voice:
    """How loudly, in colour or not, and in which form one run of a command speaks."""

    verbosity: int = 0  # -1 with -q (errors only), 0 by default, 1 and more with -v
    color: str = "auto"  # auto | always | never, as --color gives it
    json: bool = False

    @property
    def quiet(self) -> bool:
        return self.verbosity < 0

    def shows(self, severity: Severity) -> bool:
        """Whether a diagnostic of `severity` is printed: errors always, warnings unless -q, notes with -v."""
        if severity is Severity.ERROR:
            return True
        if severity is Severity.WARNING:
            return self.verbosity >= 0
        return self.verbosity > 0

    def colour(self, environ: Mapping[str, str] | None = None) -> bool | None:
        """True or False when colour is decided (--color, NO_COLOR), None to let the terminal decide."""
        if self.color != "auto":
            return self.color == "always"
        if (os.environ if environ is None else environ).get("NO_COLOR"):
            return False
        return None


def console(voice: Voice, stderr: bool = True, **options: Any) -> Any:
    """A rich console on stderr (progress, tables shown to people) that keeps to `voice`'s colour."""
    from rich.console import Console

    colour = voice.colour()
    if colour is True:
        options.update(force_terminal=True, no_color=False)
    elif colour is False:
        options.update(no_color=True, color_system=None)

    class _Console(Console):
        def on_broken_pipe(self) -> None:
            """The reader left (`| head -1`): ended by the entry point as every broken pipe is, not exit 1."""
            self.quiet = True
            raise BrokenPipeError

    return _Console(highlight=False, stderr=stderr, **options)


_SEVERITY_COLOURS = {Severity.ERROR: "red", Severity.WARNING: "yellow", Severity.NOTE: "cyan"}


def coloured(line: str, severity: Severity) -> str:
    """A report line with its severity word in colour (`file:line:col: error: ...`)."""
    import click

    word = f": {severity.value}: "
    if word not in line:
        return line
    head, tail = line.split(word, 1)
    return f"{head}: {click.style(severity.value, fg=_SEVERITY_COLOURS[severity], bold=True)}: {tail}"


def envelope(command: str, ok: bool, problems: list[dict[str, Any]], result: Any) -> dict[str, Any]:
    """The one JSON document every `--json` output is (see the module docstring)."""
    from briefgen import __version__

    return {"briefgen": __version__, "command": command, "ok": ok, "problems": problems, "result": result}


def problems_of(diags: Diagnostics | None, root: Path | None) -> list[dict[str, Any]]:
    """Every diagnostic, sorted as a report prints them, in `check --json`'s form."""
    return [diagnostic_json(d, root) for d in diags.sorted()] if diags is not None else []


def message_problem(message: str, code: str | None) -> dict[str, Any]:
    """A problem that has no place in a file: a usage error, or a bug in briefgen."""
    return {"severity": "error", "code": code, "message": message, "path": None, "line": None, "column": None}


def usage_problem(message: str) -> dict[str, Any]:
    """A usage error (exit 2) as a problem of the envelope."""
    return message_problem(message, codes.COMMAND_USAGE)


def error_problem(message: str) -> dict[str, Any]:
    """An error that stopped the command and belongs to no file (exit 1), as a problem of the envelope."""
    return message_problem(message, None)


def dumps(data: Any) -> str:
    """JSON as briefgen prints it: indented, UTF-8 text as it is, dates and paths as strings."""
    return json.dumps(data, indent=2, ensure_ascii=False, default=str)


def command_named(argv: Sequence[str], commands: dict[str, Any]) -> str:
    """The command an argument list runs ('build', 'new block'), for an envelope written before it ran.

    `commands` maps each command's name to its subcommands' names (empty for a plain command).
    Unknown or missing: ''.
    """
    words = _words(argv)
    for index, word in enumerate(words):
        if word in commands:
            subcommands = commands[word]
            after = words[index + 1] if index + 1 < len(words) else ""
            return f"{word} {after}" if after in subcommands else word
        return ""
    return ""


def asks_for_json(argv: Sequence[str]) -> bool:
    """Whether the arguments ask for JSON (--json, or check's --format json), before `--`."""
    args = list(argv[: argv.index("--")] if "--" in argv else argv)
    if "--json" in args or "--format=json" in args:
        return True
    return any(a == "--format" and b == "json" for a, b in zip(args, args[1:], strict=False))


def _words(argv: Sequence[str]) -> list[str]:
    """The arguments that are not options nor options' values (for finding the command's name)."""
    words, skip = [], False
    for arg in argv:
        if skip:
            skip = False
        elif arg in _VALUE_OPTIONS:
            skip = True
        elif not arg.startswith("-"):
            words.append(arg)
    return words
