"""The search page: the header's one search box, over every kind of record the module
records make findable (core.finder), grouped by kind."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, Response

from labline.core.deps import CurrentActor, Db
from labline.core.finder import service as finder
from labline.web.render import render

router = APIRouter(include_in_schema=False)


@router.get("/search", response_class=HTMLResponse)
def search_page(
    request: Request,
    db: Db,
    actor: CurrentActor,
    q: Annotated[str, Query(max_length=2000)] = "",
    kind: Annotated[str | None, Query(max_length=40)] = None,
    type: Annotated[str | None, Query(pattern="^(organisation|team)?$")] = None,
) -> Response:
    kind = kind or type or None  # the form's "All" sends an empty value; type: older links
    searchables = request.app.state.searchables
    groups = []
    if q.strip():
        groups = finder.search_everything(
            db,
            actor=actor,
            holder=request.app.state,
            searchables=searchables,
            query=q,
            kind=kind,
        )
    ctx = {
        "q": q,
        "kind": kind,
        "kinds": finder.kinds_of(searchables),
        "groups": groups,
        "per_kind": finder.PER_KIND,
        "total": sum(len(g.found) for g in groups),
    }
    return render(request, "core/search.html", ctx)
