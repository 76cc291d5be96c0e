"""The directory search page."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, Response

from labline.core.directory import service as search
from labline.web.deps import CurrentActor, Db
from labline.web.render import render

router = APIRouter(include_in_schema=False)


@router.get("/search", response_class=HTMLResponse)
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
