"""The export's shard plan: every brief in exactly one CI job, jobs of about equal work, from real manifests."""

from __future__ import annotations

import json
import random
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from briefgen.cli import cli
from briefgen.commands.shards import Estimate, estimate_costs, plan_shards


def synthetic_costs(distribution: str) -> dict[str, float]:
    """300 briefs: page counts spread evenly, or a long tail of a few heavy briefs among many short ones."""
    rng = random.Random(14)
    if distribution == "even":
        return {f"brief-{i:03d}": float(rng.randint(1, 40)) for i in range(300)}
    return {f"brief-{i:03d}": float(min(60, round(rng.paretovariate(1.2) * 2))) for i in range(300)}


@pytest.mark.parametrize("distribution", ["even", "long tail"])
def test_300_briefs_each_in_exactly_one_of_20_balanced_shards(distribution: str):
    costs = synthetic_costs(distribution)
    plan = plan_shards(costs, 20)
    assert [s.number for s in plan] == list(range(1, 21))
    placed = [brief for shard in plan for brief in shard.briefs]
    assert sorted(placed) == sorted(costs)  # every brief once, none twice, none lost
    assert all(shard.briefs for shard in plan)
    for shard in plan:
        assert shard.cost == sum(costs[b] for b in shard.briefs)
        assert list(shard.briefs) == sorted(shard.briefs)
    loads = [shard.cost for shard in plan]
    assert max(loads) <= 1.2 * min(loads), loads


def test_the_plan_depends_on_the_costs_only_not_on_their_order():
    costs = synthetic_costs("even")
    backwards = dict(reversed(list(costs.items())))
    assert plan_shards(costs, 20) == plan_shards(backwards, 20)


def test_more_shards_than_briefs_gives_one_brief_per_shard():
    plan = plan_shards({"a": 3.0, "b": 1.0, "c": 2.0}, 20)
    assert [(s.number, s.briefs, s.cost) for s in plan] == [(1, ("a",), 3.0), (2, ("c",), 2.0), (3, ("b",), 1.0)]


def test_briefs_of_unknown_cost_are_spread_evenly_not_piled_into_one_shard():
    plan = plan_shards({f"brief-{i:03d}": 0.0 for i in range(300)}, 20)
    assert [len(s.briefs) for s in plan] == [15] * 20


def test_a_brief_heavier_than_a_fair_share_gets_a_shard_of_its_own():
    costs = {"huge": 100.0, **{f"small-{i:02d}": 1.0 for i in range(30)}}
    plan = plan_shards(costs, 4)
    assert plan[0].briefs == ("huge",)
    assert [len(s.briefs) for s in plan[1:]] == [10, 10, 10]


@pytest.mark.parametrize("count", [0, -3])
def test_a_plan_needs_at_least_one_shard(count: int):
    with pytest.raises(ValueError, match=f"a plan needs at least one shard, not {count}"):
        plan_shards({"a": 1.0}, count)


def test_costs_take_the_most_faithful_measure_and_convert_the_others():
    measures = {
        "timed": {"seconds": 6.0, "pages": 12.0, "blocks": 30.0},
        "paged": {"pages": 10.0, "blocks": 20.0},
        "new": {"blocks": 40.0},
    }
    unit, estimates = estimate_costs(measures)
    assert unit == "seconds"
    # 'paged' at the seconds per page of 'timed'; 'new' has only blocks: at the seconds per block of 'timed'
    assert estimates == {
        "timed": Estimate(6.0, "seconds"),
        "paged": Estimate(5.0, "pages"),
        "new": Estimate(8.0, "blocks"),
    }
    unit, estimates = estimate_costs({"paged": measures["paged"], "new": measures["new"]})
    assert unit == "pages"
    assert estimates == {"paged": Estimate(10.0, "pages"), "new": Estimate(20.0, "blocks")}


# ---------------------------------------------------------------- through the command


def run(*args: str):
    return CliRunner().invoke(cli, list(args))


def manifest(brief: str, pages: dict[str, int], seconds: dict[str, float] | None = None) -> str:
    """A manifest as builds write it, with only the fields the planner reads (and the Word file's entry)."""
    outputs = []
    for audience, count in pages.items():
        docx = {"audience": audience, "format": "docx", "path": f"{brief}-{audience}.docx"}
        pdf = {"audience": audience, "format": "pdf", "path": f"{brief}-{audience}.pdf", "pages": count}
        if seconds is not None:
            docx["seconds"], pdf["seconds"] = 0.5, seconds[audience]
        outputs += [docx, pdf]
    return json.dumps({"brief": brief, "outputs": outputs})


@pytest.fixture
def four_briefs(minimal: Path) -> Path:
    """The minimal workspace with four copies of its brief, two of them with a manifest of their last build."""
    for name in ("beta", "gamma", "delta"):
        shutil.copytree(minimal / "briefs/demo", minimal / "briefs" / name)
    for brief, text in {
        "demo": manifest("demo", {"boss": 2, "reader": 5, "public": 3}),
        "beta": manifest("beta", {"reader": 4}),  # only one audience built so far: scaled to three
        "delta": manifest("someone-else", {"reader": 99}),  # another brief's manifest is not delta's
    }.items():
        (minimal / "dist" / brief).mkdir(parents=True)
        (minimal / "dist" / brief / "manifest.json").write_text(text, encoding="utf-8")
    return minimal


def test_list_shards_plans_from_the_pages_of_the_last_manifests(four_briefs: Path):
    result = run("-w", str(four_briefs), "list", "--json", "--shards", "2")
    assert result.exit_code == 0, result.output
    # demo: 2 + 5 + 3 pages; beta: 4 pages for one audience of three, so 12; gamma and delta have no
    # manifest of their own: 20 blocks received (17, plus one per audience) at the 22 pages per 40 blocks
    # of demo and beta, so 11 pages each.
    assert json.loads(result.stdout)["result"] == {
        "unit": "pages",
        "shards": [
            {"number": 1, "briefs": ["beta", "demo"], "cost": 22.0},
            {"number": 2, "briefs": ["delta", "gamma"], "cost": 22.0},
        ],
        "estimates": {
            "beta": {"cost": 12.0, "measure": "pages"},
            "delta": {"cost": 11.0, "measure": "blocks"},
            "demo": {"cost": 10.0, "measure": "pages"},
            "gamma": {"cost": 11.0, "measure": "blocks"},
        },
    }
    text = run("-w", str(four_briefs), "list", "--shards", "2")
    assert (
        text.stdout
        == "shard 1: 2 briefs, about 22 pages: beta, demo\nshard 2: 2 briefs, about 22 pages: delta, gamma\n"
    )


def test_list_shards_prefers_the_seconds_builds_recorded(minimal: Path):
    shutil.copytree(minimal / "briefs/demo", minimal / "briefs/beta")
    for brief, text in {
        "demo": manifest("demo", {"boss": 2, "reader": 5, "public": 3}, {"boss": 1.0, "reader": 2.5, "public": 3.0}),
        "beta": manifest("beta", {"boss": 1, "reader": 2, "public": 2}),  # built before manifests recorded time
    }.items():
        (minimal / "dist" / brief).mkdir(parents=True)
        (minimal / "dist" / brief / "manifest.json").write_text(text, encoding="utf-8")
    result = run("-w", str(minimal), "list", "--json", "--shards", "2")
    assert result.exit_code == 0, result.output
    # demo: 6.5 s of PDFs and 1.5 s of Word files for 10 pages; beta's 5 pages at 0.8 s a page.
    assert json.loads(result.stdout)["result"] == {
        "unit": "seconds",
        "shards": [
            {"number": 1, "briefs": ["demo"], "cost": 8.0},
            {"number": 2, "briefs": ["beta"], "cost": 4.0},
        ],
        "estimates": {"beta": {"cost": 4.0, "measure": "pages"}, "demo": {"cost": 8.0, "measure": "seconds"}},
    }


def test_list_shards_of_one_named_brief(four_briefs: Path):
    result = run("-w", str(four_briefs), "list", "gamma", "--json", "--shards", "20")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["result"]["shards"] == [{"number": 1, "briefs": ["gamma"], "cost": 20.0}]


def test_a_brief_name_that_matches_nothing_is_a_usage_error_not_an_empty_plan(four_briefs: Path):
    result = run("-w", str(four_briefs), "list", "gama", "--json", "--shards", "20")
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr == (
        "Error: no brief named 'gama' (did you mean 'gamma'?); briefs in this workspace: beta, delta, demo, gamma\n"
    )


@pytest.mark.parametrize("count", ["0", "-1"])
def test_shards_below_one_is_a_usage_error(four_briefs: Path, count: str):
    result = run("-w", str(four_briefs), "list", "--json", "--shards", count)
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr == (
        f"Error: --shards N splits the export into at most N CI jobs; give 1 or more, not {count} "
        "(for example --shards 20)\n"
    )
