"""Pages: the documents home (collections, latest documents, import form) and a document
with its digest and numbered paragraphs."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, File, Form, Request, UploadFile
from fastapi.responses import HTMLResponse, Response

from labline.core.access import require_signed_in
from labline.core.deps import CsrfChecked, CurrentActor, Db
from labline.i18n import get_locale
from labline.intel import access
from labline.intel.digests import service as digests
from labline.intel.documents.service import ingest, records
from labline.web.render import render

router = APIRouter(include_in_schema=False)


def _home(request: Request, db: Db, actor: Any, report: Any = None) -> Response:
    docs, total = records.list_documents(db, actor=actor, limit=30)
    ctx = {
        "collections": records.list_collections(db, actor=actor),
        "documents": docs,
        "total": total,
        "can_ingest": access.can_ingest(actor),
        "report": report,
    }
    return render(request, "intel/index.html", ctx)


@router.get("/intel", response_class=HTMLResponse)
def home(request: Request, db: Db, actor: CurrentActor) -> Response:
    require_signed_in(actor)
    return _home(request, db, actor)


@router.post("/intel/import", response_class=HTMLResponse, dependencies=[CsrfChecked])
def import_form(
    request: Request,
    db: Db,
    actor: CurrentActor,
    file: Annotated[UploadFile, File()],
    collection: Annotated[str, Form(max_length=200)] = "default",
    source: Annotated[str, Form(max_length=200)] = "",
) -> Response:
    """Upload one file; the page shows what was imported, linked or rejected and why."""
    report = ingest.ingest_upload(
        db,
        actor=actor,
        name=file.filename or "upload",
        stream=file.file,
        collection_name=collection.strip() or "default",
        data_dir=request.app.state.settings.data_dir,
        source=source.strip(),
    )
    return _home(request, db, actor, report)


@router.get("/intel/documents/{document_id}", response_class=HTMLResponse)
def document_page(request: Request, db: Db, actor: CurrentActor, document_id: int) -> Response:
    doc = records.get_document(db, actor=actor, document_id=document_id)
    digest = digests.digest_of(doc)
    # In the English interface a Chinese digest's headings carry dictionary glosses.
    glosses = (
        {g.heading: digests.gloss(g.heading) for g in digest.groups}
        if get_locale() == "en" and doc.language == "zh"
        else {}
    )
    ctx = {
        "doc": doc,
        "digest": digest,
        "glosses": glosses,
        "copies": records.copies_of(db, document_id=doc.id),
        "can_export": access.can_ingest(actor),
        # A language model's digest is offered only when one is configured.
        "llm": bool(request.app.state.settings.llm_url),
    }
    return render(request, "intel/document.html", ctx)
