"""Document intelligence speed: ingest, search and digest, on real texts where present.

    python benchmarks/intel_speed.py [--paragraphs 100000] [--queries 100] [--json FILE]

- ingest: the real policy documents and White House remarks (../shared/data/texts) written
  out as one .txt file each and imported through the ingest service into a fresh SQLite
  database (documents/s, everything included: reading, paragraphs, near-duplicate check,
  originals kept); a 120-page PDF made with reportlab (pages/s).
- search: the database filled to N paragraphs by repeating the real paragraphs with a
  varying suffix, the index built from it (lexical + dictionary bridge: above
  DENSE_LIMIT paragraphs no sentence vectors), then `service.search` — both languages,
  grouping into documents, highlights — for Chinese and English queries: p50/p95 ms.
- digest: `digests.service.digest_of` on documents of about 20 paragraphs (ms/doc).
- bulk: a folder of N files (`--bulk`, default 10,000: every real text there is, policy
  documents, laws, remarks, paper abstracts, NASA and patent abstracts, one .txt each, ten
  of them empty) imported by `labline intel import` in a child process, as a user would:
  interrupted (SIGINT) part-way, run again to finish (it must import exactly the rest),
  then once more (everything already imported); wall time of each, counts, peak memory.

Without the shared texts, generated sentences stand in (the result says which).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from types import SimpleNamespace

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

TEXTS = Path(os.environ.get("LABLINE_TEXTS", "/work/shared/data/texts"))
QUERIES = [
    "基础研究",
    "原始创新",
    "科技创新",
    "营商环境",
    "乡村振兴",
    "新质生产力",
    "金融风险",
    "basic research",
    "innovation",
    "clean energy",
    "health care",
    "small business",
    "manufacturing jobs",
    "climate change",
]


def real_documents(limit: int) -> tuple[list[dict[str, str]], str]:
    rows: list[dict[str, str]] = []
    for name in (
        "zh_gov_policy_docs/zh_gov_policy_docs.jsonl",
        "us_whitehouse_remarks_en/whitehouse_remarks.jsonl",
    ):
        path = TEXTS / name
        if path.is_file():
            for line in path.open(encoding="utf-8"):
                rows.append(json.loads(line))
    if rows:
        return rows[:limit], "real texts (zh policy documents, White House remarks)"
    made = [
        {
            "title": f"Document {i}",
            "text": "\n".join(
                f"Paragraph {j} of document {i} on basic research and innovation {i * j}."
                for j in range(20)
            ),
        }
        for i in range(limit)
    ]
    return made, "generated sentences (shared texts absent)"


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
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT / "src"), str(ROOT)])}
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
    peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
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


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--paragraphs", type=int, default=100_000)
    ap.add_argument("--queries", type=int, default=100)
    ap.add_argument("--documents", type=int, default=400)
    ap.add_argument("--bulk", type=int, default=10_000, help="files in the folder import; 0: none")
    ap.add_argument("--json", type=Path)
    args = ap.parse_args()
    bulk_result = bulk(args.bulk) if args.bulk else None

    from sqlalchemy import func, insert, select
    from tests.intel import files

    from labline.core import database
    from labline.core.access import command_line_actor
    from labline.db import make_engine, make_sessionmaker
    from labline.intel.digests.service import digest_of
    from labline.intel.documents.models import Document, Paragraph
    from labline.intel.documents.service import ingest, records
    from labline.intel.search import service as search

    actor = command_line_actor("benchmark")
    tmp = Path(tempfile.mkdtemp(prefix="intel-speed-"))
    engine = make_engine(f"sqlite:///{tmp / 'labline.db'}")
    database.upgrade(engine)
    session = make_sessionmaker(engine)()
    docs, kind = real_documents(args.documents)
    src = tmp / "in"
    src.mkdir()
    for i, d in enumerate(docs):
        (src / f"{i:05d}.txt").write_text(f"{d.get('title', '')}\n{d['text']}", encoding="utf-8")
    coll = records.collection_named(session, actor=actor, name="bench")
    started = time.perf_counter()
    report = ingest.ingest_paths(
        session,
        actor=actor,
        paths=[src],
        collection=coll,
        data_dir=tmp,
        after_file=lambda _p, _r: session.commit(),
    )
    ingest_s = time.perf_counter() - started
    pdf_pages = 120
    page_lines = [f"第{n}行：基础研究是原始创新的源头，经费占比提高到12%。" for n in range(20)]
    pdf = files.pdf(tmp / "long.pdf", [[f"Page {p}", *page_lines] for p in range(pdf_pages)])
    started = time.perf_counter()
    pdf_report = ingest.ingest_paths(
        session, actor=actor, paths=[pdf], collection=coll, data_dir=tmp
    )
    pdf_s = time.perf_counter() - started
    session.commit()
    assert pdf_report.imported, pdf_report

    # Fill to N paragraphs by repeating the real ones (a suffix keeps them distinct).
    texts = [t for (t,) in session.execute(select(Paragraph.text)).all()]
    have = int(session.scalar(select(func.count(Paragraph.id))) or 0)
    doc_id = int(session.scalar(select(func.max(Document.id))) or 0)
    copy = 0
    while have < args.paragraphs:
        copy += 1
        doc_id += 1
        session.execute(
            insert(Document),
            [
                {
                    "id": doc_id,
                    "collection_id": coll.id,
                    "title": f"copy {copy}",
                    "source": "bench",
                    "language": "zh" if copy % 2 else "en",
                    "doc_type": "text",
                    "sha256": f"{copy:064d}",
                    "text_key": f"{copy:064d}",
                    "title_key": f"{copy:064d}",
                    "chars": 0,
                    "url": "",
                    "doc_number": "",
                    "file_name": "",
                }
            ],
        )
        batch = [
            {
                "document_id": doc_id,
                "n": n + 1,
                "text": f"{texts[(copy * 20 + n) % len(texts)]} ({copy})",
            }
            for n in range(min(20, args.paragraphs - have))
        ]
        session.execute(insert(Paragraph), batch)
        have += len(batch)
    session.commit()
    holder = SimpleNamespace()
    started = time.perf_counter()
    search.index_for(session, holder)
    build_s = time.perf_counter() - started
    timings = []
    for i in range(args.queries):
        q = QUERIES[i % len(QUERIES)]
        t0 = time.perf_counter()
        search.search(session, actor=actor, holder=holder, query=q, limit=10)
        timings.append((time.perf_counter() - t0) * 1000)

    sample = [d for d in session.scalars(select(Document).limit(60)) if len(d.paragraphs) >= 5]
    digest_ms = []
    for d in sample[:40]:
        window = d.paragraphs[:20]
        d_copy = SimpleNamespace(paragraphs=window, language=d.language)
        t0 = time.perf_counter()
        digest_of(d_copy)  # type: ignore[arg-type]
        digest_ms.append((time.perf_counter() - t0) * 1000)

    out = {
        "data": kind,
        "ingest": {
            "documents": len(report.imported) + len(report.duplicates),
            "rejected": len(report.rejected),
            "seconds": round(ingest_s, 2),
            "documents_per_s": round((len(report.imported) + len(report.duplicates)) / ingest_s, 1),
            "pdf_pages": pdf_pages,
            "pdf_pages_per_s": round(pdf_pages / pdf_s, 1),
        },
        "search": {
            "paragraphs": have,
            "index_build_s": round(build_s, 1),
            "queries": len(timings),
            "p50_ms": round(statistics.median(timings), 1),
            "p95_ms": round(percentile(timings, 0.95), 1),
        },
        "digest": {
            "documents": len(digest_ms),
            "paragraphs_each": "up to 20",
            "mean_ms": round(statistics.mean(digest_ms), 1) if digest_ms else None,
            "p95_ms": round(percentile(digest_ms, 0.95), 1) if digest_ms else None,
        },
        "bulk_import": bulk_result,
        "machine": f"{os.cpu_count()} CPUs, shared with other jobs",
    }
    text = json.dumps(out, ensure_ascii=False, indent=2)
    print(text)
    if args.json:
        args.json.write_text(text + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
