"""What an accessibility check of one output found: the rule, what is wrong, and where to look."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Finding:
    """One broken rule in one output file.

    `rule` names the standard's condition ("Matterhorn 01-005", "WCAG 1.1.1 image-alt"); `page` is
    the PDF page; `block` and `text` say which block's words are at fault, when the output says so
    (HTML and Word mark each block), so the report can point at the line of its file. A finding
    that is not `serious` (axe-core's minor and moderate impacts) is a warning, not an error.
    """

    rule: str
    message: str
    page: int | None = None
    block: str | None = None
    text: str = ""
    serious: bool = True
