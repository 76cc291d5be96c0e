"""The watches and inbox page."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import ValidationError

from labline.core.deps import CsrfChecked, CurrentActor, Db, SubmittedForm
from labline.core.pages.forms import failed_form
from labline.errors import LablineError
from labline.intel.watches import service
from labline.intel.watches.schemas import WatchCreate
from labline.web.render import render

router = APIRouter(include_in_schema=False)


def _page(request: Request, db: Db, actor: Any, **extra: Any) -> dict[str, Any]:
    items = service.inbox(db, actor=actor, holder=request.app.state)
    return {"items": items, "watches": service.my_watches(db, actor=actor), "values": {}, **extra}


@router.get("/intel/watches", response_class=HTMLResponse)
def watches_page(request: Request, db: Db, actor: CurrentActor) -> Response:
    return render(request, "intel/watches.html", _page(request, db, actor))


@router.post("/intel/watches", dependencies=[CsrfChecked])
def create_watch_form(
    request: Request, db: Db, actor: CurrentActor, form: SubmittedForm
) -> Response:
    values: dict[str, Any] = {
        k: form[k].strip() for k in ("query", "language", "source") if form.get(k, "").strip()
    }
    try:
        data = WatchCreate.model_validate(values)
        service.create_watch(db, actor=actor, data=data)
    except (ValidationError, LablineError) as exc:
        return failed_form(
            request,
            db,
            exc,
            "intel/watches.html",
            lambda: _page(request, db, actor),
            values=dict(form),
        )
    return RedirectResponse("/intel/watches", status_code=303)


@router.post("/intel/watches/{watch_id}", dependencies=[CsrfChecked])
def delete_watch_form(db: Db, actor: CurrentActor, watch_id: int) -> Response:
    service.delete_watch(db, actor=actor, watch_id=watch_id)
    return RedirectResponse("/intel/watches", status_code=303)


@router.post("/intel/inbox/{item_id}", dependencies=[CsrfChecked])
def open_item(db: Db, actor: CurrentActor, item_id: int) -> Response:
    item = service.mark_read(db, actor=actor, item_id=item_id)
    return RedirectResponse(f"/intel/documents/{item.document_id}", status_code=303)
