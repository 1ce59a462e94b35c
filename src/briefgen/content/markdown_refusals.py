"""What Pandoc reads that the writing language refuses, and what the writer is told to do instead.

Pandoc's Markdown has more than briefs can print in every format: raw HTML and LaTeX, math,
line blocks, divs and spans with unknown classes, images inside sentences, notes inside notes,
nesting deeper than a page is wide. Each becomes a `Refusal` here: a problem code, a message
that says what to write instead, and the text the writer typed (`needle`), by which the reader
finds where it stands in the field. Nothing refused is ever printed as it was written.
"""

from __future__ import annotations

import re
from typing import Any, NamedTuple

from briefgen.diagnostics import codes
from briefgen.model import CALLOUT_KINDS

_LETTERED_ITEM = re.compile(r"(?m)^[ \t]*((?:[A-Za-z]|[ivxlcdmIVXLCDM]+)[.)] [^\n]{0,20})")

NESTED_NOTE = "a note inside a note cannot be printed; put its text in the outer note (in brackets)"


class Refusal(NamedTuple):
    """One refused construct: its code and message, and the text that finds it in the field."""

    code: str
    message: str
    needle: str
    level: str = "error"
    subject: str = ""


def _first_words(content: Any) -> str:
    """The first words of the first paragraph in Pandoc JSON: how a block too deep is found again in its field."""
    if isinstance(content, dict):
        if content.get("t") in ("Plain", "Para"):
            words = []
            for node in content["c"]:
                if node["t"] == "Str":
                    words.append(node["c"])
                elif node["t"] in ("Space", "SoftBreak"):
                    words.append(" ")
                else:
                    break
            return "".join(words[:5]).strip()
        return _first_words(content.get("c"))
    if isinstance(content, list):
        return next((found for child in content if (found := _first_words(child))), "")
    return ""


def nesting(limit: int, content: Any) -> Refusal:
    """Lists, quotes and boxes nested past `limit`: found by the first words of the block too deep."""
    return Refusal(
        codes.MARKDOWN_NESTING,
        f"lists, quotes and boxes are nested more than {limit} levels deep here, more than a "
        "page can print; flatten the structure (fewer levels of indentation or '>')",
        _first_words(content),
    )


def detached_attributes(shown: str) -> Refusal:
    """A figure's `{#fig-id ...}` written apart from its image, so it would be printed as text."""
    named = re.match(r"\{#([\w:.-]+)", shown)
    return Refusal(
        codes.FIGURE_ATTRIBUTES,
        f"the attributes '{shown}...' are apart from the image; write them right after its closing "
        "')', without a space: ![caption](file.png){#fig-id width=70%}",
        shown,
        subject=named.group(1) if named else "",
    )


def lettered_list(masked: str) -> Refusal:
    """A list numbered a., b. or i., ii.: every format prints 1, 2, 3 (a warning at the first such item)."""
    return Refusal(
        codes.MARKDOWN_LIST_STYLE,
        "lists numbered with letters or roman numerals are printed with 1, 2, 3 in every format; "
        "number the items 1., 2., 3. to say so, or use a bulleted list",
        next((m.group(1) for m in _LETTERED_ITEM.finditer(masked)), ""),
        level="warning",
    )


def unreadable(reason: str) -> Refusal:
    """A field Pandoc's reader failed on (the batch reader gave its error instead of blocks)."""
    return Refusal(
        codes.MARKDOWN_UNREADABLE, f"Pandoc could not read this text ({reason.splitlines()[0][:120]}); simplify it", ""
    )


def line_block(first_line: str) -> Refusal:
    """Lines starting with '| ', which Pandoc reads as a line block."""
    return Refusal(
        codes.MARKDOWN_LINE_BLOCK,
        "line blocks ('| ' at the start of lines) are not part of the writing language; end a line "
        "with a backslash for a line break, or remove the '|'",
        "| " + first_line[:20] if first_line else "|",
    )


def unknown_block(kind: str) -> Refusal:
    """A block Pandoc made that briefgen has no node for."""
    return Refusal(
        codes.MARKDOWN_UNKNOWN, f"Pandoc read a {kind} here, which briefs cannot show; rewrite it as text", ""
    )


def unknown_inline(kind: str) -> Refusal:
    """An inline Pandoc made that briefgen has no node for."""
    return Refusal(codes.MARKDOWN_UNKNOWN, f"Pandoc read a {kind} here, which briefs cannot show; rewrite it", "")


def unknown_callout(name: str) -> Refusal:
    """A `.callout-x` box of a kind briefs do not have (it is printed as a note)."""
    return Refusal(
        codes.MARKDOWN_CALLOUT,
        f"unknown callout '.{name}'; use one of " + ", ".join(f".callout-{k}" for k in CALLOUT_KINDS),
        "." + name,
    )


def div(ident: str, classes: list[str]) -> Refusal:
    """A `:::` block that is not a callout (its contents are kept, the box is not)."""
    attribute = next((c for c in classes if "=" in c), "")
    if attribute:  # `::: lang=ar`: Pandoc reads a bare word after the fence as a class
        return Refusal(
            codes.MARKDOWN_DIV,
            f"'{attribute}' after ':::' needs braces; write '::: {{{attribute}}}'",
            attribute,
        )
    shown = ("." + classes[0]) if classes else ("#" + ident if ident else ":::")
    return Refusal(
        codes.MARKDOWN_DIV,
        f"the block '{shown}' is not part of the writing language; for a boxed text write "
        "'::: {.callout-note title=\"...\"}' (note, tip, important, warning or caution), "
        "for text in another language '::: {lang=fr}'",
        shown,
    )


def span(ident: str, unknown: list[str], attrs: list[Any]) -> Refusal:
    """A `[text]{...}` span with a class or attribute other than .smallcaps and .underline."""
    shown = "." + unknown[0] if unknown else ("#" + ident if ident and not attrs else "{")
    return Refusal(
        codes.MARKDOWN_SPAN,
        f"the span attribute '{shown if shown != '{' else attrs[0][0]}' is not part of the writing "
        "language; use [text]{.smallcaps}, [text]{.underline} or [text]{lang=fr}",
        shown if shown != "{" else attrs[0][0],
    )


def language_tag(tag: str) -> Refusal:
    """A `lang` attribute that is not a BCP 47 tag (its words are kept, in the brief's language)."""
    return Refusal(
        codes.MARKDOWN_LANG,
        f"'{tag}' is not a language tag; write it as BCP 47, such as lang=fr, lang=ja or lang=ar-EG",
        tag or "lang=",
    )


def raw(fmt: str, text: str) -> Refusal | None:
    """Raw HTML, LaTeX or another format written into the text; None for a closing HTML tag (its opening is told)."""
    shown = text.strip().splitlines()[0][:60] if text.strip() else text
    if fmt == "html" and text.startswith("</"):
        return None
    if fmt == "html":
        return Refusal(
            codes.MARKDOWN_RAW_HTML,
            f"raw HTML '{shown}' is not part of the writing language; use Markdown instead "
            "(*italic*, **bold**, [text]{.underline}, ^superscript^) or write '\\<' for a literal '<'",
            text.strip()[:40],
        )
    return Refusal(
        codes.MARKDOWN_RAW_TEX,
        f"raw {'LaTeX' if fmt in ('tex', 'latex') else fmt} '{shown}' is not part of the writing language; "
        "use Markdown instead, or write '\\\\' for a literal backslash",
        text.strip()[:40],
    )


def image_in_text(in_link: bool) -> Refusal:
    """An image inside a sentence or a link, where no figure can stand (its caption is kept as words)."""
    return Refusal(
        codes.FIGURE_INLINE,
        "an image inside a link cannot be printed; put the picture in a paragraph of its own and the link "
        "in its caption or the text"
        if in_link
        else "an image inside a sentence cannot be printed; put it in a paragraph of its own (a blank line "
        "before and after) to make it a figure",
        "![",
    )


def math(tex: str) -> Refusal:
    """`$...$` math (its text is kept as written)."""
    return Refusal(
        codes.MARKDOWN_MATH,
        f"math ('${tex}$') is not part of the writing language; write it in words or with "
        "^superscript^ and ~subscript~, or write '\\$' for a dollar sign",
        tex,
    )
