"""`labline intel import|show|search|brief|poll` on the demo world plus imported files."""

from __future__ import annotations

import json
from pathlib import Path

from tests.cli import cli_runner
from tests.intel import files
from tests.intel.files import EN, ZH


def test_intel_commands(tmp_path: Path) -> None:
    run = cli_runner(tmp_path)

    run("demo", "--size", "small", "--seed", "9")
    src = tmp_path / "in"
    src.mkdir()
    (src / "policy.txt").write_text("\n".join(ZH), encoding="utf-8")
    files.pdf(src / "remarks.pdf", [EN])
    (src / "empty.txt").write_text("")
    out = run("intel", "import", str(src), "--collection", "mine", "--source", "Test office")
    assert "imported 2, linked as duplicate 0, already imported 0, rejected 1" in out
    assert "empty.txt" in out and "(empty)" in out
    assert "already imported 2" in run("intel", "import", str(src), "--collection", "mine")

    found = json.loads(run("intel", "search", "基础研究", "--lang", "zh", "--digest", "--json"))
    results = found["results"]
    assert results and all(r["language"] == "zh" for r in results)
    first = results[0]
    assert set(first) >= {"id", "title", "source", "date", "language", "digest"}
    digest = first["digest"]
    shown = json.loads(run("intel", "show", str(first["id"]), "--json"))
    numbers = {p["n"] for p in shown["paragraphs"]}
    assert [p["n"] for p in shown["paragraphs"]] == list(range(1, len(numbers) + 1))
    points = [digest["core_viewpoint"], *[p for g in digest["groups"] for p in g["points"]]]
    assert all(p["citations"] and set(p["citations"]) <= numbers for p in points)
    # An English query finds the Chinese documents too (the dictionary bridge).
    english = json.loads(run("intel", "search", "basic research", "--json", "--limit", "20"))
    assert {"zh", "en"} <= {r["language"] for r in english["results"]}
    assert "digest" in english["results"][0] and english["results"][0]["digest"] is None
    since = json.loads(run("intel", "search", "research", "--since", "2026-06-01", "--json"))
    assert all(r["date"] >= "2026-06-01" for r in since["results"])
    assert "not a date" in run("intel", "search", "x", "--since", "June", code=2)

    # The demo's reposted release was linked to the original, not stored twice.
    demo = json.loads(run("intel", "collections", "--json"))
    assert {c["name"] for c in demo} == {"demo-policy", "mine"}

    brief = tmp_path / "b.docx"
    run("intel", "brief", "--query", "科技成果转化", "--format", "docx", "--out", str(brief))
    import docx

    text = "\n".join(p.text for p in docx.Document(str(brief)).paragraphs)
    assert "科技成果转化" in text and "Appendix: cited paragraphs" in text
    assert "no feeds" in run("intel", "poll")

    # What a document names, linked to the demo's directory and market.
    links = json.loads(run("intel", "links", str(first["id"]), "--json"))
    assert links["document_id"] == first["id"]
    assert set(links) >= {"organisations", "places", "terms", "achievements", "needs"}
    assert all(0 < r["confidence"] <= 1 for r in links["achievements"] + links["needs"])
    assert "on offer" in run("intel", "links", str(first["id"]))
    run("intel", "links", "999999", code=2)  # no such document
    assert "Core viewpoint:" in run("intel", "digest", str(first["id"]))
    run("intel", "digest", str(first["id"]), "--llm", code=2)  # no model configured


def test_an_import_waits_for_a_busy_database_and_else_stops_saying_so(tmp_path, monkeypatch):
    """Another process holding SQLite's write lock (a second import, the server) made the
    import end in a traceback ("database is locked") part-way through a folder."""
    import sqlite3
    import threading

    from labline import db
    from labline.intel.documents import cli as documents_cli

    run = cli_runner(tmp_path)
    run("intel", "collections")  # the database exists
    src = tmp_path / "in"
    src.mkdir()
    for i, text in enumerate(ZH[:3]):
        (src / f"{i}.txt").write_text(f"{text}\n第{i}份。", encoding="utf-8")
    monkeypatch.setattr(db, "LOCK_WAIT_S", 0.3)
    monkeypatch.setattr(documents_cli, "BUSY_PAUSE_S", 0.3)
    other = sqlite3.connect(tmp_path / "labline.db", isolation_level=None, check_same_thread=False)
    other.execute("BEGIN IMMEDIATE")  # held throughout: the import stops, saying so
    out = run("intel", "import", str(src), code=1)
    assert "the database is busy" in out and "run the same command again" in out
    assert "Traceback" not in out
    other.execute("ROLLBACK")

    other.execute("BEGIN IMMEDIATE")  # let go after a moment: the import waits and goes on
    threading.Timer(0.5, lambda: other.execute("ROLLBACK")).start()
    out = run("intel", "import", str(src))
    assert "imported 3, linked as duplicate 0, already imported 0, rejected 0" in out
    other.close()


def test_ctrl_c_keeps_what_is_done_says_so_and_a_rerun_goes_on(tmp_path, monkeypatch):
    """Ctrl-C part-way (here a SIGALRM raising KeyboardInterrupt in the main thread, as
    SIGINT does): it printed only "Aborted!", not what was kept nor how to go on."""
    import re
    import signal

    monkeypatch.setenv("LABLINE_JOBS", "sqlite")  # as deployed: the worker encodes
    run = cli_runner(tmp_path)
    run("intel", "collections")  # the database exists
    src = tmp_path / "in"
    src.mkdir()
    total = 1000  # more than an idle machine imports before the interrupt
    for i in range(total):
        (src / f"{i:04d}.txt").write_text(f"{ZH[i % len(ZH)]}\n第{i}份文件。", encoding="utf-8")

    def ctrl_c(*_args):
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGALRM, ctrl_c)
    try:
        signal.setitimer(signal.ITIMER_REAL, 4.0)  # as a SIGINT would, in the main thread
        out = run("intel", "import", str(src), code=1)
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
    found = re.search(r"interrupted \((\d+) of 1000 files done\): run the same command again", out)
    assert found, out
    done = int(found.group(1))
    first = re.search(r"imported (\d+), linked as duplicate (\d+), already imported 0,", out)
    assert first and 0 < done < total and int(first.group(1)) + int(first.group(2)) == done
    out = run("intel", "import", str(src))
    again = re.search(r"imported (\d+), linked as duplicate (\d+), already imported (\d+),", out)
    assert again, out
    # Every file once; a file whose commit held as the interrupt came counts as already there.
    imported, linked, already = (int(g) for g in again.groups())
    assert imported + linked + already == total and done <= already <= done + 1
