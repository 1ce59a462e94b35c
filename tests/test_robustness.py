"""Random content never crashes briefgen, and a killed build never leaves a half-written output."""

import os
import queue
import re
import signal
import subprocess
import sys
import threading
import time
from html.parser import HTMLParser
from pathlib import Path

import docx
import pytest
import yaml
from conftest import copy_fixture
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from pypdf import PdfReader

from briefgen.build import BuildOptions, build
from briefgen.content.theme_tokens import SCHEMA
from briefgen.document.workspace import open_workspace
from briefgen.errors import BriefgenError

# Text a reader may paste: combining marks, right-to-left scripts, emoji, CJK, control characters.
ALPHABETS = st.sampled_from(
    [
        "abc def ghi",
        "e\u0301 a\u0308 n\u0303",
        "\u05e9\u05dc\u05d5\u05dd \u0645\u0631\u062d\u0628\u0627",
        "\U0001f600 \U0001f30f \u2764\ufe0f",
        "\u5317\u65b9\u9818\u571f \u65e5\u672c",
        "\x0b\x00\x1f\u200b\ufeff",
        "*_`[]()<>@#{}%",
        "Hokkaid\u014d Shinz\u014d",
    ]
)
# The writing language's constructs, whole and broken, so the fuzzing reaches them too.
CONSTRUCTS = st.sampled_from(
    [
        "\n\n| a | b |\n|---|--:|\n| 1 | 2 |\n\n: Caption {#tbl-x}\n\n",
        "\n\n| a | b |\n|---|\n| 1 | 2 | 3 |\n\n",
        "text[^n]\n\n[^n]: A note.\n\n",
        "text^[an inline note]",
        '\n\n::: {.callout-important title="Key"}\nInside.\n:::\n\n',
        "\n\n::: {.callout-nope}\nnever closed\n\n",
        '\n\n![A figure](figures/missing.png){#fig-x width=50% fig-alt="alt"}\n\n',
        "see @fig-x and @tbl-x",
        "\n\n- a\n  - b\n    - c\n      - d\n        - e\n          - f\n            - g\n\n",
        "Term\n:   Definition\n",
    ]
)
TEXT = st.lists(ALPHABETS | CONSTRUCTS, min_size=1, max_size=4).map(" ".join) | st.text(max_size=40)
VALUE = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | TEXT,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3),
    max_leaves=6,
)


@pytest.mark.slow
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(title=TEXT, body=TEXT, summary=TEXT, tags=st.lists(TEXT, max_size=3), extra=VALUE)
def test_random_content_never_crashes(tmp_path_factory, title, body, summary, tags, extra):
    ws = copy_fixture("minimal", tmp_path_factory.mktemp("random"))
    data = {
        "section": "context",
        "title": title,
        "status": "approved",
        "summary": summary,
        "body": body,
        "tags": tags,
        "order": extra if isinstance(extra, int | float) else 5,
    }
    if isinstance(extra, dict):
        data["variants"] = {"reader": extra}
    (ws / "briefs/demo/blocks/random.yaml").write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    _, diags = open_workspace(ws)  # must not raise, whatever the content
    try:
        result = build(ws, BuildOptions(audiences=("reader",), formats=("pdf", "docx"), jobs=1))
    except BriefgenError as exc:
        assert exc.exit_code in (1, 2) and exc.message
        return
    for output in result.outputs:
        if output.format == "pdf":
            assert len(PdfReader(str(output.path)).pages) >= 1
        else:
            assert docx.Document(str(output.path)).paragraphs


# ---------------------------------------------------------------- random theme files

THEME_PAYLOADS = st.sampled_from(
    [
        'Carlito", sans-serif; } </style><script>alert(1)</script>',
        "Calibri'; } </STYLE><img src=x onerror=alert(1)>",
        "back\\slash\\",
        "new\nline } html { display: none",
        "*/ @import url(https://evil.example/x.css); /*",
        "url(javascript:alert(1))",
        "1B3A5C; } </style><script>alert(1)</script>",
        "20mm; } </style><script>alert(1)</script>",
    ]
)
THEME_GOOD = st.sampled_from(
    ["Carlito", "DejaVu Sans", "Noto Sans CJK JP", "1B3A5C", "#A4161A", 10.5, 12, 1.25, "20mm", "0.8in", "A4", "Abb."]
)
THEME_VALUE = THEME_GOOD | THEME_PAYLOADS | VALUE
THEME_TOKENS = st.sampled_from(sorted({token for tokens in SCHEMA.values() for token in tokens})) | st.text(max_size=8)
THEME = (
    st.dictionaries(
        st.sampled_from(list(SCHEMA)) | st.text(max_size=8),
        st.dictionaries(THEME_TOKENS, THEME_VALUE | st.lists(THEME_VALUE, max_size=3), max_size=4) | VALUE,
        max_size=4,
    )
    | VALUE
)
LOCATED_THEME_ERROR = re.compile(r"styles/theme\.yaml:[0-9]+:[0-9]+: error: ")


class _Markup(HTMLParser):
    """The elements and attributes of an HTML page, as a browser's tokenizer sees them."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.events: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        self.events += [name for name, _value in attrs if name.startswith("on")]


@pytest.mark.slow
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(theme=THEME)
def test_a_random_theme_is_refused_where_it_is_wrong_or_builds_html_without_script(tmp_path_factory, theme):
    ws = copy_fixture("minimal", tmp_path_factory.mktemp("theme"))
    (ws / "styles").mkdir()
    (ws / "styles/theme.yaml").write_text(yaml.safe_dump(theme, allow_unicode=True), encoding="utf-8")
    _, diags = open_workspace(ws)  # must not raise, whatever the theme
    assert all(d.location and d.location.line and d.location.column for d in diags.errors), diags.errors
    out = tmp_path_factory.mktemp("theme-out")
    try:
        build(ws, BuildOptions(audiences=("reader",), formats=("html",), jobs=1, out_dir=out))
    except BriefgenError as exc:
        assert exc.exit_code == 1 and "Traceback" not in exc.message
        errors = [line for line in exc.message.splitlines() if ": error: " in line or "the house font" in line]
        assert errors, exc.message
        # each at its line and column, or a valid font name this machine does not have
        assert all(LOCATED_THEME_ERROR.match(line) or "the house font '" in line for line in errors), exc.message
        event("refused")
        return
    event("built")
    page = (out / "demo/demo-reader.html").read_text(encoding="utf-8")
    markup = _Markup()
    markup.feed(page)
    assert "script" not in markup.tags and markup.events == []
    assert markup.tags.count("style") == 1 and page.lower().count("</style") == 1


def _catches_sigterm(pid: int) -> bool:
    """briefgen's main() runs: the process has installed its SIGTERM handler (SigCgt; without /proc, assume so)."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return not Path("/proc/self/status").exists()
    caught = next((line.split()[1] for line in status.splitlines() if line.startswith("SigCgt:")), "0")
    return bool(int(caught, 16) >> (signal.SIGTERM - 1) & 1)


def _output_lines(process: subprocess.Popen) -> queue.Queue:
    """The build's progress lines (`built <file>: ...`, one per rendered output) as they come; None at the end."""
    lines: queue.Queue = queue.Queue()

    def read() -> None:
        assert process.stderr is not None  # progress is on stderr; stdout carries only results
        with process.stderr:
            for line in process.stderr:
                if line.strip().startswith("built "):
                    lines.put(line)
        lines.put(None)

    threading.Thread(target=read, daemon=True).start()
    return lines


@pytest.mark.slow
def test_killed_build_leaves_old_or_new_complete_files(tmp_path: Path):
    ws = copy_fixture("minimal", tmp_path)
    out = tmp_path / "out"
    command = [
        sys.executable,
        "-m",
        "briefgen",
        "-w",
        str(ws),
        "build",
        "--all-audiences",
        "-f",
        "pdf",
        "-f",
        "docx",
        "--force",
        "-j",
        "1",
        "-o",
        str(out),
    ]
    first = subprocess.run(command, check=True, stderr=subprocess.PIPE, text=True)  # a pipe: a line per output
    outputs = sum(line.strip().startswith("built ") for line in first.stderr.splitlines())
    old = {p.name: p.read_bytes() for p in (out / "demo").iterdir() if p.suffix in (".pdf", ".docx")}
    block = ws / "briefs/demo/blocks/missiles.yaml"
    block.write_text(block.read_text().replace("New missile", "Newer missile"), encoding="utf-8")
    subprocess.run([*command[:-1], str(tmp_path / "reference")], check=True, stdout=subprocess.DEVNULL)
    new = {p.name: p.read_bytes() for p in (tmp_path / "reference/demo").iterdir() if p.suffix in (".pdf", ".docx")}
    assert old.keys() == new.keys() and old != new
    assert outputs == len(old), first.stderr
    # Where each attempt is killed (SIGTERM and SIGKILL in turn): once briefgen runs, before any
    # output; after the k-th output is rendered (after the last, publishing starts); and while
    # publishing, as soon as its first temporary file is there (after a SIGKILL there, then a SIGTERM).
    kill_points: list[int | str] = ["started", *range(1, outputs + 1)]
    schedule = [(point, signal.SIGKILL if i % 2 else signal.SIGTERM) for i, point in enumerate(kill_points)]
    schedule += [("publishing", signal.SIGKILL), ("publishing", signal.SIGTERM)]
    for attempt, (kill_point, kill) in enumerate(schedule):
        stale = {p.name for p in (out / "demo").iterdir() if p.name.endswith(".tmp")}  # a SIGKILL's, removed first
        process = subprocess.Popen(
            command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, encoding="utf-8", errors="replace"
        )
        try:
            lines = _output_lines(process)
            deadline = time.monotonic() + 120
            if kill_point == "started":
                while not _catches_sigterm(process.pid) and process.poll() is None and time.monotonic() < deadline:
                    time.sleep(0.01)
                assert process.poll() is None, f"attempt {attempt}: the build ended before it could be killed"
            kill_after = outputs if kill_point == "publishing" else kill_point if isinstance(kill_point, int) else 0
            for seen in range(kill_after):
                line = lines.get(timeout=max(0.0, deadline - time.monotonic()))
                assert line is not None, f"attempt {attempt}: the build ended after {seen} of {kill_after} outputs"
            if kill_point == "publishing":  # a few milliseconds from the last output line
                while process.poll() is None and time.monotonic() < deadline:
                    if {p.name for p in (out / "demo").iterdir() if p.name.endswith(".tmp")} - stale:
                        break
                    time.sleep(0.001)
            process.send_signal(kill)
            process.wait()
            while lines.get(timeout=max(0.0, deadline - time.monotonic())) is not None:
                pass  # to the end of its output: the pipe is closed
        finally:
            if process.poll() is None:
                process.kill()
                process.wait()
        for name in old:
            data = (out / "demo" / name).read_bytes()
            assert data in (old[name], new[name]), f"attempt {attempt}: {name} is neither the old nor the new file"
        if kill == signal.SIGTERM:  # SIGTERM unwinds: no temporary file is left behind
            assert not [p for p in (out / "demo").iterdir() if p.name.endswith(".tmp")]
        for name in old:
            old[name] = (out / "demo" / name).read_bytes()
    assert os.path.exists(out / "demo" / "manifest.json")


def test_two_builds_at_once_keep_each_others_outputs(tmp_path: Path):
    ws = copy_fixture("minimal", tmp_path)
    base = [sys.executable, "-m", "briefgen", "-w", str(ws), "build", "-f", "pdf", "-f", "docx", "-j", "1", "-q"]
    first = subprocess.Popen([*base, "-a", "boss", "-a", "public"])
    second = subprocess.Popen([*base, "-a", "reader"])
    assert first.wait() == 0 and second.wait() == 0
    import json

    manifest = json.loads((ws / "dist/demo/manifest.json").read_text())
    assert {(o["audience"], o["format"]) for o in manifest["outputs"]} == {
        (a, f) for a in ("boss", "public", "reader") for f in ("pdf", "docx")
    }
    for entry in manifest["outputs"]:
        import hashlib

        assert hashlib.sha256((ws / "dist/demo" / entry["path"]).read_bytes()).hexdigest() == entry["sha256"]
