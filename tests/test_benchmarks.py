"""The benchmark's bookkeeping, without measuring anything: figures and their noise, targets and the notes made
from them, the history and its comparison, the summary of a py-spy profile, the side-by-side baseline.

The rows themselves are run by `benchmarks/run.py --quick` (the `bench` job of .github/workflows/ci.yml).
"""

import json
import subprocess
import sys
from pathlib import Path

import pytest

BENCHMARKS = Path(__file__).resolve().parent.parent / "benchmarks"
sys.path.insert(0, str(BENCHMARKS))

import history  # noqa: E402
from measure import Command, Figure, describe_argv, difference, quartiles, ratio, side_by_side, spread  # noqa: E402
from profiles import compare_text, group, package, summarise  # noqa: E402
from report import Row, Target, missed_note, table  # noqa: E402


def test_ratio_is_of_the_medians_and_its_noise_the_quartiles_of_the_run_by_run_ratios():
    samples = {"ours": [2.0, 2.2, 2.1, 2.4, 2.0], "theirs": [1.0, 1.0, 1.0, 1.0, 2.0]}
    figure = ratio(samples, "ours", "theirs")
    assert figure.value == pytest.approx(2.1 / 1.0)
    assert (figure.low, figure.high) == pytest.approx((2.0, 2.2))  # per run: 2.0 2.2 2.1 2.4 1.0
    assert figure.runs == 5 and figure.noise == pytest.approx(0.1)


def test_ratio_per_page_divides_each_side_by_its_own_pages():
    figure = ratio({"a": [10.0], "b": [4.0]}, "a", "b", scale=(10, 5))
    assert figure.value == pytest.approx(1.0 / 0.8)
    assert figure.low == figure.high == figure.value


def test_one_run_has_no_spread_and_difference_keeps_seconds():
    assert quartiles([3.0]) == (3.0, 3.0)
    assert spread([1.0, 3.0, 2.0], "s") == Figure(2.0, 1.5, 2.5, 3, "s")
    extra = difference({"with": [2.5, 2.7, 2.6], "without": [2.4, 2.4, 2.5]}, "with", "without")
    assert extra.unit == "s" and extra.value == pytest.approx(0.2)


def test_side_by_side_runs_every_command_at_once_and_fails_when_one_fails(tmp_path: Path):
    ok = side_by_side([Command(["touch", "a"], tmp_path), Command(["touch", str(tmp_path / "b")])])
    subprocess.run(ok, check=True)
    assert (tmp_path / "a").exists() and (tmp_path / "b").exists()
    assert subprocess.run(side_by_side([Command(["false"]), Command(["true"])])).returncode != 0
    assert subprocess.run(side_by_side([Command(["true"]), Command(["false"])])).returncode != 0


def test_processes_are_named_by_what_they_run():
    assert describe_argv(["/v/bin/python", "/v/bin/briefgen", "-w", "/tmp/w", "build", "-a", "x"]) == "briefgen build"
    worker = ["/usr/bin/python3.12", "-B", "-s", "-c", "from multiprocessing.forkserver import main; main(3)"]
    assert "multiprocessing" in describe_argv(worker)
    assert describe_argv(["python", "-c", "from weasyprint import HTML"]) == "python -c (WeasyPrint)"
    assert describe_argv(["/usr/bin/pandoc", "in.md"]) == "pandoc"


def row(key: str, value: float, target: Target | None, low: float | None = None, high: float | None = None) -> Row:
    unit = target.unit if target else ""
    figure = Figure(value, value if low is None else low, value if high is None else high, 5, unit)
    return Row(key, f"row {key}", "measured", figure, target)


def test_targets_are_judged_from_the_figure_and_shown_in_the_table():
    rows = [
        row("1a", 1.10, Target("<=", 1.15), 1.05, 1.12),
        row("1b", 1.30, Target("<=", 1.1), 1.25, 1.35),
        row("5", 0.2, Target("<=", 0.2, "s")),
        row("6", 0.25, Target("<", 0.25, "s")),
        row("8", 2.3, None),
    ]
    assert [r.met for r in rows] == [True, False, True, False, None]
    text = table(rows)
    assert "| 1a. row 1a | measured | 1.10 (1.05 to 1.12) | <= 1.15 | yes |" in text
    assert "| 1b. row 1b | measured | 1.30 (1.25 to 1.35) | <= 1.10 | **no** |" in text
    assert "| 5. row 5 | measured | 0.200 s | <= 0.200 s | yes |" in text
    assert "| 8. row 8 | measured | 2.30 | - | - |" in text


def test_the_note_on_missed_targets_is_made_from_the_figures_and_profiles():
    rows = [
        row("1a", 1.10, Target("<=", 1.15)),
        row("1b", 1.30, Target("<=", 1.1), 1.25, 1.35),
        row("4a", 1.07, Target("<=", 1.05), 1.03, 1.09),
        row("7", 0.35, Target("<=", 0.3, "s", signed=True)),
    ]
    rows[3].where = "At the peak: briefgen build 150 MB."
    note = missed_note(rows, {"1b": "Profile: briefgen spends more in: import briefgen.cli +0.20."})
    assert note.startswith("G. Targets in this run, from its figures: 1 of 4 met (1a); missed: 1b, 4a, 7.")
    assert "- 1b: 1.30 against <= 1.10, over by 0.20; the runs' interquartile range (1.25 to 1.35) is all" in note
    assert "import briefgen.cli +0.20" in note
    assert "- 4a: 1.07 against <= 1.05" in note and "reaches the target: within the noise of this run" in note
    assert "- 7: +0.350 s against <= +0.300 s" in note and "briefgen build 150 MB" in note
    assert "1a:" not in note


def test_a_history_entry_keeps_each_figure_with_its_noise_and_target(tmp_path: Path, monkeypatch):
    monkeypatch.setattr(history, "versions", lambda briefgen: {"Python": "3.12.0", "briefgen": "0.1.0"})
    rows = [row("1a", 1.10, Target("<=", 1.15), 1.05, 1.12), Row("p", "stages", "-")]
    record = history.entry(rows, 5, "briefgen")
    path = tmp_path / "history.jsonl"
    history.append(record, path)
    history.append(record, path)
    loaded = history.load(path)
    assert len(loaded) == 2 and loaded[0] == json.loads(json.dumps(record))
    assert loaded[0]["rows"] == {
        "1a": {
            "title": "row 1a",
            "value": 1.10,
            "low": 1.05,
            "high": 1.12,
            "runs": 5,
            "unit": "",
            "target": "<= 1.15",
            "met": True,
        }
    }
    assert set(loaded[0]["machine"]) == {"cores", "cpu", "memory_gb", "system"}


def entry(date: str, **figures: tuple[float, float, float, int]) -> dict:
    rows = {
        key: {"value": v, "low": lo, "high": hi, "runs": n, "unit": "", "target": "<= 1.1"}
        for key, (v, lo, hi, n) in figures.items()
    }
    return {"date": date, "machine": {"cores": 2}, "versions": {"briefgen": "0.1.0"}, "rows": rows}


def test_compare_lists_the_figures_that_moved_by_more_than_the_noise_of_both_runs():
    old = entry("2026-12-01", a=(1.30, 1.28, 1.32, 5), b=(1.20, 1.10, 1.30, 5), c=(2.0, 2.0, 2.0, 1), gone=(1, 1, 1, 5))
    new = entry("2026-12-09", a=(1.10, 1.08, 1.12, 5), b=(1.28, 1.20, 1.36, 5), c=(2.5, 2.5, 2.5, 1), new=(1, 1, 1, 5))
    text = history.compare(old, new)
    assert "Moved by more than the noise: a 1.3 -> 1.1 (-0.2, noise 0.04), better." in text
    assert "Within the noise: b." in text  # moved 0.08, noise 0.1 + 0.08
    assert "Measured once, not judged: c 2 -> 2.5 (+0.5)." in text
    assert "Rows only in the older entry: gone; only in the newer: new." in text
    new["versions"]["briefgen"] = "0.2.0"
    assert "Changed: briefgen 0.1.0 -> 0.2.0." in history.compare(old, new)


def test_compare_picks_the_last_two_entries_or_the_one_asked_for():
    entries = [entry("2026-12-01"), entry("2026-12-05"), entry("2026-12-09")]
    assert history.pick(entries, None) == (entries[1], entries[2])
    assert history.pick(entries, "0") == (entries[0], entries[2])
    assert history.pick(entries, "2026-12-05") == (entries[1], entries[2])
    with pytest.raises(SystemExit, match="no history entry"):
        history.pick(entries, "2025")
    with pytest.raises(SystemExit, match="no entry 7"):
        history.pick(entries, "7")
    with pytest.raises(SystemExit, match="needs two"):
        history.pick(entries[:1], None)


def test_run_compare_reads_the_history_and_measures_nothing(tmp_path: Path, monkeypatch, capsys):
    path = tmp_path / "history.jsonl"
    for record in (entry("2026-12-01", a=(1.3, 1.28, 1.32, 5)), entry("2026-12-09", a=(1.1, 1.08, 1.12, 5))):
        history.append(record, path)
    monkeypatch.setattr(history, "HISTORY", path)
    monkeypatch.setattr(sys, "argv", ["run.py", "--compare", "2026-12-01"])
    import run

    run.main()
    assert "Moved by more than the noise: a 1.3 -> 1.1" in capsys.readouterr().out


PROCESS = 'process 11:"/v/bin/python /v/bin/briefgen build -a x; y"'
SITE = "/v/lib/python3.12/site-packages"


def test_py_spy_samples_are_grouped_by_import_and_by_package():
    raw = "\n".join(
        [
            f"{PROCESS} 3",
            f"{PROCESS};<module> (/v/bin/briefgen);_find_and_load (<frozen importlib._bootstrap>);"
            f"<module> ({SITE}/weasyprint/__init__.py);_find_and_load (<frozen importlib._bootstrap>);"
            f"<module> ({SITE}/weasyprint/css/__init__.py) 40",
            f"{PROCESS};main (/w/src/briefgen/cli/base.py);layout (/w/src/briefgen/render/pdf.py);"
            f"render ({SITE}/weasyprint/document.py) 80",
            f'{PROCESS};process 12:"/usr/bin/python3.12 -B -c from multiprocessing.forkserver import main";'
            "write (/w/src/briefgen/render/docx/write.py) 20",
            "garbage line",
        ]
    )
    found = summarise(raw)
    assert found == pytest.approx(
        {"(no Python frame)": 0.03, "import weasyprint": 0.4, "weasyprint": 0.8, "briefgen.render": 0.2}
    )
    assert package("/usr/lib/python3.12/json/decoder.py") == "stdlib json"
    assert package("/w/src/briefgen/model.py") == "briefgen"
    assert group([]) == "(no Python frame)"


def test_a_profile_summary_names_where_briefgen_spends_more_than_its_baseline():
    from collections import Counter

    ours = Counter({"weasyprint": 0.85, "import briefgen.cli": 0.2, "import weasyprint": 0.4})
    theirs = Counter({"weasyprint": 0.84, "import weasyprint": 0.41})
    text = compare_text(ours, theirs)
    assert text.startswith("briefgen 1.45 s of samples (largest: weasyprint 0.85, import weasyprint 0.40")
    assert "baseline 1.25 s" in text
    assert text.endswith("briefgen spends more in: import briefgen.cli +0.20, weasyprint +0.01.")
