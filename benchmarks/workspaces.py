"""The inputs benchmarks/run.py measures on: copies of the repository's workspace, generated briefs, print HTML."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
STYLES = ROOT / "src" / "briefgen" / "defaults" / "templates"  # WeasyPrint's base URL, as briefgen's


def print_html(brief_root: Path, audience: str, out: Path) -> Path:
    """briefgen's own print HTML for one audience of the default brief, as WeasyPrint would receive it."""
    code = f"""
import sys
from pathlib import Path
from briefgen.build import document_for
from briefgen.document.workspace import open_workspace, default_brief, pick_audiences
from briefgen.content.style import load_style
from briefgen.render.html import render_html
from briefgen.render.pdf import likely_pages
ws, _ = open_workspace(Path({str(brief_root)!r}))
brief = default_brief(ws, None)
audience = pick_audiences(ws, brief, ({audience!r},), False)[0]
doc = document_for(ws, brief, audience)
Path({str(out)!r}).write_text(render_html(doc, load_style(ws.root), print_mode=True, toc=likely_pages(doc) > 4.5))
"""
    subprocess.run([sys.executable, "-c", code], check=True)
    return out


WEASYPRINT = (
    "import sys; from weasyprint import HTML; "
    "HTML(filename=sys.argv[1], base_url=sys.argv[3]).write_pdf(sys.argv[2], pdf_variant='pdf/ua-1')"
)


def bare_weasyprint(html: Path, pdf: Path, base: Path = STYLES) -> list[str]:
    """A WeasyPrint process making `pdf` of `html`, as a script would run it."""
    return [sys.executable, "-c", WEASYPRINT, str(html), str(pdf), base.as_uri() + "/"]


# One process per shard of an export without briefgen: WeasyPrint imported once, then every PDF of the
# shard, each followed by Pandoc with citeproc making the Word file from briefgen's Markdown.
SHARD = """
import json, subprocess, sys
from pathlib import Path
from weasyprint import HTML
pandoc, base, jobs = sys.argv[1], sys.argv[2], json.loads(Path(sys.argv[3]).read_text())
for html, pdf, md, docx in jobs:
    HTML(filename=html, base_url=base).write_pdf(pdf, pdf_variant='pdf/ua-1')
    subprocess.run([pandoc, md, '--citeproc', '-o', docx], cwd=Path(md).parent, check=True, capture_output=True)
"""


def shard_process(pandoc: str, jobs_file: Path) -> list[str]:
    return [sys.executable, "-c", SHARD, pandoc, STYLES.as_uri() + "/", str(jobs_file)]


def generated_workspace(target: Path, blocks: int) -> Path:
    """A brief of `blocks` blocks with citations, written from the default workspace's settings."""
    shutil.copytree(ROOT / "briefs" / "japan-russia", target / "briefs" / "big")
    for name in ("briefgen.yaml", "audiences.yaml"):
        shutil.copy(ROOT / name, target / name)
    folder = target / "briefs" / "big" / "blocks"
    for path in folder.glob("*.yaml"):
        path.unlink()
    sections = ["background", "abe-approach", "china-factor", "leverage", "risks", "recommendations"]
    for index in range(blocks):
        section = sections[index % len(sections)]
        cite = "[@fpri-japan-russia]" if index % 3 else "[@dominguez2016, p. 4]"
        (folder / f"block-{index:04d}.yaml").write_text(
            f"section: {section}\ntitle: Generated block {index}\norder: {index}\nstatus: approved\n"
            f"summary: Summary sentence number {index} for busy readers {cite}.\n"
            f"body: |\n  Paragraph {index} explains a point in plain words over two or three lines of text "
            f"so that the page fills the way a real brief does, with a citation {cite}.\n\n"
            f"  A second paragraph adds detail and context for the analyst audience and cites again "
            f"[@fpri-japan-russia].\n",
            encoding="utf-8",
        )
    text = (target / "briefgen.yaml").read_text().replace("default_brief: japan-russia", "default_brief: big")
    (target / "briefgen.yaml").write_text(text)
    return target


def copy_workspace(target: Path) -> Path:
    """The repository's workspace (settings, briefs, styles, templates) copied to `target`, without outputs."""
    target.mkdir(parents=True)
    for name in ("briefgen.yaml", "audiences.yaml"):
        shutil.copy(ROOT / name, target / name)
    for name in ("briefs", "styles", "templates"):
        shutil.copytree(ROOT / name, target / name, ignore=shutil.ignore_patterns("dist", ".briefgen-cache"))
    return target


def empty_cache(workspace: Path) -> None:
    """Removes the workspace's .briefgen-cache (layouts, citations, figures, fonts): the next build is cold."""
    shutil.rmtree(workspace / "dist" / ".briefgen-cache", ignore_errors=True)


# What the default brief says about its figures, besides showing them: taken out with them.
FIGURE_MENTIONS = {
    "peace-treaty-and-islands.yaml": r"\s*\(@fig-islands\)",
    "talks-suspended-2022.yaml": r"\s*@fig-track sets the suspension against the decade\s+of\s+engagement\s+that\s+"
    r"preceded\s+it\.",
}


def without_figures(workspace: Path) -> Path:
    """`workspace` with the default brief's figure paragraphs (`![...]`) and cross-references removed."""
    blocks = workspace / "briefs" / "japan-russia" / "blocks"
    for name, mention in FIGURE_MENTIONS.items():
        path = blocks / name
        text, figures = re.subn(r"\n  !\[.*\n", "", path.read_text("utf-8"))
        text, mentions = re.subn(mention, "", text)
        if figures != 1 or mentions != 1:
            raise SystemExit(f"benchmark 7: {name} no longer has the figure or the words it expects; update run.py")
        path.write_text(text, "utf-8")
    return workspace


def export_workspace(target: Path, briefs: int) -> Path:
    """The repository's workspace with `briefs` copies of the default brief and a fourth audience."""
    copy_workspace(target)
    source = target / "briefs" / "japan-russia"
    for index in range(briefs):
        shutil.copytree(source, target / "briefs" / f"brief-{index:02d}")
    shutil.rmtree(source)
    text = (target / "briefgen.yaml").read_text().replace("default_brief: japan-russia", "default_brief: brief-00")
    (target / "briefgen.yaml").write_text(text)
    with (target / "audiences.yaml").open("a", encoding="utf-8") as audiences:
        audiences.write(
            "\npartner:\n  label: Partner government\n  detail: summary\n"
            "  sections: [background, leverage, risks, recommendations]\n  max_pages: 4\n"
            "  notes: endnotes\n  bibliography: true\n  exclude_tags: [internal]\n"
        )
    return target


def fonts_cairo_finds(family: str) -> str:
    """The family fontconfig (and so cairosvg) draws when an SVG asks for `family`."""
    try:
        found = subprocess.run(["fc-match", "-f", "%{family}", family], capture_output=True, text=True, check=True)
    except (OSError, subprocess.CalledProcessError):
        return "unknown (no fc-match)"
    return found.stdout.split(",")[0] or "unknown"
