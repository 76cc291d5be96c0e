"""Facilities, instruments, closures and qualifications; who manages what."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime

from pydantic import ValidationError
from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from labline import clock
from labline.core.access import Actor, Permission, require, require_signed_in
from labline.core.models import Organisation, OrganisationKind, Person, Role
from labline.errors import FieldError, InvalidInput, NotFound, NotPermitted, invalid_input
from labline.facilities.models import Closure, Facility, Instrument, Qualification
from labline.facilities.schemas import (
    ClosureCreate,
    FacilityCreate,
    InstrumentCreate,
    InstrumentFields,
    InstrumentPatch,
    QualificationGrant,
)
from labline.schemas import PageParams


def utc(value: datetime) -> datetime:
    """Times are stored in UTC; SQLite hands them back without an offset."""
    return value.astimezone(UTC) if value.tzinfo else value.replace(tzinfo=UTC)


def can_manage_operator(actor: Actor, operator_id: int) -> bool:
    if actor.is_operator:
        return True
    scopes = actor.scoped.get(Role.facility_manager, frozenset())
    if None in scopes or operator_id in scopes:
        return True
    return actor.org_roles.get(operator_id) == Role.org_admin


def can_manage(actor: Actor, facility: Facility) -> bool:
    return can_manage_operator(actor, facility.operator_id)


def require_manager(actor: Actor, facility: Facility) -> None:
    if can_manage(actor, facility):
        return
    require_signed_in(actor)
    raise NotPermitted(
        "Only this facility's managers (or a platform operator) can do this.",
        facility_id=facility.id,
    )


def managed_operator_ids(actor: Actor) -> set[int] | None:
    """The operators whose facilities the actor manages; None means all of them."""
    if actor.is_operator or None in actor.scoped.get(Role.facility_manager, frozenset()):
        return None
    ids = {i for i in actor.scoped.get(Role.facility_manager, frozenset()) if i is not None}
    ids |= {org for org, role in actor.org_roles.items() if role == Role.org_admin}
    return ids


# --- facilities ---------------------------------------------------------------------------------


def list_facilities(session: Session, *, actor: Actor) -> Sequence[Facility]:
    require(actor, Permission.view_directory)
    return session.scalars(select(Facility).order_by(Facility.name_en)).all()


def get_facility(session: Session, *, actor: Actor, facility_id: int) -> Facility:
    require(actor, Permission.view_directory)
    facility = session.get(Facility, facility_id)
    if facility is None:
        raise NotFound(f"There is no facility {facility_id}.", facility_id=facility_id)
    return facility


def create_facility(session: Session, *, actor: Actor, data: FacilityCreate) -> Facility:
    require_signed_in(actor)
    operator = session.get(Organisation, data.operator_id)
    if operator is None:
        raise InvalidInput(
            "The operating organisation does not exist.",
            fields=[FieldError("operator_id", f"no organisation {data.operator_id}")],
        )
    if not can_manage_operator(actor, operator.id):
        raise NotPermitted(
            "Only a platform operator, or a facility manager or admin of the operating"
            " organisation, can add its facilities.",
            organisation_id=operator.id,
        )
    if operator.kind == OrganisationKind.investment_fund:
        raise InvalidInput(
            "An investment fund cannot operate a facility.",
            fields=[FieldError("operator_id", "must be an organisation that runs facilities")],
        )
    _unique_code(session, Facility, data.code)
    facility = Facility(**data.model_dump())
    session.add(facility)
    session.flush()
    return facility


def _unique_code(session: Session, model: type[Facility] | type[Instrument], code: str) -> None:
    if session.scalar(select(func.count()).where(model.code == code)):
        raise InvalidInput(
            f"The code {code!r} is taken.", fields=[FieldError("code", "already in use")]
        )


# --- instruments --------------------------------------------------------------------------------


def list_instruments(
    session: Session,
    *,
    actor: Actor,
    page: PageParams,
    q: str | None = None,
    facility_id: int | None = None,
) -> tuple[Sequence[Instrument], int]:
    require(actor, Permission.view_directory)
    stmt = select(Instrument).where(Instrument.is_active.is_(True))
    if facility_id is not None:
        stmt = stmt.where(Instrument.facility_id == facility_id)
    if q:
        like = f"%{q.lower()}%"
        stmt = stmt.where(
            or_(
                func.lower(Instrument.name_en).like(like),
                Instrument.name_zh.like(f"%{q}%"),
                func.lower(Instrument.capabilities).like(like),
                func.lower(Instrument.kind).like(like),
                func.lower(Instrument.code).like(like),
            )
        )
    total = session.scalar(select(func.count()).select_from(stmt.subquery())) or 0
    rows = session.scalars(
        stmt.order_by(Instrument.name_en).offset(page.offset).limit(page.per_page)
    ).all()
    return rows, total


def get_instrument(session: Session, *, actor: Actor, instrument_id: int) -> Instrument:
    require(actor, Permission.view_directory)
    instrument = session.get(Instrument, instrument_id)
    if instrument is None:
        raise NotFound(f"There is no instrument {instrument_id}.", instrument_id=instrument_id)
    return instrument


def create_instrument(session: Session, *, actor: Actor, data: InstrumentCreate) -> Instrument:
    facility = session.get(Facility, data.facility_id)
    if facility is None:
        raise InvalidInput(
            "The facility does not exist.",
            fields=[FieldError("facility_id", f"no facility {data.facility_id}")],
        )
    require_manager(actor, facility)
    _unique_code(session, Instrument, data.code)
    instrument = Instrument(**data.model_dump())
    session.add(instrument)
    session.flush()
    return instrument


def update_instrument(
    session: Session, *, actor: Actor, instrument_id: int, data: InstrumentPatch
) -> Instrument:
    instrument = get_instrument(session, actor=actor, instrument_id=instrument_id)
    require_manager(actor, instrument.facility)
    changes = data.model_dump(exclude_unset=True)
    active = changes.pop("is_active", None)
    current = {k: getattr(instrument, k) for k in InstrumentFields.model_fields}
    try:
        merged = InstrumentFields.model_validate({**current, **changes})
    except ValidationError as exc:
        raise invalid_input(exc.errors()) from None
    for key in changes:
        setattr(instrument, key, getattr(merged, key))
    if active is not None:
        instrument.is_active = active
    session.flush()
    return instrument


# --- closures -----------------------------------------------------------------------------------


def add_closure(
    session: Session, *, actor: Actor, instrument_id: int, data: ClosureCreate
) -> Closure:
    instrument = get_instrument(session, actor=actor, instrument_id=instrument_id)
    require_manager(actor, instrument.facility)
    closure = Closure(
        instrument_id=instrument.id,
        kind=data.kind,
        starts_at=utc(data.starts_at),
        ends_at=utc(data.ends_at),
        reason=data.reason,
    )
    session.add(closure)
    session.flush()
    return closure


def closures_between(
    session: Session, *, instrument_id: int, start: datetime, end: datetime
) -> Sequence[Closure]:
    return session.scalars(
        select(Closure)
        .where(
            Closure.instrument_id == instrument_id,
            Closure.starts_at < utc(end),
            Closure.ends_at > utc(start),
        )
        .order_by(Closure.starts_at)
    ).all()


# --- qualifications -----------------------------------------------------------------------------


def grant_qualification(
    session: Session, *, actor: Actor, facility_id: int, data: QualificationGrant
) -> Qualification:
    """A facility's manager records that a person passed its training or safety course."""
    facility = get_facility(session, actor=actor, facility_id=facility_id)
    require_manager(actor, facility)
    if session.get(Person, data.person_id) is None:
        raise InvalidInput(
            "That person does not exist.",
            fields=[FieldError("person_id", f"no person {data.person_id}")],
        )
    expires = utc(data.expires_at) if data.expires_at else None
    existing = session.scalar(
        select(Qualification).where(
            Qualification.person_id == data.person_id, Qualification.code == data.code
        )
    )
    if existing is not None:  # renewal
        existing.expires_at = expires
        existing.granted_by_id = actor.person_id
        existing.granted_on = clock.now()
        session.flush()
        return existing
    qualification = Qualification(
        person_id=data.person_id, code=data.code, expires_at=expires, granted_by_id=actor.person_id
    )
    session.add(qualification)
    session.flush()
    return qualification


def qualifications_of(session: Session, *, actor: Actor, person_id: int) -> Sequence[Qualification]:
    require_signed_in(actor)
    if actor.person_id != person_id and managed_operator_ids(actor) == set():
        raise NotPermitted("Only managers see other people's qualifications.")
    return session.scalars(
        select(Qualification)
        .where(Qualification.person_id == person_id)
        .order_by(Qualification.code)
    ).all()
