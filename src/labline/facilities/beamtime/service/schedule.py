"""The beamtime schedule: the scheduler's view of a cycle read from the database, the CP-SAT
solve, manual edits (each re-checked by the validator) and publishing as bookings."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from labline.core.access import Actor
from labline.errors import FieldError, InvalidInput
from labline.facilities.beamtime.service.cycles import (
    STATES_FOR,
    cycle_zone,
    get_cycle,
    instrument_ids,
    managed_cycle,
    n_shifts,
    require_state,
    shift_time,
)
from labline.facilities.engine import cycle as model
from labline.facilities.engine.scheduling import Schedule, schedule, validate
from labline.facilities.models import (
    HOLDING,
    BeamtimeCycle,
    BeamtimeProposal,
    BeamtimeSlot,
    Booking,
    BookingStatus,
    Closure,
    CycleStatus,
    Instrument,
)
from labline.facilities.service.bookings import always_open, place
from labline.facilities.service.catalogue import utc


@dataclass
class Built:
    problem: model.Cycle
    proposals: dict[str, BeamtimeProposal]


def _busy(cycle: BeamtimeCycle, spans: list[tuple[datetime, datetime]], n: int) -> set[int]:
    """Shift indexes that any of the [start, end) spans touches."""
    out: set[int] = set()
    step = timedelta(hours=cycle.shift_hours)
    origin = utc(cycle.starts_at)
    for lo, hi in spans:
        first = max(0, int((utc(lo) - origin) // step))
        last = min(n - 1, int((utc(hi) - origin - timedelta(microseconds=1)) // step))
        out.update(range(first, last + 1))
    return out


def _open_shifts(
    session: Session, cycle: BeamtimeCycle, instrument: Instrument, n: int, zone: ZoneInfo
) -> frozenset[int]:
    lo, hi = utc(cycle.starts_at), utc(cycle.ends_at)
    closures = session.execute(
        select(Closure.starts_at, Closure.ends_at).where(
            Closure.instrument_id == instrument.id, Closure.starts_at < hi, Closure.ends_at > lo
        )
    ).all()
    # Bookings already holding the instrument, except the ones this cycle published.
    holding = session.execute(
        select(Booking.block_start, Booking.block_end).where(
            Booking.instrument_id == instrument.id,
            Booking.status.in_(HOLDING),
            Booking.block_start < hi,
            Booking.block_end > lo,
            Booking.beamtime_slot_id.is_(None),
        )
    ).all()
    taken = _busy(cycle, [(a, b) for a, b in [*closures, *holding]], n)
    shifts = set(range(n)) - taken
    if not always_open(instrument):
        for i in list(shifts):
            start = shift_time(cycle, i).astimezone(zone)
            end = shift_time(cycle, i + 1).astimezone(zone)
            begin_min = start.hour * 60 + start.minute
            end_min = (end.hour * 60 + end.minute) or 1440
            if (
                str(start.isoweekday()) not in instrument.open_weekdays
                or start.date() != (end - timedelta(minutes=1)).date()
                or begin_min < instrument.opens_minute
                or end_min > instrument.closes_minute
            ):
                shifts.discard(i)
    return frozenset(shifts)


def build(session: Session, cycle: BeamtimeCycle) -> Built:
    """The cycle as the scheduler's pure data, from the database as it is now."""
    n = n_shifts(cycle)
    zone = cycle_zone(session, cycle)
    instruments = session.scalars(
        select(Instrument).where(Instrument.id.in_(instrument_ids(cycle)))
    ).all()
    awarded = session.scalars(
        select(BeamtimeProposal).where(
            BeamtimeProposal.cycle_id == cycle.id, BeamtimeProposal.shifts_awarded > 0
        )
    ).all()
    ranked = sorted(awarded, key=lambda p: (p.rank or 10**9, p.id))
    # The scheduler's messages name instruments by code, as managers know them.
    codes = {i.id: i.code for i in instruments}
    experiments = []
    contacts: set[int] = set()
    for position, p in enumerate(ranked):
        dates = {d for d in p.unavailable_dates.split(",") if d}
        away = [
            i
            for i in range(n)
            if shift_time(cycle, i).astimezone(zone).date().isoformat() in dates
            or (shift_time(cycle, i + 1) - timedelta(seconds=1)).astimezone(zone).date().isoformat()
            in dates
        ]
        if p.local_contact_id is not None:
            contacts.add(p.local_contact_id)
        experiments.append(
            model.Experiment(
                id=str(p.id),
                proposal_id=str(p.id),
                instrument_id=codes[p.instrument_id],
                shifts_awarded=int(p.shifts_awarded or 0),
                # Priority by rank: the best proposal weighs most, the last still counts.
                priority=(len(ranked) - position) / len(ranked),
                unavailable_shifts=frozenset(away),
                local_contact=None if p.local_contact_id is None else str(p.local_contact_id),
                setup=p.setup,
            )
        )
    problem = model.Cycle(
        n_shifts=n,
        instruments=tuple(
            model.Instrument(
                id=i.code,
                shifts_available=_open_shifts(session, cycle, i, n, zone),
                setup_change_shifts=cycle.changeover_shifts,
            )
            for i in instruments
        ),
        experiments=tuple(experiments),
        local_contacts=tuple(
            model.LocalContact(id=str(c), available_shifts=frozenset(range(n)))
            for c in sorted(contacts)
        ),
        shift_hours=float(cycle.shift_hours),
    )
    return Built(problem, {str(p.id): p for p in ranked})


def solve(session: Session, *, actor: Actor, cycle_id: int, time_limit_s: float = 10.0) -> Schedule:
    """Draft a schedule with CP-SAT; replaces the previous draft."""
    cycle, _ = managed_cycle(session, actor, cycle_id)
    require_state(cycle, *STATES_FOR["solve"], doing="scheduling")
    built = build(session, cycle)
    if not built.proposals:
        raise InvalidInput(
            f"Cycle {cycle.code} has no awarded proposals to schedule; score them first."
        )
    result = schedule(built.problem, time_limit_s=time_limit_s, workers=2, seed=0)
    session.execute(delete(BeamtimeSlot).where(BeamtimeSlot.cycle_id == cycle.id))
    for pid, placement in result.placements.items():
        p = built.proposals[pid]
        session.add(
            BeamtimeSlot(
                cycle_id=cycle.id,
                proposal_id=p.id,
                instrument_id=p.instrument_id,
                start_shift=placement.start,
                end_shift=placement.end,
            )
        )
    cycle.solve_report = json.dumps(
        {
            "solver": result.solver,
            "status": result.status,
            "awarded": round(result.awarded, 3),
            "upper_bound": round(result.upper_bound, 3),
            "gap": round(result.gap, 4),
            "hours": result.hours,
            "seconds": round(result.seconds, 2),
            "placed": len(result.placements),
            "unplaced": result.unplaced,
        },
        ensure_ascii=False,
    )
    cycle.status = CycleStatus.scheduled
    session.flush()
    return result


def solve_report(cycle: BeamtimeCycle) -> dict[str, Any]:
    return json.loads(cycle.solve_report) if cycle.solve_report else {}


def slots(session: Session, *, actor: Actor, cycle_id: int) -> Sequence[BeamtimeSlot]:
    """The draft is the managers'; once published, the schedule is public."""
    cycle = get_cycle(session, actor=actor, cycle_id=cycle_id)
    if cycle.status != CycleStatus.published:
        managed_cycle(session, actor, cycle_id)
    return session.scalars(
        select(BeamtimeSlot)
        .where(BeamtimeSlot.cycle_id == cycle.id)
        .order_by(BeamtimeSlot.instrument_id, BeamtimeSlot.start_shift)
    ).all()


def _placements(session: Session, cycle: BeamtimeCycle) -> dict[str, model.Placement]:
    rows = session.scalars(select(BeamtimeSlot).where(BeamtimeSlot.cycle_id == cycle.id)).all()
    return {
        str(s.proposal_id): model.Placement(str(s.proposal_id), s.start_shift, s.end_shift)
        for s in rows
    }


def move_slot(
    session: Session,
    *,
    actor: Actor,
    cycle_id: int,
    proposal_id: int,
    start_shift: int | None,
) -> BeamtimeSlot | None:
    """A manager's edit: move an experiment to start at `start_shift`, or take it off the
    schedule (None). Refused, with every rule it would break, if the result is invalid."""
    cycle, _ = managed_cycle(session, actor, cycle_id)
    require_state(cycle, *STATES_FOR["edit"], doing="editing the schedule")
    built = build(session, cycle)
    key = str(proposal_id)
    if key not in built.proposals:
        raise InvalidInput(
            f"Proposal {proposal_id} has no awarded time in cycle {cycle.code}.",
            fields=[FieldError("proposal_id", "not an awarded proposal of this cycle")],
        )
    placements = _placements(session, cycle)
    if start_shift is None:
        placements.pop(key, None)
    else:
        length = int(built.proposals[key].shifts_awarded or 0)
        placements[key] = model.Placement(key, start_shift, start_shift + length)
    problems = validate(built.problem, placements)
    mine = [v for v in problems if key in v.experiments] if start_shift is not None else []
    if mine:
        raise InvalidInput(
            "That move breaks the schedule's rules: " + "; ".join(v.message for v in mine),
            fields=[FieldError("start_shift", v.message) for v in mine],
        )
    slot = session.scalar(select(BeamtimeSlot).where(BeamtimeSlot.proposal_id == proposal_id))
    if start_shift is None:
        if slot is not None:
            session.delete(slot)
            session.flush()
        return None
    if slot is None:
        slot = BeamtimeSlot(
            cycle_id=cycle.id,
            proposal_id=proposal_id,
            instrument_id=built.proposals[key].instrument_id,
            start_shift=0,
            end_shift=1,
        )
        session.add(slot)
    slot.start_shift = placements[key].start
    slot.end_shift = placements[key].end
    slot.edited_by_id = actor.person_id
    session.flush()
    return slot


def publish(session: Session, *, actor: Actor, cycle_id: int) -> list[Booking]:
    """Put the schedule on the calendar as confirmed bookings, all or none. The database's
    no-overlap guarantee still holds: a booking made since the solve stops the publication."""
    cycle, _ = managed_cycle(session, actor, cycle_id)
    require_state(cycle, *STATES_FOR["publish"], doing="publishing")
    built = build(session, cycle)
    problems = validate(built.problem, _placements(session, cycle))
    if problems:
        raise InvalidInput(
            "The schedule breaks rules and cannot be published: "
            + "; ".join(v.message for v in problems[:10]),
            fields=[FieldError("schedule", v.message) for v in problems],
        )
    made = []
    rows = session.scalars(
        select(BeamtimeSlot)
        .where(BeamtimeSlot.cycle_id == cycle.id)
        .order_by(BeamtimeSlot.start_shift)
    ).all()
    for slot in rows:
        proposal = built.proposals[str(slot.proposal_id)]
        instrument = session.get(Instrument, slot.instrument_id)
        assert instrument is not None
        booking = place(
            session,
            instrument=instrument,
            person_id=proposal.person_id,
            organisation_id=proposal.organisation_id,
            start=shift_time(cycle, slot.start_shift),
            end=shift_time(cycle, slot.end_shift),
            purpose=f"{cycle.code} #{proposal.id}: {proposal.title}"[:500],
            status=BookingStatus.confirmed,
            buffers=False,
        )
        booking.beamtime_slot_id = slot.id
        proposal.status = "scheduled"
        made.append(booking)
    cycle.status = CycleStatus.published
    session.flush()
    return made
