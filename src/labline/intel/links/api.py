"""JSON API: a document's links to labline's records, and documents about a term."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request

from labline.core.deps import CurrentActor, Db
from labline.intel.links import service
from labline.intel.links.schemas import AboutListRead, DocumentLinksRead

router = APIRouter(prefix="/api/v1/intel", tags=["intel"])


@router.get("/documents/{document_id}/links", response_model=DocumentLinksRead)
def document_links(request: Request, db: Db, actor: CurrentActor, document_id: int) -> Any:
    """The organisations, places and technical terms the document names, each linked to the
    directory's and the market's records with a confidence (0–1) and its basis."""
    return service.document_links(
        db, actor=actor, holder=request.app.state, document_id=document_id
    )


@router.get("/about", response_model=AboutListRead)
def about(
    request: Request,
    db: Db,
    actor: CurrentActor,
    term: Annotated[str, Query(min_length=1, max_length=200)],
    limit: Annotated[int, Query(ge=1, le=20)] = 5,
) -> Any:
    """Recent documents about a term (e.g. a need's field), newest first."""
    return service.documents_about(
        db, actor=actor, holder=request.app.state, term=term, limit=limit
    )
