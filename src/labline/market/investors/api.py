"""Investors: `/api/v1/market/investors`, their follows, deal flow and introductions."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query, Response

from labline.core.deps import CurrentActor, Db, Paging
from labline.market.investors import service
from labline.market.investors.schemas import (
    FeedItem,
    FollowChoice,
    FollowCreate,
    FollowRead,
    IntroductionCreate,
    IntroductionRead,
    InvestorCreate,
    InvestorRead,
    InvestorSummary,
)
from labline.schemas import Page

router = APIRouter(prefix="/api/v1/market/investors", tags=["market"])


@router.get("", response_model=list[InvestorSummary], summary="Investors (for those signed in)")
def list_(db: Db, actor: CurrentActor) -> list[InvestorSummary]:
    return service.list_investors(db, actor=actor)


@router.post(
    "",
    response_model=InvestorSummary,
    status_code=201,
    summary="Register an investor profile (holders of the investor role; operators for them)",
)
def register(db: Db, actor: CurrentActor, data: InvestorCreate) -> InvestorSummary:
    return service.register(db, actor=actor, data=data)


@router.get(
    "/{investor_id}",
    response_model=InvestorRead,
    summary="An investor's follows, what they bring up, and its deal-flow board by stage",
)
def read(db: Db, actor: CurrentActor, investor_id: int) -> InvestorRead:
    return service.profile(db, actor=actor, investor_id=investor_id)


@router.get(
    "/{investor_id}/follow-choices",
    response_model=list[FollowChoice],
    summary="What a follow picker suggests: teams, achievements or funded projects by id or name",
)
def follow_choices(
    db: Db,
    actor: CurrentActor,
    investor_id: int,
    kind: Literal["team", "achievement", "project"],
    q: Annotated[str, Query(max_length=200)] = "",
) -> list[FollowChoice]:
    found = service.follow_candidates(db, actor=actor, investor_id=investor_id, kind=kind, text=q)
    return [FollowChoice(value=value, label=label) for value, label in found]


@router.get(
    "/{investor_id}/feed",
    response_model=Page[FeedItem],
    summary="What the investor's follows bring up, a page at a time (newest achievements first)",
)
def feed(db: Db, actor: CurrentActor, investor_id: int, paging: Paging) -> Page[FeedItem]:
    return service.feed(db, actor=actor, investor_id=investor_id, page=paging)


@router.post("/{investor_id}/follows", response_model=FollowRead, status_code=201, summary="Follow")
def follow(db: Db, actor: CurrentActor, investor_id: int, data: FollowCreate) -> FollowRead:
    item = service.follow(db, actor=actor, investor_id=investor_id, data=data)
    return FollowRead(id=item.id, kind=item.kind, value=item.value, label=item.value)


@router.delete("/{investor_id}/follows/{follow_id}", status_code=204, summary="Unfollow")
def unfollow(db: Db, actor: CurrentActor, investor_id: int, follow_id: int) -> Response:
    service.unfollow(db, actor=actor, investor_id=investor_id, follow_id=follow_id)
    return Response(status_code=204)


@router.post(
    "/{investor_id}/introductions",
    response_model=IntroductionRead,
    status_code=201,
    summary="Ask to be introduced to an achievement's team (opens a deal, NDA-gated)",
)
def introduce(
    db: Db, actor: CurrentActor, investor_id: int, data: IntroductionCreate
) -> IntroductionRead:
    return service.introduce(db, actor=actor, investor_id=investor_id, data=data)
