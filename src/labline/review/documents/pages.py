"""Pages for proposal documents (the upload form on the proposal page, downloads) and
decision letters (the printable letter; the officer's "issue letters" step)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, File, Form, Query, Request, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from labline.config import Settings
from labline.errors import LablineError
from labline.review import views
from labline.review.documents import service as documents
from labline.review.documents.api import download
from labline.review.letters import service as letters
from labline.review.letters.render import letter_html
from labline.review.models import Proposal
from labline.review.service import calls
from labline.web.deps import CsrfChecked, CurrentActor, Db, get_settings
from labline.web.render import render

router = APIRouter(include_in_schema=False)
AppSettings = Annotated[Settings, Depends(get_settings)]


@router.post("/review/proposals/{proposal_id}/documents", dependencies=[CsrfChecked])
def upload_form(
    request: Request,
    db: Db,
    actor: CurrentActor,
    settings: AppSettings,
    proposal_id: int,
    file: Annotated[UploadFile, File()],
    kind: Annotated[str, Form()] = "other",
) -> Response:
    """The applicant's upload form; a refusal is shown on the proposal page."""
    calls.get_proposal(db, actor=actor, proposal_id=proposal_id)  # strangers: 401/403/404
    try:
        documents.upload(
            db,
            actor=actor,
            proposal_id=proposal_id,
            kind=kind,
            name=file.filename or "",
            stream=file.file,
            data_dir=settings.data_dir,
            max_bytes=settings.document_max_bytes,
        )
    except LablineError as exc:
        db.rollback()
        ctx = views.proposal_context(db, actor, proposal_id)
        ctx["message"] = exc.message
        ctx["document_errors"] = exc.fields
        return render(request, "review/proposal.html", ctx, status=exc.status)
    return RedirectResponse(f"/review/proposals/{proposal_id}?done=document#documents", 303)


@router.get("/review/proposals/{proposal_id}/documents/{document_id}")
def document_download(
    db: Db, actor: CurrentActor, settings: AppSettings, proposal_id: int, document_id: int
) -> Response:
    doc = documents.get_document(db, actor=actor, proposal_id=proposal_id, document_id=document_id)
    return download(settings, doc)


@router.get("/review/proposals/{proposal_id}/letter", response_class=HTMLResponse)
def letter_page(
    request: Request,
    db: Db,
    actor: CurrentActor,
    proposal_id: int,
    lang: Annotated[str | None, Query(max_length=5)] = None,
) -> Response:
    """The printable decision letter, in the applicant's language (or ?lang=zh|en)."""
    letter = letters.letter(db, actor=actor, proposal_id=proposal_id, lang=lang)
    proposal = db.get(Proposal, proposal_id)
    ctx = {"letter": letter, "body": letter_html(letter), "proposal": proposal}
    return render(request, "review/letter.html", ctx)


@router.post("/review/calls/{call_id}/letters", dependencies=[CsrfChecked])
def issue_form(request: Request, db: Db, actor: CurrentActor, call_id: int) -> Response:
    """A programme officer issues the call's decision letters."""
    calls.require_manager(actor)
    try:
        letters.issue_letters(db, actor=actor, call_id=call_id)
    except LablineError as exc:
        db.rollback()
        ctx = views.call_context(db, actor, call_id)
        ctx["message"] = exc.message
        return render(request, "review/call.html", ctx, status=exc.status)
    return RedirectResponse(f"/review/calls/{call_id}?done=letters", status_code=303)
