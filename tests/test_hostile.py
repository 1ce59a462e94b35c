"""Hostile and broken input: content stays data, nothing outside the workspace is read or written.

Every case runs the real command and checks its exit code, its message, that no traceback is
printed, and that no file outside the output folder changed.
"""

import hashlib
import os
import shutil
from pathlib import Path

import docx
import pytest
from conftest import FIXTURES
from readers import CHROMEDRIVER, CHROMIUM, chromium_options, pdf_text, squash
from test_cli import run_main

DEFAULT_CSS = Path(__file__).parent.parent / "src/briefgen/defaults/styles/brief.css.j2"


def snapshot(root: Path, skip: Path) -> dict[str, str]:
    return {
        str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file() and skip not in p.parents
    }


@pytest.fixture
def sandbox(tmp_path: Path) -> Path:
    """A workspace with a secret file beside it that nothing may read."""
    shutil.copytree(FIXTURES / "minimal", tmp_path / "ws")
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.yaml").write_text("references:\n  - id: secret\n    title: SECRET-CONTENT\n")
    (outside / "secret-block.yaml").write_text("section: context\ntitle: SECRET\nstatus: approved\nbody: SECRET\n")
    (outside / "style.csl").write_text("<style/>")
    return tmp_path / "ws"


def block(ws: Path, name: str, body: str, extra: str = "") -> None:
    (ws / "briefs/demo/blocks" / f"{name}.yaml").write_text(
        f"section: context\ntitle: Case {name}\nstatus: approved\nsummary: s\n{extra}body: {body}\n", encoding="utf-8"
    )


def set_bibliography(ws: Path, value: str) -> None:
    brief = ws / "briefs/demo/brief.yaml"
    brief.write_text(brief.read_text().replace("bibliography: references.yaml", f"bibliography: {value}"))


CASES = {
    "javascript link": (
        lambda ws: block(ws, "js", '"[click](javascript:alert(1))"'),
        1,
        "links to 'javascript:' addresses are not allowed",
    ),
    "data link": (
        lambda ws: block(ws, "data", '"[x](data:text/html;base64,PHNjcmlwdD4=)"'),
        1,
        "links to 'data:' addresses are not allowed",
    ),
    "file link": (
        lambda ws: block(ws, "file", '"[x](file:///etc/passwd)"'),
        1,
        "links to 'file:' addresses are not allowed",
    ),
    "oversized file": (lambda ws: block(ws, "big", "x" * (2 * 1024 * 1024 + 10)), 1, "over the 2048 KiB limit"),
    "deep nesting": (
        lambda ws: block(ws, "deep", "a", "tags: " + "[" * 80 + "]" * 80 + "\n"),
        1,
        "nested more than 40 levels",
    ),
    "alias bomb": (
        lambda ws: (ws / "briefs/demo/blocks/bomb.yaml").write_text(
            "a: &a [x, x, x, x, x, x, x, x, x, x]\n"
            + "".join(f"{c}: &{c} [{', '.join('*' + chr(ord(c) - 1) for _ in range(10))}]\n" for c in "bcdefghi")
        ),
        1,
        "expands to more than 50000 values",
    ),
    "object tag": (
        lambda ws: block(ws, "tag", "!!python/object/apply:os.system ['touch /tmp/pwned']"),
        1,
        "the YAML tag 'tag:yaml.org,2002:python/object/apply:os.system' is not allowed",
    ),
    "bibliography outside": (
        lambda ws: set_bibliography(ws, "../../../outside/secret.yaml"),
        1,
        "bibliography 'secret.yaml' lies outside the workspace",
    ),
    "symlinked block": (
        lambda ws: os.symlink(ws.parent / "outside/secret-block.yaml", ws / "briefs/demo/blocks/linked.yaml"),
        1,
        "this block file is a link to a file outside the workspace",
    ),
    "csl outside": (
        lambda ws: (ws / "briefs/demo/brief.yaml").write_text(
            (ws / "briefs/demo/brief.yaml").read_text() + "csl: ../../../outside/style.csl\n"
        ),
        1,
        "CSL file '../../../outside/style.csl' lies outside the workspace",
    ),
    "network resource in a stylesheet": (
        lambda ws: (
            (ws / "styles").mkdir()
            or (ws / "styles/brief.css.j2").write_text(
                DEFAULT_CSS.read_text() + '\nbody { background: url("https://example.org/x.png"); }\n'
            )
        ),
        1,
        "refused to fetch 'https://example.org/x.png'",
    ),
    "local file in a stylesheet": (
        lambda ws: (
            (ws / "styles").mkdir()
            or (ws / "styles/brief.css.j2").write_text(
                DEFAULT_CSS.read_text() + '\nbody { background: url("file:///etc/passwd"); }\n'
            )
        ),
        1,
        "refused to fetch 'file:///etc/passwd'",
    ),
    "unsafe brief id": (
        lambda ws: shutil.copytree(ws / "briefs/demo", ws / "briefs/con"),
        1,
        "'con' cannot be used as a brief id",
    ),
    "unsafe audience id": (
        lambda ws: (ws / "audiences.yaml").write_text(
            (ws / "audiences.yaml").read_text() + "../x:\n  label: X\n  detail: full\n  sections: [context]\n"
        ),
        1,
        "'../x' cannot be used as a name here",
    ),
}


@pytest.mark.parametrize("name", list(CASES))
def test_hostile_workspace(name: str, sandbox: Path, monkeypatch, capsys):
    mutate, expected_code, expected_message = CASES[name]
    mutate(sandbox)
    before = snapshot(sandbox.parent, sandbox / "dist")
    code, out, err = run_main(["-w", str(sandbox), "build", "--all", "--all-audiences", "-j", "1"], monkeypatch, capsys)
    assert code == expected_code, err
    assert expected_message in err
    assert "Traceback" not in err + out
    assert snapshot(sandbox.parent, sandbox / "dist") == before
    assert not Path("/tmp/pwned").exists()


@pytest.mark.slow
def test_content_that_looks_like_code_is_printed_literally(sandbox: Path, monkeypatch, capsys):
    title = "'{{ 7*7 }} and {% for x in y %}'"
    body = "\"\\\\<script>alert(1)\\\\</script> {{ ''.__class__ }} {%- raw %} \\v end\""
    block(sandbox, "literal", body)
    brief = sandbox / "briefs/demo/blocks/literal.yaml"
    brief.write_text(brief.read_text().replace("title: Case literal", f"title: {title}"))
    code, out, err = run_main(
        ["-w", str(sandbox), "build", "-a", "reader", "-f", "pdf", "-f", "docx", "-f", "html"], monkeypatch, capsys
    )
    assert code == 0, err
    assert "literal.yaml:5:7: warning: removed invisible control characters (U+000B)" in err
    out_dir = sandbox / "dist/demo"
    text = squash(pdf_text(out_dir / "demo-reader.pdf"))
    assert "{{ 7*7 }} and {% for x in y %}" in text and "<script>alert(1)</script>" in text
    # Pandoc's Markdown still applies (typographic quotes), but nothing is ever evaluated as a template.
    assert "{{ \u2019\u2019.__class__ }}" in text and "<class" not in text and "49" not in text
    words = " ".join(p.text for p in docx.Document(str(out_dir / "demo-reader.docx")).paragraphs)
    assert "{{ 7*7 }} and {% for x in y %}" in words and "<script>" in words and "49" not in words
    html = (out_dir / "demo-reader.html").read_text()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html and "<script>alert(1)" not in html


def test_raw_html_is_refused_not_printed_or_passed_through(sandbox: Path, monkeypatch, capsys):
    block(sandbox, "raw", "<script>alert(1)</script> and <b>bold</b>")
    code, _out, err = run_main(["-w", str(sandbox), "build", "-a", "reader", "-f", "html"], monkeypatch, capsys)
    assert code == 1
    assert (
        "briefs/demo/blocks/raw.yaml:5:7: error: raw HTML '<script>alert(1)</script>' is not part of the writing "
        "language; use Markdown instead (*italic*, **bold**, [text]{.underline}, ^superscript^) or write '\\<' "
        "for a literal '<' [markdown.raw-html]"
    ) in err
    assert "raw.yaml:5:37: error: raw HTML '<b>'" in err
    assert not (sandbox / "dist/demo/demo-reader.html").exists()


def test_unwritable_output_is_a_clear_error(sandbox: Path, monkeypatch, capsys):
    (sandbox / "blocked").write_text("a file where a folder should be")
    code, _, err = run_main(
        ["-w", str(sandbox), "build", "-a", "boss", "-f", "pdf", "-o", str(sandbox / "blocked" / "sub")],
        monkeypatch,
        capsys,
    )
    assert code == 1 and "cannot write to" in err and "Traceback" not in err


def test_debug_shows_the_traceback_for_user_errors(sandbox: Path, monkeypatch, capsys):
    block(sandbox, "js", '"[click](javascript:alert(1))"')
    code, _, err = run_main(["--debug", "-w", str(sandbox), "build"], monkeypatch, capsys)
    assert code == 1 and "Traceback" in err


# ---------------------------------------------------------------- a browser opens what a build wrote


def _hostile_corpus(ws: Path) -> int:
    """Hostile SVG figures, links and text in the figures fixture; how many hostile figures it shows."""
    from test_svgclean import CONSTRUCTS, PAYLOAD

    figures = []
    for number, (svg, _warning) in enumerate(CONSTRUCTS.values()):
        (ws / f"briefs/demo/figures/hostile-{number:02d}.svg").write_text(svg, encoding="utf-8")
        figures.append(
            f'  ![Hostile picture {number}](figures/hostile-{number:02d}.svg){{fig-alt="Picture {number}"}}\n'
        )
    (ws / "briefs/demo/blocks/hostile.yaml").write_text(
        "section: context\n"
        f'title: "Hostile <img src=x onerror=\\"{PAYLOAD}\\"> title"\n'
        "order: 20\n"
        "status: approved\n"
        f"summary: Hostile summary \\<script>{PAYLOAD}\\</script>.\n"
        "body: |\n"
        f'  Text \\<script>{PAYLOAD}\\</script> and \\<img src=x onerror="{PAYLOAD}"> and {{{{ 7*7 }}}} and\n'
        f'  `<svg onload={PAYLOAD}>` and "\\>\\<script>{PAYLOAD}\\</script>.\n\n'
        '  A [link](https://example.org/"onmouseover="alert(1)) and [another](https://example.org/?q=\\<script>x)\n'
        "  and <https://example.org/'onfocus='alert(1)'autofocus=''> and\n"
        '  [mail](mailto:x@example.org?subject="><script>alert(1)</script>).\n\n'
        f"  ![Caption \\<script>{PAYLOAD}\\</script>](figures/shapes.svg)"
        '{fig-alt="\\"><img src=x onerror=alert(1)>"}\n\n' + "\n".join(figures),
        encoding="utf-8",
    )
    return len(figures)


def _chromium():
    """Headless Chromium through chromedriver, with WebDriver BiDi so that console messages and dialogs are events."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = chromium_options("--host-resolver-rules=MAP * ~NOTFOUND")  # a payload reaching the network finds nothing
    options.enable_bidi = True
    options.unhandled_prompt_behavior = "ignore"  # an alert stays open, so the test sees it
    return webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)


@pytest.mark.slow
@pytest.mark.skipif(not (CHROMIUM and CHROMEDRIVER), reason="needs Debian's chromium and chromium-driver")
def test_no_script_runs_in_a_browser_opening_what_a_build_wrote(tmp_path: Path):
    """Every HTML output, every SVG of the Markdown export's figures/ and of Word's media, opened in Chromium."""
    import threading
    import zipfile

    pytest.importorskip("selenium")
    from selenium.common.exceptions import UnexpectedAlertPresentException

    from briefgen.build import BuildOptions, build

    ws = tmp_path / "ws"
    shutil.copytree(FIXTURES / "figures", ws, ignore=shutil.ignore_patterns("dist"))
    hostile = _hostile_corpus(ws)
    out = tmp_path / "out"
    build(ws, BuildOptions(all_audiences=True, formats=("html", "md", "docx"), out_dir=out, jobs=1))
    pages = sorted((out / "demo").glob("*.html"))
    assert len(pages) == 2
    exported = sorted((out / "demo/figures").glob("hostile-*.svg"))
    assert len(exported) == hostile
    media = tmp_path / "media"
    for docx_file in sorted((out / "demo").glob("*.docx")):
        with zipfile.ZipFile(docx_file) as archive:
            for name in archive.namelist():
                if name.startswith("word/media/") and name.endswith(".svg"):
                    target = media / docx_file.stem / Path(name).name
                    target.parent.mkdir(parents=True, exist_ok=True)
                    target.write_bytes(archive.read(name))
    word_svgs = sorted(media.rglob("*.svg"))
    # Word keeps one copy of pictures that came out of cleaning the same; the shapes and the chart come too.
    assert len(word_svgs) >= len({path.read_bytes() for path in exported}) + 2

    console: list[str] = []
    dialogs: list[str] = []
    checked: dict[str, threading.Event] = {}

    def on_console(entry) -> None:
        text = str(entry.text)
        if text in checked:
            checked[text].set()
        else:
            console.append(text)

    driver = _chromium()
    try:
        driver.script.add_console_message_handler(on_console)
        driver.script.add_javascript_error_handler(lambda entry: console.append(f"error: {entry.text}"))
        driver.browsing_context.add_event_handler("user_prompt_opened", lambda e: dialogs.append(e.message))
        seen = {}
        for number, path in enumerate([*pages, *exported, *word_svgs]):
            driver.get(path.as_uri())
            marker = f"briefgen-checked-{number}"
            checked[marker] = threading.Event()
            probe = (
                f"console.log('{marker}');"
                "return [document.title, typeof window.pwned, document.documentElement.localName]"
            )
            state = None
            for _attempt in range(20):  # each open alert is dismissed (and counted) until the page answers
                try:
                    state = driver.execute_script(probe)
                    break
                except UnexpectedAlertPresentException:
                    dialogs.append(f"an alert was open on {path.name}")
                    driver.switch_to.alert.dismiss()
            # Console messages arrive in order: once the marker is in, everything the page logged before it is too.
            assert checked[marker].wait(timeout=20), f"no console message back from {path.name}"
            seen[str(path.relative_to(tmp_path))] = state
        driver.get(pages[-1].as_uri())
        body = driver.find_element("tag name", "body").text
    finally:
        driver.quit()
    assert dialogs == []
    assert console == []
    assert {name: state for name, state in seen.items() if state[0] == "pwned" or state[1] != "undefined"} == {}
    assert [name for name, state in seen.items() if name.endswith(".svg") and state[2] != "svg"] == []
    # The hostile text is shown as text.
    assert "<script>document.title=" in body and "{{ 7*7 }}" in body and "Hostile <img src=x onerror=" in body
