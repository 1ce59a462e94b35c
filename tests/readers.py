"""Reading outputs as a reader (or their software) would: PDF text, Word paragraphs and notes."""

from __future__ import annotations

import re
import shutil
import zipfile
from dataclasses import dataclass
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


@dataclass(frozen=True)
class StructElem:
    """One element of a tagged PDF's structure tree, as a screen reader walks it."""

    role: str  # "/P", "/Span", "/Note"...
    lang: str  # its own /Lang, "" when it inherits one
    text: str  # the words of its marked content and of every element below it, in order
    attributes: dict
    kids: tuple[str, ...] = ()  # the roles of the elements directly below it
    id: str = ""  # its /ID


def pdf_structure(path: Path) -> list[StructElem]:
    """Every structure element of a tagged PDF, in the tree's reading order, with its words.

    Words come from the marked content each element names by MCID, decoded by pypdf's own text
    extraction on each page: an independent reading of what WeasyPrint tagged.
    """
    reader = PdfReader(str(path))
    texts: dict[tuple[int, int], list[str]] = {}
    for number, page in enumerate(reader.pages):
        stack: list[int | None] = []

        def before(op, args, _cm, _tm, stack=stack):
            if op in (b"BDC", b"BMC"):
                props = args[1] if op == b"BDC" and len(args) > 1 else None
                mcid = props.get("/MCID") if hasattr(props, "get") else None
                stack.append(mcid if mcid is not None else (stack[-1] if stack else None))
            elif op == b"EMC" and stack:
                stack.pop()

        def text(value, *_args, stack=stack, number=number):
            if stack and stack[-1] is not None and value:
                texts.setdefault((number, stack[-1]), []).append(value)

        page.extract_text(visitor_operand_before=before, visitor_text=text)
    pages = {page.indirect_reference.idnum: n for n, page in enumerate(reader.pages)}
    out: list[StructElem] = []

    def walk(node, page: int | None) -> str:
        node = node.get_object()
        if isinstance(node, int):
            return "".join(texts.get((page, node), []))
        if not hasattr(node, "get"):
            return ""
        if node.get("/Type") == "/MCR":
            mcr_page = pages.get(node.raw_get("/Pg").idnum, page) if "/Pg" in node else page
            return "".join(texts.get((mcr_page, int(node["/MCID"])), []))
        if "/S" not in node:
            return ""
        if "/Pg" in node:
            page = pages.get(node.raw_get("/Pg").idnum, page)
        index = len(out)
        out.append(StructElem(str(node["/S"]), "", "", {}))
        kids = node.get("/K")
        words = "".join(walk(k, page) for k in (kids if isinstance(kids, list) else [kids]) if k is not None)
        attributes = node.get("/A")
        below = [k.get_object() for k in (kids if isinstance(kids, list) else [kids]) if k is not None]
        out[index] = StructElem(
            str(node["/S"]),
            str(node.get("/Lang", "")),
            words,
            dict(attributes.get_object()) if hasattr(attributes, "get_object") and attributes is not None else {},
            tuple(str(k["/S"]) for k in below if hasattr(k, "get") and "/S" in k),
            str(node.get("/ID", "")),
        )
        return words

    root = reader.trailer["/Root"]["/StructTreeRoot"]
    kids = root.get("/K")
    for kid in kids if isinstance(kids, list) else [kids]:
        walk(kid, None)
    return out


def pdf_marked_content(path: Path) -> list[dict[str, list[str]]]:
    """Per page, the words of each kind of marked content as drawn: by MCID ("12") and "artifact".

    Read with pypdf's own text extraction, tracking BDC/BMC/EMC: what a screen reader is given as
    content (an MCID a structure element names) and what it is told to skip (an artifact).
    """
    reader = PdfReader(str(path))
    pages: list[dict[str, list[str]]] = []
    for page in reader.pages:
        found: dict[str, list[str]] = {}
        stack: list[str | None] = []

        def before(op, args, _cm, _tm, stack=stack, found=found):
            if op in (b"BDC", b"BMC"):
                props = args[1] if op == b"BDC" and len(args) > 1 else None
                mcid = props.get("/MCID") if hasattr(props, "get") else None
                if str(args[0]) == "/Artifact":
                    stack.append("artifact")
                elif mcid is not None:
                    stack.append(str(mcid))
                    found.setdefault(str(mcid), [])
                else:
                    stack.append(stack[-1] if stack else None)
            elif op == b"EMC" and stack:
                stack.pop()

        def text(value, *_args, stack=stack, found=found):
            if stack and stack[-1] is not None and value:
                found.setdefault(stack[-1], []).append(value)

        page.extract_text(visitor_operand_before=before, visitor_text=text)
        pages.append(found)
    return pages


def pdf_reachable_mcids(path: Path) -> list[set[str]]:
    """Per page, the MCIDs that the structure elements reachable from the structure root name."""
    reader = PdfReader(str(path))
    pages = {page.indirect_reference.idnum: n for n, page in enumerate(reader.pages)}
    found: list[set[str]] = [set() for _ in reader.pages]

    def walk(node, page: int | None) -> None:
        node = node.get_object()
        if isinstance(node, int):
            if page is not None:
                found[page].add(str(int(node)))
            return
        if not hasattr(node, "get"):
            return
        if "/Pg" in node:
            page = pages.get(node.raw_get("/Pg").idnum, page)
        if node.get("/Type") == "/MCR":
            found[page].add(str(int(node["/MCID"])))  # type: ignore[index]
            return
        if "/S" not in node:
            return
        kids = node.get("/K")
        for kid in kids if isinstance(kids, list) else [kids]:
            if kid is not None:
                walk(kid, page)

    kids = reader.trailer["/Root"]["/StructTreeRoot"].get("/K")  # type: ignore[union-attr]
    for kid in kids if isinstance(kids, list) else [kids]:
        walk(kid, None)
    return found
