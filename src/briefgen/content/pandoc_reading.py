"""Pandoc's readings of Markdown fields: every field of a workspace read in one Pandoc run, and kept.

Starting Pandoc costs far more than reading a field, so the fields are handed to it together,
through a small Lua reader that keeps them apart (one unreadable field does not stop the
others). The JSON blocks of each field are kept in memory for the process and in a cache file
between runs, keyed by the field's text and by what else the reading depends on (the reader,
its Lua part, the Pandoc binary and briefgen's own code).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from importlib import resources
from pathlib import Path
from typing import Any

from briefgen.runtime.files import read_cache, write_cache
from briefgen.runtime.pandoc import run_pandoc
from briefgen.runtime.versions import code_identity

# Pandoc's Markdown with bare URLs made links; headings get no automatic ids (blocks have theirs).
READER = "markdown+autolink_bare_uris-auto_identifiers-yaml_metadata_block-pandoc_title_block"
# (a '---' block or a '% line' inside a field is text, never document metadata that would vanish)

_CACHE: dict[str, list[dict[str, Any]]] = {}
_API: list[list[int]] = []  # the pandoc-api-version of the Pandoc that read the fields
_CACHE_LIMIT = 50_000


def _reader_path() -> str:
    return str(resources.files("briefgen") / "defaults" / "pandoc" / "batch-reader.lua")


def read_many(sources: Iterable[str], cache_file: Path | None = None) -> None:
    """Read every field not read before in one Pandoc run; later `parse_markdown` calls find them.

    `cache_file` keeps Pandoc's readings between runs (keyed by each field's text), so `check`
    and a no-op rebuild do not start Pandoc when nothing was edited.
    """
    wanted = list(dict.fromkeys(sources))
    stored = _load_cache(cache_file) if cache_file is not None else {}
    for source in wanted:
        if source not in _CACHE and _digest(source) in stored:
            _CACHE[source] = stored[_digest(source)]
    todo = [s for s in wanted if s not in _CACHE]
    if todo:
        _parse(todo)
        if cache_file is not None:
            _save_cache(cache_file, stored, wanted)


def _digest(source: str) -> str:
    return hashlib.sha256(source.encode("utf-8")).hexdigest()


def _cache_key() -> str:
    """What the readings depend on besides the text: the reader, its Lua part and the Pandoc binary."""
    from briefgen.runtime.pandoc import pandoc_path

    lua = Path(_reader_path())
    try:
        binary = Path(pandoc_path())
        stat = binary.stat()
        pandoc = f"{binary} {stat.st_size} {stat.st_mtime_ns}"
    except (OSError, RuntimeError):
        pandoc = "unknown"
    lua_hash = hashlib.sha256(lua.read_bytes()).hexdigest()[:16] if lua.is_file() else "-"
    return f"{READER} {lua_hash} {pandoc} briefgen {code_identity()}"


def _load_cache(path: Path) -> dict[str, Any]:
    data = read_cache(path)
    if not isinstance(data, dict) or data.get("key") != _cache_key() or not isinstance(data.get("entries"), dict):
        return {}
    if isinstance(data.get("api"), list):
        _API[:] = [data["api"]]
    return {k: v for k, v in data["entries"].items() if isinstance(v, list)}


def _save_cache(path: Path, stored: dict[str, Any], wanted: list[str]) -> None:
    """Write the readings of this run (and earlier ones, up to a limit) atomically; failure is harmless."""
    entries = {_digest(s): _CACHE[s] for s in wanted if s in _CACHE}
    if len(stored) + len(entries) < 20_000:
        entries = {**stored, **entries}
    write_cache(path, {"key": _cache_key(), "api": _API[0] if _API else None, "entries": entries})


def _parse(todo: list[str]) -> None:
    if len(_CACHE) + len(todo) > _CACHE_LIMIT:
        _CACHE.clear()
    output = json.loads(
        run_pandoc(json.dumps([READER, *todo]), ["-f", _reader_path(), "-t", "json"], what="reading Markdown")
    )
    _API[:] = [output["pandoc-api-version"]]
    for source, div in zip(todo, output["blocks"], strict=True):
        (_id, classes, _attrs), blocks = div["c"]
        if "briefgen-unreadable" in classes:
            blocks = [{"t": "Unreadable", "c": blocks[0]["c"][0]["c"]}]
        _CACHE[source] = blocks


def pandoc_api_version() -> list[int]:
    """The AST version Pandoc speaks, for JSON documents briefgen hands it."""
    if not _API:
        _API.append(
            json.loads(run_pandoc("", ["-f", "markdown", "-t", "json"], what="starting Pandoc"))["pandoc-api-version"]
        )
    return _API[0]


def pandoc_ast(source: str) -> list[dict[str, Any]]:
    """Pandoc's JSON blocks for one field."""
    if source not in _CACHE:
        read_many([source])
    return _CACHE[source]


def read_again(source: str) -> list[dict[str, Any]]:
    """Pandoc's JSON blocks for a field whose kept reading turned out damaged: the field read anew."""
    _CACHE.pop(source, None)
    _parse([source])
    return pandoc_ast(source)
