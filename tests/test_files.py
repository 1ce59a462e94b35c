"""runtime/files.py: one file replaced atomically, temporaries named and readable, caches sealed."""

from __future__ import annotations

import hashlib
import json
import os
import stat
from pathlib import Path

import pytest

from briefgen.errors import BriefgenError
from briefgen.runtime import files
from briefgen.runtime.files import atomic_write, prune_cache, read_cache, sha256, write_cache, write_temporary


@pytest.fixture(autouse=True)
def own_key(tmp_path: Path, monkeypatch):
    """Each test seals its caches with a key of its own, made under its own XDG_CACHE_HOME."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    files.cache_secret.cache_clear()
    yield
    files.cache_secret.cache_clear()


def test_a_temporary_is_named_beside_its_place_holds_the_data_and_is_readable_like_any_file(tmp_path: Path):
    tmp = write_temporary(tmp_path / "brief.pdf", b"data")
    assert tmp.parent == tmp_path
    assert tmp.name.startswith(".brief.pdf.") and tmp.name.endswith(".tmp")
    assert tmp.read_bytes() == b"data"
    umask = os.umask(0)
    os.umask(umask)
    assert stat.S_IMODE(tmp.stat().st_mode) == 0o666 & ~umask
    assert write_temporary(tmp_path / "brief.pdf", b"data") != tmp  # a new name each time


def test_a_temporary_that_cannot_be_made_names_the_folder(tmp_path: Path):
    with pytest.raises(BriefgenError) as failure:
        write_temporary(tmp_path / "missing" / "brief.pdf", b"data")
    assert failure.value.message == (
        f"cannot write to {tmp_path / 'missing'}: No such file or directory; choose another --out folder or fix "
        "its permissions"
    )


def test_a_failed_write_removes_its_temporary_and_says_the_old_file_stands(tmp_path: Path, monkeypatch):
    def full(fd):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(files.os, "fsync", full)
    with pytest.raises(BriefgenError) as failure:
        write_temporary(tmp_path / "brief.pdf", b"data")
    assert failure.value.message == (
        f"cannot write {tmp_path / 'brief.pdf'}: No space left on device; the previous file is unchanged"
    )
    assert list(tmp_path.iterdir()) == []


def test_an_interrupted_write_removes_its_temporary_and_goes_on_being_an_interrupt(tmp_path: Path, monkeypatch):
    def interrupted(fd):
        raise KeyboardInterrupt

    monkeypatch.setattr(files.os, "fsync", interrupted)
    with pytest.raises(KeyboardInterrupt):
        write_temporary(tmp_path / "brief.pdf", b"data")
    assert list(tmp_path.iterdir()) == []


def test_atomic_write_replaces_the_file_whole_and_makes_its_folder(tmp_path: Path, monkeypatch):
    path = tmp_path / "a" / "b" / "cache.json"
    atomic_write(path, b"one")
    atomic_write(path, b"two")
    assert path.read_bytes() == b"two" and sorted(p.name for p in path.parent.iterdir()) == ["cache.json"]

    def refused(src, dst):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(files.os, "replace", refused)
    with pytest.raises(BriefgenError) as failure:
        atomic_write(path, b"three")
    assert failure.value.message == f"cannot write {path}: Permission denied; the previous file is unchanged"
    assert path.read_bytes() == b"two" and sorted(p.name for p in path.parent.iterdir()) == ["cache.json"]
    (tmp_path / "file").write_bytes(b"")
    with pytest.raises(BriefgenError) as failure:
        atomic_write(tmp_path / "file" / "x.json", b"x")
    assert failure.value.message.startswith(f"cannot write to {tmp_path / 'file'}: ")


def test_a_cache_reads_back_as_written_and_is_sealed_with_this_accounts_key(tmp_path: Path):
    path = tmp_path / "cache" / f"{sha256(b'q')}.json"
    data = {"words": "Japón", "n": [1, 2.5, None, True]}
    write_cache(path, data)
    assert read_cache(path) == data
    seal, _, payload = path.read_bytes().partition(b"\n")
    key = (tmp_path / "xdg" / "briefgen" / "cache.key").read_bytes()
    assert len(key) == 32 and stat.S_IMODE((tmp_path / "xdg" / "briefgen" / "cache.key").stat().st_mode) == 0o600
    import hmac

    assert seal == hmac.new(key, payload, hashlib.sha256).hexdigest().encode()
    assert json.loads(payload) == data and "Japón" in payload.decode("utf-8")


@pytest.mark.parametrize(
    "planted",
    [b"", b"not a seal\n{}", b"0" * 64 + b"\n{}", b"no line break at all"],
)
def test_a_cache_not_sealed_by_this_account_is_not_believed(tmp_path: Path, planted: bytes):
    path = tmp_path / "cache.json"
    path.write_bytes(planted)
    assert read_cache(path) is None
    assert read_cache(tmp_path / "missing.json") is None


def test_a_sealed_cache_that_is_not_json_is_not_believed(tmp_path: Path):
    path = tmp_path / "cache.json"
    payload = b"{not json"
    path.write_bytes(files._seal(payload) + b"\n" + payload)
    assert read_cache(path) is None


def test_a_cache_folder_that_is_a_link_or_a_file_is_never_used(tmp_path: Path):
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (tmp_path / "linked").symlink_to(elsewhere, target_is_directory=True)
    write_cache(tmp_path / "linked" / "a.json", {"a": 1})
    assert list(elsewhere.iterdir()) == []
    write_cache(elsewhere / "a.json", {"a": 1})
    assert read_cache(tmp_path / "linked" / "a.json") is None  # the same file, reached through the link
    (tmp_path / "file").write_bytes(b"")
    write_cache(tmp_path / "file" / "a.json", {"a": 1})  # no error: a cache that cannot be written is no problem
    assert read_cache(tmp_path / "file" / "a.json") is None


def test_another_accounts_key_does_not_open_this_ones_cache(tmp_path: Path, monkeypatch):
    path = tmp_path / "cache.json"
    write_cache(path, {"a": 1})
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "other"))
    files.cache_secret.cache_clear()
    assert read_cache(path) is None


def test_a_damaged_key_is_made_anew_and_a_relative_cache_home_is_ignored(tmp_path: Path, monkeypatch):
    key = tmp_path / "xdg" / "briefgen" / "cache.key"
    key.parent.mkdir(parents=True)
    key.write_bytes(b"short")
    made = files.cache_secret()
    assert len(made) == 32 and key.read_bytes() == made
    files.cache_secret.cache_clear()
    assert files.cache_secret() == made  # read back, not made again
    files.cache_secret.cache_clear()
    monkeypatch.setenv("XDG_CACHE_HOME", "relative/folder")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    files.cache_secret()
    assert (tmp_path / "home" / ".cache" / "briefgen" / "cache.key").is_file()
    assert not Path("relative").exists()


def test_where_no_key_can_be_kept_one_is_made_for_this_process(tmp_path: Path, monkeypatch):
    (tmp_path / "xdg").write_bytes(b"a file where the folder should be")
    first = files.cache_secret()
    assert len(first) == 32
    files.cache_secret.cache_clear()
    assert files.cache_secret() != first


def test_pruning_keeps_the_newest_records_and_touches_nothing_else(tmp_path: Path):
    records = [tmp_path / f"{sha256(str(i).encode())}.json" for i in range(5)]
    for age, path in enumerate(records):
        path.write_bytes(b"{}")
        os.utime(path, ns=(age * 10**9, age * 10**9))
    others = [tmp_path / "notes.json", tmp_path / f"{'A' * 64}.json", tmp_path / f"{'0' * 64}.txt"]
    for path in others:
        path.write_bytes(b"{}")
        os.utime(path, ns=(0, 0))
    link = tmp_path / f"{'1' * 64}.json"
    link.symlink_to(others[0])
    prune_cache(tmp_path, keep=2)
    assert [p.exists() for p in records] == [False, False, False, True, True]
    assert all(p.exists() for p in others) and link.is_symlink()
    prune_cache(tmp_path, keep=0)
    assert not any(p.exists() for p in records)
    prune_cache(tmp_path / "missing", keep=0)  # no folder: nothing to do


def test_sha256_is_the_hex_digest():
    assert sha256(b"abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"


def test_pruning_with_room_to_spare_deletes_nothing(tmp_path: Path):
    records = [tmp_path / f"{sha256(str(i).encode())}.json" for i in range(2)]
    for path in records:
        path.write_bytes(b"{}")
    prune_cache(tmp_path, keep=2)
    prune_cache(tmp_path, keep=10)
    assert all(p.exists() for p in records)
