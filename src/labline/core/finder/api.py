"""The one search box as JSON: every kind of record, grouped by kind."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request

from labline.core.deps import CurrentActor, Db
from labline.core.finder import service
from labline.core.finder.schemas import GroupRead, read_groups

router = APIRouter(prefix="/api/v1", tags=["search"])


@router.get(
    "/search/everything",
    response_model=list[GroupRead],
    summary="Find any kind of record (instruments, needs, achievements, calls, documents, …)",
)
def search_everything_api(
    request: Request,
    db: Db,
    actor: CurrentActor,
    q: Annotated[str, Query(min_length=1, max_length=2000, description="Chinese or English")],
    kind: Annotated[str | None, Query(max_length=40, description="one kind only")] = None,
    k: Annotated[int | None, Query(ge=1, le=100)] = None,
) -> list[GroupRead]:
    """Groups of records by kind, each record one the caller may see; a group per kind
    with anything found."""
    groups = service.search_everything(
        db,
        actor=actor,
        holder=request.app.state,
        searchables=request.app.state.searchables,
        query=q,
        kind=kind or None,
        k=k,
    )
    return read_groups(groups)
