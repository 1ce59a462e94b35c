"""Exports: all outputs or none, one lock for outputs and manifest, no process or file left behind."""

from __future__ import annotations

import errno
import hashlib
import json
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from conftest import FIXTURES, copy_repo_workspace

import briefgen.build.run as build_module
from briefgen.build import BuildOptions, build, render_all
from briefgen.cli import main


def run_main(args: list[str], monkeypatch, capsys) -> tuple[int, str, str]:
    """Through main(), which maps errors to exit codes the way the installed command does."""
    monkeypatch.setattr("sys.argv", ["briefgen", *args])
    handler = signal.getsignal(signal.SIGTERM)
    try:
        with pytest.raises(SystemExit) as exit_info:
            main()
    finally:
        signal.signal(signal.SIGTERM, handler)
    out = capsys.readouterr()
    code = exit_info.value.code
    return code if isinstance(code, int) else 0, out.out, out.err


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every file of a folder (hidden ones included) with its bytes."""
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.is_file()}


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def assert_manifest_matches_files(folder: Path) -> dict:
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["outputs"]
    for entry in manifest["outputs"]:
        data = (folder / entry["path"]).read_bytes()
        assert sha(data) == entry["sha256"], f"{entry['path']} does not match its manifest entry"
        assert len(data) == entry["bytes"]
    return manifest


def edit_brief(ws: Path) -> None:
    """A change every output shows: the brief's title."""
    brief = ws / "briefs/demo/brief.yaml"
    brief.write_text(brief.read_text(encoding="utf-8").replace("title: Demo brief", "title: Demo brief, revised"))


# ---------------------------------------------------------------- row 1: no process outlives the build


def _session_members(session: int) -> list[int]:
    """Live (not zombie) processes of a session, from /proc/*/stat."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        if int(fields[3]) == session and fields[0] != "Z":
            found.append(int(stat.parent.name))
    return found


def _cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
    except OSError:
        return ""


def _ppid(pid: int) -> int:
    try:
        return int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[1])
    except (OSError, IndexError, ValueError):
        return 0


def _cpu_seconds(pid: int) -> float:
    """User plus system CPU time a process has used so far (utime + stime of /proc/<pid>/stat)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, IndexError, ValueError):
        return 0.0


def _copy_repo_workspace(dest: Path) -> Path:
    return copy_repo_workspace(dest)


@pytest.mark.slow
@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs Linux /proc")
def test_a_killed_build_leaves_no_worker_and_closes_its_output(tmp_path: Path):
    """Row 1: kill -9 of a build with a worker pool; its workers, forkserver and tracker go with it."""
    ws = _copy_repo_workspace(tmp_path / "ws")
    command = [sys.executable, "-m", "briefgen", "-w", str(ws), "build", "--all-audiences", "--force"]
    process = subprocess.Popen(
        [*command, "-j", "3", "-o", str(tmp_path / "out")],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        start_new_session=True,  # its own session: every process it starts is found by session id
    )
    session = process.pid
    assert process.stdout is not None
    output = process.stdout  # like `briefgen build | cat`: the reader waits for the end of the pipe
    eof = threading.Event()

    def read_to_end() -> None:
        while output.read(65536):
            pass
        eof.set()

    reader = threading.Thread(target=read_to_end, daemon=True)
    reader.start()
    try:
        deadline = time.monotonic() + 60
        workers: list[int] = []
        busy: list[int] = []
        # Until a worker (a child of the fork server) is busy rendering: it has used CPU time of its
        # own (a fresh fork starts at 0, and waiting for a task costs none; 50 ms is well past its start-up).
        while time.monotonic() < deadline and not busy and process.poll() is None:
            members = _session_members(session)
            workers = [p for p in members if "forkserver" in _cmdline(p) and _ppid(p) not in (session, 0, os.getpid())]
            busy = [p for p in workers if _cpu_seconds(p) >= 0.05]
            time.sleep(0.05)
        assert workers, "the build started no worker processes"
        assert busy, f"no worker started rendering (the build {'ended' if process.poll() is not None else 'runs on'})"
        process.send_signal(signal.SIGKILL)
        process.wait()
        killed = time.monotonic()
        left = _session_members(session)
        while left and time.monotonic() - killed < 2:
            time.sleep(0.05)
            left = _session_members(session)
        assert not left, "processes survived the build: " + "; ".join(f"{p} {_cmdline(p)[:80]}" for p in left)
        assert eof.wait(max(0.1, 2 - (time.monotonic() - killed))), "the build's output never reached its end"
    finally:
        for pid in _session_members(session):  # only processes this test started
            try:
                os.kill(pid, signal.SIGKILL)
            except OSError:
                pass
        if process.poll() is None:
            process.kill()
            process.wait()
        output.close()


# ---------------------------------------------------------------- row 5: all outputs or none


def test_a_failed_replace_keeps_every_previous_output_and_the_manifest(minimal: Path, monkeypatch, capsys):
    """Row 5: the third output cannot be put in place (ENOSPC): nothing is published."""
    args = ["-w", str(minimal), "build", "--all-audiences", "-f", "pdf", "-f", "docx", "-j", "1"]
    assert run_main(args, monkeypatch, capsys)[0] == 0
    out = minimal / "dist/demo"
    before = snapshot(out)
    edit_brief(minimal)
    real_replace, real_render = os.replace, build_module.render_all
    calls: list[str] = []

    def faulty_replace(src, dst, *rest, **kw):
        if Path(dst).suffix in (".pdf", ".docx"):
            calls.append(Path(dst).name)
            if len(calls) == 3:
                raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(dst))
        return real_replace(src, dst, *rest, **kw)

    def render_then_fail(*a, **kw):
        rendered = real_render(*a, **kw)
        monkeypatch.setattr(os, "replace", faulty_replace)  # only the writing is faulty
        return rendered

    monkeypatch.setattr(build_module, "render_all", render_then_fail)
    code, _, err = run_main(args, monkeypatch, capsys)
    monkeypatch.setattr(os, "replace", real_replace)
    assert len(calls) >= 3
    assert code == 1, err
    assert "No space left on device" in err and "Traceback" not in err and "internal error" not in err
    assert "unchanged" in err
    assert snapshot(out) == before  # previous outputs and manifest byte-identical, no temporaries


def _mount_tmpfs(folder: Path, size: str) -> bool:
    if not hasattr(os, "geteuid") or os.geteuid() != 0 or not shutil.which("mount"):
        return False
    folder.mkdir(parents=True, exist_ok=True)
    result = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(folder)], capture_output=True)
    return result.returncode == 0


@pytest.mark.slow
def test_a_full_disk_keeps_every_previous_output_and_the_manifest(minimal: Path, tmp_path: Path, monkeypatch, capsys):
    """Row 5: a real small disk that fills up during the export."""
    disk = tmp_path / "disk"
    if not _mount_tmpfs(disk, "1m"):
        pytest.skip("needs root and a mountable tmpfs")
    try:
        args = ["-w", str(minimal), "build", "--all-audiences", "-f", "pdf", "-f", "docx", "-j", "1", "-o", str(disk)]
        assert run_main(args, monkeypatch, capsys)[0] == 0
        out = disk / "demo"
        before = snapshot(out)
        stat = os.statvfs(disk)
        room = 30 * 1024  # the first new file fits, the second does not
        free = stat.f_bavail * stat.f_frsize
        (disk / "filler").write_bytes(b"\0" * max(0, free - room))
        edit_brief(minimal)
        code, _, err = run_main([*args, "--force"], monkeypatch, capsys)
        assert code == 1, err
        assert "No space left on device" in err and "Traceback" not in err and "internal error" not in err
        assert snapshot(out) == before
    finally:
        subprocess.run(["umount", "-l", str(disk)], check=False)


def test_a_block_deleted_during_the_build_is_no_crash(minimal: Path, monkeypatch, capsys):
    """Row 5: inputs are hashed as they were read, not read again at the end."""
    block = minimal / "briefs/demo/blocks/history.yaml"
    data = block.read_bytes()
    real_run_jobs = build_module.run_jobs

    def delete_then_render(*a, **kw):
        block.unlink()  # after loading, before rendering and writing
        return real_run_jobs(*a, **kw)

    monkeypatch.setattr(build_module, "run_jobs", delete_then_render)
    args = ["-w", str(minimal), "build", "--all-audiences", "-f", "html", "-j", "1"]
    code, _, err = run_main(args, monkeypatch, capsys)
    assert code == 0, err
    assert "Traceback" not in err and "internal error" not in err
    manifest = assert_manifest_matches_files(minimal / "dist/demo")
    assert manifest["sources"]["history"]["sha256"] == sha(data)  # what was read and built


def test_a_block_gone_before_it_was_hashed_is_a_clear_error(minimal: Path, monkeypatch, capsys):
    """Row 5: a block that vanished between loading and hashing: a message, nothing written."""
    args = ["-w", str(minimal), "build", "--all-audiences", "-f", "html", "-j", "1"]
    assert run_main(args, monkeypatch, capsys)[0] == 0
    out = minimal / "dist/demo"
    before = snapshot(out)
    real_open = build_module.open_workspace

    def open_then_delete(*a, **kw):
        opened = real_open(*a, **kw)
        (minimal / "briefs/demo/blocks/history.yaml").unlink()
        return opened

    monkeypatch.setattr(build_module, "open_workspace", open_then_delete)
    code, _, err = run_main([*args, "--force"], monkeypatch, capsys)
    assert code == 1, err
    assert "history.yaml" in err and "build again" in err and "Traceback" not in err
    assert snapshot(out) == before


# ---------------------------------------------------------------- row 7: outputs and manifest under one lock


@pytest.mark.slow
def test_outputs_and_manifest_are_replaced_under_one_lock(tmp_path: Path, monkeypatch):
    """Row 7: build A pauses after replacing its outputs; build B must not slip in before A's manifest."""
    from conftest import copy_fixture

    first = copy_fixture("minimal", tmp_path / "a")
    second = copy_fixture("minimal", tmp_path / "b")
    edit_brief(second)
    out = tmp_path / "out"
    options = BuildOptions(audiences=("reader",), formats=("pdf", "docx"), out_dir=out, force=True, jobs=1)
    rendered = {first.resolve(): render_all(first, options), second.resolve(): render_all(second, options)}
    monkeypatch.setattr(build_module, "render_all", lambda root, _options: rendered[Path(root).resolve()])
    real_replace = os.replace
    in_gap, second_done = threading.Event(), threading.Event()

    def slow_replace(src, dst, *rest, **kw):
        real_replace(src, dst, *rest, **kw)
        if threading.current_thread().name == "A" and Path(dst).name == "demo-reader.docx" and not in_gap.is_set():
            in_gap.set()  # A's outputs are in place, its manifest not yet
            second_done.wait(3)

    monkeypatch.setattr(os, "replace", slow_replace)
    errors: list[BaseException] = []

    def run(root: Path, done: threading.Event | None = None) -> None:
        try:
            build(root, options)
        except BaseException as exc:  # reported below
            errors.append(exc)
        finally:
            if done is not None:
                done.set()

    a = threading.Thread(target=run, args=(first,), name="A")
    a.start()
    assert in_gap.wait(30)
    b = threading.Thread(target=run, args=(second, second_done), name="B")
    b.start()
    a.join(60)
    b.join(60)
    monkeypatch.setattr(os, "replace", real_replace)
    assert not errors, errors
    assert_manifest_matches_files(out / "demo")


# ---------------------------------------------------------------- row 13: temporaries and the lock file


def test_temporaries_of_a_killed_build_are_removed_by_the_next_build(minimal: Path):
    """Row 13: however young, temporaries left by a killed build go when the next build holds the lock."""
    options = BuildOptions(audiences=("reader",), formats=("html",), jobs=1)
    out = build(minimal, options).out_dir
    left = [out / ".manifest.json.k1x2y3.tmp", out / ".demo-reader.html.a9b8c7.tmp"]
    for path in left:
        path.write_bytes(b"half a file")
    build(minimal, options)  # nothing to rebuild: the temporaries still go
    assert not [p.name for p in out.iterdir() if p.name.endswith(".tmp")]
    for path in left:
        path.write_bytes(b"half a file")
    build(minimal, BuildOptions(audiences=("reader",), formats=("html",), jobs=1, force=True))
    assert not [p.name for p in out.iterdir() if p.name.endswith(".tmp")]


def test_the_lock_file_is_not_published(minimal: Path):
    """Row 13: the published folder holds outputs and the manifest, no lock file."""
    options = BuildOptions(audiences=("reader",), formats=("html", "pdf"), jobs=1)
    out = build(minimal, options).out_dir
    assert sorted(p.name for p in out.iterdir()) == ["demo-reader.html", "demo-reader.pdf", "manifest.json"]
    (out / ".manifest.lock").write_bytes(b"")  # left by an older briefgen
    build(minimal, BuildOptions(audiences=("reader",), formats=("html", "pdf"), jobs=1, force=True))
    assert sorted(p.name for p in out.iterdir()) == ["demo-reader.html", "demo-reader.pdf", "manifest.json"]


# ---------------------------------------------------------------- row 4: links and foreign manifests


def test_a_brief_folder_linked_out_of_the_output_folder_is_refused(minimal: Path, tmp_path: Path, monkeypatch, capsys):
    """Row 4: dist/<brief> as a link to elsewhere is refused; nothing is written there."""
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (minimal / "dist").mkdir(exist_ok=True)
    (minimal / "dist/demo").symlink_to(elsewhere, target_is_directory=True)
    code, _, err = run_main(["-w", str(minimal), "build", "-a", "reader", "-f", "html", "-j", "1"], monkeypatch, capsys)
    assert code in (1, 2), err
    assert "dist/demo" in err and "link" in err and "Traceback" not in err
    assert list(elsewhere.iterdir()) == []


def test_only_files_our_manifest_lists_with_their_hashes_are_deleted(minimal: Path):
    """Row 4: a foreign manifest, or an entry whose file changed, never makes briefgen delete a file."""
    options = BuildOptions(all_audiences=True, formats=("html",), jobs=1, force=True)
    out = build(minimal, options).out_dir
    precious = out / "notes.html"
    precious.write_text("someone else's notes", encoding="utf-8")
    foreign = {
        "brief": "someone-else",
        "outputs": [
            {"audience": "ghost", "format": "html", "path": "notes.html", "sha256": sha(precious.read_bytes())}
        ],
    }
    (out / "manifest.json").write_text(json.dumps(foreign), encoding="utf-8")
    build(minimal, options)
    assert precious.read_text(encoding="utf-8") == "someone else's notes"
    manifest = assert_manifest_matches_files(out)
    assert "ghost" not in {e["audience"] for e in manifest["outputs"]}
    # our own manifest, but the file was changed since briefgen wrote it: it is not ours to delete
    manifest["outputs"].append(
        {"audience": "ghost", "format": "html", "path": "notes.html", "sha256": sha(b"what briefgen once wrote")}
    )
    (out / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    build(minimal, options)
    assert precious.read_text(encoding="utf-8") == "someone else's notes"
    # our own manifest and the file as briefgen wrote it: an audience that is gone loses its output
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    manifest["outputs"].append(
        {"audience": "ghost", "format": "html", "path": "notes.html", "sha256": sha(precious.read_bytes())}
    )
    (out / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    build(minimal, options)
    assert not precious.exists()


def test_a_planted_cache_cannot_change_what_a_brief_says(tmp_path: Path, monkeypatch):
    """A markdown.json written by someone else (no seal from this account's key) is read again from the sources."""
    from briefgen.content import pandoc_reading

    ws = tmp_path / "ws"
    shutil.copytree(FIXTURES / "minimal", ws, ignore=shutil.ignore_patterns("dist"))
    options = BuildOptions(audiences=("reader",), formats=("html",), jobs=1, force=True)
    build(ws, options)
    sources = list(pandoc_reading._CACHE)  # every field this process has read, the fixture's among them
    forged = [{"t": "Para", "c": [{"t": "Str", "c": "FORGED_BY_CACHE"}]}]
    data = {
        "key": pandoc_reading._cache_key(),
        "api": None,
        "entries": {pandoc_reading._digest(s): forged for s in sources},
    }
    payload = json.dumps(data).encode()
    cache = ws / "dist" / ".briefgen-cache" / "markdown.json"
    cache.write_bytes(hashlib.sha256(b"another account's key" + payload).hexdigest().encode() + b"\n" + payload)
    monkeypatch.setattr(pandoc_reading, "_CACHE", {})  # so the next build must read the cache file
    build(ws, options)
    html = next((ws / "dist" / "demo").glob("*.html")).read_text(encoding="utf-8")
    assert "FORGED_BY_CACHE" not in html
    assert "Hokkaid" in html  # the real text, read again by Pandoc


def test_an_export_never_writes_through_a_link_inside_its_folder(tmp_path: Path, monkeypatch, capsys):
    ws = tmp_path / "ws"
    shutil.copytree(FIXTURES / "figures", ws, ignore=shutil.ignore_patterns("dist"))
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (ws / "dist/demo").mkdir(parents=True)
    os.symlink(elsewhere, ws / "dist/demo/figures")
    monkeypatch.setattr("sys.argv", ["briefgen", "-w", str(ws), "build", "-a", "reader", "-f", "md", "-j", "1"])
    with pytest.raises(SystemExit) as exit_info:
        main()
    err = capsys.readouterr().err
    assert exit_info.value.code == 1, err
    assert "figures is a link; remove it, the export makes it itself" in err
    assert list(elsewhere.iterdir()) == []


def test_a_file_system_without_locks_is_a_clear_error(tmp_path: Path, monkeypatch, capsys):
    import fcntl

    ws = tmp_path / "ws"
    shutil.copytree(FIXTURES / "minimal", ws, ignore=shutil.ignore_patterns("dist"))

    def no_locks(handle, operation):
        raise OSError(errno.ENOLCK, "No locks available")

    monkeypatch.setattr(fcntl, "flock", no_locks)
    monkeypatch.setattr("sys.argv", ["briefgen", "-w", str(ws), "build", "-a", "reader", "-f", "html", "-j", "1"])
    with pytest.raises(SystemExit) as exit_info:
        main()
    err = capsys.readouterr().err
    assert exit_info.value.code == 1, err
    assert "No locks available; this file system does not support locks, so build to a local disk (-o DIR)" in err
