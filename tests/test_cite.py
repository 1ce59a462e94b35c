"""Citations through Pandoc's citeproc: exact Chicago notes, author-date, bibliography formats."""

import json
import re
import shutil
from pathlib import Path

import pytest
from conftest import FIXTURES, ROOT

from briefgen.content.richtext import blocks_text, plain_text
from briefgen.document.cite import cite, resolve_style
from briefgen.document.select import audiences_for, select
from briefgen.document.workspace import open_workspace

DOMINGUEZ_FULL = (
    "Gabriel Dominguez, \u201cJapan Dismayed at Russia\u2019s Missile Deployment to Disputed Islands, "
    "Says Report,\u201d Jane\u2019s Defence Weekly, November 25, 2016"
)
DOMINGUEZ_SHORT = "Dominguez, \u201cJapan Dismayed at Russia\u2019s Missile Deployment to Disputed Islands, Says Report"


def cited(root: Path, audience: str, csl: str | None = None):
    ws, diags = open_workspace(root)
    assert diags.errors == []
    brief = ws.briefs["demo"]
    profile = audiences_for(ws, brief)[audience]
    doc = select(brief, profile)
    return cite(doc, brief.references, resolve_style(csl or doc.csl, brief.folder, ws.root))


def notes(doc) -> list[str]:
    return [blocks_text(n.blocks) for n in doc.notes]


def test_chicago_full_then_short_notes_letter_for_letter():
    assert notes(cited(FIXTURES / "minimal", "reader")) == [
        "\u201cJapan-Russia Relations After the Russian-Ukrainian War,\u201d Foreign Policy Research Institute.",
        f"{DOMINGUEZ_FULL}, 4.",
        f"{DOMINGUEZ_SHORT}.\u201d",
        f"{DOMINGUEZ_SHORT},\u201d 4.",
        f"{DOMINGUEZ_SHORT},\u201d 4.",
    ]


def test_ibid_variant_capitalises_and_repeats_alone():
    doc = cited(FIXTURES / "minimal", "reader", "chicago-notes-bibliography-subsequent-ibid")
    # Note 2 cited page 4; note 3 cites the whole work, so it cannot be "Ibid." (that would mean p. 4).
    assert notes(doc)[2:] == [f"{DOMINGUEZ_SHORT}.\u201d", "Ibid., 4.", "Ibid."]


def test_periodical_titles_are_italic():
    doc = cited(FIXTURES / "minimal", "reader")
    from briefgen.model import Emph

    italics = [plain_text(n.children) for n in doc.notes[1].blocks[0].inlines if isinstance(n, Emph)]
    assert italics == ["Jane\u2019s Defence Weekly"]


def test_author_date_style_gives_in_text_citations_and_no_notes():
    doc = cited(FIXTURES / "minimal", "reader", "apa")
    assert doc.notes == ()
    texts = sorted({plain_text(r.inline) for r in doc.citations.values()})
    assert "(Dominguez, 2016)" in texts
    assert "(Dominguez, 2016, p. 4)" in texts


def test_notes_none_drops_calls_and_spaces():
    doc = cited(FIXTURES / "minimal", "public")
    assert doc.notes == ()
    missiles = next(b for b in doc.blocks if b.id == "missiles")
    from briefgen.content.richtext import blocks_text

    assert blocks_text(missiles.content) == "New missile batteries arrived. They stayed. And stayed."


def test_bibliography_lists_only_works_cited_for_that_audience(minimal: Path):
    (minimal / "briefs/demo/blocks/missiles.yaml").write_text(
        "section: context\ntitle: Missiles\nstatus: approved\nsummary: s\naudiences: [boss]\n"
        "body: Only the boss reads this [@dominguez2016].\n",
        encoding="utf-8",
    )
    (minimal / "briefs/demo/blocks/history.yaml").write_text(
        "section: context\ntitle: History\nstatus: approved\nsummary: s\nbody: History [@fpri].\n",
        encoding="utf-8",
    )
    doc = cited(minimal, "reader")
    assert [plain_text(e) for e in doc.bibliography] == [
        "Foreign Policy Research Institute. \u201cJapan-Russia Relations After the Russian-Ukrainian War.\u201d"
    ]


BIBTEX = """@article{dominguez2016,
  author = {Dominguez, Gabriel},
  title = {Japan dismayed at Russia's missile deployment to disputed islands, says report},
  journaltitle = {Jane's Defence Weekly},
  date = {2016-11-25},
  entrysubtype = {magazine}
}
@online{fpri,
  title = {Japan-Russia Relations After the Russian-Ukrainian War},
  organization = {Foreign Policy Research Institute}
}
"""


def test_csl_json_and_bibtex_match_csl_yaml(tmp_path: Path):
    expected = notes(cited(FIXTURES / "minimal", "reader"))
    ws, _ = open_workspace(FIXTURES / "minimal")
    items = [r.csl for r in ws.briefs["demo"].references.values()]
    for name, content in [("references.json", json.dumps(items)), ("references.bib", BIBTEX)]:
        copy = tmp_path / name
        shutil.copytree(FIXTURES / "minimal", copy)
        brief = copy / "briefs/demo"
        (brief / "references.yaml").unlink()
        (brief / name).write_text(content, encoding="utf-8")
        text = (brief / "brief.yaml").read_text(encoding="utf-8").replace("references.yaml", name)
        (brief / "brief.yaml").write_text(text, encoding="utf-8")
        assert notes(cited(copy, "reader"))[:2] == expected[:2], name


def test_audience_may_override_the_style(minimal: Path):
    audiences = minimal / "audiences.yaml"
    audiences.write_text(
        audiences.read_text(encoding="utf-8").replace("  notes: endnotes\n", "  notes: endnotes\n  csl: apa\n"),
        encoding="utf-8",
    )
    assert cited(minimal, "reader").notes == ()
    assert len(cited(minimal, "boss").notes) > 0


def test_note_count_equals_citations_and_explanatory_notes_in_the_selected_blocks(default_build: Path):
    from readers import docx_notes, pdf_text, squash

    from briefgen.document.cite import note_events

    ws, _ = open_workspace(ROOT)
    brief = ws.briefs["japan-russia"]
    for audience in ("policymaker", "analyst"):
        doc = select(brief, audiences_for(ws, brief)[audience])
        expected = len(note_events(doc))  # each citation outside a note, and each explanatory note
        notes_in_word = docx_notes(default_build / f"japan-russia-{audience}.docx")
        assert len(notes_in_word) == expected, audience
        text = squash(pdf_text(default_build / f"japan-russia-{audience}.pdf"))
        assert f"{expected}. " in text and f"{expected + 1}. Ibid" not in text


def test_language_sets_citation_terms_and_quotation_marks(minimal: Path):
    brief_yaml = minimal / "briefs" / "demo" / "brief.yaml"
    brief_yaml.write_text(brief_yaml.read_text() + "lang: de-DE\n", encoding="utf-8")
    history = minimal / "briefs" / "demo" / "blocks" / "history.yaml"
    history.write_text(history.read_text().replace("Long history", 'A "long" history'), encoding="utf-8")
    missiles = minimal / "briefs" / "demo" / "blocks" / "missiles.yaml"
    missiles.write_text(missiles.read_text().replace("p. 4", "S. 4"), encoding="utf-8")  # German page label
    from briefgen.build import document_for

    ws, diags = open_workspace(minimal)
    brief = ws.briefs["demo"]
    profile = audiences_for(ws, brief)["reader"]
    doc = document_for(ws, brief, profile)
    assert doc.language == "de-DE"
    assert "A \u201elong\u201c history" in blocks_text(doc.blocks[0].content)
    ibid = cited(minimal, "reader", "chicago-notes-bibliography-subsequent-ibid")
    assert notes(ibid)[3:] == ["Ebd., 4.", "Ebd."]  # Pandoc's citeproc in German: "Ebd.", not "Ibid."


# ---------------------------------------------------------------- which style, and which citations


def test_a_workspace_csl_file_must_be_a_csl_style_inside_the_workspace(tmp_path: Path):
    from briefgen.document.cite import StyleNotFound

    brief = tmp_path / "ws" / "briefs" / "demo"
    brief.mkdir(parents=True)
    (brief / "broken.csl").write_text("<style><citation>", encoding="utf-8")
    (brief / "other.csl").write_text("<style xmlns='http://purl.org/net/xbiblio/csl'><info/></style>")
    (brief / "notstyle.csl").write_text(
        "<locale xmlns='http://purl.org/net/xbiblio/csl'><citation/></locale>", encoding="utf-8"
    )
    good = brief / "good.csl"
    shutil.copy(resolve_style("apa", brief, tmp_path / "ws"), good)
    (tmp_path / "outside.csl").write_text("<style/>", encoding="utf-8")
    assert resolve_style("good.csl", brief, tmp_path / "ws") == good.resolve()
    messages = {}
    for name in ("broken.csl", "other.csl", "notstyle.csl", "missing.csl", "../../../outside.csl"):
        with pytest.raises(StyleNotFound) as refused:
            resolve_style(name, brief, tmp_path / "ws")
        messages[name] = str(refused.value)
    assert messages["broken.csl"].startswith("CSL file 'broken.csl' is not valid XML (")
    assert messages["broken.csl"].endswith("); fix it or use a style id such as 'chicago-notes-bibliography'")
    for name in ("other.csl", "notstyle.csl"):
        assert messages[name] == (
            f"'{name}' is not a CSL style (no <style> with a <citation>); use a .csl file from the CSL styles "
            "repository or a style id"
        )
    assert messages["missing.csl"] == (
        "CSL file 'missing.csl' does not exist; fix the path (relative to the brief folder)"
    )
    assert messages["../../../outside.csl"] == (
        "CSL file '../../../outside.csl' lies outside the workspace; copy it into the workspace"
    )


SHIPPED = (
    "american-political-science-association, apa, chicago-author-date, chicago-notes-bibliography, "
    "chicago-notes-bibliography-subsequent-ibid, harvard-cite-them-right, ieee, modern-language-association, "
    "nature, nlm-citation-sequence, vancouver-nlm"
)


def test_an_unknown_style_id_names_the_styles_briefgen_ships_and_the_csl_file_way(tmp_path: Path):
    from briefgen.document.cite import StyleNotFound

    messages = {}
    for name in ("chicago-notes-bibliograpy", "oxford-university-press-humsoc", "../csl/apa"):
        with pytest.raises(StyleNotFound) as refused:
            resolve_style(name, tmp_path, tmp_path)
        messages[name] = str(refused.value)
    after = (
        f"; briefgen ships {SHIPPED}. For another style, save its .csl file (from https://www.zotero.org/styles) "
        "in the workspace and write its path instead, for example csl: my-style.csl"
    )
    assert messages == {
        "chicago-notes-bibliograpy": (
            "unknown citation style 'chicago-notes-bibliograpy' (did you mean 'chicago-notes-bibliography'?)" + after
        ),
        "oxford-university-press-humsoc": "unknown citation style 'oxford-university-press-humsoc'" + after,
        "../csl/apa": "unknown citation style '../csl/apa'" + after,
    }


def test_every_style_id_the_readme_the_docs_and_the_workspaces_name_is_shipped():
    from briefgen.document.cite import DEFAULT_STYLE, STYLES, shipped_styles

    assert ", ".join(shipped_styles()) == SHIPPED
    texts = [ROOT / "README.md", *(ROOT / "docs").rglob("*.md"), *(ROOT / "briefs").rglob("*.yaml")]
    texts += [*(ROOT / "tests/fixtures").rglob("*.yaml"), *(STYLES.parent / "workspace").rglob("*.yaml")]
    csl = re.compile(r"^\s*(?:#\s*)?csl:\s*([a-z][a-z0-9-]+)\s*(?:#|$)", re.M)
    named = {m.group(1) for path in texts for m in csl.finditer(path.read_text("utf-8", "replace"))}
    assert {DEFAULT_STYLE, "apa", "chicago-notes-bibliography-subsequent-ibid"} <= named
    for name in named | {DEFAULT_STYLE}:
        assert resolve_style(name, ROOT, ROOT).is_relative_to(STYLES), name
    assert "CC BY-SA 3.0" in (STYLES / "LICENSE.txt").read_text(encoding="utf-8")


def test_a_dependent_style_is_the_shipped_style_it_points_to(tmp_path: Path):
    from briefgen.document.cite import STYLES, StyleNotFound

    assert resolve_style("vancouver-nlm", tmp_path, tmp_path) == STYLES / "nlm-citation-sequence.csl"
    link = '<style xmlns="http://purl.org/net/xbiblio/csl"><info><link href="http://www.zotero.org/styles/{}" '
    (tmp_path / "journal.csl").write_text(link.format("apa") + 'rel="independent-parent"/></info></style>')
    (tmp_path / "other.csl").write_text(link.format("elsevier-harvard") + 'rel="independent-parent"/></info></style>')
    assert resolve_style("journal.csl", tmp_path, tmp_path) == STYLES / "apa.csl"
    with pytest.raises(StyleNotFound) as refused:
        resolve_style("other.csl", tmp_path, tmp_path)
    assert str(refused.value) == (
        "'other.csl' is a dependent CSL style that uses the rules of 'elsevier-harvard', which briefgen does not "
        "ship; save elsevier-harvard.csl from the CSL styles repository in the workspace and name that file instead"
    )


@pytest.mark.parametrize("style", SHIPPED.split(", "))
def test_pandoc_formats_a_citation_with_every_shipped_style(style: str):
    import subprocess

    from briefgen.runtime.pandoc import pandoc_path

    plain = subprocess.run(
        [pandoc_path(), "-f", "markdown", "-t", "plain", "--citeproc", f"--csl={resolve_style(style, ROOT, ROOT)}",
         f"--bibliography={FIXTURES / 'minimal/briefs/demo/references.yaml'}"],
        input=b"Missiles [@dominguez2016].", capture_output=True, check=True,
    ).stdout.decode()  # fmt: skip
    assert "Dominguez" in plain and "Missiles" in plain, plain


def test_citations_in_order_are_each_audiences_citations_as_the_block_files_give_them():
    from briefgen.document.cite import citations_in_order

    ws, _ = open_workspace(FIXTURES / "minimal")
    brief = ws.briefs["demo"]
    found = {}
    for audience in ("reader", "boss"):
        doc = select(brief, audiences_for(ws, brief)[audience])
        found[audience] = [(block, c.items[0].key, c.items[0].suffix) for block, c in citations_in_order(doc)]
    # the bodies (reader) and the summaries (boss) of the fixture's block files, top to bottom
    page4 = "p.\u00a04"  # Pandoc's reading of ", p. 4"
    assert found == {
        "reader": [
            ("history", "fpri", ""),
            ("history", "dominguez2016", page4),
            ("missiles", "dominguez2016", ""),
            ("missiles", "dominguez2016", page4),
            ("missiles", "dominguez2016", page4),
        ],
        "boss": [("history", "fpri", ""), ("missiles", "dominguez2016", "")],
    }


def test_a_citation_inside_an_explanatory_note_is_formatted_there_as_pandoc_formats_it(minimal: Path):
    import re
    import subprocess

    from briefgen.document.cite import citations_in_order
    from briefgen.runtime.pandoc import pandoc_path

    text = "New batteries arrived.^[As [@dominguez2016, p. 4] reports, and [@fpri] agrees.] They stayed."
    block = minimal / "briefs/demo/blocks/missiles.yaml"
    lines = block.read_text(encoding="utf-8").splitlines()
    block.write_text("\n".join(line if not line.startswith("body:") else f"body: {text}" for line in lines) + "\n")
    doc = cited(minimal, "reader")
    assert [(b, c.items[0].key) for b, c in citations_in_order(doc) if b == "missiles"] == [
        ("missiles", "dominguez2016"),
        ("missiles", "fpri"),
    ]
    style = resolve_style(doc.csl, minimal / "briefs/demo", minimal)
    # Pandoc, on the history block's body and then this one, as the reader meets them
    history = "Long history of the *Hokkaidō* dispute [@fpri].\n\n- first point\n- second point [@dominguez2016, p. 4]"
    plain = subprocess.run(
        [pandoc_path(), "-f", "markdown", "-t", "plain", "--wrap=none", "--citeproc", f"--csl={style}",
         f"--bibliography={minimal / 'briefs/demo/references.yaml'}", "-M", "suppress-bibliography=true"],
        input=f"{history}\n\n> A quoted line.\n\n{text}".encode(), capture_output=True, check=True,
    ).stdout.decode()  # fmt: skip
    pandoc_notes = [" ".join(n.split()) for n in re.findall(r"^\[\d+\] (.*)$", plain, flags=re.M)]
    assert notes(doc) == pandoc_notes


def test_citeprocs_answer_is_kept_and_used_again(tmp_path: Path):
    from briefgen.document.cite import cite

    ws, _ = open_workspace(FIXTURES / "minimal")
    brief = ws.briefs["demo"]
    doc = select(brief, audiences_for(ws, brief)["reader"])
    style = resolve_style(doc.csl, brief.folder, ws.root)
    first = cite(doc, brief.references, style, tmp_path / "citations")
    kept = sorted((tmp_path / "citations").iterdir())
    assert kept
    assert cite(doc, brief.references, style, tmp_path / "citations") == first == cite(doc, brief.references, style)
    assert sorted((tmp_path / "citations").iterdir()) == kept
    from briefgen.runtime.files import read_cache

    assert [type(read_cache(path)) for path in kept] == [dict]  # Pandoc's answer itself, read back


def test_the_document_names_its_style_file_with_or_without_citations(minimal: Path):
    for audience in ("reader", "public"):
        doc = cited(minimal, audience)
        assert doc.style_file == resolve_style("chicago-notes-bibliography", minimal / "briefs/demo", minimal)
    for name in ("history.yaml", "missiles.yaml"):  # no citation left anywhere
        block = minimal / "briefs/demo/blocks" / name
        block.write_text(block.read_text(encoding="utf-8").replace("[@", "[x"), encoding="utf-8")
    doc = cited(minimal, "reader")
    assert doc.notes == () and doc.style_file == resolve_style(doc.csl, minimal / "briefs/demo", minimal)


def test_a_bibliography_only_for_an_audience_that_asks_for_one_and_notes_none_drops_explanatory_notes(minimal: Path):
    block = minimal / "briefs/demo/blocks/missiles.yaml"
    block.write_text(
        block.read_text(encoding="utf-8").replace("And stayed [@", "And stayed.^[An aside.] Then [@"),
        encoding="utf-8",
    )
    assert cited(minimal, "reader").bibliography and not cited(minimal, "boss").bibliography
    public = cited(minimal, "public")
    assert public.notes == () and "An aside" not in blocks_text(
        next(b for b in public.blocks if b.id == "missiles").content
    )
    assert [blocks_text(n.blocks) for n in cited(minimal, "reader").notes if "aside" in blocks_text(n.blocks)] == [
        "An aside."
    ]
