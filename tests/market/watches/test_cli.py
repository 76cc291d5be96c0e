"""`labline market watch|inbox|watch-sweep` on the demo world."""

from __future__ import annotations

import json
from pathlib import Path

from tests.cli import cli_runner


def test_watch_commands(tmp_path: Path) -> None:
    run = cli_runner(tmp_path)

    run("demo", "--size", "small", "--seed", "9")
    me = "member@labline.demo"
    assert "watch 1" in run("market", "watch", "--as", me, "--kind", "search", "--query", "钙钛矿")
    run("market", "watch", "--as", me, "--kind", "field", "--industry", "38", "--for", "need")
    # The demo dates a few publications after today: those are news for a new watch.
    first = json.loads(run("market", "inbox", "--as", me, "--json"))
    assert all(i["record_kind"] in ("need", "achievement") and i["reason"] for i in first)
    assert "0 new inbox items" in run("market", "watch-sweep")  # nothing twice
    assert json.loads(run("market", "inbox", "--as", me, "--json")) == first
    bad = run("market", "watch", "--as", me, "--kind", "search", code=2)
    assert "query" in bad
