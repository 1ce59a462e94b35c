"""The `briefgen` command: parses options and calls library functions; no logic of its own.

`base` holds the group and the options every command shares; `checking`, `building` and
`starting` add the commands. `main` is the entry point and the one place where a run ends.
"""

from __future__ import annotations

import contextlib
import os
import signal
import sys
import traceback
from typing import Any

import click

from briefgen.cli import building, checking, starting  # noqa: F401  (each adds its commands to `cli`)
from briefgen.cli.base import State, cli
from briefgen.commands import output
from briefgen.diagnostics import codes
from briefgen.errors import ContentError

__all__ = ["cli", "main"]


# Every command and its subcommands, for naming the command of an error's JSON document.
def _command_names() -> dict[str, set[str]]:
    return {name: set(getattr(command, "commands", {})) for name, command in cli.commands.items()}


def main() -> None:
    """Entry point: user errors print a message and exit 1 or 2; internal bugs print a traceback.

    With --json, every ending (content errors, usage errors, a bug) also prints the envelope on
    stdout, unless the command printed its own before it failed.
    """
    argv = sys.argv[1:]
    debug = "--debug" in argv
    state = State()
    # SIGTERM (a cancelled CI job) unwinds like Ctrl+C, so temporary files are removed.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))

    try:
        _run(argv, state, debug)
    except BrokenPipeError:  # `briefgen build 2>&1 | head -1`: the reader left; what was done stands
        devnull = os.open(os.devnull, os.O_WRONLY)
        for stream in (sys.stdout, sys.stderr):  # so that flushing them at exit raises nothing more
            with contextlib.suppress(OSError, ValueError):
                os.dup2(devnull, stream.fileno())
        sys.exit(141)  # as a program ended by SIGPIPE, the shells' convention


def _json_ending(state: State, argv: list[str]) -> bool:
    """Whether this run ends with the JSON envelope (asked for, and not printed by the command already)."""
    return not state.emitted and (state.voice.json or output.asks_for_json(argv))


def _run(argv: list[str], state: State, debug: bool) -> None:
    """Run the command; every way it can end exits with its code (see `main`)."""

    def fail(problems: list[dict[str, Any]], code: int) -> None:
        if _json_ending(state, argv):
            command = output.command_named(argv, _command_names())
            click.echo(output.dumps(output.envelope(command, False, problems, None)))
        sys.exit(code)

    try:
        code = cli.main(args=argv, standalone_mode=False, obj=state)
        sys.exit(code if isinstance(code, int) else 0)
    except click.exceptions.Exit as exc:
        sys.exit(exc.exit_code)
    except click.Abort:
        click.echo("Aborted.", err=True)
        sys.exit(130)
    except ContentError as exc:
        if debug:
            traceback.print_exc()
        if not _json_ending(state, argv):  # with --json the problems are in the envelope, said once
            click.echo(exc.message, err=True)
        fail(output.problems_of(exc.diagnostics, exc.root), exc.exit_code)
    except click.ClickException as exc:  # includes BriefgenError and click's usage errors
        if debug:
            traceback.print_exc()
        if not _json_ending(state, argv):
            exc.show()
        usage = isinstance(exc, click.UsageError) or exc.exit_code == 2
        problem = output.usage_problem if usage else output.error_problem
        fail([problem(exc.format_message())], 2 if usage else exc.exit_code)
    except KeyboardInterrupt:
        click.echo("Interrupted; no partial files were left.", err=True)
        sys.exit(130)
    except BrokenPipeError:
        raise  # the reader of stdout or stderr left: `main` ends quietly
    except Exception as exc:  # a bug in briefgen, not the user's fault
        click.echo(
            "briefgen: internal error (this is a bug in briefgen; please report it with the traceback below)", err=True
        )
        traceback.print_exc()
        fail([output.message_problem(f"internal error: {exc!r}", codes.COMMAND_INTERNAL)], 70)
