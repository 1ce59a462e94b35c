"""`briefgen review`: comments and tracked changes of a reviewed DOCX, traced back to the YAML blocks.

`record` reads what the build stored in the DOCX (hidden `_bgN` bookmarks and custom document
properties), `wordml` reads the reviewer's comments and tracked changes, `place` maps each to a
block, a field and a `file:line:column`, `report` prints them (gcc style or JSON), and `apply`
writes accepted tracked changes back into the YAML.
"""

from briefgen.review.apply import Application, apply_review, format_application
from briefgen.review.items import Review, ReviewItem
from briefgen.review.report import format_text, review_docx, review_json

__all__ = [
    "Application",
    "Review",
    "ReviewItem",
    "apply_review",
    "format_application",
    "review_json",
    "format_text",
    "review_docx",
]
