"""The licence ledger as a page: invoices with what is paid and overdue, royalty reports,
totals, the diligence checklist, and the forms each side uses (invoice, report sales,
record a payment, list an obligation, show it was met)."""

from __future__ import annotations

from datetime import date
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import ValidationError

from labline.core.deps import CsrfChecked, CurrentActor, Db, SubmittedForm
from labline.core.pages.forms import failed_form
from labline.errors import LablineError
from labline.market.diligence import service as diligence
from labline.market.diligence.schemas import DiligenceCreate, DiligenceEvidence
from labline.market.ledger import service
from labline.market.ledger.schemas import MilestoneAchieved, PaymentCreate, RoyaltyReportCreate
from labline.web.render import reader_today, render

router = APIRouter()
LINE_ROWS = 4
ACTIONS = ("upfront", "milestone", "report", "payment", "diligence", "evidence")


def _context(db: Db, actor: Any, contract_id: int, request: Request) -> dict[str, Any]:
    return {
        "ledger": service.ledger(db, actor=actor, contract_id=contract_id),
        "sides": service.sides_of(db, actor=actor, contract_id=contract_id),
        "diligence": diligence.checklist(db, actor=actor, contract_id=contract_id),
        "line_rows": LINE_ROWS,
        "today": reader_today(request).isoformat(),
        "values": {},
    }


@router.get("/market/organisations/{organisation_id}/ledger", response_class=HTMLResponse)
def books_page(request: Request, db: Db, actor: CurrentActor, organisation_id: int) -> Response:
    books = service.books(db, actor=actor, organisation_id=organisation_id)
    return render(request, "market/ledger_books.html", {"books": books})


@router.get("/market/contracts/{contract_id}/ledger", response_class=HTMLResponse)
def ledger_page(request: Request, db: Db, actor: CurrentActor, contract_id: int) -> Response:
    ctx = _context(db, actor, contract_id, request)
    ctx["note"] = request.query_params.get("note")
    return render(request, "market/ledger.html", ctx)


def _act(db: Db, actor: Any, contract_id: int, form: dict[str, str]) -> None:
    action = form.get("action", "")
    if action == "upfront":
        service.invoice_upfront(db, actor=actor, contract_id=contract_id)
    elif action == "milestone":
        service.invoice_milestone(
            db,
            actor=actor,
            contract_id=contract_id,
            data=MilestoneAchieved.model_validate(
                {"milestone_id": form.get("milestone_id"), "achieved_on": form.get("achieved_on")}
            ),
        )
    elif action == "report":
        lines = []
        for i in range(LINE_ROWS):
            row = {
                k: form.get(f"line_{i}_{k}", "").strip()
                for k in ("product", "territory", "net_sales")
            }
            if any(row.values()):
                lines.append(row)
        service.file_report(
            db,
            actor=actor,
            contract_id=contract_id,
            data=RoyaltyReportCreate.model_validate(
                {
                    "period_start": form.get("period_start"),
                    "period_end": form.get("period_end"),
                    "lines": lines,
                }
            ),
        )
    elif action == "payment":
        service.record_payment(
            db,
            actor=actor,
            invoice_id=int(form.get("invoice_id") or 0),
            data=PaymentCreate.model_validate(
                {
                    "amount": form.get("amount"),
                    "currency": form.get("currency"),
                    "received_on": form.get("received_on") or date.min.isoformat(),
                }
            ),
        )
    elif action == "diligence":
        diligence.add(
            db,
            actor=actor,
            contract_id=contract_id,
            data=DiligenceCreate.model_validate(
                {"obligation": form.get("obligation", ""), "due_on": form.get("due_on") or None}
            ),
        )
    elif action == "evidence":
        diligence.record_evidence(
            db,
            actor=actor,
            item_id=int(form.get("item_id") or 0),
            data=DiligenceEvidence.model_validate(
                {"done_on": form.get("done_on") or None, "evidence": form.get("evidence", "")}
            ),
        )
    else:
        from labline.errors import FieldError, InvalidInput

        raise InvalidInput(
            f"Unknown action {action!r}.", fields=[FieldError("action", "unknown", list(ACTIONS))]
        )


@router.post("/market/contracts/{contract_id}/ledger", dependencies=[CsrfChecked])
def ledger_action(
    request: Request, db: Db, actor: CurrentActor, contract_id: int, form: SubmittedForm
) -> Response:
    try:
        _act(db, actor, contract_id, form)
    except (ValidationError, LablineError) as exc:
        return failed_form(
            request,
            db,
            exc,
            "market/ledger.html",
            lambda: _context(db, actor, contract_id, request),
            values=form,
            passthrough=(401, 404),
            failed=form.get("action"),
        )
    return RedirectResponse(f"/market/contracts/{contract_id}/ledger?note=done", status_code=303)
