"""The CSS filters stylesheet templates print theme values with: one CSS token, whatever the value.

Each output is read back by tinycss2 (the CSS parser WeasyPrint itself uses): a hostile value must
come back as exactly one string or identifier token equal to it, inside one declaration of one
rule, and never hold the '<' that could end the page's <style> element.
"""

from __future__ import annotations

import pytest
import tinycss2
from hypothesis import given
from hypothesis import strategies as st

from briefgen.render.cssescape import css_color, css_ident, css_length, css_number, css_string
from briefgen.render.sandbox import _template_env
from briefgen.runtime.resources import DEFAULTS

HOSTILE = [
    'Carlito", sans-serif; } </style><script>alert(1)</script>',
    "Carlito'; } </STYLE><svg onload=alert(1)>",
    "back\\slash\\",
    "new\nline\r\nand\fform feed",
    "*/ body { display: none } /*",
    '@import url("https://evil.example/x.css");',
    "url(javascript:alert(1))",
    "x\\22 ; } @import 'y'",
    "<!-- -->",
    "-",
    "--custom",
    "-9lives",
    "1B3A5C",
    "\x7f\x01\x1f",
    "Noto Sans CJK JP 北方",
]


def tokens(css: str) -> list:
    return [t for t in tinycss2.parse_component_value_list(css) if t.type != "whitespace"]


def declaration_value(value_css: str) -> list:
    """The tokens of the one declaration of the one rule `a { font-family: <value_css>; color: red }` holds."""
    rules = [r for r in tinycss2.parse_stylesheet(f"a {{ font-family: {value_css}; color: red }}") if r.type != "error"]
    assert len(rules) == 1, rules
    declarations = [d for d in tinycss2.parse_blocks_contents(rules[0].content) if d.type == "declaration"]
    assert [d.name for d in declarations] == ["font-family", "color"], declarations
    return [t for t in declarations[0].value if t.type != "whitespace"]


@pytest.mark.parametrize("value", HOSTILE)
def test_a_hostile_string_is_one_css_string_token_equal_to_it(value: str):
    out = css_string(value)
    assert "<" not in out and "\n" not in out
    assert [(t.type, t.value) for t in tokens(out)] == [("string", value)]
    assert [(t.type, t.value) for t in declaration_value(out)] == [("string", value)]


@pytest.mark.parametrize("value", HOSTILE)
def test_a_hostile_identifier_is_one_css_ident_token_equal_to_it(value: str):
    out = css_ident(value)
    assert "<" not in out and "\n" not in out
    assert [(t.type, t.value) for t in tokens(out)] == [("ident", value)]
    assert [(t.type, t.value) for t in declaration_value(out)] == [("ident", value)]


@given(st.text(max_size=60))
def test_any_text_is_one_css_string_token_equal_to_it(value: str):
    out = css_string(value)
    assert "<" not in out
    # CSS reads a NUL as U+FFFD, however it is written
    assert [(t.type, t.value) for t in declaration_value(out)] == [("string", value.replace("\x00", "\ufffd"))]


@given(st.text(min_size=1, max_size=60))
def test_any_text_is_one_css_identifier_token_equal_to_it(value: str):
    out = css_ident(value)
    assert "<" not in out
    assert [(t.type, t.value) for t in declaration_value(out)] == [("ident", value.replace("\x00", "\ufffd"))]


@pytest.mark.parametrize(
    ("convert", "value", "expected"),
    [
        (css_number, 10, "10"),
        (css_number, 8.5, "8.5"),
        (css_length, "0.8in", "0.8in"),
        (css_length, "20mm", "20mm"),
        (css_color, "1B3A5C", "#1B3A5C"),
        (css_color, "#a4161a", "#a4161a"),
    ],
)
def test_numbers_lengths_and_colours_print_as_they_are(convert, value, expected):
    assert convert(value) == expected


@pytest.mark.parametrize(
    ("convert", "value"),
    [
        (css_number, "10; } </style>"),
        (css_number, float("inf")),
        (css_number, float("nan")),
        (css_number, True),
        (css_length, "20mm; } </style>"),
        (css_length, "20"),
        (css_color, "1B3A5C; } </style>"),
        (css_color, "red"),
        (css_ident, ""),
    ],
)
def test_a_value_that_is_not_of_its_type_is_refused_not_printed(convert, value):
    with pytest.raises(ValueError):
        convert(value)


def test_the_built_in_stylesheet_prints_a_hostile_theme_value_as_one_token():
    """Defence in depth: a font name that slipped past theme.yaml's check stays one string in the stylesheet."""
    from briefgen.content.style import load_style

    style = load_style(None)
    hostile = HOSTILE[0]
    theme = {**style.theme, "fonts": {**style.theme["fonts"], "heading": hostile, "body": hostile}}
    env = _template_env((DEFAULTS / "styles",), False)
    css = env.get_template("brief.css.j2").render(t=theme, fonts={}, decision=False, fallback_fonts="")
    assert "</style" not in css.lower() and "<script" not in css
    rules = tinycss2.parse_stylesheet(css, skip_comments=True, skip_whitespace=True)
    families = [
        [(t.type, t.value) for t in d.value if t.type not in ("whitespace", "literal")]
        for rule in rules
        if rule.type == "qualified-rule"
        for d in tinycss2.parse_blocks_contents(rule.content, skip_whitespace=True)
        if d.type == "declaration" and d.name == "font-family"
    ]
    assert [("string", hostile), ("ident", "sans-serif")] in families
    assert all(t[0][1] in (hostile, "Liberation Mono") for t in families), families
    assert not [r for r in rules if r.type == "error"]
