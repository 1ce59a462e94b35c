"""Scheduled exports: incremental, reproducible, parallel, machine-readable."""

import json
import os
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import ROOT, copy_repo_workspace

from briefgen.build import BuildOptions, build, build_all
from briefgen.cli import cli


def files(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.suffix in (".pdf", ".docx")}


@pytest.mark.slow
def test_unchanged_outputs_are_not_rebuilt_or_touched(minimal: Path):
    options = BuildOptions(all_audiences=True, formats=("pdf", "docx"), jobs=1)
    first = build(minimal, options)
    out = first.out_dir
    stamps = {p.name: p.stat().st_mtime_ns for p in out.iterdir()}
    again = build(minimal, options)
    assert again.outputs == [] and len(again.up_to_date) == 6
    assert {p.name: p.stat().st_mtime_ns for p in out.iterdir()} == stamps  # manifest included
    block = minimal / "briefs/demo/blocks/missiles.yaml"
    block.write_text(block.read_text().replace("New missile", "Newer missile"), encoding="utf-8")
    changed = build(minimal, options)
    assert len(changed.outputs) == 6  # inputs are hashed per brief: every audience is redone
    forced = build(minimal, BuildOptions(audiences=("boss",), formats=("pdf",), force=True, jobs=1))
    assert [o.audience for o in forced.outputs] == ["boss"]
    (out / "demo-reader.pdf").write_bytes(b"tampered")
    repaired = build(minimal, options)
    assert [(o.audience, o.format) for o in repaired.outputs] == [("reader", "pdf")]  # the docx is still good


@pytest.mark.slow
def test_two_builds_in_different_folders_are_byte_identical(tmp_path: Path, monkeypatch):
    options = dict(all_audiences=True, formats=("pdf", "docx"), jobs=1)
    build(ROOT, BuildOptions(out_dir=tmp_path / "a", **options))
    build(ROOT, BuildOptions(out_dir=tmp_path / "b", **options))
    a, b = files(tmp_path / "a" / "japan-russia"), files(tmp_path / "b" / "japan-russia")
    assert a.keys() == b.keys() and len(a) == 6
    assert a == b
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    build(ROOT, BuildOptions(out_dir=tmp_path / "c", **options))
    c = files(tmp_path / "c" / "japan-russia")
    assert c != a
    from pypdf import PdfReader

    meta = PdfReader(str(tmp_path / "c" / "japan-russia" / "japan-russia-analyst.pdf")).metadata
    assert meta["/CreationDate"].startswith("D:20231114")


@pytest.mark.slow
def test_parallel_workers_give_the_same_files(tmp_path: Path):
    options = dict(all_audiences=True, formats=("pdf", "docx"), force=True)
    build(ROOT, BuildOptions(out_dir=tmp_path / "one", jobs=1, **options))
    build(ROOT, BuildOptions(out_dir=tmp_path / "two", jobs=2, **options))
    assert files(tmp_path / "one" / "japan-russia") == files(tmp_path / "two" / "japan-russia")


@pytest.mark.slow
def test_all_briefs_json_and_summary(minimal: Path, tmp_path: Path):
    from briefgen.commands.scaffold import new_brief

    new_brief(minimal, "second")
    results = build_all(minimal, BuildOptions(audiences=("reader",), formats=("html",), jobs=1))
    assert [r.brief for r in results] == ["demo", "second"]
    runner = CliRunner()
    summary = tmp_path / "summary.md"
    result = runner.invoke(
        cli,
        ["-w", str(minimal), "build", "--all", "-a", "reader", "-f", "html", "--json", "--summary-md", str(summary)],
    )
    assert result.exit_code == 0, result.output
    manifests = json.loads(result.stdout)["result"]["briefs"]
    assert [m["brief"] for m in manifests] == ["demo", "second"]
    table = summary.read_text()
    assert table.startswith("| brief | audience | format | pages | words | warnings | status |")
    assert "| demo | reader | html |  |" in table and "up to date" in table
    listing = json.loads(runner.invoke(cli, ["-w", str(minimal), "list", "--json"]).stdout)["result"]
    assert [b["id"] for b in listing["briefs"]] == ["demo", "second"]
    assert listing["briefs"][0]["blocks"][0] == {
        "id": "history",
        "section": "context",
        "kind": "prose",
        "status": "approved",
        "audiences": ["boss", "reader", "public"],
        "excluded_by": {},
    }
    assert os.environ.get("SOURCE_DATE_EPOCH") is None


def test_a_shared_bibliography_outside_the_brief_counts_as_an_input(minimal: Path):
    shared = minimal / "shared"
    shared.mkdir()
    (minimal / "briefs/demo/references.yaml").rename(shared / "refs.yaml")
    brief = minimal / "briefs/demo/brief.yaml"
    brief.write_text(brief.read_text().replace("references.yaml", "../../shared/refs.yaml"))
    options = BuildOptions(audiences=("reader",), formats=("html",), jobs=1)
    build(minimal, options)
    refs = shared / "refs.yaml"
    refs.write_text(refs.read_text().replace("Jane's Defence Weekly", "Janes Weekly"))
    again = build(minimal, options)
    assert len(again.outputs) == 1 and "Janes Weekly" in again.outputs[0].data.decode()


def test_outputs_are_readable_by_others_and_bad_epochs_are_usage_errors(minimal: Path, monkeypatch):
    import stat

    import pytest

    from briefgen.errors import UsageError

    result = build(minimal, BuildOptions(audiences=("boss",), formats=("pdf",), jobs=1))
    assert stat.S_IMODE(result.outputs[0].path.stat().st_mode) & 0o044 == 0o044
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "99999999999999")
    with pytest.raises(UsageError, match="SOURCE_DATE_EPOCH=99999999999999 is not a usable date"):
        build(minimal, BuildOptions(audiences=("boss",), formats=("pdf",), jobs=1, force=True))


def test_strict_sees_warnings_of_up_to_date_outputs_and_new_formats_leave_others_alone(minimal: Path):
    import pytest

    from briefgen.errors import ContentError

    brief = minimal / "briefs/demo/brief.yaml"
    brief.write_text(
        brief.read_text().replace(
            "    label: General public\n", "    label: General public\n    max_pages: 1\n  reader:\n    max_pages: 1\n"
        )
    )
    first = build(minimal, BuildOptions(audiences=("reader",), formats=("pdf",), jobs=1))
    assert [d.code for d in first.diagnostics.warnings] == ["budget.pages"]
    pdf = first.outputs[0].path
    stamp = pdf.stat().st_mtime_ns
    with pytest.raises(ContentError) as failure:
        build(minimal, BuildOptions(audiences=("reader",), formats=("pdf",), jobs=1, strict=True))
    assert failure.value.message.endswith("1 warning treated as errors (--strict); nothing was written.")
    more = build(minimal, BuildOptions(audiences=("reader",), formats=("pdf", "html"), jobs=1))
    assert [o.format for o in more.outputs] == ["html"] and pdf.stat().st_mtime_ns == stamp


def test_outputs_of_a_removed_audience_are_cleaned_up(minimal: Path):
    options = BuildOptions(formats=("html",), jobs=1)
    out = build(minimal, options).out_dir
    assert (out / "demo-public.html").exists()
    audiences = minimal / "audiences.yaml"
    audiences.write_text(audiences.read_text().replace("public:", "everyone:"))
    for path in [minimal / "briefs/demo/brief.yaml", *(minimal / "briefs/demo/blocks").glob("*.yaml")]:
        path.write_text(path.read_text().replace("  public:\n", "  everyone:\n"))
    result = build(minimal, options)
    assert not (out / "demo-public.html").exists() and (out / "demo-everyone.html").exists()
    assert "public" not in {o["audience"] for o in result.manifest["outputs"]}
    build(minimal, BuildOptions(audiences=("boss",), formats=("html",), jobs=1, force=True))
    assert (out / "demo-everyone.html").exists()  # a partial build never removes anything


def test_settings_that_do_not_shape_outputs_do_not_rebuild_them(minimal: Path):
    options = BuildOptions(audiences=("reader",), formats=("pdf",), jobs=1)
    build(minimal, options)
    config = minimal / "briefgen.yaml"
    config.write_text(config.read_text().replace("formats: [pdf, docx]", "formats: [pdf, docx, html]  # more"))
    assert build(minimal, options).outputs == []


def test_far_future_dates_still_make_a_word_file(minimal: Path):
    brief = minimal / "briefs/demo/brief.yaml"
    brief.write_text(brief.read_text().replace("date: 2022-05-02", "date: 2202-05-02"))
    result = build(minimal, BuildOptions(audiences=("boss",), formats=("docx",), jobs=1))
    assert result.outputs[0].data.startswith(b"PK")


# ---------------------------------------------------------------- Word, HTML and Markdown without a PDF layout


def _repo_workspace(dest: Path) -> Path:
    """A private copy of the repository's workspace: its caches (layouts, citations) start empty."""
    return copy_repo_workspace(dest)


def _contents(docx_bytes: bytes) -> list[str]:
    """The entries of a Word file's contents list, as Word shows them before any field update."""
    import io

    import docx

    document = docx.Document(io.BytesIO(docx_bytes))
    return [p.text for p in document.paragraphs if p.style.style_id == "TOC1"]


@pytest.mark.slow
def test_word_alone_takes_page_numbers_and_the_budget_from_the_last_layout(tmp_path: Path, monkeypatch):
    import re
    from dataclasses import replace

    from weasyprint import HTML

    ws = _repo_workspace(tmp_path / "ws")
    audiences = ws / "audiences.yaml"
    audiences.write_text(audiences.read_text().replace("  max_pages: 8\n", "  max_pages: 6\n"))
    layouts: list[str] = []
    real_render = HTML.render

    def counted(self, *args, **kwargs):
        layouts.append("laid out")
        return real_render(self, *args, **kwargs)

    monkeypatch.setattr(HTML, "render", counted)
    options = BuildOptions(audiences=("analyst",), formats=("docx",), jobs=1)
    first = build(ws, options)
    assert layouts  # nothing cached yet: the PDF is laid out (not written) for Word's page numbers
    word = first.outputs[0].data
    contents = _contents(word)
    assert contents[0] == "Background\t1" and len(contents) >= 5
    assert all(re.fullmatch(r"[^\t]+\t\d+", entry) for entry in contents), contents
    budget = "the analyst brief runs to 7 pages, over its budget of 6"
    assert [d.message[: len(budget)] for d in first.diagnostics.warnings] == [budget]

    def refused(self, *args, **kwargs):
        raise AssertionError("a Word build laid the PDF out although the same inputs were laid out before")

    monkeypatch.setattr(HTML, "render", refused)
    again = build(ws, replace(options, force=True))
    assert again.outputs[0].data == word  # the same page numbers, from the cached layout
    assert [d.message[: len(budget)] for d in again.diagnostics.warnings] == [budget]
    assert again.outputs[0].warnings[0].startswith(budget)  # in the manifest too
    html = build(ws, BuildOptions(audiences=("analyst",), formats=("html", "md"), jobs=1))
    assert [o.format for o in html.outputs] == ["html", "md"]
    assert html.outputs[1].warnings[0].startswith(budget)  # the budget holds for every format

    monkeypatch.setattr(HTML, "render", real_render)
    both = build(ws, BuildOptions(audiences=("analyst",), formats=("pdf", "docx"), jobs=1, force=True))
    assert [o.format for o in both.outputs] == ["pdf", "docx"]
    assert both.outputs[1].data == word and both.outputs[0].pages == 7


def test_html_alone_without_a_budget_is_never_laid_out(minimal: Path, monkeypatch):
    from weasyprint import HTML

    def refused(self, *args, **kwargs):
        raise AssertionError("an HTML build laid the PDF out")

    monkeypatch.setattr(HTML, "render", refused)
    result = build(minimal, BuildOptions(audiences=("reader",), formats=("html", "md"), jobs=1))
    assert [o.format for o in result.outputs] == ["html", "md"]
    assert "Long history of the" in result.outputs[0].data.decode()


def test_citations_are_formatted_once_for_the_same_question(minimal: Path, monkeypatch):
    import pytest

    import briefgen.runtime.pandoc

    options = BuildOptions(audiences=("reader",), formats=("html",), jobs=1)
    first = build(minimal, options).outputs[0].data

    class NoPandoc(Exception):
        pass

    def refused(*args, **kwargs):
        raise NoPandoc("Pandoc's citeproc was asked again")

    monkeypatch.setattr(briefgen.runtime.pandoc.PandocRun, "__init__", refused)
    forced = BuildOptions(audiences=("reader",), formats=("html",), jobs=1, force=True)
    assert build(minimal, forced).outputs[0].data == first  # Pandoc's earlier answer, from the cache
    block = minimal / "briefs/demo/blocks/missiles.yaml"
    block.write_text(
        block.read_text().replace("They stayed [@dominguez2016, p. 4]", "They stayed [@dominguez2016, p. 5]")
    )
    with pytest.raises(NoPandoc):  # another citation: another question for Pandoc
        build(minimal, options)


@pytest.mark.slow
def test_a_word_build_loads_no_pdf_engine_once_a_layout_is_cached(minimal: Path):
    import shutil
    import subprocess
    import sys

    shutil.rmtree(minimal / "dist", ignore_errors=True)  # no cache copied with the fixture
    code = (
        "import sys\nfrom briefgen.cli import main\n"
        f"sys.argv = ['briefgen', '-w', {str(minimal)!r}, 'build', '-a', 'boss', '-f', 'docx', '--force', '-q']\n"
        "try:\n    main()\nexcept SystemExit as end:\n    assert not end.code, end.code\n"
        "print(sorted(m for m in ('weasyprint', 'docx', 'pypandoc') if m in sys.modules))\n"
    )
    first = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert first.stdout.splitlines()[-1] == "['docx', 'weasyprint']"  # nothing cached: laid out once
    again = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert again.stdout.splitlines()[-1] == "['docx']"


def test_building_the_default_brief_is_not_stopped_by_another_briefs_mistake(minimal: Path):
    """`briefgen build` builds briefgen.yaml's default brief as `briefgen build demo` does: alone."""
    shutil.copytree(minimal / "briefs/demo", minimal / "briefs/other")
    broken = minimal / "briefs/other/blocks/history.yaml"
    broken.write_text(broken.read_text(encoding="utf-8").replace("status: approved", "status: finished"), "utf-8")
    runner = CliRunner()
    for args in (["build", "-a", "reader", "-f", "md"], ["build", "demo", "-a", "reader", "-f", "md"], ["stats"]):
        result = runner.invoke(cli, ["-w", str(minimal), *args])
        assert result.exit_code == 0, (args, result.output)
    checked = runner.invoke(cli, ["-w", str(minimal), "check"])
    assert checked.exit_code == 1 and "briefs/other/blocks/history.yaml:4:9: error: 'finished'" in checked.stderr
