"""Writing outputs safely: an export publishes all of its files and its manifest, or none of them.

`publish` is the one way a build writes its folder. Under a lock kept outside the published
folder (`<out>/.briefgen-cache/locks/<brief>.lock`) it removes the temporaries of builds that
were killed, writes every file to a temporary beside its place, and only when all are written
renames them, the manifest last, in one short step; a failure at any point puts every previous
file back and removes the temporaries. `atomic_write` replaces a single file (the caches).
"""

from __future__ import annotations

import contextlib
import errno
import json
import os
import secrets
import shutil
import signal
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import filelock

from briefgen.errors import BriefgenError
from briefgen.runtime.files import sha256, write_temporary

LOCKS = Path(".briefgen-cache") / "locks"  # beside the published folders, never inside one
MANIFEST = "manifest.json"
_LEGACY_LOCK = ".manifest.lock"  # where earlier versions kept the lock, inside the published folder


def read_manifest(path: Path) -> dict[str, Any]:
    """The previous manifest, or an empty one when there is none or it is unreadable."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return data if isinstance(data, dict) else {}
    except (OSError, ValueError):
        return {}


def lock_path(folder: Path) -> Path:
    """The lock of a published folder: `<out>/.briefgen-cache/locks/<brief>.lock`, outside what is published."""
    return folder.parent / LOCKS / f"{folder.name}.lock"


@contextlib.contextmanager
def folder_lock(folder: Path) -> Iterator[None]:
    """Hold the lock of a published folder: one build at a time writes it (others wait here).

    The lock is the operating system's own on `lock_path(folder)` (flock on POSIX, a byte-range
    lock on Windows, through `filelock`), so a killed build holds nothing. The file is never
    opened through a link someone planted in the output folder: a link is refused here, and
    filelock (3.20.4 and later) opens the file without following one, which closes the gap
    between the two.
    """
    path = lock_path(folder)
    try:
        if path.parent.is_symlink() or path.parent.parent.is_symlink():
            raise OSError(errno.ELOOP, "the lock folder is a link")
        path.parent.mkdir(parents=True, exist_ok=True)
        if path.is_symlink():
            raise OSError(errno.ELOOP, os.strerror(errno.ELOOP))
        if path.exists() and not path.is_file():
            raise OSError(errno.EINVAL, "it is not a plain file; remove it")
    except OSError as exc:
        raise _lock_file_error(path, exc) from exc
    lock = filelock.FileLock(path, mode=0o600)
    try:
        lock.acquire()
    except (OSError, NotImplementedError) as exc:
        if isinstance(exc, OSError) and exc.errno not in _NO_LOCKS:
            raise _lock_file_error(path, exc) from exc  # a folder we may not write, a link planted meanwhile
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        raise BriefgenError(
            f"cannot lock {path}: {reason}; this file system does not support locks, so build to a local disk (-o DIR)"
        ) from exc
    try:
        yield
    finally:
        lock.release()


# What flock says on NFS without a lock daemon and on some network and FUSE file systems
# (filelock itself raises NotImplementedError for ENOSYS, or falls back to a lock file of its own).
_NO_LOCKS = {errno.ENOLCK, errno.ENOSYS, errno.EOPNOTSUPP, errno.ENOTSUP, errno.EINVAL}


def _lock_file_error(path: Path, exc: OSError) -> BriefgenError:
    return BriefgenError(
        f"cannot create the lock file {path}: {exc.strerror or exc}; "
        "choose another --out folder or fix the permissions of this one"
    )


def remove_temporaries(folder: Path) -> None:
    """Temporary files of builds that were killed outright (SIGKILL, power loss), whatever their age.

    Call it holding the folder's lock: then no other build is writing temporaries there (or in
    its subfolders, such as the pictures of a Markdown export).
    """
    if not folder.is_dir() or folder.is_symlink():
        return
    found = [folder / _LEGACY_LOCK]
    for parent, _folders, names in os.walk(folder):  # links to folders are not followed
        found += [Path(parent) / n for n in names if n.startswith(".") and n.endswith(".tmp")]
    for path in found:
        with contextlib.suppress(OSError):
            if path.is_file() and not path.is_symlink():
                path.unlink()


def merge_manifest(
    previous: dict[str, Any],
    brief: str,
    entries: list[dict[str, Any]],
    extra: dict[str, Any],
    audiences: set[str] | None = None,
) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """The new manifest (other audiences' entries are kept) and the entries whose audience is gone.

    A manifest of another brief is not ours: none of its entries is kept, none is returned as gone.
    """
    previous_outputs = previous.get("outputs", []) if previous.get("brief") == brief else []
    previous_outputs = [e for e in previous_outputs if isinstance(e, dict)]
    fresh = {(e["audience"], e["format"], e.get("changes_since")) for e in entries}
    kept = [e for e in previous_outputs if (e.get("audience"), e.get("format"), e.get("changes_since")) not in fresh]
    gone: list[dict[str, Any]] = []
    if audiences is not None:
        gone = [e for e in kept if e.get("audience") not in audiences]
        kept = [e for e in kept if e.get("audience") in audiences]
    outputs = sorted(
        kept + entries, key=lambda e: (str(e.get("audience")), str(e.get("changes_since", "")), str(e.get("format")))
    )
    return {"brief": brief, **extra, "outputs": outputs}, gone


def _ours(folder: Path, entry: dict[str, Any]) -> Path | None:
    """The file of a manifest entry, if it is still exactly what briefgen wrote (so it may be deleted)."""
    name = Path(str(entry.get("path", ""))).name
    if not name or name in (MANIFEST, ".", ".."):
        return None
    path = folder / name
    try:
        if path.is_symlink() or not path.is_file():
            return None
        return path if sha256(path.read_bytes()) == entry.get("sha256") else None
    except OSError:
        return None


def publish(
    folder: Path,
    brief: str,
    files: dict[Path, bytes],
    entries: list[dict[str, Any]],
    extra: dict[str, Any],
    audiences: set[str] | None = None,
) -> dict[str, Any]:
    """Put `files` (outputs and the files they need) and the merged manifest in `folder`, all or none.

    Outputs of audiences that no longer exist (`audiences` is the brief's full set) are deleted
    afterwards, but only files this brief's own manifest lists with the hash they still have.
    With nothing to write and a manifest in place, the folder is only tidied.
    Returns the manifest now in the folder.
    """
    manifest_path = folder / MANIFEST
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise BriefgenError(
            f"cannot write to {folder}: {exc.strerror or exc}; choose another --out folder or fix its permissions"
        ) from exc
    with folder_lock(folder):
        remove_temporaries(folder)
        previous = read_manifest(manifest_path)
        if not files and not entries and manifest_path.is_file():
            return previous
        manifest, gone = merge_manifest(previous, brief, entries, extra, audiences)
        data = json.dumps(manifest, indent=2, ensure_ascii=False) + "\n"
        _replace_all(
            folder, [*((p, d) for p, d in files.items() if p != manifest_path), (manifest_path, data.encode())]
        )
        for entry in gone:
            path = _ours(folder, entry)
            if path is not None:
                with contextlib.suppress(OSError):
                    path.unlink()
    return manifest


def _replace_all(folder: Path, files: list[tuple[Path, bytes]]) -> None:
    """Write every file to a temporary, then rename them all into place; on failure restore the previous ones."""
    temporaries: list[tuple[Path, Path]] = []  # (temporary, its place)
    backups: dict[Path, Path] = {}  # place -> a hard link to (or copy of) the previous file
    created: list[Path] = []  # subfolders made for this export, removed again if it fails
    published = False
    try:
        for path, data in files:
            try:
                _make_folders(folder, path.parent, created)
                with _signals_deferred():  # made and listed for removal in one step: a SIGTERM cannot strand it
                    temporaries.append((write_temporary(path, data), path))
            except OSError as exc:
                raise BriefgenError(_unchanged(path, exc)) from exc
            except BriefgenError as exc:
                raise BriefgenError(_unchanged(path, exc.__cause__ or exc)) from exc
        for _, path in temporaries:
            try:
                with _signals_deferred():  # likewise each backup
                    if os.path.lexists(path):
                        backups[path] = _backup(path)
            except OSError as exc:
                raise BriefgenError(_unchanged(path, exc)) from exc
        with _signals_deferred():  # the short step: SIGINT or SIGTERM waits until it is over
            done: list[Path] = []
            for tmp, path in temporaries:
                try:
                    os.replace(tmp, path)
                except BaseException as exc:
                    restored = _restore(done, backups)
                    if not isinstance(exc, OSError):
                        raise
                    if restored:
                        raise BriefgenError(_unchanged(path, exc)) from exc
                    raise BriefgenError(
                        f"cannot replace {path.name} in {folder}: {exc.strerror or exc}; some previous files could "
                        "not be put back, so the folder mixes old and new files: build again once this is fixed"
                    ) from exc
                done.append(path)
        published = True
        for subfolder in {path.parent for _, path in temporaries}:
            _sync_folder(subfolder)
    finally:
        for tmp, _ in temporaries:
            with contextlib.suppress(OSError):
                tmp.unlink(missing_ok=True)
        for backup in backups.values():
            with contextlib.suppress(OSError):
                backup.unlink(missing_ok=True)
        for subfolder in [] if published else reversed(created):
            with contextlib.suppress(OSError):
                subfolder.rmdir()  # only if empty


def _make_folders(folder: Path, parent: Path, created: list[Path]) -> None:
    """Create `parent` (inside `folder`) and the folders above it, noting each one in `created`.

    A folder inside the published one that is a link (`figures/` pointing elsewhere) is refused:
    an export never writes through a link.
    """
    step = parent
    while step != folder and folder in step.parents:
        if step.is_symlink():
            raise OSError(errno.ELOOP, f"{step.relative_to(folder)} is a link; remove it, the export makes it itself")
        step = step.parent
    missing = []
    while parent != folder and not parent.exists() and folder in parent.parents:
        missing.append(parent)
        parent = parent.parent
    for path in reversed(missing):
        path.mkdir()
        created.append(path)


def _unchanged(path: Path, exc: BaseException) -> str:
    reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
    return (
        f"cannot write {path.name} in {path.parent}: {reason}; nothing was published, the previous outputs and "
        "manifest are unchanged. Free some disk space or fix the folder's permissions (or choose another --out "
        "folder), then build again"
    )


def _backup(path: Path) -> Path:
    """A second name for the file now at `path` (a temporary, removed by the next build if this one is killed)."""
    for _ in range(100):
        backup = path.with_name(f".{path.name}.{secrets.token_hex(4)}.tmp")
        try:
            os.link(path, backup, follow_symlinks=False)  # no copy: the previous file itself, by a second name
            return backup
        except FileExistsError:
            continue
        except OSError:  # a file system without hard links
            if backup.exists():
                continue
            shutil.copy2(path, backup, follow_symlinks=False)
            return backup
    raise FileExistsError(f"no free temporary name beside {path}")


def _restore(done: list[Path], backups: dict[Path, Path]) -> bool:
    """Put back the previous file of every place already replaced; True when all were put back."""
    restored = True
    for path in reversed(done):
        try:
            if path in backups:
                os.replace(backups[path], path)
                del backups[path]  # a backup not put back is removed with the others
            else:
                path.unlink(missing_ok=True)  # it did not exist before
        except OSError:
            restored = False
    return restored


def _sync_folder(folder: Path) -> None:
    """Make the renames durable (a power loss after a build keeps its files)."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


@contextlib.contextmanager
def _signals_deferred() -> Iterator[None]:
    """Hold SIGINT and SIGTERM for a moment; they take effect when the block is over."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    pending: list[int] = []
    previous: dict[int, Any] = {}
    for held in (signal.SIGINT, signal.SIGTERM):
        if signal.getsignal(held) is not None:  # None: installed outside Python, left alone
            previous[held] = signal.signal(held, lambda signum, _frame: pending.append(signum))
    try:
        yield
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)
        for number in dict.fromkeys(pending):
            signal.raise_signal(number)
