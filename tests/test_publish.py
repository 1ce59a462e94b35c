"""`publish` called directly: all or none, the manifest merged, only our own files deleted.

The build tests (`test_export.py`, `test_robustness.py`) publish real outputs end to end; these
pin each rule of the module on small files, fast enough to judge every mutant of it.
"""

from __future__ import annotations

import json
import os
import signal
import threading
from pathlib import Path

import pytest

from briefgen import publish as publish_module
from briefgen.errors import BriefgenError
from briefgen.publish import (
    MANIFEST,
    folder_lock,
    lock_path,
    merge_manifest,
    publish,
    read_manifest,
    remove_temporaries,
)
from briefgen.runtime.files import sha256


def _entry(audience: str, fmt: str, data: bytes = b"", **extra) -> dict:
    return {"audience": audience, "format": fmt, "path": f"demo-{audience}.{fmt}", "sha256": sha256(data), **extra}


def _publish(folder: Path, files: dict[str, bytes], audiences: set[str] | None = None) -> dict:
    entries = [_entry(name.split("-")[1].split(".")[0], name.rsplit(".", 1)[1], data) for name, data in files.items()]
    return publish(folder, "demo", {folder / n: d for n, d in files.items()}, entries, {"version": "1"}, audiences)


def _listing(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_every_file_and_the_manifest_are_written_and_nothing_else(tmp_path: Path):
    folder = tmp_path / "out" / "demo"
    manifest = _publish(folder, {"demo-reader.pdf": b"pdf", "demo-reader.html": b"html"})
    assert manifest == {
        "brief": "demo",
        "version": "1",
        "outputs": [_entry("reader", "html", b"html"), _entry("reader", "pdf", b"pdf")],
    }
    written = _listing(folder)
    assert written == {
        "demo-reader.html": b"html",
        "demo-reader.pdf": b"pdf",
        MANIFEST: (json.dumps(manifest, indent=2, ensure_ascii=False) + "\n").encode(),
    }
    assert read_manifest(folder / MANIFEST) == manifest
    assert lock_path(folder) == tmp_path / "out" / ".briefgen-cache" / "locks" / "demo.lock"


def test_a_manifest_keeps_other_audiences_and_the_redlines_apart_from_the_clean_files():
    previous = {
        "brief": "demo",
        "outputs": [
            _entry("boss", "pdf"),
            _entry("reader", "pdf", b"old"),
            _entry("reader", "pdf", changes_since="1.0"),
            "not an entry",
        ],
    }
    fresh = [_entry("reader", "pdf", b"new")]
    manifest, gone = merge_manifest(previous, "demo", fresh, {"v": 2})
    assert manifest == {
        "brief": "demo",
        "v": 2,
        "outputs": [
            _entry("boss", "pdf"),
            _entry("reader", "pdf", b"new"),
            _entry("reader", "pdf", changes_since="1.0"),
        ],
    }
    assert gone == []
    manifest, gone = merge_manifest(previous, "demo", fresh, {}, audiences={"reader"})
    assert gone == [_entry("boss", "pdf")]
    assert [e.get("audience") for e in manifest["outputs"]] == ["reader", "reader"]
    # another brief's manifest is not ours: nothing kept, nothing gone
    assert merge_manifest(previous, "other", fresh, {}, audiences=set()) == (
        {"brief": "other", "outputs": fresh},
        [],
    )


def test_outputs_are_sorted_by_audience_then_redline_then_format():
    entries = [_entry("b", "pdf"), _entry("a", "pdf", changes_since="2"), _entry("a", "docx"), _entry("a", "pdf")]
    manifest, _ = merge_manifest({}, "demo", entries, {})
    order = [(e["audience"], e.get("changes_since", ""), e["format"]) for e in manifest["outputs"]]
    assert order == [("a", "", "docx"), ("a", "", "pdf"), ("a", "2", "pdf"), ("b", "", "pdf")]


@pytest.mark.parametrize("text", ["", "not json", "[1, 2]", '"a string"'])
def test_an_unreadable_or_foreign_manifest_reads_as_empty(tmp_path: Path, text: str):
    (tmp_path / MANIFEST).write_text(text)
    assert read_manifest(tmp_path / MANIFEST) == {}
    assert read_manifest(tmp_path / "missing.json") == {}


def test_with_nothing_to_write_a_folder_with_a_manifest_is_only_tidied(tmp_path: Path):
    folder = tmp_path / "demo"
    first = _publish(folder, {"demo-reader.pdf": b"pdf"})
    (folder / ".demo-reader.pdf.abcd.tmp").write_bytes(b"left by a killed build")
    assert publish(folder, "demo", {}, [], {"version": "2"}) == first
    assert _listing(folder) == {"demo-reader.pdf": b"pdf", MANIFEST: (folder / MANIFEST).read_bytes()}
    assert read_manifest(folder / MANIFEST) == first  # not rewritten with version 2


def test_with_nothing_to_write_and_no_manifest_one_is_written(tmp_path: Path):
    folder = tmp_path / "demo"
    assert publish(folder, "demo", {}, [], {"version": "2"}) == {"brief": "demo", "version": "2", "outputs": []}
    assert read_manifest(folder / MANIFEST)["version"] == "2"


def _failing_replace(monkeypatch, fail_on: str, also_fail_restore: bool = False):
    """`os.replace` that fails when it puts a new file on `fail_on` (and, with `also_fail_restore`,
    every rename after that: the previous files being put back)."""
    real = os.replace
    failed = []

    def replace(src, dst):
        if failed and also_fail_restore:
            raise OSError(5, "Input/output error")
        if Path(dst).name == fail_on and not failed:
            failed.append(dst)
            raise OSError(28, "No space left on device")
        return real(src, dst)

    monkeypatch.setattr(publish_module.os, "replace", replace)


def test_a_failed_replace_puts_every_previous_file_back_and_removes_new_ones(tmp_path: Path, monkeypatch):
    folder = tmp_path / "demo"
    _publish(folder, {"demo-a.pdf": b"old a", "demo-c.pdf": b"old c"})
    before = _listing(folder)
    # files are replaced in the order given, the manifest last: a, b (new), c fails
    _failing_replace(monkeypatch, "demo-c.pdf")
    with pytest.raises(BriefgenError) as failure:
        _publish(folder, {"demo-a.pdf": b"new a", "demo-b.pdf": b"new b", "demo-c.pdf": b"new c"})
    assert failure.value.message == (
        f"cannot write demo-c.pdf in {folder}: No space left on device; nothing was published, the previous "
        "outputs and manifest are unchanged. Free some disk space or fix the folder's permissions (or choose "
        "another --out folder), then build again"
    )
    assert _listing(folder) == before  # a back, b gone, no temporary or backup left


def test_a_failed_rollback_says_the_folder_mixes_old_and_new_files(tmp_path: Path, monkeypatch):
    folder = tmp_path / "demo"
    _publish(folder, {"demo-a.pdf": b"old a", "demo-c.pdf": b"old c"})
    _failing_replace(monkeypatch, "demo-c.pdf", also_fail_restore=True)
    with pytest.raises(BriefgenError) as failure:
        _publish(folder, {"demo-a.pdf": b"new a", "demo-c.pdf": b"new c"})
    assert failure.value.message == (
        f"cannot replace demo-c.pdf in {folder}: No space left on device; some previous files could not be put "
        "back, so the folder mixes old and new files: build again once this is fixed"
    )
    left = _listing(folder)
    assert left["demo-a.pdf"] == b"new a" and left["demo-c.pdf"] == b"old c"
    assert not [n for n in left if n.endswith(".tmp")]


def test_a_new_file_that_cannot_be_removed_again_is_a_failed_rollback(tmp_path: Path, monkeypatch):
    folder = tmp_path / "demo"
    _publish(folder, {"demo-c.pdf": b"old c"})
    _failing_replace(monkeypatch, "demo-c.pdf")
    real_unlink = Path.unlink

    def unlink(self, missing_ok=False):
        if self.name == "demo-a.pdf":
            raise PermissionError(13, "Permission denied")
        return real_unlink(self, missing_ok=missing_ok)

    monkeypatch.setattr(Path, "unlink", unlink)
    with pytest.raises(BriefgenError) as failure:
        _publish(folder, {"demo-a.pdf": b"new a", "demo-c.pdf": b"new c"})
    assert "some previous files could not be put back" in failure.value.message


def test_a_new_file_already_gone_at_rollback_is_no_failure(tmp_path: Path, monkeypatch):
    folder = tmp_path / "demo"
    _publish(folder, {"demo-c.pdf": b"old c"})
    real = os.replace

    def replace(src, dst):
        if Path(dst).name == "demo-c.pdf" and Path(src).name.endswith(".tmp"):
            (folder / "demo-a.pdf").unlink()  # someone removed the new file meanwhile
            raise OSError(28, "No space left on device")
        return real(src, dst)

    monkeypatch.setattr(publish_module.os, "replace", replace)
    with pytest.raises(BriefgenError) as failure:
        _publish(folder, {"demo-a.pdf": b"new a", "demo-c.pdf": b"new c"})
    assert "nothing was published" in failure.value.message


def test_an_interrupt_during_the_replace_rolls_back_and_is_raised_as_it_was(tmp_path: Path, monkeypatch):
    folder = tmp_path / "demo"
    _publish(folder, {"demo-a.pdf": b"old a", "demo-c.pdf": b"old c"})
    before = _listing(folder)
    real = os.replace

    def replace(src, dst):
        if Path(dst).name == "demo-c.pdf" and Path(src).name.endswith(".tmp"):
            raise KeyboardInterrupt
        return real(src, dst)

    monkeypatch.setattr(publish_module.os, "replace", replace)
    with pytest.raises(KeyboardInterrupt):
        _publish(folder, {"demo-a.pdf": b"new a", "demo-c.pdf": b"new c"})
    assert _listing(folder) == before


def test_subfolders_made_for_a_failed_export_are_removed_and_kept_for_a_good_one(tmp_path: Path, monkeypatch):
    folder = tmp_path / "demo"
    _publish(folder, {"demo-c.pdf": b"old c"})
    _failing_replace(monkeypatch, "demo-c.pdf")
    files = {folder / "figures" / "deep" / "a.png": b"png", folder / "demo-c.pdf": b"new c"}
    with pytest.raises(BriefgenError):
        publish(folder, "demo", files, [_entry("c", "pdf", b"new c")], {})
    assert not (folder / "figures").exists()
    monkeypatch.undo()
    publish(folder, "demo", files, [_entry("c", "pdf", b"new c")], {})
    assert (folder / "figures" / "deep" / "a.png").read_bytes() == b"png"


@pytest.mark.parametrize(
    ("step", "raised", "reason"),
    [
        ("write_temporary", OSError(28, "No space left on device"), "No space left on device"),
        ("write_temporary", BriefgenError("the disk is read-only"), "the disk is read-only"),
        ("write_temporary", OSError("no reason given"), "no reason given"),
        ("_backup", OSError(122, "Disk quota exceeded"), "Disk quota exceeded"),  # the previous file kept aside
    ],
)
def test_a_step_that_fails_before_the_renames_leaves_everything_as_it_was(
    tmp_path: Path, monkeypatch, step: str, raised: BaseException, reason: str
):
    folder = tmp_path / "demo"
    _publish(folder, {"demo-a.pdf": b"old a"})
    before = _listing(folder)

    def failing(*args):
        raise raised

    monkeypatch.setattr(publish_module, step, failing)
    with pytest.raises(BriefgenError) as failure:
        _publish(folder, {"demo-a.pdf": b"new a"})
    assert failure.value.message.startswith(f"cannot write demo-a.pdf in {folder}: {reason}; nothing was published")
    assert _listing(folder) == before


def _no_hard_links(monkeypatch) -> None:
    """A file system without hard links: the previous files are kept aside as copies."""

    def no_links(*args, **kwargs):
        raise PermissionError(1, "Operation not permitted")

    monkeypatch.setattr(publish_module.os, "link", no_links)


def test_a_link_inside_the_folder_is_never_written_through(tmp_path: Path):
    folder = tmp_path / "demo"
    folder.mkdir()
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (folder / "figures").symlink_to(elsewhere, target_is_directory=True)
    with pytest.raises(BriefgenError) as failure:
        publish(folder, "demo", {folder / "figures" / "a.png": b"png"}, [], {})
    assert "figures is a link; remove it, the export makes it itself" in failure.value.message
    assert list(elsewhere.iterdir()) == []


def test_files_of_an_audience_that_is_gone_are_deleted_only_when_they_are_ours(tmp_path: Path):
    folder = tmp_path / "demo"
    _publish(folder, {"demo-old.pdf": b"ours", "demo-edited.pdf": b"ours", "demo-reader.pdf": b"r"})
    (folder / "demo-edited.pdf").write_bytes(b"someone changed it")
    manifest = read_manifest(folder / MANIFEST)
    manifest["outputs"] += [
        {"audience": "nopath", "format": "pdf", "sha256": sha256(b"")},
        {"audience": "dots", "format": "pdf", "path": "..", "sha256": ""},
        {"audience": "self", "format": "json", "path": MANIFEST, "sha256": sha256((folder / MANIFEST).read_bytes())},
        {"audience": "escape", "format": "pdf", "path": "../outside.pdf", "sha256": sha256(b"outside")},
        {"audience": "folder", "format": "pdf", "path": "sub", "sha256": ""},
    ]
    (folder / MANIFEST).write_text(json.dumps(manifest))
    (tmp_path / "outside.pdf").write_bytes(b"outside")
    (folder / "sub").mkdir()
    _publish(folder, {"demo-reader.pdf": b"r2"}, audiences={"reader"})
    assert sorted(p.name for p in folder.iterdir()) == ["demo-edited.pdf", "demo-reader.pdf", MANIFEST, "sub"]
    assert (tmp_path / "outside.pdf").read_bytes() == b"outside"
    assert [e["audience"] for e in read_manifest(folder / MANIFEST)["outputs"]] == ["reader"]


def test_a_link_listed_in_the_manifest_is_not_deleted(tmp_path: Path):
    folder = tmp_path / "demo"
    _publish(folder, {"demo-old.pdf": b"ours"})
    target = tmp_path / "kept.pdf"
    target.write_bytes(b"ours")
    (folder / "demo-old.pdf").unlink()
    (folder / "demo-old.pdf").symlink_to(target)
    _publish(folder, {"demo-reader.pdf": b"r"}, audiences={"reader"})
    assert (folder / "demo-old.pdf").is_symlink() and target.read_bytes() == b"ours"


def test_temporaries_left_by_killed_builds_are_removed_and_nothing_else(tmp_path: Path):
    folder = tmp_path / "demo"
    (folder / "figures").mkdir(parents=True)
    left = [folder / ".a.pdf.1234.tmp", folder / "figures" / ".b.png.99.tmp", folder / ".manifest.lock"]
    kept = [folder / "a.tmp", folder / ".hidden", folder / "figures" / "b.png", folder / ".x.tmp.keep"]
    for path in left + kept:
        path.write_bytes(b"x")
    (folder / ".linked.tmp").symlink_to(kept[0])
    (folder / ".dir.tmp").mkdir()
    remove_temporaries(folder)
    assert not any(p.exists() for p in left)
    assert all(p.exists() for p in kept)
    assert (folder / ".linked.tmp").is_symlink() and (folder / ".dir.tmp").is_dir()
    remove_temporaries(tmp_path / "missing")  # no folder: nothing to do


def test_a_linked_folder_is_not_swept(tmp_path: Path):
    real = tmp_path / "real"
    real.mkdir()
    (real / ".a.tmp").write_bytes(b"x")
    (tmp_path / "link").symlink_to(real, target_is_directory=True)
    remove_temporaries(tmp_path / "link")
    assert (real / ".a.tmp").exists()


@pytest.mark.parametrize("plant", ["lock_link", "folder_link", "lock_folder"])
def test_a_planted_lock_file_is_refused_by_name(tmp_path: Path, plant: str):
    folder = tmp_path / "out" / "demo"
    path = lock_path(folder)
    if plant == "folder_link":
        (tmp_path / "out" / ".briefgen-cache").mkdir(parents=True)
        (tmp_path / "elsewhere").mkdir()
        path.parent.symlink_to(tmp_path / "elsewhere", target_is_directory=True)
    else:
        path.parent.mkdir(parents=True)
        if plant == "lock_link":
            path.symlink_to(tmp_path / "victim")
        else:
            path.mkdir()
    with pytest.raises(BriefgenError) as failure, folder_lock(folder):
        pass
    assert failure.value.message.startswith(f"cannot create the lock file {path}: ")
    assert failure.value.message.endswith("; choose another --out folder or fix the permissions of this one")
    assert not (tmp_path / "victim").exists()


def test_a_signal_during_the_short_step_waits_for_its_end(tmp_path: Path, monkeypatch):
    assert threading.current_thread() is threading.main_thread()  # where pytest (and each xdist worker) runs tests
    folder = tmp_path / "demo"
    received: list[int] = []
    previous = signal.signal(signal.SIGTERM, lambda signum, _frame: received.append(signum))
    real = os.replace
    seen_during: list[list[int]] = []

    def replace(src, dst):
        if Path(dst).name == "demo-a.pdf":
            signal.raise_signal(signal.SIGTERM)
            seen_during.append(list(received))
        return real(src, dst)

    monkeypatch.setattr(publish_module.os, "replace", replace)
    try:
        _publish(folder, {"demo-a.pdf": b"a"})
    finally:
        signal.signal(signal.SIGTERM, previous)
    assert seen_during == [[]]  # held while files were being renamed
    assert received == [signal.SIGTERM]  # and delivered once it was over


def test_a_folder_that_cannot_be_made_is_named_with_the_way_out(tmp_path: Path):
    (tmp_path / "file").write_bytes(b"")
    with pytest.raises(BriefgenError) as failure:
        publish(tmp_path / "file" / "demo", "demo", {}, [], {})
    assert failure.value.message == (
        f"cannot write to {tmp_path / 'file' / 'demo'}: Not a directory; choose another --out folder or fix its "
        "permissions"
    )


def test_the_manifest_keeps_non_ascii_words_as_they_are(tmp_path: Path):
    folder = tmp_path / "demo"
    publish(folder, "demo", {}, [], {"title": "Japón y Rusia"})
    assert "Japón y Rusia" in (folder / MANIFEST).read_text(encoding="utf-8")


def test_entries_without_a_usable_path_delete_nothing(tmp_path: Path):
    folder = tmp_path / "demo"
    _publish(folder, {"demo-reader.pdf": b"r"})
    manifest = read_manifest(folder / MANIFEST)
    for name in ("None", "XXXX"):  # what a missing path must not be read as
        (folder / name).write_bytes(b"x")
    manifest["outputs"] += [{"audience": "gone", "format": "pdf", "sha256": sha256(b"x")}]
    (folder / MANIFEST).write_text(json.dumps(manifest))
    _publish(folder, {"demo-reader.pdf": b"r2"}, audiences={"reader"})
    assert (folder / "None").exists() and (folder / "XXXX").exists()


def test_a_linked_output_is_put_back_as_the_same_link(tmp_path: Path, monkeypatch):
    folder = tmp_path / "demo"
    _publish(folder, {"demo-c.pdf": b"old c"})
    (tmp_path / "kept.pdf").write_bytes(b"kept")
    (folder / "demo-a.pdf").symlink_to(tmp_path / "kept.pdf")
    _failing_replace(monkeypatch, "demo-c.pdf")
    with pytest.raises(BriefgenError):
        _publish(folder, {"demo-a.pdf": b"new a", "demo-c.pdf": b"new c"})
    assert (folder / "demo-a.pdf").is_symlink()
    assert os.readlink(folder / "demo-a.pdf") == str(tmp_path / "kept.pdf")


def test_without_hard_links_the_previous_files_are_copied_and_put_back(tmp_path: Path, monkeypatch):
    folder = tmp_path / "demo"
    _publish(folder, {"demo-a.pdf": b"old a", "demo-c.pdf": b"old c"})
    before = _listing(folder)
    _no_hard_links(monkeypatch)
    _failing_replace(monkeypatch, "demo-c.pdf")
    with pytest.raises(BriefgenError):
        _publish(folder, {"demo-a.pdf": b"new a", "demo-c.pdf": b"new c"})
    assert _listing(folder) == before


def test_a_planted_lock_link_is_refused_with_the_systems_reason(tmp_path: Path):
    folder = tmp_path / "out" / "demo"
    path = lock_path(folder)
    path.parent.mkdir(parents=True)
    path.symlink_to(tmp_path / "victim")
    with pytest.raises(BriefgenError) as failure, folder_lock(folder):
        pass
    assert failure.value.message == (
        f"cannot create the lock file {path}: Too many levels of symbolic links; choose another --out folder or "
        "fix the permissions of this one"
    )


def test_a_temporary_that_cannot_be_removed_does_not_change_the_outcome(tmp_path: Path, monkeypatch):
    folder = tmp_path / "demo"
    real_unlink = Path.unlink

    def stuck(self, missing_ok=False):
        if self.name.endswith(".tmp"):
            raise PermissionError(13, "Permission denied")
        return real_unlink(self, missing_ok=missing_ok)

    _publish(folder, {"demo-a.pdf": b"old a"})
    monkeypatch.setattr(Path, "unlink", stuck)
    _publish(folder, {"demo-a.pdf": b"new a"})  # its backup cannot be removed: the export still succeeds
    assert (folder / "demo-a.pdf").read_bytes() == b"new a"
    _failing_replace(monkeypatch, MANIFEST)
    with pytest.raises(BriefgenError) as failure:  # and a failed one still says what failed
        _publish(folder, {"demo-a.pdf": b"newer a"})
    assert "No space left on device" in failure.value.message


def test_files_go_into_subfolders_that_already_exist(tmp_path: Path):
    folder = tmp_path / "demo"
    files = {folder / "figures" / "a.png": b"one"}
    publish(folder, "demo", files, [], {})
    publish(folder, "demo", {folder / "figures" / "a.png": b"two", folder / "figures" / "b.png": b"b"}, [], {})
    assert (folder / "figures" / "a.png").read_bytes() == b"two" and (folder / "figures" / "b.png").exists()


def test_without_hard_links_a_linked_output_is_put_back_as_the_same_link(tmp_path: Path, monkeypatch):
    folder = tmp_path / "demo"
    _publish(folder, {"demo-c.pdf": b"old c"})
    (tmp_path / "kept.pdf").write_bytes(b"kept")
    (folder / "demo-a.pdf").symlink_to(tmp_path / "kept.pdf")
    _no_hard_links(monkeypatch)
    _failing_replace(monkeypatch, "demo-c.pdf")
    with pytest.raises(BriefgenError):
        _publish(folder, {"demo-a.pdf": b"new a", "demo-c.pdf": b"new c"})
    assert os.readlink(folder / "demo-a.pdf") == str(tmp_path / "kept.pdf")
    assert (tmp_path / "kept.pdf").read_bytes() == b"kept"


def test_a_fresh_redline_replaces_only_the_redline_and_a_manifest_without_outputs_is_read_as_empty():
    clean = _entry("reader", "pdf", b"clean")
    manifest, _ = merge_manifest(
        {"brief": "demo", "outputs": [clean]}, "demo", [_entry("reader", "pdf", changes_since="1")], {}
    )
    assert manifest["outputs"] == [clean, _entry("reader", "pdf", changes_since="1")]
    assert merge_manifest({"brief": "demo"}, "demo", [clean], {}) == ({"brief": "demo", "outputs": [clean]}, [])
