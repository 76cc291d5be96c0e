"""STAR Market listing readiness as pages: a form that checks figures without keeping them,
and a company's own page where its admins enter figures for a period (history kept) and its
people see the latest against each standard, with the criteria, thresholds and gaps."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import ValidationError

from labline.core.access import Actor, can_manage_org, require_signed_in
from labline.core.deps import CsrfChecked, CurrentActor, Db, SubmittedForm
from labline.core.pages.forms import failed_form
from labline.errors import LablineError, validation_fields
from labline.i18n import N_
from labline.market.listing import service
from labline.market.listing.schemas import ListingEntryCreate, ListingFigures
from labline.web.render import reader_today, render

router = APIRouter()
AMOUNTS = (
    "market_value",
    "revenue_last_year",
    "revenue_last_3_years",
    "rd_last_3_years",
    "net_profit_last_year",
    "net_profit_previous_year",
    "operating_cash_flow_last_3_years",
)
FLAGS = ("pharmaceutical", "technology_advantage")
LABELS = {
    "market_value": N_("Expected market value (CNY)"),
    "revenue_last_year": N_("Revenue, last year (CNY)"),
    "revenue_last_3_years": N_("Revenue, last three years (CNY)"),
    "rd_last_3_years": N_("R&D spending, last three years (CNY)"),
    "net_profit_last_year": N_("Net profit, last year (CNY)"),
    "net_profit_previous_year": N_("Net profit, the year before (CNY)"),
    "operating_cash_flow_last_3_years": N_("Net operating cash flow, last three years (CNY)"),
    "core_products_in_phase2": N_("Core products approved for phase II trials"),
    "pharmaceutical": N_("Pharmaceutical company"),
    "technology_advantage": N_("Clear technological advantage (other companies)"),
    "rd_share_last_3_years": N_("R&D share of revenue, last three years (%%)"),
    "net_profit_each_of_last_2_years": N_("Net profit in each of the last two years (CNY)"),
    "net_profit_last_2_years": N_("Net profit, last two years together (CNY)"),
    "stage_results": N_("Stage results (products in phase II, or a technological advantage)"),
    "period_end": N_("Last day of the financial years covered"),
    "organisation_id": N_("Organisation"),
}


@router.get("/market/listing", response_class=HTMLResponse)
def listing_page(request: Request, db: Db, actor: CurrentActor) -> Response:
    require_signed_in(actor)
    q = request.query_params
    values = {k: q.get(k, "") for k in (*AMOUNTS, "core_products_in_phase2")}
    values.update({k: q.get(k, "") for k in FLAGS})
    ctx: dict[str, Any] = {
        "values": values,
        "amounts": AMOUNTS,
        "flags": FLAGS,
        "labels": LABELS,
        "result": None,
        "companies": service.my_companies(db, actor=actor),
    }
    status = 200
    if q.get("market_value"):
        data: dict[str, Any] = {k: v for k, v in values.items() if v and k not in FLAGS}
        data.update({k: bool(values[k]) for k in FLAGS})
        try:
            figures = ListingFigures.model_validate(data)
            ctx["result"] = service.readiness(
                actor=actor, figures=figures, data_dir=request.app.state.settings.data_dir
            )
        except ValidationError as exc:
            ctx["errors"], status = validation_fields(exc.errors()), 422
    return render(request, "market/listing.html", ctx, status=status)


def _org_context(request: Request, db: Db, actor: Actor, organisation_id: int) -> dict[str, Any]:
    page = service.organisation_readiness(
        db,
        actor=actor,
        organisation_id=organisation_id,
        data_dir=request.app.state.settings.data_dir,
    )
    latest = page.latest.model_dump() if page.latest is not None else {}
    values = {k: latest.get(k, "") for k in (*AMOUNTS, "core_products_in_phase2")}
    values.update({k: latest.get(k, False) for k in FLAGS})
    values["period_end"] = latest.get("period_end", "")
    return {
        "page": page,
        "result": page.readiness,
        "values": values,
        "amounts": AMOUNTS,
        "flags": FLAGS,
        "labels": LABELS,
        "can_enter": can_manage_org(actor, organisation_id),
        "today": reader_today(request).isoformat(),
        "note": request.query_params.get("note"),
    }


@router.get("/market/listing/organisations/{organisation_id}", response_class=HTMLResponse)
def organisation_page(
    request: Request, db: Db, actor: CurrentActor, organisation_id: int
) -> Response:
    ctx = _org_context(request, db, actor, organisation_id)
    return render(request, "market/listing_org.html", ctx)


@router.post("/market/listing/organisations/{organisation_id}", dependencies=[CsrfChecked])
def enter_figures(
    request: Request, db: Db, actor: CurrentActor, organisation_id: int, form: SubmittedForm
) -> Response:
    data: dict[str, Any] = {
        k: form[k].strip()
        for k in (*AMOUNTS, "core_products_in_phase2", "period_end")
        if form.get(k, "").strip()
    }
    data.update({k: bool(form.get(k)) for k in FLAGS})
    try:
        service.record_figures(
            db,
            actor=actor,
            organisation_id=organisation_id,
            data=ListingEntryCreate.model_validate(data),
        )
    except (ValidationError, LablineError) as exc:

        def kept() -> dict[str, Any]:
            ctx = _org_context(request, db, actor, organisation_id)
            ctx["values"] = {**ctx["values"], **form, **{k: bool(form.get(k)) for k in FLAGS}}
            return ctx

        return failed_form(
            request, db, exc, "market/listing_org.html", kept, passthrough=(401, 404)
        )
    return RedirectResponse(
        f"/market/listing/organisations/{organisation_id}?note=kept", status_code=303
    )
