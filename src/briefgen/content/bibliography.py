"""A brief's bibliography files to references, each key at its position in its file.

CSL YAML and CSL JSON are read by briefgen, BibTeX by Pandoc's reader (which knows LaTeX
accents and name forms). Names and dates are checked here, in the shapes Pandoc can read, so a
bad entry is an error at its line before a build fails on the whole bibliography; a key
defined twice is an error at the second definition.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

from briefgen.content.confine import inside
from briefgen.content.yamlsrc import Node, load_yaml, read_text
from briefgen.diagnostics import Diagnostics, Location, codes
from briefgen.model import Reference


def load_references(paths: list[tuple[Path, Location]], diags: Diagnostics, root: Path) -> dict[str, Reference]:
    """Every reference of a brief's bibliography files; a key defined twice is an error."""
    refs: dict[str, Reference] = {}
    for path, where in paths:
        if not inside(path, root):
            diags.error(
                codes.PATH_OUTSIDE,
                f"bibliography '{path.name}' lies outside the workspace; briefgen reads "
                "only files inside it, so copy the file in and give its path relative to the brief",
                where,
            )
            continue
        if not path.is_file():
            diags.error(
                codes.BIB_MISSING,
                f"bibliography file '{path.name}' does not exist; fix the path (relative to the brief folder)",
                where,
            )
            continue
        for ref in _read_bibliography(path, diags):
            if ref.id in refs:
                first = refs[ref.id].location
                first_text = f" (first defined in {first.path.name} at line {first.line})" if first else ""
                diags.error(
                    codes.BIB_DUPLICATE_KEY,
                    f"reference key '{ref.id}' is defined twice{first_text}; "
                    "keys are case-sensitive and must be unique",
                    ref.location,
                )
                continue
            refs[ref.id] = ref
    return refs


def _read_bibliography(path: Path, diags: Diagnostics) -> list[Reference]:
    suffix = path.suffix.lower()
    if suffix in (".yaml", ".yml"):
        return _csl_yaml(path, diags)
    if suffix == ".json":
        return _csl_json(path, diags)
    if suffix == ".bib":
        return _bibtex(path, diags)
    diags.error(
        codes.BIB_FORMAT,
        f"'{path.name}' is not a bibliography format briefgen reads; use .yaml (CSL YAML), .json (CSL JSON) or .bib",
        Location(path),
    )
    return []


def _csl_yaml(path: Path, diags: Diagnostics) -> list[Reference]:
    node = load_yaml(path, diags)
    if node is None:
        return []
    entries = node.get("references") if node.is_map else node
    if entries is None or not entries.is_list:
        diags.error(codes.BIB_SHAPE, "expected a 'references:' list of CSL entries", node.loc)
        return []
    refs = []
    for entry in entries.value:
        id_node = entry.get("id") if entry.is_map else None
        if id_node is None or not isinstance(id_node.value, str | int):
            diags.error(codes.BIB_ID, "each reference needs an 'id:' (the key you cite with @id)", entry.loc)
            continue
        _check_csl_entry(entry.plain(), _field_locator(entry), diags)  # a bad entry still counts as defined
        refs.append(Reference(str(id_node.value), _csl_dates(entry.plain()), id_node.loc))
    return refs


NAME_FIELDS = ("author", "editor", "translator", "container-author", "director", "interviewer", "recipient")
DATE_FIELDS = ("issued", "accessed", "event-date", "original-date", "submitted")


def _field_locator(entry: Node) -> Callable[[str], Location | None]:
    def where(key: str) -> Location | None:
        field = entry.get(key)
        return field.loc if field else entry.loc

    return where


def _check_csl_entry(data: dict[str, Any], where: Callable[[str], Location | None], diags: Diagnostics) -> None:
    """Names and dates in shapes Pandoc can read, reported where they stand (before a build fails).

    Deliberately lenient: text dates (ranges, "2016~", raw) and given-only names pass; only shapes
    that make Pandoc reject the whole bibliography are errors.
    """
    for key in NAME_FIELDS:
        names = data.get(key)
        if names is None:
            continue
        if not isinstance(names, list) or not all(isinstance(n, dict) for n in names):
            diags.error(
                codes.BIB_NAMES,
                f"'{key}' must be a list of names, each with 'family:' and 'given:' "
                "(or 'literal:' for an organisation), for example:  - family: Dominguez",
                where(key),
            )
    for key in DATE_FIELDS:
        date = data.get(key)
        if date is None or isinstance(date, dt.date | str | int):
            continue  # text and numbers are handed to Pandoc as text, which reads EDTF dates
        parts = date.get("date-parts") if isinstance(date, dict) else None
        if isinstance(date, dict) and parts is None and (date.get("raw") or date.get("literal")):
            continue
        good = isinstance(parts, list) and all(
            isinstance(p, list)
            and 1 <= len(p) <= 3
            and all(str(x).strip().lstrip("-").isdigit() for x in p)
            and _plausible(*[int(x) for x in p])
            for p in parts
        )
        if not good:
            diags.error(
                codes.BIB_DATE,
                f"'{key}' must be a date such as 2016-11-25, or date-parts: [[2016, 11, 25]] "
                "with a real month (1-12, or 13-24 for seasons) and day",
                where(key),
            )


def _plausible(year: int, month: int = 1, day: int = 1) -> bool:
    return -9999 < year < 10000 and 1 <= month <= 24 and 1 <= day <= 31


def _csl_dates(data: dict[str, Any]) -> dict[str, Any]:
    """CSL JSON wants dates as text or date-parts; YAML may have given date objects."""
    out = {}
    for key, value in data.items():
        if isinstance(value, dt.date):
            value = {"date-parts": [[value.year, value.month, value.day]]}
        elif key in DATE_FIELDS and isinstance(value, int):
            value = str(value)  # issued: 2016 -> "2016", which Pandoc reads as a year
        out[key] = value
    out["id"] = str(out["id"])
    return out


def _key_location(path: Path, text: str, pattern: str) -> Location:
    match = re.search(pattern, text)
    if not match:
        return Location(path)
    index = match.start(1) if match.groups() else match.start()
    line = text.count("\n", 0, index) + 1
    return Location(path, line, index - (text.rfind("\n", 0, index) + 1) + 1)


def _csl_json(path: Path, diags: Diagnostics) -> list[Reference]:
    text = read_text(path, diags)
    if text is None:
        return []
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        diags.error(codes.BIB_SYNTAX, f"JSON syntax error: {exc.msg}", Location(path, exc.lineno, exc.colno))
        return []
    if isinstance(data, dict):
        data = data.get("references", data.get("items", []))
    if not isinstance(data, list):
        diags.error(codes.BIB_SHAPE, "expected a list of CSL JSON entries", Location(path, 1, 1))
        return []
    refs = []
    for entry in data:
        if not isinstance(entry, dict) or "id" not in entry:
            diags.error(codes.BIB_ID, 'each reference needs an "id"', Location(path))
            continue
        key = str(entry["id"])
        loc = _key_location(path, text, r'"id"\s*:\s*"?(' + re.escape(key) + r')"?')
        _check_csl_entry(entry, lambda _key: loc, diags)  # noqa: B023 (used at once, inside the loop)
        refs.append(Reference(key, _csl_dates(entry), loc))
    return refs


def _bibtex(path: Path, diags: Diagnostics) -> list[Reference]:
    """BibTeX through Pandoc's reader, which knows LaTeX accents and name forms."""
    from briefgen.runtime.pandoc import PandocError, run_pandoc

    text = read_text(path, diags)
    if text is None:
        return []
    try:
        out = run_pandoc(text, ["-f", "bibtex", "-t", "csljson"])
    except PandocError as exc:
        diags.error(codes.BIB_SYNTAX, f"cannot read this BibTeX file: {exc}", Location(path))
        return []
    refs = []
    for entry in json.loads(out or "[]"):
        key = str(entry["id"])
        loc = _key_location(path, text, r"@\w+\s*\{\s*(" + re.escape(key) + r")\s*,")
        refs.append(Reference(key, entry, loc))
    return refs
