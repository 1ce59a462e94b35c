"""Writing outputs safely: each file appears whole or not at all, and the manifest records what was made."""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from pathlib import Path
from typing import Any


def atomic_write(path: Path, data: bytes) -> None:
    """Write to a temporary file beside `path`, then rename it into place."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def read_manifest(path: Path) -> dict[str, Any]:
    """The previous manifest, or an empty one when there is none or it is unreadable."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return data if isinstance(data, dict) else {}
    except (OSError, ValueError):
        return {}


def write_manifest(path: Path, brief: str, entries: list[dict[str, Any]], extra: dict[str, Any]) -> dict[str, Any]:
    """Merge this build's entries into the manifest (other audiences' entries are kept)."""
    previous = read_manifest(path).get("outputs", [])
    fresh = {(e["audience"], e["format"]) for e in entries}
    kept = [e for e in previous if (e.get("audience"), e.get("format")) not in fresh]
    outputs = sorted(kept + entries, key=lambda e: (e["audience"], e["format"]))
    manifest = {"brief": brief, **extra, "outputs": outputs}
    atomic_write(path, (json.dumps(manifest, indent=2, ensure_ascii=False) + "\n").encode("utf-8"))
    return manifest
