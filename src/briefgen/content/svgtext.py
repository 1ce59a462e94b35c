"""Right-to-left text in SVG figures, put in the order the PDF engine must draw it.

WeasyPrint draws an SVG `<text>` one character at a time, from left to right in the order the
characters are stored, without the bidi algorithm or Arabic joining: Arabic and Hebrew labels
come out with their words in left-to-right order and their letters reversed and apart. Browsers,
Word and resvg (which draws Word's PNG) order the text themselves and get the SVG as it is; the
PDF gets a copy (`print_copy`) in which each chunk of text holding right-to-left letters is
already in visual order: ordered by the Unicode bidi algorithm (FriBidi, the library Pango orders
HTML text with), in the chunk's `direction` (ltr unless the SVG says rtl, as in a browser), with
mirrored brackets and Arabic letters in their joined presentation forms. Each reordered chunk is
wrapped in a left-to-right override (U+202D ... U+202C), so an engine that does order SVG text
does not reverse it a second time.

A chunk is the text from one absolutely positioned element (`<text>`, or a `<tspan>` with x or y)
to the next; styled `<tspan>`s inside it are cut where the order splits them, each piece keeping
its style. Text placed character by character (several x, y, dx, dy or rotate values), text on a
path and positioned tspans nested in other tspans are left as they are.
"""

from __future__ import annotations

import io
import re
from typing import Any

from briefgen.content.bidi import has_rtl, visual_order

_SVG = "{http://www.w3.org/2000/svg}"
_SPACE = "{http://www.w3.org/XML/1998/namespace}space"
_INLINE = (f"{_SVG}tspan", f"{_SVG}a")
_PLACED = ("x", "y")
_PER_CHARACTER = ("x", "y", "dx", "dy", "rotate")
_OVERRIDE, _POP = "\u202d", "\u202c"  # LRO ... PDF
_FILLER = "\ufeff"  # where FriBidi's lam-alef ligature took the alef
_DIRECTION = re.compile(r"(?:^|;)\s*direction\s*:\s*(ltr|rtl)\b", re.IGNORECASE)
_ANCHOR = re.compile(r"(?:^|;)\s*text-anchor\s*:\s*(start|middle|end)\b", re.IGNORECASE)


def print_copy(svg: bytes) -> bytes | None:
    """The SVG with its right-to-left text in visual order, for the PDF; None when nothing needs it."""
    from lxml import etree

    if not has_rtl(svg.decode("utf-8", "replace")) or visual_order("", False) is None:
        return None  # nothing right to left, or no FriBidi to order it: the PDF shows the SVG as it is
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)
    root = etree.parse(io.BytesIO(svg), parser).getroot()
    changed = False
    for text in list(root.iter(f"{_SVG}text")):
        if _orderable(text):
            changed |= _order_text(text)
    return etree.tostring(root, xml_declaration=True, encoding="utf-8") if changed else None


_SWAPPED = {"start": "end", "end": "start", "middle": "middle"}


def left_to_right(svg: bytes) -> bytes:
    """The SVG with every right-to-left `direction` turned into the left-to-right equivalent.

    `direction="rtl"` makes `text-anchor: start` the right end of the text. Browsers and WeasyPrint
    follow it; LibreOffice, Word's resvg fallback and other SVG readers ignore it and run the label
    off the other side. Each text element (and positioned tspan) under rtl gets its anchor swapped
    (start and end) and `direction="ltr"`: the same picture in a reader that follows `direction`,
    and the right one in a reader that does not. The letters still run right to left, as every
    reader orders a right-to-left script by itself.
    """
    from lxml import etree

    if b"rtl" not in svg.lower():
        return svg
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)
    root = etree.parse(io.BytesIO(svg), parser).getroot()
    turned = [  # read before any is changed: tspans inherit their text's direction
        (element, _anchor(element))
        for element in root.iter(f"{_SVG}text", f"{_SVG}tspan")
        if _rtl(element) and (element.tag == f"{_SVG}text" or _own_anchor(element) is not None)
    ]
    for element, anchor in turned:
        style = _ANCHOR.sub("", _DIRECTION.sub("", element.get("style") or "")).strip("; ")
        if style:
            element.set("style", style)
        elif element.get("style") is not None:
            del element.attrib["style"]
        element.set("text-anchor", _SWAPPED[anchor])
        element.set("direction", "ltr")
    return etree.tostring(root, xml_declaration=True, encoding="utf-8") if turned else svg


def _own_anchor(element: Any) -> str | None:
    """The `text-anchor` the element itself sets (attribute or style), if any."""
    match = _ANCHOR.search(element.get("style") or "")
    return (match.group(1) if match else element.get("text-anchor") or "").lower() or None


def _orderable(text: Any) -> bool:
    """Text this module can reorder: tspans and links only, placed (and shifted) as whole chunks."""
    for element in text.iterdescendants():
        if not isinstance(element.tag, str):
            continue  # a comment
        if element.tag not in _INLINE:
            return False  # textPath, tref, anything else
        if any(element.get(name) is not None for name in _PLACED):
            if element.getparent() is not text:
                return False  # a positioned tspan inside another tspan
        elif any(element.get(name) is not None for name in ("dx", "dy", "rotate")):
            return False  # a shift or turn in the middle of a chunk, which reordering would move
    for element in (text, *text.iterdescendants()):
        if isinstance(element.tag, str) and any(_values(element.get(name)) > 1 for name in _PER_CHARACTER):
            return False
    return True


def _values(value: str | None) -> int:
    """How many numbers a list attribute (x="10 20 30") holds."""
    return len((value or "").replace(",", " ").split())


def _inherited(element: Any, read) -> Any:
    """The first value `read` finds on `element` or its ancestors."""
    while element is not None:
        value = read(element)
        if value is not None:
            return value
        element = element.getparent()
    return None


def _preserve(element: Any) -> bool:
    return _inherited(element, lambda e: e.get(_SPACE)) == "preserve"


def _rtl(element: Any) -> bool:
    """Whether the element's `direction` (attribute or style, inherited) is rtl; ltr by default, as in SVG."""

    def read(e: Any) -> str | None:
        match = _DIRECTION.search(e.get("style") or "")
        return (match.group(1) if match else e.get("direction") or "").lower() or None

    return _inherited(element, read) == "rtl"


def _collapse(string: str, preserve: bool) -> str:
    """White space as WeasyPrint's SVG text treats it (svg/__init__.py, process_whitespace)."""
    if preserve:
        return re.sub("[\n\r\t]", " ", string)
    return re.sub(" +", " ", re.sub("[\n\r]", "", string).replace("\t", " "))


def _pieces(element: Any, owner_of_tail: Any) -> list[tuple[Any, str, Any]]:
    """(holder, 'text' or 'tail', the element whose style the characters take) of an inline element, in order."""
    found = [(element, "text", element)]
    for child in element:
        if isinstance(child.tag, str):
            found += _pieces(child, element)
        else:
            found.append((child, "tail", element))
    found.append((element, "tail", owner_of_tail))
    return found


# A chunk: its parent, where its text starts (element, "text" or "tail"), the parent's inline children
# in it, and its pieces of text (holder, slot, the element whose style they take), in order.
_Chunk = tuple[Any, tuple[Any, str], list[Any], list[tuple[Any, str, Any]]]


def _order_text(text: Any) -> bool:
    """Reorder every chunk of one `<text>` that holds right-to-left letters; whether any was."""
    chunks = _chunks(text)
    strings = _collapsed(chunks)  # white space first, so that it does not move when the text is reordered
    # Read before anything changes: a positioned tspan inherits its direction from the <text>.
    rtl = {id(parent): _rtl(parent) for parent, *_rest in chunks}
    anchors = {id(parent): _anchor(parent) for parent, *_rest in chunks}
    texts = [
        (chunk, [(char, owner) for holder, slot, owner in chunk[3] for char in strings[(id(holder), slot)]])
        for chunk in chunks
    ]
    if not any(has_rtl("".join(char for char, _owner in characters)) for _chunk, characters in texts):
        return False
    for (parent, start, inline, pieces), characters in texts:
        logical = "".join(char for char, _owner in characters)
        if not logical.strip(" ") or not (rtl[id(parent)] or has_rtl(logical)):
            continue
        visual = _visual(logical, characters, rtl[id(parent)])
        if visual is None:
            return False  # FriBidi failed (it does not, on text it was given before)
        _rebuild(parent, start, inline, pieces, visual)
    # Drawn left to right now: an rtl chunk would have its brackets mirrored a second time, and its
    # anchor is turned to the side that means the same.
    for parent, *_rest in chunks:
        if rtl[id(parent)]:
            _set(parent, "direction", "ltr")
            _set(parent, "text-anchor", {"start": "end", "end": "start"}.get(anchors[id(parent)], "middle"))
    return True


def _chunks(text: Any) -> list[_Chunk]:
    """The chunks of one `<text>`, in order: cut at each positioned tspan, which is a chunk of its own."""
    chunks: list[_Chunk] = []
    current: _Chunk = (text, (text, "text"), [], [(text, "text", text)])
    chunks.append(current)
    for child in text:
        if isinstance(child.tag, str) and any(child.get(name) is not None for name in _PLACED):
            pieces = [(child, "text", child)]
            inline = []
            for grandchild in child:
                if isinstance(grandchild.tag, str):
                    pieces += _pieces(grandchild, child)
                    inline.append(grandchild)
                else:
                    pieces.append((grandchild, "tail", child))
            chunks.append((child, (child, "text"), inline, pieces))
            current = (text, (child, "tail"), [], [(child, "tail", text)])
            chunks.append(current)
        elif isinstance(child.tag, str):
            current[2].append(child)
            current[3].extend(_pieces(child, text))
        else:
            current[3].append((child, "tail", text))
    return chunks


def _collapsed(chunks: list[_Chunk]) -> dict[tuple[int, str], str]:
    """Every piece's text with white space as WeasyPrint will treat it, so that it does not move when reordered."""
    strings: dict[tuple[int, str], str] = {}
    flat = [piece for chunk in chunks for piece in chunk[3]]
    trailing = True
    last = len(flat) - 1 if len(flat) == 1 or flat[-1][1] == "tail" else None
    for index, (holder, slot, owner) in enumerate(flat):
        preserve = _preserve(owner)
        string = _collapse(getattr(holder, slot) or "", preserve)
        if trailing and not preserve:
            string = string.lstrip(" ")
        if index == last and not preserve:
            string = string.rstrip(" ")
        if string:
            trailing = string.endswith(" ")
        strings[(id(holder), slot)] = string
    return strings


def _visual(logical: str, characters: list[tuple[str, Any]], rtl: bool) -> list[tuple[str, Any]] | None:
    """A chunk's characters (each with its owner) in visual order, spaces at either end kept; None if FriBidi fails."""
    core_start = len(logical) - len(logical.lstrip(" "))
    core_end = len(logical.rstrip(" "))
    ordered = visual_order(logical[core_start:core_end], rtl)
    if ordered is None:
        return None
    shown, positions = ordered
    visual = [
        (char, characters[core_start + position][1])
        for char, position in zip(shown, positions, strict=True)
        if not (char == _FILLER and logical[core_start + position] != _FILLER)
    ]
    return characters[:core_start] + visual + characters[core_end:]


def _anchor(element: Any) -> str:
    """The element's `text-anchor` (attribute or style, inherited): start, middle or end."""
    return _inherited(element, _own_anchor) or "start"


def _set(element: Any, name: str, value: str) -> None:
    """A presentation attribute set on the element, and taken out of its style attribute, where it would win."""
    element.set(name, value)
    style = element.get("style")
    if style is not None:
        kept = [d for d in style.split(";") if d.strip() and d.split(":", 1)[0].strip().lower() != name]
        if kept:
            element.set("style", ";".join(kept))
        else:
            del element.attrib["style"]


def _rebuild(
    parent: Any,
    start: tuple[Any, str],
    inline: list[Any],
    pieces: list[tuple[Any, str, Any]],
    visual: list[tuple[str, Any]],
) -> None:
    """Write a chunk back in visual order: the parent's own characters from its start, the others in new tspans."""
    from lxml import etree

    runs: list[tuple[Any, str]] = []
    for char, owner in visual:
        if runs and runs[-1][0] is owner:
            runs[-1] = (owner, runs[-1][1] + char)
        else:
            runs.append((owner, char))
    runs[0] = (runs[0][0], _OVERRIDE + runs[0][1])
    runs[-1] = (runs[-1][0], runs[-1][1] + _POP)
    styles = {id(owner): _merged(owner, parent) for owner, _run in runs if owner is not parent}
    holder, slot = start
    anchor = holder if slot == "tail" else None  # the new tspans go after it, or first in the parent
    for piece_holder, piece_slot, _owner in pieces:  # comments between stay, without the text around them
        setattr(piece_holder, piece_slot, None)
    for child in inline:
        parent.remove(child)
    position = parent.index(anchor) + 1 if anchor is not None else 0
    for owner, run in runs:
        if owner is parent:
            setattr(holder, slot, (getattr(holder, slot) or "") + run)
            continue
        span = etree.Element(f"{_SVG}tspan", styles[id(owner)])
        span.text = run
        parent.insert(position, span)
        position += 1
        holder, slot = span, "tail"


def _merged(owner: Any, parent: Any) -> dict[str, str]:
    """The attributes of `owner` and of the tspans between it and `parent`, the nearer winning; no ids."""
    chain = []
    element = owner
    while element is not None and element is not parent:
        chain.append(element)
        element = element.getparent()
    attributes: dict[str, str] = {}
    style = []
    for element in reversed(chain):
        for name, value in element.attrib.items():
            if name == "style":
                style.append(value.strip().rstrip(";"))
            elif name not in ("id", "direction", "href", "{http://www.w3.org/1999/xlink}href"):
                attributes[name] = value
    if style:
        attributes["style"] = "; ".join(s for s in style if s)
    return attributes
