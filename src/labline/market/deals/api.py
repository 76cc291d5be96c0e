"""JSON API for deals: express interest, move a deal on, messages, due days, the contract."""

from typing import Any

from fastapi import APIRouter

from labline.core.deps import CurrentActor, Db
from labline.market.deals.schemas import (
    ContractCreate,
    ContractRead,
    DealCreate,
    DealDue,
    DealFull,
    DealRead,
    DealTransition,
    MessageCreate,
    MessageRead,
)
from labline.market.deals.service import deals
from labline.market.models import DealState

router = APIRouter(prefix="/api/v1/market", tags=["market"])


@router.get("/deals", response_model=list[DealRead], summary="My organisations' deals")
def list_deals(
    db: Db, actor: CurrentActor, state: DealState | None = None, overdue: bool = False
) -> Any:
    """With `overdue=1`, only the deals whose next step is past its due day."""
    return deals.list_deals(db, actor=actor, state=state, overdue=overdue)


@router.post("/deals", response_model=DealRead, status_code=201, summary="Express interest")
def open_deal(db: Db, actor: CurrentActor, data: DealCreate) -> Any:
    return deals.open_deal(db, actor=actor, data=data)


@router.get("/deals/{deal_id}", response_model=DealFull, summary="A deal with its messages")
def get_deal(db: Db, actor: CurrentActor, deal_id: int) -> Any:
    return deals.get_deal(db, actor=actor, deal_id=deal_id)


@router.patch("/deals/{deal_id}", response_model=DealRead, summary="Set the next step's due day")
def set_due(db: Db, actor: CurrentActor, deal_id: int, data: DealDue) -> Any:
    return deals.set_due(db, actor=actor, deal_id=deal_id, data=data)


@router.post(
    "/deals/{deal_id}/transition",
    response_model=DealRead,
    summary="Introduce, accept the NDA, negotiate, deliver, abandon",
)
def move_deal(db: Db, actor: CurrentActor, deal_id: int, data: DealTransition) -> Any:
    return deals.move(db, actor=actor, deal_id=deal_id, data=data)


@router.post(
    "/deals/{deal_id}/messages", response_model=MessageRead, status_code=201, summary="Write"
)
def message(db: Db, actor: CurrentActor, deal_id: int, data: MessageCreate) -> Any:
    return deals.add_message(db, actor=actor, deal_id=deal_id, data=data)


@router.post(
    "/deals/{deal_id}/contract",
    response_model=ContractRead,
    status_code=201,
    summary="Register the signed technology contract",
)
def contract(db: Db, actor: CurrentActor, deal_id: int, data: ContractCreate) -> Any:
    return deals.sign_contract(db, actor=actor, deal_id=deal_id, data=data)
