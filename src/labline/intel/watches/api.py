"""Document watches and the inbox: JSON API (thin adapters over `watches.service`)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response

from labline.intel.watches import service
from labline.intel.watches.schemas import InboxItemRead, WatchCreate, WatchRead
from labline.web.deps import CurrentActor, Db

router = APIRouter(prefix="/api/v1/intel", tags=["intel"])


@router.get("/watches", response_model=list[WatchRead])
def list_watches(db: Db, actor: CurrentActor) -> Any:
    return service.my_watches(db, actor=actor)


@router.post("/watches", response_model=WatchRead, status_code=201)
def create_watch(db: Db, actor: CurrentActor, data: WatchCreate) -> Any:
    """Save a search; new documents it matches arrive in your inbox and a daily mail."""
    return service.create_watch(db, actor=actor, data=data)


@router.delete("/watches/{watch_id}", status_code=204)
def delete_watch(db: Db, actor: CurrentActor, watch_id: int) -> Response:
    service.delete_watch(db, actor=actor, watch_id=watch_id)
    return Response(status_code=204)


@router.get("/inbox", response_model=list[InboxItemRead])
def inbox(request: Request, db: Db, actor: CurrentActor, unread: bool = False) -> Any:
    return service.inbox(db, actor=actor, holder=request.app.state, unread_only=unread)


@router.post("/inbox/{item_id}/read", response_model=InboxItemRead)
def mark_read(db: Db, actor: CurrentActor, item_id: int) -> Any:
    return service.mark_read(db, actor=actor, item_id=item_id)
