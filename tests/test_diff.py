"""`briefgen diff`: a modified block names only the audiences whose brief reads differently."""

import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

from briefgen.commands.diff import diff_since


def git(root: Path, *args: str) -> None:
    subprocess.run(
        ["git", "-C", str(root), "-c", "user.email=t@example.org", "-c", "user.name=t", *args],
        check=True,
        capture_output=True,
    )


@pytest.fixture
def repo(minimal: Path) -> Path:
    git(minimal, "init", "-q")
    git(minimal, "add", ".")
    git(minimal, "commit", "-qm", "start")
    return minimal


def replacing(old: str, new: str) -> Callable[[str], str]:
    def edit(text: str) -> str:
        assert old in text
        return text.replace(old, new)

    return edit


# In the minimal fixture boss reads summaries; reader and public read bodies; public never gets
# blocks tagged internal (rec-quiet); context holds history (order 10), missiles (20).
CASES = {
    "body only: not the summary readers": ("missiles", replacing("They stayed", "They remained"), ("reader", "public")),
    "summary only: only the summary readers": ("missiles", replacing("Missiles arrived", "Missiles came"), ("boss",)),
    "title: everyone who receives it": (
        "missiles",
        replacing("title: Missiles", "title: Rockets"),
        ("boss", "reader", "public"),
    ),
    "a YAML comment: nobody": ("missiles", lambda text: "# checked in May\n" + text, ()),
    "a variant for one audience": (
        "missiles",
        lambda text: text + "variants:\n  public:\n    body: Missiles, in plain words.\n",
        ("public",),
    ),
    "as_of, which no audience shows": (
        "missiles",
        replacing("status: approved", "status: approved\nas_of: 2022-04-01"),
        (),
    ),
    "order that moves nothing": ("missiles", replacing("order: 20", "order: 15"), ()),
    "order that moves it before another": (
        "missiles",
        replacing("order: 20", "order: 5"),
        ("boss", "reader", "public"),
    ),
    "a recommendation's action, where it is received": (
        "rec-quiet",
        replacing("Press partners quietly.", "Press partners."),
        ("boss", "reader"),
    ),
    "numbering of recommendations": ("rec-quiet", replacing("order: 10", "order: 30"), ("boss", "reader")),
    "status back to draft: everyone who had it": (
        "missiles",
        replacing("status: approved", "status: draft"),
        ("boss", "reader", "public"),
    ),
}


@pytest.mark.parametrize("case", list(CASES))
def test_a_modified_block_names_the_audiences_whose_text_changes(repo: Path, case: str):
    name, edit, expected = CASES[case]
    path = repo / "briefs/demo/blocks" / f"{name}.yaml"
    path.write_text(edit(path.read_text(encoding="utf-8")), encoding="utf-8")
    report = diff_since(repo, "HEAD")
    assert [(c.block, c.change, c.audiences) for c in report.blocks] == [(name, "modified", expected)]
    assert report.audiences == expected


def test_a_block_changed_in_two_fields_names_both_kinds_of_reader(repo: Path):
    path = repo / "briefs/demo/blocks/missiles.yaml"
    text = path.read_text(encoding="utf-8").replace("They stayed", "They remained").replace("arrived [", "came [")
    path.write_text(text, encoding="utf-8")
    assert diff_since(repo, "HEAD").blocks[0].audiences == ("boss", "reader", "public")
