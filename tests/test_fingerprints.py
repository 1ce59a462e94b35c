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
