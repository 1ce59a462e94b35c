"""`review --apply` writes block files as their owner left them: through links, in their mode, all or none.

Expected files are written here with plain string replacement on the originals, never by briefgen.
Every test runs as root too (as CI does): root may write a 0444 file, so read-only means the file's
own mode bits (no write permission for its owner), which these tests set and check.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from test_review_apply import accepted
from test_review_docx import SCREWS, TALKS, built, reviewed  # noqa: F401

from briefgen.cli import cli
from briefgen.errors import BriefgenError, ContentError
from briefgen.review.apply import apply_review
from briefgen.review.items import Edit, Review, ReviewItem


@pytest.fixture
def workspace(built, tmp_path: Path) -> Path:  # noqa: F811
    target = tmp_path / "ws"
    shutil.copytree(built[0], target)
    return target


def deletion(path: Path, value: str, words: str) -> ReviewItem:
    """A certain tracked deletion of `words` from a file's body, as `review` hands it to `apply`."""
    start = value.index(words)
    item = ReviewItem("change", "deleted", "Ann Reviewer", "", words, path=path.name, line=1)
    item.edit = Edit(path, "b", "body", value, start, start + len(words), "")
    return item


def two_files(folder: Path) -> tuple[Path, Path, Review]:
    """Two block files in a workspace and a review deleting a word from each."""
    folder.mkdir(parents=True, exist_ok=True)
    first, second = folder / "a.yaml", folder / "b.yaml"
    first.write_text("title: A\nbody: |\n  Keep the first words.\n", encoding="utf-8")
    second.write_text("title: B\nbody: |\n  Keep the second words.\n", encoding="utf-8")
    items = [
        deletion(first, "Keep the first words.\n", "first "),
        deletion(second, "Keep the second words.\n", "second "),
    ]
    return first, second, Review("r.docx", "b", "a", items, root=folder)


def test_apply_writes_through_a_link_inside_the_workspace(workspace: Path, built, tmp_path: Path):  # noqa: F811
    """The block file links to a shared copy in the workspace: the copy is edited and the link stays."""
    expected = accepted(workspace)
    shared_copy = workspace / "library" / "turn-the-screws.yaml"
    shared_copy.parent.mkdir()
    (workspace / SCREWS).rename(shared_copy)
    os.symlink("../../../library/turn-the-screws.yaml", workspace / SCREWS)

    result = CliRunner().invoke(cli, ["-w", str(workspace), "review", "--apply", str(reviewed(built[1], tmp_path))])

    assert result.output.splitlines()[-1].endswith("applied 3 changes to 2 files, 0 refused, 2 comments to answer")
    assert os.readlink(workspace / SCREWS) == "../../../library/turn-the-screws.yaml"
    assert shared_copy.read_text(encoding="utf-8") == expected[SCREWS]
    assert (workspace / TALKS).read_text(encoding="utf-8") == expected[TALKS]


def test_a_link_that_resolves_outside_the_workspace_is_refused_and_nothing_is_written(tmp_path: Path):
    """Linked out after `review` read it (the loader refuses such a file unread): still never written."""
    first, second, review = two_files(tmp_path / "ws")
    outside = tmp_path / "elsewhere" / "b.yaml"
    outside.parent.mkdir()
    second.rename(outside)
    second.symlink_to(outside)
    before = first.read_bytes(), outside.read_bytes()

    with pytest.raises(ContentError) as raised:
        apply_review(review)

    assert raised.value.message == (
        f"b.yaml: error: the file is a link to {outside.resolve()}, outside the workspace; briefgen writes only "
        "inside it: put the file itself in the workspace and run review --apply again [review.link-outside]\n"
        "1 error found; nothing was written."
    )
    assert (first.read_bytes(), outside.read_bytes()) == before
    assert second.is_symlink() and second.resolve() == outside.resolve()


def test_a_file_keeps_its_mode(tmp_path: Path):
    first, second, review = two_files(tmp_path / "ws")
    first.chmod(0o640)
    second.chmod(0o664)
    application = apply_review(review)
    assert application.applied == 2
    assert first.read_text(encoding="utf-8") == "title: A\nbody: |\n  Keep the words.\n"
    assert (first.stat().st_mode & 0o7777, second.stat().st_mode & 0o7777) == (0o640, 0o664)


def test_a_read_only_block_file_stops_the_whole_apply(workspace: Path, built, tmp_path: Path):  # noqa: F811
    """One file of the two is 0444: neither is written, and the message names it (also when run as root)."""
    edited = reviewed(built[1], tmp_path)
    (workspace / SCREWS).chmod(0o444)
    before = {name: (workspace / name).read_bytes() for name in (TALKS, SCREWS)}

    result = CliRunner().invoke(cli, ["-w", str(workspace), "review", "--apply", str(edited)])

    assert result.exit_code == 1
    assert result.output == (
        f"Error: {SCREWS}: error: the file is read-only (mode 0444), so the review's changes to it are not "
        f"written; make it writable (chmod u+w {SCREWS}) and run review --apply again [review.read-only]\n"
        "1 error found; nothing was written.\n"
    )
    assert {name: (workspace / name).read_bytes() for name in (TALKS, SCREWS)} == before
    assert (workspace / SCREWS).stat().st_mode & 0o7777 == 0o444


def test_a_failed_rename_puts_back_every_file_already_renamed(tmp_path: Path, monkeypatch):
    first, second, review = two_files(tmp_path / "ws")
    before = first.read_bytes(), second.read_bytes()
    replace = os.replace
    calls: list[str] = []

    def failing(source, target):
        calls.append(str(target))
        if len(calls) == 2:
            raise OSError(28, "No space left on device")
        replace(source, target)

    monkeypatch.setattr(os, "replace", failing)
    with pytest.raises(BriefgenError) as raised:
        apply_review(review)
    monkeypatch.undo()

    assert raised.value.message == f"cannot write {second}: No space left on device; every file is as it was"
    assert (first.read_bytes(), second.read_bytes()) == before
    assert sorted(p.name for p in first.parent.iterdir()) == ["a.yaml", "b.yaml"]  # no temporary left
