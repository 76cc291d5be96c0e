"""Figures per instrument, facility, operator and the whole platform: service hours, users
and organisations served, external share, utilisation, no-shows, late cancellations and
the oversubscription of proposal rounds."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from labline.core.access import Actor, Permission, require
from labline.core.refdata import province_of
from labline.errors import FieldError, InvalidInput, NotFound
from labline.facilities.models import (
    BeamtimeCycle,
    BeamtimeProposal,
    Booking,
    BookingStatus,
    Closure,
    Facility,
    Instrument,
    UsageRecord,
)
from labline.facilities.schemas import FiguresRead
from labline.facilities.service.catalogue import utc
from labline.facilities.service.usage import effective_usage

SCOPES = ("instrument", "facility", "operator", "platform")


def _instruments(session: Session, scope: str, scope_id: int | None) -> list[Instrument]:
    stmt = select(Instrument).join(Facility, Facility.id == Instrument.facility_id)
    if scope == "instrument":
        stmt = stmt.where(Instrument.id == scope_id)
    elif scope == "facility":
        stmt = stmt.where(Instrument.facility_id == scope_id)
    elif scope == "operator":
        stmt = stmt.where(Facility.operator_id == scope_id)
    rows = list(session.scalars(stmt).all())
    if scope != "platform" and not rows:
        raise NotFound(f"There is no {scope} {scope_id} with instruments.", scope=scope)
    return rows


def open_hours(instrument: Instrument, start: datetime, end: datetime) -> float:
    """Hours the instrument is open between two times (opening hours in its zone)."""
    zone = ZoneInfo(instrument.facility.timezone)
    local, stop = start.astimezone(zone), end.astimezone(zone)
    day = local.replace(hour=0, minute=0, second=0, microsecond=0)
    total = 0.0
    while day < stop:
        if str(day.isoweekday()) in instrument.open_weekdays:
            opens = max(day + timedelta(minutes=instrument.opens_minute), local)
            closes = min(day + timedelta(minutes=instrument.closes_minute), stop)
            if closes > opens:
                total += (closes - opens).total_seconds() / 3600
        day = (day + timedelta(days=1, hours=2)).replace(hour=0)  # safe across DST changes
    return total


def _closed_hours(session: Session, ids: list[int], start: datetime, end: datetime) -> float:
    rows = session.execute(
        select(Closure.starts_at, Closure.ends_at).where(
            Closure.instrument_id.in_(ids), Closure.starts_at < end, Closure.ends_at > start
        )
    ).all()
    return sum((min(utc(e), end) - max(utc(s), start)).total_seconds() / 3600 for s, e in rows)


def figures(
    session: Session,
    *,
    actor: Actor,
    scope: str,
    scope_id: int | None,
    start: datetime,
    end: datetime,
) -> FiguresRead:
    require(actor, Permission.view_directory)
    if scope not in SCOPES:
        raise InvalidInput(
            f"Unknown scope {scope!r}.", fields=[FieldError("scope", "unknown", list(SCOPES))]
        )
    if scope != "platform" and scope_id is None:
        raise InvalidInput(
            f"Which {scope}?", fields=[FieldError("scope_id", f"give the {scope}'s id")]
        )
    start, end = utc(start), utc(end)
    if end <= start or end - start > timedelta(days=3700):
        raise InvalidInput(
            "The period must end after it starts and span at most ten years.",
            fields=[FieldError("end", "after start, within ten years")],
        )
    instruments = _instruments(session, scope, scope_id)
    ids = [i.id for i in instruments]
    use = (
        effective_usage()
        .where(
            UsageRecord.instrument_id.in_(ids),
            UsageRecord.started_at >= start,
            UsageRecord.started_at < end,
        )
        .subquery()
    )
    hours, samples, users, orgs, external = session.execute(
        select(
            func.coalesce(func.sum(use.c.hours), 0),
            func.coalesce(func.sum(use.c.samples), 0),
            func.count(func.distinct(use.c.person_id)),
            func.count(func.distinct(use.c.organisation_id)),
            func.coalesce(func.sum(use.c.hours).filter(use.c.external.is_(True)), 0),
        )
    ).one()
    hours, external = float(hours), float(external)
    available = sum(open_hours(i, start, end) for i in instruments)
    available = max(0.0, available - _closed_hours(session, ids, start, end))
    counts = dict(
        session.execute(
            select(Booking.status, func.count())
            .where(
                Booking.instrument_id.in_(ids), Booking.starts_at >= start, Booking.starts_at < end
            )
            .group_by(Booking.status)
        ).all()
    )
    made = sum(n for s, n in counts.items() if s != BookingStatus.rejected)
    attended = counts.get(BookingStatus.completed, 0) + counts.get(BookingStatus.no_show, 0)
    return FiguresRead(
        scope=scope,
        scope_id=scope_id,
        period_start=start,
        period_end=end,
        service_hours=round(hours, 2),
        samples=int(samples),
        users_served=int(users),
        organisations_served=int(orgs),
        external_share=round(external / hours, 4) if hours else None,
        available_hours=round(available, 2),
        utilisation=round(hours / available, 4) if available else None,
        bookings=made,
        no_show_rate=(
            round(counts.get(BookingStatus.no_show, 0) / attended, 4) if attended else None
        ),
        late_cancellation_rate=(
            round(counts.get(BookingStatus.late_cancelled, 0) / made, 4) if made else None
        ),
        oversubscription=_oversubscription(session, ids, start, end),
    )


def _oversubscription(
    session: Session, ids: list[int], start: datetime, end: datetime
) -> float | None:
    """Shifts requested ÷ shifts offered, over proposal rounds starting in the period."""
    cycles = session.scalars(
        select(BeamtimeCycle).where(BeamtimeCycle.starts_at >= start, BeamtimeCycle.starts_at < end)
    ).all()
    requested = offered = 0
    for cycle in cycles:
        offered_ids = [int(x) for x in cycle.instrument_ids.split(",") if int(x) in ids]
        if not offered_ids:
            continue
        shifts = int((utc(cycle.ends_at) - utc(cycle.starts_at)).total_seconds() // 3600)
        offered += shifts // cycle.shift_hours * len(offered_ids)
        requested += (
            session.scalar(
                select(func.coalesce(func.sum(BeamtimeProposal.shifts_requested), 0)).where(
                    BeamtimeProposal.cycle_id == cycle.id,
                    BeamtimeProposal.instrument_id.in_(offered_ids),
                    BeamtimeProposal.status != "withdrawn",
                )
            )
            or 0
        )
    return round(requested / offered, 3) if offered else None


def monthly_hours(
    session: Session,
    *,
    actor: Actor,
    scope: str,
    scope_id: int | None,
    start: datetime,
    end: datetime,
) -> list[tuple[str, float, float]]:
    """(YYYY-MM, internal hours, external hours) per month, for the figures chart."""
    require(actor, Permission.view_directory)
    ids = [i.id for i in _instruments(session, scope, scope_id)]
    rows = session.execute(
        effective_usage()
        .with_only_columns(UsageRecord.started_at, UsageRecord.hours, UsageRecord.external)
        .where(
            UsageRecord.instrument_id.in_(ids),
            UsageRecord.started_at >= utc(start),
            UsageRecord.started_at < utc(end),
        )
    ).all()
    months: dict[str, list[float]] = {}
    for started, hours, external in rows:
        key = f"{utc(started):%Y-%m}"
        months.setdefault(key, [0.0, 0.0])[1 if external else 0] += float(hours)
    return [(k, round(v[0], 2), round(v[1], 2)) for k, v in sorted(months.items())]


def by_region(session: Session, *, start: datetime, end: datetime) -> list[tuple[str, str, float]]:
    """(province, indicator code, value) for the indicators module: service hours, users
    served and the sharing rate, by the province of each facility's operator."""
    from labline.core.models import Organisation

    used = effective_usage().subquery()
    rows = session.execute(
        select(
            Organisation.region_code,
            Organisation.country,
            func.sum(used.c.hours),
            func.sum(case((used.c.external.is_(True), used.c.hours), else_=0)),
        )
        .select_from(used)
        .join(Instrument, Instrument.id == used.c.instrument_id)
        .join(Facility, Facility.id == Instrument.facility_id)
        .join(Organisation, Organisation.id == Facility.operator_id)
        .where(used.c.started_at >= start, used.c.started_at < end)
        .group_by(Organisation.region_code, Organisation.country)
    ).all()
    totals: dict[str, list[float]] = {}
    users: dict[str, set[int]] = {}
    for region, country, hours, external in rows:
        key = province_of(region, country)
        t = totals.setdefault(key, [0.0, 0.0])
        t[0] += float(hours or 0)
        t[1] += float(external or 0)
    # Distinct users per province (a person may use facilities of two operators there).
    for region, country, person in session.execute(
        select(Organisation.region_code, Organisation.country, used.c.person_id)
        .select_from(used)
        .join(Instrument, Instrument.id == used.c.instrument_id)
        .join(Facility, Facility.id == Instrument.facility_id)
        .join(Organisation, Organisation.id == Facility.operator_id)
        .where(used.c.started_at >= start, used.c.started_at < end)
        .distinct()
    ):
        users.setdefault(province_of(region, country), set()).add(int(person))
    out: list[tuple[str, str, float]] = []
    for key, (hours, external) in sorted(totals.items()):
        out.append((key, "facility_service_hours", round(hours, 2)))
        out.append((key, "facility_users_served", float(len(users.get(key, ())))))
        if hours > 0:
            out.append((key, "instrument_sharing_rate", round(100 * external / hours, 2)))
    return out
