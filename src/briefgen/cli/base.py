"""The `briefgen` group and what every command shares: the workspace, -q/-v, --color, --json.

Each command module under `briefgen.cli` adds its commands to `cli`; they parse options and call
library functions, with no logic of their own.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

import click

from briefgen.commands import output
from briefgen.diagnostics import Diagnostics, shown_path
from briefgen.errors import UsageError


class State:
    """What the group's options set for the command that runs: the workspace and how it speaks."""

    def __init__(self) -> None:
        self.workspace: Path | None = None
        self.voice = output.Voice()
        self.debug = False
        self.emitted = False  # a --json document was printed: an error after it prints none

    @property
    def quiet(self) -> bool:
        return self.voice.quiet

    def console(self, stderr: bool = True, **options: Any) -> Any:
        """A rich console for people (stderr by default), in colour or not as --color and NO_COLOR say."""
        return output.console(self.voice, stderr=stderr, **options)

    def emit(self, command: str, result: Any, problems: list[dict[str, Any]] | None = None, ok: bool = True) -> None:
        """Print the command's JSON envelope on stdout (see commands/output.py)."""
        click.echo(output.dumps(output.envelope(command, ok, problems or [], result)))
        self.emitted = True


pass_state = click.make_pass_decorator(State, ensure=True)


def _state() -> State:
    return click.get_current_context().ensure_object(State)


def _quiet(_ctx: click.Context, _param: click.Parameter, value: bool) -> bool:
    if value:
        _state().voice = replace(_state().voice, verbosity=-1)
    return value


def _verbose(_ctx: click.Context, _param: click.Parameter, value: int) -> int:
    if value and not _state().quiet:
        _state().voice = replace(_state().voice, verbosity=value)
        logging.getLogger("briefgen").setLevel(logging.INFO if value == 1 else logging.DEBUG)
    return value


def _color(_ctx: click.Context, _param: click.Parameter, value: str | None) -> str | None:
    if value is not None:
        _state().voice = replace(_state().voice, color=value)
    return value


def _json(_ctx: click.Context, _param: click.Parameter, value: bool) -> bool:
    if value:
        _state().voice = replace(_state().voice, json=True)
    return value


def voice_options(command: Callable) -> Callable:
    """-q and -v on a command, with the same meaning as on `briefgen` itself (and on every command)."""
    command = click.option(
        "-v",
        "--verbose",
        count=True,
        expose_value=False,
        callback=_verbose,
        help="Print notes and briefgen's log too (-vv: more).",
    )(command)
    command = click.option(
        "--color",
        type=click.Choice(output.COLOR_CHOICES),
        expose_value=False,
        callback=_color,
        help="Colour in what is shown to people (default auto: on a terminal, unless NO_COLOR is set).",
    )(command)
    return click.option("-q", "--quiet", is_flag=True, expose_value=False, callback=_quiet, help="Print only errors.")(
        command
    )


def out_option(help_text: str) -> Callable[[Callable], Callable]:
    """-o/--out FOLDER, as `out_dir`; '-' (standard output) is for `build` alone (see `refuse_stdout`)."""
    return click.option("-o", "--out", "out_dir", type=click.Path(file_okay=False, path_type=Path), help=help_text)


def json_option(help_text: str) -> Callable[[Callable], Callable]:
    """--json: the command's answer as one JSON document on stdout, in the envelope every command shares."""
    return click.option("--json", "as_json", is_flag=True, callback=_json, help=help_text)


def _print_versions(ctx: click.Context, _param: click.Parameter, value: bool) -> None:
    if not value or ctx.resilient_parsing:
        return
    from briefgen.runtime.versions import version_text

    click.echo(version_text())
    ctx.exit()


@click.group(
    context_settings={"help_option_names": ["-h", "--help"]},
    epilog="""\b
Examples:
  briefgen check                       every problem of the workspace, file:line:column
  briefgen build -a policymaker        the default brief for one audience, PDF and Word
""",
)
@click.option(
    "--version",
    is_flag=True,
    expose_value=False,
    is_eager=True,
    callback=_print_versions,
    help="Show the versions of briefgen, WeasyPrint, Pandoc and python-docx, then exit.",
)
@click.option(
    "--workspace",
    "-w",
    type=click.Path(file_okay=False, path_type=Path),
    help="Workspace folder (default: the nearest folder with briefgen.yaml).",
)
@click.option("--debug", is_flag=True, help="Show Python tracebacks for errors.")
@voice_options
@pass_state
def cli(state: State, workspace: Path | None, debug: bool) -> None:
    """Build audience-specific policy briefs from YAML content blocks.

    Results go to standard output, progress and problems to standard error. Every command takes
    -q (only errors) and -v (notes and briefgen's log too); those that answer take --json.
    """
    state.workspace, state.debug = workspace, debug
    logging.basicConfig(level=logging.ERROR)


def report(diags: Diagnostics, root: Path, voice: output.Voice) -> None:
    """Each problem on stderr as `file:line:column: severity: message [code]`, as loud as -q/-v say.

    In colour (on a terminal, or with --color always), the severity stands out: errors red,
    warnings yellow, notes cyan; the words are the same either way.
    """
    colour = voice.colour()
    colour = sys.stderr.isatty() if colour is None else colour
    for d in diags.sorted():
        if voice.shows(d.severity):
            click.echo(
                output.coloured(d.format(root), d.severity) if colour else d.format(root), err=True, color=colour
            )


def wrote(state: State, command: str, paths: list[Path], line: str) -> None:
    """What a command that writes files answers: the line, or with --json the files."""
    if state.voice.json:
        state.emit(command, {"written": [shown_path(path, Path.cwd()) for path in paths]})
    else:
        click.echo(line)


def refuse_stdout(folder: Path | None, what: str) -> None:
    """`-o -` means standard output, which only `build` can write to."""
    if folder == Path("-"):
        raise UsageError(f"-o - writes to standard output only with build; {what}: give a folder")
