"""`build --changes-since V`: the redline of each output against an issued version, in every format.

The repository's own brief is released as 1.0 and built; then one sentence is edited, a
paragraph deleted, a block added, a block moved to another section and a citation added, and
the version raised to 1.1. For every audience, Word's Accept All on the changes-DOCX must give
the text of the clean DOCX built now, and Reject All the text of the DOCX built at release
time, paragraph by paragraph, notes included. Accept and reject are done twice, by readers
other than briefgen: the XML rules of the standard (`tests/wordrevisions.py`) and LibreOffice
through its own UNO API. The HTML and the PDF must show the same inserted and deleted words.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import ROOT, copy_repo_workspace, shared
from lxml import html as lxml_html
from pypdf import PdfReader
from wordrevisions import resolved, revisions

from briefgen.build import BuildOptions, build
from briefgen.cli import cli
from briefgen.commands.release import release
from briefgen.runtime.pandoc import pandoc_path

AUDIENCES = ("policymaker", "analyst", "press")
BLOCKS = Path("briefs/japan-russia/blocks")
ADDED = """section: risks
title: Talks remain suspended
order: 5
status: approved
kind: prose
body: |
  Moscow suspended the peace-treaty negotiations in March 2022 [@fpri-japan-russia].
"""


def _edit(root: Path) -> None:
    """The edits of the issue: one sentence, a paragraph deleted, a block added and one moved, a citation."""
    ties = root / BLOCKS / "residual-ties.yaml"
    text = ties.read_text(encoding="utf-8")
    text = text.replace("Tokyo has stopped short of a complete break.", "Tokyo has not made a complete break.")
    text, deleted = re.subn(r"\n  More telling was.*?\[@fpri-japan-russia\]\.\n", "\n", text, flags=re.S)
    assert deleted == 1
    ties.write_text(text, encoding="utf-8")
    moved = root / BLOCKS / "china-restrains-russia.yaml"
    moved.write_text(re.sub(r"^section: .*$", "section: leverage", moved.read_text(encoding="utf-8"), flags=re.M))
    cited = root / BLOCKS / "talks-suspended-2022.yaml"
    text = cited.read_text(encoding="utf-8").replace("By most\n  measures,", "By most\n  measures [@dominguez2016],")
    assert "[@dominguez2016]," in text
    cited.write_text(text, encoding="utf-8")
    (root / BLOCKS / "talks-recap.yaml").write_text(ADDED, encoding="utf-8")
    brief = root / "briefs/japan-russia/brief.yaml"
    brief.write_text(brief.read_text(encoding="utf-8").replace('version: "1.0"', 'version: "1.1"'), encoding="utf-8")


@pytest.fixture(scope=shared("module"))
def redlined(tmp_path_factory) -> dict[str, Path]:
    """Built at release time (`issued`) and now, with the redlines (`now`)."""
    base = tmp_path_factory.mktemp("redline")
    root = copy_repo_workspace(base / "ws")
    assert release(root).written
    issued = base / "issued"
    formats = ("pdf", "docx", "html", "md")
    build(root, BuildOptions(all_audiences=True, out_dir=issued, formats=formats))
    _edit(root)
    now = base / "now"
    build(root, BuildOptions(all_audiences=True, out_dir=now, formats=formats, changes_since="1.0"))
    return {"root": root, "issued": issued / "japan-russia", "now": now / "japan-russia", "base": base}


def _generated(text: list[str]) -> list[str]:
    """Paragraphs without the masthead's date and version line, which shows the version being built (the
    contents list, whose page numbers are those of the file's own layout, `resolved` leaves out)."""
    return [p for p in text if " · Version " not in p]


def _words(docx: Path, accept: bool | None) -> dict[str, list[str]]:
    found = resolved(docx.read_bytes(), accept)
    return {"body": _generated(found["body"]), "notes": found["notes"]}


@pytest.mark.parametrize("audience", AUDIENCES)
def test_accepting_every_change_gives_the_current_text_and_rejecting_every_change_the_issued(
    redlined: dict[str, Path], audience: str
):
    changes = redlined["now"] / f"japan-russia-{audience}-changes-1.0.docx"
    assert _words(changes, True) == _words(redlined["now"] / f"japan-russia-{audience}.docx", None)
    assert _words(changes, False) == _words(redlined["issued"] / f"japan-russia-{audience}.docx", None)


def test_the_redline_is_made_of_word_revisions_by_briefgen(redlined: dict[str, Path]):
    analyst = revisions((redlined["now"] / "japan-russia-analyst-changes-1.0.docx").read_bytes())
    assert set(analyst) == {"ins:briefgen", "del:briefgen", "moveFrom:briefgen", "moveTo:briefgen"}
    press = revisions((redlined["now"] / "japan-russia-press-changes-1.0.docx").read_bytes())
    assert "moveTo:briefgen" not in press  # the moved block is new to the press: it did not read it before
    clean = revisions((redlined["now"] / "japan-russia-analyst.docx").read_bytes())
    assert clean == {}


def test_the_first_part_says_what_changed_and_links_to_it(redlined: dict[str, Path]):
    page = lxml_html.fromstring((redlined["now"] / "japan-russia-analyst-changes-1.0.html").read_bytes())
    summary = page.get_element_by_id("changes")
    assert summary.findtext("h2") == "Changes since version 1.0 of 2 May 2022"
    items = [" ".join(li.text_content().split()) for li in summary.iter("li")]
    assert items == [
        "Revised: Talks frozen over Ukraine (31 words in, 9 words out)",
        "Moved: Beijing blocks a rapprochement, from Risks",
        "Revised: Ties that survived the rupture (2 words in, 35 words out)",
        "Added: Talks remain suspended",
    ]
    for link in summary.iter("a"):
        assert page.get_element_by_id(link.get("href")[1:]) is not None  # each one lands on its block


def test_html_and_pdf_show_the_same_inserted_and_deleted_words(redlined: dict[str, Path]):
    page = lxml_html.fromstring((redlined["now"] / "japan-russia-analyst-changes-1.0.html").read_bytes())
    main = page.find(".//main")
    inserted = [" ".join(e.text_content().split()) for e in main.iter("ins")]
    deleted = [" ".join(e.text_content().split()) for e in main.iter("del")]
    assert "not made" in inserted and "stopped short of" in deleted
    assert any("More telling was a new agreement" in d for d in deleted)
    assert any(i.startswith("Talks remain suspended") for i in inserted)
    old_place = page.get_element_by_id("block-china-restrains-russia-was")
    assert old_place.get("class").split()[-1] == "rev-move-from"
    pdf = " ".join(
        " ".join(p.extract_text().split())
        for p in PdfReader(redlined["now"] / "japan-russia-analyst-changes-1.0.pdf").pages
    )
    for words in (
        "Changes since version 1.0 of 2 May 2022",
        "has stopped short of",
        "not made a complete break",
        "More telling was a new agreement",
    ):
        assert words in pdf


def test_change_bars_stand_in_the_margin_of_the_pdf(redlined: dict[str, Path], tmp_path: Path):
    """The first page, as a reader sees it: bars in the change colour left of the text, beside what changed."""
    from PIL import Image

    pdf = redlined["now"] / "japan-russia-analyst-changes-1.0.pdf"
    subprocess.run(["pdftoppm", "-png", "-r", "72", "-f", "2", "-l", "2", str(pdf), str(tmp_path / "p")], check=True)
    image = Image.open(next(tmp_path.glob("p*.png"))).convert("RGB")
    change = (0x1A, 0x5F, 0xB4)
    margin = [
        (x, y)
        for x in range(0, 60)
        for y in range(image.height)
        if all(abs(a - b) < 40 for a, b in zip(image.getpixel((x, y)), change, strict=True))
    ]
    assert len({y for _x, y in margin}) > 30, "no change bar in the left margin of page 2"


@pytest.mark.slow
def test_libreoffice_accepts_and_rejects_the_same(redlined: dict[str, Path], tmp_path: Path):
    system_python = shutil.which("python3", path="/usr/bin:/usr/local/bin") or "python3"
    probe = subprocess.run([system_python, "-c", "import uno"], capture_output=True)
    if probe.returncode != 0:
        pytest.skip("needs LibreOffice's Python UNO bridge (python3-uno)")
    script = ROOT / "tests" / "libreoffice_revisions.py"

    def through_libreoffice(action: str, docx: Path) -> Path:
        out = tmp_path / f"{action}-{docx.name}"
        subprocess.run(
            [system_python, str(script), action, str(docx), str(out), str(tmp_path / "profile")],
            check=True,
            capture_output=True,
            timeout=240,
        )
        return out

    changes = redlined["now"] / "japan-russia-analyst-changes-1.0.docx"
    accepted = _words(through_libreoffice("accept", changes), None)
    assert accepted == _words(through_libreoffice("keep", redlined["now"] / "japan-russia-analyst.docx"), None)
    rejected = _words(through_libreoffice("reject", changes), None)
    assert rejected == _words(through_libreoffice("keep", redlined["issued"] / "japan-russia-analyst.docx"), None)


def test_markdown_marks_the_changes_as_pandoc_reads_tracked_changes(redlined: dict[str, Path]):
    text = (redlined["now"] / "japan-russia-analyst-changes-1.0.md").read_text(encoding="utf-8")
    ast = json.loads(
        subprocess.run(
            [pandoc_path(), "-f", "markdown", "-t", "json"], input=text, capture_output=True, text=True, check=True
        ).stdout
    )
    spans = []

    def walk(node):
        if isinstance(node, dict):
            if node.get("t") in ("Span", "Div") and node["c"][0][1][:1] in (["insertion"], ["deletion"]):
                spans.append(node["c"][0][1][0])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(ast["blocks"])
    assert "insertion" in spans and "deletion" in spans


def test_the_manifest_lists_the_redlines_and_a_plain_build_keeps_them(redlined: dict[str, Path]):
    manifest = json.loads((redlined["now"] / "manifest.json").read_text(encoding="utf-8"))
    redlines = sorted(e["path"] for e in manifest["outputs"] if e.get("changes_since") == "1.0")
    assert redlines == sorted(
        f"japan-russia-{a}-changes-1.0.{ext}" for a in AUDIENCES for ext in ("docx", "html", "md", "pdf")
    )


def test_a_version_never_released_is_refused_before_anything_is_built(redlined: dict[str, Path], tmp_path: Path):
    root = redlined["root"]
    out = tmp_path / "out"
    result = CliRunner().invoke(cli, ["-w", str(root), "build", "--changes-since", "0.9", "-o", str(out)])
    assert result.exit_code == 2
    assert "japan-russia: version '0.9' was never released; released versions: 1.0" in result.output
    assert not (out / "japan-russia" / "manifest.json").exists()


def test_a_damaged_record_is_refused_by_name(redlined: dict[str, Path], tmp_path: Path):
    root = tmp_path / "ws"
    shutil.copytree(redlined["root"], root)
    record = root / "briefs/japan-russia/releases/1.0/analyst.document.json"
    record.write_text(json.dumps({"format": 1, "document": {"@": "Popen", "args": ["sh"]}}), encoding="utf-8")
    result = CliRunner().invoke(
        cli, ["-w", str(root), "build", "--changes-since", "1.0", "-a", "analyst", "-f", "docx"]
    )
    assert result.exit_code == 2
    assert (
        "briefs/japan-russia/releases/1.0: analyst.document.json is not a document 'briefgen release' wrote: "
        "it names 'Popen', which is not part of briefgen's document; release version 1.0 again from its git "
        "commit to compare with it"
    ) in result.output


@pytest.mark.slow
def test_review_of_a_returned_redline_reads_only_the_reviewers_changes(redlined: dict[str, Path], tmp_path: Path):
    """briefgen's own revisions are accepted as it reads the file; a reviewer's, made in LibreOffice, remain."""
    root = redlined["root"]
    changes = redlined["now"] / "japan-russia-analyst-changes-1.0.docx"
    untouched = CliRunner().invoke(cli, ["-w", str(root), "review", str(changes)])
    assert untouched.exit_code == 0, untouched.output
    assert untouched.output.splitlines()[-1] == f"{changes}: 0 comments, 0 changes"
    system_python = shutil.which("python3", path="/usr/bin:/usr/local/bin") or "python3"
    if subprocess.run([system_python, "-c", "import uno"], capture_output=True).returncode != 0:
        pytest.skip("needs LibreOffice's Python UNO bridge (python3-uno)")
    edited = tmp_path / "reviewed.docx"
    script = ROOT / "tests" / "libreoffice_reviewer.py"
    subprocess.run(
        [system_python, str(script), str(changes), str(edited), str(tmp_path / "profile")],
        check=True,
        capture_output=True,
        timeout=240,
    )
    result = CliRunner().invoke(cli, ["-w", str(root), "review", str(edited)])
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[-1] == f"{edited}: 0 comments, 2 changes (1 insertion, 1 deletion); 2 placed"
    assert "pursued privately{+ and patiently+}" in result.output


def test_diff_with_a_version_outside_git_points_to_since(redlined: dict[str, Path]):
    result = CliRunner().invoke(cli, ["-w", str(redlined["root"]), "diff", "1.0"])
    assert result.exit_code == 2
    assert result.output.rstrip().endswith(
        "to compare with a version issued by 'briefgen release', use 'briefgen diff --since VERSION'"
    )


@pytest.mark.slow
def test_every_redline_passes_the_accessibility_checks(redlined: dict[str, Path]):
    """Headings in order, alternative text, contrast of the change colour, axe-core on the HTML."""
    out = redlined["now"].parent
    result = CliRunner().invoke(cli, ["-w", str(redlined["root"]), "check", "--accessibility", "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert "; 18 outputs accessible;" in result.output  # 3 audiences x PDF, Word and HTML, clean and redlined
