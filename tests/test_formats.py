"""One registry of output formats: every place that names a format reads it, and an unknown format is an error."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from typing import Any, cast

import pytest

from briefgen.build import FORMATS, BuildOptions, build
from briefgen.runtime import formats
from briefgen.runtime.formats import UnknownFormatError, format_named


def test_the_registry_holds_the_formats_in_their_order_with_the_strings_users_see():
    assert list(formats.FORMATS) == ["pdf", "docx", "html", "md"]
    assert [f.label for f in formats.FORMATS.values()] == ["PDF", "Word", "HTML", "Markdown"]
    assert [f.extension for f in formats.FORMATS.values()] == [".pdf", ".docx", ".html", ".md"]
    assert format_named("pdf").media_type == "application/pdf"
    assert format_named("html").media_type == "text/html; charset=utf-8"
    assert [f.name for f in formats.FORMATS.values() if f.needs_layout] == ["pdf", "docx"]


def test_an_unknown_format_is_a_clear_error():
    with pytest.raises(UnknownFormatError) as info:
        format_named("odt")
    assert info.value.message == "'odt' is not an output format briefgen writes; the formats are pdf, docx, html, md"
    assert info.value.exit_code == 2


def test_every_renderer_the_registry_names_exists_and_is_not_imported_by_reading_it():
    for fmt in formats.FORMATS.values():
        assert importlib.util.find_spec(fmt.renderer_module) is not None, fmt.renderer_module


def test_every_format_but_the_layout_has_a_writer():
    from briefgen.render import _WRITERS

    assert set(_WRITERS) == set(formats.FORMATS) - {"pdf"}


def test_the_command_line_and_the_schema_offer_the_registry():
    from briefgen.cli import cli
    from briefgen.content.schema import CONFIG_SCHEMA

    assert FORMATS == tuple(formats.FORMATS)
    option = next(p for p in cli.commands["build"].params if p.name == "formats")
    assert list(cast(Any, option.type).choices) == list(formats.FORMATS)
    assert CONFIG_SCHEMA["properties"]["formats"]["items"]["enum"] == list(formats.FORMATS)


def test_a_render_task_of_an_unknown_format_is_an_error_not_html(minimal: Path):
    """The render task once wrote anything it did not know as HTML."""
    from briefgen.render import RenderTask, run_task

    task = RenderTask("reader", cast(Any, None), minimal, minimal / "briefs/demo/brief.yaml", formats=("odt",))
    with pytest.raises(UnknownFormatError):
        run_task(task)


def test_a_build_of_an_unknown_format_stops_before_rendering(minimal: Path):
    with pytest.raises(UnknownFormatError):
        build(minimal, BuildOptions(audiences=("reader",), formats=("odt",), jobs=1))
    assert not (minimal / "dist" / "demo").exists()  # caches of the loading aside, nothing was written
