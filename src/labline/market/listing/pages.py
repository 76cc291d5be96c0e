"""STAR Market listing readiness as a page: a form of the company's figures and, once
given, each standard with its criteria, the figure, the threshold and the gap."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from pydantic import ValidationError

from labline.core.access import require_signed_in
from labline.core.deps import CurrentActor
from labline.errors import validation_fields
from labline.i18n import N_
from labline.market.listing import service
from labline.market.listing.schemas import ListingFigures
from labline.web.render import render

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
}


@router.get("/market/listing", response_class=HTMLResponse)
def listing_page(request: Request, actor: CurrentActor) -> Response:
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
