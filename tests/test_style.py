"""theme.yaml: every group and token checked against its type, at its line and column, all in one run.

A content author edits styles/theme.yaml, and its values reach the HTML page, the preview, Word's
XML and the charts: a font name that closes its CSS string could put a live script into the
page. Every value must have its token's type (theme_tokens.SCHEMA); anything else is an error
where it stands, from `check`, `build` and the preview alike.
"""

from __future__ import annotations

import html
import zipfile
from pathlib import Path

import pytest
import tinycss2
from conftest import copy_fixture
from test_cli import run_main

from briefgen.commands.serve import PreviewState
from briefgen.content.style import ThemeError, load_style

HINT = (
    "write a font's family name of letters, digits, spaces and hyphens only (at most 64), such as Noto Sans CJK JP "
    "[style.theme]"
)
PAYLOAD = 'Carlito", sans-serif; } </style><script>alert(1)</script>'

# theme.yaml, and the error `check` and `build` give for it
HOSTILE_FONTS = {
    "heading": (
        f"fonts:\n  heading: '{PAYLOAD}'\n",
        f"styles/theme.yaml:2:12: error: fonts.heading is '{PAYLOAD}'; {HINT}",
    ),
    "fallback in a list": (
        "fonts:\n  fallback: [DejaVu Sans, 'x\"; } </style><script>alert(1)</script>']\n",
        "styles/theme.yaml:2:27: error: fonts.fallback item 2 is 'x\"; } </style><script>alert(1)</script>'; " + HINT,
    ),
    "backslash in a block list": (
        "fonts:\n  fallback:\n    - Noto Sans CJK JP\n    - 'Evil\\'\n",
        f"styles/theme.yaml:4:7: error: fonts.fallback item 2 is 'Evil\\'; {HINT}",
    ),
    "newline": (
        'page:\n  size: A4\nfonts:\n  body: "Carlito\\n} html { display: none"\n',
        f"styles/theme.yaml:4:9: error: fonts.body is 'Carlito...'; {HINT}",
    ),
    "comment end": (
        "fonts:\n  body_word: 'Calibri */ @import url(https://evil.example/x.css); /*'\n",
        "styles/theme.yaml:2:14: error: fonts.body_word is 'Calibri */ @import url(https://evil.example/x.css); /*'; "
        + HINT,
    ),
    "url(": (
        "fonts:\n  heading_word: 'Calibri\"); src: url(https://evil.example/f.woff'\n",
        "styles/theme.yaml:2:17: error: fonts.heading_word is 'Calibri\"); src: url(https://evil.example/f.woff'; "
        + HINT,
    ),
    "@import": (
        "fonts:\n  body: '@import \"https://evil.example/x.css\";'\n",
        f"styles/theme.yaml:2:9: error: fonts.body is '@import \"https://evil.example/x.css\";'; {HINT}",
    ),
}


@pytest.fixture
def ws(tmp_path: Path) -> Path:
    workspace = copy_fixture("minimal", tmp_path)
    (workspace / "styles").mkdir()
    return workspace


def assert_refused(ws: Path, code: int, out: str, err: str, expected: list[str]) -> None:
    """Exit 1, exactly the expected errors, no traceback, nothing written."""
    assert code == 1, err
    assert [line for line in err.splitlines() if ": error: " in line] == expected
    assert "Traceback" not in out + err and "internal error" not in err
    written = [p for p in (ws / "dist").rglob("*") if p.is_file() and ".briefgen-cache" not in p.parts]
    assert written == []


@pytest.mark.parametrize("case", list(HOSTILE_FONTS))
def test_a_font_name_that_would_close_its_css_is_an_error_at_its_value(case: str, ws: Path, monkeypatch, capsys):
    theme, error = HOSTILE_FONTS[case]
    (ws / "styles/theme.yaml").write_text(theme, encoding="utf-8")
    code, out, err = run_main(["-w", str(ws), "check"], monkeypatch, capsys)
    assert_refused(ws, code, out, err, [error])
    code, out, err = run_main(["-w", str(ws), "build", "-a", "reader", "-j", "1", "-f", "html"], monkeypatch, capsys)
    assert_refused(ws, code, out, err, [error])
    assert err.endswith("1 error found; nothing was written.\n")


def test_every_wrong_token_is_reported_in_one_run_where_it_stands(ws: Path, monkeypatch, capsys):
    (ws / "styles/theme.yaml").write_text(
        "page:\n"
        "  size: B5\n"
        "  margin_top: 20mm; } </style>\n"
        "  margin_left: 300mm\n"
        "  gutter: 5mm\n"
        "colour:\n"
        "  accent: 1B3A5C\n"
        "colors:\n"
        "  accent: '1B3A5C; } </style><script>alert(1)</script>'\n"
        "  text: '#1F2328'\n"
        "sizes:\n"
        "  body: .inf\n"
        "  title: 1000\n"
        "  small: [8]\n"
        "spacing:\n"
        "  line_height: '1.25; } </style>'\n"
        "labels:\n"
        "  figure: '<img src=x onerror=alert(1)>'\n"
        "  table: Tabelle\n"
        "fonts:\n"
        "  fallback: DejaVu Sans\n"
        "  body: Carlito\n"
        "  mono: Liberation Mono\n",
        encoding="utf-8",
    )
    code, out, err = run_main(["-w", str(ws), "check"], monkeypatch, capsys)
    assert_refused(
        ws,
        code,
        out,
        err,
        [
            "styles/theme.yaml:2:9: error: page.size is 'B5'; write A4 or Letter [style.theme]",
            "styles/theme.yaml:3:15: error: page.margin_top is '20mm; } </style>'; write a length up to 80mm, such as "
            "20mm, 2cm, 0.8in or 54pt [style.theme]",
            "styles/theme.yaml:4:16: error: page.margin_left is '300mm'; write a length up to 80mm, such as 20mm, 2cm, "
            "0.8in or 54pt [style.theme]",
            "styles/theme.yaml:5:3: error: page.gutter is not a token of the theme; page has size, margin_top, "
            "margin_bottom, margin_left, margin_right [style.theme]",
            "styles/theme.yaml:6:1: error: 'colour' is not a group of the theme (did you mean 'colors'?); the groups "
            "are page, fonts, sizes, colors, spacing, labels [style.theme]",
            "styles/theme.yaml:9:11: error: colors.accent is '1B3A5C; } </style><script>alert(1)</script>'; write six "
            'hex digits such as "1B3A5C" [style.theme]',
            "styles/theme.yaml:12:9: error: sizes.body is 'inf'; write a number of points from 4 to 200, such as 10.5 "
            "[style.theme]",
            "styles/theme.yaml:13:10: error: sizes.title is '1000'; write a number of points from 4 to 200, such as "
            "10.5 [style.theme]",
            "styles/theme.yaml:14:10: error: sizes.small is a list; write a number of points from 4 to 200, such as "
            "10.5 [style.theme]",
            "styles/theme.yaml:16:16: error: spacing.line_height is '1.25; } </style>'; write a multiple of the font "
            "size from 0.8 to 3, such as 1.25 [style.theme]",
            "styles/theme.yaml:18:11: error: labels.figure is '<img src=x onerror=alert(1)>'; write a word or short "
            "phrase of letters, digits, spaces, hyphens, apostrophes and full stops (at most 40), such as Figure "
            "[style.theme]",
            "styles/theme.yaml:21:13: error: fonts.fallback is 'DejaVu Sans'; write a list of at most 16 font names, "
            "such as [Noto Sans CJK JP, DejaVu Sans] [style.theme]",
            "styles/theme.yaml:23:3: error: fonts.mono is not a token of the theme; fonts has body, body_word, "
            "heading, heading_word, fallback [style.theme]",
        ],
    )


def test_a_theme_that_is_not_groups_of_tokens_is_an_error_at_its_place(ws: Path):
    (ws / "styles/theme.yaml").write_text("colors: 1B3A5C\nfonts:\n  - Carlito\n", encoding="utf-8")
    with pytest.raises(ThemeError) as refused:
        load_style(ws)
    assert [d.format(ws) for d in refused.value.diagnostics.errors] == [
        "styles/theme.yaml:1:9: error: colors is '1B3A5C'; write a group of tokens under it, such as 'colors:' with "
        "'accent: \"1B3A5C\"' [style.theme]",
        "styles/theme.yaml:3:3: error: fonts is a list; write a group of tokens under it, such as 'colors:' with "
        "'accent: \"1B3A5C\"' [style.theme]",
    ]


def test_the_preview_shows_the_error_not_the_script(ws: Path):
    theme, error = HOSTILE_FONTS["heading"]
    (ws / "styles/theme.yaml").write_text(theme, encoding="utf-8")
    page = PreviewState(ws.resolve(), None).page("reader")
    assert html.escape(error) in page
    assert "<script>alert" not in page and "</style><script>" not in page


def house_css(page: str) -> list[tinycss2.ast.Node]:
    """The rules of the page's own stylesheet (its one <style> element)."""
    assert page.count("<style>") == 1 and page.count("</style>") == 1
    css = page.split("<style>", 1)[1].split("</style>", 1)[0]
    return tinycss2.parse_stylesheet(css, skip_comments=True, skip_whitespace=True)


def font_families(rules: list, selector: str) -> list[list[tuple[str, str]]]:
    found = []
    for rule in rules:
        if rule.type == "qualified-rule" and tinycss2.serialize(rule.prelude).strip() == selector:
            for declaration in tinycss2.parse_blocks_contents(rule.content, skip_whitespace=True):
                if declaration.type == "declaration" and declaration.name == "font-family":
                    found.append([(t.type, t.value) for t in declaration.value if t.type in ("string", "ident")])
    return found


def test_a_valid_theme_still_gives_its_fonts_to_html_and_word(ws: Path, tmp_path: Path, monkeypatch, capsys):
    (ws / "styles/theme.yaml").write_text(
        "page:\n  size: Letter\n  margin_left: 0.8in\n"
        "fonts:\n  heading: DejaVu Sans\n  heading_word: Source Sans 3\n  fallback: [DejaVu Sans, Noto Sans CJK JP]\n"
        "colors:\n  accent: '#7A1FA2'\nsizes:\n  body: 10.5\nlabels:\n  table: Tab.\n",
        encoding="utf-8",
    )
    out_dir = tmp_path / "out"
    args = ["-w", str(ws), "build", "-a", "reader", "-j", "1", "-f", "html", "-f", "docx", "-o", str(out_dir)]
    code, _out, err = run_main(args, monkeypatch, capsys)
    assert code == 0, err
    page = (out_dir / "demo/demo-reader.html").read_text(encoding="utf-8")
    rules = house_css(page)
    assert font_families(rules, "h2, h3, h4") == [[("string", "DejaVu Sans"), ("ident", "sans-serif")]]
    assert font_families(rules, "html") == [
        [("string", "Carlito"), ("string", "DejaVu Sans"), ("string", "Noto Sans CJK JP"), ("ident", "sans-serif")]
    ]
    assert "size: Letter;" in page and "margin: 20mm 20mm 20mm 0.8in;" in page and "color: #7A1FA2;" in page
    assert "font-size: 10.5pt;" in page
    with zipfile.ZipFile(out_dir / "demo/demo-reader.docx") as archive:
        styles = archive.read("word/styles.xml").decode("utf-8")
    assert 'w:ascii="Source Sans 3"' in styles and 'w:color w:val="7A1FA2"' in styles


def test_an_escaped_control_character_in_the_theme_is_a_warning_where_it_stands(tmp_path: Path, monkeypatch, capsys):
    """As in block files: `"\\v"` is removed with a warning at its line, never silently."""
    ws = copy_fixture("minimal", tmp_path)
    (ws / "styles").mkdir(exist_ok=True)
    (ws / "styles" / "theme.yaml").write_text('labels:\n  source: "Sou\\u0000rce"\n  figure: "Fig\\vure"\n')
    code, out, err = run_main(["-w", str(ws), "check"], monkeypatch, capsys)
    assert code == 0
    warnings = [line for line in (out + err).splitlines() if "theme.yaml" in line]
    assert warnings == [
        f"styles/theme.yaml:{line}:11: warning: removed invisible control characters ({code_point}) that no "
        "document format can hold; they usually come from pasting text [text.control-character]"
        for line, code_point in ((2, "U+0000"), (3, "U+000B"))
    ]
    code, out, err = run_main(["-w", str(ws), "check", "--strict"], monkeypatch, capsys)
    assert code == 1
