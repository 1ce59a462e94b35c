"""Every file briefgen reads stays inside the workspace; hostile shapes are errors, never crashes.

Workspace files that are links out of the workspace are refused unread, error messages quote
at most one line of a wrong value, YAML nested thousands of levels deep and control characters
are errors at their line and column, and a machine without any usable font gets a message
instead of a crash inside the PDF engine.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import FIXTURES
from pypdf import PdfReader
from test_cli import run_main

from briefgen.content.yamlsrc import parse_yaml
from briefgen.diagnostics import Diagnostics

DEFAULT_CSS = Path(__file__).parent.parent / "src/briefgen/defaults/styles/brief.css.j2"
SECRET = "SECRET-TOKEN-42"


@pytest.fixture
def ws(tmp_path: Path) -> Path:
    shutil.copytree(FIXTURES / "minimal", tmp_path / "ws")
    (tmp_path / "outside").mkdir()
    return (tmp_path / "ws").resolve()


def parse(text: str) -> list[str]:
    diags = Diagnostics()
    parse_yaml(text, Path("x.yaml"), diags)
    return [d.format() for d in diags.sorted()]


def block(ws: Path, name: str, text: str) -> Path:
    path = ws / "briefs/demo/blocks" / f"{name}.yaml"
    path.write_text(text, encoding="utf-8")
    return path


# ---------------------------------------------------------------- row 3: links out of the workspace

LINKED = {
    "briefgen.yaml": ("briefgen.yaml", f"root:x:0:0:{SECRET}:/root:/bin/bash\n"),
    "audiences.yaml": ("audiences.yaml", f"root:x:0:0:{SECRET}:/root:/bin/bash\nsecond line {SECRET}\n"),
    "brief.yaml": ("briefs/demo/brief.yaml", f"root:x:0:0:{SECRET}:/root:/bin/bash\n"),
    "theme.yaml": ("styles/theme.yaml", f"colors:\n  accent: {SECRET}\n"),
}


@pytest.mark.parametrize("name", list(LINKED))
def test_a_workspace_file_linked_outside_is_refused_unread(name: str, ws: Path, monkeypatch, capsys):
    relative, secret_text = LINKED[name]
    target = ws.parent / "outside" / "secret.txt"
    target.write_text(secret_text, encoding="utf-8")
    link = ws / relative
    link.parent.mkdir(exist_ok=True)
    link.unlink(missing_ok=True)
    os.symlink(target, link)
    code, out, err = run_main(["-w", str(ws), "check"], monkeypatch, capsys)
    assert code == 1, err
    assert (
        f"{relative}: error: {name} is a link to a file outside the workspace; briefgen reads only files "
        "inside the workspace, so replace the link with a copy of the file"
    ) in err
    assert SECRET not in out + err
    assert "Traceback" not in out + err


def test_a_style_folder_linked_outside_is_refused(ws: Path, monkeypatch, capsys):
    outside = ws.parent / "outside" / "styles"
    outside.mkdir()
    (outside / "theme.yaml").write_text(f"colors:\n  accent: {SECRET}\n", encoding="utf-8")
    os.symlink(outside, ws / "styles")
    code, out, err = run_main(["-w", str(ws), "check"], monkeypatch, capsys)
    assert code == 1, err
    assert "styles: error: styles is a link to a folder outside the workspace; " in err
    assert SECRET not in out + err


def test_a_long_multiline_wrong_value_is_quoted_truncated(ws: Path, monkeypatch, capsys):
    first = "This paragraph was pasted where a list of tags belongs and it goes on and on for a long while"
    block(
        ws,
        "long",
        f"section: context\ntitle: Long\nstatus: approved\nsummary: s\ntags: |\n  {first}\n  {SECRET} second line\n"
        "body: text\n",
    )
    code, out, err = run_main(["-w", str(ws), "check"], monkeypatch, capsys)
    assert code == 1
    assert (
        "briefs/demo/blocks/long.yaml:5:7: error: tags must be a list, not the text "
        "'This paragraph was pasted where a list of tags belongs and it goes on and on...' [schema.type]"
    ) in err
    assert SECRET not in out + err


def test_a_long_wrong_theme_value_is_quoted_truncated(ws: Path, monkeypatch, capsys):
    (ws / "styles").mkdir()
    (ws / "styles/theme.yaml").write_text(f"colors:\n  text: |\n    {'red ' * 40}\n    {SECRET}\n", encoding="utf-8")
    code, out, err = run_main(["-w", str(ws), "check"], monkeypatch, capsys)
    assert code == 1
    assert f"colors.text is '{('red ' * 20)[:77].rstrip()}...'; write six hex digits" in err
    assert SECRET not in out + err


# ---------------------------------------------------------------- row 10: nesting thousands deep


def test_flow_nesting_thousands_deep_is_an_error_where_it_passes_the_limit():
    problems = parse("a: 1\ntags: " + "[" * 5000 + "]" * 5000 + "\n")
    assert problems == [
        "x.yaml:2:47: error: values are nested more than 40 levels deep; flatten the structure [yaml.too-large]"
    ]
    problems = parse("a: " + "{b: " * 5000 + "1" + "}" * 5000 + "\n")
    assert problems == [
        "x.yaml:1:164: error: values are nested more than 40 levels deep; flatten the structure [yaml.too-large]"
    ]


def test_block_nesting_thousands_deep_is_an_error_where_it_passes_the_limit():
    problems = parse("tags:\n" + "- " * 5000 + "x\n")
    assert problems == [
        "x.yaml:2:81: error: values are nested more than 40 levels deep; flatten the structure [yaml.too-large]"
    ]
    deep = "".join(f"{' ' * level}k{level}:\n" for level in range(1500)) + " " * 1500 + "x: 1\n"
    problems = parse(deep)
    assert problems == [
        "x.yaml:42:42: error: values are nested more than 40 levels deep; flatten the structure [yaml.too-large]"
    ]


def test_deep_nesting_in_a_block_exits_1_without_a_traceback(ws: Path, monkeypatch, capsys):
    block(ws, "deep", "section: context\ntitle: Deep\nstatus: approved\nbody: b\ntags: " + "[" * 5000 + "]" * 5000)
    (ws / "styles").mkdir()
    (ws / "styles/theme.yaml").write_text("colors: " + "{a: " * 5000 + "1" + "}" * 5000 + "\n")
    code, out, err = run_main(["-w", str(ws), "check"], monkeypatch, capsys)
    assert code == 1, err
    assert "briefs/demo/blocks/deep.yaml:5:47: error: values are nested more than 40 levels deep" in err
    assert "styles/theme.yaml:1:169: error: values are nested more than 40 levels deep" in err
    assert "Traceback" not in out + err and "RecursionError" not in out + err


def test_a_second_brief_nested_thousands_deep_does_not_break_checking_the_first(ws: Path, monkeypatch, capsys):
    (ws / "briefs/other").mkdir()
    (ws / "briefs/other/brief.yaml").write_text("title: x\nsections: " + "[" * 5000 + "]" * 5000 + "\n")
    code, out, err = run_main(["-w", str(ws), "check", "demo"], monkeypatch, capsys)
    assert "Traceback" not in out + err and "RecursionError" not in out + err
    assert code == 0, err


# ---------------------------------------------------------------- row 11: control characters


def test_a_control_character_is_named_at_its_line_and_column(ws: Path, monkeypatch, capsys):
    block(ws, "pasted", "section: context\ntitle: Pasted\nstatus: approved\nbody: one\x0btwo and\x00three\n")
    code, out, err = run_main(["-w", str(ws), "check"], monkeypatch, capsys)
    assert code == 1
    fix = (
        "cannot be used in a YAML file; delete it (if your editor does not show it, retype the text "
        "around this place); such characters usually come from pasted text [yaml.control-character]"
    )
    assert f"briefs/demo/blocks/pasted.yaml:4:10: error: the invisible character U+000B {fix}" in err
    assert f"briefs/demo/blocks/pasted.yaml:4:18: error: the invisible character U+0000 {fix}" in err
    assert "position" not in err and "Traceback" not in out + err


# ---------------------------------------------------------------- row 12: no usable font at all


def without_font_faces(ws: Path) -> None:
    """A workspace stylesheet without the @font-face rules: only briefgen itself can supply the house font."""
    css = re.sub(r"\{% for name, url in fonts.items\(\) %\}.*?\{% endfor %\}", "", DEFAULT_CSS.read_text(), flags=re.S)
    assert "@font-face" not in css
    (ws / "styles").mkdir(exist_ok=True)
    (ws / "styles/brief.css.j2").write_text(css, encoding="utf-8")


def build_without_system_fonts(ws: Path, tmp_path: Path) -> subprocess.CompletedProcess:
    empty = tmp_path / "empty-fonts.conf"
    empty.write_text("<fontconfig></fontconfig>\n")
    env = dict(os.environ, FONTCONFIG_FILE=str(empty), XDG_CACHE_HOME=str(tmp_path / "cache"))
    return subprocess.run(
        [sys.executable, "-m", "briefgen", "-w", str(ws), "build", "-a", "reader", "-f", "pdf", "-o", str(ws / "out")],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
    )


def test_the_packaged_house_font_draws_the_pdf_without_any_system_font(ws: Path, tmp_path: Path):
    without_font_faces(ws)
    result = build_without_system_fonts(ws, tmp_path)
    assert result.returncode == 0, (result.returncode, result.stderr)
    reader = PdfReader(str(ws / "out/demo/demo-reader.pdf"))
    fonts = {
        str(font["/BaseFont"])
        for page in reader.pages
        for font in page["/Resources"]["/Font"].values()
        if "/BaseFont" in font.get_object()
    }
    assert any("Carlito" in name for name in fonts), fonts
    assert "Demo brief" in (reader.pages[0].extract_text() or "")


def test_no_usable_font_at_all_is_a_clear_error_not_a_crash(ws: Path, tmp_path: Path):
    without_font_faces(ws)
    (ws / "styles/theme.yaml").write_text("fonts:\n  body: Missing Sans\n  heading: Missing Sans\n")
    result = build_without_system_fonts(ws, tmp_path)
    assert result.returncode == 1, (result.returncode, result.stderr)
    assert (
        "styles/theme.yaml: the house font 'Missing Sans' (fonts.body and fonts.heading) is neither in the "
        "house style's styles/fonts/ folder nor installed on this system, so the PDF cannot be laid out; "
        "copy the font's .ttf files into the workspace's styles/fonts/, install the font, or name an installed "
        "font there"
    ) in result.stderr
    assert "Traceback" not in result.stderr and "internal error" not in result.stderr
    assert not (ws / "out/demo/demo-reader.pdf").exists()


def test_a_link_loop_and_a_named_pipe_are_errors_not_crashes_or_hangs(ws: Path, monkeypatch, capsys):
    os.symlink("loop.yaml", ws / "briefs/demo/blocks/loop.yaml")
    os.mkfifo(ws / "briefs/demo/blocks/pipe.yaml")
    code, out, err = run_main(["-w", str(ws), "check"], monkeypatch, capsys)
    assert code == 1, err
    assert "Traceback" not in out + err
    assert (
        "briefs/demo/blocks/pipe.yaml: error: this is not a plain file (a pipe, device or socket); replace it with "
        "a YAML file [file.unreadable]"
    ) in err
    assert "loop.yaml" in err


def test_a_cache_folder_that_links_out_is_not_used(ws: Path, tmp_path: Path, monkeypatch, capsys):
    shutil.rmtree(ws / "dist", ignore_errors=True)  # a local run's caches, which a clean clone has not
    (ws / "dist").mkdir()
    os.symlink(tmp_path / "outside", ws / "dist/.briefgen-cache")
    code, out, err = run_main(["-w", str(ws), "check"], monkeypatch, capsys)
    assert code == 0, err
    assert list((tmp_path / "outside").iterdir()) == []  # nothing cached, locked or drawn out there


@pytest.mark.parametrize("folder", ["layouts", "citations"])
def test_a_cache_subfolder_that_links_out_is_neither_written_nor_pruned(ws: Path, tmp_path: Path, folder: str):
    """A planted link at .briefgen-cache/layouts (or citations) cannot make a build write or delete elsewhere."""
    from briefgen.build import BuildOptions, build

    victim = tmp_path / "victim"
    victim.mkdir()
    for number in range(205):
        (victim / f"data{number}.json").write_text("{}", encoding="utf-8")
        (victim / f"{number:064x}.json").write_text("{}", encoding="utf-8")
    before = sorted(p.name for p in victim.iterdir())
    cache = ws / "dist" / ".briefgen-cache"
    shutil.rmtree(cache, ignore_errors=True)
    cache.mkdir(parents=True)
    os.symlink(victim, cache / folder)
    build(ws, BuildOptions(formats=("pdf",), force=True))
    assert sorted(p.name for p in victim.iterdir()) == before


def test_absolute_names_and_addresses_are_told_apart_from_workspace_paths():
    from briefgen.content.confine import is_absolute, url_scheme

    for name in ("/etc/passwd", "\\\\server\\share", "~/notes", "C:\\data", "d:/data"):
        assert is_absolute(name), name
    for name in ("figures/map.svg", "map.svg", "a:b", "./x"):
        assert not is_absolute(name), name
    assert [url_scheme(n) for n in ("HTTPS://example.org", "data:image/png", "file:///x", "c:/x", "map.svg")] == [
        "https",
        "data",
        "file",
        None,
        None,
    ]


def test_refusal_names_a_folder_linked_out_and_a_workspace_reached_through_a_link_is_inside(tmp_path: Path):
    from briefgen.content.confine import inside, refusal

    ws, outside = tmp_path / "ws", tmp_path / "outside"
    (ws / "briefs").mkdir(parents=True)
    outside.mkdir()
    (outside / "notes.yaml").write_text("x: 1\n", encoding="utf-8")
    (ws / "briefs" / "linked").symlink_to(outside, target_is_directory=True)
    assert refusal(ws / "briefs/linked/notes.yaml", ws) == (
        "notes.yaml lies in a folder that is a link to a place outside the workspace; briefgen reads only files "
        "inside the workspace, so replace the link with a copy of the folder"
    )
    (ws / "briefs" / "file.yaml").symlink_to(outside / "notes.yaml")
    assert refusal(ws / "briefs/file.yaml", ws) == (
        "file.yaml is a link to a file outside the workspace; briefgen reads only files inside the workspace, "
        "so replace the link with a copy of the file"
    )
    (ws / "briefs" / "own.yaml").write_text("x: 1\n", encoding="utf-8")
    via = tmp_path / "via"
    via.symlink_to(ws, target_is_directory=True)  # the workspace opened through a link to it
    assert inside(via / "briefs/own.yaml", via) and refusal(via / "briefs/own.yaml", via) is None
