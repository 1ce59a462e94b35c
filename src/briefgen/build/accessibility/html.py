"""WCAG 2.2 AA for the HTML outputs: axe-core in headless Chromium, and what Python can check alone.

axe-core (Deque's engine, the one behind browsers' accessibility tools, bundled by
axe-playwright-python) needs a browser to compute contrast, names and landmarks: it runs where
Playwright and a Chromium are installed (`pip install 'briefgen[accessibility]'` and Debian's
`chromium`, or `playwright install chromium`). The page is opened from its file with every
request that would leave the machine refused. Without a browser the checks that need none still
run: the page's language and title, a text alternative on each image, each part's language tag.
"""

from __future__ import annotations

import functools
import os
import shutil
from collections.abc import Iterator
from pathlib import Path

from lxml import html as lxml_html

from briefgen.build.accessibility.findings import Finding
from briefgen.content.language import is_language_tag

RULES = {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]}
SERIOUS = {"serious", "critical"}
_WHERE = """(selector) => {
  const element = document.querySelector(selector);
  const block = element && element.closest('[data-block]');
  const words = element ? element.textContent.trim().slice(0, 300) : '';
  const address = element ? element.getAttribute('href') || element.getAttribute('src') || '' : '';
  return [block ? block.dataset.block : null, words || address];
}"""


@functools.cache
def chromium() -> str | None:
    """The Chromium a check can drive: Playwright's own, or the system's."""
    try:
        from playwright.sync_api import sync_playwright  # noqa: PLC0415
    except ImportError:
        return None
    with sync_playwright() as playwright:
        bundled = playwright.chromium.executable_path
    if bundled and Path(bundled).is_file():
        return bundled
    return shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")


def axe_available() -> str | None:
    """Why axe-core cannot run here, or None when it can."""
    try:
        import axe_playwright_python  # noqa: F401, PLC0415
    except ImportError:
        return "Playwright and axe-core are not installed: pip install 'briefgen[accessibility]'"
    if chromium() is None:
        return "no Chromium was found: install Debian's chromium, or run 'playwright install chromium'"
    return None


def check_html_pages(paths: list[Path], with_axe: bool) -> dict[Path, list[Finding]]:
    """Every rule each page breaks: axe-core's when `with_axe`, otherwise those that need no browser."""
    if with_axe and paths:
        return _axe(paths)  # axe-core checks all the Python checks would, and more
    return {path: list(_static(path)) for path in paths}


def _static(path: Path) -> Iterator[Finding]:
    try:
        root = lxml_html.fromstring(path.read_bytes())
    except (OSError, ValueError) as exc:
        yield Finding("HTML", f"cannot be read as HTML ({exc})")
        return
    if not is_language_tag(root.get("lang", "")):
        yield Finding("WCAG 3.1.1", f"does not name its language (<html lang> is {root.get('lang', '')!r})")
    if not (root.findtext(".//title") or "").strip():
        yield Finding("WCAG 2.4.2", "has no title")
    for element in root.iter():
        if not isinstance(element.tag, str):
            continue
        block = next((e.get("data-block") for e in element.iterancestors() if e.get("data-block")), None)
        if element.tag == "img" and element.get("alt") is None and element.get("aria-hidden") != "true":
            yield Finding(
                "WCAG 1.1.1", f"a picture ({element.get('src', '')[:40]}) without alternative text", None, block
            )
        lang = element.get("lang")
        if lang is not None and element.tag != "html" and not is_language_tag(lang):
            yield Finding(
                "WCAG 3.1.2", f"a language tag that is not one: {lang!r}", None, block, element.text_content()
            )


def _axe(paths: list[Path]) -> dict[Path, list[Finding]]:
    from axe_playwright_python.sync_playwright import Axe  # noqa: PLC0415
    from playwright.sync_api import sync_playwright  # noqa: PLC0415

    found: dict[Path, list[Finding]] = {}
    executable = chromium()
    root_user = hasattr(os, "geteuid") and os.geteuid() == 0  # Chromium's sandbox will not start as root
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=["--no-sandbox"] if root_user else [])
        try:
            for path in paths:
                page = browser.new_page()
                # a brief is self-contained: nothing it asks for may leave the machine
                page.route("**/*", lambda route: route.continue_() if _local(route.request.url) else route.abort())
                try:
                    page.goto(path.resolve().as_uri())
                    violations = Axe().run(page, options={"runOnly": RULES}).response["violations"]
                    found[path] = [finding for v in violations for finding in _findings(page, v)]
                finally:
                    page.close()
        finally:
            browser.close()
    return found


def _local(url: str) -> bool:
    return url.startswith(("file:", "data:", "about:"))


def _findings(page, violation: dict) -> Iterator[Finding]:
    """One finding per element axe-core names (the first five), each with its block and words."""
    serious = violation.get("impact") in SERIOUS
    rule = f"axe-core {violation['id']}"
    for node in violation.get("nodes", [])[:5]:
        target = node.get("target", [""])[-1]
        selector = target if isinstance(target, str) else ""
        block, text = page.evaluate(_WHERE, selector) if selector else (None, "")
        message = f"{violation['help']} ({violation.get('impact')}): {selector}"
        yield Finding(rule, message, None, block, text, serious)
