"""Live preview in a real browser: a save shows up without a manual reload; a broken save shows errors."""

import shutil
import urllib.request
from pathlib import Path

import pytest

from briefgen.serve import PreviewServer

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMEDRIVER = shutil.which("chromedriver")


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


@pytest.mark.skipif(not (CHROMIUM and CHROMEDRIVER), reason="needs Debian's chromium and chromium-driver")
def test_browser_reloads_on_save_and_shows_errors(server: PreviewServer, minimal: Path):
    pytest.importorskip("selenium")
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service
    from selenium.webdriver.support.ui import WebDriverWait

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        "--disable-quic",
    ):
        options.add_argument(flag)
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

    from briefgen.serve import PreviewHTTPServer, PreviewState, make_handler

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
