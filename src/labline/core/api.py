"""JSON API for the core: thin adapters over the services."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, File, Query, Request, Response, UploadFile
from starlette.concurrency import run_in_threadpool

from labline.core import refdata
from labline.core.access import Permission, require
from labline.core.audit_keys import ANCHOR_FILE
from labline.core.audit_verify import verify
from labline.core.models import OrganisationKind, Role
from labline.core.schemas import (
    AuditRecordRead,
    ChainReportRead,
    OrganisationCreate,
    OrganisationFilter,
    OrganisationRead,
    OrganisationUpdate,
    PersonCreate,
    PersonRead,
    PersonUpdate,
    RoleGrantCreate,
    RowDifferenceRead,
    TokenCreate,
    TokenCreated,
    TokenRead,
)
from labline.core.service import auth, organisations, people, transfer
from labline.core.service.audit_log import list_records
from labline.schemas import Output, Page
from labline.web.deps import CurrentActor, Db, Paging

router = APIRouter(prefix="/api/v1", tags=["core"])
EXCEL = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class ImportReport(Output):
    created: int


@router.get("/me", response_model=PersonRead, summary="The signed-in person")
def me(db: Db, actor: CurrentActor) -> PersonRead:
    person = people.get_person(db, actor=actor, person_id=actor.person_id or 0)
    return people.person_read(actor, person)


@router.get("/organisations", response_model=Page[OrganisationRead])
def list_organisations(
    db: Db,
    actor: CurrentActor,
    paging: Paging,
    q: Annotated[str | None, Query(max_length=200, description="Name contains")] = None,
    kind: OrganisationKind | None = None,
    region_code: Annotated[
        str | None, Query(max_length=6, description="GB/T 2260; a province includes its cities")
    ] = None,
    industry_code: Annotated[
        str | None, Query(max_length=4, description="GB/T 4754 prefix")
    ] = None,
    country: Annotated[str | None, Query(min_length=2, max_length=2)] = None,
) -> Page[OrganisationRead]:
    filters = OrganisationFilter(
        q=q, kind=kind, region_code=region_code, industry_code=industry_code, country=country
    )
    rows, total = organisations.list_organisations(db, actor=actor, filters=filters, page=paging)
    return Page(
        items=[OrganisationRead.model_validate(r) for r in rows],
        total=total,
        page=paging.page,
        per_page=paging.per_page,
    )


@router.post("/organisations", response_model=OrganisationRead, status_code=201)
def create_organisation(db: Db, actor: CurrentActor, data: OrganisationCreate) -> OrganisationRead:
    org = organisations.create_organisation(db, actor=actor, data=data)
    return OrganisationRead.model_validate(org)


@router.get(
    "/organisations/export",
    summary="All organisations as CSV, Excel or JSON",
    response_class=Response,
    responses={200: {"content": {"text/csv": {}, EXCEL: {}, "application/json": {}}}},
)
def export_organisations(
    db: Db, actor: CurrentActor, format: Annotated[str, Query(pattern="^(csv|xlsx|json)$")] = "csv"
) -> Response:
    with tempfile.TemporaryDirectory() as tmp:
        target = Path(tmp) / f"organisations.{format}"
        transfer.export_organisations(db, actor=actor, target=target)
        content = target.read_bytes()
    media = {"csv": "text/csv", "xlsx": EXCEL, "json": "application/json"}[format]
    return Response(
        content,
        media_type=media,
        headers={"Content-Disposition": f'attachment; filename="organisations.{format}"'},
    )


@router.post("/organisations/import", response_model=ImportReport, status_code=201)
async def import_organisations(
    db: Db,
    actor: CurrentActor,
    file: Annotated[UploadFile, File(description=".csv, .xlsx or .json")],
) -> ImportReport:
    """All or nothing: a file with any bad row imports nothing and lists every bad row."""
    created = await run_in_threadpool(transfer.import_upload, db, actor=actor, upload=file)
    return ImportReport(created=created)


@router.get("/organisations/{organisation_id}", response_model=OrganisationRead)
def get_organisation(db: Db, actor: CurrentActor, organisation_id: int) -> OrganisationRead:
    org = organisations.get_organisation(db, actor=actor, organisation_id=organisation_id)
    return OrganisationRead.model_validate(org)


@router.patch("/organisations/{organisation_id}", response_model=OrganisationRead)
def update_organisation(
    db: Db, actor: CurrentActor, organisation_id: int, data: OrganisationUpdate
) -> OrganisationRead:
    org = organisations.update_organisation(
        db, actor=actor, organisation_id=organisation_id, data=data
    )
    return OrganisationRead.model_validate(org)


@router.get("/people", response_model=Page[PersonRead])
def list_people(
    db: Db,
    actor: CurrentActor,
    paging: Paging,
    q: Annotated[str | None, Query(max_length=200)] = None,
    organisation_id: int | None = None,
    role: Role | None = None,
) -> Page[PersonRead]:
    rows, total = people.list_people(
        db, actor=actor, page=paging, q=q, organisation_id=organisation_id, role=role
    )
    return Page(
        items=[people.person_read(actor, p) for p in rows],
        total=total,
        page=paging.page,
        per_page=paging.per_page,
    )


@router.post("/people", response_model=PersonRead, status_code=201)
def create_person(db: Db, actor: CurrentActor, data: PersonCreate) -> PersonRead:
    person = people.create_person(db, actor=actor, data=data)
    db.refresh(person)
    return people.person_read(actor, person)


@router.get("/people/{person_id}", response_model=PersonRead)
def get_person(db: Db, actor: CurrentActor, person_id: int) -> PersonRead:
    return people.person_read(actor, people.get_person(db, actor=actor, person_id=person_id))


@router.patch("/people/{person_id}", response_model=PersonRead)
def update_person(db: Db, actor: CurrentActor, person_id: int, data: PersonUpdate) -> PersonRead:
    person = people.update_person(db, actor=actor, person_id=person_id, data=data)
    return people.person_read(actor, person)


@router.post("/people/{person_id}/roles", response_model=PersonRead, status_code=201)
def grant_role(db: Db, actor: CurrentActor, person_id: int, data: RoleGrantCreate) -> PersonRead:
    people.grant_role(
        db,
        actor=actor,
        person_id=person_id,
        role=Role(data.role),
        organisation_id=data.organisation_id,
    )
    person = people.get_person(db, actor=actor, person_id=person_id)
    db.refresh(person)
    return people.person_read(actor, person)


@router.delete("/people/{person_id}/roles/{role}", status_code=204)
def revoke_role(db: Db, actor: CurrentActor, person_id: int, role: Role) -> Response:
    people.revoke_role(db, actor=actor, person_id=person_id, role=role)
    return Response(status_code=204)


@router.get("/tokens", response_model=list[TokenRead])
def list_tokens(db: Db, actor: CurrentActor) -> list[TokenRead]:
    return [TokenRead.model_validate(t) for t in auth.list_tokens(db, actor=actor)]


@router.post("/tokens", response_model=TokenCreated, status_code=201)
def create_token(db: Db, actor: CurrentActor, data: TokenCreate) -> TokenCreated:
    token, secret = auth.create_token(db, actor=actor, data=data)
    return TokenCreated.model_validate(
        {**TokenRead.model_validate(token).model_dump(), "token": secret}
    )


@router.delete("/tokens/{token_id}", response_model=TokenRead)
def revoke_token(db: Db, actor: CurrentActor, token_id: int) -> TokenRead:
    return TokenRead.model_validate(auth.revoke_token(db, actor=actor, token_id=token_id))


@router.get("/audit", response_model=Page[AuditRecordRead])
def list_audit(
    db: Db,
    actor: CurrentActor,
    paging: Paging,
    entity_type: Annotated[str | None, Query(max_length=60)] = None,
) -> Page[AuditRecordRead]:
    rows, total = list_records(db, actor=actor, page=paging, entity_type=entity_type)
    return Page(
        items=[AuditRecordRead.model_validate(r) for r in rows],
        total=total,
        page=paging.page,
        per_page=paging.per_page,
    )


@router.get("/audit/verify", response_model=ChainReportRead)
def audit_verify(db: Db, actor: CurrentActor, request: Request) -> ChainReportRead:
    """The chain, its signed head and anchor, and every audited row against the trail."""
    require(actor, Permission.view_audit)
    settings = request.app.state.settings
    report = verify(db, anchor=settings.data_dir / ANCHOR_FILE)
    return ChainReportRead(
        checked=report.chain.checked,
        ok=report.ok,
        first_broken_seq=report.chain.first_broken_seq,
        reason=report.chain.reason,
        head=report.head,
        anchor=report.anchor,
        rows_checked=report.rows_checked,
        unverifiable_rows=report.unverifiable,
        legacy_records=report.legacy_records,
        problems=report.problems()[:1000],
        differences=[RowDifferenceRead.model_validate(d) for d in report.differences[:1000]],
    )


refdata_router = APIRouter(prefix="/api/v1/refdata", tags=["reference data"])


@refdata_router.get("/regions", summary="China's administrative divisions (GB/T 2260)")
def regions(
    level: Annotated[str | None, Query(pattern="^(province|prefecture)$")] = None,
) -> list[dict[str, str | None]]:
    return [
        {
            "code": r.code,
            "name_zh": r.name_zh,
            "name_en": r.name_en,
            "level": r.level,
            "parent_code": r.parent_code,
        }
        for r in refdata.regions()
        if level is None or r.level == level
    ]


@refdata_router.get("/industries", summary="Industry classification (GB/T 4754-2017)")
def industries(
    level: Annotated[str | None, Query(pattern="^(section|division|group|class)$")] = None,
) -> list[dict[str, str | None]]:
    return [
        {
            "code": i.code,
            "name_zh": i.name_zh,
            "name_en": i.name_en,
            "level": i.level,
            "parent_code": i.parent_code,
        }
        for i in refdata.industries()
        if level is None or i.level == level
    ]


@refdata_router.get("/countries", summary="Countries (ISO 3166-1 alpha-2)")
def countries() -> list[dict[str, str]]:
    return [
        {"code": c.code, "name_zh": c.name_zh, "name_en": c.name_en} for c in refdata.countries()
    ]
