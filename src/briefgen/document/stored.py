"""A `Document` as JSON and back: what `release` keeps so a later build can draw a redline against it.

The snapshot (`document/snapshot.py`) keeps the words for people and for `diff`; a redline also
needs what the words looked like (emphasis, links, lists, tables, notes), so the release keeps
the document itself. Reading it back is an allow-list: only the model's own node classes, dates,
paths inside the workspace and plain JSON values are made, never anything a file names. Paths are
kept relative to the workspace, so the record is the same on every machine.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import re
from pathlib import Path
from typing import Any

from briefgen import model
from briefgen.content.confine import refusal
from briefgen.content.releases import RECORD, RELEASES
from briefgen.diagnostics import Location
from briefgen.errors import UsageError
from briefgen.model import Brief

STORED_FORMAT = 1  # raised when the shape changes; an older record is then refused by name
OUTSIDE = "-"  # what a path outside the workspace is recorded as (and read back as, inside it)
MAX_DEPTH = 200  # nesting a document never reaches; deeper is a damaged or hostile file

_CLASSES: dict[str, type] = {
    name: value
    for name, value in vars(model).items()
    if isinstance(value, type) and dataclasses.is_dataclass(value) and value.__module__ == model.__name__
}
_CLASSES["Location"] = Location


# Where each value was read (and a function that reads the source file): what the reader saw does not
# change when a line moves, so neither does the record.
_UNKEPT = frozenset({"location", "locations", "locate", "problems"})


class StoredError(ValueError):
    """A stored document that is not one briefgen wrote: the reason, for the message that names the file."""


def dump_document(doc: model.Document, root: Path) -> dict[str, Any]:
    """`doc` as JSON-ready data, its paths relative to `root`."""
    return {"format": STORED_FORMAT, "document": _dump(doc, root.resolve())}


def load_document(data: Any, root: Path) -> model.Document:
    """The document `dump_document` wrote; StoredError when the data is not that."""
    if not isinstance(data, dict) or data.get("format") != STORED_FORMAT:
        raise StoredError(f"it is not a stored document of format {STORED_FORMAT}")
    try:
        doc = _load(data.get("document"), root.resolve(), 0)
    except StoredError:
        raise
    except (ValueError, TypeError, RecursionError) as exc:
        raise StoredError(f"it is damaged ({exc})") from None
    if not isinstance(doc, model.Document):
        raise StoredError("it holds no document")
    return doc


def _dump(value: Any, root: Path) -> Any:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        record: dict[str, Any] = {"@": type(value).__name__}
        for item in dataclasses.fields(value):
            if item.name in _UNKEPT:
                continue
            current = getattr(value, item.name)
            if item.default is not dataclasses.MISSING and current == item.default:
                continue  # defaults are left out: the record stays small and reads the same
            record[item.name] = _dump(current, root)
        return record
    if isinstance(value, tuple | list):
        return [_dump(item, root) for item in value]
    if isinstance(value, frozenset | set):
        return {"@set": sorted(_dump(item, root) for item in value)}
    if isinstance(value, dict):
        return {"@dict": [[_dump(key, root), _dump(item, root)] for key, item in value.items()]}
    if isinstance(value, dt.datetime):
        return {"@datetime": value.isoformat()}
    if isinstance(value, dt.date):
        return {"@date": value.isoformat()}
    if isinstance(value, Path):
        resolved = value.resolve() if value.is_absolute() else value
        try:
            return {"@path": resolved.relative_to(root).as_posix()}
        except ValueError:
            return {"@path": OUTSIDE}  # a file outside the workspace is not named
    return value


def _load(value: Any, root: Path, depth: int) -> Any:
    if depth > MAX_DEPTH:
        raise StoredError(f"it nests deeper than {MAX_DEPTH} levels")
    if isinstance(value, list):
        return tuple(_load(item, root, depth + 1) for item in value)
    if not isinstance(value, dict):
        if value is None or isinstance(value, str | int | float | bool):
            return value
        raise StoredError(f"it holds a value of type {type(value).__name__}")
    if "@" in value:
        kind = _CLASSES.get(str(value["@"]))
        if kind is None:
            raise StoredError(f"it names '{value['@']}', which is not part of briefgen's document")
        names = {item.name for item in dataclasses.fields(kind)}
        fields = {key: _load(item, root, depth + 1) for key, item in value.items() if key != "@"}
        unknown = set(fields) - names
        if unknown:
            raise StoredError(f"'{value['@']}' has no field '{sorted(unknown)[0]}'")
        try:
            return kind(**fields)
        except TypeError as exc:
            raise StoredError(f"'{value['@']}' is incomplete ({exc})") from None
    if "@dict" in value:
        return {_load(key, root, depth + 1): _load(item, root, depth + 1) for key, item in value["@dict"]}
    if "@set" in value:
        return frozenset(_load(item, root, depth + 1) for item in value["@set"])
    if "@date" in value:
        return dt.date.fromisoformat(str(value["@date"]))
    if "@datetime" in value:
        return dt.datetime.fromisoformat(str(value["@datetime"]))
    if "@path" in value:
        relative = Path(str(value["@path"]))
        if relative.is_absolute() or ".." in relative.parts:
            return root / OUTSIDE  # never a file outside the workspace
        return root / relative
    raise StoredError("it holds an object briefgen does not write")


# ---------------------------------------------------------------- reading an issued version back

DOCUMENT_SUFFIX = ".document.json"  # beside each audience's snapshot in a release folder
MAX_RECORD = 50_000_000  # bytes: the record of a 5,000-block brief is a few megabytes
VERSION_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}")


def release_folder(brief: Brief, version: str) -> Path:
    """The folder of issued `version`; refused by name when it is not a version name or was never released."""
    if not VERSION_NAME.fullmatch(version):
        raise UsageError(f"{brief.id}: {version!r} is not a version name; give one that 'briefgen releases' lists")
    folder = brief.folder / RELEASES / version
    if not (folder / RECORD).is_file():
        known = sorted(p.parent.name for p in (brief.folder / RELEASES).glob(f"*/{RECORD}"))
        listed = ", ".join(known) if known else "none yet ('briefgen release' records one)"
        raise UsageError(f"{brief.id}: version {version!r} was never released; released versions: {listed}")
    return folder


def released_document(brief: Brief, version: str, audience: str, root: Path) -> model.Document | None:
    """What `audience` read in issued `version`, to draw a redline against; None when the audience did not
    exist then. Refused by name when the record is missing, damaged, too large or outside the workspace."""
    folder = release_folder(brief, version)
    path = folder / f"{audience}{DOCUMENT_SUFFIX}"
    if not path.exists() and not (folder / f"{audience}.yaml").exists():
        return None
    if path.exists():
        problem = unreadable(path, root, MAX_RECORD)
    else:
        problem = f"{path.name} is missing (version {version} was released by an older briefgen, which kept words only)"
    if problem is None:
        try:
            return load_document(json.loads(path.read_text(encoding="utf-8")), root)
        except (UnicodeDecodeError, ValueError) as exc:  # json's errors and StoredError are ValueErrors
            problem = f"{path.name} is not a document 'briefgen release' wrote: {exc}"
    shown = folder.relative_to(root).as_posix() if folder.is_relative_to(root) else str(folder)
    raise UsageError(f"{shown}: {problem}; release version {version} again from its git commit to compare with it")


def unreadable(path: Path, root: Path, limit: int) -> str | None:
    """Why a file of a release may not be read (outside the workspace, a link out, too large), or None."""
    problem = refusal(path, root)
    if problem is None and path.stat().st_size > limit:
        problem = f"{path.name} is larger than {limit // 1_000_000} MB, more than a brief's record can be"
    return problem
