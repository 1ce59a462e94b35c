"""Reading outputs as a reader (or their software) would: PDF text, Word paragraphs and notes."""

from __future__ import annotations

import re
import shutil
import zipfile
from pathlib import Path

import docx
from pypdf import PdfReader

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def pdf_pages(path: Path) -> list[str]:
    return [page.extract_text() or "" for page in PdfReader(str(path)).pages]


def libreoffice_pdf(docx_path: Path, out_dir: Path) -> Path:
    """The Word file laid out by LibreOffice, a second reader of the DOCX, as a PDF in `out_dir`."""
    return libreoffice_convert(docx_path, out_dir, "pdf", ".pdf")


def libreoffice_convert(docx_path: Path, out_dir: Path, target: str, suffix: str) -> Path:
    """`docx_path` opened and saved again by LibreOffice as `target` (a filter such as pdf) into `out_dir`."""
    import subprocess

    subprocess.run(
        [
            "soffice",
            "--headless",
            f"-env:UserInstallation=file://{out_dir}/lo",
            "--convert-to",
            target,
            "--outdir",
            str(out_dir),
            str(docx_path),
        ],
        check=True,
        capture_output=True,
        timeout=180,
    )
    return out_dir / docx_path.with_suffix(suffix).name


def pdf_text(path: Path) -> str:
    return "\n".join(pdf_pages(path))


def squash(text: str) -> str:
    """Whitespace folded, so line breaks in extracted text do not matter."""
    return re.sub(r"\s+", " ", text).strip()


def docx_notes(path: Path, part: str = "footnotes") -> list[str]:
    """The text of every real (non-separator) footnote or endnote in a .docx."""
    from lxml import etree

    with zipfile.ZipFile(path) as archive:
        if f"word/{part}.xml" not in archive.namelist():
            return []
        root = etree.fromstring(archive.read(f"word/{part}.xml"))
    tag = part[:-1]
    notes = []
    for note in root.findall(f"{W}{tag}"):
        if note.get(f"{W}type") in ("separator", "continuationSeparator"):
            continue
        notes.append("".join(t.text or "" for t in note.iter(f"{W}t")).strip())
    return notes


def docx_reference_count(path: Path, kind: str = "footnoteReference") -> int:
    with zipfile.ZipFile(path) as archive:
        return archive.read("word/document.xml").decode("utf-8").count(f"<w:{kind} ")


def docx_paragraphs(path: Path) -> list[tuple[str, str]]:
    """(style name, text) of every body paragraph, tables excluded."""
    document = docx.Document(str(path))
    return [(p.style.name, p.text) for p in document.paragraphs]


CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMEDRIVER = shutil.which("chromedriver")


def chromium_options(*extra: str):
    """Headless Chromium's options for chromedriver (Debian's chromium and chromium-driver), plus `extra` flags."""
    from selenium import webdriver

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
        *extra,
    ):
        options.add_argument(flag)
    return options
