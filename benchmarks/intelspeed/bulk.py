"""The folder import of the intel_speed benchmark: `labline intel import` in a child
process on a folder of real texts, interrupted part-way, resumed, then run once more."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchmarks.kit import machine
from benchmarks.kit.paths import ROOT, SRC, TEXTS

BULK_SOURCES = (
    "zh_gov_policy_docs/zh_gov_policy_docs.jsonl",
    "zh_laws_regulations/zh_laws_regulations.jsonl",
    "us_whitehouse_remarks_en/whitehouse_remarks.jsonl",
    "csl_zh_sci_abstracts/csl_dev.jsonl",
    "nasa_techtransfer_en/nasa_techtransfer.jsonl",
    "uspto_patent_abstracts_en/uspto_patent_abstracts.jsonl",
)
EMPTY_FILES = 10


def bulk_folder(folder: Path, count: int) -> str:
    """`count` files: real texts (title line, then the text or abstract), ten empty."""
    folder.mkdir(parents=True)
    texts: list[str] = []
    for name in BULK_SOURCES:
        path = TEXTS / name
        if not path.is_file():
            continue
        for line in path.open(encoding="utf-8"):
            row = json.loads(line)
            body = row.get("text") or row.get("abstract") or ""
            if body.strip():
                texts.append(f"{row.get('title') or ''}\n{body}")
    kind = "real texts (all six collections)" if texts else "generated sentences"
    wanted = count - EMPTY_FILES
    i = 0
    while len(texts) < wanted:  # generated stand-ins where the real texts run out
        texts.append(f"Document {i}\nParagraph on basic research and innovation {i}.")
        i += 1
    for i, text in enumerate(texts[:wanted]):
        (folder / f"{i:05d}.txt").write_text(text, encoding="utf-8")
    for i in range(EMPTY_FILES):
        (folder / f"empty-{i}.txt").write_text("", encoding="utf-8")
    return kind


def stored(data_dir: Path) -> tuple[int, int, int]:
    """Documents, linked copies and paragraphs in the bulk database (0s before it exists)."""
    import sqlite3

    path = data_dir / "labline.db"
    if not path.exists():
        return 0, 0, 0
    try:
        with sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=30) as c:
            return tuple(  # type: ignore[return-value]
                c.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
                for t in ("intel_documents", "intel_document_copies", "intel_paragraphs")
            )
    except sqlite3.OperationalError:  # not migrated yet
        return 0, 0, 0


def run_import(data_dir: Path, folder: Path, *, stop_at: int | None = None) -> dict:
    """`labline intel import FOLDER --json` in a child process; with `stop_at`, a SIGINT
    (Ctrl-C) once that many documents are stored."""
    command = [
        sys.executable,
        "-c",
        "from labline.cli import cli; cli()",
        "--data-dir",
        str(data_dir),
        "intel",
        "import",
        str(folder),
        "--collection",
        "bulk",
        "--json",
    ]
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(SRC), str(ROOT)])}
    started = time.perf_counter()
    with subprocess.Popen(
        command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    ) as child:
        while stop_at is not None and child.poll() is None:
            time.sleep(1)
            if sum(stored(data_dir)[:2]) >= stop_at:
                child.send_signal(signal.SIGINT)
                child.communicate()
                return {"seconds": round(time.perf_counter() - started, 1), "interrupted": True}
        out, err = child.communicate()
    seconds = time.perf_counter() - started
    if child.returncode:
        raise SystemExit(f"import failed ({child.returncode}): {err[-2000:]}")
    report = json.loads(out)
    return {
        "seconds": round(seconds, 1),
        "imported": len(report["imported"]),
        "duplicates": len(report["duplicates"]),
        "already_imported": report["skipped"],
        "rejected": len(report["rejected"]),
        "rejected_reasons": sorted({r["reason"] for r in report["rejected"]}),
        "progress_shown": "importing" in err,
    }


def bulk(count: int) -> dict:
    tmp = Path(tempfile.mkdtemp(prefix="intel-bulk-"))
    kind = bulk_folder(tmp / "in", count)
    data_dir = tmp / "data"
    first = run_import(data_dir, tmp / "in", stop_at=count // 3)
    before = stored(data_dir)
    rest = run_import(data_dir, tmp / "in")
    after = stored(data_dir)
    again = run_import(data_dir, tmp / "in")
    import sqlite3

    with sqlite3.connect(data_dir / "labline.db") as c:  # every document whole
        (empty,) = c.execute(
            "SELECT count(*) FROM intel_documents d WHERE NOT EXISTS"
            " (SELECT 1 FROM intel_paragraphs p WHERE p.document_id = d.id)"
        ).fetchone()
    peak_mb = machine.peak_rss_mb(children=True)
    done = after[0] + after[1]
    return {
        "data": kind,
        "files": count,
        "interrupted_run": {**first, "documents_then": before[0] + before[1]},
        "resumed_run": {
            **rest,
            # Everything stored by the resumed run is new (nothing stored twice), and every
            # file is accounted for: stored, already there (a byte-identical file counts
            # too), or rejected.
            "picked_up_exactly_the_rest": (
                sum(after[:2]) - sum(before[:2]) == rest["imported"] + rest["duplicates"]
                and rest["imported"]
                + rest["duplicates"]
                + rest["already_imported"]
                + rest["rejected"]
                == count
            ),
        },
        "rerun": again,
        "documents": after[0],
        "linked_copies": after[1],
        "paragraphs": after[2],
        "documents_without_paragraphs": int(empty),
        "documents_per_s": round(done / (first["seconds"] + rest["seconds"]), 1),
        "peak_rss_mb": round(peak_mb),
    }
