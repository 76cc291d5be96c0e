"""`labline facilities cycle ...` on the demo world: solve, show, publish, and the state rule."""

from __future__ import annotations

import json
from pathlib import Path

from tests.cli import cli_runner


def test_cycle_commands_on_the_demo(tmp_path: Path) -> None:
    run = cli_runner(tmp_path)

    run("demo", "--size", "small", "--seed", "5")
    listed = run("facilities", "cycle", "list")
    assert "2027-1" in listed and "reviewing" in listed
    out = run("facilities", "cycle", "solve", "2027-1", "--time-limit", "5")
    assert "placed" in out and "gap" in out
    shown = json.loads(run("facilities", "cycle", "show", "2027-1", "--json"))
    placed = [p for p in shown["proposals"] if p["starts_at"]]
    assert len(placed) == shown["report"]["placed"] > 10
    assert shown["report"]["upper_bound"] >= shown["report"]["awarded"]
    assert "published: " in run("facilities", "cycle", "publish", "2027-1")
    assert "needs it to be scheduled" in run("facilities", "cycle", "publish", "2027-1", code=2)
    assert "no cycle with code" in run("facilities", "cycle", "solve", "nope", code=2)
