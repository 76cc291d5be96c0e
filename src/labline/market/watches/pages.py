"""The watches page: save a search, follow a need or a field, read the inbox."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import ValidationError

from labline.core.access import require_signed_in
from labline.core.deps import CsrfChecked, CurrentActor, Db, SubmittedForm
from labline.core.pages.forms import failed_form
from labline.errors import LablineError
from labline.market.watches import service as watches
from labline.market.watches.schemas import WatchCreate
from labline.web.render import render

router = APIRouter()


def _page(request: Request, db: Db, actor: Any, **extra: Any) -> dict[str, Any]:
    items = watches.inbox(db, actor=actor, holder=request.app.state)
    return {"items": items, "watches": watches.my_watches(db, actor=actor), "values": {}, **extra}


@router.get("/market/watches", response_class=HTMLResponse, include_in_schema=False)
def watches_page(request: Request, db: Db, actor: CurrentActor) -> Response:
    require_signed_in(actor)
    return render(request, "market/watches.html", _page(request, db, actor))


@router.post("/market/watches", include_in_schema=False, dependencies=[CsrfChecked])
def create_watch_form(
    request: Request, db: Db, actor: CurrentActor, form: SubmittedForm
) -> Response:
    values: dict[str, Any] = {
        k: form[k].strip() for k in ("kind", "record_kind", "query", "field") if form.get(k)
    }
    for name in ("industry_code", "region_code", "need_id", "min_readiness"):
        if form.get(name, "").strip():
            values[name] = form[name].strip()
    try:
        data = WatchCreate.model_validate(values)
        watches.create_watch(db, actor=actor, data=data)
    except (ValidationError, LablineError) as exc:
        return failed_form(
            request,
            db,
            exc,
            "market/watches.html",
            lambda: _page(request, db, actor),
            values=dict(form),
        )
    return RedirectResponse("/market/watches", status_code=303)


@router.post("/market/watches/{watch_id}", include_in_schema=False, dependencies=[CsrfChecked])
def delete_watch_form(db: Db, actor: CurrentActor, watch_id: int) -> Response:
    watches.delete_watch(db, actor=actor, watch_id=watch_id)
    return RedirectResponse("/market/watches", status_code=303)


@router.post("/market/inbox/{item_id}", include_in_schema=False, dependencies=[CsrfChecked])
def open_item(db: Db, actor: CurrentActor, item_id: int) -> Response:
    item = watches.mark_read(db, actor=actor, item_id=item_id)
    path = "needs" if item.record_kind == "need" else "achievements"
    return RedirectResponse(f"/market/{path}/{item.record_id}", status_code=303)
