"""Writing outputs safely: each file appears whole or not at all, and the manifest records what was made."""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import tempfile
import time
from pathlib import Path
from typing import Any

from briefgen.errors import BriefgenError

STALE_TEMP_SECONDS = 600
_UMASK = os.umask(0o022)
os.umask(_UMASK)


def atomic_write(path: Path, data: bytes) -> None:
    """Write to a temporary file beside `path`, then rename it into place.

    A reader (or a crash at any moment) sees the old complete file or the new complete file.
    """
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
        os.fchmod(fd, 0o666 & ~_UMASK)  # mkstemp makes 0600; published files are readable like any other
    except OSError as exc:
        raise BriefgenError(
            f"cannot write to {path.parent}: {exc.strerror or exc}; choose another --out folder or fix its permissions"
        ) from exc
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except OSError as exc:
        Path(tmp).unlink(missing_ok=True)
        raise BriefgenError(f"cannot write {path}: {exc.strerror or exc}; the previous file is unchanged") from exc
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_cache(path: Path, data: Any) -> None:
    """A cache file (JSON) replaced atomically; one that cannot be written is no problem, the next run reads again."""
    try:
        atomic_write(path, json.dumps(data, ensure_ascii=False).encode("utf-8"))
    except BriefgenError:
        pass


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def read_manifest(path: Path) -> dict[str, Any]:
    """The previous manifest, or an empty one when there is none or it is unreadable."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return data if isinstance(data, dict) else {}
    except (OSError, ValueError):
        return {}


def write_manifest(
    path: Path, brief: str, entries: list[dict[str, Any]], extra: dict[str, Any], audiences: set[str] | None = None
) -> dict[str, Any]:
    """Merge this build's entries into the manifest (other audiences' entries are kept).

    With `audiences` (the brief's full set), outputs of audiences that no longer exist are
    removed with their entries. A lock file serialises concurrent builds.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path.with_name(".manifest.lock"), "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            previous = read_manifest(path).get("outputs", [])
            fresh = {(e["audience"], e["format"]) for e in entries}
            kept = [e for e in previous if (e.get("audience"), e.get("format")) not in fresh]
            if audiences is not None:
                for gone in [e for e in kept if e.get("audience") not in audiences]:
                    (path.parent / Path(str(gone.get("path", ""))).name).unlink(missing_ok=True)
                kept = [e for e in kept if e.get("audience") in audiences]
            outputs = sorted(kept + entries, key=lambda e: (e["audience"], e["format"]))
            manifest = {"brief": brief, **extra, "outputs": outputs}
            atomic_write(path, (json.dumps(manifest, indent=2, ensure_ascii=False) + "\n").encode("utf-8"))
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)
    return manifest


def remove_stale_temporaries(folder: Path) -> None:
    """Temporary files left by a build that was killed outright (SIGKILL, power loss)."""
    now = time.time()
    for tmp in folder.glob(".*.tmp") if folder.is_dir() else []:
        try:
            if now - tmp.stat().st_mtime > STALE_TEMP_SECONDS:
                tmp.unlink()
        except OSError:
            pass
