"""Live preview for editors: every audience's brief in the browser, reloaded when a file is saved.

The preview is the same HTML the PDF is made from, drawn as pages. A save that breaks the
content, a template or a style shows the error list instead, until it is fixed. Nothing is
written to the workspace.

Pages are rendered once per state of the workspace's files (their fingerprint) and shared by
every browser asking for them meanwhile; the server's listen backlog holds a team's browsers
opening every audience at once.

Answers: 200 with the page, or with the error list while the workspace has errors (it is the
files that are wrong, not the request); 404 for an address that names nothing (an unknown path
or audience); 400 for a malformed request (a query `compare` cannot use, an address that is not
UTF-8); 405 for any method but GET; 421 for a request addressed to another host name and 403 for
a PDF, event stream or other method asked for by another site's page (see serve_guard.py).
"""

from __future__ import annotations

import errno
import hashlib
import html
import logging
import os
import threading
import time
import traceback
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import ClassVar, cast
from urllib.parse import parse_qs, unquote, urlparse

from briefgen.build import BuildOptions, document_for, render_all
from briefgen.commands.serve_guard import COMMON_HEADERS, cross_site, misdirected, needs_same_origin, page_policy
from briefgen.content.style import load_style
from briefgen.document.select import audiences_for
from briefgen.document.workspace import default_brief, open_workspace
from briefgen.errors import BriefgenError, ContentError, UsageError
from briefgen.render.html import render_html
from briefgen.render.overrides import check_template_overrides
from briefgen.runtime.formats import format_named

log = logging.getLogger(__name__)

WATCHED_SUFFIXES = {
    *(".yaml", ".yml", ".json", ".bib", ".csl", ".j2", ".css", ".docx", ".ttf", ".otf"),
    *(".png", ".jpg", ".jpeg", ".svg", ".csv", ".tsv"),  # figures, chart specifications and their data
}
STYLE_FOLDERS = ("templates", "styles")  # every file there counts, whatever its suffix (a template includes any)
LISTEN_BACKLOG = 128  # connections waiting to be accepted: a team's browsers, each opening several pages
CACHED_PAGES = 64  # rendered pages kept (index and audiences, for the latest state of the files)
HTML_TYPE = format_named("html").media_type  # every page of the preview, as an HTML output is sent
PDF_TYPE = format_named("pdf").media_type

_RELOAD_JS = """
(function () {
  var source = new EventSource('/events');
  var seen = null;
  source.onmessage = function (event) {
    if (seen !== null && event.data !== seen) { location.reload(); }
    seen = event.data;
  };
})();
"""
_RELOAD_SCRIPT = f"<script>{_RELOAD_JS}</script>"
PAGE_POLICY = page_policy([_RELOAD_JS])  # the Content-Security-Policy of every HTML answer

_PAGE_CSS = """<style>
html { background: #d9dde3; }
body.screen { background: white; box-shadow: 0 1px 6px rgba(0,0,0,.25); margin: 3.5em auto 2em;
  box-sizing: border-box; width: 210mm; min-height: 297mm; padding: 20mm; max-width: none; }
.preview-bar { position: fixed; top: 0; left: 0; right: 0; background: #1B3A5C; color: white;
  font: 13px sans-serif; padding: 6px 12px; z-index: 10; }
.preview-bar a { color: white; margin-right: 1.2em; }
.preview-errors { font: 13px monospace; white-space: pre-wrap; color: #A4161A; }
</style>"""


class BadRequest(Exception):
    """A request the preview cannot answer with a page: its status and what to ask for instead."""

    def __init__(self, status: HTTPStatus, message: str):
        super().__init__(message)
        self.status = status
        self.message = message


def _unknown_audience(name: str, known: list[str]) -> BadRequest:
    return BadRequest(
        HTTPStatus.NOT_FOUND, f"No audience named '{name}'; audiences of this brief: {', '.join(known) or 'none'}."
    )


@dataclass
class PreviewState:
    """The workspace as last seen: a version number that changes on every save, any errors, rendered pages."""

    root: Path
    brief: str | None
    version: int = 0
    errors: list[str] = field(default_factory=list)
    changed: threading.Condition = field(default_factory=threading.Condition)
    skip: frozenset[Path] = frozenset()  # folders whose files never shape a page (the output folder, per refresh)
    pages: OrderedDict[tuple[str, ...], tuple[str, str]] = field(default_factory=OrderedDict)
    page_locks: dict[tuple[str, ...], threading.Lock] = field(default_factory=dict)
    pages_lock: threading.Lock = field(default_factory=threading.Lock)
    subscriptions: int = 0  # event streams that have sent a page its first version (read-only; tests wait on it)

    def fingerprint(self) -> str:
        """Every workspace file's name, size and modification time: a page is current while this is unchanged.

        Hidden folders (.git, .venv, the cache) and the output folder are left out: they never shape a page.
        """
        digest = hashlib.sha256(f"{self.brief}".encode())
        for parent, dirs, names in os.walk(self.root):
            dirs[:] = sorted(d for d in dirs if not d.startswith(".") and Path(parent, d) not in self.skip)
            for name in sorted(names):
                try:
                    stat = os.stat(os.path.join(parent, name))
                    facts = f"{stat.st_size} {stat.st_mtime_ns} {stat.st_ino}"
                except OSError:  # a dangling link: its absence counts too
                    facts = "-"
                digest.update(f"{parent}/{name} {facts}\n".encode())
        return digest.hexdigest()

    def cached(self, key: tuple[str, ...], make: Callable[[], str]) -> str:
        """The page `make` renders for the files as they are now, rendered once however many ask at a time."""
        fingerprint = self.fingerprint()
        with self.pages_lock:
            lock = self.page_locks.setdefault(key, threading.Lock())
        with lock:
            with self.pages_lock:
                hit = self.pages.get(key)
            if hit is not None and hit[0] == fingerprint:
                with self.pages_lock:
                    self.pages.move_to_end(key)
                return hit[1]
            page = make()
            with self.pages_lock:
                self.pages[key] = (fingerprint, page)
                self.pages.move_to_end(key)
                while len(self.pages) > CACHED_PAGES:
                    old, _ = self.pages.popitem(last=False)
                    if not self.page_locks[old].locked():
                        del self.page_locks[old]
            return page

    def refresh(self) -> None:
        """Re-validate after a change and wake every browser waiting for news."""
        ws, diags = open_workspace(self.root, self.brief, check_templates=check_template_overrides)
        self.errors = _errors(diags, ws.root)
        self.skip = frozenset({ws.root / ws.config.output_dir})
        with self.pages_lock:  # a save within the file system's clock tick keeps the old stamps
            self.pages.clear()
        with self.changed:
            self.version += 1
            self.changed.notify_all()
        if self.errors:
            log.warning("content has errors; the preview shows them:\n%s", "\n".join(self.errors))
        else:
            log.info("reloaded (version %d)", self.version)

    def wait_for_change(self, seen: int, timeout: float) -> int:
        with self.changed:
            self.changed.wait_for(lambda: self.version != seen, timeout=timeout)
            return self.version

    def audiences(self) -> list[tuple[str, str]]:
        ws, _ = open_workspace(self.root, self.brief, check_templates=check_template_overrides)
        brief = default_brief(ws, self.brief)
        return [(name, p.label) for name, p in audiences_for(ws, brief).items()]

    def page(self, audience: str) -> str:
        """The screen preview of one audience's brief (or the error list), rendered once per state of the files."""
        return self.cached(("audience", audience), lambda: self._page(audience))

    def _page(self, audience: str) -> str:
        ws, diags = open_workspace(self.root, self.brief, check_templates=check_template_overrides)
        if diags.has_errors():  # as the files are now, not as the watcher last saw them
            return self.error_page(_errors(diags, ws.root))
        brief = default_brief(ws, self.brief)
        profiles = audiences_for(ws, brief)
        if audience not in profiles:
            raise _unknown_audience(audience, list(profiles))
        try:
            page = render_html(document_for(ws, brief, profiles[audience], drafts=True), load_style(ws.root))
        except ContentError as exc:  # a template or style that only rendering finds wrong, at its line
            return self.error_page(_errors(exc.diagnostics, exc.root))
        bar = (
            f'<nav class="preview-bar"><a href="/">All audiences</a>'
            f'<a href="/pdf/{html.escape(audience)}">PDF</a>'
            f"<span>Preview of {html.escape(brief.id)} for {html.escape(profiles[audience].label)} "
            f"(drafts included)</span></nav>"
        )
        return page.replace("</head>", _PAGE_CSS + "</head>", 1).replace("</body>", bar + _RELOAD_SCRIPT + "</body>", 1)

    def error_page(self, errors: list[str] | None = None) -> str:
        items = "\n".join(html.escape(line) for line in (self.errors if errors is None else errors))
        return _wrap(
            "Content errors",
            f"<h1>The brief has errors</h1><p>Fix them and save; this page "
            f'reloads by itself.</p><pre class="preview-errors">{items}</pre>',
        )

    def pdf(self, audience: str) -> bytes:
        try:
            rendered = render_all(
                self.root,
                BuildOptions(
                    brief=self.brief, audiences=(audience,), formats=("pdf",), drafts=True, force=True, jobs=1
                ),
            )
        except UsageError:
            known = [name for name, _label in self.audiences()]
            if audience not in known:
                raise _unknown_audience(audience, known) from None
            raise
        return rendered.outputs[0].data


def _errors(diags, root: Path | None) -> list[str]:
    return [d.format(root) for d in diags.sorted() if d.severity.value == "error"]


def _wrap(title: str, body: str) -> str:
    return (
        f"<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'><title>{html.escape(title)}</title>"
        f"{_PAGE_CSS}</head><body class='screen'><main>{body}</main>{_RELOAD_SCRIPT}</body></html>"
    )


def index_page(state: PreviewState) -> str:
    """Links to every audience's preview and PDF (or the error list), rendered once per state of the files."""
    return state.cached(("index",), lambda: _index(state))


def _index(state: PreviewState) -> str:
    ws, diags = open_workspace(state.root, state.brief, check_templates=check_template_overrides)
    if diags.has_errors():
        return state.error_page(_errors(diags, ws.root))
    brief = default_brief(ws, state.brief)
    audiences = [(name, p.label) for name, p in audiences_for(ws, brief).items()]
    links = "".join(
        f'<li><a href="/audience/{name}">{html.escape(label)}</a> ({name}) · <a href="/pdf/{name}">PDF</a></li>'
        for name, label in audiences
    )
    options = "".join(f'<option value="{name}">{html.escape(label)}</option>' for name, label in audiences)
    compare = (
        f'<form action="/compare"><label for="left">Left</label> <select id="left" name="left">{options}</select> '
        f'<label for="right">Right</label> <select id="right" name="right">{options}</select> '
        "<button>Side by side</button></form>"
    )
    return _wrap("briefgen preview", f"<h1>Preview</h1><ul>{links}</ul><h2>Compare two audiences</h2>{compare}")


def compare_query(query: str, known: list[str]) -> tuple[str, str]:
    """The two audiences of `/compare?left=A&right=B`, or BadRequest (400) saying what to ask for."""
    usage = f"Ask for /compare?left=AUDIENCE&right=AUDIENCE, with audiences of this brief: {', '.join(known)}."
    try:
        fields = parse_qs(query, strict_parsing=bool(query), keep_blank_values=True, errors="strict")
    except (ValueError, UnicodeDecodeError):
        raise BadRequest(HTTPStatus.BAD_REQUEST, f"The query is malformed. {usage}") from None
    chosen = []
    for side in ("left", "right"):
        values = fields.get(side, [])
        if len(values) != 1 or not values[0]:
            raise BadRequest(HTTPStatus.BAD_REQUEST, f"The query needs one '{side}' audience. {usage}")
        if values[0] not in known:
            raise BadRequest(HTTPStatus.BAD_REQUEST, f"There is no audience named '{values[0]}' ({side}). {usage}")
        chosen.append(values[0])
    return chosen[0], chosen[1]


def compare_page(left: str, right: str) -> str:
    """Two audiences' previews side by side; each frame titled by its audience, as screen readers announce it."""
    frame = "<iframe src='/audience/{0}' title='The {0} audience' style='width:49%;height:95vh;border:0'></iframe>"
    heading = f"Compare {html.escape(left)} and {html.escape(right)}"
    hidden = "position:absolute;width:1px;height:1px;overflow:hidden;clip-path:inset(50%);white-space:nowrap"
    return (
        f"<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'><title>{heading}</title></head>"
        f"<body style='margin:0'><main><h1 style='{hidden}'>{heading}</h1>"
        f"{frame.format(html.escape(left))}{frame.format(html.escape(right))}</main></body></html>"
    )


class PreviewHandler(BaseHTTPRequestHandler):
    """One request to the preview; `make_handler` makes the subclass that knows the workspace's state."""

    state: ClassVar[PreviewState]  # set by `make_handler` on a subclass

    def log_message(self, format: str, *args) -> None:  # noqa: A002 (http.server's name)
        log.debug(format, *args)

    def send(
        self, body: bytes, content_type: str, status: HTTPStatus = HTTPStatus.OK, allow: str | None = None
    ) -> None:
        """Answer with `body`: the headers every answer carries, and the body unless the request is HEAD."""
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        self.guard_headers(content_type)
        if allow:
            self.send_header("Allow", allow)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def guard_headers(self, content_type: str) -> None:
        """What every answer tells the browser: no sniffing, no referrer, no use by other sites."""
        for name, value in COMMON_HEADERS:
            self.send_header(name, value)
        if content_type.startswith("text/html"):
            self.send_header("Content-Security-Policy", PAGE_POLICY)

    def parse_request(self) -> bool:
        """http.server's reading of the request, then whether it may be answered: 421 or 403 if not."""
        if not super().parse_request():
            return False
        server = cast(PreviewHTTPServer, self.server)
        given, port = server.preview_host, server.server_address[1]
        refusal, status = misdirected(self.headers, given, port), HTTPStatus.MISDIRECTED_REQUEST
        if refusal is None and needs_same_origin(self.command, self.path):
            refusal, status = cross_site(self.headers, given, port), HTTPStatus.FORBIDDEN
        if refusal is None:
            return True
        self.drain()
        self.send(refusal.encode(), "text/plain; charset=utf-8", status)
        return False

    def drain(self) -> None:
        """Read a small body and close after answering: closing on unread data could lose the answer."""
        self.close_connection = True
        try:
            length = int(self.headers.get("Content-Length") or 0)
        except ValueError:
            length = 0
        if 0 < length <= 1 << 20:
            self.rfile.read(length)

    def fail(self, status: HTTPStatus, message: str, allow: str | None = None) -> None:
        """Every 4xx answer: a short page saying what is wrong and what to ask for."""
        title = f"{status.value} {status.phrase}"
        page = _wrap(title, f"<h1>{html.escape(title)}</h1><p>{html.escape(message)}</p>")
        self.send(page.encode(), HTML_TYPE, status, allow)

    def __getattr__(self, name: str) -> Callable[[], None]:
        if name.startswith("do_"):  # any method but GET (http.server would answer 501)
            return self.not_allowed
        raise AttributeError(name)

    def not_allowed(self) -> None:
        self.drain()
        message = f"The preview answers GET requests only, not {self.command}."
        self.fail(HTTPStatus.METHOD_NOT_ALLOWED, message, allow="GET")

    def target(self) -> tuple[str, list[str]]:
        """The request's query and its path's segments, decoded; BadRequest (400) if they cannot be."""
        url = urlparse(self.path)
        if not url.path.startswith("/"):
            raise BadRequest(HTTPStatus.BAD_REQUEST, f"Ask for a path that starts with '/', not {self.path!r}.")
        try:
            return url.query, [unquote(p, errors="strict") for p in url.path.split("/") if p]
        except UnicodeDecodeError:
            raise BadRequest(HTTPStatus.BAD_REQUEST, "The address is not UTF-8 text once decoded.") from None

    def do_GET(self) -> None:  # noqa: N802 (http.server's name)
        try:
            query, parts = self.target()
            if not parts:
                self.send(index_page(self.state).encode(), HTML_TYPE)
            elif parts == ["events"]:
                self.events()
            elif parts[0] == "audience" and len(parts) == 2:
                self.send(self.state.page(parts[1]).encode(), HTML_TYPE)
            elif parts[0] == "pdf" and len(parts) == 2:
                self.send(self.state.pdf(parts[1]), PDF_TYPE)
            elif parts == ["compare"]:
                left, right = compare_query(query, [name for name, _label in self.state.audiences()])
                self.send(compare_page(left, right).encode(), HTML_TYPE)
            else:
                message = "Nothing is at this address; the index at / links to every page of the preview."
                raise BadRequest(HTTPStatus.NOT_FOUND, message)
        except BadRequest as exc:  # the request's problem
            self.fail(exc.status, exc.message)
        except ContentError as exc:  # the files' problem, shown as every page shows it until a save fixes it
            self.send(self.state.error_page(_errors(exc.diagnostics, exc.root)).encode(), HTML_TYPE)
        except BriefgenError as exc:  # the workspace or brief cannot be read as it is now (moved, deleted)
            self.send(self.state.error_page([exc.message]).encode(), HTML_TYPE)
        except (BrokenPipeError, ConnectionResetError):  # the browser went away
            return
        except Exception as exc:  # a bug in briefgen: an answer, not an empty reply; the details in the log
            log.exception("could not answer %s", self.path)
            problem = "".join(traceback.format_exception_only(exc)).strip()
            page = _wrap(
                "Internal error",
                "<h1>briefgen hit an internal error</h1><p>This is a bug in briefgen; please report it with "
                f'the traceback printed in the terminal.</p><pre class="preview-errors">{html.escape(problem)}'
                "</pre>",
            )
            try:
                self.send(page.encode(), HTML_TYPE, HTTPStatus.INTERNAL_SERVER_ERROR)
            except OSError:
                return

    def events(self) -> None:
        """The event stream a page listens to: the files' version now, then on every change, until it goes."""
        self.send_response(HTTPStatus.OK)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Cache-Control", "no-store")
        self.guard_headers("text/event-stream")
        self.end_headers()
        seen = -1
        try:
            while True:
                version = self.state.wait_for_change(seen, timeout=15)
                message = f"data: {version}\n\n" if version != seen else ": keep-alive\n\n"
                self.wfile.write(message.encode())
                self.wfile.flush()
                if seen == -1:  # the page knows the version now: a later save reloads it
                    with self.state.changed:
                        self.state.subscriptions += 1
                seen = version
        except (BrokenPipeError, ConnectionResetError):
            return


def make_handler(state: PreviewState) -> type[BaseHTTPRequestHandler]:
    """A request handler class for http.server, answering from `state`."""

    class Handler(PreviewHandler):
        pass

    Handler.state = state
    return Handler


def watch(state: PreviewState, stop: threading.Event) -> None:
    """Refresh the preview whenever a content, template or style file changes."""
    from watchfiles import watch as watch_files

    from briefgen.content.loader import load_workspace
    from briefgen.diagnostics import Diagnostics

    output_dir = (state.root / load_workspace(state.root, Diagnostics()).config.output_dir).resolve()
    style_folders = [state.root / name for name in STYLE_FOLDERS]

    def relevant(_change, path: str) -> bool:
        p = Path(path)
        if output_dir in p.resolve().parents or ".venv" in p.parts:
            return False
        return p.suffix in WATCHED_SUFFIXES or any(p.is_relative_to(folder) for folder in style_folders)

    for _changes in watch_files(state.root, watch_filter=relevant, stop_event=stop, debounce=150, step=50):
        try:
            state.refresh()
        except Exception:  # a broken save must never stop the preview
            log.exception("could not reload")


def open_in_browser(url: str) -> bool:
    """Open `url` in the user's web browser (`serve --open`); False when this machine has none.

    Called once the server is listening, so the browser's first request is answered.
    """
    import webbrowser

    try:
        return webbrowser.open(url, new=2)
    except webbrowser.Error:
        return False


class PreviewHTTPServer(ThreadingHTTPServer):
    """One thread per request, and a listen backlog that holds a team's browsers (the default is 5)."""

    request_queue_size = LISTEN_BACKLOG
    daemon_threads = True

    def __init__(self, address: tuple[str, int], handler: type[BaseHTTPRequestHandler]):
        super().__init__(address, handler)
        self.preview_host = address[0]  # as given (--host): a Host header may name it


class PreviewServer:
    """The HTTP server and the file watcher, started together and stopped together."""

    def __init__(self, root: Path, brief: str | None = None, host: str = "127.0.0.1", port: int = 8000):
        self.state = PreviewState(root.resolve(), brief)
        self.state.refresh()
        try:
            self.httpd = PreviewHTTPServer((host, port), make_handler(self.state))
        except OSError as exc:
            if exc.errno == errno.EADDRINUSE:
                raise UsageError(
                    f"port {port} on {host} is already in use (another preview, or another program); "
                    f"stop it or choose another port, for example --port {port + 1}"
                ) from None
            if exc.errno in (errno.EADDRNOTAVAIL, errno.EACCES):
                raise UsageError(
                    f"cannot listen on {host}:{port} ({exc.strerror}); choose another --host or a --port above 1024"
                ) from None
            raise
        self.stop_event = threading.Event()
        self.threads = [
            threading.Thread(target=self.httpd.serve_forever, daemon=True),
            threading.Thread(target=watch, args=(self.state, self.stop_event), daemon=True),
        ]

    @property
    def url(self) -> str:
        host, port = self.httpd.server_address[:2]
        return f"http://{host!s}:{port}/"

    def start(self) -> PreviewServer:
        for thread in self.threads:
            thread.start()
        time.sleep(0.2)  # let the watcher register before edits start
        return self

    def stop(self) -> None:
        self.stop_event.set()
        self.httpd.shutdown()
        self.httpd.server_close()
