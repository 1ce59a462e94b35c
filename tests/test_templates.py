"""Workspace templates and styles: sandboxed, confined to their folders, checked, served live.

A workspace's `templates/` and `styles/` override the built-in house style file by file. They
render in Jinja's sandbox with a loader that reads only regular files inside those folders;
`check` compiles them and reports problems at their line; `serve` shows those problems and
picks up every change, and answers a team's browsers at once.
"""

from __future__ import annotations

import html
import os
import re
import threading
import time
import urllib.error
import urllib.request
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import docx
import pytest
from test_cli import run_main

from briefgen.commands.serve import PreviewServer

SRC = Path(__file__).parent.parent / "src/briefgen/defaults"
DEFAULT_HTML = SRC / "templates/brief.html.j2"
DEFAULT_CSS = SRC / "styles/brief.css.j2"
DEFAULT_DOCX = SRC / "templates/brief.docx"
PAYLOAD = '{{ cycler.__init__.__globals__.os.popen("cat /etc/passwd").read() }}'
# The same, spelled so that no name starting with '_' appears in the template: only the sandbox stops it.
HIDDEN_PAYLOAD = (
    "{% set u = '_' ~ '_' %}"
    "{{ ((cycler|attr(u ~ 'init' ~ u))|attr(u ~ 'globals' ~ u))['os'].popen('cat /etc/passwd').read() }}"
)
SECRET = "root:x:0:0"  # the first line of /etc/passwd on every Linux
HINT = (
    "check the {% %} and {{ }} tags up to this line (every {% if %} needs an {% endif %}, every {% for %} an "
    "{% endfor %}), or delete the file to use the built-in one [template.syntax]"
)
UNSAFE = (
    "they show the brief's values (such as {{ doc.title }}) and cannot run programs, read files or reach the "
    "network; remove this from the template [template.unsafe]"
)


def html_override(ws: Path, line: str, name: str = "brief.html.j2") -> int:
    """The built-in HTML template with `line` added after <body>, as a workspace override; returns its line."""
    lines = DEFAULT_HTML.read_text(encoding="utf-8").splitlines()
    at = next(i for i, text in enumerate(lines) if text.startswith("<body")) + 1
    lines.insert(at, line)
    (ws / "templates").mkdir(exist_ok=True)
    (ws / "templates" / name).write_text("\n".join(lines) + "\n", encoding="utf-8")
    return at + 1


def css_override(ws: Path, line: str) -> int:
    """The built-in stylesheet with `line` appended, as a workspace override; returns its line."""
    text = DEFAULT_CSS.read_text(encoding="utf-8").rstrip("\n") + "\n" + line + "\n"
    (ws / "styles").mkdir(exist_ok=True)
    (ws / "styles/brief.css.j2").write_text(text, encoding="utf-8")
    return text.count("\n")


def docx_override(ws: Path, text: str) -> Path:
    """The built-in Word template with a paragraph holding `text`, as a workspace override."""
    document = docx.Document(str(DEFAULT_DOCX))
    document.add_paragraph(text)
    (ws / "templates").mkdir(exist_ok=True)
    document.save(str(ws / "templates/brief.docx"))
    return ws / "templates/brief.docx"


def build(ws: Path, monkeypatch, capsys, *formats: str) -> tuple[int, str, str]:
    flags = [arg for fmt in formats or ("pdf", "html") for arg in ("-f", fmt)]
    return run_main(["-w", str(ws), "build", "-a", "reader", "-j", "1", *flags], monkeypatch, capsys)


def check(ws: Path, monkeypatch, capsys) -> tuple[int, str, str]:
    return run_main(["-w", str(ws), "check"], monkeypatch, capsys)


def assert_nothing_leaked(ws: Path, out: str, err: str) -> None:
    """A refused build prints no traceback and no secret, and writes no output."""
    assert "Traceback" not in err + out and "internal error" not in err
    assert SECRET not in err + out
    written = [p for p in (ws / "dist").rglob("*") if p.is_file() and ".briefgen-cache" not in p.parts]
    assert written == []


# ---------------------------------------------------------------- row 2: the sandbox and the loader


def test_python_in_a_workspace_template_fails_the_build(minimal: Path, monkeypatch, capsys):
    line = html_override(minimal, PAYLOAD)
    code, out, err = build(minimal, monkeypatch, capsys)
    assert code == 1, err
    assert f"templates/brief.html.j2:{line}:1: error: templates may not use '__init__', '__globals__': {UNSAFE}" in err
    assert "1 error found; nothing was written." in err
    assert_nothing_leaked(minimal, out, err)


def test_python_in_a_workspace_stylesheet_fails_the_build(minimal: Path, monkeypatch, capsys):
    line = css_override(minimal, f"/* {PAYLOAD} */")
    code, out, err = build(minimal, monkeypatch, capsys)
    assert code == 1, err
    assert f"styles/brief.css.j2:{line}:1: error: templates may not use '__init__', '__globals__': {UNSAFE}" in err
    assert_nothing_leaked(minimal, out, err)


HIDDEN = {
    "python through the attr filter": (
        HIDDEN_PAYLOAD,
        "access to attribute '__init__' of 'type' object is unsafe",
    ),
    "a path in the document used as more than a name": (
        "{{ doc.sections[0].blocks[0].source.encode('utf-8') }}",
        "access to attribute 'encode' of 'FileName' object is unsafe",
    ),
}


@pytest.mark.parametrize("name", list(HIDDEN))
def test_the_sandbox_stops_what_check_cannot_see(name: str, minimal: Path, monkeypatch, capsys):
    payload, problem = HIDDEN[name]
    line = html_override(minimal, payload)
    assert check(minimal, monkeypatch, capsys)[0] == 0  # nothing to see statically: the render must refuse it
    code, out, err = build(minimal, monkeypatch, capsys)
    assert code == 1, err
    assert f"templates/brief.html.j2:{line}:1: error: templates may not do this ({problem}): {UNSAFE}" in err
    assert_nothing_leaked(minimal, out, err)


def test_a_template_learns_a_files_name_never_where_it_lies(minimal: Path, monkeypatch, capsys, tmp_path: Path):
    html_override(
        minimal,
        "<p id='leak'>{{ doc.sections[0].blocks[0].source }} | {{ '%s'|format(doc.sections[0].blocks[0].source) }}"
        " | {{ doc.sections[0].blocks[0].source.stem }}</p>",
    )
    code, out, err = build(minimal, monkeypatch, capsys, "html")
    assert code == 0, err
    html = next((minimal / "dist/demo").glob("*.html")).read_text(encoding="utf-8")
    leak = html.split("<p id='leak'>")[1].split("</p>")[0]
    name = leak.split(" | ")[0]
    assert name.endswith(".yaml") and "/" not in leak and str(minimal) not in html, leak


def test_an_include_of_a_link_out_of_templates_is_refused(minimal: Path, monkeypatch, capsys):
    line = html_override(minimal, '{% include "passwd.txt" %}')
    os.symlink("/etc/passwd", minimal / "templates/passwd.txt")
    for run in (check, build):  # refused as a link out of the workspace, or by the template loader
        code, out, err = run(minimal, monkeypatch, capsys)
        assert code == 1, err
        assert "passwd.txt is a link to a file outside the workspace" in err or (
            f"templates/brief.html.j2:{line}:1: error: 'passwd.txt' is a link to a file outside templates/" in err
        )
        assert_nothing_leaked(minimal, out, err)


def test_the_loader_serves_only_files_inside_the_template_folder(minimal: Path, monkeypatch, capsys):
    """A link to another workspace file (allowed elsewhere) is still refused to templates."""
    line = html_override(minimal, '{% include "notes.txt" %}')
    os.symlink("../briefs/demo/references.yaml", minimal / "templates/notes.txt")
    message = (
        f"templates/brief.html.j2:{line}:1: error: 'notes.txt' is a link to a file outside templates/; templates "
        "may read only files inside templates/: copy the file there instead of linking to it [template.refused]"
    )
    code, out, err = check(minimal, monkeypatch, capsys)
    assert code == 1 and message in err, err
    code, out, err = build(minimal, monkeypatch, capsys)
    assert code == 1 and message in err, err
    assert_nothing_leaked(minimal, out, err)
    # A name put together while rendering escapes `check`, but not the loader.
    assert html_override(minimal, '{% include "notes" ~ ".txt" %}') == line
    assert check(minimal, monkeypatch, capsys)[0] == 0
    code, out, err = build(minimal, monkeypatch, capsys)
    assert code == 1 and message in err, err
    assert_nothing_leaked(minimal, out, err)


REFUSED_NAMES = {
    "../../secret": "'../../secret' climbs out of templates/ with '..'; templates may read only files inside "
    "templates/: move the file there and name it without '..' [template.refused]",
    "/etc/passwd": "'/etc/passwd' is an absolute path; templates may read only files inside templates/: name the "
    "file relative to templates/ [template.refused]",
}


@pytest.mark.parametrize("name", list(REFUSED_NAMES))
def test_an_include_out_of_templates_by_name_is_refused(name: str, minimal: Path, monkeypatch, capsys):
    (minimal.parent / "secret").write_text(SECRET)
    line = html_override(minimal, f'{{% include "{name}" %}}')
    message = f"templates/brief.html.j2:{line}:1: error: {REFUSED_NAMES[name]}"
    code, out, err = check(minimal, monkeypatch, capsys)
    assert code == 1 and message in err, err
    code, out, err = build(minimal, monkeypatch, capsys)
    assert code == 1 and message in err, err
    assert_nothing_leaked(minimal, out, err)


def test_a_templates_folder_linked_out_of_the_workspace_is_refused(minimal: Path, monkeypatch, capsys):
    outside = minimal.parent / "outside"
    outside.mkdir()
    (outside / "secret.txt").write_text(SECRET)
    (outside / "brief.html.j2").write_text('{% include "secret.txt" %}')
    os.symlink(outside, minimal / "templates")
    for run in (check, build):
        code, out, err = run(minimal, monkeypatch, capsys)
        assert code == 1, err
        assert (
            "templates is a link to a folder outside the workspace" in err
            or (
                "templates: error: templates/ is a link to a folder outside the workspace; templates may read only "
                "files inside the workspace: make templates/ a real folder [template.refused]"
            )
            in err
        )
        assert_nothing_leaked(minimal, out, err)


def test_python_in_a_workspace_word_template_fails_the_build(minimal: Path, monkeypatch, capsys):
    docx_override(minimal, PAYLOAD)
    message = f"templates/brief.docx: error: templates may not use '__init__', '__globals__': {UNSAFE}"
    code, out, err = check(minimal, monkeypatch, capsys)
    assert code == 1 and message in err, err
    code, out, err = build(minimal, monkeypatch, capsys, "docx")
    assert code == 1 and message in err, err
    assert_nothing_leaked(minimal, out, err)


def test_the_word_sandbox_refuses_python_and_renders_the_house_template_as_before(tmp_path: Path):
    from docxtpl import DocxTemplate

    from briefgen.render.docx.template import WordBody, render_sandboxed
    from briefgen.render.sandbox import TemplateError

    context = {name: f"<{name}> & co" for name in ("organization", "title", "subtitle", "audience_label")}
    context |= {name: name for name in ("meta_line", "header_line", "marking", "running_title", "disclaimer")}
    plain, sandboxed = DocxTemplate(str(DEFAULT_DOCX)), DocxTemplate(str(DEFAULT_DOCX))
    plain.render({**context, "body": WordBody(plain)}, autoescape=True)
    render_sandboxed(sandboxed, {**context, "body": WordBody(sandboxed)}, DEFAULT_DOCX)
    assert sandboxed.docx.element.xml == plain.docx.element.xml
    assert "&lt;title&gt; &amp; co" in sandboxed.docx.element.xml

    hostile = DocxTemplate(str(docx_override(tmp_path, HIDDEN_PAYLOAD)))
    with pytest.raises(TemplateError) as refused:
        render_sandboxed(hostile, {**context, "body": WordBody(hostile)}, tmp_path / "templates/brief.docx")
    assert "templates may not do this (access to attribute '__init__' of 'type' object is unsafe)" in str(refused.value)
    assert SECRET not in hostile.docx.element.xml


def test_a_hidden_payload_in_a_word_template_fails_the_build(minimal: Path, monkeypatch, capsys):
    docx_override(minimal, HIDDEN_PAYLOAD)
    code, out, err = build(minimal, monkeypatch, capsys, "docx")
    assert code == 1, err
    assert "templates/brief.docx: error: templates may not do this" in err
    assert_nothing_leaked(minimal, out, err)


# ---------------------------------------------------------------- row 8: broken templates are content errors


def broken_templates(ws: Path) -> list[str]:
    """Three broken overrides; the diagnostics `check` must print for them."""
    (ws / "templates").mkdir()
    (ws / "templates/brief.html.j2").write_text("<!DOCTYPE html>\n<html>\n{% if %}\n</html>\n", encoding="utf-8")
    (ws / "templates/parts.html.j2").write_text("<p>\n{% include 'missing.html' %}\n</p>\n", encoding="utf-8")
    line = css_override(ws, "{% for kind in ['a', 'b'] %}")
    return [
        "templates/brief.html.j2:3:1: error: template syntax error: Expected an expression, got 'end of statement "
        f"block'; {HINT}",
        "templates/parts.html.j2:2:1: error: 'missing.html' is not in templates/ or among the built-in templates; "
        "create templates/missing.html or remove the include [template.missing]",
        f"styles/brief.css.j2:{line}:1: error: template syntax error: Unexpected end of template. Jinja was looking "
        "for the following tags: 'endfor' or 'else'. The innermost block that needs to be closed is 'for'; "
        f"{HINT}",
    ]


def test_check_reports_broken_templates_at_their_line(minimal: Path, monkeypatch, capsys):
    expected = broken_templates(minimal)
    code, out, err = check(minimal, monkeypatch, capsys)
    assert code == 1
    for message in expected:
        assert message in err.splitlines(), err
    assert "check failed: 3 errors" in err


BROKEN = {
    "an if without endif": ("{% if doc.draft %}<p>draft</p>", "template syntax error: Unexpected end of template"),
    "an include of a missing file": ("{% include 'missing.html' %}", "'missing.html' is not in templates/"),
    "an undefined value": ("{{ doc.titel }}", "the template uses a value that does not exist"),
}


@pytest.mark.parametrize("name", list(BROKEN))
def test_build_with_a_broken_template_exits_1_with_the_message(name: str, minimal: Path, monkeypatch, capsys):
    text, message = BROKEN[name]
    line = html_override(minimal, text)
    code, out, err = build(minimal, monkeypatch, capsys)
    assert code == 1, err
    where = r"\d+" if "endif" in name else str(line)  # Jinja finds a missing endif at the end of the file
    assert re.search(rf"^templates/brief\.html\.j2:{where}:1: error: {re.escape(message)}", err, re.MULTILINE), err
    assert_nothing_leaked(minimal, out, err)


def test_a_template_error_in_a_build_worker_process_is_reported_the_same(minimal: Path, monkeypatch, capsys):
    line = html_override(minimal, "{{ doc.titel }}")
    code, out, err = run_main(
        ["-w", str(minimal), "build", "--all-audiences", "-f", "html", "-j", "2"], monkeypatch, capsys
    )
    assert code == 1, err
    assert f"templates/brief.html.j2:{line}:1: error: the template uses a value that does not exist" in err
    assert_nothing_leaked(minimal, out, err)


# ---------------------------------------------------------------- serve: errors shown, changes picked up


def fetch(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=60) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as failure:
        return failure.code, failure.read().decode()


def eventually(url: str, ok: Callable[[str], bool], timeout: float = 15) -> str:
    """The page once `ok` holds for it; a failed request counts as not yet."""
    deadline = time.monotonic() + timeout
    last: object = None
    while time.monotonic() < deadline:
        try:
            last = fetch(url)[1]
            if ok(last):
                return last
        except Exception as exc:  # an empty reply is what this guards against
            last = exc
        time.sleep(0.2)
    raise AssertionError(f"{url} never showed what was expected; last answer: {str(last)[:2000]}")


@pytest.fixture
def server(minimal: Path):
    preview = PreviewServer(minimal, port=0).start()
    yield preview
    preview.stop()


def test_serve_shows_template_errors_and_picks_up_new_overrides(server: PreviewServer, minimal: Path):
    page = server.url + "audience/reader"
    assert "Long history of the" in fetch(page)[1]  # the built-in template is compiled and cached now

    html_override(minimal, "<p>OVERRIDE-ONE</p>")  # a new override must replace the cached built-in one
    eventually(page, lambda text: "OVERRIDE-ONE" in text)

    (minimal / "templates/brief.html.j2").write_text("<html>\n{% if %}\n</html>\n", encoding="utf-8")
    message = html.escape(
        "templates/brief.html.j2:2:1: error: template syntax error: Expected an expression, got 'end of statement "
        f"block'; {HINT}"
    )
    shown = eventually(page, lambda text: "The brief has errors" in text)
    assert message in shown and "EventSource('/events')" in shown  # reloads by itself once fixed
    assert message in eventually(server.url, lambda text: "The brief has errors" in text)

    line = html_override(minimal, "<p>{{ doc.titel }}</p>")  # an error only rendering finds
    shown = eventually(page, lambda text: "does not exist" in text)
    assert f"templates/brief.html.j2:{line}:1: error: the template uses a value that does not exist" in shown

    html_override(minimal, '<p>OVERRIDE-TWO</p>{% include "note.html" %}')
    (minimal / "templates/note.html").write_text("<p>NOTE-ONE</p>", encoding="utf-8")
    eventually(page, lambda text: "OVERRIDE-TWO" in text and "NOTE-ONE" in text)
    assert "Long history of the" in fetch(page)[1]

    seen = server.state.version
    (minimal / "templates/note.html").write_text("<p>NOTE-TWO</p>", encoding="utf-8")
    eventually(page, lambda text: "NOTE-TWO" in text)
    deadline = time.monotonic() + 10
    while server.state.version == seen and time.monotonic() < deadline:  # browsers are told to reload
        time.sleep(0.1)
    assert server.state.version != seen


def test_serve_answers_an_internal_error_with_a_page(server: PreviewServer, monkeypatch):
    def broken(*_args, **_kwargs):
        raise RuntimeError("a bug")

    monkeypatch.setattr("briefgen.commands.serve.render_html", broken)
    status, text = fetch(server.url + "audience/reader")
    assert status == 500 and "internal error" in text and "RuntimeError: a bug" in text


# ---------------------------------------------------------------- row 9: a team's browsers at once


def test_serve_answers_200_concurrent_requests_and_renders_a_page_once(minimal: Path, monkeypatch):
    import briefgen.commands.serve

    rendered: Counter[str] = Counter()
    lock = threading.Lock()
    real = briefgen.commands.serve.render_html

    def counting(doc, *args, **kwargs):
        with lock:
            rendered[doc.audience.id] += 1
        return real(doc, *args, **kwargs)

    monkeypatch.setattr("briefgen.commands.serve.render_html", counting)
    preview = PreviewServer(minimal, port=0).start()
    try:
        assert preview.httpd.request_queue_size >= 128
        urls = [preview.url if n % 2 else preview.url + "audience/reader" for n in range(200)]
        start = threading.Barrier(len(urls))
        answers: list[object] = [None] * len(urls)

        def get(n: int) -> None:
            start.wait()
            try:
                with urllib.request.urlopen(urls[n], timeout=60) as response:
                    answers[n] = (response.status, response.read().decode())
            except Exception as exc:
                answers[n] = exc

        threads = [threading.Thread(target=get, args=(n,)) for n in range(len(urls))]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=120)
        failures = [a for a in answers if not (isinstance(a, tuple) and a[0] == 200)]
        assert failures == [], f"{len(failures)} of 200 failed: {failures[:3]}"
        pages = [answer for answer, url in zip(answers, urls, strict=True) if "reader" in url]
        assert all(isinstance(page, tuple) and "Long history of the" in page[1] for page in pages)
        assert rendered == Counter({"reader": 1})
    finally:
        preview.stop()
