"""The registry of diagnostic codes (briefgen/diagnostics/codes.py) is the one list of them.

Every code the source raises is registered and raised by its constant, `briefgen explain CODE`
prints the entry, docs/diagnostics.md is written from the registry, and every code is raised by
at least one test (tests/test_codes_raised.py raises those no other test pins).
"""

from __future__ import annotations

import ast
import json
import re
import sys
import types
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import ROOT, copy_fixture

from briefgen.cli import cli
from briefgen.commands.explain import diagnostics_markdown, explain_json, explain_text
from briefgen.diagnostics import Diagnostic, Diagnostics, Severity, codes
from briefgen.diagnostics.codes import CODES, GROUPS, Code, constant_name
from briefgen.model import Problem

SRC = ROOT / "src" / "briefgen"
TESTS = ROOT / "tests"

# Codes no test raises yet, each with the reason. Empty now: keep it so.
NOT_YET_RAISED: set[str] = set()

# Codes made at run time from text (f-strings), each with every code it can make.
COMPUTED = {
    # the JSON Schema keywords the messages do not name themselves (content/schema_check.py, `_message`)
    "schema.{kind}": {"schema.anyOf", "schema.maxItems", "schema.maxLength", "schema.minItems", "schema.minimum"},
}
# The keywords whose errors `_message` turns into a code of their own (the rest become schema.<keyword>).
SCHEMA_KEYWORDS_NAMED = {
    "additionalProperties": "schema.unknown-key",
    "required": "schema.missing",
    "enum": "schema.enum",
    "type": "schema.type",
    "pattern": "schema.id",
    "propertyNames": "schema.id",
    "format": "schema.format",
    "oneOf": "schema.type",
    "uniqueItems": "schema.duplicate",
}
SCHEMA_ANNOTATIONS = {"$schema", "$id", "$defs", "$ref", "title", "description", "properties", "items"}

# The calls that take a diagnostic code, and where: name -> index of the code argument.
CODE_ARGUMENT = {
    "error": 0,
    "warning": 0,
    "note": 0,
    "refuse": 0,
    "Refusal": 0,
    "add": 1,
    "problem": 1,
    "Problem": 1,
    "Diagnostic": 1,
}
MIN_ARGS = {"add": 3, "error": 2, "warning": 2, "note": 2}  # set.add(x), log.error(message) take no code
NOT_DIAGNOSTICS = {"log", "logger", "logging", "warnings", "click"}
LOOKS_LIKE_CODE = re.compile(r"^([a-z][a-z_]*)\.[a-z][A-Za-z0-9]*(-[a-z0-9]+)*$")
FILE_NAME = re.compile(r"\.(yaml|yml|json|bib|csl|docx|j2|lua|svg|png|jpe?g|html|css|md|pdf|xml|txt|csv|tsv)$")


def run(*args: str):
    return CliRunner().invoke(cli, list(args))


def source_files() -> list[Path]:
    return sorted(p for p in SRC.rglob("*.py") if p.parent.name != "diagnostics" or p.parent.parent != SRC)


def code_arguments(tree: ast.AST) -> list[tuple[ast.Call, ast.expr]]:
    """Each call that passes a diagnostic code, with the expression it passes."""
    found = []
    for call in ast.walk(tree):
        if not isinstance(call, ast.Call):
            continue
        func = call.func
        name = func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else ""
        receiver = ast.unparse(func.value) if isinstance(func, ast.Attribute) else ""
        if name not in CODE_ARGUMENT or receiver in NOT_DIAGNOSTICS:
            continue
        keyword = next((k.value for k in call.keywords if k.arg == "code"), None)
        index = CODE_ARGUMENT[name]
        if keyword is not None:
            found.append((call, keyword))
        elif len(call.args) >= max(index + 1, MIN_ARGS.get(name, 0)):
            found.append((call, call.args[index]))
    return found


def written_code(node: ast.AST) -> bool:
    """Whether a code argument is a string written out, "x.y" (a message passed to a helper has spaces)."""
    return isinstance(node, ast.Constant) and isinstance(node.value, str) and " " not in node.value


def computed_code(node: ast.AST) -> str | None:
    """The text of an f-string that makes a code ("xref.{kind}-id"), or None for any other expression."""
    if not isinstance(node, ast.JoinedStr):
        return None
    text = "".join(v.value if isinstance(v, ast.Constant) else "{" + ast.unparse(v.value) + "}" for v in node.values)
    head = re.match(r"^([a-z][a-z_]*)\.", text)
    return text if head and head.group(1) in GROUPS and " " not in text else None


def string_literals(tree: ast.AST) -> list[ast.Constant]:
    """The string constants of a module, docstrings and the text of f-strings aside."""
    skip = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.JoinedStr):
            skip |= {id(c) for c in ast.walk(node)}
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
            if node.body and isinstance(node.body[0], ast.Expr) and isinstance(node.body[0].value, ast.Constant):
                skip.add(id(node.body[0].value))
    return [n for n in ast.walk(tree) if isinstance(n, ast.Constant) and isinstance(n.value, str) and id(n) not in skip]


# ---------------------------------------------------------------- the registry


def test_the_registry_names_each_code_once_in_its_constant():
    assert len(CODES) >= 130
    for name, code in CODES.items():
        assert code.name == name and getattr(codes, constant_name(name)) is code
        assert code.group in GROUPS and isinstance(code.severity, Severity)
        assert code == name and hash(code) == hash(name)  # a Code is its name wherever a str is expected
    assert set(GROUPS) == {c.group for c in CODES.values()}, "a group without codes"
    assert codes.lookup("budget.pages") is codes.BUDGET_PAGES and codes.lookup("budget.page") is None


def test_two_codes_of_one_name_fail_at_import(monkeypatch):
    source = Path(codes.__file__).read_text(encoding="utf-8")
    twice = 'AGAIN = Code("budget.pages", WARNING, "Said twice.", "Say it once.")\n\n\ndef _registry('
    module = types.ModuleType("briefgen.diagnostics.codes_twice")
    monkeypatch.setitem(sys.modules, module.__name__, module)
    with pytest.raises(ValueError, match="'budget.pages' is declared twice"):
        exec(compile(source.replace("def _registry(", twice, 1), "codes_twice.py", "exec"), module.__dict__)


def test_a_diagnostic_keeps_the_name_and_refuses_an_unregistered_code():
    diags = Diagnostics()
    diags.warning(codes.BUDGET_PAGES, "too long")
    diags.add("error", "yaml.syntax", "broken")  # a registered name is still taken, for now
    assert [type(d.code) for d in diags.items] == [str, str]
    assert [d.format() for d in diags.items] == ["warning: too long [budget.pages]", "error: broken [yaml.syntax]"]
    for make in (
        lambda: diags.error("budget.page", "a typo"),
        lambda: Diagnostic(Severity.ERROR, "x.y", "made up"),
        lambda: Problem("error", "markdown.nonsense", "made up"),
        lambda: diags.note(Code("budget.pages", Severity.NOTE, "Made elsewhere.", "Use the registry's."), "x"),
    ):
        with pytest.raises(ValueError, match="not in the registry"):
            make()
    assert type(Problem("error", codes.XREF_UNKNOWN, "x").code) is str


# ---------------------------------------------------------------- the source raises registered codes


def test_every_code_in_the_source_is_registered():
    """Every string that is a code, at a call or in a table, names a registered code; computed ones are known."""
    unknown, computed = [], []
    for path in source_files():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        where = path.relative_to(SRC).as_posix()
        at_calls = {id(arg) for _call, arg in code_arguments(tree)}
        for _call, arg in code_arguments(tree):
            if written_code(arg) and arg.value not in CODES:
                unknown.append(f"{where}:{arg.lineno}: {arg.value!r}")
            if (text := computed_code(arg)) is not None:
                computed.append(text)
        for node in string_literals(tree):
            match = LOOKS_LIKE_CODE.match(node.value)
            if id(node) in at_calls or not match or match.group(1) not in GROUPS or FILE_NAME.search(node.value):
                continue
            if node.value not in CODES and not node.value.endswith(".value"):  # "tags.value": a place in a block
                unknown.append(f"{where}:{node.lineno}: {node.value!r}")
        computed += [t for n in ast.walk(tree) if id(n) not in at_calls and (t := computed_code(n))]
    assert unknown == [], "codes missing from briefgen/diagnostics/codes.py"
    assert set(computed) <= set(COMPUTED), "a code made at run time: list what it can make in COMPUTED"
    for made in COMPUTED.values():
        assert made <= set(CODES)


def test_every_json_schema_keyword_has_a_code():
    """An error of a keyword `_message` does not name becomes `schema.<keyword>`: each must be registered."""
    from briefgen.content.schema import SCHEMAS

    keywords: set[str] = set()

    def walk(schema):
        if isinstance(schema, dict):
            for key, value in schema.items():
                keywords.add(key)
                walk(list(value.values()) if key in ("properties", "$defs") else value)
        elif isinstance(schema, list):
            for item in schema:
                walk(item)

    walk(list(SCHEMAS.values()))
    for keyword in keywords - SCHEMA_ANNOTATIONS:
        assert SCHEMA_KEYWORDS_NAMED.get(keyword, f"schema.{keyword}") in CODES, keyword


def test_converted_files_raise_codes_by_their_constant():
    """`diags.error(codes.X, ...)`, never `diags.error("x.y", ...)`: a code is named by its registry entry."""
    written = []
    for path in source_files():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        where = path.relative_to(SRC).as_posix()
        for _call, arg in code_arguments(tree):
            if written_code(arg) or computed_code(arg):
                written.append(f"{where}:{arg.lineno}: {ast.unparse(arg)}")
        written += [f"{where}:{n.lineno}: {n.value!r}" for n in string_literals(tree) if n.value in CODES]
    assert written == [], "name the code by its entry, codes.THE_CODE (diagnostics/codes.py), not by a string"


# Codes raised at more than one severity, each saying so in its summary.
SEVERITY_VARIES = {"audience.unknown-section"}


def test_each_code_is_raised_at_the_severity_the_registry_gives_it():
    """`diags.warning(codes.X)` for a warning: what `briefgen explain` says matches what a report says."""
    wrong = []
    for path in source_files():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.args):
                continue
            method, first = node.func.attr, node.args[0]
            if method not in ("error", "warning", "note") or not isinstance(first, ast.Attribute):
                continue
            if not (isinstance(first.value, ast.Name) and first.value.id == "codes"):
                continue
            code = getattr(codes, first.attr)
            if code.severity.value != method and code.name not in SEVERITY_VARIES:
                wrong.append(
                    f"{path.relative_to(SRC).as_posix()}:{node.lineno}: {code.name} is a "
                    f"{code.severity.value}, raised with .{method}()"
                )
    assert wrong == []
    for name in SEVERITY_VARIES:
        assert "note" in CODES[name].summary or "warning" in CODES[name].summary


# ---------------------------------------------------------------- briefgen explain


def test_explain_prints_the_entry_of_a_code():
    result = run("explain", "budget.pages")
    assert result.exit_code == 0
    assert result.stdout == (
        "budget.pages (warning)\n"
        "\n"
        "What it means: An audience's PDF runs to more pages than its page budget (max_pages).\n"
        "How to fix it: Shorten the longest blocks the message names, or raise the audience's max_pages.\n"
    )
    assert run("explain", "[budget.pages]").stdout == result.stdout  # as copied from the end of a report line
    assert explain_text("budget.pages") + "\n" == result.stdout


def test_explain_of_an_unknown_code_is_a_usage_error_with_the_nearest_code():
    result = run("explain", "budget.page")
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr == (
        "Error: unknown diagnostic code 'budget.page' (did you mean 'budget.pages'?); "
        "'briefgen explain' lists every code, 'briefgen explain GROUP' the codes of one group\n"
    )
    assert run("explain", "nothing-like-it").stderr == (
        "Error: unknown diagnostic code 'nothing-like-it'; "
        "'briefgen explain' lists every code, 'briefgen explain GROUP' the codes of one group\n"
    )
    assert run("explain", "reviw").stderr.startswith("Error: unknown diagnostic code 'reviw' (did you mean 'review'?)")


def test_explain_finds_a_code_whatever_its_case():
    assert run("explain", "BUDGET.PAGES").stdout == run("explain", "budget.pages").stdout
    assert run("explain", "schema.maxlength").stdout.startswith("schema.maxLength (error)")


def test_explain_without_a_code_lists_every_code_and_a_group_its_own():
    lines = run("explain").stdout.splitlines()
    assert len(lines) == len(CODES) + 2
    assert lines[-1] == "'briefgen explain CODE' says how to fix one; 'briefgen explain GROUP' lists a group."
    assert lines[0].split()[:2] == ["accessibility.html", "error"]
    assert any(line.startswith("marking.withheld ") and "  note  " in line for line in lines)
    budget = run("explain", "budget").stdout.splitlines()
    assert budget[0] == (
        "budget.pages  warning  An audience's PDF runs to more pages than its page budget (max_pages)."
    )
    assert len(run("explain", "yaml").stdout.splitlines()) == sum(c.group == "yaml" for c in CODES.values()) + 2


def test_explain_json():
    one = json.loads(run("explain", "--json", "cite.unused").stdout)["result"]
    assert one == {
        "code": "cite.unused",
        "severity": "warning",
        "summary": "A reference in the bibliography is never cited.",
        "fix": "Cite it, or remove it from the bibliography.",
    }
    every = json.loads(run("explain", "--json").stdout)["result"]
    assert [e["code"] for e in every] == sorted(CODES) and every == explain_json()
    assert run("explain", "--json", "nope").exit_code == 2


def test_explain_has_examples_and_completes_codes():
    result = run("explain", "--help")
    examples = [line.strip() for line in result.stdout.split("Examples:\n", 1)[1].splitlines() if line.strip()]
    assert len(examples) == 2 and all(line.startswith("briefgen explain") for line in examples)
    env = {"_BRIEFGEN_COMPLETE": "bash_complete", "COMP_WORDS": "briefgen explain budget.", "COMP_CWORD": "2"}
    completed = CliRunner().invoke(cli, [], prog_name="briefgen", env=env)
    assert completed.stdout.splitlines() == ["plain,budget.pages"]


# ---------------------------------------------------------------- docs/diagnostics.md, check --json


def test_the_documentation_of_the_codes_is_current():
    written = (ROOT / "docs" / "diagnostics.md").read_text(encoding="utf-8")
    assert written == diagnostics_markdown(), "run 'make diagnostics'"
    assert "`file:line:column: severity: message [code]`" in written and "`briefgen explain CODE`" in written
    assert all(f"\n### {name}\n" in written for name in CODES)
    assert "Fix: Write them right after the image's closing ')', without a space: !\\[caption\\](file.png)" in written


def test_check_json_carries_the_registered_code_of_every_problem(tmp_path: Path):
    result = run("-w", str(copy_fixture("broken", tmp_path)), "check", "--json")
    problems = json.loads(result.stdout)["problems"]
    assert problems and all(d["code"] in CODES for d in problems)


# ---------------------------------------------------------------- every code is raised by a test


def _mentioned(name: str, texts: list[str]) -> bool:
    """Whether a test's text names the code: "budget.pages" (not in "budget.pages2") or codes.BUDGET_PAGES."""
    pattern = re.compile(rf"(?<![\w.-]){re.escape(name)}(?![\w-]|\.\w)|\bcodes\.{constant_name(name)}\b")
    return any(pattern.search(text) for text in texts)


@pytest.mark.slow
def test_every_code_is_raised_by_a_test():
    """Each code appears in a test that pins its report, or in a golden report (tests/fixtures/*.expected)."""
    texts = [
        path.read_text(encoding="utf-8", errors="replace")
        for path in TESTS.rglob("*")
        if path.is_file() and path.name != Path(__file__).name and path.suffix in (".py", ".expected")
    ]
    missing = sorted(name for name in CODES if not _mentioned(name, texts))
    assert missing == sorted(NOT_YET_RAISED), "raise the new code in a test (tests/test_codes_raised.py)"
