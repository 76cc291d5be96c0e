"""Briefings from the API (a file in the response) and from a page link."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from labline.core.deps import CurrentActor, Db
from labline.errors import FieldError, InvalidInput
from labline.intel.briefings import service
from labline.intel.briefings.schemas import BriefingCreate

router = APIRouter()


def _file(content: bytes, media: str, name: str) -> Response:
    return Response(
        content, media_type=media, headers={"Content-Disposition": f'attachment; filename="{name}"'}
    )


@router.post(
    "/api/v1/intel/briefings",
    tags=["intel"],
    summary="A briefing (Markdown, DOCX or PDF) of chosen documents or a search's top results",
    response_class=Response,
)
def create_briefing(
    request: Request, db: Db, actor: CurrentActor, data: BriefingCreate
) -> Response:
    return _file(*service.make(db, actor=actor, data=data, holder=request.app.state))


@router.get("/intel/briefing", include_in_schema=False)
def briefing_link(
    request: Request,
    db: Db,
    actor: CurrentActor,
    ids: Annotated[str, Query(pattern=r"^\d+(,\d+)*$", max_length=600)] = "",
    q: Annotated[str, Query(max_length=2000)] = "",
    format: Annotated[str, Query(pattern="^(md|docx|pdf)$")] = "md",
) -> Response:
    """Chosen documents (`ids`), or a search's top results (`q`)."""
    numbers = [int(i) for i in ids.split(",")] if ids else []
    if len(numbers) > 50:
        raise InvalidInput("Too many documents", fields=[FieldError("ids", "at most 50")])
    if not numbers and not q.strip():
        raise InvalidInput(
            "Nothing to brief", fields=[FieldError("ids", "name documents (ids) or a search (q)")]
        )
    data = BriefingCreate.model_validate({"document_ids": numbers, "query": q, "format": format})
    return _file(*service.make(db, actor=actor, data=data, holder=request.app.state))
