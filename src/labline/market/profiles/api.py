"""JSON API for team and expert profiles, and the teams ranked for a need (thin adapters over
`market.profiles.service`)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Request

from labline.core.deps import CurrentActor, Db, Paging
from labline.market.models import Mode
from labline.market.profiles.schemas import ExpertRead, TeamFull, TeamRead
from labline.market.profiles.service import matching as team_matching
from labline.market.profiles.service import teams as profiles
from labline.schemas import Page

router = APIRouter()
ExpertId = Annotated[str, Path(max_length=20, description="e.g. 17-2")]


def team_out(tv: profiles.TeamView, *, full: bool = False) -> dict[str, Any]:
    out = {
        "id": tv.id,
        "organisation_id": tv.organisation.id,
        "organisation_zh": tv.organisation.name_zh,
        "organisation_en": tv.organisation.name_en,
        "name_zh": tv.name_zh,
        "name_en": tv.name_en,
        "achievement_count": len(tv.achievements),
        "inventor_count": tv.inventor_count,
        "members": tv.members,
        "hidden_members": tv.hidden_members,
        "fields": tv.fields,
        "readiness": tv.readiness,
        "languages": tv.languages,
        "contracts": tv.contracts,
        "turnover_cny": tv.turnover_cny,
        "deals": tv.deals,
    }
    if full:
        out["achievements"] = tv.achievements
    return out


def expert_out(ev: profiles.ExpertView) -> dict[str, Any]:
    return {
        **{k: getattr(ev, k) for k in ExpertRead.model_fields if hasattr(ev, k)},
        "organisation_id": ev.organisation.id,
        "organisation_zh": ev.organisation.name_zh,
        "organisation_en": ev.organisation.name_en,
    }


@router.get(
    "/api/v1/market/teams",
    response_model=Page[TeamRead],
    tags=["market"],
    summary="Research teams (co-inventors of an organisation), largest first",
)
def list_teams(
    db: Db,
    actor: CurrentActor,
    paging: Paging,
    org: Annotated[int | None, Query(ge=1)] = None,
    q: Annotated[str | None, Query(max_length=200)] = None,
) -> Any:
    rows, total = profiles.list_teams(
        db, actor=actor, organisation_id=org, q=q, limit=paging.per_page, offset=paging.offset
    )
    items = [TeamRead.model_validate(team_out(t)) for t in rows]
    return Page(items=items, total=total, page=paging.page, per_page=paging.per_page)


@router.get(
    "/api/v1/market/teams/{team_id}",
    response_model=TeamFull,
    tags=["market"],
    summary="A team: members you may see, achievements (public faces), fields, contracts",
)
def get_team(db: Db, actor: CurrentActor, team_id: int) -> Any:
    return team_out(profiles.get_team(db, actor=actor, team_id=team_id), full=True)


@router.get(
    "/api/v1/market/experts/{expert_id}",
    response_model=ExpertRead,
    tags=["market"],
    summary="An inventor's profile (for those who may read their achievements' inventors)",
)
def get_expert(db: Db, actor: CurrentActor, expert_id: ExpertId) -> Any:
    return expert_out(profiles.get_expert(db, actor=actor, expert_id=expert_id))


@router.get(
    "/api/v1/market/needs/{record_id}/teams",
    response_model=list[team_matching.TeamSuggestion],
    tags=["market"],
    summary="Ranked research teams for this need, with explanations",
)
def need_teams(
    request: Request,
    db: Db,
    actor: CurrentActor,
    record_id: int,
    k: Annotated[int, Query(ge=1, le=50)] = 10,
    industry: Annotated[str | None, Query(max_length=4)] = None,
    region: Annotated[str | None, Query(max_length=6)] = None,
    min_readiness: Annotated[int | None, Query(ge=1, le=9)] = None,
    mode: Annotated[list[Mode] | None, Query()] = None,
    type: Annotated[str | None, Query(max_length=40)] = None,
) -> Any:
    return team_matching.suggest_teams_for_need(
        db,
        actor=actor,
        holder=request.app.state,
        need_id=record_id,
        k=k,
        industry_code=industry,
        region_code=region,
        min_readiness=min_readiness,
        modes=[m.value for m in mode] if mode else None,
        type=type,
    )


# --- pages ---------------------------------------------------------------------------------
