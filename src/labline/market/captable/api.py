"""Cap tables: `/api/v1/market/captables/{issuer_id}`, its OCF export and import, issuances."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Body

from labline.core.deps import CurrentActor, Db
from labline.market.captable import service
from labline.market.captable.schemas import CapTableRead, ImportRead, IssuanceCreate, IssuanceRow

router = APIRouter(prefix="/api/v1/market/captables", tags=["market"])


@router.get("/{issuer_id}", response_model=CapTableRead, summary="A company's cap table")
def read(db: Db, actor: CurrentActor, issuer_id: int) -> CapTableRead:
    return service.cap_table(db, actor=actor, issuer_id=issuer_id)


@router.get(
    "/{issuer_id}/ocf",
    summary="The cap table as an Open Cap Table Format package (OCF files keyed by name)",
)
def export(db: Db, actor: CurrentActor, issuer_id: int) -> dict[str, Any]:
    return service.export_ocf(db, actor=actor, issuer_id=issuer_id)


@router.put(
    "/{issuer_id}/ocf",
    response_model=ImportRead,
    summary="Replace the cap table by an OCF package (all of it, or nothing)",
)
def import_(
    db: Db,
    actor: CurrentActor,
    issuer_id: int,
    package: Annotated[dict[str, Any], Body(description="OCF files keyed by file name")],
) -> ImportRead:
    return service.import_ocf(db, actor=actor, issuer_id=issuer_id, package=package)


@router.post(
    "/{issuer_id}/issuances",
    response_model=IssuanceRow,
    status_code=201,
    summary="Issue shares (the equity side of a signed deal)",
)
def issue(db: Db, actor: CurrentActor, issuer_id: int, data: IssuanceCreate) -> IssuanceRow:
    return service.issue(db, actor=actor, issuer_id=issuer_id, data=data)
