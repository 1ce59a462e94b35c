"""The outputs of a build's tasks as they arrive, from this process or a worker's, then put in order.

Each rendering becomes an `Output` (its file name from the format's registry entry) and is
announced at once; when every task is done, `settle` orders the outputs by audience and format
and gives each the warnings of its document's layout (the page budget among them).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from briefgen.build.layouts import page_budget, word_count
from briefgen.build.outputs import Output
from briefgen.build.plan import Plan
from briefgen.build.pool import Session
from briefgen.diagnostics import Diagnostics
from briefgen.model import Brief, Document
from briefgen.render import Layout, Rendering, RenderTask, TaskResult
from briefgen.runtime.formats import format_named


class Collected:
    """The outputs of a build's tasks as they arrive (from this process or a worker's), then put in order."""

    def __init__(self, session: Session, stem: str, out_dir: Path, docs: list[tuple[Plan, Document]]):
        self.session, self.stem, self.out_dir, self.docs = session, stem, out_dir, docs
        self.outputs: dict[tuple[str, str], Output] = {}
        self.redlines: list[Output] = []  # `build --changes-since`: no fingerprint, no budget, layout not kept
        self.results: list[TaskResult] = []
        self.new_layouts: list[tuple[Path, str, Layout, Path]] = []
        self.plans = {plan.audience.id: plan for plan, _doc in docs}
        self.common: dict[str, dict[str, Any]] = {
            plan.audience.id: {"words": word_count(doc), "blocks": [b.id for b in doc.blocks], "draft": doc.draft}
            for plan, doc in docs
        }

    def rendered(self, task: RenderTask, rendering: Rendering) -> None:
        """One output is done: record it and tell whoever shows progress.

        A redline (`build --changes-since`) is `<brief>-<audience>-changes-<version>.<ext>`, with no
        fingerprint (it is drawn again whenever asked for) and the words and blocks of its own document.
        """
        redline = f"-changes-{task.changes_since}" if task.changes_since else ""
        if redline:
            common: dict[str, Any] = {
                "words": word_count(task.doc),
                "blocks": [b.id for b in task.doc.blocks if b.change not in ("del", "move-from")],
                "draft": task.doc.draft,
                "changes_since": task.changes_since,
            }
        else:
            common = {**self.common[task.audience], "inputs": self.plans[task.audience].prints[rendering.format]}
        output = Output(
            audience=task.audience,
            format=rendering.format,
            path=self.out_dir / f"{self.stem}{task.audience}{redline}{format_named(rendering.format).extension}",
            data=rendering.data,
            pages=rendering.pages,
            warnings=[],  # known once the layout is (see `settle`); a redline has none
            seconds=rendering.seconds,
            text=rendering.text,
            **common,
        )
        if redline:
            self.redlines.append(output)
        else:
            self.outputs[(task.audience, rendering.format)] = output
        self.session.finished(output)

    def settle(self, brief: Brief, diags: Diagnostics, layouts: Path | None, root: Path) -> list[Output]:
        """Outputs in audience and format order, each with the warnings of its document's layout.

        The layout is the one made now, or else the cached one; a new one goes to `new_layouts`,
        which `build` keeps for later builds once it publishes (rendering itself writes nothing).
        """
        made = {
            result.audience: result.layout
            for result in self.results
            if result.layout is not None and not result.changes_since
        }
        ordered: list[Output] = []
        for plan, doc in self.docs:
            layout = made.get(plan.audience.id) or plan.layout
            warnings: list[str] = []
            if layout is not None:
                if plan.audience.id in made and layouts is not None:
                    self.new_layouts.append((layouts, plan.prints["pdf"], layout, root))
                warnings = [*page_budget(doc, layout.pages, brief, diags), *layout.warnings]
                diags.items.extend(layout.diagnostics)
            for fmt in plan.formats:
                output = self.outputs[(plan.audience.id, fmt)]
                output.warnings = warnings
                ordered.append(output)
        return ordered + sorted(self.redlines, key=lambda output: (output.audience, output.format))

    def sidecars(self) -> dict[Path, bytes]:
        """The files outputs need beside them (a Markdown file's pictures and CSL style)."""
        return {path: data for result in self.results for path, data in result.sidecars.items()}
