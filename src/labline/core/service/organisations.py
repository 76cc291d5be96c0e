"""Organisations: the directory every module hangs its records on."""

from __future__ import annotations

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from labline.core.access import Actor, Permission, require, require_org_admin
from labline.core.models import Organisation
from labline.core.schemas import OrganisationCreate, OrganisationFilter, OrganisationUpdate
from labline.errors import Conflict, FieldError, NotFound
from labline.schemas import PageParams


def get_organisation(session: Session, *, actor: Actor, organisation_id: int) -> Organisation:
    require(actor, Permission.view_directory)
    org = session.get(Organisation, organisation_id)
    if org is None:
        raise NotFound(f"No organisation with id {organisation_id}.")
    return org


def list_organisations(
    session: Session, *, actor: Actor, filters: OrganisationFilter, page: PageParams
) -> tuple[list[Organisation], int]:
    require(actor, Permission.view_directory)
    stmt = select(Organisation)
    if filters.q:
        like = f"%{filters.q}%"
        stmt = stmt.where(or_(Organisation.name_zh.ilike(like), Organisation.name_en.ilike(like)))
    if filters.kind:
        stmt = stmt.where(Organisation.kind == filters.kind)
    if filters.region_code:
        # A province code (xx0000) also finds organisations in its cities.
        code = filters.region_code
        if code.endswith("0000"):
            stmt = stmt.where(Organisation.region_code.like(code[:2] + "%"))
        else:
            stmt = stmt.where(Organisation.region_code == code)
    if filters.industry_code:
        stmt = stmt.where(Organisation.industry_code.like(filters.industry_code + "%"))
    if filters.country:
        stmt = stmt.where(Organisation.country == filters.country.upper())
    total = session.scalar(select(func.count()).select_from(stmt.subquery())) or 0
    rows = session.scalars(
        stmt.order_by(Organisation.id).offset(page.offset).limit(page.per_page)
    ).all()
    return list(rows), total


def _unique_credit_code(session: Session, code: str | None, *, exclude: int | None = None) -> None:
    if code is None:
        return
    other = session.scalar(select(Organisation.id).where(Organisation.credit_code == code))
    if other is not None and other != exclude:
        raise Conflict(
            "Another organisation already has this credit code.",
            fields=[FieldError("credit_code", f"already used by organisation {other}")],
        )


def create_organisation(
    session: Session, *, actor: Actor, data: OrganisationCreate
) -> Organisation:
    require(actor, Permission.manage_organisations)
    _unique_credit_code(session, data.credit_code)
    org = Organisation(**data.model_dump())
    session.add(org)
    session.flush()
    return org


def update_organisation(
    session: Session, *, actor: Actor, organisation_id: int, data: OrganisationUpdate
) -> Organisation:
    org = get_organisation(session, actor=actor, organisation_id=organisation_id)
    require_org_admin(actor, organisation_id)
    changes = data.model_dump(exclude_unset=True)
    if org.country == "CN" and "region_code" in changes and changes["region_code"] is None:
        raise Conflict(
            "An organisation in China needs a region.",
            fields=[FieldError("region_code", "required for an organisation in China")],
        )
    for key, value in changes.items():
        setattr(org, key, value)
    session.flush()
    return org
