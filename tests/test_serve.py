"""Live preview in a real browser: a save shows up without a manual reload; a broken save shows errors."""

import urllib.request
from pathlib import Path

import pytest
from readers import CHROMEDRIVER, CHROMIUM, chromium_options

from briefgen.commands.serve import PreviewServer


def fetch(url: str) -> str:
    with urllib.request.urlopen(url, timeout=30) as response:
        return response.read().decode()


@pytest.fixture
def server(minimal: Path):
    preview = PreviewServer(minimal, port=0).start()
    yield preview
    preview.stop()


def written(folder: Path) -> list[Path]:
    """Every file and folder but the caches (parsed Markdown, citations, fonts), which any command may fill."""
    return sorted(p.relative_to(folder) for p in folder.rglob("*") if ".briefgen-cache" not in p.parts)


def test_index_pages_and_pdf_without_writing_to_the_workspace(server: PreviewServer, minimal: Path):
    before = written(minimal)
    index = fetch(server.url)
    assert 'href="/audience/boss"' in index and "Side by side" in index
    page = fetch(server.url + "audience/reader")
    assert "Long history of the" in page and "EventSource('/events')" in page
    assert "Draft note" in page  # the preview includes drafts so editors see their work
    with urllib.request.urlopen(server.url + "pdf/boss", timeout=60) as response:
        assert response.headers["Content-Type"] == "application/pdf"
        assert response.read().startswith(b"%PDF")
    assert "iframe" in fetch(server.url + "compare?left=boss&right=public")
    assert written(minimal) == before


@pytest.mark.slow
@pytest.mark.skipif(not (CHROMIUM and CHROMEDRIVER), reason="needs Debian's chromium and chromium-driver")
def test_browser_reloads_on_save_and_shows_errors(server: PreviewServer, minimal: Path):
    pytest.importorskip("selenium")
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service
    from selenium.webdriver.support.ui import WebDriverWait

    options = chromium_options("--disable-quic")
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})  # a script or style the CSP refused
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    try:
        driver.get(server.url + "audience/reader")
        from selenium.common.exceptions import StaleElementReferenceException

        # The page reloads itself on every save: an element found just before a reload goes stale.
        wait = WebDriverWait(driver, 20, poll_frequency=0.2, ignored_exceptions=(StaleElementReferenceException,))
        wait.until(lambda d: "Long history" in d.find_element("tag name", "body").text)

        def subscribed(before: int) -> None:
            """The (re)loaded page's event stream has told it the current version: a save from now on reloads it."""
            wait.until(lambda _d: server.state.subscriptions > before)

        subscribed(0)
        block = minimal / "briefs/demo/blocks/history.yaml"
        original = block.read_text()
        seen = server.state.subscriptions
        block.write_text(original.replace("Long history of the", "Freshly edited history of the"), encoding="utf-8")
        wait.until(lambda d: "Freshly edited history" in d.find_element("tag name", "body").text)
        subscribed(seen)

        seen = server.state.subscriptions
        block.write_text("section: context\ntitle: [broken\n", encoding="utf-8")
        wait.until(lambda d: "The brief has errors" in d.find_element("tag name", "body").text)
        subscribed(seen)
        body = driver.find_element("tag name", "body").text
        assert "briefs/demo/blocks/history.yaml:2:8: error: the [ list that starts here is never closed" in body

        block.write_text(original, encoding="utf-8")
        wait.until(lambda d: "Long history" in d.find_element("tag name", "body").text)
        # The reload script and the page's styles, fonts and pictures all pass its Content-Security-Policy.
        assert [e["message"] for e in driver.get_log("browser") if "Content Security Policy" in e["message"]] == []
    finally:
        driver.quit()


def test_a_bad_address_does_not_break_the_preview(server: PreviewServer):
    import urllib.error

    with pytest.raises(urllib.error.HTTPError) as failure:
        fetch(server.url + "pdf/nobody")
    assert failure.value.code == 404  # as /audience/nobody: an address that names nothing
    assert "Long history of the" in fetch(server.url + "audience/reader")


def test_a_port_in_use_is_a_usage_error_naming_another_port(minimal: Path, monkeypatch, capsys):
    import socket

    from test_cli import run_main

    taken = socket.socket()
    taken.bind(("127.0.0.1", 0))
    taken.listen(1)
    port = taken.getsockname()[1]
    try:
        code, out, err = run_main(["-w", str(minimal), "serve", "--port", str(port)], monkeypatch, capsys)
    finally:
        taken.close()
    assert code == 2, err
    assert (
        f"port {port} on 127.0.0.1 is already in use (another preview, or another program); stop it or choose "
        f"another port, for example --port {port + 1}"
    ) in err
    assert "Traceback" not in out + err


# ---------------------------------------------------------------- status codes


@pytest.fixture
def bare_server(minimal: Path):
    """The preview's HTTP server alone (no file watcher), on a free port of 127.0.0.1, in a thread."""
    import threading
    import time

    from briefgen.commands.serve import PreviewHTTPServer, PreviewState, make_handler

    state = PreviewState(minimal.resolve(), None)
    state.refresh()
    httpd = PreviewHTTPServer(("127.0.0.1", 0), make_handler(state))
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    port = httpd.server_address[1]

    def answers() -> bool:
        try:
            return request(port, "GET", "/")[0] == 200
        except OSError:
            return False

    deadline = time.monotonic() + 30  # polled, never slept on
    while not answers():
        assert time.monotonic() < deadline, "the preview never answered"
    yield port
    httpd.shutdown()
    httpd.server_close()
    thread.join(timeout=30)


def request(port: int, method: str, path: str, body: bytes | None = None) -> tuple[int, dict[str, str], str]:
    import http.client

    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        connection.request(method, path, body=body)
        response = connection.getresponse()
        return response.status, dict(response.getheaders()), response.read().decode()
    finally:
        connection.close()


def said(page: str) -> str:
    """The one sentence an error page says."""
    import html
    import re

    found = re.search(r"<p>(.*?)</p>", page)
    return html.unescape(found.group(1)) if found else ""


AUDIENCES = "audiences of this brief: boss, reader, public."
COMPARE = f"Ask for /compare?left=AUDIENCE&right=AUDIENCE, with {AUDIENCES}"


def test_an_address_that_names_nothing_is_404(bare_server: int):
    for path in ("/audience/nobody", "/pdf/nobody"):
        status, _, page = request(bare_server, "GET", path)
        assert (status, said(page)) == (404, f"No audience named 'nobody'; {AUDIENCES}"), path
    for path in ("/nowhere", "/audience", "/audience/boss/extra", "/favicon.ico"):
        status, _, page = request(bare_server, "GET", path)
        assert status == 404, path
        assert said(page) == "Nothing is at this address; the index at / links to every page of the preview."
    assert request(bare_server, "GET", "/audience/%72eader")[0] == 200  # 'reader', percent-encoded


def test_a_malformed_request_is_400(bare_server: int):
    cases = {
        "/compare": f"The query needs one 'left' audience. {COMPARE}",
        "/compare?left=boss": f"The query needs one 'right' audience. {COMPARE}",
        "/compare?left=boss&left=reader&right=public": f"The query needs one 'left' audience. {COMPARE}",
        "/compare?left=boss&right=nobody": f"There is no audience named 'nobody' (right). {COMPARE}",
        "/compare?left": f"The query is malformed. {COMPARE}",
        "/compare?left=%FF&right=boss": f"The query is malformed. {COMPARE}",
        "/audience/%FF": "The address is not UTF-8 text once decoded.",
    }
    for path, message in cases.items():
        status, _, page = request(bare_server, "GET", path)
        assert (status, said(page)) == (400, message), path
    status, _, page = request(bare_server, "GET", "/compare?left=boss&right=public")
    assert status == 200 and "<iframe src='/audience/boss'" in page
    # A request line http.server cannot read (a space in the address) is refused by it, with the same status.
    import socket

    with socket.create_connection(("127.0.0.1", bare_server), timeout=60) as raw:
        raw.sendall(b"GET /audience/boss reader HTTP/1.1\r\n\r\n")
        assert raw.recv(64).startswith(b"HTTP/1.0 400 ")


def test_any_method_but_get_is_405(bare_server: int):
    for method in ("POST", "PUT", "DELETE", "PATCH", "OPTIONS"):
        status, headers, page = request(bare_server, method, "/audience/boss", body=b"x=1")
        assert (status, headers["Allow"]) == (405, "GET"), method
        assert said(page) == f"The preview answers GET requests only, not {method}."
    status, headers, page = request(bare_server, "HEAD", "/")
    assert (status, headers["Allow"], page) == (405, "GET", "")
    assert request(bare_server, "GET", "/")[0] == 200


def test_content_errors_are_the_error_list_on_every_page_not_a_bad_request(bare_server: int, minimal: Path):
    (minimal / "briefs/demo/blocks/history.yaml").write_text("section: context\ntitle History\n", encoding="utf-8")
    for path in ("/", "/audience/reader", "/pdf/reader"):
        status, headers, page = request(bare_server, "GET", path)
        assert (status, headers["Content-Type"]) == (200, "text/html; charset=utf-8"), path
        assert "The brief has errors" in page and "history.yaml:2:1: error: this line has no" in page, path


# ---------------------------------------------------------------- who may ask (Host, Origin) and the headers of answers


def raw_request(
    port: int, method: str, path: str, headers: list[tuple[str, str]], body: bytes | None = None
) -> tuple[int, dict[str, str], str]:
    """A request with exactly these headers: no Host header unless given, as many as given."""
    import http.client

    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        connection.putrequest(method, path, skip_host=True, skip_accept_encoding=True)
        for name, value in [*headers, *([("Content-Length", str(len(body)))] if body else [])]:
            connection.putheader(name, value)
        connection.endheaders(body)
        response = connection.getresponse()
        return response.status, dict(response.getheaders()), response.read().decode()
    finally:
        connection.close()


def test_a_request_addressed_to_another_host_is_421(bare_server: int):
    port = bare_server

    def refused(asked: str) -> str:
        return (
            f"This preview answers only requests addressed to it on this computer, not to {asked}. "
            f"Open http://127.0.0.1:{port}/ in your browser.\n"
        )

    cases = {
        (("Host", f"attacker.example:{port}"),): refused(f"'attacker.example:{port}'"),  # DNS rebinding
        (("Host", "attacker.example"),): refused("'attacker.example'"),
        (("Host", f"localhost.:{port}"),): refused(f"'localhost.:{port}'"),
        (("Host", "localhost:1"),): refused("'localhost:1'"),
        (("Host", "127.0.0.1"),): refused("'127.0.0.1'"),
        (): refused("no single host"),
        (("Host", f"127.0.0.1:{port}"), ("Host", "attacker.example")): refused("no single host"),
    }
    for headers, message in cases.items():
        for method, path in (("GET", "/"), ("GET", "/audience/reader"), ("GET", "/pdf/boss"), ("POST", "/")):
            status, answer, page = raw_request(port, method, path, list(headers), b"x=1" if method == "POST" else None)
            assert (status, answer["Content-Type"], page) == (421, "text/plain; charset=utf-8", message), headers
            assert answer["X-Content-Type-Options"] == "nosniff"
    for host in (f"127.0.0.1:{port}", f"localhost:{port}", f"LocalHost:{port}", f"[::1]:{port}"):
        status, _, page = raw_request(port, "GET", "/audience/reader", [("Host", host)])
        assert status == 200 and "Long history of the" in page, host


def test_a_pdf_a_reload_stream_or_a_change_asked_for_by_another_site_is_403(bare_server: int):
    port = bare_server
    host = ("Host", f"127.0.0.1:{port}")

    def refused(source: str) -> str:
        return (
            f"This request came from another site ({source}), and only the preview's own pages may ask for a PDF, "
            f"the reload stream or a change. Open http://127.0.0.1:{port}/ and use its links.\n"
        )

    cases = [
        ("GET", "/pdf/boss", [("Origin", "http://attacker.example")], refused("'http://attacker.example'")),
        ("GET", "/%70df/boss", [("Origin", "null")], refused("'null'")),
        ("GET", "/pdf/boss", [("Origin", f"http://localhost:{port}")], refused(f"'http://localhost:{port}'")),
        ("GET", "/pdf/boss", [("Sec-Fetch-Site", "same-site")], refused("a same-site page")),
        ("GET", "/events", [("Sec-Fetch-Site", "cross-site")], refused("a cross-site page")),
        ("POST", "/audience/boss", [("Origin", "https://attacker.example")], refused("'https://attacker.example'")),
        ("HEAD", "/pdf/boss", [("Sec-Fetch-Site", "cross-site")], ""),
    ]
    for method, path, headers, message in cases:
        body = b"x=1" if method == "POST" else None
        status, answer, page = raw_request(port, method, path, [host, *headers], body)
        assert (status, answer["Content-Type"], page) == (403, "text/plain; charset=utf-8", message), (path, headers)
    # The preview's own pages, and an address the user typed, pass (here to a 404: nothing is rendered)
    same_origin = [("Origin", f"http://127.0.0.1:{port}"), ("Sec-Fetch-Site", "same-origin")]
    assert raw_request(port, "GET", "/pdf/nobody", [host, *same_origin])[0] == 404
    assert raw_request(port, "GET", "/pdf/nobody", [host, ("Sec-Fetch-Site", "none")])[0] == 404
    assert raw_request(port, "POST", "/audience/boss", [host, *same_origin], b"x=1")[0] == 405
    # A page of another site may still link to a preview page (it cannot read it, nor frame it).
    assert raw_request(port, "GET", "/audience/reader", [host, ("Sec-Fetch-Site", "cross-site")])[0] == 200


def test_every_answer_allows_only_the_reload_script_and_no_framing_by_another_site(bare_server: int):
    import base64
    import hashlib
    import re

    host = [("Host", f"localhost:{bare_server}")]
    for path, status in (("/", 200), ("/audience/reader", 200), ("/compare?left=boss&right=public", 200), ("/x", 404)):
        code, headers, page = raw_request(bare_server, "GET", path, host)
        assert code == status, path
        assert (headers["X-Content-Type-Options"], headers["Referrer-Policy"]) == ("nosniff", "no-referrer"), path
        policy = dict(part.strip().split(" ", 1) for part in headers["Content-Security-Policy"].split(";"))
        scripts = re.findall(r"<script>(.*?)</script>", page, re.S)
        allowed = sorted(
            f"'sha256-{base64.b64encode(hashlib.sha256(s.encode()).digest()).decode()}'" for s in set(scripts)
        )
        assert policy == {
            "default-src": "'none'",
            "script-src": " ".join(allowed) if scripts else policy["script-src"],
            "connect-src": "'self'",
            "style-src": "'unsafe-inline'",
            "img-src": "data:",
            "font-src": "data:",
            "frame-src": "'self'",
            "frame-ancestors": "'self'",
            "base-uri": "'none'",
            "form-action": "'self'",
        }, path
