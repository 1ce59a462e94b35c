"""Data charts: a Vega-Lite specification in YAML or JSON, drawn offline in the house style.

`![Trade, 2012-2021](figures/trade.vl.yaml){#fig-trade}` names a specification in the brief's
folder. It is read with positions, so a mistake is reported at the spec's own line and column:
an unknown mark or encoding channel, a field that is not in the data, a CSV that does not
parse. A data `url` is a file next to the specification, inside the brief's folder; briefgen
reads it itself and hands Vega-Lite the values, so the converter never touches a file or the
network (and is told to allow no URL at all). vl-convert draws the SVG with a Vega config made
from theme.yaml (house font, sizes, palette), so a colour changed there recolours every chart.
Vega-Lite's own warnings become briefgen warnings. Drawn charts are cached by the hash of spec,
data, config and converter version.

vl-convert is not part of a default install (it is larger than the rest of briefgen but Pandoc):
`pip install 'briefgen[charts]'` brings it. Without it a chart's specification is still checked,
and the figure that shows it is an error that says how to install it (`chart.not-installed`).
"""

from __future__ import annotations

import csv
import hashlib
import importlib.util
import io
import json
import os
import re
import tempfile
import threading
from pathlib import Path
from typing import Any
from urllib.parse import unquote

from briefgen.content.confine import is_absolute, resolved, stays_inside, url_scheme
from briefgen.content.drawing_inputs import font_dirs, package_identity
from briefgen.content.style import HouseStyle
from briefgen.content.yamlsrc import Node, load_yaml
from briefgen.diagnostics import Diagnostics, Location, codes, did_you_mean
from briefgen.runtime.files import read_cache, write_cache
from briefgen.runtime.versions import code_identity

MARKS = ("arc area bar boxplot circle errorband errorbar geoshape line point rect rule square text tick trail").split()
CHANNELS = (
    "x y x2 y2 xOffset yOffset xError xError2 yError yError2 theta theta2 radius radius2 longitude latitude "
    "longitude2 latitude2 color fill stroke opacity fillOpacity strokeOpacity strokeWidth strokeDash size angle "
    "shape key text description detail order tooltip facet row column"
).split()
SUB_SPECS = ("layer", "hconcat", "vconcat", "concat")
TOP_LEVEL = (
    "$schema data mark encoding width height title description name transform params layer hconcat vconcat concat "
    "facet spec repeat resolve config autosize background padding projection view align bounds center spacing "
    "columns usermeta datasets"
).split()
FIELD_TYPES = ("quantitative", "temporal", "ordinal", "nominal", "geojson")
DATA_FORMATS = {".csv": "csv", ".tsv": "tsv", ".json": "json"}
MAX_DATA_BYTES = 20_000_000
_CACHE_VERSION = "1"
_WARNING = re.compile(r"^\s*(?:\[?WARN\]?|WARN:?)\s*(.+)$")
_QUOTED = re.compile(r"[\"'`]([^\"'`]+)[\"'`]|^(\w+)-encoding")
_registered: set[str] = set()
_STDERR = threading.Lock()


class _Spec:
    """One chart specification being checked: its nodes, its folder and what it reported."""

    def __init__(self, path: Path, folder: Path, diags: Diagnostics):
        self.path = path
        self.folder = folder
        self.diags = diags
        self.errors = 0
        self.inputs: list[Path] = [path]

    def error(self, message: str, where: Location) -> None:
        self.errors += 1
        self.diags.error(codes.CHART_SPEC, message, where)


def draw_chart(
    path: Path, folder: Path, diags: Diagnostics, style: HouseStyle, cache_dir: Path, where: Location | None = None
) -> tuple[str, tuple[Path, ...]] | None:
    """The chart at `path` as SVG text and the files it was made from, or None (problems in `diags`).

    `where` is the figure that shows the chart: without the charts extra the specification is
    still checked, and the figure is where the missing converter is reported.
    """
    root = load_yaml(path, diags)
    if root is None:
        return None
    spec = _Spec(path, folder, diags)
    if not root.is_map:
        spec.error("a chart specification is a mapping (mark:, encoding:, data:); see the README's example", root.loc)
        return None
    plain = _check(root, spec, columns=None)
    if spec.errors:
        return None
    if not converter_installed():
        _not_installed(path, folder, diags, where)
        return None
    config = chart_config(style)
    key = hashlib.sha256(
        json.dumps(
            [plain, config, package_identity("vl_convert"), _CACHE_VERSION, code_identity()], sort_keys=True
        ).encode()
    ).hexdigest()
    cached = cache_dir / f"chart-{key}.json"
    record = read_cache(cached)
    if not isinstance(record, dict) or "svg" not in record:
        try:
            import vl_convert
        except ImportError:  # installed but broken: the same remedy
            _not_installed(path, folder, diags, where)
            return None
        for folder_name in font_dirs(style):
            if folder_name not in _registered:
                vl_convert.register_font_directory(folder_name)
                _registered.add(folder_name)
        try:
            svg, warnings = _convert(plain, config)
        except ValueError as exc:
            first = str(exc).split("\n")
            reason = first[1].strip() if len(first) > 1 and first[1].strip() else first[0]
            diags.error(
                codes.CHART_SPEC,
                f"Vega-Lite cannot draw this chart ({reason[:200]}); check the specification against the "
                "Vega-Lite documentation",
                _first_key(root, "mark"),
            )
            return None
        record = {"svg": svg, "warnings": warnings}
        write_cache(cached, record)
    for warning in record["warnings"]:
        diags.warning(codes.CHART_VEGA_LITE, f"Vega-Lite: {warning}", _warning_location(warning, root))
    return record["svg"], tuple(spec.inputs)


def converter_installed() -> bool:
    """Whether vl-convert, which the charts extra (pip install 'briefgen[charts]') brings, can be imported.

    Asked without importing it, so a brief whose charts are all cached costs no import.
    """
    try:
        return importlib.util.find_spec("vl_convert") is not None
    except (ImportError, ValueError):  # a module in sys.modules without a spec
        return False


def _not_installed(path: Path, folder: Path, diags: Diagnostics, where: Location | None) -> None:
    name = path.relative_to(folder).as_posix() if path.is_relative_to(folder) else path.name
    diags.error(
        codes.CHART_NOT_INSTALLED,
        f"'{name}' is a chart, and drawing charts needs briefgen's charts extra, which is not installed; "
        "install it with pip install 'briefgen[charts]' and build again",
        where or Location(path),
    )


def chart_config(style: HouseStyle) -> dict[str, Any]:
    """The Vega config of the house style: theme.yaml's fonts, sizes and colours."""
    theme = style.theme
    colors = {k: "#" + str(v).lstrip("#") for k, v in theme.get("colors", {}).items()}
    fonts = theme.get("fonts", {})
    sizes = theme.get("sizes", {})
    px = 96 / 72
    body = str(fonts.get("body", "sans-serif"))
    heading = str(fonts.get("heading", body))
    small = float(sizes.get("small", 8.5)) * px
    palette = [
        colors.get(name)
        for name in ("accent", "marking", "callout_tip", "callout_warning", "muted", "callout_note", "rule")
        if colors.get(name)
    ]
    text = colors.get("text", "#000000")
    return {
        "font": body,
        "background": "white",
        "view": {"stroke": None, "continuousWidth": 560, "continuousHeight": 240},
        "title": {"font": heading, "fontSize": float(sizes.get("heading2", 11)) * px, "color": text, "anchor": "start"},
        "axis": {
            "labelFont": body,
            "titleFont": body,
            "labelFontSize": small,
            "titleFontSize": small,
            "labelColor": text,
            "titleColor": text,
            "domainColor": colors.get("muted", text),
            "tickColor": colors.get("muted", text),
            "gridColor": colors.get("table_header", "#e5e5e5"),
        },
        "legend": {"labelFont": body, "titleFont": body, "labelFontSize": small, "titleFontSize": small},
        "header": {"labelFont": body, "titleFont": body, "labelFontSize": small, "titleFontSize": small},
        "text": {"font": body, "fontSize": small, "color": text},
        "mark": {"color": colors.get("accent", "#1B3A5C")},
        "range": {"category": palette},
    }


def _convert(spec: dict[str, Any], config: dict[str, Any]) -> tuple[str, list[str]]:
    """vl-convert's SVG, with the warnings Vega-Lite printed while compiling it."""
    import vl_convert

    with _STDERR, tempfile.TemporaryFile() as captured:  # one capture at a time: fd 2 belongs to the process
        saved = os.dup(2)
        os.dup2(captured.fileno(), 2)
        try:
            svg = vl_convert.vegalite_to_svg(spec, config=config, allowed_base_urls=[], show_warnings=True)
        finally:
            os.dup2(saved, 2)
            os.close(saved)
        captured.seek(0)
        printed = captured.read().decode("utf-8", "replace")
    warnings = [m.group(1).strip() for line in printed.splitlines() if (m := _WARNING.match(line))]
    return svg, warnings


def _warning_location(warning: str, root: Node) -> Location:
    """Where a Vega-Lite warning points: the first name it quotes, found in the spec."""
    for match in _QUOTED.finditer(warning):
        name = match.group(1) or match.group(2)
        found = _find_text(root, name)
        if found is not None:
            return found
    return root.loc


def _find_text(root: Node, needle: str) -> Location | None:
    if root.source is None or not needle:
        return None
    index = root.source.text.find(needle)
    return root.source.location_of(index) if index >= 0 else None


def _first_key(root: Node, key: str) -> Location:
    node = root.value.get(key) if root.is_map else None
    return (node.key_loc or node.loc) if node is not None else root.loc


# ---------------------------------------------------------------- checking the specification


def _check(node: Node, spec: _Spec, columns: set[str] | None) -> Any:
    """The specification as plain data with its data files inlined; problems recorded in `spec`."""
    plain = {k: v.plain() for k, v in node.value.items()}
    for key, value in node.value.items():
        if key not in TOP_LEVEL:
            spec.error(
                f"'{key}' is not a property of a Vega-Lite chart{did_you_mean(key, TOP_LEVEL)}; "
                "common ones are data, mark, encoding, width, height, title, transform and layer",
                value.key_loc or value.loc,
            )
    data = node.get("data")
    if data is not None:
        columns, plain["data"] = _data(data, spec)
    for key in ("transform",):
        if key in node.value:
            plain[key] = _inline_urls(node.value[key], spec)
    derived = _derived_fields(node.get("transform"))
    mark = node.get("mark")
    if mark is not None:
        _check_mark(mark, spec)
    encoding = node.get("encoding")
    if encoding is not None:
        _check_encoding(encoding, spec, columns, derived)
    for key in SUB_SPECS:
        children = node.get(key)
        if children is not None and children.is_list:
            plain[key] = [_check(child, spec, columns) if child.is_map else child.plain() for child in children.value]
    inner = node.get("spec")
    if inner is not None and inner.is_map:
        plain["spec"] = _check(inner, spec, columns)
    return plain


def _check_mark(mark: Node, spec: _Spec) -> None:
    kind = mark.get("type") if mark.is_map else mark
    if kind is None or not isinstance(kind.value, str):
        spec.error("the mark needs a type, for example mark: bar", mark.loc)
        return
    if kind.value == "image":
        spec.error(
            "the 'image' mark loads pictures from addresses, which builds never fetch; make the picture a figure "
            "of its own instead",
            kind.loc,
        )
    elif kind.value not in MARKS:
        spec.error(
            f"unknown mark '{kind.value}'{did_you_mean(kind.value, MARKS)}; use one of {', '.join(MARKS)}", kind.loc
        )


def _check_encoding(encoding: Node, spec: _Spec, columns: set[str] | None, derived: set[str]) -> None:
    if not encoding.is_map:
        spec.error("encoding is a mapping of channels, for example x: {field: year, type: temporal}", encoding.loc)
        return
    for channel, definition in encoding.value.items():
        where = definition.key_loc or definition.loc
        if channel not in CHANNELS:
            spec.error(
                f"unknown encoding channel '{channel}'{did_you_mean(channel, CHANNELS)}; channels are x, y, color, "
                "size, shape, text, tooltip and the others the Vega-Lite documentation lists",
                where,
            )
            continue
        for item in definition.value if definition.is_list else [definition]:
            kind = item.get("type") if item.is_map else None
            if kind is not None and kind.value not in FIELD_TYPES:
                spec.error(
                    f"'{kind.value}' is not a field type{did_you_mean(str(kind.value), FIELD_TYPES)}; use "
                    "quantitative (numbers), temporal (dates), ordinal (ordered categories) or nominal (names)",
                    kind.loc,
                )
            field = item.get("field") if item.is_map else None
            if field is None or columns is None or not isinstance(field.value, str):
                continue
            name = field.value
            known_fields = columns | derived
            if not {name, name.split(".")[0], name.replace("\\", "")} & known_fields:
                known = sorted(columns)
                spec.error(
                    f"field '{name}' is not in the chart's data{did_you_mean(name, known)}; "
                    f"its columns are {', '.join(known) if known else '(none)'}",
                    field.loc,
                )


def _derived_fields(transforms: Node | None) -> set[str]:
    """Fields the transforms create (calculate as, fold as, aggregate as...), which the data need not have."""
    found: set[str] = {"key", "value"}  # fold's default names
    if transforms is None:
        return found

    def collect(value: Any) -> None:
        if isinstance(value, dict):
            for key, item in value.items():
                if key == "as":
                    found.update([item] if isinstance(item, str) else [i for i in item if isinstance(i, str)])
                collect(item)
        elif isinstance(value, list):
            for item in value:
                collect(item)

    collect(transforms.plain())
    return found


def _inline_urls(node: Node, spec: _Spec) -> Any:
    """A value with every `{url: ...}` inside it (a lookup's data) replaced by the file's values."""
    if node.is_map:
        if "url" in node.value:
            return _data(node, spec)[1]
        return {k: _inline_urls(v, spec) for k, v in node.value.items()}
    if node.is_list:
        return [_inline_urls(v, spec) for v in node.value]
    return node.value


def _data(data: Node, spec: _Spec) -> tuple[set[str] | None, Any]:
    """The data's column names (None when unknown) and the data with its file read in."""
    if not data.is_map:
        spec.error("data is a mapping: values: [...] or url: a file next to the specification", data.loc)
        return None, data.plain()
    plain = data.plain()
    values = data.get("values")
    if values is not None and values.is_list:
        return {k for row in values.value if row.is_map for k in row.value}, plain
    url = data.get("url")
    if url is None:
        return None, plain
    if not isinstance(url.value, str) or not url.value.strip():
        spec.error("the data url is empty; name a CSV file next to the specification, for example trade.csv", url.loc)
        return None, plain
    path = _data_file(url, spec)
    if path is None:
        return None, plain
    kind = (plain.get("format") or {}).get("type") or DATA_FORMATS.get(path.suffix.lower())
    if kind not in ("csv", "tsv", "json"):
        spec.error(f"'{url.value}' is not CSV, TSV or JSON; save the data as CSV", url.loc)
        return None, plain
    try:
        raw = path.read_bytes()
        if len(raw) > MAX_DATA_BYTES:
            spec.error(f"'{url.value}' is larger than 20 MB; a brief's chart needs a summary of the data", url.loc)
            return None, plain
        text = raw.decode("utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        reason = "it is not UTF-8 text" if isinstance(exc, UnicodeDecodeError) else exc.strerror
        spec.error(f"'{url.value}' cannot be read ({reason}); save it as UTF-8 CSV", url.loc)
        return None, plain
    spec.inputs.append(path)
    read = _rows(text, kind, path, spec)
    if read is None:
        return None, plain
    names, rows = read
    if not rows:
        spec.error(f"'{url.value}' has no rows of data below its header; add the data", url.loc)
    inlined = {k: v for k, v in plain.items() if k not in ("url", "format")}
    inlined["values"] = rows
    parse = (plain.get("format") or {}).get("parse")
    if parse:
        inlined["format"] = {"parse": parse}
    return names, inlined


def _data_file(url: Node, spec: _Spec) -> Path | None:
    value = unquote(str(url.value))
    if url_scheme(value) or is_absolute(value):
        spec.error(
            f"the data url '{value[:80]}' is not a file next to the specification; charts never fetch data: save "
            "it as CSV in the brief's folder and write its name, for example trade.csv",
            url.loc,
        )
        return None
    candidate = Path(os.path.normpath(spec.path.parent / value))
    if not stays_inside(candidate, spec.folder.resolve()):
        spec.error(
            f"the data url '{value[:80]}' leads outside the brief's folder; keep the data beside the specification",
            url.loc,
        )
        return None
    if not candidate.is_file():
        nearby = [p.name for p in candidate.parent.iterdir()] if candidate.parent.is_dir() else []
        spec.error(
            f"there is no data file '{value}' next to the specification{did_you_mean(candidate.name, nearby)}",
            url.loc,
        )
        return None
    return resolved(candidate)


def _rows(text: str, kind: str, path: Path, spec: _Spec) -> tuple[set[str], list[dict[str, Any]]] | None:
    """The column names and the data as records; a CSV row that does not match its header is an error there.

    Columns whose every value is a number become numbers, as Vega's own CSV reading does.
    """
    if kind == "json":
        try:
            rows = json.loads(text)
        except ValueError as exc:
            spec.error(f"the data file is not valid JSON ({exc}); fix it", Location(path, 1, 1))
            return None
        if not isinstance(rows, list) or not all(isinstance(r, dict) for r in rows):
            spec.error("the JSON data must be a list of records ([{...}, {...}])", Location(path, 1, 1))
            return None
        return {k for row in rows for k in row}, rows
    reader = csv.reader(io.StringIO(text), delimiter="\t" if kind == "tsv" else ",", strict=True)
    records: list[list[str]] = []
    try:
        header = next(reader, None)
        if not header or not any(h.strip() for h in header):
            spec.error("the data file has no header row; its first line names the columns", Location(path, 1, 1))
            return None
        for row in reader:
            if row and len(row) != len(header):
                spec.error(
                    f"this row has {len(row)} values but the header names {len(header)} columns; "
                    "quote values that contain commas",
                    Location(path, reader.line_num, 1),
                )
            elif row:
                records.append(row)
    except csv.Error as exc:
        spec.error(f"the data file does not parse as CSV ({exc}); check its quotes", Location(path, reader.line_num, 1))
        return None
    names = [h.strip() for h in header]
    numeric = [all(_number(r[i]) is not None or not r[i].strip() for r in records) for i in range(len(names))]
    return set(names), [
        {
            name: (_number(value) if numeric[i] and value.strip() else value)
            for i, (name, value) in enumerate(zip(names, row, strict=True))
        }
        for row in records
    ]


def _number(text: str) -> float | int | None:
    try:
        return int(text)
    except ValueError:
        pass
    try:
        value = float(text)
    except ValueError:
        return None
    return value if value == value and abs(value) != float("inf") else None
