"""The sandbox every Jinja template renders in, and what a template's mistake becomes.

Workspace overrides are less trusted than briefgen's own templates: all of them render in a
narrowed read-only Jinja sandbox (`HouseSandbox`) whose loader (`ConfinedLoader`) serves only
regular files inside the template or style folders. A template's problem becomes a
`TemplateError` at its file and line, with a hint for a non-programmer.
"""

from __future__ import annotations

import functools
import os
import traceback
from collections.abc import Callable
from pathlib import Path, PurePath
from types import ModuleType
from typing import Any

import jinja2
from jinja2.sandbox import ImmutableSandboxedEnvironment, SecurityError

from briefgen.content.confine import allowed_root, is_absolute, resolved, within
from briefgen.diagnostics import Diagnostics, Location, codes
from briefgen.errors import ContentError
from briefgen.render.cssescape import CSS_FILTERS

PATH_ATTRIBUTES = frozenset({"name", "stem", "suffix"})  # what a template may learn of a path: words, no files
# Types whose attributes a template may read (the sandbox still refuses '_' names and Python's internals).
SAFE_TYPE_MODULES = frozenset({"builtins", "datetime", "markupsafe", "briefgen.model", "briefgen.diagnostics"})
SAFE_TYPE_PACKAGES = ("jinja2.",)  # loop, cycler, namespace, macros


class TemplateRefused(jinja2.TemplateNotFound):
    """A template name or file the house style may not read; `reason` says why and what to do instead."""

    def __init__(self, name: str, reason: str):
        super().__init__(name, reason)
        self.reason = reason


class ConfinedLoader(jinja2.BaseLoader):
    """Serves regular files inside its folders only: no '..', no absolute names, no link that leads out.

    The folders are searched in order (the workspace's first, then the built-in ones). A folder
    may itself be a link only to a place inside the folder that holds it (the workspace).
    """

    def __init__(self, dirs: tuple[Path, ...]):
        self.dirs = dirs
        self.label = f"{dirs[0].name}/" if dirs else "templates/"

    def locate(self, name: str) -> Path | None:
        """The file `name` stands for (None: in no folder); raises TemplateRefused for one it may not read."""
        pieces = self._pieces(name)
        for folder in self.dirs:
            candidate = folder.joinpath(*pieces)
            if not os.path.lexists(candidate):
                continue
            allowed, folder_is_out = allowed_root(folder)
            if folder_is_out:
                raise TemplateRefused(name, folder_link_message(folder))
            if not within(candidate, allowed):
                raise TemplateRefused(name, file_link_message(name, folder))
            real = resolved(candidate) or candidate
            if not real.exists() or real.is_dir():
                continue
            if not real.is_file():
                raise TemplateRefused(
                    name,
                    f"'{name}' in {folder.name}/ is not an ordinary file; templates may read only text files: "
                    "replace it with one",
                )
            return candidate
        return None

    def _pieces(self, name: str) -> list[str]:
        if is_absolute(name) or "\\" in name or "\x00" in name:
            raise TemplateRefused(
                name,
                f"'{name}' is an absolute path; templates may read only files inside {self.label}: "
                f"name the file relative to {self.label}",
            )
        pieces = [p for p in name.split("/") if p not in ("", ".")]
        if ".." in pieces:
            raise TemplateRefused(
                name,
                f"'{name}' climbs out of {self.label} with '..'; templates may read only files inside "
                f"{self.label}: move the file there and name it without '..'",
            )
        return pieces

    def get_source(self, environment: jinja2.Environment, template: str) -> tuple[str, str, Callable[[], bool]]:
        path = self.locate(template)
        if path is None:
            raise jinja2.TemplateNotFound(template)
        real = path.resolve()
        try:
            source = real.read_text(encoding="utf-8")
            mtime = real.stat().st_mtime_ns
        except UnicodeDecodeError:
            raise TemplateRefused(
                template, f"'{template}' in {path.parent.name}/ is not UTF-8 text; save it as UTF-8"
            ) from None

        def uptodate() -> bool:
            """Unchanged, and still the file the name stands for (a new workspace override replaces a built-in)."""
            try:
                return self.locate(template) == path and real.stat().st_mtime_ns == mtime
            except (OSError, TemplateRefused):
                return False

        return source, str(path), uptodate


def file_link_message(name: str, folder: Path) -> str:
    """Why a template file that links out of its folder is not read."""
    return (
        f"'{name}' is a link to a file outside {folder.name}/; templates may read only files inside "
        f"{folder.name}/: copy the file there instead of linking to it"
    )


def folder_link_message(folder: Path) -> str:
    return (
        f"{folder.name}/ is a link to a folder outside the workspace; templates may read only files inside the "
        f"workspace: make {folder.name}/ a real folder"
    )


class FileName(str):
    """A path as a template sees it: its name, printed and formatted as the name alone."""

    @property
    def name(self) -> str:
        return str(self)

    @property
    def stem(self) -> str:
        return PurePath(self).stem

    @property
    def suffix(self) -> str:
        return PurePath(self).suffix


def _file_name(value: Any) -> Any:
    return FileName(value.name) if isinstance(value, PurePath) else value


class HouseSandbox(ImmutableSandboxedEnvironment):
    """Jinja's sandbox, narrowed: templates read the document's values and Jinja's helpers, nothing else.

    Paths show only their name; modules, files and any other Python object are closed. The
    immutable sandbox also keeps templates from changing the lists and dicts they are given.
    """

    safe_modules: frozenset[str] = SAFE_TYPE_MODULES

    def unsafe_undefined(self, obj: Any, attribute: str) -> jinja2.Undefined:
        """Refused at once (Jinja's sandbox would hand back an undefined value that fails later, or never)."""
        raise SecurityError(f"access to attribute {attribute!r} of {type(obj).__name__!r} object is unsafe.")

    def getattr(self, obj: Any, attribute: str) -> Any:
        return _file_name(super().getattr(obj, attribute))

    def getitem(self, obj: Any, argument: Any) -> Any:
        return _file_name(super().getitem(obj, argument))

    def is_safe_attribute(self, obj: Any, attr: str, value: Any) -> bool:
        if not super().is_safe_attribute(obj, attr, value) or isinstance(obj, ModuleType):
            return False
        if isinstance(obj, PurePath | FileName):
            return attr in PATH_ATTRIBUTES
        if isinstance(value, Location):  # where files lie on this machine is not for the page
            return False
        module = type(obj).__module__
        return module in self.safe_modules or module.startswith(SAFE_TYPE_PACKAGES)


@functools.lru_cache(maxsize=8)
def _template_env(dirs: tuple[Path, ...], autoescape: bool) -> jinja2.Environment:
    """One sandboxed Jinja environment per template folder set, so templates compile once per process.

    The built-in templates render in the same sandbox as a workspace's overrides. Stylesheets print
    theme values through the CSS filters (`css_string`, `css_ident`...), so no value can close its
    string, its rule or the page's <style> element.
    """
    env = HouseSandbox(
        loader=ConfinedLoader(dirs),
        autoescape=autoescape,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        auto_reload=True,  # a saved (or new) template is picked up by `serve`
    )
    env.filters.update(CSS_FILTERS)
    return env


class TemplateError(ContentError):
    """A house-style template that cannot be used, as one diagnostic at its file and line.

    Carries its diagnostics through pickling, so a build worker process can report it too.
    """

    def __reduce__(self):
        return (type(self), (self.diagnostics, self.root))


SYNTAX_HINT = (
    "check the {% %} and {{ }} tags up to this line (every {% if %} needs an {% endif %}, every {% for %} an "
    "{% endfor %}), or delete the file to use the built-in one"
)
UNSAFE_HINT = (
    "they show the brief's values (such as {{ doc.title }}) and cannot run programs, read files or reach the "
    "network; remove this from the template"
)


def missing_message(name: str, label: str) -> str:
    kind = "styles" if label == "styles/" else "templates"
    return f"'{name}' is not in {label} or among the built-in {kind}; create {label}{name} or remove the include"


def template_problem(exc: BaseException, label: str) -> tuple[codes.Code, str]:
    """(diagnostic code, message) for what went wrong in a template."""
    if isinstance(exc, jinja2.TemplateSyntaxError):
        return codes.TEMPLATE_SYNTAX, f"template syntax error: {(exc.message or '').rstrip('.')}; {SYNTAX_HINT}"
    if isinstance(exc, TemplateRefused):
        return codes.TEMPLATE_REFUSED, exc.reason
    if isinstance(exc, jinja2.TemplateNotFound):
        return codes.TEMPLATE_MISSING, missing_message(str(exc.name or ""), label)
    if isinstance(exc, SecurityError):
        return codes.TEMPLATE_UNSAFE, f"templates may not do this ({str(exc).rstrip('.')}): {UNSAFE_HINT}"
    if isinstance(exc, jinja2.UndefinedError):
        return (
            codes.TEMPLATE_UNDEFINED,
            f"the template uses a value that does not exist ({exc.message}); check its spelling against the "
            "built-in template of the same name (briefgen/defaults/ in the installed package)",
        )
    return (
        codes.TEMPLATE_FAILED,
        f"the template failed on this line ({type(exc).__name__}: {exc}); fix the line or delete the file to use "
        "the built-in one",
    )


def workspace_root(dirs: tuple[Path, ...]) -> Path | None:
    """The workspace whose overrides come first in `dirs` (None: built-in folders only)."""
    return dirs[0].parent if len(dirs) > 1 else None


def template_failure(exc: Exception, dirs: tuple[Path, ...]) -> TemplateError | None:
    """The error to report when rendering from `dirs` failed in a workspace template (None: briefgen's own bug).

    A problem is the workspace's when the failing template, or the innermost template frame of the
    traceback, is a workspace file: its line is where the problem is reported.
    """
    root = workspace_root(dirs)
    if root is None:
        return None
    own = dirs[:-1]  # the workspace's folders: every one but the built-in last

    def is_workspace_file(filename: str | None) -> bool:
        return filename is not None and any(Path(filename).is_relative_to(d) for d in own)

    where: Location | None = None
    if isinstance(exc, jinja2.TemplateSyntaxError) and is_workspace_file(exc.filename):
        where = Location(Path(exc.filename or ""), exc.lineno or 0, 1 if exc.lineno else 0)
    else:
        frames = [f for f in traceback.extract_tb(exc.__traceback__) if is_workspace_file(f.filename)]
        if frames:
            line = frames[-1].lineno or 0
            where = Location(Path(frames[-1].filename), line, 1 if line else 0)
        elif isinstance(exc, TemplateRefused):  # the file asked for by name is refused
            where = Location(dirs[0] / exc.name) if exc.name else Location(dirs[0])
    if where is None:
        return None
    code, message = template_problem(exc, f"{dirs[0].name}/")
    diags = Diagnostics()
    diags.error(code, message, where)
    return TemplateError(diags, root)


def render_template(dirs: tuple[Path, ...], name: str, autoescape: bool, context: dict[str, Any]) -> str:
    """`name` from `dirs` rendered in the sandbox; a workspace template's problem is a TemplateError at its line."""
    try:
        return _template_env(dirs, autoescape).get_template(name).render(**context)
    except Exception as exc:
        failure = template_failure(exc, dirs)
        if failure is None:
            raise
        raise failure from None
