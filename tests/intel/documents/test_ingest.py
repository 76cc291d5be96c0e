"""Ingest on a real database: folders, rejections with reasons, resuming, near-duplicates,
kept originals, all-or-nothing files, and the posted-text path."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import event, func, select

from labline.core.access import command_line_actor
from labline.core.service.auth import actor_for
from labline.errors import InvalidInput, NotPermitted
from labline.intel.documents.models import Document, DocumentCopy, Paragraph
from labline.intel.documents.schemas import TextDocumentCreate
from labline.intel.documents.service import ingest, records
from tests.factories import make_person
from tests.intel import files
from tests.intel.files import EN, ZH

CLI = command_line_actor("test")


def folder(tmp: Path) -> Path:
    src = tmp / "in"
    (src / "sub").mkdir(parents=True)
    (src / "policy.txt").write_text("\n".join(ZH), encoding="utf-8")
    files.pdf(src / "remarks.pdf", [EN])
    files.docx(src / "sub" / "note.docx", ["Note on funding", "Funding rose by 7.2% in 2025."])
    (src / "sub" / "empty.md").write_text("")
    (src / "sub" / "locked.pdf").write_bytes(
        files.pdf(tmp / "locked.pdf", [EN], encrypt="pw").read_bytes()
    )
    (src / "ignored.csv").write_text("a,b\n")  # not a document type: not picked from folders
    return src


def count(db, model) -> int:
    return int(db.scalar(select(func.count()).select_from(model)))


def test_folder_import_reports_every_rejection_and_resumes(db, tmp_path):
    coll = records.collection_named(db, actor=CLI, name="t")
    src = folder(tmp_path)
    data_dir = tmp_path / "data"
    report = ingest.ingest_paths(db, actor=CLI, paths=[src], collection=coll, data_dir=data_dir)
    assert len(report.imported) == 3
    reasons = sorted((Path(r.file).name, r.reason) for r in report.rejected)
    assert reasons == [("empty.md", "empty"), ("locked.pdf", "encrypted")]
    assert count(db, Document) == 3
    policy = db.scalar(select(Document).where(Document.doc_type == "text"))
    assert [p.text for p in policy.paragraphs] == ZH  # paragraphs and numbers exactly
    assert policy.doc_number == "示政发〔2026〕3号"
    kept = data_dir / "intel" / "originals" / policy.sha256[:2] / f"{policy.sha256}.txt"
    assert kept.read_text(encoding="utf-8") == "\n".join(ZH)
    # A second run skips everything already imported (by SHA-256) and stores nothing new.
    again = ingest.ingest_paths(db, actor=CLI, paths=[src], collection=coll, data_dir=data_dir)
    assert (again.imported, again.skipped, len(again.rejected)) == ([], 3, 2)
    assert count(db, Document) == 3


def test_an_interrupted_import_resumes_and_leaves_nothing_half_imported(db, connection, tmp_path):
    coll = records.collection_named(db, actor=CLI, name="t")
    src = tmp_path / "in"
    src.mkdir()
    for i in range(6):
        points = [f"Point {j} of report {i}: figure {i * 7 + j}." for j in range(5)]
        lines = [f"Report {i}", *points]
        (src / f"{i}.txt").write_text("\n".join(lines), encoding="utf-8")
    writes = 0

    def power_cut(_conn, _cursor, statement, *_args):  # type: ignore[no-untyped-def]
        nonlocal writes
        if statement.lstrip().upper().startswith("INSERT INTO INTEL_PARAGRAPHS"):
            writes += 1
            if writes == 4:  # while the fourth file's paragraphs are being written
                raise RuntimeError("power cut")

    def run():  # type: ignore[no-untyped-def]
        return ingest.ingest_paths(
            db,
            actor=CLI,
            paths=[src],
            collection=coll,
            data_dir=tmp_path / "data",
            after_file=lambda _p, _r: db.commit(),  # one file, one commit, as the command does
        )

    event.listen(connection, "before_cursor_execute", power_cut)
    try:
        with pytest.raises(Exception, match="power cut"):
            run()
    finally:
        event.remove(connection, "before_cursor_execute", power_cut)
    db.rollback()
    # Three files are in, each whole; of the fourth, nothing (no document, no paragraph).
    assert count(db, Document) == 3 and count(db, Paragraph) == 3 * 6
    again = run()
    assert (len(again.imported), again.skipped, again.rejected) == (3, 3, [])
    docs = db.scalars(select(Document).order_by(Document.file_name)).all()
    assert [d.file_name for d in docs] == [f"{i}.txt" for i in range(6)]
    assert all([p.n for p in d.paragraphs] == [1, 2, 3, 4, 5, 6] for d in docs)
    assert len(list((tmp_path / "data" / "intel" / "originals").rglob("*.txt"))) == 6


def test_near_duplicate_is_linked_not_stored(db, tmp_path):
    coll = records.collection_named(db, actor=CLI, name="t")
    a, b = tmp_path / "a.txt", tmp_path / "b.html"
    a.write_text("\n".join(ZH), encoding="utf-8")
    files.html(b, [*ZH, "（来源：示例科技网）"], title=ZH[0])  # the same release on another site
    report = ingest.ingest_paths(db, actor=CLI, paths=[a, b], collection=coll, data_dir=tmp_path)
    assert len(report.imported) == 1 and report.duplicates == report.imported
    copy = db.scalar(select(DocumentCopy))
    assert copy.document_id == report.imported[0] and copy.file_name == "b.html"
    assert 0.85 <= copy.similarity <= 1.0
    assert count(db, Document) == 1


def test_a_bad_jsonl_line_imports_nothing_from_that_file(db, tmp_path):
    coll = records.collection_named(db, actor=CLI, name="t")
    path = tmp_path / "batch.jsonl"
    lines = [
        json.dumps({"title": f"T{i}", "text": f"Paragraph {i} of a document."}) for i in range(5)
    ]
    path.write_text("\n".join([*lines, '{"title": "no text here"}']) + "\n")
    report = ingest.ingest_paths(db, actor=CLI, paths=[path], collection=coll, data_dir=tmp_path)
    assert report.imported == [] and report.rejected[0].reason == "bad_lines"
    assert count(db, Document) == count(db, Paragraph) == 0


def test_posted_text_and_refusals(db, tmp_path):
    stored = ingest.ingest_text(
        db,
        actor=CLI,
        data=TextDocumentCreate(collection="posted", title="T", text="\n".join(EN)),
        data_dir=tmp_path,
    )
    assert stored.outcome == "imported" and [p.n for p in stored.document.paragraphs] == [1, 2, 3]
    with pytest.raises(InvalidInput) as info:
        ingest.ingest_text(
            db,
            actor=CLI,
            data=TextDocumentCreate(collection="posted", text=" \n\u200b "),
            data_dir=tmp_path,
        )
    assert info.value.extra["reason"] == "empty"


def test_members_cannot_ingest(db, tmp_path):
    member = actor_for(db, make_person(db, password=False).id)
    with pytest.raises(NotPermitted):
        records.collection_named(db, actor=member, name="x")
    with pytest.raises(NotPermitted):
        ingest.ingest_text(
            db, actor=member, data=TextDocumentCreate(collection="x", text="t"), data_dir=tmp_path
        )
