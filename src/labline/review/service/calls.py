"""Calls and proposals: who may do what, the working-day clock, submission and withdrawal."""

from __future__ import annotations

from collections.abc import Sequence, Set
from datetime import date, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from labline import clock, i18n
from labline.core.access import Actor, require_signed_in
from labline.core.models import Membership, Organisation, OrganisationKind, Person, Role
from labline.errors import Conflict, FieldError, InvalidInput, NotFound, NotPermitted
from labline.review import reasons
from labline.review.models import (
    ACTIVE,
    Call,
    CallStatus,
    ConflictDeclaration,
    ConflictRule,
    Criterion,
    Panel,
    Proposal,
    ProposalStatus,
    ReviewAssignment,
)
from labline.review.schemas import CallCreate, PanelAdd, ProposalCreate

# Organisations that may not apply for research funding.
INELIGIBLE_KINDS = (OrganisationKind.investment_fund, OrganisationKind.government_office)


# --- who may do what ----------------------------------------------------------------------------


def is_manager(actor: Actor) -> bool:
    """Programme managers are platform operators (and the local command line)."""
    return actor.is_operator


def is_committee(actor: Actor) -> bool:
    return actor.is_operator or actor.has(Role.committee_member)


def require_manager(actor: Actor) -> None:
    if is_manager(actor):
        return
    require_signed_in(actor)
    raise NotPermitted("Only a programme manager (platform operator) can do this.")


def require_committee(actor: Actor) -> None:
    if is_committee(actor):
        return
    require_signed_in(actor)
    raise NotPermitted("Only committee members and programme managers can do this.")


def today() -> date:
    """The platform's today, on which calls open and close and reviews fall due."""
    return clock.today()


# --- working days -------------------------------------------------------------------------------


def _date_set(text: str) -> set[date]:
    return {date.fromisoformat(d) for d in text.split(",") if d.strip()}


def is_working_day(day: date, holidays: Set[date], extra: Set[date]) -> bool:
    if day in extra:
        return True
    return day.weekday() < 5 and day not in holidays


def add_working_days(
    start: date, days: int, *, holidays: Set[date] = frozenset(), extra: Set[date] = frozenset()
) -> date:
    """The date `days` working days after `start` (weekends and holidays skipped; weekend
    days listed in `extra` are worked, as with China's make-up working days)."""
    day, left = start, days
    while left > 0:
        day += timedelta(days=1)
        if is_working_day(day, holidays, extra):
            left -= 1
    return day


def working_days_between(
    start: date, end: date, *, holidays: Set[date] = frozenset(), extra: Set[date] = frozenset()
) -> int:
    """Working days after `start` up to and including `end` (negative when `end` is past)."""
    if end < start:
        return -working_days_between(end, start, holidays=holidays, extra=extra)
    n, day = 0, start
    while day < end:
        day += timedelta(days=1)
        n += is_working_day(day, holidays, extra)
    return n


def decision_due(call: Call) -> date:
    return add_working_days(
        call.closes_on,
        call.decision_working_days,
        holidays=_date_set(call.holidays),
        extra=_date_set(call.extra_workdays),
    )


def working_days_left(call: Call, *, on: date | None = None) -> int:
    return working_days_between(
        on or today(),
        decision_due(call),
        holidays=_date_set(call.holidays),
        extra=_date_set(call.extra_workdays),
    )


# What a manager can do next, by the call's status: the call page's buttons ask this.
NEXT_STEPS: dict[CallStatus, tuple[str, ...]] = {
    CallStatus.draft: ("open",),
    CallStatus.open: ("close",),
    CallStatus.reviewing: ("assign", "analyse", "remind"),
    CallStatus.committee: ("decide",),
    CallStatus.decided: (),
}


def allowed_steps(call: Call) -> tuple[str, ...]:
    """The manager's next steps for this call (empty once it is decided)."""
    return NEXT_STEPS[call.status]


def is_open(call: Call) -> bool:
    """Whether the call takes proposals (its status; the dates are checked on submission)."""
    return call.status == CallStatus.open


def is_decided(call: Call) -> bool:
    return call.status == CallStatus.decided


# --- calls --------------------------------------------------------------------------------------


def list_calls(session: Session, *, actor: Actor) -> Sequence[Call]:
    stmt = select(Call).order_by(Call.opens_on.desc(), Call.id.desc())
    if not is_manager(actor):
        stmt = stmt.where(Call.status != CallStatus.draft)
    return session.scalars(stmt).all()


def get_call(session: Session, *, actor: Actor, call_id: int) -> Call:
    call = session.get(Call, call_id)
    if call is None or (call.status == CallStatus.draft and not is_manager(actor)):
        raise NotFound(f"There is no call {call_id}.", call_id=call_id)
    return call


def create_call(session: Session, *, actor: Actor, data: CallCreate) -> Call:
    require_manager(actor)
    if session.scalar(select(func.count()).where(Call.code == data.code)):
        raise InvalidInput(
            i18n.N_("The code %(code)s is taken."),
            params={"code": data.code},
            fields=[FieldError("code", "already in use")],
        )
    values = data.model_dump(exclude={"criteria"})
    call = Call(**values, created_by_id=actor.person_id)
    call.criteria = [Criterion(position=i, **c.model_dump()) for i, c in enumerate(data.criteria)]
    session.add(call)
    session.flush()
    return call


def update_call(session: Session, *, actor: Actor, call_id: int, data: CallCreate) -> Call:
    """Change a draft call, its criteria included (the whole call is given again). Once the
    call is open, applicants rely on what it says: it is not changed any more."""
    require_manager(actor)
    call = get_call(session, actor=actor, call_id=call_id)
    if call.status != CallStatus.draft:
        raise Conflict(
            i18n.N_("Only a draft call can be changed: once open, applicants rely on it."),
            call_status=call.status.value,
        )
    taken = select(func.count()).where(Call.code == data.code, Call.id != call.id)
    if session.scalar(taken):
        raise InvalidInput(
            i18n.N_("The code %(code)s is taken."),
            params={"code": data.code},
            fields=[FieldError("code", "already in use")],
        )
    for name, value in data.model_dump(exclude={"criteria"}).items():
        setattr(call, name, value)
    call.criteria = []
    session.flush()  # the old criteria go before the new ones take their codes
    call.criteria = [Criterion(position=i, **c.model_dump()) for i, c in enumerate(data.criteria)]
    session.flush()
    return call


def _transition(call: Call, allowed: tuple[CallStatus, ...], to: CallStatus) -> None:
    if call.status not in allowed:
        raise Conflict(
            f"The call is {call.status.value}; it must be"
            f" {' or '.join(s.value for s in allowed)} to become {to.value}.",
            call_status=call.status.value,
        )
    call.status = to


def open_call(session: Session, *, actor: Actor, call_id: int) -> Call:
    require_manager(actor)
    call = get_call(session, actor=actor, call_id=call_id)
    _transition(call, (CallStatus.draft,), CallStatus.open)
    session.flush()
    return call


def close_call(session: Session, *, actor: Actor, call_id: int) -> Call:
    """Stop taking proposals; check each one's eligibility; the rest go to review."""
    require_manager(actor)
    call = get_call(session, actor=actor, call_id=call_id)
    _transition(call, (CallStatus.open,), CallStatus.reviewing)
    for proposal in session.scalars(
        select(Proposal).where(
            Proposal.call_id == call.id, Proposal.status == ProposalStatus.submitted
        )
    ):
        problems = eligibility_codes(session, call, proposal)
        if problems:
            proposal.status = ProposalStatus.ineligible
            proposal.decision = reasons.ineligible(problems)
        else:
            proposal.status = ProposalStatus.under_review
    session.flush()
    return call


def add_to_panel(session: Session, *, actor: Actor, call_id: int, data: PanelAdd) -> list[Panel]:
    require_manager(actor)
    call = get_call(session, actor=actor, call_id=call_id)
    people = {
        p.id: p for p in session.scalars(select(Person).where(Person.id.in_(data.person_ids)))
    }
    missing = sorted(set(data.person_ids) - set(people))
    if missing:
        raise InvalidInput(
            "Some people do not exist.",
            fields=[FieldError("person_ids", f"no person {m}") for m in missing],
        )
    existing = {
        p.person_id: p for p in session.scalars(select(Panel).where(Panel.call_id == call.id))
    }
    out = []
    for person_id in dict.fromkeys(data.person_ids):
        row = existing.get(person_id)
        if row is None:
            row = Panel(call_id=call.id, person_id=person_id)
            session.add(row)
        row.max_load = data.max_load
        out.append(row)
    session.flush()
    return out


def panel(session: Session, call_id: int) -> Sequence[Panel]:
    return session.scalars(
        select(Panel).where(Panel.call_id == call_id).order_by(Panel.person_id)
    ).all()


# --- proposals ----------------------------------------------------------------------------------


def eligibility_codes(session: Session, call: Call, proposal: Proposal) -> list[reasons.Reason]:
    """Why the proposal may not enter this call, as reason codes (empty: eligible)."""
    found = []
    org = session.get(Organisation, proposal.organisation_id)
    if org is None or org.kind in INELIGIBLE_KINDS:
        found.append(reasons.organisation_kind())
    if call.max_request is not None and proposal.requested_budget > call.max_request:
        found.append(reasons.over_limit(str(call.max_request)))
    return found


def eligibility_problems(session: Session, call: Call, proposal: Proposal) -> list[FieldError]:
    """The same problems as form errors (field, message, what is allowed)."""
    problems = []
    for code in eligibility_codes(session, call, proposal):
        field, message = reasons.problem_record(code).split(": ", 1)
        problems.append(FieldError(field, message, code.get("limit")))
    return problems


def submit_proposal(session: Session, *, actor: Actor, data: ProposalCreate) -> Proposal:
    require_signed_in(actor)
    call = session.get(Call, data.call_id)
    if call is None or call.status == CallStatus.draft:
        raise InvalidInput(
            "That call does not exist.",
            fields=[FieldError("call_id", f"no open call {data.call_id}")],
        )
    if call.status != CallStatus.open or not call.opens_on <= today() <= call.closes_on:
        raise Conflict(
            f"The call takes proposals from {call.opens_on} to {call.closes_on} while it is"
            f" open; it is {call.status.value}.",
            call_id=call.id,
        )
    member = session.scalar(
        select(func.count()).where(
            Membership.person_id == actor.person_id,
            Membership.organisation_id == data.organisation_id,
        )
    )
    if not member and not actor.system:
        # Acting for someone else's organisation is a refusal (403), not a bad field.
        raise NotPermitted(
            "You can apply only for an organisation you belong to.",
            organisation_id=data.organisation_id,
        )
    if actor.person_id is None:
        raise InvalidInput("A proposal needs a signed-in applicant (use --as on the CLI).")
    if session.scalar(
        select(func.count()).where(
            Proposal.call_id == call.id,
            Proposal.applicant_id == actor.person_id,
            Proposal.status != ProposalStatus.withdrawn,
        )
    ):
        raise Conflict("You already have a proposal in this call; withdraw it first.")
    proposal = Proposal(
        **data.model_dump(exclude={"avoid_reviewer_ids"}),
        applicant_id=actor.person_id,
        submitted_at=clock.now(),
        status=ProposalStatus.submitted,
    )
    problems = eligibility_problems(session, call, proposal)
    if problems:
        raise InvalidInput("The proposal is not eligible for this call.", fields=problems)
    session.add(proposal)
    session.flush()
    if data.avoid_reviewer_ids:
        add_avoid(session, proposal=proposal, reviewer_ids=data.avoid_reviewer_ids, by=actor)
    return proposal


def add_avoid(
    session: Session, *, proposal: Proposal, reviewer_ids: list[int], by: Actor, reason: str = ""
) -> list[ConflictDeclaration]:
    found = set(session.scalars(select(Person.id).where(Person.id.in_(reviewer_ids))))
    missing = sorted(set(reviewer_ids) - found)
    if missing:
        raise InvalidInput(
            "Some experts to avoid do not exist.",
            fields=[FieldError("reviewer_ids", f"no person {m}") for m in missing],
        )
    rows = []
    for rid in dict.fromkeys(reviewer_ids):
        row = session.scalar(
            select(ConflictDeclaration).where(
                ConflictDeclaration.proposal_id == proposal.id,
                ConflictDeclaration.reviewer_id == rid,
                ConflictDeclaration.rule == ConflictRule.avoid_list,
            )
        )
        if row is None:
            row = ConflictDeclaration(
                proposal_id=proposal.id,
                reviewer_id=rid,
                rule=ConflictRule.avoid_list,
                reason=reason or "the applicant asked to avoid this expert",
                declared_by_id=by.person_id,
            )
            session.add(row)
        rows.append(row)
    session.flush()
    return rows


def can_see_proposal(session: Session, actor: Actor, proposal: Proposal) -> bool:
    if is_committee(actor) or actor.person_id == proposal.applicant_id:
        return True
    if actor.person_id is None:
        return False
    return bool(
        session.scalar(
            select(func.count()).where(
                ReviewAssignment.proposal_id == proposal.id,
                ReviewAssignment.reviewer_id == actor.person_id,
                ReviewAssignment.kind == "primary",
                ReviewAssignment.is_active.is_(True),
            )
        )
    )


def get_proposal(session: Session, *, actor: Actor, proposal_id: int) -> Proposal:
    require_signed_in(actor)
    proposal = session.get(Proposal, proposal_id)
    if proposal is None:
        raise NotFound(f"There is no proposal {proposal_id}.", proposal_id=proposal_id)
    if not can_see_proposal(session, actor, proposal):
        raise NotPermitted(
            "Only the applicant, its assigned reviewers and the committee see a proposal."
        )
    return proposal


def list_proposals(session: Session, *, actor: Actor, call_id: int) -> Sequence[Proposal]:
    """The committee sees every proposal; others see their own and those they review
    (alternates see a proposal only once they are promoted)."""
    require_signed_in(actor)
    call = get_call(session, actor=actor, call_id=call_id)
    stmt = select(Proposal).where(Proposal.call_id == call.id).order_by(Proposal.id)
    if not is_committee(actor):
        assigned = select(ReviewAssignment.proposal_id).where(
            ReviewAssignment.reviewer_id == actor.person_id,
            ReviewAssignment.kind == "primary",
            ReviewAssignment.is_active.is_(True),
        )
        stmt = stmt.where((Proposal.applicant_id == actor.person_id) | Proposal.id.in_(assigned))
    return session.scalars(stmt).all()


def my_proposals(session: Session, *, actor: Actor) -> Sequence[Proposal]:
    require_signed_in(actor)
    return session.scalars(
        select(Proposal).where(Proposal.applicant_id == actor.person_id).order_by(Proposal.id)
    ).all()


def withdraw(session: Session, *, actor: Actor, proposal_id: int) -> Proposal:
    proposal = get_proposal(session, actor=actor, proposal_id=proposal_id)
    if actor.person_id != proposal.applicant_id and not is_manager(actor):
        raise NotPermitted("Only the applicant can withdraw a proposal.")
    if proposal.status not in ACTIVE:
        raise Conflict(
            f"The proposal is {proposal.status.value}; only a submitted proposal or one under"
            " review can be withdrawn.",
            proposal_status=proposal.status.value,
        )
    proposal.status = ProposalStatus.withdrawn
    for a in session.scalars(
        select(ReviewAssignment).where(ReviewAssignment.proposal_id == proposal.id)
    ):
        a.is_active = False
    session.flush()
    return proposal


def avoid(
    session: Session, *, actor: Actor, proposal_id: int, reviewer_ids: list[int], reason: str
) -> list[ConflictDeclaration]:
    proposal = get_proposal(session, actor=actor, proposal_id=proposal_id)
    if actor.person_id != proposal.applicant_id and not is_manager(actor):
        raise NotPermitted("Only the applicant lists the experts to avoid.")
    if proposal.status not in ACTIVE:
        raise Conflict("The proposal is no longer in review.")
    return add_avoid(session, proposal=proposal, reviewer_ids=reviewer_ids, by=actor, reason=reason)
