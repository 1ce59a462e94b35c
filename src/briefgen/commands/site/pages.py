"""The pages around the briefs: the home page, a page per brief, and the Atom feed of new versions.

Everything shown comes from brief.yaml, the audience profiles and release records of what the
plan publishes (never from a block), escaped by Jinja2's autoescaping or by the XML writer.
"""

from __future__ import annotations

import datetime as dt
import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from briefgen.runtime.resources import DEFAULTS

TEMPLATES = DEFAULTS / "site"
STATIC = ("site.css", "site.js")  # copied as they are
ATOM = "http://www.w3.org/2005/Atom"
_LABELS = {"pdf": "PDF", "docx": "Word document", "html": "Web page", "md": "Markdown"}


@dataclass(frozen=True)
class File:
    """A download of one audience's brief."""

    name: str
    label: str
    size: str


@dataclass
class AudienceEntry:
    id: str
    label: str
    files: list[File] = field(default_factory=list)


@dataclass
class BriefEntry:
    """What the home page, the brief's page and the feed say of one brief."""

    id: str
    title: str
    subtitle: str
    version: str
    date: dt.date
    lang: str
    audiences: list[AudienceEntry] = field(default_factory=list)
    releases: list[dict[str, Any]] = field(default_factory=list)

    @property
    def date_text(self) -> str:
        return f"{self.date.day} {self.date:%B %Y}"


def file_entry(name: str, fmt: str, size: int) -> File:
    from briefgen.commands.progress import size_text

    return File(name, _LABELS.get(fmt, fmt), size_text(size))


def _environment() -> Environment:
    return Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=select_autoescape(default=True),
        undefined=StrictUndefined,
        keep_trailing_newline=True,
    )


def home_page(site: Any, briefs: list[BriefEntry], version: str, search: bool) -> str:
    """index.html: every published brief, newest first."""
    template = _environment().get_template("home.html.j2")
    return template.render(site=site, briefs=briefs, root="", version=version, search=search)


def brief_page(site: Any, brief: BriefEntry, version: str, search: bool) -> str:
    """<brief>/index.html: the audiences' briefs to read and download, and the issued versions."""
    template = _environment().get_template("brief.html.j2")
    return template.render(site=site, brief=brief, root="../", version=version, search=search)


def atom_feed(site: Any, briefs: list[BriefEntry]) -> bytes:
    """feed.xml: an entry per brief's current version and per issued version, newest first.

    Links are absolute when briefgen.yaml gives `site.base_url`, else relative to the feed.
    """
    base = f"{site.base_url}/" if site.base_url else ""
    ET.register_namespace("", ATOM)
    feed = ET.Element(f"{{{ATOM}}}feed")
    entries = []
    for brief in briefs:
        if brief.version not in {str(r.get("version", "")) for r in brief.releases}:  # once, as issued
            entries.append((brief.date, brief, brief.version, "current version"))
        for release in brief.releases:
            entries.append((_date(release.get("date"), brief.date), brief, str(release.get("version", "")), "issued"))
    entries.sort(key=lambda e: (e[0], e[1].id, e[2]), reverse=True)
    _text(feed, "title", site.title)
    _text(feed, "id", base or f"urn:briefgen:site:{re.sub(r'[^A-Za-z0-9.-]+', '-', site.title).strip('-')}")
    _text(feed, "updated", _stamp(max((e[0] for e in entries), default=dt.date(1970, 1, 1))))
    ET.SubElement(feed, f"{{{ATOM}}}link", rel="self", href=f"{base}feed.xml")
    for date, brief, version, kind in entries:
        entry = ET.SubElement(feed, f"{{{ATOM}}}entry")
        _text(entry, "title", f"{brief.title}, version {version or 'not numbered'} ({kind})")
        _text(entry, "id", f"{base or 'urn:briefgen:brief:'}{brief.id}/{version or 'current'}/{kind.replace(' ', '-')}")
        _text(entry, "updated", _stamp(date))
        ET.SubElement(entry, f"{{{ATOM}}}link", rel="alternate", href=f"{base}{brief.id}/index.html")
        author = ET.SubElement(entry, f"{{{ATOM}}}author")
        _text(author, "name", site.title)
        if brief.subtitle:
            _text(entry, "summary", brief.subtitle)
    return ET.tostring(feed, encoding="utf-8", xml_declaration=True) + b"\n"


def _text(parent: ET.Element, tag: str, text: str) -> None:
    ET.SubElement(parent, f"{{{ATOM}}}{tag}").text = text


def _stamp(date: dt.date) -> str:
    return f"{date.isoformat()}T00:00:00Z"


def _date(value: Any, fallback: dt.date) -> dt.date:
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        return fallback


_BODY = re.compile(r"<body\b[^>]*>")


def with_site_links(html: str, title: str, audience: str) -> str:
    """The brief's HTML as the build wrote it, with a way back: links to the brief's page and the home page.

    Nothing else changes. The links stand in a navigation landmark of their own, left out of the
    search index, whose result for this page is named with the audience.
    """
    from markupsafe import escape

    found = _BODY.search(html)
    if found is None:
        return html
    named = escape(f"{title}, for {audience}")
    nav = (
        f'\n<nav class="site-links" aria-label="Site" data-pagefind-ignore="all">'
        f'<span hidden data-pagefind-meta="title:{named}"></span>'
        f'<a href="../index.html">{escape(title)}: every audience, downloads and versions</a> | '
        f'<a href="../../index.html">All briefs</a></nav>'
    )
    return html[: found.end()] + nav + html[found.end() :]
