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

Without the shared texts, generated sentences stand in (the result says which).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
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


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--paragraphs", type=int, default=100_000)
    ap.add_argument("--queries", type=int, default=100)
    ap.add_argument("--documents", type=int, default=400)
    ap.add_argument("--json", type=Path)
    args = ap.parse_args()

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
        "machine": f"{os.cpu_count()} CPUs, shared with other jobs",
    }
    text = json.dumps(out, ensure_ascii=False, indent=2)
    print(text)
    if args.json:
        args.json.write_text(text + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
