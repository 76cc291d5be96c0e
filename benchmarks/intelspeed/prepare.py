"""The intel_speed benchmark's database: the real documents and a long PDF ingested
(timed), then filled to N paragraphs, with stand-in vectors and the snapshot."""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

from benchmarks.intelspeed.search import store_stand_ins
from benchmarks.kit import machine
from benchmarks.kit.paths import TEXTS


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


def prepare(session, actor, tmp: Path, args: argparse.Namespace) -> dict:  # type: ignore[no-untyped-def]
    """Ingest the real documents and a long PDF (timed), fill to N paragraphs, store the
    stand-in vectors and write the snapshot."""
    from sqlalchemy import func, insert, select
    from tests.intel import files

    from labline.intel.documents.models import Document, Paragraph
    from labline.intel.documents.service import ingest, records

    load_before = machine.load_average()
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
            "load_average_before_after": [load_before, machine.load_average()],
        },
        "vectors": store_stand_ins(session, tmp),
    }
