"""Deal pages: my deals, one deal with its messages, and the moves a party may make."""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import ValidationError

from labline.core.deps import CsrfChecked, CurrentActor, Db, SubmittedForm
from labline.core.pages.forms import failed_form
from labline.errors import FieldError, InvalidInput, LablineError
from labline.market.deals.schemas import (
    ContractCreate,
    DealDue,
    DealTransition,
    MessageCreate,
)
from labline.market.deals.service import deadlines, deals, senders
from labline.market.models import ContractKind, DealState
from labline.web.render import reader_today, render

router = APIRouter(include_in_schema=False)


DEAL_ACTIONS = (
    "message",
    "introduce",
    "accept_nda",
    "negotiate",
    "abandon",
    "deliver",
    "contract",
    "due",
)


@router.get("/market/deals", response_class=HTMLResponse)
def deals_page(
    request: Request,
    db: Db,
    actor: CurrentActor,
    state: DealState | None = None,
    overdue: bool = False,
    view: Literal["table", "board"] = "table",
) -> Response:
    rows = deals.list_deals(db, actor=actor, state=state, overdue=overdue)
    ctx = {
        "deals": rows,
        "view": view,
        # The board: one column per stage, in the pipeline's order.
        "columns": [(s, [d for d in rows if d.state == s]) for s in DealState],
        "state": state,
        "states": list(DealState),
        "overdue": overdue,
        "overdue_count": deadlines.overdue_count(db, actor=actor),
    }
    return render(request, "market/deals.html", ctx)


def _deal_context(db: Db, actor: Any, deal_id: int, request: Request) -> dict[str, Any]:
    deal = deals.get_deal(db, actor=actor, deal_id=deal_id)
    limits = deadlines.DUE_DAYS.get(deal.state)
    today = deadlines.today()  # due days count on the platform's clock, as the service does
    return {
        "deal": deal,
        "senders": senders.message_senders(db, actor=actor, deal_id=deal_id),
        "sides": deals.sides(actor, deal),
        "deal_open": deals.is_open(deal),
        "moves": deals.next_moves(db, actor, deal),
        "stages": [s for s in DealState if s != DealState.abandoned],
        "due_max": (today + timedelta(days=limits[1])).isoformat() if limits else None,
        "today": today.isoformat(),
        "values": {"signed_on": reader_today(request).isoformat(), "currency": "CNY"},
        "errors": [],
        "contract_kinds": [k.value for k in ContractKind],
    }


@router.get("/market/deals/{deal_id}", response_class=HTMLResponse)
def deal_page(
    request: Request,
    db: Db,
    actor: CurrentActor,
    deal_id: int,
    note: Annotated[str | None, Query(max_length=40)] = None,
) -> Response:
    ctx = _deal_context(db, actor, deal_id, request)
    ctx["note"] = note
    return render(request, "market/deal.html", ctx)


@router.post("/market/deals/{deal_id}", dependencies=[CsrfChecked])
def deal_action(
    request: Request, db: Db, actor: CurrentActor, deal_id: int, form: SubmittedForm
) -> Response:
    action = form.get("action", "")
    if action not in DEAL_ACTIONS:
        raise InvalidInput(
            f"Unknown action {action!r}.",
            fields=[FieldError("action", "unknown", list(DEAL_ACTIONS))],
        )
    try:
        if action == "message":
            deals.add_message(
                db,
                actor=actor,
                deal_id=deal_id,
                data=MessageCreate(
                    body=form.get("body", ""),
                    proposed_amount=form.get("proposed_amount") or None,
                    proposed_terms=form.get("proposed_terms", ""),
                ),
            )
        elif action == "due":
            deals.set_due(
                db, actor=actor, deal_id=deal_id, data=DealDue(due_on=form.get("due_on", ""))
            )
        elif action == "contract":
            deals.sign_contract(
                db,
                actor=actor,
                deal_id=deal_id,
                data=ContractCreate(
                    kind=form.get("kind", ""),
                    amount=form.get("amount", ""),
                    currency=form.get("currency", "CNY"),
                    signed_on=form.get("signed_on", ""),
                    registration_no=form.get("registration_no", ""),
                ),
            )
        else:
            deals.move(
                db,
                actor=actor,
                deal_id=deal_id,
                data=DealTransition(
                    action=action,
                    reason=form.get("reason", ""),
                    side=form.get("side") or None,
                ),
            )
    except (ValidationError, LablineError) as exc:
        return failed_form(
            request,
            db,
            exc,
            "market/deal.html",
            lambda: _deal_context(db, actor, deal_id, request),
            values={k: v for k, v in form.items() if k != "csrf_token"},
            passthrough=(),
            failed=action,
        )
    return RedirectResponse(f"/market/deals/{deal_id}?note={action}", status_code=303)
