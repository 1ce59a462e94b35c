"""The workspace's template overrides, checked before anything renders.

Every `.j2` file in the workspace's `templates/` and `styles/` is compiled, and every file it
includes, imports or extends (by a fixed name) is looked up the way rendering looks it up. Each
problem is reported at its file and line: a syntax error, an include of a missing file or of a
file the loader refuses (a link out of the folder, '..', an absolute name), and a reach into
Python's internals (a name starting with '_'), which the sandbox would refuse while rendering.
A Word template override (`templates/brief.docx`) is read as docxtpl reads it and checked the same
way, at the file. Nothing is rendered; the sandbox stays the guarantee, this is the early word.
"""

from __future__ import annotations

import os
from pathlib import Path

import jinja2
from jinja2 import nodes

from briefgen.content.confine import allowed_root, within
from briefgen.content.style import ThemeError, load_style
from briefgen.diagnostics import Diagnostics, Location, codes
from briefgen.render.sandbox import (
    UNSAFE_HINT,
    ConfinedLoader,
    TemplateRefused,
    _template_env,
    file_link_message,
    folder_link_message,
    missing_message,
    template_problem,
)
from briefgen.runtime.resources import DEFAULTS

_INCLUDES = (nodes.Include, nodes.Import, nodes.FromImport, nodes.Extends)


def check_templates(root: Path, diags: Diagnostics) -> None:
    """Compile the workspace's override templates and styles; report each problem at its file and line."""
    try:
        style = load_style(root)
        families = [(style.template_dirs, True), (style.style_dirs, False)]
    except ThemeError:  # reported by the theme check; the folders are the usual ones
        families = [
            ((root / "templates", DEFAULTS / "templates"), True),
            ((root / "styles", DEFAULTS / "styles"), False),
        ]
    for dirs, autoescape in families:
        if len(dirs) > 1 and os.path.lexists(dirs[0]):
            _check_folder(dirs, autoescape, diags)
    templates = families[0][0]
    word = templates[0] / "brief.docx"  # the one Word template a build fills (not Word's ~$ lock files)
    if len(templates) > 1 and os.path.lexists(word) and not allowed_root(templates[0])[1]:
        _check_word_template(word, diags)


def _files(folder: Path, suffix: str) -> list[str]:
    """Names (with '/') of the files ending in `suffix` below `folder`, links to folders not followed."""
    found = []
    for parent, dirs, names in os.walk(folder):
        dirs.sort()
        found += [(Path(parent) / n).relative_to(folder).as_posix() for n in sorted(names) if n.endswith(suffix)]
    return found


def _check_folder(dirs: tuple[Path, ...], autoescape: bool, diags: Diagnostics) -> None:
    folder = dirs[0]
    env = _template_env(dirs, autoescape)
    loader = env.loader
    assert isinstance(loader, ConfinedLoader)
    label = f"{folder.name}/"
    if allowed_root(folder)[1]:
        diags.error(codes.TEMPLATE_REFUSED, folder_link_message(folder), Location(folder))
        return
    queue: list[tuple[str, Location | None, bool]] = [(name, None, False) for name in _files(folder, ".j2")]
    seen: set[Path] = set()
    while queue:
        name, asked_at, ignore_missing = queue.pop(0)
        try:
            path = loader.locate(name)
        except TemplateRefused as exc:
            diags.error(codes.TEMPLATE_REFUSED, exc.reason, asked_at or Location(folder / name))
            continue
        if path is None:
            if not ignore_missing:
                diags.error(codes.TEMPLATE_MISSING, missing_message(name, label), asked_at)
            continue
        if path in seen or not path.is_relative_to(folder):  # checked already, or briefgen's own file
            continue
        seen.add(path)
        try:
            source, filename, _uptodate = loader.get_source(env, name)
            tree = env.parse(source, name, filename)
        except TemplateRefused as exc:
            diags.error(codes.TEMPLATE_REFUSED, exc.reason, Location(path))
            continue
        except jinja2.TemplateSyntaxError as exc:
            code, message = template_problem(exc, label)
            diags.error(code, message, Location(path, exc.lineno, 1) if exc.lineno else Location(path))
            continue
        for line, names in _unsafe_names(tree).items():
            diags.error(codes.TEMPLATE_UNSAFE, _unsafe_message(names), Location(path, line, 1))
        for node in tree.find_all(_INCLUDES):
            target = getattr(node, "template", None)
            if isinstance(target, nodes.Const) and isinstance(target.value, str):
                queue.append((target.value, Location(path, node.lineno, 1), bool(getattr(node, "ignore_missing", 0))))


def _unsafe_names(tree: nodes.Template) -> dict[int, list[str]]:
    """Line -> the names starting with '_' a template reaches for there, in the order they are written."""
    found: dict[int, list[str]] = {}
    for node in tree.find_all((nodes.Getattr, nodes.Getitem, nodes.Filter)):
        name = None
        if isinstance(node, nodes.Getattr):
            name = node.attr
        elif isinstance(node, nodes.Getitem) and isinstance(node.arg, nodes.Const):
            name = node.arg.value
        elif isinstance(node, nodes.Filter) and node.name == "attr" and node.args:
            first = node.args[0]
            name = first.value if isinstance(first, nodes.Const) else None
        if isinstance(name, str) and name.startswith("_"):
            found.setdefault(node.lineno, []).insert(0, name)  # the walk meets `a.b.c` from its end
    return {line: list(dict.fromkeys(names)) for line, names in found.items()}


def _unsafe_message(names: list[str]) -> str:
    return f"templates may not use {', '.join(repr(n) for n in names)}: {UNSAFE_HINT}"


def _check_word_template(path: Path, diags: Diagnostics) -> None:
    """A Word template override: readable, its Jinja text compiles, and it reaches for nothing it may not."""
    from briefgen.render.docx.template import docx_jinja_env, docx_sources, word_template_error

    allowed, _ = allowed_root(path.parent)
    if not within(path, allowed):
        diags.error(codes.TEMPLATE_REFUSED, file_link_message(path.name, path.parent), Location(path))
        return
    try:
        sources = docx_sources(path)
    except Exception as exc:  # not a zip, not a Word document, damaged XML: python-docx says which
        diags.error(
            codes.TEMPLATE_WORD,
            f"cannot read this Word template ({type(exc).__name__}: {exc}); save it again from Word as .docx, "
            "or delete it to use the built-in one",
            Location(path),
        )
        return
    env = docx_jinja_env()
    for source in sources:
        try:
            tree = env.parse(source)
        except jinja2.TemplateSyntaxError as exc:
            at = max((exc.lineno or 1) - 4, 0)  # the text around the error, as docxtpl shows it when rendering
            diags.extend(word_template_error(exc, path, "\n".join(source.splitlines()[at : at + 7])).diagnostics)
            continue
        names = list(dict.fromkeys(n for found in _unsafe_names(tree).values() for n in found))
        if names:
            diags.error(codes.TEMPLATE_UNSAFE, _unsafe_message(names), Location(path))
        for node in tree.find_all(_INCLUDES):
            target = getattr(node, "template", None)
            shown = target.value if isinstance(target, nodes.Const) else "another file"
            diags.error(
                codes.TEMPLATE_REFUSED,
                f"the Word template cannot include '{shown}'; put the text in the Word template itself",
                Location(path),
            )
