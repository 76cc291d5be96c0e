"""Proposal-based beamtime: a cycle takes proposals, they are scored and ranked, the awarded
shifts are placed on the calendar by the CP-SAT scheduler, a manager edits the draft (every
edit re-checked by the validator) and publishes it as ordinary bookings.

A cycle is cut into shifts of `shift_hours` from its start. What the scheduler may use is
read from the database at solve time: the instrument's opening hours, its closures and the
bookings already holding it; the users' unavailable dates; and the local contact, who can
attend one experiment at a time.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from labline.core.access import Actor, require_signed_in
from labline.core.models import Person
from labline.errors import Conflict, FieldError, InvalidInput, NotFound, NotPermitted
from labline.facilities import cycle as model
from labline.facilities.models import (
    HOLDING,
    BeamtimeCycle,
    BeamtimeProposal,
    BeamtimeSlot,
    Booking,
    BookingStatus,
    Closure,
    CycleStatus,
    Facility,
    Instrument,
)
from labline.facilities.scheduling import Schedule, schedule, validate
from labline.facilities.schemas import CycleCreate, ProposalCreate, ProposalScore
from labline.facilities.service.bookings import always_open, place
from labline.facilities.service.catalogue import can_manage, require_manager, utc

MAX_SHIFTS = 5000  # a cycle of ~4.5 years of 8-hour shifts; larger is a typing mistake


class CycleStateError(Conflict):
    code = "cycle_state"


def _state(cycle: BeamtimeCycle, *allowed: CycleStatus, doing: str) -> None:
    if cycle.status not in allowed:
        raise CycleStateError(
            f"Cycle {cycle.code} is {cycle.status}; {doing} needs it to be "
            + " or ".join(s.value for s in allowed)
            + ".",
            cycle_status=str(cycle.status),
        )


def instrument_ids(cycle: BeamtimeCycle) -> list[int]:
    return [int(x) for x in cycle.instrument_ids.split(",") if x]


def n_shifts(cycle: BeamtimeCycle) -> int:
    return int((utc(cycle.ends_at) - utc(cycle.starts_at)) // timedelta(hours=cycle.shift_hours))


def shift_time(cycle: BeamtimeCycle, index: int) -> datetime:
    return utc(cycle.starts_at) + timedelta(hours=cycle.shift_hours * index)


# --- cycles ---------------------------------------------------------------------------------


def create_cycle(session: Session, *, actor: Actor, data: CycleCreate) -> BeamtimeCycle:
    facility = session.get(Facility, data.facility_id)
    if facility is None:
        raise InvalidInput(
            f"There is no facility {data.facility_id}.",
            fields=[FieldError("facility_id", "no such facility")],
        )
    require_manager(actor, facility)
    ids = sorted(set(data.instrument_ids))
    found = set(
        session.scalars(
            select(Instrument.id).where(
                Instrument.id.in_(ids), Instrument.facility_id == facility.id
            )
        )
    )
    missing = [i for i in ids if i not in found]
    if missing:
        raise InvalidInput(
            f"Instruments {missing} are not in facility {facility.code}.",
            fields=[FieldError("instrument_ids", f"not instruments of {facility.code}: {missing}")],
        )
    if session.scalar(select(BeamtimeCycle.id).where(BeamtimeCycle.code == data.code)):
        raise InvalidInput(
            f"A cycle with code {data.code} exists.",
            fields=[FieldError("code", "already used; codes are unique")],
        )
    cycle = BeamtimeCycle(
        facility_id=facility.id,
        code=data.code,
        name=data.name,
        starts_at=utc(data.starts_at),
        ends_at=utc(data.ends_at),
        shift_hours=data.shift_hours,
        changeover_shifts=data.changeover_shifts,
        instrument_ids=",".join(str(i) for i in ids),
        status=CycleStatus.open,
        solve_report="",
    )
    if n_shifts(cycle) < 1 or n_shifts(cycle) > MAX_SHIFTS:
        raise InvalidInput(
            f"The cycle has {n_shifts(cycle)} shifts of {data.shift_hours} h.",
            fields=[FieldError("ends_at", f"a cycle holds 1 to {MAX_SHIFTS} shifts")],
        )
    session.add(cycle)
    session.flush()
    return cycle


def list_cycles(session: Session, *, actor: Actor) -> Sequence[BeamtimeCycle]:
    # Calls for proposals are public, like the instrument catalogue.
    return session.scalars(select(BeamtimeCycle).order_by(BeamtimeCycle.starts_at.desc())).all()


def get_cycle(session: Session, *, actor: Actor, cycle_id: int) -> BeamtimeCycle:
    cycle = session.get(BeamtimeCycle, cycle_id)
    if cycle is None:
        raise NotFound(f"There is no beamtime cycle {cycle_id}.", cycle_id=cycle_id)
    return cycle


def _managed(session: Session, actor: Actor, cycle_id: int) -> tuple[BeamtimeCycle, Facility]:
    cycle = get_cycle(session, actor=actor, cycle_id=cycle_id)
    facility = session.get(Facility, cycle.facility_id)
    assert facility is not None  # foreign key
    require_manager(actor, facility)
    return cycle, facility


def close_cycle(session: Session, *, actor: Actor, cycle_id: int) -> BeamtimeCycle:
    """Stop taking proposals; review (scores and awards) begins."""
    cycle, _ = _managed(session, actor, cycle_id)
    _state(cycle, CycleStatus.open, doing="closing the call")
    cycle.status = CycleStatus.reviewing
    session.flush()
    return cycle


# --- proposals ------------------------------------------------------------------------------


def submit_proposal(
    session: Session, *, actor: Actor, cycle_id: int, data: ProposalCreate
) -> BeamtimeProposal:
    require_signed_in(actor)
    if actor.person_id is None:
        raise InvalidInput("The command line submits for a person: pass --as EMAIL.")
    cycle = get_cycle(session, actor=actor, cycle_id=cycle_id)
    _state(cycle, CycleStatus.open, doing="submitting a proposal")
    mine = actor.system or actor.is_operator or data.organisation_id in actor.org_roles
    if data.organisation_id is not None and not mine:
        raise NotPermitted("You can propose only for an organisation you belong to.")
    problems: list[FieldError] = []
    if data.instrument_id not in instrument_ids(cycle):
        problems.append(
            FieldError("instrument_id", f"this cycle offers instruments {instrument_ids(cycle)}")
        )
    if data.shifts_requested > n_shifts(cycle):
        problems.append(
            FieldError("shifts_requested", f"the cycle has only {n_shifts(cycle)} shifts")
        )
    first, last = _local_dates(session, cycle)
    outside = [d for d in data.unavailable_dates if not first <= date.fromisoformat(d) <= last]
    if outside:
        problems.append(
            FieldError("unavailable_dates", f"{outside} are outside the cycle ({first}–{last})")
        )
    if data.local_contact_id is not None and session.get(Person, data.local_contact_id) is None:
        problems.append(FieldError("local_contact_id", "no such person"))
    if problems:
        raise InvalidInput(
            "The proposal cannot be accepted: "
            + "; ".join(f"{p.field} {p.message}" for p in problems),
            fields=problems,
        )
    proposal = BeamtimeProposal(
        cycle_id=cycle.id,
        instrument_id=data.instrument_id,
        person_id=actor.person_id,
        organisation_id=data.organisation_id or (min(actor.org_roles) if actor.org_roles else None),
        title=data.title,
        abstract=data.abstract,
        shifts_requested=data.shifts_requested,
        setup=data.setup,
        unavailable_dates=",".join(data.unavailable_dates),
        local_contact_id=data.local_contact_id,
        status="submitted",
    )
    session.add(proposal)
    session.flush()
    return proposal


def list_proposals(session: Session, *, actor: Actor, cycle_id: int) -> Sequence[BeamtimeProposal]:
    """Managers see every proposal of the cycle; a user sees their own."""
    require_signed_in(actor)
    cycle = get_cycle(session, actor=actor, cycle_id=cycle_id)
    facility = session.get(Facility, cycle.facility_id)
    query = select(BeamtimeProposal).where(BeamtimeProposal.cycle_id == cycle.id)
    if facility is None or not can_manage(actor, facility):
        query = query.where(BeamtimeProposal.person_id == actor.person_id)
    order = (BeamtimeProposal.rank.is_(None), BeamtimeProposal.rank, BeamtimeProposal.id)
    return session.scalars(query.order_by(*order)).all()


def score_proposal(
    session: Session, *, actor: Actor, proposal_id: int, data: ProposalScore
) -> BeamtimeProposal:
    """Record the review outcome: a score (higher is better) and the shifts awarded
    (default: those requested; 0 rejects). Ranks are recomputed for the whole cycle."""
    proposal = session.get(BeamtimeProposal, proposal_id)
    if proposal is None:
        raise NotFound(f"There is no beamtime proposal {proposal_id}.", proposal_id=proposal_id)
    cycle, _ = _managed(session, actor, proposal.cycle_id)
    _state(cycle, CycleStatus.reviewing, CycleStatus.scheduled, doing="scoring")
    if cycle.status == CycleStatus.scheduled:  # the draft no longer matches the awards
        clear_draft(session, cycle)
    awarded = proposal.shifts_requested if data.shifts_awarded is None else data.shifts_awarded
    if awarded > n_shifts(cycle):
        raise InvalidInput(
            f"{awarded} shifts awarded; the cycle has {n_shifts(cycle)}.",
            fields=[FieldError("shifts_awarded", f"at most {n_shifts(cycle)}")],
        )
    proposal.score = data.score
    proposal.shifts_awarded = awarded
    proposal.status = "awarded" if awarded else "rejected"
    session.flush()
    _rerank(session, cycle)
    return proposal


def clear_draft(session: Session, cycle: BeamtimeCycle) -> None:
    """Scores or awards changed: the draft schedule is void, review resumes."""
    session.execute(delete(BeamtimeSlot).where(BeamtimeSlot.cycle_id == cycle.id))
    cycle.status = CycleStatus.reviewing


def _rerank(session: Session, cycle: BeamtimeCycle) -> None:
    rows = session.scalars(
        select(BeamtimeProposal).where(
            BeamtimeProposal.cycle_id == cycle.id, BeamtimeProposal.score.is_not(None)
        )
    ).all()
    ordered = sorted(rows, key=lambda p: (-(p.score or 0), p.id))
    for rank, p in enumerate(ordered, start=1):
        p.rank = rank
    session.flush()


# --- the scheduler's view of the cycle ------------------------------------------------------


@dataclass
class Built:
    problem: model.Cycle
    proposals: dict[str, BeamtimeProposal]


def _local_dates(session: Session, cycle: BeamtimeCycle) -> tuple[date, date]:
    zone = _zone(session, cycle)
    return (
        utc(cycle.starts_at).astimezone(zone).date(),
        (utc(cycle.ends_at) - timedelta(seconds=1)).astimezone(zone).date(),
    )


def _zone(session: Session, cycle: BeamtimeCycle) -> ZoneInfo:
    facility = session.get(Facility, cycle.facility_id)
    return ZoneInfo(facility.timezone if facility else "UTC")


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
    zone = _zone(session, cycle)
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


# --- solve, edit, publish -------------------------------------------------------------------


def solve(session: Session, *, actor: Actor, cycle_id: int, time_limit_s: float = 10.0) -> Schedule:
    """Draft a schedule with CP-SAT; replaces the previous draft."""
    cycle, _ = _managed(session, actor, cycle_id)
    _state(cycle, CycleStatus.reviewing, CycleStatus.scheduled, doing="scheduling")
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
        _managed(session, actor, cycle_id)
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
    cycle, _ = _managed(session, actor, cycle_id)
    _state(cycle, CycleStatus.scheduled, doing="editing the schedule")
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
    cycle, _ = _managed(session, actor, cycle_id)
    _state(cycle, CycleStatus.scheduled, doing="publishing")
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
