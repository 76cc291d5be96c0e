"""JSON API for proposal documents and decision letters."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, File, Form, Query, UploadFile
from fastapi.responses import FileResponse

from labline.config import Settings
from labline.review.documents import service as documents
from labline.review.documents.schemas import DocumentRead
from labline.review.letters import service as letters
from labline.review.letters.render import letter_text
from labline.review.letters.schemas import Letter, LetterIssueRead
from labline.web.deps import CurrentActor, Db, get_settings

router = APIRouter(prefix="/api/v1/review", tags=["review"])
AppSettings = Annotated[Settings, Depends(get_settings)]


def download(settings: Settings, doc: Any) -> FileResponse:
    """The stored file as an attachment, never rendered by the browser."""
    return FileResponse(
        documents.open_blob(settings.data_dir, doc),
        media_type=doc.media_type,
        headers={
            "Content-Disposition": documents.content_disposition(doc.name),
            "Content-Security-Policy": "sandbox",
            "Cache-Control": "private, no-store",
        },
    )


@router.get("/proposals/{proposal_id}/documents", response_model=list[DocumentRead])
def list_documents(db: Db, actor: CurrentActor, proposal_id: int, history: bool = False) -> Any:
    """The proposal's current documents; with history=true every version, newest first."""
    return documents.list_documents(db, actor=actor, proposal_id=proposal_id, history=history)


@router.post("/proposals/{proposal_id}/documents", response_model=DocumentRead, status_code=201)
def upload_document(
    db: Db,
    actor: CurrentActor,
    settings: AppSettings,
    proposal_id: int,
    file: Annotated[UploadFile, File(description="PDF, DOCX, XLSX, PNG, JPEG or UTF-8 text")],
    kind: Annotated[str, Form()] = "other",
    replaces: Annotated[int | None, Form()] = None,
) -> Any:
    """The applicant adds a document while the call is open (a new version with
    `replaces`; the old one is kept). Multipart form: file, kind, replaces."""
    return documents.upload(
        db,
        actor=actor,
        proposal_id=proposal_id,
        kind=kind,
        name=file.filename or "",
        stream=file.file,
        data_dir=settings.data_dir,
        max_bytes=settings.document_max_bytes,
        replaces=replaces,
    )


@router.get("/proposals/{proposal_id}/documents/{document_id}/file", response_class=FileResponse)
def document_file(
    db: Db, actor: CurrentActor, settings: AppSettings, proposal_id: int, document_id: int
) -> Any:
    doc = documents.get_document(db, actor=actor, proposal_id=proposal_id, document_id=document_id)
    return download(settings, doc)


@router.get("/proposals/{proposal_id}/letter", response_model=Letter)
def get_letter(
    db: Db,
    actor: CurrentActor,
    proposal_id: int,
    lang: Annotated[str | None, Query(max_length=5)] = None,
) -> Any:
    """The decision letter (the applicant after it is issued; programme officers)."""
    letter = letters.letter(db, actor=actor, proposal_id=proposal_id, lang=lang)
    return letter.model_copy(update={"text": letter_text(letter)})


@router.post("/calls/{call_id}/letters/issue", response_model=LetterIssueRead, status_code=201)
def issue_letters(db: Db, actor: CurrentActor, call_id: int) -> Any:
    """Issue the call's decision letters to the applicants (recorded in the audit trail)."""
    return letters.issue_letters(db, actor=actor, call_id=call_id)
