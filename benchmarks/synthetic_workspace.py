"""A synthetic workspace of N briefs (default 300) for measuring the export's shard plans at scale.

Every brief is the small fixture brief (tests/fixtures/minimal/briefs/demo) with its settings and
audiences, plus a varying number of extra blocks of placeholder text, so briefs differ in size the way
a real workspace's do (most small, a few large). The extra blocks are clearly marked SYNTHETIC and say
nothing: lorem-style filler for a benchmark, not content. Deterministic: the same N gives the same files.

    python benchmarks/synthetic_workspace.py OUT [--briefs 300]
"""

from __future__ import annotations

import argparse
import random
import shutil
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FIXTURE = ROOT / "tests" / "fixtures" / "minimal"
SECTIONS = ("context", "risks", "recs")
FILLER = (
    "Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor incididunt ut labore "
    "et dolore magna aliqua. Ut enim ad minim veniam, quis nostrud exercitation ullamco laboris nisi ut "
    "aliquip ex ea commodo consequat."
)


def extra_blocks(index: int, rng: random.Random) -> int:
    """How many synthetic blocks brief `index` gets: a long tail, as real workspaces have."""
    return min(60, int(rng.expovariate(1 / 8)))


def make_workspace(target: Path, briefs: int = 300, seed: int = 27) -> Path:
    """Writes the workspace into `target` (which must not exist) and returns it."""
    target.mkdir(parents=True)
    for name in ("briefgen.yaml", "audiences.yaml"):
        shutil.copy(FIXTURE / name, target / name)
    text = (target / "briefgen.yaml").read_text(encoding="utf-8").replace("default_brief: demo", "default_brief: s-001")
    (target / "briefgen.yaml").write_text(
        "# SYNTHETIC benchmark workspace (benchmarks/synthetic_workspace.py)\n" + text
    )
    rng = random.Random(seed)
    for index in range(1, briefs + 1):
        folder = target / "briefs" / f"s-{index:03d}"
        shutil.copytree(FIXTURE / "briefs" / "demo", folder)
        brief = folder / "brief.yaml"
        brief.write_text(
            brief.read_text(encoding="utf-8").replace("title: Demo brief", f"title: Synthetic brief {index}"),
            encoding="utf-8",
        )
        for block in range(extra_blocks(index, rng)):
            paragraphs = rng.randint(1, 4)
            body = "\n\n".join(f"  SYNTHETIC placeholder paragraph {p + 1}. {FILLER}" for p in range(paragraphs))
            (folder / "blocks" / f"synthetic-{block:02d}.yaml").write_text(
                f"# SYNTHETIC: placeholder text for a benchmark, not content\n"
                f"section: {SECTIONS[block % len(SECTIONS)]}\n"
                f"title: Synthetic block {block}\n"
                f"order: {100 + block}\n"
                f"status: approved\n"
                f"summary: SYNTHETIC placeholder summary {block}.\n"
                f"body: |\n{body}\n",
                encoding="utf-8",
            )
    return target


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path, help="folder to create")
    parser.add_argument("--briefs", type=int, default=300)
    args = parser.parse_args()
    make_workspace(args.out, args.briefs)
    print(f"wrote {args.briefs} synthetic briefs in {args.out}")  # noqa: T201


if __name__ == "__main__":
    main()
