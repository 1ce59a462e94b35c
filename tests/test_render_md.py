"""Pandoc Markdown export: Pandoc turns it into Word with the same headings and citations."""

import html
import json
import re
import shutil
from pathlib import Path

import pypandoc
import pytest
import yaml
from conftest import ROOT, copy_fixture, shared
from readers import docx_notes, docx_paragraphs
from test_validate import write_hostile_links

from briefgen.build import BuildOptions, build, document_for
from briefgen.content.language import labels_for
from briefgen.content.markdown import READER
from briefgen.content.style import load_style
from briefgen.document.select import audiences_for
from briefgen.document.workspace import default_brief, open_workspace
from briefgen.render.html import render_html
from briefgen.render.md import MarkdownWriter, render_md


def test_markdown_has_metadata_and_pandoc_citations(default_build_md: Path):
    text = (default_build_md / "japan-russia-analyst.md").read_text()
    header = yaml.safe_load(text.split("---\n")[1])
    assert header["title"] == "Japan and Russia after the invasion of Ukraine"
    assert {r["id"] for r in header["references"]} == {"dominguez2016", "fpri-japan-russia"}
    assert header["csl"] == "chicago-notes-bibliography-subsequent-ibid.csl"
    assert (default_build_md / header["csl"]).is_file()
    assert "[@fpri-japan-russia]" in text and "{#block-peace-treaty-and-islands}" in text


def test_pandoc_makes_the_same_headings_and_notes(default_build_md: Path, tmp_path: Path):
    for audience in ("analyst", "press"):
        source = default_build_md / f"japan-russia-{audience}.md"
        target = tmp_path / f"{audience}.docx"
        pypandoc.convert_file(
            str(source),
            "docx",
            outputfile=str(target),
            extra_args=["--citeproc", f"--resource-path={default_build_md}"],
            cworkdir=str(default_build_md),
        )
        ours = default_build_md / f"japan-russia-{audience}.docx"
        paragraphs = docx_paragraphs(ours)
        # An endnotes audience's Word file lists its notes under a "Notes" heading, as the PDF does;
        # Pandoc makes Word notes of the same texts, and no heading.
        listed = _listed_notes(paragraphs)
        ours_headings = [t for s, t in paragraphs if s in ("Heading 1", "Heading 2") and not (listed and t == "Notes")]
        theirs = json.loads(pypandoc.convert_file(str(target), "json"))
        theirs_headings = [
            pypandoc.convert_text(json.dumps({**theirs, "blocks": [b]}), "plain", format="json").strip()
            for b in theirs["blocks"]
            if b["t"] == "Header"
        ]
        assert theirs_headings == ours_headings, audience
        ours_notes = docx_notes(ours) or docx_notes(ours, "endnotes") or listed
        assert docx_notes(target) == ours_notes, audience


def _listed_notes(paragraphs: list[tuple[str, str]]) -> list[str]:
    """The notes under a "Notes" heading: each starts "N.<tab>", later paragraphs continue it."""
    headings = [i for i, (style, _text) in enumerate(paragraphs) if style.startswith("Heading")]
    start = next((i for i in headings if paragraphs[i][1] == "Notes"), None)
    if start is None:
        return []
    end = next((i for i in headings if i > start), len(paragraphs))
    notes: list[str] = []
    for _style, text in paragraphs[start + 1 : end]:
        number, tab, rest = text.partition("\t")
        if tab and number.removesuffix(".").isdigit():
            notes.append(rest)
        elif notes:
            notes[-1] += text
    return [note.strip() for note in notes]


# ---------------------------------------------------------------- round trip: Pandoc reads back what briefgen wrote

LINE_STARTS = """\
1\\) A paragraph that starts like a list with a parenthesis.

\\+ A paragraph that starts like a plus list.

a\\) A paragraph that starts like a letter list.

\\# A paragraph that starts like a heading.

\\> A paragraph that starts like a quote.

\\- A paragraph that starts like a dash list.

1\\. A paragraph that starts like a numbered list.

Words words words words words words words words words words words words 1) words words
words words words words words words words words words words words words + words words words
words words words words words words words words words words words words a) words words and
AT&T writes \\&copy;, \\&#169; and \\&lt;b\\&gt;,
\\"straight quotes\\", two \\-\\- and three \\-\\-\\- hyphens, three dots\\.\\.\\., an \\@address, desk@example.org,
*emphasis*, **strong**, `code`, [a link](https://example.org) and a note.[^n]

[^n]: 1\\) A note that starts like a list.

::: {.callout-note title="Note"}
\\+ A callout paragraph that starts like a list.
:::

> 1\\) A quote that starts like a list.

- a bullet whose text is 1\\) not a list

| Cell | Text |
|------|------|
| 1\\) one | \\+ two |
"""

ODD_BLOCKS = {
    "line-starts.yaml": {
        "section": "context",
        "title": "Lines that look like syntax",
        "order": 30,
        "status": "approved",
        "summary": "1\\) A summary that starts like a list.\n",
        "body": LINE_STARTS,
    },
    "figure.yaml": {
        "section": "context",
        "title": "A figure",
        "order": 40,
        "status": "approved",
        "summary": "A figure for careful readers.\n",
        "body": (
            "As @fig-bars shows [@fpri, p. 4].\n\n"
            '![Bars in a PNG [@fpri, p. 4]](figures/bars.png){#fig-bars width=60% fig-alt="Three grey bars"'
            ' source="Made for the test"}\n'
        ),
    },
    "rec-odd.yaml": {  # plain-text fields that span lines and start like Markdown
        "section": "recs",
        "title": "# A title\n+ that spans lines\n",
        "order": 30,
        "status": "approved",
        "kind": "recommendation",
        "action": '+ Press "partners".\n\n1) Then more -- much more.\n',
        "priority": "low",
        "owner": "* Someone",
        "summary": "Channels matter.",
        "body": "Channels matter in full.",
    },
}


@pytest.fixture(scope=shared("module"))
def odd_workspace(tmp_path_factory) -> Path:
    """The writing-language fixture, plus text that looks like Markdown syntax where it must stay text."""
    workspace = tmp_path_factory.mktemp("oddmd") / "language"
    shutil.copytree(ROOT / "tests" / "fixtures" / "language", workspace)
    brief = workspace / "briefs" / "demo"
    (brief / "figures").mkdir()
    shutil.copy(ROOT / "tests" / "fixtures" / "figures" / "briefs" / "demo" / "figures" / "bars.png", brief / "figures")
    for name, block in ODD_BLOCKS.items():
        (brief / "blocks" / name).write_text(yaml.safe_dump(block, allow_unicode=True, sort_keys=False))
    with (brief / "brief.yaml").open("a") as file:
        file.write(
            "disclaimer: |\n  This brief is a test.\n\n  1) Its second paragraph starts like a list.\n  + a plus\n"
        )
    build(workspace, BuildOptions(all_audiences=True, formats=("md",), out_dir=workspace / "dist"))
    return workspace


def read_back(path: Path) -> dict:
    """The exported Markdown as Pandoc reads it by default (as `pandoc brief.md` or Quarto would)."""
    return json.loads(pypandoc.convert_file(str(path), "json", format="markdown"))


def same_structure(value):
    """Pandoc JSON without what Pandoc's reader fills in or spells differently for the same structure.

    A line break in a paragraph is a space; a lone paragraph in a table cell is Plain; a simple
    table's unaligned column reads back as left-aligned; an autolink carries the class 'uri' or 'email'; a
    citation gets its source text and note number; a grid table's widths are whole columns of 72.
    """
    if isinstance(value, list):
        return [same_structure(item) for item in value]
    if not isinstance(value, dict):
        return value
    kind = value.get("t")
    if kind == "SoftBreak":
        return {"t": "Space"}
    if kind == "Plain":
        return {"t": "Para", "c": same_structure(value["c"])}
    if kind == "AlignLeft":
        return {"t": "AlignDefault"}
    if kind == "ColWidth":
        return {"t": "ColWidth", "c": round(value["c"] * 72)}
    if kind == "Link":
        (ident, classes, pairs), inlines, target = value["c"]
        return {
            "t": "Link",
            "c": [[ident, [c for c in classes if c not in ("uri", "email")], pairs], same_structure(inlines), target],
        }
    if kind == "Cite":
        items = [
            {k: same_structure(v) for k, v in i.items() if k not in ("citationNoteNum", "citationHash")}
            for i in value["c"][0]
        ]
        return {"t": "Cite", "c": items}
    return {key: same_structure(item) for key, item in value.items()}


def written_structure(workspace: Path, audience: str) -> list:
    """The structure briefgen handed Pandoc's writer for this audience."""
    ws, _ = open_workspace(workspace)
    brief = default_brief(ws, None)
    doc = document_for(ws, brief, audiences_for(ws, brief)[audience])
    return json.loads(json.dumps(MarkdownWriter(doc, labels_for(doc.language)).body()))


def widths_as_written(read, written):
    """`read` with the column widths of each table briefgen left to Pandoc (all default) as written:
    Pandoc's writer then chooses widths its grid table needs, and its reader returns those."""
    if isinstance(read, list) and isinstance(written, list) and len(read) == len(written):
        return [widths_as_written(r, w) for r, w in zip(read, written, strict=True)]
    if isinstance(read, dict) and isinstance(written, dict) and read.get("t") == written.get("t"):
        if read.get("t") == "Table":
            specs = written["c"][2]
            if all(spec[1] == {"t": "ColWidthDefault"} for spec in specs):
                read = {
                    **read,
                    "c": [read["c"][0], read["c"][1], [[r[0], w[1]] for r, w in zip(read["c"][2], specs, strict=True)]]
                    + read["c"][3:],
                }
        return {k: widths_as_written(v, written.get(k)) for k, v in read.items()}
    return read


@pytest.mark.parametrize("audience", ["boss", "reader", "public"])
def test_pandoc_reads_the_markdown_back_as_the_structure_briefgen_wrote(odd_workspace: Path, audience: str):
    text = odd_workspace / "dist" / "demo" / f"demo-{audience}.md"
    written = written_structure(odd_workspace, audience)
    assert same_structure(widths_as_written(read_back(text)["blocks"], written)) == same_structure(written)


def test_the_bibliography_stays_under_its_heading_without_a_disclaimer(tmp_path: Path):
    # Pandoc's writer drops an empty div at the end of a document; without `::: {#refs}` the
    # bibliography would still print, but wherever Pandoc puts it rather than under its heading.
    build(
        ROOT / "tests" / "fixtures" / "minimal", BuildOptions(audiences=("reader",), formats=("md",), out_dir=tmp_path)
    )
    blocks = read_back(tmp_path / "demo" / "demo-reader.md")["blocks"]
    assert blocks[-2]["t"] == "Header" and blocks[-2]["c"][1][0] == "bibliography"
    assert blocks[-1] == {"t": "Div", "c": [["refs", [], []], []]}
    assert same_structure(blocks) == same_structure(
        written_structure(ROOT / "tests" / "fixtures" / "minimal", "reader")
    )


def block_blocks(blocks: list, ident: str) -> list:
    """The blocks under a block's heading, up to the next heading."""
    start = next(i for i, b in enumerate(blocks) if b["t"] == "Header" and b["c"][1][0] == ident) + 1
    end = next((i for i, b in enumerate(blocks[start:], start) if b["t"] == "Header" and b["c"][0] <= 2), len(blocks))
    return blocks[start:end]


def test_text_that_looks_like_syntax_reads_back_as_the_text_written(odd_workspace: Path):
    exported = read_back(odd_workspace / "dist" / "demo" / "demo-reader.md")
    source = json.loads(pypandoc.convert_text(LINE_STARTS, "json", format=READER))
    ours = same_structure(block_blocks(exported["blocks"], "block-line-starts"))
    assert ours == same_structure(source["blocks"])
    plain = [pypandoc.convert_text(json.dumps({**exported, "blocks": [b]}), "plain", format="json") for b in ours]
    assert plain[0].startswith("1) A paragraph") and plain[1].startswith("+ A paragraph")
    assert plain[2].startswith("a) A paragraph") and plain[3].startswith("# A paragraph")


def test_plain_text_fields_stay_one_heading_and_one_paragraph(odd_workspace: Path):
    exported = read_back(odd_workspace / "dist" / "demo" / "demo-reader.md")
    blocks = exported["blocks"]

    def plain(block) -> str:
        return pypandoc.convert_text(
            json.dumps({**exported, "blocks": [block]}), "plain", format="json", extra_args=["--wrap=none"]
        ).strip()

    rec = block_blocks(blocks, "block-rec-odd")
    heading = next(b for b in blocks if b["t"] == "Header" and b["c"][1][0] == "block-rec-odd")
    assert plain(heading) == "3. # A title + that spans lines"
    assert [b["t"] for b in rec[:2]] == ["Para", "Para"]
    assert plain(rec[0]) == "+ Press \u201cpartners\u201d. 1) Then more -- much more."  # quotes typeset as titles are
    assert plain(rec[1]) == "Priority: Low · Owner: * Someone"
    assert blocks[-1]["t"] == "Para"
    assert plain(blocks[-1]) == "This brief is a test. 1) Its second paragraph starts like a list. + a plus"
    assert blocks[-2]["t"] == "HorizontalRule"


def test_references_and_links_point_inside_the_markdown(odd_workspace: Path):
    exported = read_back(odd_workspace / "dist" / "demo" / "demo-reader.md")
    idents: set[str] = set()
    targets: list[str] = []

    def walk(value) -> None:
        if isinstance(value, dict):
            if value.get("t") in ("Header", "Table", "Figure", "Div"):
                attr = value["c"][1] if value["t"] == "Header" else value["c"][0]
                idents.add(attr[0])
            if value.get("t") == "Link" and value["c"][2][0].startswith("#"):
                targets.append(value["c"][2][0][1:])
            for item in value.values():
                walk(item)
        elif isinstance(value, list):
            for item in value:
                walk(item)

    walk(exported["blocks"])
    assert {"fig-bars", "tbl-materials", "refs"} <= idents
    assert "fig-bars" in targets and "tbl-materials" in targets
    assert set(targets) <= idents


SAFE_HREF = re.compile(r"(?:https?://|mailto:|#)", re.I)


def test_no_unsafe_link_reaches_the_html_pandoc_makes_of_the_markdown(tmp_path: Path):
    workspace = copy_fixture("minimal", tmp_path)
    write_hostile_links(workspace)  # `check` refuses each (test_validate); a build never gets this far
    ws, diags = open_workspace(workspace)
    assert {d.code for d in diags.errors} == {"link.scheme"}
    brief = default_brief(ws, None)
    doc = document_for(ws, brief, audiences_for(ws, brief)["reader"])
    markdown = render_md(doc)
    assert doc.style_file is not None
    page = pypandoc.convert_text(
        markdown, "html", format="markdown", extra_args=["--citeproc", f"--csl={doc.style_file}"]
    )
    hrefs = [html.unescape(h) for h in re.findall(r"""href\s*=\s*["']([^"']*)""", page, re.I)]
    assert {"https://example.org", "mailto:desk@example.org"} <= set(hrefs)
    assert [h for h in hrefs if not SAFE_HREF.match(h)] == []
    ours = [html.unescape(h) for h in re.findall(r"""href\s*=\s*["']([^"']*)""", render_html(doc, load_style(ws.root)))]
    assert "https://example.org" in ours and [h for h in ours if not SAFE_HREF.match(h)] == []
    text = " ".join(pypandoc.convert_text(markdown, "plain", format="markdown").split())
    assert "Alpha one, two, three, four, five, javascript:alert(2), six, seven, eight, nine, bare " in text
    assert "See ten and again." in text


def test_the_header_s_words_stay_words_when_pandoc_reads_them(tmp_path: Path):
    # Pandoc reads every string of the YAML header as Markdown: a title or a reference is words in
    # briefgen's outputs, and must not become a link or raw HTML in `pandoc brief.md`.
    workspace = copy_fixture("minimal", tmp_path)
    hostile = "[Act](javascript:alert(1)) <script>alert(2)</script> `<b>`{=html} &#106;"
    brief = workspace / "briefs/demo/brief.yaml"
    brief.write_text(brief.read_text().replace("title: Demo brief", f"title: '{hostile}'"), encoding="utf-8")
    references = workspace / "briefs/demo/references.yaml"
    references.write_text(
        references.read_text().replace('title: "Japan dismayed', f'title: "{hostile} Japan dismayed'),
        encoding="utf-8",
    )
    build(workspace, BuildOptions(audiences=("reader",), formats=("md",), out_dir=tmp_path / "out"))
    folder = tmp_path / "out" / "demo"
    page = pypandoc.convert_file(
        str(folder / "demo-reader.md"), "html", extra_args=["-s", "--citeproc"], cworkdir=str(folder)
    )
    hrefs = [html.unescape(h) for h in re.findall(r"""href\s*=\s*["']([^"']*)""", page, re.I)]
    assert [h for h in hrefs if not SAFE_HREF.match(h)] == []
    assert "<script" not in page.lower() and "<b>" not in page.lower()
    flat = " ".join(page.split())
    assert f'<h1 class="title">{html.escape(hostile, quote=False)}</h1>' in flat
    assert flat.count("\u201c[Act](javascript:alert(1)) &lt;") == 5  # the reference's title: 4 notes, 1 entry
