"""Ingest: files, folders and posted text become documents with numbered paragraphs.

Each file is all or nothing (a savepoint): a rejected file leaves no trace. A file whose
SHA-256 is already known is skipped, so a re-run of an interrupted import resumes. A text
that (nearly) repeats a stored document is linked to it as a copy instead of stored twice.
The original file is kept under the data folder, named by its SHA-256.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import tempfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from sqlalchemy import bindparam, insert, or_, select, union_all
from sqlalchemy.orm import Session

from labline.core.access import Actor
from labline.intel import access
from labline.intel.documents.models import Collection, Document, DocumentCopy, Paragraph
from labline.intel.documents.readers import (
    MAX_FILE_BYTES,
    SINGLE,
    SUFFIXES,
    Parsed,
    Rejected,
    paragraphs_of,
    read_bytes,
    read_checked,
    sha256_of,
)
from labline.intel.documents.readers import _checked as checked
from labline.intel.documents.schemas import ImportReport, RejectedFile, TextDocumentCreate

NEAR_DUPLICATE = 0.85  # Jaccard similarity of character 4-grams above which texts are one
_NOISE = re.compile(r"[\W_]+", re.UNICODE)


@dataclass
class Stored:
    outcome: str  # imported | duplicate | skipped
    document: Document


def text_key(text: str) -> str:
    return hashlib.sha256(_NOISE.sub("", text).lower().encode()).hexdigest()


def _shingles(text: str) -> set[str]:
    flat = _NOISE.sub("", text).lower()
    return {flat[i : i + 4] for i in range(0, max(1, len(flat) - 3))}


def similarity(a: str, b: str) -> float:
    sa, sb = _shingles(a), _shingles(b)
    return len(sa & sb) / len(sa | sb) if sa and sb else 0.0


def originals_dir(data_dir: Path) -> Path:
    return data_dir / "intel" / "originals"


def keep_original(data_dir: Path, sha: str, data: bytes, suffix: str) -> Path:
    path = originals_dir(data_dir) / sha[:2] / f"{sha}{suffix.lower()}"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(path.suffix + ".part")
        tmp.write_bytes(data)
        tmp.replace(path)  # never a half-written original under the final name
    return path


# Built once: making a statement for every file cost more than running it.
_KNOWN = union_all(
    select(Document.id).where(Document.sha256 == bindparam("sha")),
    select(DocumentCopy.document_id).where(DocumentCopy.sha256 == bindparam("sha")),
).limit(1)
_CANDIDATES = (
    select(Document)
    .where(or_(Document.text_key == bindparam("key"), Document.title_key == bindparam("title")))
    .limit(20)
)


def _known_id(session: Session, sha: str) -> int | None:
    """The document stored from (or linked to) this SHA-256: one indexed query."""
    found = session.scalar(_KNOWN, {"sha": sha})
    return int(found) if found is not None else None


def _known(session: Session, sha: str) -> Document | None:
    doc_id = _known_id(session, sha)
    return session.get(Document, doc_id) if doc_id is not None else None


def _near_duplicate(
    session: Session, parsed: Parsed, key: str, title: str
) -> tuple[Document, float] | None:
    candidates = session.scalars(_CANDIDATES, {"key": key, "title": title}).all()
    text = "\n".join(parsed.paragraphs)
    best: tuple[Document, float] | None = None
    for doc in candidates:
        if doc.text_key == key:
            return doc, 1.0
        score = similarity(text, "\n".join(p.text for p in doc.paragraphs))
        if score >= NEAR_DUPLICATE and (best is None or score > best[1]):
            best = (doc, score)
    return best


def store(
    session: Session,
    *,
    collection: Collection,
    parsed: Parsed,
    source: str = "",
    file_name: str = "",
    new_sha: bool = False,
) -> Stored:
    """Store one parsed document (or link it to the one it repeats). `new_sha`: the caller
    has just looked its SHA-256 up and found nothing."""
    known = None if new_sha else _known(session, parsed.sha256)
    if known is not None:
        return Stored("skipped", known)
    text = "\n".join(parsed.paragraphs)
    key, title = text_key(text), text_key(parsed.title)
    near = _near_duplicate(session, parsed, key, title)
    if near is not None:
        doc, score = near
        session.add(
            DocumentCopy(
                document_id=doc.id,
                sha256=parsed.sha256,
                title=parsed.title,
                source=source or parsed.source,
                url=parsed.url,
                file_name=file_name,
                similarity=round(score, 4),
            )
        )
        session.flush()
        return Stored("duplicate", doc)
    doc = Document(
        collection_id=collection.id,
        title=parsed.title,
        source=(source or parsed.source)[:200],
        issued_on=parsed.issued_on,
        date_precision=parsed.date_precision if parsed.issued_on else "day",
        language=parsed.language,
        url=parsed.url[:2000],
        doc_number=parsed.doc_number[:100],
        doc_type=parsed.doc_type,
        file_name=file_name[:500],
        sha256=parsed.sha256,
        text_key=key,
        title_key=title,
        pages=parsed.pages,
        chars=len(text),
    )
    session.add(doc)
    session.flush()
    # One multi-row insert for the paragraphs: an ORM object each was most of the time a
    # document took to store. (doc.paragraphs loads them when first read.)
    session.execute(
        insert(Paragraph),
        [{"document_id": doc.id, "n": n, "text": t} for n, t in enumerate(parsed.paragraphs, 1)],
    )
    return Stored("imported", doc)


def iter_files(paths: Iterable[Path]) -> Iterator[Path]:
    """Files to import: each path given, and the supported files inside each folder."""
    for path in paths:
        if path.is_dir():
            for found in sorted(path.rglob("*")):
                if found.is_file() and found.suffix.lower() in SUFFIXES:
                    yield found
        else:
            yield path


def ingest_file(
    session: Session,
    *,
    actor: Actor,
    path: Path,
    collection: Collection,
    data_dir: Path,
    source: str = "",
    max_bytes: int = MAX_FILE_BYTES,
    report: ImportReport | None = None,
) -> ImportReport:
    """Import one file, all or nothing; the outcome is added to `report`."""
    access.require_ingest(actor)
    report = report if report is not None else ImportReport()
    try:
        data, kind = read_checked(path, max_bytes=max_bytes)
        if kind in SINGLE and _known_id(session, sha256_of(data)) is not None:
            # Already imported (a re-run of an interrupted import): not parsed again.
            report.skipped += 1
            return report
        parsed_docs = read_bytes(data, str(path), kind)
    except Rejected as exc:
        report.rejected.append(RejectedFile(file=exc.file, reason=exc.reason, message=exc.message))
        return report
    savepoint = session.begin_nested()
    outcomes = []
    try:
        for parsed in parsed_docs:
            outcomes.append(
                store(
                    session,
                    collection=collection,
                    parsed=parsed,
                    source=source,
                    file_name=path.name,
                    new_sha=kind in SINGLE,
                )
            )
    except BaseException:
        savepoint.rollback()
        raise
    savepoint.commit()
    if any(o.outcome != "skipped" for o in outcomes):
        keep_original(data_dir, sha256_of(data), data, path.suffix)
    for o in outcomes:
        if o.outcome == "imported":
            report.imported.append(o.document.id)
        elif o.outcome == "duplicate":
            report.duplicates.append(o.document.id)
        else:
            report.skipped += 1
    return report


def ingest_paths(
    session: Session,
    *,
    actor: Actor,
    paths: Iterable[Path],
    collection: Collection,
    data_dir: Path,
    source: str = "",
    max_bytes: int = MAX_FILE_BYTES,
    after_file: Callable[[Path, ImportReport], None] | None = None,
) -> ImportReport:
    """Import files and folders; `after_file` runs after each (progress, a commit)."""
    access.require_ingest(actor)
    report = ImportReport()
    for path in iter_files(paths):
        ingest_file(
            session,
            actor=actor,
            path=path,
            collection=collection,
            data_dir=data_dir,
            source=source,
            max_bytes=max_bytes,
            report=report,
        )
        if after_file is not None:
            after_file(path, report)
    return report


def ingest_text(
    session: Session, *, actor: Actor, data: TextDocumentCreate, data_dir: Path
) -> Stored:
    """A document posted as text; refused (nothing stored) when it is empty or too long."""
    from labline.intel.documents.service.records import collection_named

    access.require_ingest(actor)
    collection = collection_named(session, actor=actor, name=data.collection)
    raw = data.text.encode()
    parsed = checked(
        Parsed(
            data.title,
            paragraphs_of(data.text),
            "text",
            sha256_of(raw),
            language=data.language,
            source=data.source,
            issued_on=data.date or (dt.date(data.year, 1, 1) if data.year else None),
            date_precision="year" if data.year and not data.date else "day",
            url=data.url,
        ),
        data.title or "posted text",
    )
    stored = store(session, collection=collection, parsed=parsed, source=data.source)
    if stored.outcome == "imported":
        keep_original(data_dir, parsed.sha256, raw, ".txt")
    return stored


def ingest_upload(
    session: Session,
    *,
    actor: Actor,
    name: str,
    stream: BinaryIO,
    collection_name: str,
    data_dir: Path,
    source: str = "",
    max_bytes: int = MAX_FILE_BYTES,
) -> ImportReport:
    """An uploaded file: copied to a temporary file (stopping at the size limit), then
    imported like any other file."""
    from labline.intel.documents.service.records import collection_named

    access.require_ingest(actor)
    collection = collection_named(session, actor=actor, name=collection_name)
    safe = Path(name or "upload").name or "upload"
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / safe
        size = 0
        with path.open("wb") as out:
            while chunk := stream.read(1 << 20):
                size += len(chunk)
                if size > max_bytes:
                    report = ImportReport()
                    report.rejected.append(
                        RejectedFile(
                            file=safe,
                            reason="too_large",
                            message=f"{safe}: more than {max_bytes:,} bytes; the limit",
                        )
                    )
                    return report
                out.write(chunk)
        return ingest_file(
            session,
            actor=actor,
            path=path,
            collection=collection,
            data_dir=data_dir,
            source=source,
            max_bytes=max_bytes,
        )
