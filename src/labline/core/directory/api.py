"""Searching the directory (organisations and research teams): the JSON API."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query, Request

from labline.core.directory import service as search
from labline.core.directory.schemas import SearchHitRead
from labline.core.models import OrganisationKind
from labline.web.deps import CurrentActor, Db

router = APIRouter(prefix="/api/v1", tags=["search"])


Q = Annotated[str, Query(min_length=1, max_length=2000, description="Chinese, English or both")]


@router.get("/search", response_model=list[SearchHitRead], summary="Find organisations and teams")
def search_api(
    request: Request,
    db: Db,
    actor: CurrentActor,
    q: Q,
    type: Literal["organisation", "team"] | None = None,
    kind: OrganisationKind | None = None,
    region_code: Annotated[str | None, Query(max_length=6)] = None,
    industry_code: Annotated[str | None, Query(max_length=4)] = None,
    k: Annotated[int, Query(ge=1, le=100)] = 20,
) -> list[SearchHitRead]:
    """Hybrid bilingual search; each hit says what matched (terms, fields) and how much the
    lexical, dictionary-bridged and semantic parts contributed."""
    hits = search.search_directory(
        db,
        actor=actor,
        holder=request.app.state,
        query=q,
        k=k,
        type=type,
        kind=kind.value if kind else None,
        region_code=region_code,
        industry_code=industry_code,
    )
    return search.resolve(db, hits)
