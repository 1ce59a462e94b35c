"""Commands that write outputs or records: build, serve, review, release, releases."""

from __future__ import annotations

import logging
import time
from pathlib import Path
from typing import Any

import click

from briefgen.build import FORMATS, BuildOptions, build, build_all, summary_table
from briefgen.cli.base import State, cli, json_option, out_option, pass_state, report, voice_options
from briefgen.commands import output
from briefgen.commands.completion import complete_audience, complete_brief
from briefgen.content.loader import find_workspace
from briefgen.diagnostics import shown_path
from briefgen.errors import UsageError


@cli.command(
    "build",
    epilog="""\b
Examples:
  briefgen build                            every audience of the default brief, PDF and Word
  briefgen build japan-russia -a analyst -f docx   one audience, Word only
  briefgen build -a analyst -f pdf -o - > brief.pdf   one file, written to standard output
  briefgen build --all -j 2 --strict        every brief, as the scheduled export does
  briefgen build --changes-since 1.0        also a redline of each output against issued version 1.0
""",
)
@click.argument("brief", required=False, shell_complete=complete_brief)
@click.option(
    "-a",
    "--audience",
    "audiences",
    multiple=True,
    help="Audience to build (repeatable; default: every audience).",
    shell_complete=complete_audience,
)
@click.option("--all-audiences", is_flag=True, help="Build every audience.")
@click.option("--all", "all_briefs", is_flag=True, help="Build every brief of the workspace.")
@click.option(
    "-f",
    "--format",
    "formats",
    multiple=True,
    type=click.Choice(FORMATS),
    help="Output format (repeatable): pdf, docx, html, or md (Pandoc Markdown).",
)
@out_option("Output folder; '-' writes the one file asked for (-a NAME -f FORMAT) to standard output.")
@click.option("--drafts", is_flag=True, help="Include draft and review blocks; outputs are stamped DRAFT.")
@click.option("--strict", is_flag=True, help="Treat warnings (such as page budgets) as errors.")
@click.option("--force", is_flag=True, help="Rebuild outputs whose inputs have not changed.")
@click.option("-j", "--jobs", type=click.IntRange(min=1), help="Parallel worker processes (default: one per core).")
@click.option("--changes-since", metavar="VERSION", help="Also write each output with changes since VERSION tracked.")
@json_option("Print the manifests as JSON on standard output.")
@click.option(
    "--summary-md",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Append a Markdown table of the outputs to FILE (for a CI job summary).",
)
@voice_options
@pass_state
def build_command(
    state: State,
    brief,
    audiences,
    all_audiences,
    all_briefs,
    formats,
    out_dir,
    drafts,
    strict,
    force,
    jobs,
    changes_since,
    as_json,
    summary_md,
) -> None:
    """Build BRIEF (default: briefgen.yaml's default_brief) to PDF, DOCX, HTML or Markdown."""
    if all_briefs and brief:
        raise UsageError("name a BRIEF or use --all, not both")
    if all_audiences and audiences:
        raise UsageError("use -a AUDIENCE for some audiences or --all-audiences for every one, not both")
    to_stdout = out_dir == Path("-")
    if to_stdout:
        _one_output_asked(audiences, formats, all_briefs or all_audiences, as_json, changes_since)
        out_dir = None  # built in the usual folder (its caches kept), then copied to stdout
    chosen = (tuple(audiences), all_audiences, tuple(formats) or None, out_dir, drafts, strict, force, jobs)
    options = BuildOptions(brief, *chosen, changes_since)
    console = None if state.quiet else state.console()  # rich costs 20 ms: not for -q
    from briefgen.commands.progress import build_progress

    # A line per output as it is rendered; a bar when many audiences (or briefs) are built.
    with build_progress(console, state.quiet, bar=all_briefs or all_audiences or not audiences) as progress:
        results = (
            build_all(state.workspace, options, progress) if all_briefs else [build(state.workspace, options, progress)]
        )
    for result in results:
        report(result.diagnostics, Path.cwd(), state.voice)
        if console is not None:
            console.print(_built_line(result), soft_wrap=True)
    if summary_md:
        with summary_md.open("a", encoding="utf-8") as handle:
            handle.write(summary_table(results))
    if to_stdout:
        from briefgen.commands.stdout import write_output

        write_output(results[0], audiences[0], formats[0])
    if as_json:
        problems = [p for r in results for p in output.problems_of(r.diagnostics, Path.cwd())]
        state.emit("build", {"briefs": [r.manifest for r in results]}, problems)


def _built_line(result: Any) -> str:
    """`demo: built 2 files, 1 up to date in dist/demo; 0 warnings`."""
    built, kept, warnings = len(result.outputs), len(result.up_to_date), len(result.diagnostics.warnings)
    return (
        f"{result.brief}: built {built} file{'s' * (built != 1)}"
        + (f", {kept} up to date" if kept else "")
        + f" in {shown_path(result.out_dir, Path.cwd())}; {warnings} warning{'s' * (warnings != 1)}"
    )


def _one_output_asked(audiences, formats, many: bool, as_json: bool, changes_since: str | None) -> None:
    """`-o -` writes one file to standard output: refused, as a usage error, for anything else."""
    if many or len(audiences) != 1 or len(formats) != 1:
        raise UsageError(
            "-o - writes one file to standard output: name one audience and one format "
            "(for example -a policymaker -f pdf -o -), or give -o a folder"
        )
    if as_json:
        raise UsageError("-o - writes the file itself to standard output, so --json cannot go with it; drop one")
    if changes_since:
        raise UsageError("-o - writes one file; --changes-since adds a second (the redline): build to a folder")


@cli.command(
    epilog="""\b
Examples:
  briefgen serve --open                preview every audience, in a new browser tab
  briefgen serve -a analyst --port 0   one audience's page, on any free port
"""
)
@click.argument("brief", required=False, shell_complete=complete_brief)
@click.option("--audience", "-a", help="Open this audience's preview first.", shell_complete=complete_audience)
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on (loopback by default).")
@click.option("--port", default=8000, show_default=True, type=int, help="Port (0 picks a free one).")
@click.option("--open", "open_browser", is_flag=True, help="Open the preview in the web browser once it is listening.")
@click.option("--site", "whole_site", is_flag=True, help="Write the site (as 'briefgen site' does) and serve it.")
@voice_options
@pass_state
def serve(
    state: State, brief: str | None, audience: str | None, host: str, port: int, open_browser: bool, whole_site: bool
) -> None:
    """Live HTML preview of BRIEF for every audience; reloads in the browser when a file is saved."""
    from briefgen.commands.serve import PreviewServer, open_in_browser

    level = logging.WARNING if state.quiet else logging.INFO if state.voice.verbosity < 2 else logging.DEBUG
    logging.getLogger("briefgen").setLevel(level)
    if whole_site:
        if brief or audience:
            raise UsageError("serve --site shows every published brief; leave out BRIEF and -a")
        server = _site_server(state, host, port)
        page = server.url
    else:
        server = PreviewServer(state.workspace or find_workspace(), brief, host, port).start()
        page = f"{server.url}{'audience/' + audience if audience else ''}"
    click.echo(f"{'serving the site' if whole_site else 'previewing'} at {page} (Ctrl+C to stop)")
    try:
        if open_browser and not open_in_browser(page):
            click.echo(f"could not open a web browser here; open {page} yourself", err=True)
        while True:
            time.sleep(3600)
    finally:
        server.stop()


def _site_server(state: State, host: str, port: int) -> Any:
    """The site written now, served from its folder."""
    from briefgen.commands.site.static import SiteServer

    result = _write_site(state, None, True)
    return SiteServer(result.folder, host, port).start()


def _write_site(state: State, out_dir: Path | None, search: bool) -> Any:
    from briefgen.commands.progress import build_progress
    from briefgen.commands.site import write_site

    console = None if state.quiet else state.console()
    with build_progress(console, state.quiet, bar=True) as progress:
        result = write_site(state.workspace, out_dir, progress, search)
    if not state.quiet and not state.voice.json:  # with --json, all of it is in the JSON
        for item in result.left_out:
            click.echo(f"left out: {item.line()}", err=True)
        if not result.published:
            click.echo("warning: no brief was published: every audience's brief is left out (above)", err=True)
        if search and result.search != "indexed":
            click.echo(f"warning: {result.search}", err=True)
    return result


@cli.command(
    epilog="""\b
Examples:
  briefgen site                        every brief its markings allow, in dist/site/
  briefgen serve --site                the same site, served on a local port to look at
"""
)
@out_option("Folder for the site (default: dist/site in the workspace's output folder).")
@click.option("--no-search", is_flag=True, help="Write no search index (Pagefind).")
@json_option("Print what was published and left out as JSON.")
@voice_options
@pass_state
def site(state: State, out_dir: Path | None, no_search: bool, as_json: bool) -> None:
    """Write a static site of every brief of the workspace, for each audience its markings allow.

    Pages, downloads, issued versions, a feed and search, in one folder that is replaced whole on
    the next run (a folder briefgen site did not write, unless empty, is never replaced). -o is
    relative to the current folder.
    """
    from briefgen.cli.base import refuse_stdout

    refuse_stdout(out_dir, "site writes a folder")
    result = _write_site(state, out_dir, not no_search)
    if as_json:
        state.emit("site", result.to_json(Path.cwd()))
        return
    briefs = len({brief for brief, _ in result.published})
    left = (
        f"; {len(result.left_out)} left out (listed in {shown_path(result.report, Path.cwd())})"
        if result.left_out
        else ""
    )
    click.echo(
        f"wrote the site in {shown_path(result.folder, Path.cwd())}: {briefs} brief{'s' * (briefs != 1)}, "
        f"{len(result.published)} audience page{'s' * (len(result.published) != 1)}{left}; "
        f"open {shown_path(result.folder / 'index.html', Path.cwd())}"
    )


@cli.command(
    epilog="""\b
Examples:
  briefgen release --note "Sent to the minister"   record brief.yaml's version as issued
  briefgen release --leave-out-drafts              issue it without the blocks still in review
"""
)
@click.argument("brief", required=False, shell_complete=complete_brief)
@click.option("--version", "version", help="The version to record (default: version: in brief.yaml).")
@click.option("--note", default="", help="A line saying why, or to whom, this version was issued.")
@click.option("--leave-out-drafts", is_flag=True, help="Release although some blocks are still in draft or review.")
@json_option("Print what was recorded as JSON.")
@voice_options
@pass_state
def release(
    state: State, brief: str | None, version: str | None, note: str, leave_out_drafts: bool, as_json: bool
) -> None:
    """Record the brief as issued: what every audience read, under briefs/BRIEF/releases/VERSION/ (commit it)."""
    from briefgen.commands.release import release as record_release

    recorded = record_release(state.workspace, brief, version, note, leave_out_drafts)
    if as_json:
        state.emit("release", recorded.to_json())
        return
    click.echo(recorded.summary())


@cli.command()
@click.argument("brief", required=False, shell_complete=complete_brief)
@json_option("Print the releases as JSON.")
@voice_options
@pass_state
def releases(state: State, brief: str | None, as_json: bool) -> None:
    """The issued versions of BRIEF: version, date, note and audiences, oldest first."""
    from briefgen.commands.release import releases as list_releases
    from briefgen.commands.release import releases_lines

    name, found = list_releases(state.workspace, brief)
    if as_json:
        state.emit("releases", {"brief": name, "releases": found})
        return
    click.echo("\n".join(releases_lines(name, found)))


@cli.command()
@click.argument("docx", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@json_option("Print the comments and changes as JSON.")
@click.option("--apply", "apply_changes", is_flag=True, help="Write the changes into the YAML (blocks and brief.yaml).")
@click.option("--dry-run", is_flag=True, help="With --apply: print the YAML diff instead of writing it.")
@voice_options
@pass_state
def review(state: State, docx: Path, as_json: bool, apply_changes: bool, dry_run: bool) -> None:
    """Comments and tracked changes of a reviewed DOCX, each at its block's file:line:column.

    Changes are the tracked ones and every edit made with tracking off (found by comparing the
    text with the text the DOCX was built with). With --apply, each change that maps with
    certainty to one field is written into the YAML (as if accepted in Word); the rest are listed
    with the reason, and the command exits 1 unless every change was applied. --json gives each
    item's kind, status and reason, with or without --apply.

    \b
    Examples:
      briefgen review reviewed.docx                    each comment and change at its file:line:column
      briefgen review reviewed.docx --apply --dry-run  the YAML diff --apply would write
      briefgen review reviewed.docx --apply            write the accepted changes into the YAML
    """
    from briefgen.review import apply_review, format_application, format_text, review_docx, review_json

    if dry_run and not apply_changes:
        raise UsageError("--dry-run shows what --apply would write; use both: --apply --dry-run")
    result = review_docx(docx, state.workspace)
    if not apply_changes:
        if as_json:
            state.emit("review", review_json(result))
        else:
            click.echo(format_text(result))
        return
    application = apply_review(result, dry_run=dry_run)
    if as_json:
        files = [(f.display, f.diff()) for f in application.files]
        state.emit("review", review_json(result, files, dry_run), ok=not application.waiting)
    else:
        click.echo(format_application(result, application, dry_run))
    if application.waiting:
        raise click.exceptions.Exit(1)
