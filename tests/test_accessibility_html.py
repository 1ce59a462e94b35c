"""HTML a reader with a screen reader can use: axe-core finds nothing in what briefgen writes or serves.

axe-core (Deque's engine, the one browsers' accessibility tools run; bundled by
axe-playwright-python) runs in headless Chromium (Debian's, driven by Playwright) on every HTML
output of the default brief and of the fixture workspaces, and on every page `serve` answers.
The rules asked are WCAG 2.0, 2.1 and 2.2 at levels A and AA and axe's best practices (landmarks,
one main heading...); a violation of any impact fails, so moderate ones do not pile up unseen.
"""

from __future__ import annotations

import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from readers import CHROMIUM

from briefgen.commands.serve import PreviewServer

RULES = {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]}
WORKSPACES = ["minimal", "language", "bidi", "figures", "in-text", "trust"]

pytestmark = pytest.mark.skipif(not CHROMIUM, reason="needs Debian's chromium (scripts/system-deps.sh --test)")


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    from playwright.sync_api import sync_playwright  # noqa: PLC0415

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        yield chromium
        chromium.close()


def violations(browser, url: str) -> list[str]:
    """What axe-core finds on the page at `url`: one line per rule broken, with where."""
    from axe_playwright_python.sync_playwright import Axe  # noqa: PLC0415

    page = browser.new_page()
    # The preview reloads itself when a file changes (an EventSource): a reload while axe runs would
    # end the page under it, so the page here listens to nothing.
    page.add_init_script("window.EventSource = class { constructor() {} addEventListener() {} close() {} };")
    try:
        page.goto(url)
        found = Axe().run(page, options={"runOnly": RULES}).response["violations"]
    finally:
        page.close()
    return [f"{v['impact']} {v['id']}: {v['help']} at {[n['target'] for n in v['nodes']][:3]}" for v in found]


@pytest.fixture
def fixture_pages(fixture_build) -> dict[str, Path]:
    """Every HTML output of every fixture workspace, by `<workspace>/<brief>/<file>`."""
    pages = {}
    for name in WORKSPACES:
        out = fixture_build(name).out
        pages.update({f"{name}/{page.relative_to(out)}": page for page in sorted(out.glob("*/*.html"))})
    return pages


@pytest.mark.slow
def test_every_html_output_of_the_default_brief_passes_axe(browser, default_build: Path):
    pages = sorted(default_build.glob("*.html"))
    assert len(pages) == 3
    assert {page.name: violations(browser, page.as_uri()) for page in pages} == {page.name: [] for page in pages}


@pytest.mark.slow
def test_every_html_output_of_every_fixture_passes_axe(browser, fixture_pages: dict[str, Path]):
    assert len(fixture_pages) >= 2 * len(WORKSPACES)
    found = {name: violations(browser, page.as_uri()) for name, page in fixture_pages.items()}
    assert found == {name: [] for name in found}


@pytest.fixture
def server(minimal: Path) -> Iterator[PreviewServer]:
    preview = PreviewServer(minimal, port=0).start()
    yield preview
    preview.stop()


@pytest.mark.slow
def test_every_page_the_preview_serves_passes_axe(browser, server: PreviewServer, minimal: Path):
    pages = ["", "audience/reader", "compare?left=boss&right=public"]
    found = {page: violations(browser, server.url + page) for page in pages}
    assert found == {page: [] for page in pages}
    # and the page the preview shows while the brief has errors
    block = minimal / "briefs" / "demo" / "blocks" / "history.yaml"
    block.write_text(block.read_text().replace("section: context", "section: nowhere"))
    with urllib.request.urlopen(server.url, timeout=30) as response:
        assert "errors" in response.read().decode()
    assert violations(browser, server.url) == []
