"""STAR Market listing readiness: `POST /api/v1/market/listing/star` and its standards."""

from __future__ import annotations

from fastapi import APIRouter, Request

from labline.core.deps import CurrentActor, Db
from labline.market.listing import service
from labline.market.listing.schemas import (
    ListingEntryCreate,
    ListingEntryRead,
    ListingFigures,
    OrganisationReadinessRead,
    ReadinessRead,
    ThresholdRead,
)

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


@router.get(
    "/organisations/{organisation_id}",
    response_model=OrganisationReadinessRead,
    summary="A company's kept figures: the latest against each standard, and the history",
)
def organisation(
    request: Request, db: Db, actor: CurrentActor, organisation_id: int
) -> OrganisationReadinessRead:
    return service.organisation_readiness(
        db,
        actor=actor,
        organisation_id=organisation_id,
        data_dir=request.app.state.settings.data_dir,
    )


@router.post(
    "/organisations/{organisation_id}/figures",
    response_model=ListingEntryRead,
    status_code=201,
    summary="Keep a company's listing figures for a period (earlier entries stay as history)",
)
def record(
    db: Db, actor: CurrentActor, organisation_id: int, body: ListingEntryCreate
) -> ListingEntryRead:
    entry = service.record_figures(db, actor=actor, organisation_id=organisation_id, data=body)
    return ListingEntryRead.model_validate(entry)
