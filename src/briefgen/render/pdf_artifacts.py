"""Page furniture as artifacts: what a screen reader skips in the PDF, and nothing else.

WeasyPrint tags everything it draws in margin boxes (the running title, the marking banner,
"Page N of M") but links those structure elements to nothing: artifacts inside the structure
tree need PDF 2.0, its maintainers write (WeasyPrint issue #1836). PDF/UA-1 then finds tagged
content that no structure element reaches (Matterhorn 01-005). `render/pdf_tags` leaves out of
the tree what the HTML hides from assistive technology (`aria-hidden="true"`: the DRAFT
watermark) in the same way. `mark_artifacts` turns all such content into what it is, page
furniture: each marked-content sequence that no element of the structure tree reaches becomes
`/Artifact <</Type /Pagination>>`, and its slot in the parent tree is emptied. One rule: content
is either reachable from the structure root or an artifact.
"""

from __future__ import annotations

import io

import pikepdf

_PAGINATION = pikepdf.Dictionary(Type=pikepdf.Name.Pagination)


def mark_artifacts(data: bytes) -> bytes:
    """The PDF `data` with content no structure element reaches marked as an artifact; unchanged if there is none."""
    with pikepdf.open(io.BytesIO(data)) as pdf:
        tree = pdf.Root.get("/StructTreeRoot")
        if tree is None:
            return data
        orphans = _orphans(tree)
        if not orphans:
            return data
        for number, page in enumerate(pdf.pages):
            if orphans.get(number):
                _rewrite(pdf, page.obj, orphans[number], set())
        out = io.BytesIO()
        pdf.save(out, deterministic_id=True, fix_metadata_version=False)
    return out.getvalue()


def _reachable(tree) -> set[tuple[int, int]]:
    """The structure elements a reader walking down from the root meets."""
    seen: set[tuple[int, int]] = set()
    stack = [tree.get("/K")]
    while stack:
        node = stack.pop()
        if isinstance(node, pikepdf.Array):
            stack.extend(node)
        elif isinstance(node, pikepdf.Dictionary) and "/S" in node and node.objgen not in seen:
            seen.add(node.objgen)
            stack.append(node.get("/K"))
    return seen


def _orphans(tree) -> dict[int, set[int]]:
    """Per page (its StructParents key), the MCIDs whose structure element the root does not reach;
    their parent-tree slots are emptied on the way."""
    reachable = _reachable(tree)
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
