"""The committee: the ranked list, advocates' and critics' notes, the funding line, the
partial lottery among proposals that cannot be told apart at the line, and decisions.

Deciding: non-consensus proposals the committee picks are funded first; the rest are
funded in calibrated rank while the budget lasts. Proposals whose calibrated score lies
within `tie_tolerance` of the last funded one cannot be told apart, so the places they
took are drawn by lot among them, from a recorded seed. The lottery stores a SHA-256 of
its inputs (candidates with their scores and requests, the places, the seed), and
`replay_lottery` re-runs it and refuses if any input has changed.
"""

from __future__ import annotations

import hashlib
import json
import secrets
from collections.abc import Sequence
from datetime import UTC, date, datetime, time
from decimal import Decimal
from typing import Any

from sqlalchemy import Integer, cast, func, select
from sqlalchemy.orm import Session

from labline import clock
from labline.core.access import Actor, require_signed_in
from labline.core.models import Role
from labline.errors import Conflict, FieldError, InvalidInput, NotFound, NotPermitted
from labline.review import reasons
from labline.review.engine.calibration import lottery
from labline.review.models import (
    VOTES,
    CallStatus,
    CommitteeNote,
    Lottery,
    Proposal,
    ProposalStatus,
    Stance,
)
from labline.review.schemas import DecideRequest, DecisionReport, LotteryRead, NoteCreate
from labline.review.service.calls import get_call, get_proposal, require_committee, require_manager


def ranking(session: Session, *, actor: Actor, call_id: int) -> Sequence[Proposal]:
    """Proposals in review or decided, best calibrated score first (unscored last)."""
    require_committee(actor)
    call = get_call(session, actor=actor, call_id=call_id)
    rows = session.scalars(
        select(Proposal).where(
            Proposal.call_id == call.id,
            Proposal.status.in_(
                [
                    ProposalStatus.under_review,
                    ProposalStatus.funded,
                    ProposalStatus.waitlisted,
                    ProposalStatus.rejected,
                ]
            ),
        )
    ).all()
    return sorted(
        rows,
        key=lambda p: (p.calibrated_score is None, -(p.calibrated_score or 0.0), p.id),
    )


def add_note(
    session: Session, *, actor: Actor, proposal_id: int, data: NoteCreate
) -> CommitteeNote:
    require_committee(actor)
    proposal = get_proposal(session, actor=actor, proposal_id=proposal_id)
    if proposal.call.status not in (CallStatus.reviewing, CallStatus.committee):
        raise Conflict(f"The committee is not sitting: the call is {proposal.call.status.value}.")
    if data.stance in VOTES:
        if not actor.has(Role.committee_member):
            raise NotPermitted("Only members of the committee vote.")
        if len(data.text.strip()) < 10:
            raise InvalidInput(
                "A vote needs its written reason.",
                fields=[
                    FieldError("text", "give the reason for your vote (10 characters or more)")
                ],
            )
        # One vote per member per proposal: a new vote replaces the earlier one.
        for old in session.scalars(
            select(CommitteeNote).where(
                CommitteeNote.proposal_id == proposal.id,
                CommitteeNote.author_id == actor.person_id,
                CommitteeNote.stance.in_(VOTES),
            )
        ):
            session.delete(old)
    note = CommitteeNote(
        proposal_id=proposal.id,
        author_id=actor.person_id,
        stance=data.stance,
        text=data.text,
        at=clock.now(),
    )
    if actor.person_id is None:
        raise NotPermitted("Committee notes are signed: act as a person (--as on the CLI).")
    session.add(note)
    session.flush()
    return note


def notes(session: Session, *, actor: Actor, proposal_id: int) -> Sequence[CommitteeNote]:
    require_committee(actor)
    proposal = get_proposal(session, actor=actor, proposal_id=proposal_id)
    return session.scalars(
        select(CommitteeNote)
        .where(CommitteeNote.proposal_id == proposal.id)
        .order_by(CommitteeNote.at, CommitteeNote.id)
    ).all()


def _inputs_hash(pool: list[Proposal], slots: int, seed: int) -> str:
    body = {
        "candidates": [
            [p.id, round(p.calibrated_score or 0.0, 9), str(p.requested_budget)]
            for p in sorted(pool, key=lambda p: p.id)
        ],
        "slots": slots,
        "seed": seed,
    }
    return hashlib.sha256(json.dumps(body, sort_keys=True).encode()).hexdigest()


def decide(session: Session, *, actor: Actor, call_id: int, data: DecideRequest) -> DecisionReport:
    require_manager(actor)
    call = get_call(session, actor=actor, call_id=call_id)
    if call.status != CallStatus.committee:
        raise Conflict(
            f"Decisions come after the analysis (committee); the call is {call.status.value}."
        )
    ranked = [
        p
        for p in ranking(session, actor=actor, call_id=call.id)
        if p.status == ProposalStatus.under_review
    ]
    by_id = {p.id: p for p in ranked}
    errors = [
        FieldError(f"fund_non_consensus.{i}", f"proposal {pid} is not on the non-consensus track")
        for i, pid in enumerate(data.fund_non_consensus)
        if pid not in by_id or not by_id[pid].non_consensus
    ]
    if errors:
        raise InvalidInput("Only non-consensus proposals can be funded outright.", fields=errors)
    left = call.budget
    funded: list[Proposal] = []
    why: dict[int, reasons.Reason] = {}
    for pid in dict.fromkeys(data.fund_non_consensus):
        p = by_id[pid]
        if p.requested_budget > left:
            raise InvalidInput(
                "The committee's picks exceed the budget.",
                fields=[FieldError("fund_non_consensus", f"proposal {pid} does not fit")],
            )
        left -= p.requested_budget
        funded.append(p)
        why[p.id] = reasons.funded_non_consensus(p.non_consensus_why or [])
    rest = [p for p in ranked if p.id not in why and p.calibrated_score is not None]
    by_rank: list[Proposal] = []
    budget = left
    for p in rest:
        if p.requested_budget <= budget:
            by_rank.append(p)
            budget -= p.requested_budget
    draw = None
    if by_rank:
        line = by_rank[-1].calibrated_score or 0.0
        pool = [p for p in rest if abs((p.calibrated_score or 0.0) - line) <= data.tie_tolerance]
        in_pool = {p.id for p in pool}
        slots = sum(p.id in in_pool for p in by_rank)
        if len(pool) > slots > 0:
            seed = data.seed if data.seed is not None else secrets.randbelow(2**31)
            result = lottery(candidates=[p.id for p in pool], k=len(pool), seed=seed)
            certain = [p for p in by_rank if p.id not in in_pool]
            budget = left - sum((p.requested_budget for p in certain), Decimal(0))
            winners: list[Proposal] = []
            for drawn in result.order:  # the draw's order, while places and money last
                p = next(x for x in pool if str(x.id) == drawn)
                if len(winners) < slots and p.requested_budget <= budget:
                    winners.append(p)
                    budget -= p.requested_budget
            by_rank = certain + winners
            for p in pool:
                p.by_lottery = True
            draw = Lottery(
                call_id=call.id,
                seed=seed,
                slots=slots,
                candidates=json.dumps(sorted(p.id for p in pool)),
                inputs_sha256=_inputs_hash(pool, slots, seed),
                order=json.dumps([int(x) for x in result.order]),
                winners=json.dumps([p.id for p in winners]),
                drawn_by_id=actor.person_id,
                at=clock.now(),
            )
            session.add(draw)
            for p in winners:
                why[p.id] = reasons.funded_lottery(len(pool), seed)
    for p in by_rank:
        why.setdefault(p.id, reasons.funded_rank(p.calibrated_rank))
    funded += by_rank
    now = clock.now()
    waitlisted = rejected = 0
    funded_ids = {p.id for p in funded}
    for p in ranked:
        p.decided_at, p.decided_by_id = now, actor.person_id
        if p.id in funded_ids:
            p.status, p.awarded, p.decision = ProposalStatus.funded, p.requested_budget, why[p.id]
        elif waitlisted < data.waitlist and p.calibrated_score is not None:
            waitlisted += 1
            p.status = ProposalStatus.waitlisted
            p.decision = (
                reasons.waitlisted_not_drawn()
                if p.by_lottery
                else reasons.waitlisted_rank(p.calibrated_rank)
            )
        else:
            rejected += 1
            p.status = ProposalStatus.rejected
            p.decision = (
                reasons.not_reviewed()
                if p.calibrated_score is None
                else reasons.rejected_rank(p.calibrated_rank)
            )
    call.status = CallStatus.decided
    session.flush()
    return DecisionReport(
        funded=len(funded),
        waitlisted=waitlisted,
        rejected=rejected,
        amount=sum((p.requested_budget for p in funded), Decimal(0)),
        lottery=LotteryRead.model_validate(draw) if draw else None,
    )


def lotteries(session: Session, *, actor: Actor, call_id: int) -> Sequence[Lottery]:
    call = get_call(session, actor=actor, call_id=call_id)
    return session.scalars(
        select(Lottery).where(Lottery.call_id == call.id).order_by(Lottery.id)
    ).all()


def replay_lottery(session: Session, *, actor: Actor, call_id: int) -> dict[str, Any]:
    """Re-run the call's draw from its recorded seed; refuse if any input has changed.
    Any signed-in user may check a draw: it names proposal ids only."""
    require_signed_in(actor)
    draws = lotteries(session, actor=actor, call_id=call_id)
    if not draws:
        raise NotFound("This call has no lottery to replay.", call_id=call_id)
    draw = draws[-1]
    ids = json.loads(draw.candidates)
    pool = list(session.scalars(select(Proposal).where(Proposal.id.in_(ids))))
    digest = _inputs_hash(pool, draw.slots, draw.seed)
    if digest != draw.inputs_sha256 or len(pool) != len(ids):
        raise Conflict(
            "The lottery's inputs have changed since the draw (a score, a request or the"
            " candidates); the replay would not be the same draw.",
            recorded=draw.inputs_sha256,
            now=digest,
        )
    result = lottery(candidates=ids, k=len(ids), seed=draw.seed)
    order = [int(x) for x in result.order]
    return {
        "same": order == json.loads(draw.order),
        "seed": draw.seed,
        "inputs_sha256": digest,
        "order": [str(x) for x in order],
        "winners": [str(x) for x in json.loads(draw.winners)],
    }


def review_figures(
    session: Session, *, start: date | datetime, end: date | datetime
) -> dict[str, Any]:
    """Plain figures for the indicators module: proposals submitted in [start, end), and
    those funded in it (count, amount, and how many came from the non-consensus track)."""
    lo = start if isinstance(start, datetime) else datetime.combine(start, time(0), UTC)
    hi = end if isinstance(end, datetime) else datetime.combine(end, time(0), UTC)
    submitted = session.scalar(
        select(func.count()).where(Proposal.submitted_at >= lo, Proposal.submitted_at < hi)
    )
    funded = (
        select(Proposal)
        .where(
            Proposal.status == ProposalStatus.funded,
            Proposal.decided_at >= lo,
            Proposal.decided_at < hi,
        )
        .subquery()
    )
    n, amount, nc = session.execute(
        select(
            func.count(),
            func.coalesce(func.sum(funded.c.awarded), 0),
            func.coalesce(func.sum(cast(funded.c.non_consensus, Integer)), 0),
        ).select_from(funded)
    ).one()
    return {
        "proposals": int(submitted or 0),
        "funded": int(n or 0),
        "amount": float(amount or 0),
        "non_consensus_funded": int(nc or 0),
    }


def tally(notes: Sequence[CommitteeNote]) -> dict[str, int]:
    """Votes for and against funding among a proposal's committee notes."""
    return {
        "fund": sum(n.stance == Stance.vote_fund for n in notes),
        "reject": sum(n.stance == Stance.vote_reject for n in notes),
    }
