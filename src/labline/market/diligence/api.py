"""A licence's diligence checklist: `/api/v1/market/contracts/{contract_id}/diligence`."""

from __future__ import annotations

from fastapi import APIRouter

from labline.core.deps import CurrentActor, Db
from labline.market.diligence import service
from labline.market.diligence.schemas import DiligenceCreate, DiligenceEvidence, DiligenceRead

router = APIRouter(prefix="/api/v1/market", tags=["market"])


@router.get(
    "/contracts/{contract_id}/diligence",
    response_model=list[DiligenceRead],
    summary="A licence's diligence obligations, met or due",
)
def checklist(db: Db, actor: CurrentActor, contract_id: int) -> list[DiligenceRead]:
    return service.checklist(db, actor=actor, contract_id=contract_id)


@router.post(
    "/contracts/{contract_id}/diligence",
    response_model=DiligenceRead,
    status_code=201,
    summary="Add a diligence obligation (the licensor)",
)
def add(db: Db, actor: CurrentActor, contract_id: int, data: DiligenceCreate) -> DiligenceRead:
    return service.add(db, actor=actor, contract_id=contract_id, data=data)


@router.post(
    "/diligence/{diligence_id}/evidence",
    response_model=DiligenceRead,
    summary="Record that an obligation was met, with its evidence (the licensee)",
)
def evidence(
    db: Db, actor: CurrentActor, diligence_id: int, data: DiligenceEvidence
) -> DiligenceRead:
    return service.record_evidence(db, actor=actor, item_id=diligence_id, data=data)
