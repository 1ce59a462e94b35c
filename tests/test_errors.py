"""Content errors end with one line saying what the command did not do, in its own terms."""

from pathlib import Path

import pytest
from test_cli import run_main


@pytest.mark.parametrize(
    ("command", "outcome"),
    [
        (["list"], "nothing was listed"),
        (["stats"], "nothing was counted"),
        (["diff", "HEAD"], "nothing was compared"),
        (["build", "-f", "html"], "nothing was written"),
    ],
)
def test_a_broken_workspace_ends_with_what_the_command_did_not_do(
    command: list[str], outcome: str, minimal: Path, monkeypatch, capsys
):
    (minimal / "briefs/demo/blocks/missiles.yaml").write_text("section: context\ntitle Missiles\n", encoding="utf-8")
    code, _, err = run_main(["-w", str(minimal), *command], monkeypatch, capsys)
    assert code == 1
    assert err.splitlines()[0].startswith("briefs/demo/blocks/missiles.yaml:2:1: error: this line has no ':'")
    assert err.splitlines()[-1] == f"1 error found; {outcome}."
