"""`briefgen serve --site`: the site as it will be published, from its folder, on a local port.

The same guard as the preview's (`serve_guard`): only requests addressed to a local name and
the server's port are answered (421 otherwise), so another web page cannot read the site
through DNS rebinding. Only GET and HEAD; nothing outside the site's folder is served.
"""

from __future__ import annotations

import functools
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from briefgen.commands.serve_guard import misdirected


class _SiteHandler(SimpleHTTPRequestHandler):
    host = "127.0.0.1"

    def send_head(self):  # type: ignore[no-untyped-def]  # GET and HEAD both come here
        refused = misdirected(self.headers, self.host, self.server.server_address[1])
        if refused:
            self.send_error(421, refused)
            return None
        return super().send_head()

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002  (the base class's name)
        """Quiet: a static site's requests are not news."""


class SiteServer:
    """A static server of one folder, started on its own thread; `url` once started."""

    def __init__(self, folder: Path, host: str = "127.0.0.1", port: int = 8000):
        handler = type("Handler", (_SiteHandler,), {"host": host})
        self.httpd = ThreadingHTTPServer((host, port), functools.partial(handler, directory=str(folder)))
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        shown = f"[{host}]" if ":" in host else host
        self.url = f"http://{shown}:{self.httpd.server_address[1]}/"

    def start(self) -> SiteServer:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
