"""`POST /api/v1/market/valuation/rnpv` and the stage table it uses."""

from __future__ import annotations

from fastapi import APIRouter, Request

from labline.market.valuation import service
from labline.market.valuation.schemas import RnpvRead, RnpvRequest, SuccessRates
from labline.web.deps import CurrentActor

router = APIRouter(prefix="/api/v1/market/valuation", tags=["market"])


@router.post("/rnpv", response_model=RnpvRead, summary="NPV and risk-adjusted NPV of cash flows")
def rnpv(request: Request, actor: CurrentActor, body: RnpvRequest) -> RnpvRead:
    """Each cash flow is weighted by the probability of reaching its stage from the starting
    stage and discounted at the end of its year. Probabilities come from the sourced stage
    table (`GET .../success-rates`) unless the request overrides them."""
    return service.rnpv(actor=actor, request=body, data_dir=request.app.state.settings.data_dir)


@router.get("/success-rates", response_model=SuccessRates, summary="The stage table and its source")
def success_rates(request: Request) -> SuccessRates:
    return service.success_rates(data_dir=request.app.state.settings.data_dir)
