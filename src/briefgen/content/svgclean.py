"""Cleaning an SVG picture by allow-list: what stays is known to draw, and to do nothing else.

A picture written by a content author is opened by every reader of the brief: as a file of the
Markdown export, inside Word's package, in the PDF engine. A deny-list of dangerous things is
always one trick short (`ONCLICK`, `ev:onclick`, `<foreignobject>`, `<set attributeName="onload">`,
an unclosed `url(http://`, `image-set("...")`), so the cleaner keeps only what
`content/svgallow.py` lists: SVG elements and presentation attributes, compared in lower case and
by namespace URI. Every URL is judged after parsing: links by their value as a browser reads it
(without the white space and control characters browsers skip), CSS in `style` attributes and
`<style>` elements by tinycss2's tokens. Only same-picture `#id` references and embedded PNG or
JPEG pictures (on `<image>`) stay. Each removal is reported at its line in the SVG.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from briefgen.content.svgallow import (
    ANIMATIONS,
    ARIA_ATTRIBUTE,
    DATA_ATTRIBUTE,
    NOT_ANIMATED,
    SVG_NS,
    URL_FUNCTIONS,
    XLINK_NS,
    allowed_attribute,
    allowed_element,
    script_or_data,
)

ADVICE = "draw it into the SVG or embed it, then save the SVG again"
NO_CODE = "pictures in a brief cannot run code"
_SCRIPTS = ("script", "handler", "listener")
_EMBEDDABLE = ("data:image/png;base64,", "data:image/jpeg;base64,")
_LOADERS = ("image", "use", "feimage")  # elements whose link draws another file into the picture
# Attributes whose value is words or a name, never CSS: "Japan's share (2022)" in an aria-label is text.
_WORDS = frozenset({"role", "id", "class", "lang", "tabindex"})


def _is_words(local: str) -> bool:
    lowered = local.lower()
    return lowered in _WORDS or bool(ARIA_ATTRIBUTE.match(lowered) or DATA_ATTRIBUTE.match(lowered))


def clean_tree(root: Any, name: str, check_embedded: Callable[[str, str], None]) -> list[tuple[int, str]]:
    """Remove from the parsed SVG `root` everything not on the allow-lists; what was removed, as (line, message).

    `check_embedded(url, description)` holds an embedded picture to the rules of a picture file
    (it raises when it breaks them).
    """
    cleaner = _Cleaner(name, check_embedded)
    cleaner.instructions(root)
    stack = [root]
    while stack:
        element = stack.pop()
        if cleaner.keep(element):
            stack.extend(reversed([child for child in element if isinstance(child.tag, str)]))
    return cleaner.report()


def refers_outside(css: str) -> bool:
    """Whether CSS (a style sheet or a style or presentation attribute) may load something, parsed with tinycss2.

    True for any URL but `#id`, `@import` and `@font-face`, a `var()` or `attr()` inside a URL
    function, CSS the parser reports as broken (an unclosed `url(`), and escapes, which no
    drawing program needs and which could hide one of those from a lesser reader.
    """
    if "\\" in css:
        return True
    if "(" not in css and "@" not in css:
        return False
    import tinycss2

    return _loads(tinycss2.parse_component_value_list(css), False)


def _loads(tokens: list[Any], in_url_function: bool) -> bool:
    for token in tokens:
        kind = token.type
        if kind == "error":
            return True
        if kind == "url" or (kind == "string" and in_url_function):
            if not _same_picture(token.value):
                return True
        elif kind == "at-keyword" and token.lower_value in ("import", "font-face"):
            return True
        elif kind == "function":
            if token.lower_name == "expression" or (in_url_function and token.lower_name in ("var", "attr", "env")):
                return True  # expression(): old Internet Explorer ran its argument as script
            if token.lower_name in URL_FUNCTIONS and any(
                t.type not in ("whitespace", "string", "function", "comment") for t in token.arguments
            ):
                return True  # src(http://...), image(...) unquoted: an address read as tokens, never a #id
            if _loads(token.arguments, in_url_function or token.lower_name in URL_FUNCTIONS):
                return True
        elif kind in ("() block", "[] block", "{} block") and _loads(token.content, in_url_function):
            return True
    return False


def _same_picture(url: str) -> bool:
    """Whether a URL, read as a browser reads it, points into the same picture (`#id`)."""
    return browser_url(url).startswith("#")


def browser_url(value: str) -> str:
    """A URL as a browser reads it before parsing (WHATWG URL): without leading and trailing control
    characters and spaces, and without tabs and line breaks anywhere (`java&#9;script:` is `javascript:`)."""
    return value.strip("".join(map(chr, range(0x21)))).translate({9: None, 10: None, 13: None})


class _Cleaner:
    """One SVG being cleaned: what was removed, and attribute names removed (grouped, as editors repeat them)."""

    def __init__(self, name: str, check_embedded: Callable[[str, str], None]):
        self.name = name
        self.check_embedded = check_embedded
        self.removed: list[tuple[int, str]] = []
        self.unknown: dict[str, list[int]] = {}  # attribute as written -> [first line, how many]

    def report(self) -> list[tuple[int, str]]:
        for shown, (line, count) in self.unknown.items():
            times = f" ({count} times)" if count > 1 else ""
            self.removed.append(
                (
                    line,
                    f"the attribute '{shown}' is not one a picture may use and was removed{times}; "
                    "if the picture looks wrong without it, save it again as plain SVG",
                )
            )
        return self.removed

    def instructions(self, root: Any) -> None:
        from lxml import etree

        found = [*root.itersiblings(tag=etree.ProcessingInstruction, preceding=True)]
        found += [*root.iter(tag=etree.ProcessingInstruction)]
        for instruction in found:
            self.removed.append(
                (
                    instruction.sourceline or 0,
                    f"the processing instruction <?{instruction.target} ...?> was removed and nothing was fetched; "
                    + ADVICE,
                )
            )
            _remove(instruction)

    def drop(self, element: Any, message: str) -> bool:
        self.removed.append((element.sourceline or 0, message))
        _remove(element)
        return False

    def keep(self, element: Any) -> bool:
        """Clean one element's own attributes; False when the element itself was removed."""
        from lxml import etree

        namespace, local = etree.QName(element).namespace, etree.QName(element).localname
        lowered = local.lower()
        shown = f"{element.prefix}:{local}" if element.prefix else local
        refused = _refused_element(element, namespace, local, shown)
        if refused is not None:
            return self.drop(element, refused)
        return self.attributes(element, lowered, shown)

    def attributes(self, element: Any, lowered: str, shown: str) -> bool:
        """Remove the element's attributes that may run code, are unknown, or refer outside the picture.

        False when a link took the element with it.
        """
        from lxml import etree

        prefixes = {uri: prefix for prefix, uri in element.nsmap.items() if prefix}
        for attribute in list(element.attrib):
            value = element.attrib[attribute]
            name = etree.QName(attribute)
            written = f"{prefixes.get(name.namespace, 'ns')}:{name.localname}" if name.namespace else name.localname
            if name.localname.lower().startswith("on"):
                del element.attrib[attribute]
                self.removed.append(
                    (
                        element.sourceline or 0,
                        f"the event handler '{written}' was removed and nothing was run; " + NO_CODE,
                    )
                )
            elif not allowed_attribute(name.namespace, name.localname):
                del element.attrib[attribute]
                self.unknown.setdefault(written, [element.sourceline or 0, 0])[1] += 1
            elif name.localname.lower() == "href" and name.namespace in (None, XLINK_NS):
                if not self.link(element, lowered, shown, attribute, value):
                    return False
            elif (not _is_words(name.localname) and refers_outside(value)) or script_or_data(value):
                del element.attrib[attribute]
                self.removed.append(
                    (
                        element.sourceline or 0,
                        f"the {written} '{_shown(value)}' refers outside the picture and was removed; " + ADVICE,
                    )
                )
        return True

    def link(self, element: Any, lowered: str, shown: str, attribute: str, value: str) -> bool:
        """Check one href or xlink:href; False when the element was removed with it."""
        url = browser_url(value)
        if url.startswith("#"):
            element.set(attribute, url)  # as the browser reads it, for every other reader
            return True
        if lowered == "image" and url.lower().startswith(_EMBEDDABLE):
            self.check_embedded(url, f"the picture embedded at line {element.sourceline} of '{self.name}'")
            element.set(attribute, url)
            return True
        if lowered in _LOADERS:
            return self.drop(
                element, f"the <{shown}> of '{_shown(value)}' was removed and nothing was fetched; " + ADVICE
            )
        del element.attrib[attribute]
        self.removed.append(
            (
                element.sourceline or 0,
                f"the link to '{_shown(value)}' was removed: links inside pictures do not reach Word; "
                "put the address in the caption or the text",
            )
        )
        return True


def _refused_element(element: Any, namespace: str | None, local: str, shown: str) -> str | None:
    """Why the element goes as a whole (an animation of a handler, link or unknown attribute, an element
    not on the list, a style sheet that loads), or None when it stays."""
    lowered = local.lower()
    target = next((v for k, v in element.attrib.items() if k.lower() == "attributename"), None)
    if namespace == SVG_NS and lowered in ANIMATIONS and target is not None:
        changed = target.rsplit(":", 1)[-1].strip().lower()
        if changed.startswith("on"):
            return f"the <{shown}> that sets an event handler was removed and nothing was run; " + NO_CODE
        if changed == "href":
            return f"the <{shown}> that changes a link was removed and nothing was fetched; " + ADVICE
        if changed in NOT_ANIMATED or not allowed_attribute(None, changed):
            return f"the <{shown}> that changes '{_shown(target)}' was removed and nothing was fetched; " + ADVICE
    if not allowed_element(namespace, local):
        if lowered in _SCRIPTS:
            return f"the <{shown}> element was removed and nothing was run; " + NO_CODE
        return f"the <{shown}> element is not one of SVG's drawing elements and was removed; " + ADVICE
    if lowered == "style" and refers_outside("".join(element.itertext())):
        return "a style sheet that loads files or uses escapes was removed and nothing was fetched; " + ADVICE
    return None


def _shown(value: str) -> str:
    """A value quoted in a message: on one line, at most 60 characters."""
    return " ".join(value.split())[:60]


def _remove(node: Any) -> None:
    """Take a node out of its tree, keeping the text that followed it (lxml would drop it with the node)."""
    parent = node.getparent()
    if parent is None:
        return
    if node.tail:
        previous = node.getprevious()
        if previous is not None:
            previous.tail = (previous.tail or "") + node.tail
        else:
            parent.text = (parent.text or "") + node.tail
    parent.remove(node)
