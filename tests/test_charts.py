"""Vega-Lite charts: mistakes reported at the spec's own line, data read by briefgen, the house style applied.

Each test copies tests/fixtures/figures/ and rewrites its chart (figures/trend.vl.yaml and
trend.csv), then runs `briefgen check` or loads the workspace as a build does.
"""

from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path

import pytest
import vl_convert
from conftest import FIXTURES
from test_cli import run

from briefgen.content.loader import load_workspace
from briefgen.diagnostics import Diagnostics
from briefgen.document.number import figures_of
from briefgen.document.select import select

SPEC = "briefs/demo/figures/trend.vl.yaml"


@pytest.fixture
def ws(tmp_path: Path) -> Path:
    target = tmp_path / "ws"
    shutil.copytree(FIXTURES / "figures", target, ignore=shutil.ignore_patterns("dist"))
    return target


def _check(ws: Path, spec: str, csv: str | None = None) -> tuple[int, list[str]]:
    (ws / SPEC).write_text(spec)
    if csv is not None:
        (ws / "briefs/demo/figures/trend.csv").write_text(csv)
    result = run("--workspace", str(ws), "check")
    assert "Traceback" not in result.output
    return result.exit_code, [line for line in result.stderr.splitlines() if "trend." in line.split(": ")[0]]


def test_an_unknown_mark_is_named_at_its_line(ws: Path):
    code, lines = _check(ws, "data:\n  url: trend.csv\nmark: lines\nencoding:\n  x: {field: year, type: ordinal}\n")
    assert code == 1
    assert lines == [
        f"{SPEC}:3:7: error: unknown mark 'lines' (did you mean 'line'?); use one of arc, area, bar, boxplot, "
        "circle, errorband, errorbar, geoshape, line, point, rect, rule, square, text, tick, trail [chart.spec]"
    ]


def test_an_unknown_channel_and_a_missing_field_are_named_at_their_lines(ws: Path):
    spec = (
        "data:\n  url: trend.csv\nmark: line\nencoding:\n  x: {field: yaer, type: ordinal}\n  colour: {field: value}\n"
    )
    code, lines = _check(ws, spec)
    assert code == 1
    assert lines == [
        f"{SPEC}:5:14: error: field 'yaer' is not in the chart's data (did you mean 'year'?); its columns are "
        "value, year [chart.spec]",
        f"{SPEC}:6:3: error: unknown encoding channel 'colour' (did you mean 'color'?); channels are x, y, color, "
        "size, shape, text, tooltip and the others the Vega-Lite documentation lists [chart.spec]",
    ]


def test_a_misspelt_property_or_field_type_is_named_at_its_line(ws: Path):
    spec = "data:\n  url: trend.csv\nmark: line\nencodng:\n  x: {field: year, type: quantitive}\n"
    code, lines = _check(ws, spec)
    assert code == 1
    assert lines == [
        f"{SPEC}:4:1: error: 'encodng' is not a property of a Vega-Lite chart (did you mean 'encoding'?); common ones "
        "are data, mark, encoding, width, height, title, transform and layer [chart.spec]"
    ]
    code, lines = _check(ws, spec.replace("encodng", "encoding"))
    assert lines == [
        f"{SPEC}:5:26: error: 'quantitive' is not a field type (did you mean 'quantitative'?); use quantitative "
        "(numbers), temporal (dates), ordinal (ordered categories) or nominal (names) [chart.spec]"
    ]


def test_a_csv_with_a_header_and_no_rows_is_named(ws: Path):
    code, lines = _check(ws, "data:\n  url: trend.csv\nmark: line\n", "year,value\n")
    assert code == 1
    assert lines == [f"{SPEC}:2:8: error: 'trend.csv' has no rows of data below its header; add the data [chart.spec]"]


def test_a_csv_row_that_does_not_match_its_header_is_named_at_its_line(ws: Path):
    code, lines = _check(
        ws,
        "data:\n  url: trend.csv\nmark: line\nencoding:\n  x: {field: year, type: ordinal}\n",
        "year,value\n2020,1\n2021,2,extra\n",
    )
    assert code == 1
    assert lines == [
        "briefs/demo/figures/trend.csv:3:1: error: this row has 3 values but the header names 2 columns; quote "
        "values that contain commas [chart.spec]"
    ]


@pytest.mark.parametrize(
    ("url", "message"),
    [
        (
            "https://example.org/data.csv",
            "the data url 'https://example.org/data.csv' is not a file next to the specification; charts never fetch "
            "data: save it as CSV in the brief's folder and write its name, for example trade.csv",
        ),
        (
            "../../../../etc/passwd",
            "the data url '../../../../etc/passwd' leads outside the brief's folder; keep the data beside the "
            "specification",
        ),
        ("trnd.csv", "there is no data file 'trnd.csv' next to the specification (did you mean 'trend.csv'?)"),
    ],
)
def test_data_comes_only_from_files_beside_the_specification(ws: Path, url: str, message: str):
    code, lines = _check(ws, f"data:\n  url: {url}\nmark: line\n")
    assert code == 1
    assert lines == [f"{SPEC}:2:8: error: {message} [chart.spec]"]


def test_vega_lites_own_warnings_become_briefgen_warnings(ws: Path):
    spec = "data:\n  url: trend.csv\nmark: line\nencoding:\n  x: {field: year, type: ordinal, aggregate: avarage}\n"
    code, lines = _check(ws, spec)
    assert code == 0
    assert lines == [f'{SPEC}:5:46: warning: Vega-Lite: Invalid aggregation operator "avarage". [chart.vega-lite]']


def test_vega_lite_errors_are_reported_without_a_traceback(ws: Path):
    spec = "data:\n  url: trend.csv\nmark: {type: line, interpolate: 12}\nlayer: 3\n"
    code, lines = _check(ws, spec)
    assert code == 1
    assert len(lines) == 1 and lines[0].startswith(f"{SPEC}:3:1: error: Vega-Lite cannot draw this chart (")


def test_the_converter_gets_the_data_inline_no_url_and_the_house_style(ws: Path, monkeypatch):
    seen: list[tuple[dict, dict, object]] = []
    real = vl_convert.vegalite_to_svg

    def spy(spec, **options):
        seen.append((spec, options.get("config"), options.get("allowed_base_urls")))
        return real(spec, **options)

    monkeypatch.setattr(vl_convert, "vegalite_to_svg", spy)
    diags = Diagnostics()
    load_workspace(ws, diags)
    assert not diags.has_errors(), diags.items
    assert len(seen) == 1
    spec, config, allowed = seen[0]
    assert allowed == []
    assert '"url"' not in json.dumps(spec)
    assert spec["data"]["values"][0] == {"year": 2020, "value": 1}  # numbers read as numbers
    assert config["font"] == "Carlito" and config["range"]["category"][0] == "#1B3A5C"
    # Drawn once: loading again takes the chart from the cache.
    load_workspace(ws, Diagnostics())
    assert len(seen) == 1


def test_a_theme_colour_recolours_the_chart(ws: Path):
    (ws / "styles").mkdir(exist_ok=True)
    (ws / "styles/theme.yaml").write_text('colors:\n  accent: "7A1FA2"\n')
    diags = Diagnostics()
    loaded = load_workspace(ws, diags)
    brief = loaded.briefs["demo"]
    doc = select(brief, loaded.audiences["reader"])
    chart = next(f for f in figures_of(doc) if f.picture is not None and f.picture.chart)
    svg = chart.picture.path.read_text()
    assert "#7A1FA2" in svg.upper() and "#1B3A5C" not in svg.upper()


def test_without_the_charts_extra_a_chart_is_an_error_at_its_figure_and_the_rest_still_builds(ws: Path, monkeypatch):
    from briefgen.content.drawing_inputs import package_identity

    monkeypatch.setitem(sys.modules, "vl_convert", None)  # as if vl-convert-python were not installed
    assert package_identity.__wrapped__("vl_convert") == "missing"  # fingerprints and cache keys do not crash
    for command in ("check", "build"):
        result = run("--workspace", str(ws), command)
        assert result.exit_code == 1 and "Traceback" not in result.output, command
        assert [line.removeprefix("Error: ") for line in result.stderr.splitlines() if "[chart." in line] == [
            "briefs/demo/blocks/bars.yaml:14:3: error: 'figures/trend.vl.yaml' is a chart, and drawing charts needs "
            "briefgen's charts extra, which is not installed; install it with pip install 'briefgen[charts]' and "
            "build again [chart.not-installed]"
        ], command
    block = ws / "briefs/demo/blocks/bars.yaml"
    lines = block.read_text(encoding="utf-8").splitlines(keepends=True)
    kept = "".join(line for line in lines if "trend.vl.yaml" not in line).replace("; the trend agrees (@fig-trend)", "")
    block.write_text(kept, encoding="utf-8")
    result = run("--workspace", str(ws), "build", "-f", "md")
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in (ws / "dist/demo").glob("*.md")) == ["demo-boss.md", "demo-reader.md"], result.output
