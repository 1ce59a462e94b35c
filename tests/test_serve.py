"""Live preview in a real browser: a save shows up without a manual reload; a broken save shows errors."""

import shutil
import time
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
        time.sleep(0.5)  # the page has subscribed to change events
        block = minimal / "briefs/demo/blocks/history.yaml"
        original = block.read_text()
        block.write_text(original.replace("Long history of the", "Freshly edited history of the"), encoding="utf-8")
        wait.until(lambda d: "Freshly edited history" in d.find_element("tag name", "body").text)

        block.write_text("section: context\ntitle: [broken\n", encoding="utf-8")
        wait.until(lambda d: "The brief has errors" in d.find_element("tag name", "body").text)
        body = driver.find_element("tag name", "body").text
        assert "briefs/demo/blocks/history.yaml:3:1: error: YAML syntax error" in body

        block.write_text(original, encoding="utf-8")
        wait.until(lambda d: "Long history" in d.find_element("tag name", "body").text)
    finally:
        driver.quit()


def test_a_bad_address_does_not_break_the_preview(server: PreviewServer):
    import urllib.error

    with pytest.raises(urllib.error.HTTPError) as failure:
        fetch(server.url + "pdf/nobody")
    assert failure.value.code == 400
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
