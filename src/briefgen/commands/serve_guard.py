"""Who the preview answers, and the headers every answer carries.

`briefgen serve` shows drafts on a local port without authentication. A page of another site can
still reach it: through DNS rebinding (its own name made to point at 127.0.0.1, so the browser
lets it read the answers) or by making the browser ask for a PDF, which starts a render. So the
preview answers only requests addressed to it by a local name and its port (421 otherwise), and
takes requests that cost or change something (a PDF, the reload stream, any method but GET) only
from its own pages (403 otherwise). Its pages run no script but the live reload's, by their
Content-Security-Policy, and cannot be framed by another site.
"""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Iterable
from email.message import Message
from urllib.parse import unquote, urlparse

from briefgen.content.yamlsrc import shorten

LOCAL_NAMES = ("127.0.0.1", "localhost", "[::1]")
WILDCARDS = ("", "0.0.0.0", "::", "[::]")
SAME_ORIGIN_FETCHES = ("same-origin", "none")  # `none`: the user typed the address or opened a bookmark


def _bracketed(host: str) -> str:
    """A host name as it stands before `:port` in a Host header: IPv6 addresses in brackets."""
    return f"[{host}]" if ":" in host and not host.startswith("[") else host


def allowed_hosts(given: str, port: int) -> frozenset[str]:
    """The Host headers the preview answers: a local name or the `--host` given, with the server's port."""
    names = {*LOCAL_NAMES, _bracketed(given.lower())} - set(WILDCARDS)
    hosts = {f"{name}:{port}" for name in names}
    return frozenset(hosts | names if port == 80 else hosts)  # a browser leaves out port 80


def home(given: str, port: int) -> str:
    """The address to open the preview at, for messages."""
    name = "127.0.0.1" if given.lower() in WILDCARDS else _bracketed(given)
    return f"http://{name}:{port}/"


def misdirected(headers: Message, given: str, port: int) -> str | None:
    """Why a request whose Host header names another site (or none, or several) is refused; None if it may pass."""
    hosts = headers.get_all("Host") or []
    if len(hosts) == 1 and hosts[0].strip().lower() in allowed_hosts(given, port):
        return None
    asked = f"'{shorten(hosts[0], 60)}'" if len(hosts) == 1 else "no single host"
    return (
        f"This preview answers only requests addressed to it on this computer, not to {asked}. "
        f"Open {home(given, port)} in your browser.\n"
    )


def needs_same_origin(method: str, target: str) -> bool:
    """Whether a request costs or changes something: a PDF render, the reload stream, any method but GET.

    The address is decoded as the preview reads it, so `/%70df/boss` is a PDF too.
    """
    segments = [unquote(part) for part in urlparse(target).path.split("/") if part]
    return method != "GET" or segments[:1] in (["pdf"], ["events"])


def cross_site(headers: Message, given: str, port: int) -> str | None:
    """Why a request made by another site's page is refused; None if it came from the preview or the user.

    `Origin` and `Sec-Fetch-Site`, which browsers set and pages cannot, must say the same origin when
    present; a request without either (curl, an old browser) passes.
    """
    host = (headers.get("Host") or "").strip().lower()
    origin = headers.get("Origin")
    fetch_site = headers.get("Sec-Fetch-Site")
    if origin is not None and origin.strip().lower() not in (f"http://{host}", f"http://{host.removesuffix(':80')}"):
        source = f"'{shorten(origin, 60)}'"
    elif fetch_site is not None and fetch_site.strip().lower() not in SAME_ORIGIN_FETCHES:
        source = f"a {shorten(fetch_site, 20)} page"
    else:
        return None
    return (
        f"This request came from another site ({source}), and only the preview's own pages may ask for a PDF, "
        f"the reload stream or a change. Open {home(given, port)} and use its links.\n"
    )


def script_hash(script: str) -> str:
    """A CSP source that allows exactly this inline script's text."""
    digest = base64.b64encode(hashlib.sha256(script.encode()).digest()).decode("ascii")
    return f"'sha256-{digest}'"


def page_policy(scripts: Iterable[str]) -> str:
    """The Content-Security-Policy of the preview's HTML pages.

    Pictures and fonts are embedded as data, styles are inline, and the only script is the live
    reload (allowed by its hash), whose event stream is this server. Nothing else loads or runs,
    whatever a workspace template writes, and only the preview itself may frame a page.
    """
    return "; ".join(
        (
            "default-src 'none'",
            "script-src " + " ".join(script_hash(s) for s in scripts),
            "connect-src 'self'",
            "style-src 'unsafe-inline'",
            "img-src data:",
            "font-src data:",
            "frame-src 'self'",
            "frame-ancestors 'self'",
            "base-uri 'none'",
            "form-action 'self'",
        )
    )


COMMON_HEADERS = (
    ("X-Content-Type-Options", "nosniff"),
    ("Referrer-Policy", "no-referrer"),
    ("Cross-Origin-Resource-Policy", "same-origin"),
    ("X-Frame-Options", "SAMEORIGIN"),
)
