"""Licence offers on a deal: `/api/v1/market/deals/{deal_id}/offers`."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request

from labline.market.licensing import service
from labline.market.licensing.schemas import CompareRequest, Comparison, OfferCreate, OfferRead
from labline.web.deps import CurrentActor, Db

router = APIRouter(prefix="/api/v1/market", tags=["market"])


@router.get(
    "/deals/{deal_id}/offers", response_model=list[OfferRead], summary="A deal's licence offers"
)
def list_offers(db: Db, actor: CurrentActor, deal_id: int) -> list[OfferRead]:
    return [
        OfferRead.model_validate(o) for o in service.offers_of(db, actor=actor, deal_id=deal_id)
    ]


@router.post(
    "/deals/{deal_id}/offers",
    response_model=OfferRead,
    status_code=201,
    summary="Propose licence terms on a deal",
)
def propose(db: Db, actor: CurrentActor, deal_id: int, data: OfferCreate) -> OfferRead:
    return OfferRead.model_validate(service.propose(db, actor=actor, deal_id=deal_id, data=data))


@router.post(
    "/deals/{deal_id}/offers/compare",
    response_model=Comparison,
    summary="Compare a deal's offers: rNPV split and sensitivity",
)
def compare(
    request: Request,
    db: Db,
    actor: CurrentActor,
    deal_id: int,
    data: CompareRequest,
    offer: Annotated[list[int] | None, Query(description="Offer ids (default: all)")] = None,
) -> Comparison:
    return service.compare(
        db,
        actor=actor,
        deal_id=deal_id,
        request=data,
        offer_ids=offer or (),
        data_dir=request.app.state.settings.data_dir,
    )


@router.post(
    "/offers/{offer_id}/accept", response_model=OfferRead, summary="Accept a licence offer"
)
def accept(db: Db, actor: CurrentActor, offer_id: int) -> OfferRead:
    return OfferRead.model_validate(service.accept(db, actor=actor, offer_id=offer_id))
