"""`briefgen review`: comments and tracked changes of a reviewed DOCX, traced back to the YAML blocks.

`record` reads what the build stored in the DOCX (hidden `_bgN` bookmarks and custom document
properties), `wordml` reads the reviewer's comments and tracked changes, `place` maps each to a
block, a field and a `file:line:column`, and `report` prints them (gcc style or JSON).
"""

from briefgen.review.report import Review, ReviewItem, format_json, format_text, review_docx

__all__ = ["Review", "ReviewItem", "format_json", "format_text", "review_docx"]
