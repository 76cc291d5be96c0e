"""Document intelligence speed: ingest, search and digest, on real texts where present.

    python benchmarks/intel_speed.py [--paragraphs 100000] [--queries 100] [--json FILE]

- ingest: the real policy documents and White House remarks (../shared/data/texts) written
  out as one .txt file each and imported through the ingest service into a fresh SQLite
  database (documents/s, everything included: reading, paragraphs, near-duplicate check,
  originals kept); a 120-page PDF made with reportlab (pages/s).
- search: the database filled to N paragraphs by repeating the real paragraphs with a
  varying suffix; every paragraph's vector stored as the worker stores what it encodes,
  the snapshot written beside the database (`labline.core.indexes.rebuild`, the worker's
  job) and opened by a process that never encodes a paragraph; then `service.search` —
  dense side on (the query encoded once by USE v3), both languages, grouping into
  documents, highlights — for Chinese and English queries: p50/p95 ms; through the IVF
  index (intel's exact limit, 20,000 paragraphs) and, for comparison, by an exact scan of
  every vector (the engine's default limit, 200,000). The stored vectors are stand-ins
  (seeded unit vectors): USE encodes about 5-30 paragraphs a second on this busy machine,
  so encoding 100,000 would take hours;
  the real encoding rate is measured on a sample (`worker_encode`), and a search costs the
  same whatever the vectors mean.
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
sys.path.insert(0, str(ROOT))  # benchmarks.standin

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


def _timed_queries(session, actor, holder, queries: int) -> dict:  # type: ignore[no-untyped-def]
    from labline.intel.search import service as search

    timings = []
    for i in range(queries):
        q = QUERIES[i % len(QUERIES)]
        t0 = time.perf_counter()
        search.search(session, actor=actor, holder=holder, query=q, limit=10)
        timings.append((time.perf_counter() - t0) * 1000)
    return {
        "queries": len(timings),
        "p50_ms": round(statistics.median(timings), 1),
        "p95_ms": round(percentile(timings, 0.95), 1),
    }


def store_stand_ins(session, tmp: Path) -> dict:  # type: ignore[no-untyped-def]
    """Stand-in vectors stored as the worker stores what it encodes, the worker's real
    encoding rate on a sample, and the snapshot written by the worker's code."""
    import numpy as np

    from benchmarks.standin import store_standin_vectors
    from labline.core.indexes.encoder import live_encoder
    from labline.intel.search import service as search
    from labline.search import SearchIndex

    encoder = live_encoder()
    records = search.SPEC.live_records(session)["paragraphs"]
    sample = [SearchIndex.document_text(r.fields) for r in records[:: max(1, len(records) // 200)]]
    encoder.encode(sample[:2])  # the model loads
    t0 = time.perf_counter()
    encoder.encode(sample)
    encode_rate = len(sample) / (time.perf_counter() - t0)
    started = time.perf_counter()
    store_standin_vectors(session, encoder, records, np.random.default_rng(7))
    session.commit()
    return {
        "stand_in_vectors_stored_s": round(time.perf_counter() - started, 1),
        **write_snapshot(session, tmp),
        "worker_encode": {
            "sample": len(sample),
            "paragraphs_per_s": round(encode_rate, 1),
            "hours_for_all": round(len(records) / encode_rate / 3600, 1),
        },
    }


def write_snapshot(session, tmp: Path) -> dict:  # type: ignore[no-untyped-def]
    from labline.core.indexes import service as indexes
    from labline.intel.search import service as search

    t0 = time.perf_counter()
    indexes.rebuild(session, search.SPEC, tmp / "indexes" / "intel")
    session.commit()
    return {"snapshot_build_s": round(time.perf_counter() - t0, 1)}


def dense_search(session, actor, tmp: Path, queries: int, paragraphs: int) -> dict:  # type: ignore[no-untyped-def]
    """Searched with the dense side on by a process that only encodes queries, from the
    snapshot `store_stand_ins` wrote."""
    from labline.config import Settings
    from labline.core.indexes import service as indexes
    from labline.core.indexes.encoder import live_encoder
    from labline.intel.search import service as search
    from labline.search import dense

    encoder = live_encoder()
    settings = Settings(env="test", data_dir=tmp, jobs="sqlite")
    holder = SimpleNamespace(settings=settings)  # a web process: opens, never encodes
    t0 = time.perf_counter()
    index = search.index_for(session, holder)
    open_s = time.perf_counter() - t0
    live = indexes.open_index(session, search.SPEC, holder)
    assert index.encoder is not None and not live.pending, "dense side must be on"
    t0 = time.perf_counter()
    index.vectors.build_ann()  # the IVF index above intel's exact limit (20,000 vectors)
    ivf_build_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    encode_queries_ms = []
    for q in QUERIES:  # each distinct query's vector, encoded once (a search caches it)
        t0 = time.perf_counter()
        search.query_vector(index, q)
        encode_queries_ms.append((time.perf_counter() - t0) * 1000)
    ivf = _timed_queries(session, actor, holder, queries)
    # Each distinct query once more with its vector forgotten: a search of a new query,
    # its encoding included.
    search._QUERY_VECTORS.clear()
    new_query = _timed_queries(session, actor, holder, len(QUERIES))
    # The same queries with the dense side off (words and dictionary bridge only), in the
    # same run: what the vectors cost on this machine at this moment.
    encoder_of = index.encoder
    index.encoder = None
    try:
        lexical = _timed_queries(session, actor, holder, queries)
    finally:
        index.encoder = encoder_of
    saved = search.EXACT_LIMIT
    search.EXACT_LIMIT = dense.EXACT_LIMIT  # the engine's default: an exact scan at 100,000
    try:
        exact = _timed_queries(session, actor, holder, queries)
    finally:
        search.EXACT_LIMIT = saved
    return {
        "paragraphs": paragraphs,
        "dense": True,
        "encoder": encoder.name,
        "snapshot_open_s": round(open_s, 1),
        # Query vectors are cached by text (the benchmark's 14 queries repeat), so the
        # timed searches below do not encode; encoding a query costs this, once:
        "query_encode_ms": {
            "p50": round(statistics.median(encode_queries_ms), 1),
            "max": round(max(encode_queries_ms), 1),
        },
        "ivf": {**ivf, "exact_limit": search.EXACT_LIMIT, "ivf_ready_s": round(ivf_build_s, 2)},
        "ivf_new_query_encoded": new_query,
        "exact": {**exact, "exact_limit": dense.EXACT_LIMIT},
        "lexical_only_same_run": lexical,
        "p50_ms": ivf["p50_ms"],
        "p95_ms": ivf["p95_ms"],
    }


def prepare(session, actor, tmp: Path, args: argparse.Namespace) -> dict:  # type: ignore[no-untyped-def]
    """Ingest the real documents and a long PDF (timed), fill to N paragraphs, store the
    stand-in vectors and write the snapshot."""
    from sqlalchemy import func, insert, select
    from tests.intel import files

    from labline.intel.documents.models import Document, Paragraph
    from labline.intel.documents.service import ingest, records

    load_before = [round(x, 1) for x in os.getloadavg()]
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
    return {
        "data": kind,
        "paragraphs": have,
        "ingest": {
            "documents": len(report.imported) + len(report.duplicates),
            "rejected": len(report.rejected),
            "seconds": round(ingest_s, 2),
            "documents_per_s": round((len(report.imported) + len(report.duplicates)) / ingest_s, 1),
            "pdf_pages": pdf_pages,
            "pdf_pages_per_s": round(pdf_pages / pdf_s, 1),
            "measured_at": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
            "load_average_before_after": [load_before, [round(x, 1) for x in os.getloadavg()]],
        },
        "vectors": store_stand_ins(session, tmp),
    }


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--paragraphs", type=int, default=100_000)
    ap.add_argument("--queries", type=int, default=100)
    ap.add_argument("--documents", type=int, default=400)
    ap.add_argument("--bulk", type=int, default=10_000, help="files in the folder import; 0: none")
    ap.add_argument("--json", type=Path)
    ap.add_argument("--data", type=Path, default=None, help="keep the database here")
    ap.add_argument(
        "--reuse", action="store_true", help="search the database an earlier run kept in --data"
    )
    ap.add_argument("--resnapshot", action="store_true", help="with --reuse: write it again")
    ap.add_argument("--prepare-only", action="store_true", help="build --data and stop")
    args = ap.parse_args()
    load_start = [round(x, 1) for x in os.getloadavg()]
    bulk_result = bulk(args.bulk) if args.bulk else None
    # No worker here: the commits below enqueue nothing (the benchmark runs the worker's
    # code itself, in store_stand_ins).
    os.environ["LABLINE_JOBS"] = "inline"

    from sqlalchemy import select

    from labline.core import database
    from labline.core.access import command_line_actor
    from labline.db import make_engine, make_sessionmaker
    from labline.intel.digests.service import digest_of
    from labline.intel.documents.models import Document

    actor = command_line_actor("benchmark")
    tmp = args.data or Path(tempfile.mkdtemp(prefix="intel-speed-"))
    tmp.mkdir(parents=True, exist_ok=True)
    saved = tmp / "setup.json"
    engine = make_engine(f"sqlite:///{tmp / 'labline.db'}")
    session = make_sessionmaker(engine)()
    if args.reuse and saved.is_file():  # ingest figures from the run that built it
        setup = json.loads(saved.read_text(encoding="utf-8"))
        database.upgrade(engine)  # to this code's migrations
        if args.resnapshot:
            setup["vectors"].update(write_snapshot(session, tmp))
            saved.write_text(json.dumps(setup), encoding="utf-8")
    else:
        database.upgrade(engine)
        setup = prepare(session, actor, tmp, args)
        saved.write_text(json.dumps(setup), encoding="utf-8")
    if args.prepare_only:
        print(json.dumps(setup, indent=1))
        return
    search_result = {
        **dense_search(session, actor, tmp, args.queries, setup["paragraphs"]),
        **setup["vectors"],
    }
    search_result["load_average"] = [round(x, 1) for x in os.getloadavg()]

    sample = [d for d in session.scalars(select(Document).limit(60)) if len(d.paragraphs) >= 5]
    digest_ms = []
    for d in sample[:40]:
        window = d.paragraphs[:20]
        d_copy = SimpleNamespace(paragraphs=window, language=d.language)
        t0 = time.perf_counter()
        digest_of(d_copy)  # type: ignore[arg-type]
        digest_ms.append((time.perf_counter() - t0) * 1000)

    out = {
        "data": setup["data"],
        "ingest": setup["ingest"],
        "search": search_result,
        "digest": {
            "documents": len(digest_ms),
            "paragraphs_each": "up to 20",
            "mean_ms": round(statistics.mean(digest_ms), 1) if digest_ms else None,
            "p95_ms": round(percentile(digest_ms, 0.95), 1) if digest_ms else None,
        },
        "bulk_import": bulk_result,
        "machine": f"{os.cpu_count()} CPUs, shared with other jobs",
        "load_average_start_end": [load_start, [round(x, 1) for x in os.getloadavg()]],
    }
    text = json.dumps(out, ensure_ascii=False, indent=2)
    print(text)
    if args.json:
        args.json.write_text(text + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
