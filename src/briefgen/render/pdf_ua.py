"""What WeasyPrint's finished PDF still needs for PDF/UA-1, done in one pass over it with pikepdf.

WeasyPrint (70) tags its PDFs from its boxes; what its tagging leaves for later:

- **Page furniture.** It tags what it draws in margin boxes (the running title, the marking
  banner, "Page N of M") but links those structure elements to nothing: artifacts inside the
  structure tree need PDF 2.0, its maintainers write (WeasyPrint issue #1836). `render/pdf_tags`
  leaves out of the tree, in the same way, what the HTML hides from assistive technology
  (`aria-hidden="true"`: the DRAFT watermark). Content that no element of the structure tree
  reaches becomes an `/Artifact` of type Pagination, and its slot in the parent tree is emptied
  (PDF/UA-1 7.1 and 7.8: content is either tagged and reachable, or an artifact).
- **List bodies.** A list item holds its label (`Lbl`) and its paragraphs directly; PDF/UA-1 7.6
  wants the paragraphs inside an `LBody`.
- **Notes and IDs.** `render/pdf_tags` tags footnotes and endnotes `Note`; each needs an `ID`,
  unique in the document (PDF/UA-1 7.9), and every ID (WeasyPrint's header cells have them too)
  belongs in the structure tree root's `IDTree`, which WeasyPrint does not write.
- **Header cells' scope.** A `TH` says whether it heads a column or a row (`/Scope`, PDF/UA-1 7.5).
"""

from __future__ import annotations

import io

import pikepdf

_PAGINATION = pikepdf.Dictionary(Type=pikepdf.Name.Pagination)


def finish(data: bytes) -> bytes:
    """The PDF `data` with furniture as artifacts, list bodies, header scopes and IDs; unchanged if none is needed."""
    with pikepdf.open(io.BytesIO(data)) as pdf:
        tree = pdf.Root.get("/StructTreeRoot")
        if tree is None:
            return data
        changed = _mark_artifacts(pdf, tree)
        elements = list(_elements(tree))
        changed = _wrap_list_bodies(pdf, elements) or changed
        changed = _scope_header_cells(elements) or changed
        changed = _number_notes(pdf, tree, elements) or changed
        if not changed:
            return data
        out = io.BytesIO()
        pdf.save(out, deterministic_id=True, fix_metadata_version=False)
    return out.getvalue()


def _kids(node) -> list:
    kids = node.get("/K")
    if kids is None:
        return []
    return list(kids) if isinstance(kids, pikepdf.Array) else [kids]


def _is_element(node) -> bool:
    return isinstance(node, pikepdf.Dictionary) and "/S" in node


def _elements(tree):
    """Every structure element a reader walking down from the root meets, in reading order."""
    seen: set[tuple[int, int]] = set()
    stack = list(reversed(_kids(tree)))
    while stack:
        node = stack.pop()
        if not _is_element(node) or node.objgen in seen:
            continue
        seen.add(node.objgen)
        yield node
        stack.extend(reversed(_kids(node)))


# ---------------------------------------------------------------- page furniture


def _mark_artifacts(pdf, tree) -> bool:
    orphans = _orphans(tree, {element.objgen for element in _elements(tree)})
    for number, page in enumerate(pdf.pages):
        if orphans.get(number):
            _rewrite(pdf, page.obj, orphans[number], set())
    return bool(orphans)


def _orphans(tree, reachable: set[tuple[int, int]]) -> dict[int, set[int]]:
    """Per page (its StructParents key), the MCIDs whose structure element the root does not reach;
    their parent-tree slots are emptied on the way."""
    numbers = tree.ParentTree.get("/Nums", pikepdf.Array())
    orphans: dict[int, set[int]] = {}
    for index in range(0, len(numbers) - 1, 2):
        elements = numbers[index + 1]
        if not isinstance(elements, pikepdf.Array):
            continue  # an annotation's single element
        for mcid, element in enumerate(elements):
            if isinstance(element, pikepdf.Dictionary) and element.objgen not in reachable:
                orphans.setdefault(int(numbers[index]), set()).add(mcid)
                elements[mcid] = None
    return orphans


def _rewrite(pdf, holder, mcids: set[int], done: set[tuple[int, int]]) -> None:
    """Each `BDC` with one of `mcids` in `holder`'s content (a page, or a form it draws) made an artifact."""
    if holder.objgen in done:
        return
    done.add(holder.objgen)
    operations = pikepdf.parse_content_stream(holder)
    changed = False
    for position, instruction in enumerate(operations):
        operands = instruction.operands
        if str(instruction.operator) != "BDC" or len(operands) != 2 or not isinstance(operands[1], pikepdf.Dictionary):
            continue
        mcid = operands[1].get("/MCID")
        if mcid is not None and int(mcid) in mcids:
            operations[position] = pikepdf.ContentStreamInstruction(
                [pikepdf.Name.Artifact, _PAGINATION], pikepdf.Operator("BDC")
            )
            changed = True
    if changed:
        content = pikepdf.unparse_content_stream(operations)
        if holder.get("/Type") == "/Page":
            holder.Contents = pdf.make_stream(content)
        else:
            holder.write(content)
    for form in (holder.get("/Resources", {}).get("/XObject", {}) or {}).values():
        if form.get("/Subtype") == "/Form":
            _rewrite(pdf, form, mcids, done)


# ---------------------------------------------------------------- lists and notes


def _wrap_list_bodies(pdf, elements: list) -> bool:
    """The paragraphs of each list item that holds them beside its label, moved into an `LBody`."""
    changed = False
    for item in elements:
        if item.S != pikepdf.Name.LI:
            continue
        kids = _kids(item)
        roles = [str(kid.S) if _is_element(kid) else "" for kid in kids]
        if "/LBody" in roles or "" in roles or roles.count("/Lbl") == len(roles):
            continue  # already right; or content held directly, which moving would orphan
        body = pdf.make_indirect(
            pikepdf.Dictionary(Type=pikepdf.Name.StructElem, S=pikepdf.Name.LBody, P=item, K=pikepdf.Array())
        )
        if "/Pg" in item:
            body.Pg = item.Pg
        for kid in kids:
            if kid.S != pikepdf.Name.Lbl:
                kid.P = body
                body.K.append(kid)
        item.K = pikepdf.Array([kid for kid in kids if kid.S == pikepdf.Name.Lbl] + [body])
        changed = True
    return changed


def _number_notes(pdf, tree, elements: list) -> bool:
    """An `ID` for each `Note` ("note-1", "note-2"... in reading order), and the root's `IDTree`
    listing every element with an ID (the notes, and the header cells WeasyPrint gives IDs to)."""
    for number, note in enumerate((e for e in elements if e.S == pikepdf.Name.Note), start=1):
        note.ID = pikepdf.String(f"note-{number}")
    named = [element for element in elements if "/ID" in element]
    if not named:
        return False
    ids = pikepdf.NameTree.new(pdf)
    for element in named:
        ids[str(element.ID)] = element
    tree.IDTree = ids.obj
    return True


def _scope_header_cells(elements: list) -> bool:
    """Each header cell says what it heads: its column in a table's head, its row elsewhere (PDF/UA-1 7.5)."""
    changed = False
    for cell in elements:
        if cell.S != pikepdf.Name.TH:
            continue
        row = cell.get("/P")
        in_head = row is not None and row.get("/P") is not None and row.P.get("/S") == pikepdf.Name.THead
        attributes = cell.get("/A")
        if not isinstance(attributes, pikepdf.Dictionary):
            attributes = pikepdf.Dictionary(O=pikepdf.Name.Table)
            cell.A = attributes
        if "/Scope" not in attributes:
            attributes.Scope = pikepdf.Name.Column if in_head else pikepdf.Name.Row
            changed = True
    return changed
