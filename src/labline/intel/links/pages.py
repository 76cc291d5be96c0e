"""Pages: a document's links to labline's records, and documents about a record."""

from __future__ import annotations

from typing import Literal

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from labline.core.deps import CurrentActor, Db
from labline.intel.links import service
from labline.web.render import render

router = APIRouter(include_in_schema=False)


@router.get("/intel/documents/{document_id}/links", response_class=HTMLResponse)
def links_page(request: Request, db: Db, actor: CurrentActor, document_id: int) -> Response:
    links = service.document_links(
        db, actor=actor, holder=request.app.state, document_id=document_id
    )
    return render(request, "intel/links.html", {"links": links})


@router.get("/intel/about/{kind}/{record_id}", response_class=HTMLResponse)
def about_page(
    request: Request,
    db: Db,
    actor: CurrentActor,
    kind: Literal["need", "achievement", "organisation"],
    record_id: int,
) -> Response:
    record, about = service.documents_about_record(
        db, actor=actor, holder=request.app.state, kind=kind, record_id=record_id, limit=20
    )
    ctx = {"kind": kind, "record": record, "about": about}
    return render(request, "intel/about.html", ctx)
