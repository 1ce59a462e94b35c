"""`briefgen site`: a static site of every brief, for the readers its markings allow.

The plan (`plan.py`) decides which brief reaches the site for which audience; those are built
as `briefgen build` builds them (HTML, PDF and Word, in the workspace's output folder, so an
export already built costs nothing), and only their files are copied in. Around them: a home
page, a page per brief with its downloads and issued versions, an Atom feed and, with the `site`
extra, a Pagefind search index. The site is written beside its folder and swapped in whole; a
folder briefgen did not write is never replaced. What was left out, and why, is returned and
written to `<folder>-left-out.txt`, outside the site.
"""

from __future__ import annotations

import importlib.util
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from briefgen.commands.site.pages import (
    STATIC,
    TEMPLATES,
    AudienceEntry,
    BriefEntry,
    atom_feed,
    brief_page,
    file_entry,
    home_page,
    with_site_links,
)
from briefgen.commands.site.plan import LeftOut, Published, plan_site
from briefgen.errors import BriefgenError, ContentError, UsageError

FORMATS = ("html", "pdf", "docx")
STAMP = ".briefgen-site"  # marks a folder `briefgen site` wrote, which it may replace
_SEARCH_MISSING = "search was not indexed: it needs the site extra (pip install 'briefgen[site]')"


@dataclass
class SiteResult:
    """What `briefgen site` wrote and left out."""

    folder: Path
    published: list[tuple[str, str]] = field(default_factory=list)  # (brief, audience)
    left_out: list[LeftOut] = field(default_factory=list)
    report: Path | None = None
    search: str = ""  # "indexed", or why not

    def to_json(self, cwd: Path) -> dict[str, Any]:
        """`site --json`'s answer."""
        from briefgen.diagnostics import shown_path

        return {
            "folder": shown_path(self.folder, cwd),
            "published": [{"brief": b, "audience": a} for b, a in self.published],
            "left_out": [{"brief": x.brief, "audience": x.audience, "reason": x.reason} for x in self.left_out],
            "left_out_file": shown_path(self.report, cwd) if self.report else None,
            "search": self.search,
        }


def site_folder(ws: Any, out: Path | None) -> Path:
    """Where the site goes: `out`, or `<output_dir>/site/` of the workspace."""
    return (out or ws.root / ws.config.output_dir / "site").resolve()


def write_site(root: Path | None, out: Path | None = None, progress: Any = None, search: bool = True) -> SiteResult:
    """Plan, build what is published, write the pages, index them, and swap the new site in."""
    from briefgen.build import BuildOptions, Session, build
    from briefgen.document.workspace import open_workspace
    from briefgen.render.overrides import check_template_overrides

    ws, diags = open_workspace(root, check_templates=check_template_overrides)
    if diags.has_errors():
        raise ContentError(diags, ws.root, "no site was written")
    folder = site_folder(ws, out)
    _refuse_foreign(folder)
    published, left_out = plan_site(ws)
    by_brief: dict[str, list[Published]] = {}
    for item in published:
        by_brief.setdefault(item.brief.id, []).append(item)
    session = Session(progress)
    try:
        built = {}
        for name, items in by_brief.items():
            options = BuildOptions(name, tuple(p.audience.id for p in items), formats=FORMATS)
            built[name] = build(ws.root, options, session=session)
    except BaseException:
        session.abort()
        raise
    session.close()
    result = SiteResult(folder, [(p.brief.id, p.audience.id) for p in published], left_out)
    site = _settings(ws)
    with tempfile.TemporaryDirectory(prefix=".site-", dir=folder.parent if folder.parent.is_dir() else None) as tmp:
        staged = Path(tmp) / "site"
        staged.mkdir()
        entries = [_copy_brief(by_brief[name], built[name], staged) for name in by_brief]
        entries.sort(key=lambda e: (e.date, e.id), reverse=True)
        result.search = _write_pages(site, entries, staged, search)
        (staged / STAMP).write_text("written by briefgen site; the next run replaces this folder\n", encoding="utf-8")
        _swap(staged, folder)
    result.report = _write_left_out(folder, left_out)
    return result


def _settings(ws: Any) -> Any:
    from dataclasses import replace

    site = ws.config.site
    return replace(site, title=site.title or f"Briefs of {ws.root.name}")


def _refuse_foreign(folder: Path) -> None:
    empty = folder.is_dir() and not folder.is_symlink() and not any(folder.iterdir())
    if folder.is_symlink() or (folder.exists() and not empty and not (folder / STAMP).is_file()):
        raise UsageError(
            f"{folder} exists and was not written by briefgen site, so it is not replaced; "
            "choose another folder with -o, or move it away"
        )


def _copy_brief(items: list[Published], result: Any, staged: Path) -> BriefEntry:
    """The brief's published outputs into `<brief>/<audience>/`, and what its pages say of it."""
    from briefgen.content.releases import issued_records

    brief = items[0].brief
    entry = BriefEntry(brief.id, brief.title, brief.subtitle, brief.version, brief.date, _lang(brief.lang))
    outputs = [o for o in result.manifest.get("outputs", []) if not o.get("changes_since")]
    manifest = {(o["audience"], o["format"]): o for o in outputs}
    for item in items:
        audience = AudienceEntry(item.audience.id, item.audience.label or item.audience.id)
        target = staged / brief.id / item.audience.id
        target.mkdir(parents=True)
        for fmt in FORMATS:
            made = manifest.get((item.audience.id, fmt))
            if made is None:
                missing = f"{brief.id}: the build made no {fmt} file for {item.audience.id}; no site was written"
                raise BriefgenError(missing)
            source = result.out_dir / made["path"]
            name = "index.html" if fmt == "html" else source.name
            if fmt == "html":
                page = with_site_links(source.read_text(encoding="utf-8"), brief.title, audience.label)
                (target / name).write_text(page, encoding="utf-8")
            else:
                shutil.copyfile(source, target / name)
            if fmt != "html":
                audience.files.append(file_entry(name, fmt, made["bytes"]))
        entry.audiences.append(audience)
    entry.releases = issued_records(brief.folder)
    return entry


def _lang(lang: str) -> str:
    """The brief's language for a `lang` attribute on the (English) site pages; '' when it is English."""
    return "" if lang.lower().split("-")[0] == "en" else lang


def _write_pages(site: Any, entries: list[BriefEntry], staged: Path, search: bool) -> str:
    from briefgen import __version__

    indexing = search and importlib.util.find_spec("pagefind") is not None
    (staged / "index.html").write_text(home_page(site, entries, __version__, indexing), encoding="utf-8")
    for entry in entries:
        page = brief_page(site, entry, __version__, indexing)
        (staged / entry.id / "index.html").write_text(page, encoding="utf-8")
    (staged / "feed.xml").write_bytes(atom_feed(site, entries))
    for name in STATIC:
        shutil.copyfile(TEMPLATES / name, staged / name)
    if not search:
        return "not asked for"
    if not indexing:
        return _SEARCH_MISSING
    return _index(staged)


def _index(staged: Path) -> str:
    """Pagefind's index of every page, in `pagefind/`, made offline from the files themselves."""
    # one index for every brief, whatever its language, so that one search box finds them all
    command = [sys.executable, "-m", "pagefind", "--site", str(staged), "--force-language", "en", "--silent"]
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=600, check=False)
    except (OSError, subprocess.SubprocessError) as exc:
        raise BriefgenError(f"the search index could not be made ({exc}); no site was written") from None
    if done.returncode != 0 or not (staged / "pagefind" / "pagefind.js").is_file():
        detail = (done.stderr or done.stdout).strip().splitlines()[-1:] or ["no output"]
        raise BriefgenError(f"the search index could not be made (Pagefind: {detail[0]}); no site was written")
    return "indexed"


def _swap(staged: Path, folder: Path) -> None:
    """The new site in place of the old in two renames; the old one removed after."""
    folder.parent.mkdir(parents=True, exist_ok=True)
    old = folder.with_name(f".{folder.name}.old")
    if old.exists():
        shutil.rmtree(old)
    if folder.exists():
        folder.rename(old)
    shutil.move(str(staged), str(folder))
    if old.exists():
        shutil.rmtree(old)


def _write_left_out(folder: Path, left_out: list[LeftOut]) -> Path:
    report = folder.with_name(f"{folder.name}-left-out.txt")
    lines = [item.line() for item in left_out] or ["nothing was left out"]
    report.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return report
