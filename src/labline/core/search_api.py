"""Searching the directory (organisations and research teams): JSON API and page."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, Response

from labline.core.deps import CurrentActor, Db
from labline.core.models import OrganisationKind
from labline.core.service import search
from labline.schemas import Output
from labline.web.render import render

router = APIRouter(prefix="/api/v1", tags=["search"])
pages = APIRouter(include_in_schema=False)


class SearchHitRead(Output):
    type: str
    id: int
    name_zh: str
    name_en: str
    kind: str
    region_code: str | None
    industry_code: str | None
    organisation_id: int
    organisation_zh: str
    organisation_en: str
    score: float
    lexical: float
    bridge: float
    semantic: float
    matched_terms: list[str]
    matched_fields: list[str]


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
    return [SearchHitRead.model_validate(f.__dict__) for f in search.resolve(db, hits)]


@pages.get("/search", response_class=HTMLResponse)
def search_page(
    request: Request,
    db: Db,
    actor: CurrentActor,
    q: Annotated[str, Query(max_length=2000)] = "",
    type: Annotated[str | None, Query(pattern="^(organisation|team)?$")] = None,
) -> Response:
    type = type or None  # the form's "All" sends an empty value
    found = []
    if q.strip():
        hits = search.search_directory(
            db, actor=actor, holder=request.app.state, query=q, k=30, type=type
        )
        found = search.resolve(db, hits)
    return render(request, "core/search.html", {"q": q, "type": type, "found": found})
