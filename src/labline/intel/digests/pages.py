"""Page: a language model's digest of a document, beside the extractive one."""

from __future__ import annotations

from typing import Literal

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from labline.core.deps import CurrentActor, Db
from labline.intel.digests import service
from labline.intel.documents.service import records
from labline.web.render import render

router = APIRouter(include_in_schema=False)


@router.get("/intel/documents/{document_id}/digest/llm", response_class=HTMLResponse)
def llm_digest_page(
    request: Request,
    db: Db,
    actor: CurrentActor,
    document_id: int,
    lang: Literal["zh", "en"] | None = None,
) -> Response:
    found = service.llm_digest(
        db,
        actor=actor,
        settings=request.app.state.settings,
        document_id=document_id,
        language=lang,
    )
    doc = records.get_document(db, actor=actor, document_id=document_id)
    return render(request, "intel/llm_digest.html", {"doc": doc, "found": found})
