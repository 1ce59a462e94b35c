"""The pipeline, the only place that knows the order of the stages: open, select, cite, render, publish.

`build` and `build_all` are what the commands call; `render_all` renders without writing (tests and
`check --outputs` use it); `document_for` is the document one audience receives. The stages are
called in order by `build.run`; each has a module of its own (see its docstring).
"""

from briefgen.build.documents import document_for
from briefgen.build.fingerprints import (
    Fingerprints,
    engine_identity,
    installed_versions,
    layout_libraries,
    source_map,
)
from briefgen.build.layouts import word_count
from briefgen.build.outputs import FORMATS, BuildOptions, BuildResult, Output, Progress
from briefgen.build.pool import Session
from briefgen.build.run import build, build_all, output_folder, render_all, summary_table

__all__ = [
    "FORMATS",
    "BuildOptions",
    "BuildResult",
    "Fingerprints",
    "Output",
    "Progress",
    "Session",
    "build",
    "build_all",
    "document_for",
    "engine_identity",
    "installed_versions",
    "layout_libraries",
    "output_folder",
    "render_all",
    "source_map",
    "summary_table",
    "word_count",
]
