"""Files briefgen writes outside a publish: one file replaced atomically, and the sealed caches.

`atomic_write` replaces a single file so that a reader (or a crash) sees the old or the new one;
`write_cache`/`read_cache` keep JSON answers (readings, layouts, citations) sealed with this
account's key, so a cache planted in a workspace is never believed.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import hmac
import json
import os
import re
import secrets
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from briefgen.errors import BriefgenError

_UMASK = os.umask(0o022)
os.umask(_UMASK)


def atomic_write(path: Path, data: bytes) -> None:
    """Write to a temporary file beside `path`, then rename it into place.

    A reader (or a crash at any moment) sees the old complete file or the new complete file.
    """
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise _unwritable(path.parent, exc) from exc
    tmp = write_temporary(path, data)
    with _removed_on_failure(tmp, path):
        os.replace(tmp, path)


def write_temporary(path: Path, data: bytes) -> Path:
    """`data` in a new temporary file beside `path` (named `.<name>.<random>.tmp`), on disk."""
    try:
        fd, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
        if hasattr(os, "fchmod"):  # POSIX (Windows has it from Python 3.13, and no such modes)
            os.fchmod(fd, 0o666 & ~_UMASK)  # mkstemp makes 0600; published files are readable like any other
    except OSError as exc:
        raise _unwritable(path.parent, exc) from exc
    tmp = Path(name)
    with _removed_on_failure(tmp, path), os.fdopen(fd, "wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())
    return tmp


def _unwritable(folder: Path, exc: OSError) -> BriefgenError:
    return BriefgenError(
        f"cannot write to {folder}: {exc.strerror or exc}; choose another --out folder or fix its permissions"
    )


@contextlib.contextmanager
def _removed_on_failure(tmp: Path, path: Path) -> Iterator[None]:
    """The temporary `tmp` is removed if what is done with it fails; an OSError says the old file stands."""
    try:
        yield
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise BriefgenError(f"cannot write {path}: {exc.strerror or exc}; the previous file is unchanged") from exc
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def write_cache(path: Path, data: Any) -> None:
    """A cache file (JSON) sealed and replaced atomically; one that cannot be written is no problem.

    The caches live in the workspace's output folder, which anyone with the workspace can fill:
    each is sealed with a key kept in the user's own cache folder (`cache_secret`), and
    `read_cache` ignores a file whose seal does not match, so a planted cache is read again
    from the sources instead of changing what a brief says.
    """
    if _not_a_folder(path.parent):
        return  # a cache folder that is a link (planted to write elsewhere) is not used
    payload = json.dumps(data, ensure_ascii=False).encode("utf-8")
    try:
        atomic_write(path, _seal(payload) + b"\n" + payload)
    except BriefgenError:
        pass


def prune_cache(folder: Path, keep: int) -> None:
    """Delete the oldest cache records of `folder` beyond `keep`: only files named as `write_cache` names them."""
    if _not_a_folder(folder):
        return
    try:
        kept = sorted(
            (p for p in folder.glob("*.json") if _CACHE_NAME.fullmatch(p.name) and not p.is_symlink()),
            key=lambda p: p.stat().st_mtime_ns,
        )
        for old in kept[: max(0, len(kept) - keep)]:
            old.unlink(missing_ok=True)
    except OSError:
        pass  # another build pruned it first


_CACHE_NAME = re.compile(r"[0-9a-f]{64}\.json")  # records keyed by a SHA-256


def _not_a_folder(folder: Path) -> bool:
    """A cache folder that is a link, or something other than a folder: never read, written or pruned."""
    return folder.is_symlink() or (folder.exists() and not folder.is_dir())


def read_cache(path: Path) -> Any:
    """A cache file written by `write_cache` on this account, or None (missing, damaged, or not ours)."""
    if _not_a_folder(path.parent):
        return None
    try:
        seal, _, payload = path.read_bytes().partition(b"\n")
        if not hmac.compare_digest(seal, _seal(payload)):
            return None
        return json.loads(payload)
    except (OSError, ValueError):
        return None


def _seal(payload: bytes) -> bytes:
    return hmac.new(cache_secret(), payload, hashlib.sha256).hexdigest().encode("ascii")


@functools.cache
def cache_secret() -> bytes:
    """This account's key for sealing caches: `$XDG_CACHE_HOME/briefgen/cache.key` (~/.cache), made on first use.

    Where no such folder can be written, a key for this process alone (caches then last one run).
    """
    xdg = os.environ.get("XDG_CACHE_HOME", "")
    try:
        base = Path(xdg) if os.path.isabs(xdg) else Path.home() / ".cache"  # a relative one is ignored, as XDG says
    except RuntimeError:  # no home folder (a user with no passwd entry)
        return secrets.token_bytes(32)
    folder = base / "briefgen"
    path = folder / "cache.key"
    for _attempt in range(2):
        try:
            key = path.read_bytes()
            if len(key) >= 32:
                return key
            path.unlink()  # a damaged key: make a new one
        except FileNotFoundError:
            pass
        except OSError:
            break
        try:
            folder.mkdir(parents=True, exist_ok=True)
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o600)
            with os.fdopen(fd, "wb") as out:
                out.write(secrets.token_bytes(32))
        except FileExistsError:
            continue  # another process made it first: read theirs
        except OSError:
            break
    return secrets.token_bytes(32)


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()
