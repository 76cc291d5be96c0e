"""STAR Market listing readiness: `POST /api/v1/market/listing/star` and its standards."""

from __future__ import annotations

from fastapi import APIRouter, Request

from labline.core.deps import CurrentActor
from labline.market.listing import service
from labline.market.listing.schemas import ListingFigures, ReadinessRead, ThresholdRead

router = APIRouter(prefix="/api/v1/market/listing", tags=["market"])


@router.post(
    "/star",
    response_model=ReadinessRead,
    summary="A company's figures against each SSE STAR Market listing standard (rules 2.1.2)",
)
def star(request: Request, actor: CurrentActor, body: ListingFigures) -> ReadinessRead:
    return service.readiness(
        actor=actor, figures=body, data_dir=request.app.state.settings.data_dir
    )


@router.get(
    "/star/standards",
    response_model=list[ThresholdRead],
    summary="The STAR Market listing standards as data, each citing its article",
)
def standards(request: Request) -> list[ThresholdRead]:
    return service.thresholds(data_dir=request.app.state.settings.data_dir)
