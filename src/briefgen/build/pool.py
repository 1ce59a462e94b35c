"""The worker processes of a build, in one place: the session that owns them, how they start, how tasks reach them.

The main process takes a build's first task and worker processes the others, so WeasyPrint lays
one audience out while another is written. A `Session` owns the pool (an export of many briefs
keeps one) and passes progress on, one output at a time. Workers start as copies of a fork
server that has imported the renderers and this module once; each watches the build's main
process and ends, with whatever it started, as soon as that process is gone, even when the build
is killed outright. A worker gets documents (`render.RenderTask`), not workspaces to load.
"""

from __future__ import annotations

import contextlib
import contextvars
import functools
import importlib
import logging
import os
import selectors
import signal
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from briefgen.build.outputs import Output, Progress
from briefgen.render import Rendering, RenderTask, TaskResult, run_task
from briefgen.runtime.formats import format_named


class _Callback(Progress):
    def __init__(self, on_output: Callable[[Output], None]):
        self.on_output = on_output

    def finished(self, output: Output) -> None:
        self.on_output(output)


_SESSION: contextvars.ContextVar[Session | None] = contextvars.ContextVar("briefgen_build_session", default=None)


class Session:
    """What outlives one brief's build in an export of many: the worker pool, and where progress goes."""

    def __init__(self, progress: Progress | Callable[[Output], None] | None = None):
        if progress is not None and not isinstance(progress, Progress):
            progress = _Callback(progress)
        self.progress: Progress = progress or Progress()
        self.lock = threading.Lock()
        self.problem: BaseException | None = None  # raised by a progress hook on the pool's thread
        self._pool: Any = None
        self._size = 0

    @staticmethod
    def current() -> Session | None:
        """The session of the build running in this context (see `active`), if any."""
        return _SESSION.get()

    @contextlib.contextmanager
    def active(self) -> Iterator[Session]:
        token = _SESSION.set(self)
        try:
            yield self
        finally:
            _SESSION.reset(token)

    def planned(self, brief: str, outputs: int) -> None:
        with self.lock:
            self.progress.planned(brief, outputs)

    def finished(self, output: Output) -> None:
        with self.lock:
            try:
                self.progress.finished(output)
            except BrokenPipeError:  # `briefgen build | head -1`: the reader left; the build goes on, quietly
                self.progress = Progress()
            except BaseException as exc:  # on the pool's thread nobody would see it: the build raises it
                if threading.current_thread() is threading.main_thread():
                    raise
                self.problem = self.problem or exc

    def pool(self, size: int, formats: set[str]) -> Any:
        """A pool of at least `size` worker processes, started now so they load the renderers of `formats` meanwhile."""
        if self._pool is not None and self._size >= size:
            return self._pool
        self.close()
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor

        renderers = renderer_modules(sorted(formats))
        context: Any
        if os.name == "posix":
            context = multiprocessing.get_context("forkserver")
            # The fork server imports the renderers (and the workers' start, below) once; every worker
            # starts as a copy of it.
            context.set_forkserver_preload(["briefgen.render", __name__, *renderers])
        else:
            context = multiprocessing.get_context("spawn")
        self._pool = ProcessPoolExecutor(
            size,
            mp_context=context,
            initializer=start_worker,
            initargs=(os.getpid(), logging.getLogger().level, renderers),
        )
        self._size = size
        # Starting the fork server waits for its imports: let a thread wait, not the build.
        starter = threading.Thread(target=self._pool.submit, args=(os.getpid,), name="briefgen-start-workers")
        starter.daemon = True
        starter.start()
        return self._pool

    def abort(self) -> None:
        """Stop at once: kill the workers, drop their queued tasks."""
        if self._pool is None:
            return
        processes = getattr(self._pool, "_processes", None) or {}
        for process in list(processes.values()):
            process.kill()
        self._pool.shutdown(wait=False, cancel_futures=True)
        self._pool = None

    def close(self) -> None:
        """Let the workers finish and end."""
        if self._pool is not None:
            self._pool.shutdown()
            self._pool = None


# ---------------------------------------------------------------- which renderers a task needs


def task_renderers(lay_out: bool, formats: tuple[str, ...]) -> set[str]:
    """The formats whose renderers a task imports: the PDF's to lay out, and each format it writes."""
    return ({"pdf"} if lay_out else set()) | {f for f in formats if f != "pdf"}


def renderer_modules(formats: list[str]) -> tuple[str, ...]:
    """The renderer modules of `formats`, as the registry names them."""
    return tuple(format_named(f).renderer_module for f in formats)


def warm(modules: tuple[str, ...]) -> None:
    """Import renderers ahead of their first use (in a thread while Pandoc works, or in a fresh worker)."""
    for name in modules:
        importlib.import_module(name)


# ---------------------------------------------------------------- running a build's tasks


def run_jobs(
    session: Session,
    tasks: list[RenderTask],
    slots: int,
    rendered: Callable[[RenderTask, Rendering], None],
    finished: Callable[[TaskResult], None],
) -> None:
    """Run the tasks: the first in this process, the others in the session's workers.

    Each output is reported (`rendered`) as soon as it is done. When this process is through with
    its own task it takes over the tasks no worker has started yet. No worker outlives the build.
    """
    here = lambda task: finished(run_task(task, functools.partial(rendered, task)))  # noqa: E731
    if slots <= 1 or len(tasks) <= 1:
        for task in tasks:
            here(task)
        return
    pool = session.pool(
        min(slots, len(tasks)) - 1, set().union(*(task_renderers(t.lay_out, t.formats) for t in tasks[1:]))
    )
    handed = _Handed(session, rendered, finished)
    feeder = threading.Thread(target=handed.feed, args=(pool, tasks[1:]), name="briefgen-feed-workers", daemon=True)
    feeder.start()
    try:
        here(tasks[0])  # at once, not after the workers have started
    finally:
        feeder.join()
    handed.settle(here)


class _Handed:
    """The tasks handed to the workers, each one's outputs reported as soon as it ends."""

    def __init__(
        self,
        session: Session,
        rendered: Callable[[RenderTask, Rendering], None],
        finished: Callable[[TaskResult], None],
    ):
        self.session, self.rendered, self.finished = session, rendered, finished
        self.futures: list[tuple[RenderTask, Any, threading.Event]] = []
        self.failed: list[BaseException] = []

    def feed(self, pool: Any, tasks: list[RenderTask]) -> None:
        """Hand the workers their tasks; a first submission waits for the fork server to start."""
        try:
            for task in tasks:
                handed = threading.Event()
                future = pool.submit(run_task, task)
                future.add_done_callback(functools.partial(self.delivered, task, handed))
                self.futures.append((task, future, handed))
        except BaseException as exc:  # a pool that cannot start: the build's error, raised in `settle`
            self.failed.append(exc)

    def delivered(self, task: RenderTask, handed: threading.Event, future: Any) -> None:
        """On the pool's thread, as a worker's task ends: its outputs are reported at once."""
        try:
            if not future.cancelled() and future.exception() is None:
                result = future.result()
                for rendering in result.renderings:
                    self.rendered(task, rendering)
                self.finished(result)
        except BaseException as exc:  # handed to the build's thread by `Session.problem`
            self.session.problem = self.session.problem or exc
        finally:
            handed.set()

    def settle(self, here: Callable[[RenderTask], None]) -> None:
        """Render here what no worker has started, wait for the rest; a worker's error is the build's error."""
        from concurrent.futures import wait

        if self.failed:
            raise self.failed[0]
        for task, future, _handed in self.futures:
            if future.cancel():  # no worker has started it: this process renders it
                here(task)
        wait([future for _, future, _ in self.futures])
        for _task, future, handed in self.futures:
            if not future.cancelled():
                future.result()  # a worker's error is the build's error
                handed.wait()  # its outputs are recorded before the build goes on


# ---------------------------------------------------------------- a worker's start and its watch on the build


def start_worker(main: int, level: int, renderers: tuple[str, ...]) -> None:
    """A worker's start: log as the build does, watch its main process, import its renderers (if not yet)."""
    logging.getLogger().setLevel(level)  # as the build's own: library chatter (fontTools) stays as quiet
    _watch_main_process(main)
    warm(renderers)


def _watch_main_process(main: int) -> None:
    """End this worker, and what it started, as soon as the build's main process is gone.

    A build killed outright (kill -9, an out-of-memory kill) cannot stop its workers itself, and
    their parent is the pool's fork server, not the build. Without this they would render on and
    keep the build's output open, so `briefgen build | cat` or a CI step would never finish.
    """
    try:
        handle: int | None = os.pidfd_open(main)  # readable once the process has ended (Linux)
    except ProcessLookupError:
        os._exit(1)  # gone already
    except (AttributeError, OSError):
        handle = None

    def watch() -> None:
        if handle is not None:
            with selectors.DefaultSelector() as selector:
                selector.register(handle, selectors.EVENT_READ)
                while not selector.select():
                    pass
        else:
            while _alive(main):
                time.sleep(0.2)
        _end_children()
        os._exit(1)

    threading.Thread(target=watch, name="briefgen-watch-build", daemon=True).start()


def _alive(pid: int) -> bool:
    if os.name != "posix":  # Windows has no signal 0; spawned workers there end with their pipes
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        pass
    return True


def _end_children() -> None:
    """Kill the processes this worker started (Pandoc, say), found in /proc where there is one."""
    me = os.getpid()
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            parent = int(stat.read_text().rsplit(")", 1)[1].split()[1])
            if parent == me:
                os.kill(int(stat.parent.name), signal.SIGKILL)
        except (OSError, ValueError, IndexError):
            continue
