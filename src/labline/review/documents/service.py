"""Proposal documents: what may be uploaded, by whom and until when; where the files live.

A file is accepted only if its content is one of the allowed types (sniffed from its
bytes, never trusted from its name or the browser) and its name's extension agrees with
that content. Files live in the data folder under their SHA-256
(`review/documents/ab/abcdef...`), written to a temporary file and linked into place, so
a stored file is complete or absent and never overwritten. Each upload is a new row;
replacing a document points the old row at the new one, and nothing is ever deleted.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import os
import re
import tempfile
import unicodedata
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from labline import clock
from labline.core.access import Actor, require_signed_in
from labline.errors import Conflict, FieldError, InvalidInput, NotFound, NotPermitted, TooLarge
from labline.review.documents.models import SINGLE_KINDS, DocumentKind, ProposalDocument
from labline.review.models import (
    CallStatus,
    ConflictDeclaration,
    Proposal,
    ProposalStatus,
    ReviewAssignment,
    ReviewConflict,
)
from labline.review.service.calls import is_committee, is_manager, today

CHUNK = 1024 * 1024


@dataclass(frozen=True)
class FileType:
    label: str
    media_type: str
    extensions: tuple[str, ...]


PDF = FileType("PDF", "application/pdf", (".pdf",))
DOCX = FileType(
    "Word (DOCX)",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    (".docx",),
)
XLSX = FileType(
    "Excel (XLSX)",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    (".xlsx",),
)
PNG = FileType("PNG", "image/png", (".png",))
JPEG = FileType("JPEG", "image/jpeg", (".jpg", ".jpeg"))
TEXT = FileType("plain text (UTF-8)", "text/plain; charset=utf-8", (".txt", ".md", ".csv"))
TYPES = (PDF, DOCX, XLSX, PNG, JPEG, TEXT)
ALLOWED = [f"{t.label}: {', '.join(t.extensions)}" for t in TYPES]
# What the main part of an Office Open XML package declares in [Content_Types].xml.
OOXML_MAIN = {
    DOCX: "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml",
    XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
}


def sniff(data: bytes) -> FileType | None:
    """The allowed type the bytes are, or None."""
    if data.startswith(b"%PDF-"):
        return PDF
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if data.startswith(b"\xff\xd8\xff"):
        return JPEG
    if data.startswith(b"PK\x03\x04"):
        return _ooxml(data)
    if b"\x00" in data:
        return None
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return None
    return TEXT


def _ooxml(data: bytes) -> FileType | None:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            info = z.getinfo("[Content_Types].xml")
            if info.file_size > 1024 * 1024:  # a real one is a few kB; refuse a bomb
                return None
            types = z.read(info).decode("utf-8", "replace")
    except (zipfile.BadZipFile, KeyError, OSError, RuntimeError, NotImplementedError):
        return None
    for kind, main in OOXML_MAIN.items():
        if main in types:
            return kind
    return None


def safe_name(name: str) -> str:
    """The file's own name without folders or control characters, at most 200 characters."""
    base = re.split(r"[\\/]", name or "")[-1]
    base = unicodedata.normalize("NFC", base)
    base = "".join(c for c in base if unicodedata.category(c)[0] != "C")
    base = base.strip().strip(".")
    if len(base) > 200:
        stem, dot, ext = base.rpartition(".")
        base = (stem[: 200 - len(ext) - 1] + dot + ext) if dot and len(ext) <= 10 else base[:200]
    return base


def _extension(name: str) -> str:
    return os.path.splitext(name)[1].lower()


# --- who may do what ----------------------------------------------------------------------------


def _conflicted(session: Session, proposal_id: int, person_id: int) -> bool:
    blocked = session.scalar(
        select(func.count()).where(
            ReviewConflict.proposal_id == proposal_id, ReviewConflict.reviewer_id == person_id
        )
    ) or session.scalar(
        select(func.count()).where(
            ConflictDeclaration.proposal_id == proposal_id,
            ConflictDeclaration.reviewer_id == person_id,
        )
    )
    return bool(blocked)


def can_read(session: Session, actor: Actor, proposal: Proposal) -> bool:
    """The applicant, the committee, programme officers (operators), and the proposal's
    assigned reviewers unless they have a conflict with it."""
    if is_manager(actor) or is_committee(actor) or actor.person_id == proposal.applicant_id:
        return True
    if actor.person_id is None:
        return False
    assigned = session.scalar(
        select(func.count()).where(
            ReviewAssignment.proposal_id == proposal.id,
            ReviewAssignment.reviewer_id == actor.person_id,
            ReviewAssignment.kind == "primary",
            ReviewAssignment.is_active.is_(True),
        )
    )
    return bool(assigned) and not _conflicted(session, proposal.id, actor.person_id)


def _proposal(session: Session, actor: Actor, proposal_id: int) -> Proposal:
    require_signed_in(actor)
    proposal = session.get(Proposal, proposal_id)
    if proposal is None:
        raise NotFound(f"There is no proposal {proposal_id}.", proposal_id=proposal_id)
    return proposal


def can_upload(actor: Actor, proposal: Proposal) -> bool:
    return actor.person_id is not None and actor.person_id == proposal.applicant_id


def upload_open(proposal: Proposal) -> bool:
    call = proposal.call
    return (
        call.status == CallStatus.open
        and today() <= call.closes_on
        and proposal.status == ProposalStatus.submitted
    )


# --- reading ------------------------------------------------------------------------------------


def list_documents(
    session: Session, *, actor: Actor, proposal_id: int, history: bool = False
) -> Sequence[ProposalDocument]:
    """The proposal's current documents (with `history`, every version, newest first)."""
    proposal = _proposal(session, actor, proposal_id)
    if not can_read(session, actor, proposal):
        raise NotPermitted(
            "Only the applicant, the proposal's reviewers, the committee and programme"
            " officers see its documents."
        )
    stmt = select(ProposalDocument).where(ProposalDocument.proposal_id == proposal.id)
    if not history:
        stmt = stmt.where(ProposalDocument.replaced_by_id.is_(None))
    return session.scalars(stmt.order_by(ProposalDocument.kind, ProposalDocument.id.desc())).all()


def get_document(
    session: Session, *, actor: Actor, proposal_id: int, document_id: int
) -> ProposalDocument:
    proposal = _proposal(session, actor, proposal_id)
    doc = session.get(ProposalDocument, document_id)
    if doc is None or doc.proposal_id != proposal.id:
        raise NotFound(
            f"Proposal {proposal_id} has no document {document_id}.", document_id=document_id
        )
    if not can_read(session, actor, proposal):
        raise NotPermitted(
            "Only the applicant, the proposal's reviewers, the committee and programme"
            " officers see its documents."
        )
    return doc


def blob_path(data_dir: Path, sha256: str) -> Path:
    if not re.fullmatch(r"[0-9a-f]{64}", sha256):
        raise ValueError("not a SHA-256")
    return data_dir / "review" / "documents" / sha256[:2] / sha256


def open_blob(data_dir: Path, doc: ProposalDocument) -> Path:
    path = blob_path(data_dir, doc.sha256)
    if not path.is_file():
        raise NotFound(
            f"The file of document {doc.id} is missing from the data folder.", document_id=doc.id
        )
    return path


# --- uploading ----------------------------------------------------------------------------------


def read_limited(stream: BinaryIO, limit: int) -> bytes:
    """At most `limit` bytes; refuse (without reading the rest) if there are more."""
    parts, total = [], 0
    while True:
        chunk = stream.read(min(CHUNK, limit + 1 - total))
        if not chunk:
            break
        parts.append(chunk)
        total += len(chunk)
        if total > limit:
            raise TooLarge(
                f"The file is larger than the limit of {limit} bytes"
                f" ({limit / 1024 / 1024:.0f} MB); nothing was stored.",
                fields=[FieldError("file", "too large", {"max_bytes": limit})],
            )
    return b"".join(parts)


def store_blob(data_dir: Path, data: bytes) -> str:
    """Write the bytes under their SHA-256, atomically; an existing file is left alone
    (same name, same content)."""
    sha = hashlib.sha256(data).hexdigest()
    target = blob_path(data_dir, sha)
    if target.is_file():
        return sha
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".upload-")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        with contextlib.suppress(FileExistsError):  # link never overwrites
            os.link(tmp, target)
    finally:
        os.unlink(tmp)
    return sha


def upload(
    session: Session,
    *,
    actor: Actor,
    proposal_id: int,
    kind: str,
    name: str,
    stream: BinaryIO,
    data_dir: Path,
    max_bytes: int,
    replaces: int | None = None,
) -> ProposalDocument:
    """The applicant adds a document (or a new version of one) while the call is open."""
    proposal = _proposal(session, actor, proposal_id)
    if not can_upload(actor, proposal):
        raise NotPermitted("Only the applicant adds documents to a proposal.")
    if not upload_open(proposal):
        call = proposal.call
        raise Conflict(
            f"Documents can be added only while the call is open, until {call.closes_on}; the"
            f" call is {call.status.value} and the proposal {proposal.status.value}.",
            closes_on=call.closes_on.isoformat(),
        )
    errors = []
    kinds = [k.value for k in DocumentKind]
    if kind not in kinds:
        errors.append(FieldError("kind", "not a kind of document", kinds))
    clean = safe_name(name)
    if not clean:
        errors.append(FieldError("file", "the file has no name"))
    old = None
    if replaces is not None:
        old = session.get(ProposalDocument, replaces)
        if old is None or old.proposal_id != proposal.id:
            errors.append(
                FieldError("replaces", f"proposal {proposal.id} has no document {replaces}")
            )
        elif old.replaced_by_id is not None:
            errors.append(
                FieldError(
                    "replaces", f"document {replaces} was already replaced by {old.replaced_by_id}"
                )
            )
        elif old.kind.value != kind:
            errors.append(
                FieldError("kind", f"document {replaces} is a {old.kind.value}", [old.kind.value])
            )
    if errors:
        raise InvalidInput("The document cannot be added.", fields=errors)
    data = read_limited(stream, max_bytes)
    if not data:
        raise InvalidInput(
            "The file is empty; nothing was stored.", fields=[FieldError("file", "empty file")]
        )
    found = sniff(data)
    if found is None:
        raise InvalidInput(
            f"{clean!r} is not one of the allowed file types; nothing was stored.",
            fields=[FieldError("file", "its content is not an allowed type", ALLOWED)],
        )
    ext = _extension(clean)
    if ext not in found.extensions:
        claimed = next((t for t in TYPES if ext in t.extensions), None)
        said = f"the name says {claimed.label}" if claimed else f"the extension {ext or '(none)'}"
        raise InvalidInput(
            f"{clean!r}: {said} but the content is {found.label}; nothing was stored.",
            fields=[
                FieldError("file", f"{said}, the content is {found.label}", list(found.extensions))
            ],
        )
    doc_kind = DocumentKind(kind)
    if old is None and doc_kind in SINGLE_KINDS:
        old = session.scalar(
            select(ProposalDocument).where(
                ProposalDocument.proposal_id == proposal.id,
                ProposalDocument.kind == doc_kind,
                ProposalDocument.replaced_by_id.is_(None),
            )
        )
    sha = store_blob(data_dir, data)
    doc = ProposalDocument(
        proposal_id=proposal.id,
        kind=doc_kind,
        name=clean,
        media_type=found.media_type,
        size=len(data),
        sha256=sha,
        uploaded_by_id=actor.person_id,
        uploaded_at=clock.now(),
    )
    session.add(doc)
    session.flush()
    if old is not None:
        old.replaced_by_id = doc.id
        session.flush()
    return doc


def content_disposition(name: str) -> str:
    """An attachment header that no file name can break: an ASCII fallback and RFC 5987."""
    from urllib.parse import quote

    ascii_name = "".join(c if 32 <= ord(c) < 127 and c not in '"\\;' else "_" for c in name)
    return f"attachment; filename=\"{ascii_name or 'document'}\"; filename*=UTF-8''{quote(name)}"
