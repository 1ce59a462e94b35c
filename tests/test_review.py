"""Review aids: stats per audience, diff against a git revision, stale and unapproved content."""

import datetime as dt
import subprocess
from pathlib import Path

import pytest

from briefgen.commands.diff import diff_since
from briefgen.commands.stats import brief_stats
from briefgen.document.validate import validate_workspace
from briefgen.document.workspace import open_workspace
from briefgen.errors import UsageError


def git(root: Path, *args: str) -> None:
    subprocess.run(["git", "-C", str(root), *args], check=True, capture_output=True)


@pytest.fixture
def repo(minimal: Path) -> Path:
    git(minimal, "init", "-q")
    git(minimal, "-c", "user.email=t@example.org", "-c", "user.name=t", "add", ".")
    git(minimal, "-c", "user.email=t@example.org", "-c", "user.name=t", "commit", "-qm", "start")
    return minimal


def test_diff_names_changed_blocks_and_their_audiences(repo: Path):
    blocks = repo / "briefs/demo/blocks"
    rec = blocks / "rec-quiet.yaml"
    rec.write_text(rec.read_text().replace("title: Press quietly", "title: Press very quietly"), encoding="utf-8")
    (blocks / "missiles.yaml").unlink()
    (blocks / "extra.yaml").write_text(
        "section: recs\ntitle: Extra\nstatus: approved\nsummary: s\nbody: b\naudiences: [reader]\n", encoding="utf-8"
    )
    report = diff_since(repo, "HEAD")
    changes = {(c.block, c.change): c.audiences for c in report.blocks}
    assert changes == {
        ("extra", "added"): ("reader",),
        ("missiles", "deleted"): ("boss", "reader", "public"),
        ("rec-quiet", "modified"): ("boss", "reader"),  # tagged internal: public never gets it
    }
    assert report.shared == []


def test_diff_shared_files_touch_every_audience_and_bad_revisions_are_usage_errors(repo: Path):
    (repo / "audiences.yaml").write_text((repo / "audiences.yaml").read_text() + "\n", encoding="utf-8")
    report = diff_since(repo, "HEAD")
    assert report.shared == ["audiences.yaml"] and report.audiences == ("boss", "reader", "public")
    with pytest.raises(UsageError, match="unknown git revision 'nope'"):
        diff_since(repo, "nope")


def test_stats_per_audience(minimal: Path):
    name, rows = brief_stats(minimal)
    by = {r.audience: r for r in rows}
    assert name == "demo"
    assert by["boss"].citations == 2 and by["public"].citations == 5
    assert by["reader"].statuses == {"approved": 7, "draft": 1}
    assert by["boss"].pages == 1 and by["boss"].pages_from == "render" and not by["boss"].over_budget
    assert by["reader"].words > by["boss"].words


def test_stale_blocks_and_lost_sections_are_reported(minimal: Path):
    blocks = minimal / "briefs/demo/blocks"
    history = blocks / "history.yaml"
    history.write_text(
        history.read_text().replace("status: approved\n", "status: approved\nreview_by: 2024-01-01\n"), encoding="utf-8"
    )
    for name in ("risk-low", "risk-mid", "risk-high"):
        path = blocks / f"{name}.yaml"
        path.write_text(path.read_text().replace("status: approved", "status: review"), encoding="utf-8")
    ws, _ = open_workspace(minimal)
    from briefgen.diagnostics import Diagnostics

    diags = Diagnostics()
    validate_workspace(ws, diags, today=dt.date(2025, 1, 1))
    messages = [f"{d.location.line if d.location else 0}: {d.message} [{d.code}]" for d in diags.sorted()]
    assert (
        "5: block 'history' was due for review on 2024-01-01; check its facts, then update 'as_of' and "
        "'review_by' [block.stale]"
    ) in messages
    lost = [m for m in messages if "review.lost-section" in m]
    assert len(lost) == 2 and "audience 'boss' would get no 'risks' section" in lost[0]
