"""Licence offers on a deal, as pages: the offers side by side with their risk-adjusted
value, and a form (rows for tiers and milestones, not JSON) to propose new terms."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import ValidationError

from labline.core.deps import CsrfChecked, CurrentActor, Db, SubmittedForm
from labline.errors import FieldError, InvalidInput, validation_fields
from labline.market.deals.service import deals
from labline.market.engine.valuation import STAGES
from labline.market.licensing import service
from labline.market.licensing.schemas import CURRENCIES, CompareRequest, OfferCreate
from labline.web.render import render

router = APIRouter()
TIER_ROWS = 4
MILESTONE_ROWS = 4
FORECAST_ROWS = 6
TIER_NAMES = ("from_sales", "to_sales", "rate_percent")
MILESTONE_NAMES = ("event", "amount", "due_on", "trigger", "stage")
CHOICES = frozenset({"stage"})  # select boxes: always a value, filled in or not
EXCLUSIVITY = {"exclusive": "Exclusive", "sole": "Sole", "non_exclusive": "Non-exclusive"}
# Message ids for the stage codes (shown in the reader's language).
STAGE_LABELS = {
    "preclinical": "Preclinical",
    "phase1": "Phase I",
    "phase2": "Phase II",
    "phase3": "Phase III",
    "filing": "Filing (NDA/BLA)",
    "market": "On the market",
}


def _rows(
    form: dict[str, str], prefix: str, names: tuple[str, ...], count: int
) -> list[dict[str, str]]:
    """Form rows `prefix_i_name`; a row with every field empty is left out (a choice that
    always holds a value, a milestone's stage, does not make a row)."""
    return [
        {k: v for k, v in row.items() if v != ""}
        for row in (
            {n: form.get(f"{prefix}_{i}_{n}", "").strip() for n in names}
            for i in _filled(form, prefix, names, count)
        )
    ]


def _filled(form: dict[str, str], prefix: str, names: tuple[str, ...], count: int) -> list[int]:
    """The form rows that `_rows` keeps, by their number on the form."""
    return [
        i
        for i in range(count)
        if any(form.get(f"{prefix}_{i}_{n}", "").strip() for n in names if n not in CHOICES)
    ]


def _beside(form: dict[str, str], errors: list[FieldError]) -> list[FieldError]:
    """The errors named after the form's boxes, to show each beside its box: the k-th tier
    or milestone given (`tiers.k.rate_percent`) is a row of the form (`tier_i_rate_percent`)."""
    rows = {
        "tiers": ("tier", _filled(form, "tier", TIER_NAMES, TIER_ROWS)),
        "milestones": ("ms", _filled(form, "ms", MILESTONE_NAMES, MILESTONE_ROWS)),
    }
    out = []
    for e in errors:
        parts = e.field.split(".")
        if parts[0] in rows and len(parts) >= 2 and parts[1].isdigit():
            prefix, filled = rows[parts[0]]
            k = int(parts[1])
            if k < len(filled):
                name = parts[2] if len(parts) > 2 else ""
                e = FieldError(f"{prefix}_{filled[k]}_{name}".rstrip("_"), e.message, e.allowed)
        out.append(e)
    return out


def _offer_data(form: dict[str, str]) -> dict[str, Any]:
    data: dict[str, Any] = {
        k: v.strip()
        for k, v in form.items()
        if k
        in (
            "label",
            "field_of_use",
            "territory",
            "exclusivity",
            "term_years",
            "currency",
            "upfront_cash",
            "upfront_equity_percent",
            "minimum_annual_royalty",
            "sublicence_share_percent",
            "patent_costs",
            "diligence",
        )
        and v.strip() != ""
    }
    data["tiers"] = _rows(form, "tier", TIER_NAMES, TIER_ROWS)
    data["milestones"] = _rows(form, "ms", MILESTONE_NAMES, MILESTONE_ROWS)
    return data


def _context(
    request: Request, db: Db, actor: Any, deal_id: int, values: dict[str, str]
) -> dict[str, Any]:
    deal = deals.get_deal(db, actor=actor, deal_id=deal_id)
    compare_values = {
        "rate": request.query_params.get("rate", "0.10"),
        "stage": request.query_params.get("stage", "phase1"),
    }
    forecast = []
    for i in range(FORECAST_ROWS):
        year = request.query_params.get(f"fy_{i}", "").strip()
        sales = request.query_params.get(f"fs_{i}", "").strip()
        compare_values[f"fy_{i}"], compare_values[f"fs_{i}"] = year, sales
        if year and sales:
            forecast.append({"year": year, "net_sales": sales})
    ctx: dict[str, Any] = {
        "deal": deal,
        "values": values,
        "compare_values": compare_values,
        "exclusivity": EXCLUSIVITY,
        "currencies": CURRENCIES,
        "stages": STAGES,
        "stage_labels": STAGE_LABELS,
        "tier_rows": TIER_ROWS,
        "milestone_rows": MILESTONE_ROWS,
        "forecast_rows": FORECAST_ROWS,
        "open": deal.state in service.OPEN_FOR_OFFERS,
    }
    try:
        request_ = CompareRequest.model_validate(
            {"rate": compare_values["rate"], "stage": compare_values["stage"], "forecast": forecast}
        )
        ctx["comparison"] = service.compare(
            db,
            actor=actor,
            deal_id=deal_id,
            request=request_,
            data_dir=request.app.state.settings.data_dir,
        )
    except ValidationError as exc:
        ctx["compare_errors"] = validation_fields(exc.errors())
    except InvalidInput as exc:
        ctx["compare_errors"] = exc.fields
    return ctx


@router.get("/market/deals/{deal_id}/offers", response_class=HTMLResponse)
def offers_page(request: Request, db: Db, actor: CurrentActor, deal_id: int) -> Response:
    ctx = _context(request, db, actor, deal_id, {})
    ctx["note"] = request.query_params.get("note")
    return render(request, "market/offers.html", ctx)


@router.post("/market/deals/{deal_id}/offers", dependencies=[CsrfChecked])
def propose(
    request: Request, db: Db, actor: CurrentActor, deal_id: int, form: SubmittedForm
) -> Response:
    values = {k: v for k, v in form.items() if k != "csrf_token"}
    try:
        data = OfferCreate.model_validate(_offer_data(form))
        service.propose(db, actor=actor, deal_id=deal_id, data=data)
    except (ValidationError, InvalidInput) as exc:
        db.rollback()
        ctx = _context(request, db, actor, deal_id, values)
        ctx["errors"] = (
            validation_fields(exc.errors()) if isinstance(exc, ValidationError) else exc.fields
        )
        ctx["field_errors"] = _beside(form, ctx["errors"])
        return render(request, "market/offers.html", ctx, status=422)
    return RedirectResponse(f"/market/deals/{deal_id}/offers?note=proposed", status_code=303)
