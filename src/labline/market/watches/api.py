"""JSON API for watches and the inbox (thin adapters over `market.watches.service`)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response

from labline.core.deps import CurrentActor, Db
from labline.market.watches import service as watches
from labline.market.watches.schemas import InboxItemRead, WatchCreate, WatchRead

router = APIRouter()


@router.get("/api/v1/market/watches", response_model=list[WatchRead], tags=["market"])
def list_watches(db: Db, actor: CurrentActor) -> Any:
    return watches.my_watches(db, actor=actor)


@router.post(
    "/api/v1/market/watches",
    response_model=WatchRead,
    status_code=201,
    tags=["market"],
    summary="Save a search, or follow a need or a field",
)
def create_watch(db: Db, actor: CurrentActor, data: WatchCreate) -> Any:
    return watches.create_watch(db, actor=actor, data=data)


@router.delete("/api/v1/market/watches/{watch_id}", status_code=204, tags=["market"])
def delete_watch(db: Db, actor: CurrentActor, watch_id: int) -> Response:
    watches.delete_watch(db, actor=actor, watch_id=watch_id)
    return Response(status_code=204)


@router.get(
    "/api/v1/market/inbox",
    response_model=list[InboxItemRead],
    tags=["market"],
    summary="New records your watches found (newest first)",
)
def inbox(request: Request, db: Db, actor: CurrentActor, unread: bool = False) -> Any:
    return watches.inbox(db, actor=actor, holder=request.app.state, unread_only=unread)


@router.post("/api/v1/market/inbox/{item_id}/read", response_model=InboxItemRead, tags=["market"])
def mark_read(db: Db, actor: CurrentActor, item_id: int) -> Any:
    return watches.mark_read(db, actor=actor, item_id=item_id)


# --- pages ---------------------------------------------------------------------------------
