"""How every command speaks (commands/output.py, cli/): one JSON envelope for scripts, valid against
schemas/output.schema.json, on success, content errors, usage errors and bugs; results on stdout and
progress on stderr; -q and -v on every command; NO_COLOR and --color; `build -o -`; `init` here;
and `doctor`."""

import json
import os
from pathlib import Path

import click
import jsonschema
import pytest
from conftest import ROOT, copy_fixture

from briefgen import __version__
from briefgen.cli import cli, main

SCHEMA = json.loads((ROOT / "schemas" / "output.schema.json").read_text(encoding="utf-8"))  # `briefgen schema`
VALIDATOR = jsonschema.Draft202012Validator(SCHEMA)


def run_main(args: list[str], monkeypatch, capsysbinary, env: dict[str, str] | None = None):
    """Run the real entry point: (exit code, stdout bytes, stderr text)."""
    monkeypatch.setattr("sys.argv", ["briefgen", *args])
    for key, value in (env or {}).items():
        monkeypatch.setenv(key, value)
    with pytest.raises(SystemExit) as exit_info:
        main()
    out = capsysbinary.readouterr()
    return exit_info.value.code, out.out, out.err.decode()


def envelope(out: bytes) -> dict:
    """stdout as one JSON document (json.loads refuses anything before or after it), schema-checked."""
    data = json.loads(out.decode("utf-8"))
    errors = sorted(VALIDATOR.iter_errors(data), key=str)
    assert not errors, [f"{list(e.absolute_path)}: {e.message}" for e in errors]
    return data


@pytest.fixture
def workspace(minimal: Path) -> Path:
    return minimal


# ---------------------------------------------------------------- the envelope, command by command


ANSWERING = [
    (["check"], "check"),
    (["list"], "list"),
    (["list", "--shards", "2"], "list"),
    (["stats"], "stats"),
    (["releases"], "releases"),
    (["explain", "budget.pages"], "explain"),
    (["explain"], "explain"),
    (["new", "block", "demo", "--section", "risks", "--kind", "risk", "--title", "Talks fail"], "new block"),
    (["new", "brief", "second"], "new brief"),
    (["build", "-a", "reader", "-f", "md"], "build"),
    (["doctor"], "doctor"),
]


@pytest.mark.parametrize(("args", "command"), ANSWERING, ids=[" ".join(a) for a, _ in ANSWERING])
def test_every_answer_is_one_envelope_that_the_schema_accepts(args, command, workspace, monkeypatch, capsysbinary):
    code, out, _ = run_main(["-w", str(workspace), *args, "--json"], monkeypatch, capsysbinary)
    data = envelope(out)
    assert code == 0
    assert (data["briefgen"], data["command"], data["ok"]) == (__version__, command, True)
    assert data["result"] is not None


def test_build_json_holds_the_manifest_and_the_file_it_names(workspace, monkeypatch, capsysbinary):
    code, out, err = run_main(
        ["-w", str(workspace), "build", "-a", "reader", "-f", "md", "--json"], monkeypatch, capsysbinary
    )
    data = envelope(out)
    (manifest,) = data["result"]["briefs"]
    (entry,) = manifest["outputs"]
    assert (manifest["brief"], entry["audience"], entry["format"]) == ("demo", "reader", "md")
    assert (workspace / "dist" / "demo" / entry["path"]).stat().st_size == entry["bytes"]
    assert "built dist/demo/demo-reader.md" in err or "demo: built 1 file" in err  # progress on stderr


def test_init_json_lists_the_files_it_wrote(tmp_path, monkeypatch, capsysbinary):
    code, out, _ = run_main(["init", str(tmp_path / "ws"), "--json"], monkeypatch, capsysbinary)
    data = envelope(out)
    assert code == 0 and data["command"] == "init"
    assert "ws/briefgen.yaml" in {Path(p).as_posix()[-len("ws/briefgen.yaml") :] for p in data["result"]["written"]}


def test_schema_json_lists_the_schemas_written(tmp_path, monkeypatch, capsysbinary):
    code, out, _ = run_main(["schema", "--out", str(tmp_path / "s"), "--json"], monkeypatch, capsysbinary)
    data = envelope(out)
    assert code == 0 and sorted(Path(p).name for p in data["result"]["written"]) == sorted(
        p.name for p in (tmp_path / "s").iterdir()
    )


# ---------------------------------------------------------------- endings that are not answers


@pytest.mark.parametrize("command", ["check", "list", "build", "stats", "release"])
def test_content_errors_give_the_envelope_with_every_problem_and_exit_1(command, tmp_path, monkeypatch, capsysbinary):
    broken = copy_fixture("broken", tmp_path)
    code, out, err = run_main(["-w", str(broken), command, "--json"], monkeypatch, capsysbinary)
    data = envelope(out)
    assert code == 1 and err == ""  # the problems are said once, in the envelope
    assert (data["command"], data["ok"], data["result"]) == (command, False, None) or command == "check"
    errors = [p for p in data["problems"] if p["severity"] == "error"]
    assert errors and all(p["path"] and p["line"] for p in errors if p["code"] != "command.usage")
    # the same problems check --json reports, whichever command met them
    code, checked, _ = run_main(["-w", str(broken), "check", "--json"], monkeypatch, capsysbinary)
    assert [p for p in json.loads(checked)["problems"] if p["severity"] == "error"] == errors


USAGE = [
    (["build", "--bogus"], "build", "No such option '--bogus'."),
    (["build", "-a", "nobody"], "build", "no audience named 'nobody'; audiences: boss, reader, public"),
    (["list", "--shards", "0"], "list", "--shards N splits the export into at most N CI jobs; give 1 or more, not 0"),
    (
        ["build", "-a", "reader", "-f", "md", "-f", "pdf", "-o", "-"],
        "build",
        "-o - writes one file to standard output: name one audience and one format "
        "(for example -a policymaker -f pdf -o -), or give -o a folder",
    ),
    (["nonsense"], "", "No such command 'nonsense'."),
    (["new", "block", "demo", "--kind", "risk"], "new block", "Missing option '--section'."),
]


@pytest.mark.parametrize(("args", "command", "message"), USAGE, ids=[" ".join(a) for a, _, _ in USAGE])
def test_usage_errors_give_the_envelope_and_exit_2(args, command, message, workspace, monkeypatch, capsysbinary):
    code, out, err = run_main(["-w", str(workspace), *args, "--json"], monkeypatch, capsysbinary)
    data = envelope(out)
    assert code == 2
    assert (data["command"], data["ok"], data["result"]) == (command, False, None)
    (problem,) = data["problems"]
    assert problem["code"] == "command.usage" and problem["message"].startswith(message)
    assert err == ""  # said once, in the envelope
    code, _, err = run_main(["-w", str(workspace), *args], monkeypatch, capsysbinary)
    assert code == 2 and message in err  # without --json, on stderr


def test_a_bug_gives_the_envelope_too_and_exit_70(workspace, monkeypatch, capsysbinary):
    def broken(*_args, **_kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr("briefgen.commands.stats.brief_stats", broken)
    code, out, err = run_main(["-w", str(workspace), "stats", "--json"], monkeypatch, capsysbinary)
    data = envelope(out)
    assert code == 70 and data["problems"][0]["code"] == "command.internal"
    assert "RuntimeError: boom" in err and "this is a bug in briefgen" in err


def test_check_without_json_keeps_its_text_and_exit_codes(tmp_path, monkeypatch, capsysbinary):
    broken = copy_fixture("broken", tmp_path)
    code, out, err = run_main(["-w", str(broken), "check"], monkeypatch, capsysbinary)
    assert code == 1 and out == b"" and "check failed:" in err


# ---------------------------------------------------------------- stdout is for results


def test_build_prints_nothing_on_stdout_but_its_answer(workspace, monkeypatch, capsysbinary):
    code, out, err = run_main(["-w", str(workspace), "build", "-a", "reader", "-f", "md"], monkeypatch, capsysbinary)
    assert code == 0 and out == b""
    assert "demo: built 1 file in " in err


def test_build_to_stdout_writes_the_file_itself(workspace, monkeypatch, capsysbinary):
    code, out, err = run_main(
        ["-w", str(workspace), "build", "-a", "reader", "-f", "md", "-o", "-"], monkeypatch, capsysbinary
    )
    assert code == 0
    assert out == (workspace / "dist" / "demo" / "demo-reader.md").read_bytes()
    assert out.startswith(b"---\n") or b"# " in out
    # an output already up to date is written too
    code, again, _ = run_main(
        ["-w", str(workspace), "build", "-a", "reader", "-f", "md", "-o", "-"], monkeypatch, capsysbinary
    )
    assert again == out


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (
            ["-a", "reader", "-f", "md", "--json"],
            "-o - writes the file itself to standard output, so --json cannot go with it",
        ),
        (["-a", "reader", "-f", "md", "--changes-since", "1"], "-o - writes one file; --changes-since adds a second"),
        (["--all", "-a", "reader", "-f", "md"], "-o - writes one file to standard output: name one audience"),
        (["-f", "md"], "-o - writes one file to standard output: name one audience"),
    ],
)
def test_build_to_stdout_is_refused_for_anything_but_one_file(extra, message, workspace, monkeypatch, capsysbinary):
    code, out, err = run_main(["-w", str(workspace), "build", *extra, "-o", "-"], monkeypatch, capsysbinary)
    assert code == 2 and message in (envelope(out)["problems"][0]["message"] if "--json" in extra else err)
    assert not (workspace / "-").exists()


def test_other_commands_refuse_an_output_folder_named_dash(workspace, monkeypatch, capsysbinary):
    code, _, err = run_main(["-w", str(workspace), "schema", "--out", "-"], monkeypatch, capsysbinary)
    assert code == 2
    assert "Error: -o - writes to standard output only with build; schema writes several files: give a folder" in err


# ---------------------------------------------------------------- -q and -v, the same on every command


def _every_command():
    for name, command in sorted(cli.commands.items()):
        subcommands = getattr(command, "commands", None)
        if subcommands:
            yield from ((f"{name} {sub}", c) for sub, c in sorted(subcommands.items()))
        else:
            yield name, command


@pytest.mark.parametrize(("name", "command"), list(_every_command()), ids=[n for n, _ in _every_command()])
def test_every_command_takes_q_and_v(name, command):
    options = {opt for param in command.params for opt in param.opts}
    assert {"-q", "--quiet", "-v", "--verbose"} <= options, name
    if name != "serve":  # serve answers in a browser, not on stdout
        assert "--json" in options, name


def test_q_leaves_only_errors(tmp_path, monkeypatch, capsysbinary):
    broken = copy_fixture("broken", tmp_path)
    _, _, normal = run_main(["-w", str(broken), "check"], monkeypatch, capsysbinary)
    _, _, quiet = run_main(["-w", str(broken), "check", "-q"], monkeypatch, capsysbinary)
    _, _, group_quiet = run_main(["-w", str(broken), "-q", "check"], monkeypatch, capsysbinary)
    assert ": warning: " in normal
    assert ": warning: " not in quiet and ": note: " not in quiet and ": error: " in quiet
    assert quiet == group_quiet


@pytest.mark.parametrize(
    ("verbosity", "shown"), [(-1, {"error"}), (0, {"error", "warning"}), (1, {"error", "warning", "note"})]
)
def test_a_voice_shows_errors_always_warnings_unless_quiet_and_notes_when_verbose(verbosity, shown):
    from briefgen.commands.output import Voice
    from briefgen.diagnostics import Severity

    assert {s.value for s in Severity if Voice(verbosity=verbosity).shows(s)} == shown


def test_quiet_build_prints_nothing(workspace, monkeypatch, capsysbinary):
    code, out, err = run_main(
        ["-w", str(workspace), "build", "-a", "reader", "-f", "md", "-q"], monkeypatch, capsysbinary
    )
    assert (code, out, err) == (0, b"", "")


# ---------------------------------------------------------------- colour


@pytest.mark.parametrize(
    ("args", "env", "coloured"),
    [
        (["--color", "always"], {}, True),
        (["--color", "always"], {"NO_COLOR": "1"}, True),  # the option beats the environment
        (["--color", "never"], {}, False),
        ([], {"NO_COLOR": "1", "FORCE_COLOR": "1"}, False),
        ([], {}, False),  # not a terminal
    ],
)
def test_colour_follows_the_option_then_no_color(args, env, coloured, workspace, monkeypatch, capsysbinary):
    for key in ("NO_COLOR", "FORCE_COLOR"):
        monkeypatch.delenv(key, raising=False)
    code, out, _ = run_main([*args, "-w", str(workspace), "list"], monkeypatch, capsysbinary, env)
    assert code == 0 and b"reader" in out
    assert (b"\x1b[" in out) is coloured


# ---------------------------------------------------------------- init here


def test_init_without_a_folder_fills_the_empty_current_folder(tmp_path, monkeypatch, capsysbinary):
    here = tmp_path / "here"
    (here / ".git").mkdir(parents=True)  # hidden entries do not count, as for git init
    monkeypatch.chdir(here)
    code, out, _ = run_main(["init"], monkeypatch, capsysbinary)
    assert code == 0
    assert out.decode().startswith("created a workspace with ") and out.decode().endswith("; next: briefgen build\n")
    assert (here / "briefgen.yaml").is_file()


def test_init_without_a_folder_refuses_a_folder_that_holds_files(tmp_path, monkeypatch, capsysbinary):
    monkeypatch.chdir(tmp_path)
    for name in ("notes.txt", "a", "b", "c"):
        (tmp_path / name).write_text("mine")
    code, _, err = run_main(["init"], monkeypatch, capsysbinary)
    assert code == 2
    assert err == (
        "Error: the current folder is not empty (it holds a, b, c and 1 more); run briefgen init in an empty "
        "folder, or name a new one: briefgen init FOLDER\n"
    )
    assert sorted(os.listdir(tmp_path)) == ["a", "b", "c", "notes.txt"]


# ---------------------------------------------------------------- doctor


def test_doctor_says_what_this_machine_has(workspace, monkeypatch, capsysbinary):
    code, out, _ = run_main(["-w", str(workspace), "doctor"], monkeypatch, capsysbinary)
    text = out.decode()
    assert code == 0 and text.endswith("this machine can build briefs\n")
    for name in (
        "Python",
        "briefgen",
        "Pandoc",
        "WeasyPrint",
        "house fonts",
        "font for Arabic",
        "LibreOffice",
        "cache",
    ):
        assert f"  {name}: " in text, name
    assert f"output folder: {(workspace / 'dist').resolve()} can be written" in text


def test_doctor_fails_and_says_what_to_install_when_pandoc_is_missing(workspace, monkeypatch, capsysbinary, tmp_path):
    from briefgen.runtime import versions

    monkeypatch.setattr(versions, "_pandoc", lambda: "unavailable (no such file)")
    code, out, _ = run_main(["-w", str(workspace), "doctor", "--json"], monkeypatch, capsysbinary)
    data = envelope(out)
    assert code == 1 and data["ok"] is False and data["result"]["ok"] is False
    (pandoc,) = [c for c in data["result"]["checks"] if c["name"] == "Pandoc"]
    assert pandoc == {
        "name": "Pandoc",
        "status": "error",
        "found": "unavailable (no such file)",
        "fix": "pip install --force-reinstall pypandoc-binary (briefgen's Pandoc)",
    }


def test_doctor_fails_on_an_output_folder_it_cannot_write(workspace, monkeypatch, capsysbinary, tmp_path):
    blocked = tmp_path / "file"
    blocked.write_text("not a folder")
    code, out, _ = run_main(["-w", str(workspace), "doctor", "-o", str(blocked / "out")], monkeypatch, capsysbinary)
    text = out.decode()
    assert code == 1
    assert "MISSING  output folder: " in text and "this machine cannot build briefs: 1 thing missing" in text


@pytest.mark.parametrize("where", ["group", "command"])
def test_problems_are_coloured_by_severity_when_asked(where, tmp_path, monkeypatch, capsysbinary):
    broken = copy_fixture("broken", tmp_path)
    monkeypatch.delenv("NO_COLOR", raising=False)
    args = ["--color", "always", "-w", str(broken), "check"] if where == "group" else ["-w", str(broken), "check"]
    args += [] if where == "group" else ["--color", "always"]
    _, _, coloured = run_main(args, monkeypatch, capsysbinary)
    _, _, plain = run_main(["-w", str(broken), "check"], monkeypatch, capsysbinary)
    assert "\x1b[31m\x1b[1merror\x1b[0m" in coloured and "\x1b[33m\x1b[1mwarning\x1b[0m" in coloured
    assert "\x1b[" not in plain  # not a terminal
    assert click.unstyle(coloured) == plain
