"""Writing `review --apply`'s edited block files: all of them or none, through links, keeping each file's mode.

A block file may be a link to a file elsewhere in the workspace: the file it links to is replaced
(the link stays a link); a link that resolves outside the workspace is refused, as the loader
refuses to read one. A file keeps its permission bits (and, where the user may set them, its
owner and group). A read-only file (no write permission for its owner, which even root respects
here: someone marked it not to be edited) or one the user cannot replace is refused before any
file is touched, each problem named at its file; then every new file is written to a temporary
beside its target and renamed into place, and if one rename fails the files already renamed are
put back as they were.
"""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile
from dataclasses import dataclass
from pathlib import Path

from briefgen.content.confine import within
from briefgen.diagnostics import Diagnostics, Location, codes
from briefgen.errors import BriefgenError, ContentError


@dataclass(frozen=True)
class Rewrite:
    """One block file to write: its path as the workspace names it, its bytes as read, its new bytes."""

    path: Path
    before: bytes
    after: bytes


def write_all(rewrites: list[Rewrite], root: Path | None) -> None:
    """Write every file or none; ContentError naming each file that cannot be written, before any is touched.

    `root` is the workspace (files must resolve inside it); without it, each file's own folder.
    """
    diags = Diagnostics()
    targets: dict[Path, Path] = {}  # resolved target -> the path that names it
    planned: list[tuple[Rewrite, Path, os.stat_result]] = []
    for rewrite in rewrites:
        found = _target(rewrite, root, diags)
        if found is None:
            continue
        target, status = found
        if target in targets:
            diags.error(
                codes.REVIEW_SAME_FILE,
                f"this file and {Location(targets[target]).display(root)} are the same file (one links to the "
                "other) and the review changes both; apply these changes by hand",
                Location(rewrite.path),
            )
            continue
        targets[target] = rewrite.path
        planned.append((rewrite, target, status))
    if diags.errors:
        raise ContentError(diags, root, "nothing was written")
    _replace_all(planned)


def _target(rewrite: Rewrite, root: Path | None, diags: Diagnostics) -> tuple[Path, os.stat_result] | None:
    """The file a path resolves to and its status, or None with the reason it may not be written."""
    where = Location(rewrite.path)
    try:
        target = rewrite.path.resolve(strict=True)
        base = (root or rewrite.path.parent).resolve()
        status = target.stat()
    except (OSError, RuntimeError) as error:
        diags.error(codes.REVIEW_UNWRITABLE, f"the file cannot be opened ({error}); nothing was written", where)
        return None
    if not within(target, base):
        diags.error(
            codes.REVIEW_LINK_OUTSIDE,
            f"the file is a link to {target}, outside the workspace; briefgen writes only inside it: put the "
            "file itself in the workspace and run review --apply again",
            where,
        )
        return None
    shown = Location(rewrite.path).display(root)
    if not stat.S_ISREG(status.st_mode):
        diags.error(
            codes.REVIEW_UNWRITABLE, "this is not a regular file; the review's changes to it are not written", where
        )
    elif not status.st_mode & stat.S_IWUSR:
        diags.error(
            codes.REVIEW_READ_ONLY,
            f"the file is read-only (mode {stat.S_IMODE(status.st_mode):04o}), so the review's changes to it are "
            f"not written; make it writable (chmod u+w {shown}) and run review --apply again",
            where,
        )
    elif not os.access(target, os.W_OK) or not os.access(target.parent, os.W_OK | os.X_OK):
        diags.error(
            codes.REVIEW_UNWRITABLE,
            "you may not change this file or the folder it is in, so the review's changes to it are not written; "
            "fix its permissions and run review --apply again",
            where,
        )
    elif _read(target) != rewrite.before:
        diags.error(
            codes.REVIEW_CHANGED,
            "the file changed while the review was applied; run review --apply again",
            where,
        )
    else:
        return target, status
    return None


def _read(path: Path) -> bytes | None:
    try:
        return path.read_bytes()
    except OSError:
        return None


def _replace_all(planned: list[tuple[Rewrite, Path, os.stat_result]]) -> None:
    """Temporaries for every file first, then the renames; a failure puts back every file already renamed."""
    temporaries: list[Path] = []
    done: list[tuple[Rewrite, Path, os.stat_result]] = []
    failed = planned[0][0].path if planned else Path()
    try:
        for rewrite, target, status in planned:
            failed = rewrite.path
            temporaries.append(_temporary(target, rewrite.after, status))
        for (rewrite, target, status), temporary in zip(planned, temporaries, strict=True):
            failed = rewrite.path
            os.replace(temporary, target)
            done.append((rewrite, target, status))
    except BaseException as error:
        for temporary in temporaries:
            with contextlib.suppress(OSError):
                temporary.unlink()
        lost = _put_back(done)
        if not isinstance(error, OSError):
            raise
        kept = "every file is as it was" if not lost else f"these could not be put back: {', '.join(lost)}"
        raise BriefgenError(f"cannot write {failed}: {error.strerror or error}; {kept}") from error


def _temporary(target: Path, data: bytes, status: os.stat_result) -> Path:
    """`data` on disk in a new file beside `target`, with the target's mode (and owner, where allowed)."""
    fd, name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            if hasattr(os, "fchmod"):  # POSIX: the file's own permission bits, not mkstemp's 0600
                os.fchmod(handle.fileno(), stat.S_IMODE(status.st_mode))
            if hasattr(os, "fchown") and (status.st_uid, status.st_gid) != (os.geteuid(), os.getegid()):
                with contextlib.suppress(OSError):  # only root may give a file to another user
                    os.fchown(handle.fileno(), status.st_uid, status.st_gid)
            os.fsync(handle.fileno())
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(name)
        raise
    return Path(name)


def _put_back(done: list[tuple[Rewrite, Path, os.stat_result]]) -> list[str]:
    """Each renamed file back to its bytes as read; the ones that could not be."""
    lost = []
    for rewrite, target, status in reversed(done):
        try:
            os.replace(_temporary(target, rewrite.before, status), target)
        except OSError:
            lost.append(str(rewrite.path))
    return lost
