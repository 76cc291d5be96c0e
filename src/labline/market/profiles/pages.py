"""Team and expert pages (thin adapters over market.profiles.service)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, Response

from labline.core.deps import CurrentActor, Db, Paging
from labline.market.profiles.api import ExpertId
from labline.market.profiles.service import teams as profiles
from labline.schemas import Page
from labline.web.render import render

router = APIRouter()


@router.get("/market/teams", response_class=HTMLResponse)
def teams_page(
    request: Request,
    db: Db,
    actor: CurrentActor,
    paging: Paging,
    org: Annotated[int | None, Query(ge=1)] = None,
    q: Annotated[str | None, Query(max_length=200)] = None,
) -> Response:
    rows, total = profiles.list_teams(
        db, actor=actor, organisation_id=org, q=q, limit=paging.per_page, offset=paging.offset
    )
    page: Page[Any] = Page(items=rows, total=total, page=paging.page, per_page=paging.per_page)
    ctx = {"page": page, "org": org or "", "q": q or ""}
    return render(request, "market/teams.html", ctx)


@router.get("/market/teams/{team_id}", response_class=HTMLResponse)
def team_page(request: Request, db: Db, actor: CurrentActor, team_id: int) -> Response:
    team = profiles.get_team(db, actor=actor, team_id=team_id)
    return render(request, "market/team.html", {"team": team})


@router.get("/market/experts/{expert_id}", response_class=HTMLResponse)
def expert_page(request: Request, db: Db, actor: CurrentActor, expert_id: ExpertId) -> Response:
    expert = profiles.get_expert(db, actor=actor, expert_id=expert_id)
    return render(request, "market/expert.html", {"expert": expert})
