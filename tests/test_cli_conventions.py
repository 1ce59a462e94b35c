"""The conventions of the tools around briefgen: JSON for scripts, GitHub annotations, --version,
examples in --help, shell completion, serve --open, and a package that imports on Windows."""

import errno
import json
import os
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import FIXTURES, ROOT, copy_fixture

from briefgen.cli import cli, main
from briefgen.diagnostics import Diagnostic, Location, Severity, github_annotation


def run(*args: str, env: dict[str, str] | None = None):
    return CliRunner().invoke(cli, list(args), catch_exceptions=False, env=env)


def run_main(args: list[str], monkeypatch, capsys) -> tuple[int, str, str]:
    monkeypatch.setattr("sys.argv", ["briefgen", *args])
    with pytest.raises(SystemExit) as exit_info:
        main()
    out = capsys.readouterr()
    return exit_info.value.code, out.out, out.err


def git(root: Path, *args: str) -> None:
    subprocess.run(
        ["git", "-C", str(root), "-c", "user.email=t@example.org", "-c", "user.name=t", *args],
        check=True,
        capture_output=True,
    )


# ---------------------------------------------------------------- check --json, --format github


def test_check_json_lists_every_problem_as_an_object_with_workspace_paths(tmp_path: Path, monkeypatch, capsys):
    broken = copy_fixture("broken", tmp_path)
    code, out, err = run_main(["-w", str(broken), "check", "--json"], monkeypatch, capsys)
    assert code == 1 and err == ""
    data = json.loads(out)
    report = {"ok": data["ok"], **data["result"], "diagnostics": data["problems"]}
    assert {k: report[k] for k in ("ok", "strict", "errors", "warnings", "verdict")} == {
        "ok": False,
        "strict": False,
        "errors": 14,
        "warnings": 3,
        "verdict": "check failed: 14 errors, 3 warnings",
    }
    assert report["diagnostics"][8] == {
        "severity": "error",
        "code": "block.unknown-section",
        "message": "section 'mian' is not defined in brief.yaml (did you mean 'main'?); use one of: main",
        "path": "briefs/demo/blocks/g-section.yaml",
        "line": 1,
        "column": 10,
    }
    encoding = next(d for d in report["diagnostics"] if d["code"] == "file.encoding")
    assert (encoding["line"], encoding["column"]) == (4, None)  # a line without a column is not column 0
    assert all(list(d) == ["severity", "code", "message", "path", "line", "column"] for d in report["diagnostics"])
    # The text report holds the same problems, in the same order.
    expected = (FIXTURES / "broken.expected").read_text(encoding="utf-8").splitlines()
    for d, line in zip(report["diagnostics"], expected, strict=True):
        assert line.startswith(f"{d['path']}:{d['line']}:") and line.endswith(f"{d['message']} [{d['code']}]")


def test_check_json_on_a_clean_workspace_exits_0(minimal: Path, monkeypatch, capsys):
    code, out, err = run_main(["-w", str(minimal), "check", "--json", "--strict"], monkeypatch, capsys)
    data = json.loads(out)
    assert code == 0 and data["ok"] is True and data["result"]["errors"] == data["result"]["warnings"] == 0
    assert {d["severity"] for d in data["problems"]} <= {"note"}


def test_check_format_github_prints_annotations_and_keeps_the_exit_code(tmp_path: Path, monkeypatch, capsys):
    broken = copy_fixture("broken", tmp_path)
    monkeypatch.delenv("GITHUB_WORKSPACE", raising=False)
    code, out, err = run_main(["-w", str(broken), "check", "--format", "github"], monkeypatch, capsys)
    assert code == 1
    lines = out.splitlines()
    assert len(lines) == 17
    assert lines[0] == (
        "::error file=briefs/demo/blocks/a-syntax.yaml,line=4,col=7::this quoted text is never closed: add the "
        'closing " at the end of the text that starts here [yaml.syntax]'
    )
    assert (
        "::warning file=briefs/demo/blocks/i-tag.yaml,line=4,col=7::tag 'interal' here and tag 'internal' in "
        "audience 'press' differ by a letter or two; one of them is probably misspelt, and a misspelt tag can leak "
        "a block to an audience that should not get it [block.tag-typo]"
    ) in lines
    assert "::error file=briefs/demo/blocks/k-encoding.yaml,line=4::the file is not UTF-8 text" in out
    assert err == "check failed: 14 errors, 3 warnings\n"


def test_github_annotations_are_placed_from_the_checkout_and_escaped(tmp_path: Path, monkeypatch):
    checkout = tmp_path / "repo"
    workspace = checkout / "policy"
    path = workspace / "briefs/a,b:c/blocks/x.yaml"
    message = "100% sure\r\nsecond line: a, b"
    diagnostic = Diagnostic(Severity.WARNING, "block.stale", message, Location(path, 3, 5))
    monkeypatch.delenv("GITHUB_WORKSPACE", raising=False)
    assert github_annotation(diagnostic, workspace) == (
        "::warning file=briefs/a%2Cb%3Ac/blocks/x.yaml,line=3,col=5::100%25 sure%0D%0Asecond line: a, b [block.stale]"
    )
    monkeypatch.setenv("GITHUB_WORKSPACE", str(checkout))  # the workspace is a folder of the repository
    assert github_annotation(diagnostic, workspace).startswith("::warning file=policy/briefs/a%2Cb%3Ac/blocks/x.yaml,")
    note = Diagnostic(Severity.NOTE, "parity", "no place")
    assert github_annotation(note, workspace) == "::notice::no place [parity]"


# ---------------------------------------------------------------- stats --json, diff --json


def test_stats_json_has_the_figures_of_the_table(minimal: Path):
    result = run("-w", str(minimal), "stats", "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)["result"]
    assert data["brief"] == "demo" and [a["audience"] for a in data["audiences"]] == ["boss", "reader", "public"]
    boss = data["audiences"][0]
    assert list(boss) == [
        "audience",
        "words",
        "reading_minutes",
        "pages",
        "pages_from",
        "max_pages",
        "over_budget",
        "citations",
        "figures",
        "blocks_by_status",
    ]
    assert (boss["pages"], boss["pages_from"], boss["max_pages"], boss["over_budget"]) == (1, "render", 2, False)
    assert data["audiences"][1]["blocks_by_status"] == {"approved": 7, "draft": 1}


def test_diff_json_names_blocks_and_audiences(minimal: Path):
    git(minimal, "init", "-q")
    git(minimal, "add", ".")
    git(minimal, "commit", "-qm", "start")
    block = minimal / "briefs/demo/blocks/missiles.yaml"
    block.write_text(block.read_text().replace("They stayed", "They remained"), encoding="utf-8")
    result = run("-w", str(minimal), "diff", "HEAD", "--json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["result"] == {
        "brief": "demo",
        "revision": "HEAD",
        "blocks": [
            {
                "block": "missiles",
                "change": "modified",
                "path": "briefs/demo/blocks/missiles.yaml",
                "audiences": ["reader", "public"],  # boss reads the summary, which did not change
            }
        ],
        "figures": [],
        "shared": [],
        "audiences": ["reader", "public"],
    }


# ---------------------------------------------------------------- --version, --help


def test_version_names_the_engines():
    result = run("--version")
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert [line.split()[0] for line in lines] == ["briefgen", "WeasyPrint", "Pandoc", "python-docx"]
    from importlib.metadata import version

    assert lines[1] == f"WeasyPrint {version('weasyprint')}"
    assert lines[3] == f"python-docx {version('python-docx')}"
    pandoc = lines[2].split()
    assert pandoc[1][0].isdigit() and lines[2].endswith(f"(pypandoc-binary {version('pypandoc-binary')})")


@pytest.mark.parametrize("command", ["check", "stats", "diff", "serve", "init", "schema"])
def test_help_shows_examples_line_by_line(command: str):
    result = run(command, "--help")
    assert result.exit_code == 0
    examples = [line.strip() for line in result.stdout.split("Examples:\n", 1)[1].splitlines() if line.strip()]
    assert len(examples) == (3 if command in ("check", "init") else 2)  # kept as written (\b)
    assert all(line.startswith(("briefgen ", "cd ")) and "  " in line for line in examples)


# ---------------------------------------------------------------- shell completion


def complete(words: str, shell: str = "bash") -> list[str]:
    env = {"_BRIEFGEN_COMPLETE": f"{shell}_complete", "COMP_WORDS": words, "COMP_CWORD": str(len(words.split()))}
    if not words.endswith(" "):
        env["COMP_CWORD"] = str(len(words.split()) - 1)
    result = CliRunner().invoke(cli, [], prog_name="briefgen", env=env)
    assert result.exit_code == 0 and "Traceback" not in result.output
    return [line.split(",", 1)[1] for line in result.stdout.splitlines() if line]


def test_completion_offers_briefs_and_audiences_of_the_workspace(minimal: Path):
    new = minimal / "briefs/second"
    new.mkdir()
    (new / "brief.yaml").write_text("title: Second\n", encoding="utf-8")
    (minimal / "briefs/not-a-brief").mkdir()
    assert complete(f"briefgen -w {minimal} check ") == ["demo", "second"]
    assert complete(f"briefgen -w {minimal} stats s") == ["second"]
    assert complete(f"briefgen -w {minimal} diff HEAD ") == ["demo", "second"]
    assert complete(f"briefgen -w {minimal} serve -a ") == ["boss", "reader", "public"]
    assert complete(f"briefgen -w {minimal} serve --audience r") == ["reader"]


def test_completion_never_fails(tmp_path: Path, minimal: Path):
    assert complete(f"briefgen -w {tmp_path / 'nowhere'} check ") == []
    (minimal / "audiences.yaml").write_text("boss: [\n", encoding="utf-8")
    assert complete(f"briefgen -w {minimal} serve -a ") == []
    (minimal / "audiences.yaml").write_bytes(b"\xff\xfe")
    assert complete(f"briefgen -w {minimal} serve -a ") == []


def test_readme_says_how_to_enable_completion():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "_BRIEFGEN_COMPLETE=bash_source briefgen" in readme
    assert "_BRIEFGEN_COMPLETE=zsh_source briefgen" in readme
    assert "_BRIEFGEN_COMPLETE=fish_source briefgen" in readme


# ---------------------------------------------------------------- serve --open


def test_serve_open_opens_the_browser_once_the_preview_answers(minimal: Path, monkeypatch):
    import webbrowser

    opened: list[tuple[str, str]] = []

    def browser(url: str, new: int = 0, autoraise: bool = True) -> bool:
        with urllib.request.urlopen(url, timeout=60) as response:  # the server is listening already
            opened.append((url, response.read().decode()))
        raise KeyboardInterrupt  # the user stops the preview

    monkeypatch.setattr(webbrowser, "open", browser)
    result = CliRunner().invoke(cli, ["-w", str(minimal), "serve", "--port", "0", "-a", "reader", "--open"])
    assert len(opened) == 1
    url, page = opened[0]
    assert url.startswith("http://127.0.0.1:") and url.endswith("/audience/reader")
    assert "Long history of the" in page
    assert f"previewing at {url}" in result.output


def test_serve_without_open_opens_nothing(minimal: Path, monkeypatch):
    import webbrowser

    asked: list[str] = []
    monkeypatch.setattr(webbrowser, "open", lambda url, *a, **k: asked.append(url))
    monkeypatch.setattr("briefgen.cli.building.time", type("Clock", (), {"sleep": staticmethod(_interrupt)}))
    result = CliRunner().invoke(cli, ["-w", str(minimal), "serve", "--port", "0"])
    assert "previewing at http://127.0.0.1:" in result.output
    assert asked == []


def _interrupt(_seconds: float) -> None:
    raise KeyboardInterrupt  # the user stops the preview


# ---------------------------------------------------------------- portability and the lock


WITHOUT_POSIX = """
import os, signal, sys
sys.modules["fcntl"] = None  # as on Windows: import fcntl fails
for name in os.environ["WITHOUT"].split():
    if hasattr(os, name):
        delattr(os, name)
del signal.SIGKILL
sys.argv = ["briefgen", *sys.argv[1:]]
from briefgen.cli import main
main()
"""


@pytest.mark.slow
def test_briefgen_runs_without_posix_only_calls(tmp_path: Path):
    """What Windows lacks (fcntl, O_NOFOLLOW, O_NONBLOCK, fchmod, pidfd_open, SIGKILL) is only used guarded."""
    ws = copy_fixture("minimal", tmp_path)
    env = {
        **os.environ,
        "XDG_CACHE_HOME": str(tmp_path / "cache"),
        "WITHOUT": "O_NOFOLLOW O_NONBLOCK fchmod pidfd_open",
    }
    for args in (["-w", str(ws), "check"], ["-w", str(ws), "list", "--json"], ["--version"]):
        result = subprocess.run(
            [sys.executable, "-c", WITHOUT_POSIX, *args], capture_output=True, text=True, env=env, timeout=300
        )
        assert result.returncode == 0, result.stderr
        assert "Traceback" not in result.stderr
    # A build locks its folder without fcntl too (filelock's POSIX fallback needs fchmod, which Windows does
    # not use: it locks with msvcrt).
    result = subprocess.run(
        [sys.executable, "-c", WITHOUT_POSIX, "-w", str(ws), "build", "-a", "reader", "-f", "md", "-j", "1"],
        capture_output=True,
        text=True,
        env={**env, "WITHOUT": "O_NOFOLLOW O_NONBLOCK pidfd_open"},
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    assert (ws / "dist/demo/demo-reader.md").is_file()
    assert (ws / "dist/.briefgen-cache/locks").is_dir()


def test_a_linked_lock_file_is_refused(minimal: Path, tmp_path: Path, monkeypatch, capsys):
    elsewhere = tmp_path / "elsewhere.txt"
    elsewhere.write_text("not yours", encoding="utf-8")
    locks = minimal / "dist/.briefgen-cache/locks"
    locks.mkdir(parents=True)
    os.symlink(elsewhere, locks / "demo.lock")
    code, _, err = run_main(["-w", str(minimal), "build", "-a", "reader", "-f", "html", "-j", "1"], monkeypatch, capsys)
    assert code == 1, err
    lock = locks / "demo.lock"
    assert err.endswith(  # after the progress lines of what was rendered, never published
        f"Error: cannot create the lock file {lock}: {os.strerror(errno.ELOOP)}; choose another --out folder or fix "
        "the permissions of this one\n"
    )
    assert elsewhere.read_text(encoding="utf-8") == "not yours"
    assert not (minimal / "dist/demo/demo-reader.html").exists()
