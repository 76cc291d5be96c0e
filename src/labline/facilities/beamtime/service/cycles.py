"""Proposal-based beamtime: a cycle takes proposals, they are scored and ranked, the awarded
shifts are placed on the calendar by the CP-SAT scheduler, a manager edits the draft (every
edit re-checked by the validator) and publishes it as ordinary bookings.

A cycle is cut into shifts of `shift_hours` from its start. What the scheduler may use is
read from the database at solve time: the instrument's opening hours, its closures and the
bookings already holding it; the users' unavailable dates; and the local contact, who can
attend one experiment at a time.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from labline.core.access import Actor, require_signed_in
from labline.core.models import Person
from labline.errors import Conflict, FieldError, InvalidInput, NotFound, NotPermitted
from labline.facilities.beamtime.schemas import CycleCreate, ProposalCreate, ProposalScore
from labline.facilities.models import (
    BeamtimeCycle,
    BeamtimeProposal,
    BeamtimeSlot,
    CycleStatus,
    Facility,
    Instrument,
)
from labline.facilities.service.catalogue import can_manage, require_manager, utc

# action -> the states a cycle must be in for it; services check it, pages offer from it
STATES_FOR: dict[str, tuple[CycleStatus, ...]] = {
    "close": (CycleStatus.open,),
    "propose": (CycleStatus.open,),
    "score": (CycleStatus.reviewing, CycleStatus.scheduled),
    "solve": (CycleStatus.reviewing, CycleStatus.scheduled),
    "edit": (CycleStatus.scheduled,),
    "publish": (CycleStatus.scheduled,),
}
MAX_SHIFTS = 5000  # a cycle of ~4.5 years of 8-hour shifts; larger is a typing mistake


class CycleStateError(Conflict):
    code = "cycle_state"


def require_state(cycle: BeamtimeCycle, *allowed: CycleStatus, doing: str) -> None:
    """A CycleStateError unless the cycle is in one of the allowed states."""
    if cycle.status not in allowed:
        raise CycleStateError(
            f"Cycle {cycle.code} is {cycle.status}; {doing} needs it to be "
            + " or ".join(s.value for s in allowed)
            + ".",
            cycle_status=str(cycle.status),
        )


def allowed_actions(cycle: BeamtimeCycle) -> set[str]:
    """What the cycle's state allows (close, propose, score, solve, edit, publish)."""
    return {action for action, states in STATES_FOR.items() if cycle.status in states}


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


def managed_cycle(session: Session, actor: Actor, cycle_id: int) -> tuple[BeamtimeCycle, Facility]:
    """The cycle and its facility, for the facility's managers only."""
    cycle = get_cycle(session, actor=actor, cycle_id=cycle_id)
    facility = session.get(Facility, cycle.facility_id)
    assert facility is not None  # foreign key
    require_manager(actor, facility)
    return cycle, facility


def close_cycle(session: Session, *, actor: Actor, cycle_id: int) -> BeamtimeCycle:
    """Stop taking proposals; review (scores and awards) begins."""
    cycle, _ = managed_cycle(session, actor, cycle_id)
    require_state(cycle, *STATES_FOR["close"], doing="closing the call")
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
    require_state(cycle, *STATES_FOR["propose"], doing="submitting a proposal")
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
    first, last = local_dates(session, cycle)
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
    cycle, _ = managed_cycle(session, actor, proposal.cycle_id)
    require_state(cycle, *STATES_FOR["score"], doing="scoring")
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
    rerank(session, cycle)
    return proposal


def clear_draft(session: Session, cycle: BeamtimeCycle) -> None:
    """Scores or awards changed: the draft schedule is void, review resumes."""
    session.execute(delete(BeamtimeSlot).where(BeamtimeSlot.cycle_id == cycle.id))
    cycle.status = CycleStatus.reviewing


def rerank(session: Session, cycle: BeamtimeCycle) -> None:
    """Number the cycle's proposals by score (best first)."""
    rows = session.scalars(
        select(BeamtimeProposal).where(
            BeamtimeProposal.cycle_id == cycle.id, BeamtimeProposal.score.is_not(None)
        )
    ).all()
    ordered = sorted(rows, key=lambda p: (-(p.score or 0), p.id))
    for rank, p in enumerate(ordered, start=1):
        p.rank = rank
    session.flush()


def local_dates(session: Session, cycle: BeamtimeCycle) -> tuple[date, date]:
    """The cycle's first and last day in the facility's time zone."""
    zone = cycle_zone(session, cycle)
    return (
        utc(cycle.starts_at).astimezone(zone).date(),
        (utc(cycle.ends_at) - timedelta(seconds=1)).astimezone(zone).date(),
    )


def cycle_zone(session: Session, cycle: BeamtimeCycle) -> ZoneInfo:
    """The time zone of the cycle's facility."""
    facility = session.get(Facility, cycle.facility_id)
    return ZoneInfo(facility.timezone if facility else "UTC")
