"""Benchmarks for briefgen against the tools a user would otherwise pick, measured on this machine.

Contenders run alternately, run by run (benchmarks/measure.py), and the medians of at least five
runs are compared as ratios, so a noisy shared machine affects both sides alike; each figure is
shown with the interquartile range of its runs. Every baseline does the work briefgen does: the
same HTML laid out, the same Word file made (by Pandoc), processes run as briefgen runs them.
Prints a table with each target and whether it is met, and notes generated from the figures
(benchmarks/report.py), with a py-spy profile of each row that missed its target
(benchmarks/profiles.py). A full run (`make bench`) writes benchmarks/results.md and appends its
figures to benchmarks/history.jsonl (benchmarks/history.py).

`--only 2b,9` measures some rows and prints them, writing nothing; `--quick` makes one run of
each on smaller inputs to check that the code works, not to measure; `--compare [ENTRY]` says
which figures of the history moved by more than the noise of the runs, and measures nothing.
"""

from __future__ import annotations

import argparse
import functools
import http.client
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlparse

sys.path.insert(0, str(Path(__file__).resolve().parent))
import history  # noqa: E402
from measure import (  # noqa: E402
    Command,
    Figure,
    Memory,
    alternate,
    alternate_calls,
    difference,
    memory_of,
    pdf_pages,
    ratio,
    side_by_side,
    spread,
)
from profiles import profile_rows  # noqa: E402
from report import Row, Target, missed_note, table  # noqa: E402
from stages import IMPORTS_BEFORE, PROFILE, PROFILE_BEFORE, heaviest_imports, imports_of, outside_briefgen  # noqa: E402
from workspaces import (  # noqa: E402
    bare_weasyprint,
    copy_workspace,
    empty_cache,
    export_workspace,
    fonts_cairo_finds,
    generated_workspace,
    print_html,
    shard_process,
    without_figures,
)

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
BRIEFGEN = str(BIN / "briefgen")
RUNS = int(os.environ.get("BENCH_RUNS", "5"))
EXPORT_BRIEFS = int(os.environ.get("BENCH_EXPORT_BRIEFS", "20"))
EXPORT_RUNS = int(os.environ.get("BENCH_EXPORT_RUNS", "3"))  # an export takes a minute: fewer runs
SCALE_BLOCKS = 300  # row 4a
LARGE_BLOCKS = int(os.environ.get("BENCH_LARGE_BLOCKS", "5000"))  # row 4e: minutes of layout, measured once
JOBS = 2  # the export's -j, and so the baseline's shards: one process per core of this machine's two
PREVIEW_DEADLINE = 30.0  # seconds a preview edit may take to show before row 6 fails
EDITED = "stopped short of a complete break"  # words of residual-ties.yaml (analyst sees its body) row 6 edits


def seconds(value: float) -> str:
    return f"{value:.3f} s" if value < 1 else f"{value:.2f} s"


class Bench:
    """The rows of the benchmark, each a method named after its row; shared inputs are made once."""

    def __init__(self, work: Path):
        self.work = work
        self.notes: list[str] = []

    @functools.cached_property
    def analyst_html(self) -> Path:
        return print_html(ROOT, "analyst", self.work / "analyst.html")

    def analyst(self, *formats: str, out: str = "out") -> Command:
        chosen = [word for fmt in formats for word in ("-f", fmt)]
        argv = [BRIEFGEN, "-w", str(ROOT), "build", "-a", "analyst", *chosen, "--force", "-q", "-o"]
        return Command([*argv, str(self.work / out)])

    def bare(self, html: Path, name: str = "bare.pdf") -> Command:
        return Command(bare_weasyprint(html, self.work / name))

    @functools.cached_property
    def pandoc(self) -> str:
        import pypandoc

        return pypandoc.get_pandoc_path()

    @functools.cached_property
    def markdown_export(self) -> Path:
        """briefgen's own Pandoc Markdown of the analyst brief, for Pandoc to render."""
        out = self.work / "md"
        subprocess.run(
            [BRIEFGEN, "-w", str(ROOT), *"build -a analyst -f md --force -q -o".split(), str(out)], check=True
        )
        return out / "japan-russia" / "japan-russia-analyst.md"

    def pandoc_docx(self, md: Path, name: str) -> Command:
        return Command([self.pandoc, str(md), "--citeproc", "-o", str(self.work / name)], md.parent)

    def row_1(self) -> list[Row]:
        """PDF alone against bare WeasyPrint of the same HTML; PDF+Word against WeasyPrint and Pandoc side by side."""
        pdf, both = self.analyst("pdf"), self.analyst("pdf", "docx", out="out-both")
        weasy = self.bare(self.analyst_html)
        peers = Command(
            side_by_side(
                [self.bare(self.analyst_html, "bare-1b.pdf"), self.pandoc_docx(self.markdown_export, "p-1b.docx")]
            )
        )
        s = alternate({"pdf": pdf, "pdf+docx": both, "weasyprint": weasy, "weasyprint+pandoc": peers}, RUNS)
        m = {name: statistics.median(values) for name, values in s.items()}
        return [
            Row(
                "1a",
                "PDF alone: build -a analyst -f pdf / bare WeasyPrint of the same HTML",
                f"{seconds(m['pdf'])} / {seconds(m['weasyprint'])}",
                ratio(s, "pdf", "weasyprint"),
                Target("<=", 1.15),
                profile={"briefgen": [pdf], "baseline": [weasy]},
            ),
            Row(
                "1b",
                "PDF+Word: build -a analyst -f pdf -f docx / bare WeasyPrint and pandoc --citeproc to DOCX, "
                "side by side on the same cores",
                f"{seconds(m['pdf+docx'])} / {seconds(m['weasyprint+pandoc'])}",
                ratio(s, "pdf+docx", "weasyprint+pandoc"),
                Target("<=", 1.1),
                profile={"briefgen": [both], "baseline": [weasy]},  # Pandoc is not Python: py-spy cannot sample it
            ),
        ]

    def row_2(self) -> list[Row]:
        """Peer: Pandoc with citeproc from briefgen's own Markdown export, to DOCX and PDF, one after the other."""
        md = self.markdown_export
        script = (
            f"{self.pandoc} {md} --citeproc -o {self.work / 'p.docx'} && "
            f"PATH={BIN}:$PATH {self.pandoc} {md} --citeproc --pdf-engine=weasyprint -o {self.work / 'p.pdf'}"
        )
        ours = self.analyst("pdf", "docx")
        s = alternate({"briefgen": ours, "pandoc": Command(["bash", "-c", script], md.parent)}, RUNS)
        return [
            Row(
                "2",
                "peer: build -a analyst pdf+docx / Pandoc --citeproc to DOCX, then to PDF (WeasyPrint)",
                f"{seconds(statistics.median(s['briefgen']))} / {seconds(statistics.median(s['pandoc']))}",
                ratio(s, "briefgen", "pandoc"),
                Target("<=", 0.8),
                profile={"briefgen": [ours]},
            )
        ]

    def row_2b(self) -> list[Row]:
        """Word alone against Pandoc to DOCX alone: warm (the layout of these inputs cached, as after any build)
        and cold (the workspace's .briefgen-cache emptied before each run, as on a fresh checkout)."""
        md = self.markdown_export
        warm_ws, cold_ws = copy_workspace(self.work / "word-warm"), copy_workspace(self.work / "word-cold")
        word = "build -a analyst -f docx --force -q -o".split()
        warm = Command([BRIEFGEN, "-w", str(warm_ws), *word, str(self.work / "word-warm-out")])
        cold = Command(
            [BRIEFGEN, "-w", str(cold_ws), *word, str(self.work / "word-cold-out")], before=lambda: empty_cache(cold_ws)
        )
        s = alternate({"warm": warm, "cold": cold, "pandoc": self.pandoc_docx(md, "p-2b.docx")}, RUNS)
        m = {name: statistics.median(values) for name, values in s.items()}
        title = "Word alone, {}: build -a analyst -f docx / pandoc --citeproc to DOCX"
        return [
            Row(
                "2b-warm",
                title.format("warm (layout cached)"),
                f"{seconds(m['warm'])} / {seconds(m['pandoc'])}",
                ratio(s, "warm", "pandoc"),
                Target("<=", 2.0),
                profile={"briefgen": [warm]},
            ),
            Row(
                "2b-cold",
                title.format("cold (cache emptied)"),
                f"{seconds(m['cold'])} / {seconds(m['pandoc'])}",
                ratio(s, "cold", "pandoc"),
                Target("<=", 3.0),
                profile={"briefgen": [cold]},
            ),
        ]

    def row_2c(self) -> list[Row]:
        """Peak memory of a one-audience PDF+Word build against bare WeasyPrint: largest process, all processes."""
        ours_runs: list[Memory] = []
        bare_runs: list[Memory] = []
        for _ in range(max(min(RUNS, 3), 1)):
            ours_runs.append(memory_of(self.analyst("pdf", "docx").argv))
            bare_runs.append(memory_of(self.bare(self.analyst_html).argv))
        largest = {"ours": [m.largest_mb for m in ours_runs], "bare": [m.largest_mb for m in bare_runs]}
        tree = {"ours": [m.tree_mb for m in ours_runs], "bare": [m.tree_mb for m in bare_runs]}
        where = f"At the peak of the median run: {at_peak(ours_runs)}; bare WeasyPrint: {at_peak(bare_runs)}."
        return [
            Row(
                "2c-largest",
                "memory: build -a analyst pdf+docx / bare WeasyPrint, largest process (peak RSS)",
                f"{statistics.median(largest['ours']):.0f} MB / {statistics.median(largest['bare']):.0f} MB",
                ratio(largest, "ours", "bare"),
                Target("<=", 1.5),
                where=where,
            ),
            Row(
                "2c-all",
                "memory: build -a analyst pdf+docx / bare WeasyPrint, all processes at once (peak PSS)",
                f"{statistics.median(tree['ours']):.0f} MB / {statistics.median(tree['bare']):.0f} MB",
                ratio(tree, "ours", "bare"),
                Target("<=", 1.4),
                where=where,
            ),
        ]

    def row_3(self) -> list[Row]:
        """Many outputs: every audience against one."""
        every = [BRIEFGEN, "-w", str(ROOT), *"build --all-audiences -f pdf -f docx --force -q -o".split()]
        every_cmd = Command([*every, str(self.work / "all")])
        s = alternate({"all": every_cmd, "one": self.analyst("pdf", "docx")}, RUNS)
        return [
            Row(
                "3",
                "many outputs: --all-audiences (3 x pdf+docx) / -a analyst",
                f"{seconds(statistics.median(s['all']))} / {seconds(statistics.median(s['one']))}",
                ratio(s, "all", "one"),
                Target("<=", 2.0),
                profile={"briefgen": [every_cmd], "baseline": [self.analyst("pdf", "docx")]},
            )
        ]

    def row_4a(self) -> list[Row]:
        """Scale: seconds per page of a generated brief, pages counted from each PDF; and its peak memory."""
        big = generated_workspace(self.work / "big", SCALE_BLOCKS)
        big_pdf = Command([BRIEFGEN, "-w", str(big), *"build -a analyst -f pdf --force -q -j 1".split()])
        bare = self.bare(print_html(big, "analyst", self.work / "big.html"), "big.pdf")
        s = alternate({"briefgen": big_pdf, "weasyprint": bare}, RUNS)
        ours_pages = pdf_pages(next((big / "dist" / "big").glob("*-analyst.pdf")))
        bare_pages = pdf_pages(self.work / "big.pdf")
        per_page = ratio(s, "briefgen", "weasyprint", scale=(ours_pages, bare_pages))
        ms = [
            statistics.median(s["briefgen"]) / ours_pages * 1000,
            statistics.median(s["weasyprint"]) / bare_pages * 1000,
        ]
        memory = memory_of(big_pdf.argv)
        return [
            Row(
                "4a",
                f"scale: seconds per page, {SCALE_BLOCKS} blocks, build -a analyst -f pdf / bare WeasyPrint of "
                "its HTML",
                f"{ms[0]:.0f} ms / {ms[1]:.0f} ms a page ({ours_pages} / {bare_pages} pages, counted in the PDFs)",
                per_page,
                Target("<=", 1.05),
                profile={"briefgen": [big_pdf], "baseline": [bare]},
            ),
            Row(
                "4b",
                f"scale: peak memory, {SCALE_BLOCKS}-block PDF, largest process",
                f"{memory.largest_mb:.0f} MB (all processes {memory.tree_mb:.0f} MB)",
                Figure(memory.largest_mb, memory.largest_mb, memory.largest_mb, 1, "MB"),
                Target("<=", 400, "MB"),
                where=f"At the peak: {describe(memory)}.",
            ),
        ]

    @functools.cached_property
    def checks(self) -> dict[str, list[float]]:
        """`check` on 1,000 and on 5,000 generated blocks, alternating."""
        small = generated_workspace(self.work / "check", 1000)
        large = generated_workspace(self.work / "check5000", 5000)
        return alternate(
            {"1000": [BRIEFGEN, "-w", str(small), "check"], "5000": [BRIEFGEN, "-w", str(large), "check"]}, RUNS
        )

    def row_4c(self) -> list[Row]:
        figure = spread(self.checks["1000"], "s")
        return [Row("4c", "scale: check on 1,000 blocks", seconds(figure.value), figure, Target("<", 1.5, "s"))]

    def row_4d(self) -> list[Row]:
        m = {name: statistics.median(values) for name, values in self.checks.items()}
        return [
            Row(
                "4d",
                "scale: check on 5,000 blocks / on 1,000 (linear: 5)",
                f"{seconds(m['5000'])} / {seconds(m['1000'])}",
                ratio(self.checks, "5000", "1000"),
                Target("<", 5.0),
            )
        ]

    def row_4e(self) -> list[Row]:
        """Peak memory of a very long PDF against bare WeasyPrint of its HTML; once each (minutes of layout)."""
        large = generated_workspace(self.work / "large", LARGE_BLOCKS)
        html = print_html(large, "analyst", self.work / "large.html")
        ours = memory_of([BRIEFGEN, "-w", str(large), *"build -a analyst -f pdf --force -q -j 1".split()])
        bare = memory_of(self.bare(html, "large.pdf").argv)
        pages = pdf_pages(next((large / "dist" / "big").glob("*-analyst.pdf")))
        value = ours.tree_mb / bare.tree_mb
        return [
            Row(
                "4e",
                f"scale: peak memory, {LARGE_BLOCKS:,}-block PDF / bare WeasyPrint of its HTML, all processes (PSS)",
                f"{ours.tree_mb:.0f} MB / {bare.tree_mb:.0f} MB ({pages} pages; {ours.seconds:.0f} s / "
                f"{bare.seconds:.0f} s; largest process {ours.largest_mb:.0f} / {bare.largest_mb:.0f} MB), one run",
                Figure(value, value, value, 1),
                Target("<=", 1.1),
                where=f"At the peak: {describe(ours)}; bare WeasyPrint: {describe(bare)}.",
            )
        ]

    def row_5(self) -> list[Row]:
        """No-op rebuild: every fingerprint (engine versions included) computed, nothing rendered or touched."""
        noop_out = self.work / "noop"
        noop = Command([BRIEFGEN, "-w", str(ROOT), "build", "-q", "-o", str(noop_out)])
        subprocess.run(noop.argv, check=True)
        before = {p: p.stat().st_mtime_ns for p in noop_out.rglob("*")}
        figure = spread(alternate({"noop": noop}, RUNS)["noop"], "s")
        untouched = before == {p: p.stat().st_mtime_ns for p in noop_out.rglob("*")}
        return [
            Row(
                "5",
                "no-op rebuild of the default brief",
                f"{seconds(figure.value)}, outputs untouched: {untouched}",
                figure,
                Target("<=", 0.2, "s"),
                profile={"briefgen": [noop]},
            )
        ]

    def row_6(self) -> list[Row]:
        """Preview: a real edit of a block file, timed from the write to the new page served by `briefgen serve`.

        The page is fetched as the preview's own page does: when the event stream announces a new
        version of the files; if that page does not show the edit yet, it is asked for again until
        it does (a deadline, no fixed waits).
        """
        root = copy_workspace(self.work / "preview")
        block = root / "briefs" / "japan-russia" / "blocks" / "residual-ties.yaml"
        original = block.read_text(encoding="utf-8")
        if EDITED not in original:
            raise SystemExit(f"benchmark 6: {block.name} no longer says '{EDITED}'; update run.py")
        server = subprocess.Popen(
            [BRIEFGEN, "-w", str(root), "serve", "--port", "0", "-q"],
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
        )
        try:
            line = server.stdout.readline() if server.stdout else ""
            found = re.search(r"http://[^\s/]+", line)
            if found is None:
                raise SystemExit(f"benchmark 6: briefgen serve did not say where it listens: {line!r}")
            address = urlparse(found.group(0))
            page, events = preview_edits(address.hostname or "127.0.0.1", address.port or 80, block, original)
        finally:
            server.terminate()
            server.wait(timeout=30)
        figure = spread(page, "s")
        return [
            Row(
                "6",
                "preview: edit of a block file to the new page served (briefgen serve, event stream, then the page)",
                f"{seconds(figure.value)} (the change announced after {seconds(statistics.median(events))}), "
                f"{len(page)} edits",
                figure,
                Target("<", 0.25, "s"),
            )
        ]

    @functools.cached_property
    def with_figures(self) -> Path:
        return copy_workspace(self.work / "figures" / "with")

    def row_7(self) -> list[Row]:
        """Figures: the default brief with its two figures against the same brief without them, warm caches.

        alternate's warm-up build fills each copy's .briefgen-cache, so pictures and the chart are cached.
        """
        bare = without_figures(copy_workspace(self.work / "figures" / "without"))
        build = "build -a analyst -f pdf -f docx --force -q".split()
        s = alternate(
            {"with": [BRIEFGEN, "-w", str(self.with_figures), *build], "without": [BRIEFGEN, "-w", str(bare), *build]},
            RUNS,
        )
        m = {name: statistics.median(values) for name, values in s.items()}
        return [
            Row(
                "7",
                "figures: default brief with its two figures / without them (warm cache), analyst pdf+docx; added time",
                f"{seconds(m['with'])} / {seconds(m['without'])} (ratio {m['with'] / m['without']:.2f})",
                difference(s, "with", "without"),
                Target("<=", 0.3, "s", signed=True),
            )
        ]

    def row_8(self) -> list[Row]:
        """Word's PNG fallback: resvg-py (what briefgen uses) against cairosvg, in this process."""
        import resvg_py

        from briefgen.runtime.files import read_cache

        width = 2100  # briefgen's RASTER_WIDTH: 300 dpi across a 7-inch text block
        fonts = [str(ROOT / "src" / "briefgen" / "defaults" / "styles" / "fonts")]
        figures = self.with_figures / "dist" / ".briefgen-cache" / "figures"
        if not list(figures.glob("chart-*.json")):  # row 7 did not run: draw the chart now
            subprocess.run([BRIEFGEN, "-w", str(self.with_figures), "check"], check=True, capture_output=True)
        chart_record = next(figures.glob("chart-*.json"), None)
        if chart_record is None:
            raise SystemExit("benchmark 8: no drawn chart (chart-*.json) in the figure cache; update run.py")
        svgs = {
            "islands": (ROOT / "briefs" / "japan-russia" / "figures" / "islands.svg").read_bytes(),
            "chart": read_cache(chart_record)["svg"].encode("utf-8"),  # sealed, as briefgen writes it
        }
        try:
            import cairosvg  # not a dependency of briefgen: compared only where it is installed
        except (ImportError, OSError):  # OSError: cairocffi finds no cairo library
            cairosvg = None
        rows = []
        for name, svg in svgs.items():
            calls: dict[str, Callable[[], object]] = {
                "resvg": lambda svg=svg: resvg_py.svg_to_bytes(
                    svg_string=svg.decode("utf-8"), width=width, background="white", font_dirs=fonts
                )
            }
            if cairosvg is not None:
                calls["cairosvg"] = lambda svg=svg: cairosvg.svg2png(bytestring=svg, output_width=width)
            s = alternate_calls(calls, RUNS)
            title = f"SVG to {width}-px PNG for Word's fallback, {name}, per conversion, resvg-py / cairosvg (note 8)"
            resvg_ms = statistics.median(s["resvg"]) * 1000
            if cairosvg is None:
                figure = spread([v * 1000 for v in s["resvg"]], "ms")
                rows.append(Row(f"8-{name}", title, f"{resvg_ms:.0f} ms; cairosvg not importable", figure))
            else:
                measured = f"{resvg_ms:.0f} ms / {statistics.median(s['cairosvg']) * 1000:.0f} ms"
                rows.append(Row(f"8-{name}", title, measured, ratio(s, "resvg", "cairosvg")))
        carlito = fonts_cairo_finds("Carlito")
        found = "Carlito (installed system-wide on this machine)" if carlito == "Carlito" else f"{carlito}, not Carlito"
        self.notes.append(
            "8. Fidelity, judged by eye on both PNGs of both pictures: neither drops anything; shapes, colours and "
            "every label (the ō of Hokkaidō included) match, and the two differ only in how text is set. resvg "
            "loads Carlito from the house style's font folders and applies its ligatures (ff, fi, ti, tt). cairosvg "
            f"cannot be given a font folder: it draws whatever fontconfig offers, here {found}, with no ligatures "
            "and slightly wider spacing. Given a fontconfig without Carlito it fell back to DejaVu Serif, and the "
            "chart's long labels, laid out by Vega for Carlito's widths, ran off the left edge. cairosvg is faster, "
            "but a raster is made once per changed picture and cached, so that speed hardly matters; resvg stays."
        )
        return rows

    def row_9(self) -> list[Row]:
        """An export: N briefs x 4 audiences x PDF+DOCX with -j 2, against the same work without briefgen.

        The baseline is what a script would run on the same cores: one process per shard (as many
        shards as briefgen's jobs, side by side), each importing WeasyPrint once and making every
        PDF of its briefs from briefgen's print HTML, each followed by the Word file from Pandoc
        (--citeproc, from briefgen's Markdown). Every brief is a copy of the default one, so each
        audience's HTML and Markdown are made once and rendered N times.
        """
        workspace = export_workspace(self.work / "export", EXPORT_BRIEFS)
        audiences = ["policymaker", "analyst", "press", "partner"]
        html = {a: print_html(workspace, a, self.work / f"export-{a}.html") for a in audiences}
        md_out = self.work / "export-md"
        build_md = [BRIEFGEN, "-w", str(workspace), "build", "brief-00", "--all-audiences", "-f", "md", "--force", "-q"]
        subprocess.run([*build_md, "-o", str(md_out)], check=True, capture_output=True)
        out = self.work / "export-bare"
        out.mkdir()
        shards = []
        for shard in range(JOBS):
            jobs = [
                [
                    str(html[a]),
                    str(out / f"{b}-{a}.pdf"),
                    str(md_out / "brief-00" / f"brief-00-{a}.md"),
                    str(out / f"{b}-{a}.docx"),
                ]
                for b in range(shard, EXPORT_BRIEFS, JOBS)
                for a in audiences
            ]
            jobs_file = self.work / f"export-shard-{shard}.json"
            jobs_file.write_text(json.dumps(jobs))
            shards.append(Command(shard_process(self.pandoc, jobs_file)))
        export = Command(
            [
                BRIEFGEN,
                "-w",
                str(workspace),
                *f"build --all --all-audiences -f pdf -f docx --force -q -j {JOBS}".split(),
            ]
        )
        s = alternate({"export": export, "baseline": Command(side_by_side(shards))}, EXPORT_RUNS)
        return [
            Row(
                "9",
                f"export: {EXPORT_BRIEFS} briefs x 4 audiences x pdf+docx, -j {JOBS} / one WeasyPrint+Pandoc process "
                f"per shard, {JOBS} side by side",
                f"{statistics.median(s['export']):.1f} s / {statistics.median(s['baseline']):.1f} s",
                ratio(s, "export", "baseline"),
                Target("<=", 1.15),
                profile={"briefgen": [export], "baseline": shards},
            )
        ]

    @functools.cached_property
    def released(self) -> Path:
        """A copy of the workspace with version 1.0 released, then one sentence edited (a redline to draw)."""
        root = copy_workspace(self.work / "released")
        subprocess.run([BRIEFGEN, "-q", "-w", str(root), "release"], check=True, capture_output=True)
        block = root / "briefs" / "japan-russia" / "blocks" / "residual-ties.yaml"
        text = block.read_text(encoding="utf-8")
        block.write_text(text.replace(EDITED, "not made a complete break"), encoding="utf-8")
        return root

    def row_r(self) -> list[Row]:
        """A build with redlines against the same build without: the cost of `--changes-since`."""
        root = self.released
        build = "build -a analyst -f pdf -f docx --force -q -o".split()
        plain = Command([BRIEFGEN, "-w", str(root), *build, str(self.work / "r1")])
        redlined = Command([*plain.argv[:-2], "--changes-since", "1.0", "-o", str(self.work / "r2")])
        s = alternate({"redlined": redlined, "plain": plain}, RUNS)
        return [
            Row(
                "R",
                "redlines: build -a analyst pdf+docx --changes-since 1.0 / the same build without",
                f"{seconds(statistics.median(s['redlined']))} / {seconds(statistics.median(s['plain']))}",
                ratio(s, "redlined", "plain"),
                Target("<=", 1.3),
                profile={"briefgen": [redlined], "baseline": [plain]},
            )
        ]

    def row_p(self) -> list[Row]:
        """Where the time goes: each stage of `build -a analyst -f pdf -f docx` on its own, before and now."""
        result = subprocess.run([sys.executable, "-c", PROFILE, str(ROOT)], check=True, capture_output=True, text=True)
        now = json.loads(result.stdout.strip().splitlines()[-1])
        word = ["-w", str(ROOT), *"build -a analyst -f docx --force -q -o".split(), str(self.work / "imports")]
        subprocess.run([BRIEFGEN, *word], check=True, capture_output=True)  # the layout of these inputs is cached
        imported = imports_of(word)
        shown = ", ".join(
            f"{name} {imported[name] * 1000:.0f} ms" for name in ("briefgen.cli", "docxtpl", "docx") if name in imported
        )
        pdf_engine = "imported" if "weasyprint" in imported else "not imported"
        self.notes.append(
            f"I. Imports of `build -a analyst -f docx --force`. Before issue 14: {IMPORTS_BEFORE}. Now (a layout of "
            f"these inputs cached): {shown}; WeasyPrint {pdf_engine}; {sum(imported.values()):.2f} s of imports "
            "in all."
        )
        heaviest = heaviest_imports("briefgen.cli")
        foreign = outside_briefgen([name for name, _ in heaviest])
        shown = ", ".join(f"{name} {seconds * 1000:.0f} ms" for name, seconds in heaviest)
        self.notes.append(
            "E. What `import briefgen.cli` (every command's start) spends in each package's own module code, the "
            f"largest first (python -X importtime, self times added up by package): {shown}. "
            + (
                "Not brought by briefgen or its charts extra, so present in this environment only (a development "
                f"or release tool's dependency), slowing every row of this run but not a user's install: "
                f"{', '.join(foreign)}."
                if foreign
                else "All of them come with briefgen's own dependencies."
                if foreign is not None
                else ""
            )
        )
        before = ", ".join(f"{name} {seconds * 1000:.0f} ms" for name, seconds in PROFILE_BEFORE)
        stages = ", ".join(f"{name} {seconds * 1000:.0f} ms" for name, seconds in now)
        self.notes.append(
            f"P. Where the time goes, one stage after another in one process (not how a build runs them: Word is "
            f"written by a worker beside the layout). Before issue 14: {before} "
            f"(sum {sum(s for _, s in PROFILE_BEFORE):.2f} s). Measured now: {stages} "
            f"(sum {sum(s for _, s in now):.2f} s)."
        )
        return []


def at_peak(runs: list[Memory]) -> str:
    """The processes at the peak of the run whose all-process peak is the median one."""
    ordered = sorted(runs, key=lambda m: m.tree_mb)
    return describe(ordered[(len(ordered) - 1) // 2])


def describe(memory: Memory) -> str:
    shown = sorted(memory.at_peak, key=lambda item: -item[1])
    return ", ".join(f"{name} {mb:.0f} MB" for name, mb in shown) or "no process sampled"


def preview_edits(host: str, port: int, block: Path, original: str) -> tuple[list[float], list[float]]:
    """Seconds from each edit of `block` to the page showing it, and to the event announcing it; one warm-up."""
    events = http.client.HTTPConnection(host, port, timeout=PREVIEW_DEADLINE)
    events.request("GET", "/events")
    stream = events.getresponse()

    def next_version(deadline: float) -> int:
        while time.perf_counter() < deadline:
            line = stream.readline().decode()
            if line.startswith("data:"):
                return int(line.split(":", 1)[1])
        raise SystemExit("benchmark 6: the preview announced no change before the deadline")

    def page() -> str:
        connection = http.client.HTTPConnection(host, port, timeout=PREVIEW_DEADLINE)
        connection.request("GET", "/audience/analyst")
        body = connection.getresponse().read().decode()
        connection.close()
        return body

    version = next_version(time.perf_counter() + PREVIEW_DEADLINE)
    page()  # the first render (imports, fonts) is not what an edit costs
    pages, announced = [], []
    try:
        for edit in range(RUNS + 1):
            marker = f"benchmark edit {edit}"
            start = time.perf_counter()
            block.write_text(original.replace(EDITED, f"{EDITED} ({marker})"), encoding="utf-8")
            deadline = start + PREVIEW_DEADLINE
            while (seen := next_version(deadline)) == version:
                pass
            version, event = seen, time.perf_counter() - start
            while marker not in page():
                if time.perf_counter() > deadline:
                    raise SystemExit(f"benchmark 6: the preview did not show '{marker}' within {PREVIEW_DEADLINE} s")
            if edit:  # the first edit warms the path of a change up
                pages.append(time.perf_counter() - start)
                announced.append(event)
    finally:
        events.close()
        block.write_text(original, encoding="utf-8")
    return pages, announced


ROWS = ["1", "2", "2b", "2c", "3", "4a", "4c", "4d", "4e", "5", "6", "7", "8", "9", "r", "p"]

LARGE_DOCUMENT_NOTE = (
    "4e. What briefgen does about very long documents: before laying out a document of more than 150 pages "
    "it warns that no reader will take it and names the fix (split the brief or narrow the audience's "
    "sections); audiences with a page budget are warned, or fail under --strict, long before that."
)


def main() -> None:
    global RUNS, EXPORT_BRIEFS, EXPORT_RUNS, SCALE_BLOCKS, LARGE_BLOCKS
    parser = argparse.ArgumentParser(description="briefgen's benchmarks (see benchmarks/results.md)")
    parser.add_argument("--only", help=f"comma-separated rows to measure and print, not written: {', '.join(ROWS)}")
    parser.add_argument("--quick", action="store_true", help="one run each, on smaller inputs: a check of the code")
    parser.add_argument(
        "--compare",
        nargs="?",
        const="",
        metavar="ENTRY",
        help="measure nothing: compare the last two entries of benchmarks/history.jsonl (or ENTRY, an index or "
        "a date prefix, with the last) and list the figures that moved by more than the noise of the runs",
    )
    args = parser.parse_args()
    if args.compare is not None:
        print(history.compare(*history.pick(history.load(), args.compare or None)))  # noqa: T201
        return
    chosen = [row.strip().lower() for row in args.only.split(",")] if args.only else ROWS
    unknown = [row for row in chosen if row not in ROWS]
    if unknown:
        parser.error(f"unknown row {', '.join(unknown)}; rows are {', '.join(ROWS)}")
    if args.quick:
        RUNS, EXPORT_BRIEFS, EXPORT_RUNS, SCALE_BLOCKS, LARGE_BLOCKS = 1, 2, 1, 60, 200
    started = time.perf_counter()
    work = Path(tempfile.mkdtemp(prefix="briefgen-bench-"))
    bench = Bench(work)
    measured: dict[str, list[Row]] = {}
    try:
        for row in sorted(chosen, key=lambda name: name == "4e"):  # the longest row last; shown in its place
            began = time.perf_counter()
            measured[row] = getattr(bench, f"row_{row}")()
            print(f"row {row}: {time.perf_counter() - began:.0f} s", file=sys.stderr)  # noqa: T201
        rows = [row for name in chosen for row in measured[name]]
        # Every full run profiles its missed rows; a quick one profiles one, to check that the code works.
        profiles = {} if args.only else profile_rows(rows, work, limit=1 if args.quick else None)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    notes = [*bench.notes, missed_note(rows, profiles), LARGE_DOCUMENT_NOTE]
    text = table(rows) + "".join(f"\n{note}\n" for note in notes)
    print(text)  # noqa: T201
    print(f"(benchmark took {time.perf_counter() - started:.0f} s)")  # noqa: T201
    if args.only or args.quick:
        return  # a partial or quick run neither replaces the results nor enters the history
    record = history.entry(rows, RUNS, BRIEFGEN)
    history.append(record)
    machine, versions = record["machine"], record["versions"]
    where = (
        f"{machine['cores']} cores ({machine['cpu']}), {machine['memory_gb']} GB, Python {versions['Python']}, "
        f"WeasyPrint {versions.get('WeasyPrint')}, Pandoc {versions.get('Pandoc')}; "
        f"median of {RUNS} alternating runs (the export: {EXPORT_RUNS}) on {record['date']}, "
        f"commit {versions['commit']}; appended to benchmarks/history.jsonl"
    )
    write_results(f"# Benchmark results\n\nMeasured by `make bench` on this machine: {where}.\n\n{text}")
    entries = history.load()
    if len(entries) > 1:
        print(history.compare(entries[-2], entries[-1]))  # noqa: T201


def write_results(text: str) -> None:
    results = ROOT / "benchmarks" / "results.md"
    # benchmarks/shards.py writes its own section at the end (minutes to measure): it is kept.
    shards = results.read_text(encoding="utf-8").partition("\n## Shard plans at scale")
    if shards[1]:
        text = f"{text.rstrip()}\n{shards[1]}{shards[2]}"
    results.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
