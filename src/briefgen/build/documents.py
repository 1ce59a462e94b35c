"""The document one audience receives: selected, numbered, dated and cited, as every renderer gets it.

A build makes one per planned audience; `start_document` starts Pandoc's citation run and
returns a way to wait for it, so a build starts every audience's run at once. The preview
server and `stats` ask for one document with `document_for`.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable
from dataclasses import replace

from briefgen.content.language import labels_for
from briefgen.content.loader import cache_file
from briefgen.content.releases import issued_versions
from briefgen.content.style import load_style
from briefgen.document.cite import resolve_style, start_cite
from briefgen.document.number import number_document
from briefgen.document.select import SelectOptions, select
from briefgen.errors import UsageError
from briefgen.model import AudienceProfile, Brief, Document, Workspace


def document_for(ws: Workspace, brief: Brief, audience: AudienceProfile, drafts: bool = False) -> Document:
    """The document one audience receives: selected, numbered, cross-referenced, dated and cited.

    This is what every renderer gets. Cross-reference problems were reported by `check`
    (validation runs the same numbering for every audience), so they are not repeated here.
    """
    return start_document(ws, brief, audience, drafts)()


def start_document(
    ws: Workspace, brief: Brief, audience: AudienceProfile, drafts: bool = False
) -> Callable[[], Document]:
    """`document_for` in two steps: this starts Pandoc's citation run; calling the result waits for it.

    A build starts the runs of every audience at once, so they overlap one another and the
    workers' start-up. Pandoc's answers are kept in `<output_dir>/.briefgen-cache/citations/`.
    """
    doc = select(brief, audience, SelectOptions(drafts=drafts, markings=ws.config.markings))
    doc, _problems = number_document(doc, labels_for(doc.language, load_style(ws.root).theme.get("labels")))
    history = issued_versions(brief.folder) if audience.show_history else ()
    doc = replace(doc, timestamp=build_timestamp(brief), history=history)
    style = resolve_style(doc.csl, brief.folder, ws.root)
    return start_cite(doc, brief.references, style, cache_file(ws.root, ws.config, "citations"))


def build_timestamp(brief: Brief) -> dt.datetime:
    """The date stamped into outputs: SOURCE_DATE_EPOCH when set, else the brief's own date."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch and not epoch.isdigit():
        raise UsageError(f"SOURCE_DATE_EPOCH={epoch} is not a whole number of seconds since 1970")
    if epoch.isdigit():
        try:
            return dt.datetime.fromtimestamp(int(epoch), dt.UTC)
        except (OverflowError, OSError, ValueError):
            raise UsageError(
                f"SOURCE_DATE_EPOCH={epoch} is not a usable date; set seconds since 1970, for example $(date +%s)"
            ) from None
    return dt.datetime.combine(brief.date, dt.time(), dt.UTC)
