"""The PDF/UA-1 rules a program can check, read from a finished PDF with pikepdf.

Written from the Matterhorn protocol (the PDF Association's list of PDF/UA-1 failure conditions;
its number is in each finding). veraPDF, the full validator, is on none of the package registries
briefgen installs from, so these are the machine-checkable conditions that apply to what briefgen
writes: the document's flags and metadata, every piece of content tagged and reachable or an
artifact, headings, figures, tables, lists, notes, links and fonts. Conditions that need a human
(is the alternative text right, is the reading order the logical one) are left to the writer.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pikepdf

from briefgen.build.accessibility.findings import Finding
from briefgen.content.language import is_language_tag

_PAINTING = {"Tj", "TJ", "'", '"', "f", "F", "f*", "S", "s", "B", "B*", "b", "b*", "Do", "sh", "BI"}
_LIST_ITEM_KIDS = {"/Lbl", "/LBody"}
_XMP_TITLE = "{http://purl.org/dc/elements/1.1/}title"
_XMP_UA = "{http://www.aiim.org/pdfua/ns/id/}part"
_EMPTY = pikepdf.Dictionary()


def check_pdf(path: Path) -> list[Finding]:
    """Every Matterhorn failure condition found in the PDF at `path`, in page order."""
    try:
        pdf = pikepdf.open(path)
    except (pikepdf.PdfError, OSError) as exc:
        return [Finding("PDF", f"cannot be read as a PDF ({exc})")]
    with pdf:
        found = list(_document(pdf))
        tree = pdf.Root.get("/StructTreeRoot")
        if not isinstance(tree, pikepdf.Dictionary):
            return [*found, Finding("PDF/UA-1 7.1", "has no structure tree: it is not a tagged PDF")]
        elements = list(_walk(tree, pdf))
        found += _content(pdf, elements)
        found += _headings(elements)
        found += _elements(elements)
        found += _links(pdf)
        found += _fonts(pdf)
    return found


def _document(pdf: pikepdf.Pdf) -> Iterator[Finding]:
    root = pdf.Root
    if not bool(root.get("/MarkInfo", _EMPTY).get("/Marked", False)):
        yield Finding("PDF/UA-1 7.1", "is not marked as tagged (/MarkInfo /Marked true)")
    lang = str(root.get("/Lang", ""))
    if not is_language_tag(lang):
        yield Finding("PDF/UA-1 7.2", f"does not name its language (/Lang is {lang!r})")
    if not bool(root.get("/ViewerPreferences", _EMPTY).get("/DisplayDocTitle", False)):
        yield Finding("Matterhorn 07-001", "does not ask viewers to show its title (DisplayDocTitle)")
    metadata = pdf.open_metadata()
    if not str(metadata.get(_XMP_TITLE, "")).strip():
        yield Finding("Matterhorn 06-003", "has no title in its metadata (dc:title)")
    if str(metadata.get(_XMP_UA, "")) != "1":
        yield Finding("Matterhorn 06-002", "does not say it is PDF/UA-1 (pdfuaid:part)")


class _Element:
    """One structure element: its role, the page it is on, the marked content it names."""

    def __init__(self, node: pikepdf.Dictionary, page: int | None, block: str | None) -> None:
        self.node = node
        self.role = str(node.get("/S"))
        self.page = page
        self.block = block  # the block it is in: the title (/T) of the Art element around it
        self.mcids: list[tuple[int | None, int]] = []
        self.kids: list[str] = []


def _walk(tree: pikepdf.Dictionary, pdf: pikepdf.Pdf) -> Iterator[_Element]:
    """Every element below the root, in reading order, each with the MCIDs it names directly."""
    pages = {page.obj.objgen: number for number, page in enumerate(pdf.pages, start=1)}
    seen: set[tuple[int, int]] = set()

    def down(node, page: int | None, block: str | None) -> Iterator[_Element]:
        if node.objgen != (0, 0):
            if node.objgen in seen:  # a tree that loops back on itself
                return
            seen.add(node.objgen)
        if "/Pg" in node:
            page = pages.get(node.Pg.objgen, page)
        if node.get("/S") == "/Art" and "/T" in node:
            block = str(node.T)
        element = _Element(node, page, block)
        yield element
        kids = node.get("/K")
        for kid in kids if isinstance(kids, pikepdf.Array) else [] if kids is None else [kids]:
            if isinstance(kid, int):
                element.mcids.append((page, int(kid)))
            elif isinstance(kid, pikepdf.Dictionary) and kid.get("/Type") == "/MCR":
                on = pages.get(kid.Pg.objgen, page) if "/Pg" in kid else page
                element.mcids.append((on, int(kid.MCID)))
            elif isinstance(kid, pikepdf.Dictionary) and "/S" in kid:
                element.kids.append(str(kid.S))
                yield from down(kid, page, block)

    kids = tree.get("/K")
    for kid in kids if isinstance(kids, pikepdf.Array) else [] if kids is None else [kids]:
        if isinstance(kid, pikepdf.Dictionary):
            yield from down(kid, None, None)


def _content(pdf: pikepdf.Pdf, elements: list[_Element]) -> Iterator[Finding]:
    """01-005 and 01-004: every mark on a page is an artifact or content the structure tree reaches."""
    reached = {mcid for element in elements for mcid in element.mcids}
    for number, page in enumerate(pdf.pages, start=1):
        stack: list[str] = []  # "artifact", an MCID, or "" for other marked content
        unmarked = unreached = nested = 0
        for instruction in pikepdf.parse_content_stream(page):
            operands: Any = getattr(instruction, "operands", ())
            op = str(instruction.operator)
            if op in ("BDC", "BMC"):
                tag = str(operands[0])
                properties = operands[1] if op == "BDC" and len(operands) > 1 else None
                mcid = properties.get("/MCID") if isinstance(properties, pikepdf.Dictionary) else None
                if tag == "/Artifact":
                    stack.append("artifact")
                elif mcid is not None:
                    nested += "artifact" in stack
                    stack.append(str(int(mcid)))
                    unreached += (number, int(mcid)) not in reached
                else:
                    stack.append(stack[-1] if stack else "")
            elif op == "EMC":
                if stack:
                    stack.pop()
            elif op in _PAINTING and not any(stack):
                unmarked += 1
        if unmarked:
            yield Finding(
                "Matterhorn 01-005",
                f"{_count(unmarked, 'mark')} drawn neither as tagged content nor as an artifact",
                number,
            )
        if unreached:
            yield Finding(
                "Matterhorn 01-005",
                f"{_count(unreached, 'piece')} of tagged content that no structure element reaches",
                number,
            )
        if nested:
            yield Finding(
                "Matterhorn 01-004", f"{_count(nested, 'piece')} of tagged content inside an artifact", number
            )


def _count(count: int, word: str) -> str:
    return f"{count} {word}{'s' * (count != 1)}"


def _headings(elements: list[_Element]) -> Iterator[Finding]:
    """PDF/UA-1 7.4.2: numbered headings start at H1 and never skip a level going down."""
    previous = 0
    for element in elements:
        if len(element.role) == 3 and element.role.startswith("/H") and element.role[2].isdigit():
            level = int(element.role[2])
            if previous == 0 and level != 1:
                yield Finding("PDF/UA-1 7.4.2", f"the first heading is {element.role[1:]}, not H1", element.page)
            elif level > previous + 1 and previous:
                yield Finding("PDF/UA-1 7.4.2", f"a heading goes from H{previous} to {element.role[1:]}", element.page)
            previous = level


def _elements(elements: list[_Element]) -> Iterator[Finding]:
    """Figures, tables, lists, notes and languages, element by element."""
    ids: dict[str, int] = {}
    for element in elements:
        node, role, page = element.node, element.role, element.page
        if role in ("/Figure", "/Formula") and not str(node.get("/Alt", node.get("/ActualText", ""))).strip():
            yield Finding("Matterhorn 13-004", f"a {role[1:].lower()} without alternative text", page, element.block)
        if role == "/TH" and _attribute(node, "/Scope") is None and _attribute(node, "/Headers") is None:
            yield Finding("Matterhorn 15-003", "a header cell that does not say what it heads (/Scope)", page)
        if role == "/L" and set(element.kids) - {"/LI", "/Caption", "/L"}:
            yield Finding("PDF/UA-1 7.6", f"a list holding {_roles(element.kids)}, not list items", page)
        if role == "/LI" and (set(element.kids) - _LIST_ITEM_KIDS or "/LBody" not in element.kids):
            yield Finding("PDF/UA-1 7.6", f"a list item holding {_roles(element.kids)}, not Lbl and LBody", page)
        if role == "/Note" and not str(node.get("/ID", "")):
            yield Finding("Matterhorn 19-003", "a note without an ID", page)
        if "/ID" in node:
            name = str(node.ID)
            if name in ids:
                yield Finding("Matterhorn 19-004", f"two structure elements have the ID {name!r}", page)
            ids[name] = page or 0
        if "/Lang" in node and not is_language_tag(str(node.Lang)):
            message = f"a language tag that is not one: {str(node.Lang)!r}"
            yield Finding("PDF/UA-1 7.2", message, page, element.block)


def _attribute(node: pikepdf.Dictionary, name: str) -> object | None:
    attributes = node.get("/A")
    for entry in attributes if isinstance(attributes, pikepdf.Array) else [attributes]:
        if isinstance(entry, pikepdf.Dictionary) and name in entry:
            return entry[name]
    return None


def _roles(roles: list[str]) -> str:
    return ", ".join(sorted({role[1:] for role in roles})) or "nothing"


def _links(pdf: pikepdf.Pdf) -> Iterator[Finding]:
    """Links described, tagged and printed (28-011, 28-012); a page with links tabs in structure order (28-009)."""
    for number, page in enumerate(pdf.pages, start=1):
        annotations = [a for a in page.obj.get("/Annots", []) if isinstance(a, pikepdf.Dictionary)]
        if annotations and str(page.obj.get("/Tabs", "")) != "/S":
            yield Finding("Matterhorn 28-009", "a page with links whose tab order is not the structure's", number)
        links = [a for a in annotations if a.get("/Subtype") == "/Link"]
        undescribed = sum(not str(a.get("/Contents", "")).strip() for a in links)
        untagged = sum("/StructParent" not in a for a in links)
        unprinted = sum(not int(a.get("/F", 0)) & 4 for a in links)
        if undescribed:
            yield Finding(
                "Matterhorn 28-012", f"{_count(undescribed, 'link')} without a description (/Contents)", number
            )
        if untagged:
            yield Finding("Matterhorn 28-011", f"{_count(untagged, 'link')} outside the structure tree", number)
        if unprinted:
            yield Finding("print flag", f"{_count(unprinted, 'link')} hidden when printed", number)


def _fonts(pdf: pikepdf.Pdf) -> Iterator[Finding]:
    """PDF/UA-1 7.21.4.1: every font the pages use is embedded (a Type 3 font draws its own glyphs)."""
    named: set[str] = set()
    for number, page in enumerate(pdf.pages, start=1):
        fonts = page.obj.get("/Resources", _EMPTY).get("/Font", _EMPTY)
        for font in fonts.values() if isinstance(fonts, pikepdf.Dictionary) else []:
            if font.get("/Subtype") == "/Type3":
                continue
            parts = list(font.get("/DescendantFonts", [])) or [font]
            descriptors = [part.get("/FontDescriptor") for part in parts]
            embedded = all(
                isinstance(d, pikepdf.Dictionary) and any(k in d for k in ("/FontFile", "/FontFile2", "/FontFile3"))
                for d in descriptors
            )
            name = str(font.get("/BaseFont", "?"))
            if not embedded and name not in named:
                named.add(name)
                yield Finding("PDF/UA-1 7.21.4.1", f"the font {name[1:]} is not embedded", number)
