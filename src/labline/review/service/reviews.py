"""Reviews, calibration, disagreement and the non-consensus trigger; golden tickets.

A review scores every criterion of the call on its scale. Its `overall` is the weighted
mean of the criterion scores, each rescaled to [0, 1]. `analyse` fits the additive
calibration model (proposal effect + reviewer effect, applied only to reviewers with at
least the call's minimum number of reviews), measures each proposal's spread, and flags
the proposals for the non-consensus track, recording every reason.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from typing import Any

import numpy as np
from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from labline import clock
from labline.core.access import Actor, require_signed_in
from labline.core.models import Person, Role
from labline.errors import Conflict, FieldError, InvalidInput, NotPermitted
from labline.review import reasons
from labline.review.engine.calibration import calibrate, disagreement
from labline.review.models import (
    ACTIVE,
    Call,
    CallStatus,
    GoldenTicket,
    Proposal,
    ProposalStatus,
    Review,
    ReviewAssignment,
    ReviewConflict,
    ReviewScore,
)
from labline.review.schemas import AnalysisReport, ReviewSubmit
from labline.review.service.calls import (
    get_call,
    get_proposal,
    is_committee,
    is_manager,
    require_manager,
    today,
)


def _assignment(
    session: Session, proposal_id: int, reviewer_id: int | None
) -> ReviewAssignment | None:
    if reviewer_id is None:
        return None
    return session.scalar(
        select(ReviewAssignment).where(
            ReviewAssignment.proposal_id == proposal_id,
            ReviewAssignment.reviewer_id == reviewer_id,
            ReviewAssignment.kind == "primary",
            ReviewAssignment.is_active.is_(True),
        )
    )


def submit_review(
    session: Session, *, actor: Actor, proposal_id: int, data: ReviewSubmit
) -> Review:
    """The assigned reviewer scores every criterion; resubmitting replaces the review."""
    proposal = get_proposal(session, actor=actor, proposal_id=proposal_id)
    assignment = _assignment(session, proposal.id, actor.person_id)
    if assignment is None:
        raise NotPermitted("Only a reviewer assigned to this proposal can review it.")
    call = proposal.call
    if call.status != CallStatus.reviewing or proposal.status != ProposalStatus.under_review:
        raise Conflict(f"Reviews are closed: the call is {call.status.value}.")
    if today() > call.reviews_due:
        raise Conflict(
            f"The review deadline was {call.reviews_due}; reviews can no longer be submitted.",
            reviews_due=call.reviews_due.isoformat(),
        )
    criteria = {c.code: c for c in call.criteria}
    errors = []
    given = {}
    for i, s in enumerate(data.scores):
        c = criteria.get(s.criterion)
        if c is None:
            errors.append(
                FieldError(
                    f"scores.{i}.criterion", "not a criterion of this call", sorted(criteria)
                )
            )
        elif not c.scale_min <= s.score <= c.scale_max:
            errors.append(
                FieldError(
                    f"scores.{i}.score",
                    f"{c.code} is scored from {c.scale_min} to {c.scale_max}",
                    {"ge": c.scale_min, "le": c.scale_max},
                )
            )
        elif c.code in given:
            errors.append(FieldError(f"scores.{i}.criterion", "scored twice"))
        else:
            given[c.code] = s
    for code in criteria:
        if code not in given and not any(e.field.endswith("criterion") for e in errors):
            errors.append(FieldError("scores", f"missing a score for {code}"))
    if errors:
        raise InvalidInput("The review's scores are not valid.", fields=errors)
    total_weight = sum(c.weight for c in criteria.values())
    overall = (
        sum(
            c.weight * (given[code].score - c.scale_min) / (c.scale_max - c.scale_min)
            for code, c in criteria.items()
        )
        / total_weight
    )
    review = session.scalar(select(Review).where(Review.assignment_id == assignment.id))
    if review is None:
        review = Review(
            assignment_id=assignment.id, proposal_id=proposal.id, reviewer_id=actor.person_id
        )
        session.add(review)
    review.confidence = data.confidence
    review.comment = data.comment
    review.overall = round(overall, 6)
    review.submitted_at = clock.now()
    review.scores = [
        ReviewScore(criterion_id=criteria[code].id, score=s.score, comment=s.comment)
        for code, s in given.items()
    ]
    session.flush()
    return review


def reviews_of(session: Session, *, actor: Actor, proposal_id: int) -> list[tuple[Review, bool]]:
    """The reviews the actor may read, each with whether the reviewer's name may be shown.

    Committee and managers: all, named. A reviewer: their own; the others (unnamed) once
    they have submitted theirs. The applicant: the submitted reviews, unnamed, once the
    call is decided. Nobody else."""
    proposal = get_proposal(session, actor=actor, proposal_id=proposal_id)
    rows = session.scalars(
        select(Review)
        .where(Review.proposal_id == proposal.id, Review.submitted_at.is_not(None))
        .options(selectinload(Review.scores))
        .order_by(Review.id)
    ).all()
    if is_committee(actor):
        return [(r, True) for r in rows]
    if actor.person_id == proposal.applicant_id:
        if proposal.call.status != CallStatus.decided:
            return []
        return [(r, False) for r in rows]
    mine = [r for r in rows if r.reviewer_id == actor.person_id]
    if not mine:
        return []
    return [(r, r.reviewer_id == actor.person_id) for r in rows]


# --- analysis -----------------------------------------------------------------------------------


def analyse(session: Session, *, actor: Actor, call_id: int) -> AnalysisReport:
    """Calibrate, measure spread and flag non-consensus proposals; the call goes to committee."""
    require_manager(actor)
    call = get_call(session, actor=actor, call_id=call_id)
    if call.status not in (CallStatus.reviewing, CallStatus.committee):
        raise Conflict(f"The call is {call.status.value}; it has no reviews to analyse.")
    proposals = list(
        session.scalars(
            select(Proposal)
            .where(Proposal.call_id == call.id, Proposal.status == ProposalStatus.under_review)
            .order_by(Proposal.id)
        )
    )
    reviews = list(
        session.scalars(
            select(Review)
            .join(Proposal, Proposal.id == Review.proposal_id)
            .where(
                Proposal.call_id == call.id,
                Proposal.status == ProposalStatus.under_review,
                Review.submitted_at.is_not(None),
            )
            .options(selectinload(Review.scores))
        )
    )
    p_index = {p.id: j for j, p in enumerate(proposals)}
    reviewer_ids = sorted({r.reviewer_id for r in reviews})
    r_index = {r: i for i, r in enumerate(reviewer_ids)}
    rev = [r_index[r.reviewer_id] for r in reviews]
    prop = [p_index[r.proposal_id] for r in reviews]
    x = [r.overall for r in reviews]
    cal = calibrate(
        reviewers=rev,
        proposals=prop,
        scores=x,
        min_reviews=call.calibration_min_reviews,
        n_reviewers=len(reviewer_ids),
        n_proposals=len(proposals),
    )
    spread = disagreement(
        proposals=prop, scores=x, scale=(0.0, 1.0), band=call.split_band, n_proposals=len(proposals)
    )
    originality = {c.id for c in call.criteria if c.is_originality}
    scale = {c.id: (c.scale_min, c.scale_max) for c in call.criteria}
    best_originality: dict[int, float] = defaultdict(float)
    for r in reviews:
        for s in r.scores:
            if s.criterion_id in originality:
                lo, hi = scale[s.criterion_id]
                best_originality[r.proposal_id] = max(
                    best_originality[r.proposal_id], (s.score - lo) / (hi - lo)
                )
    tickets = {
        t.proposal_id: t
        for t in session.scalars(select(GoldenTicket).where(GoldenTicket.call_id == call.id))
    }
    uncertain = _uncertain_ranks(cal.calibrated_mean, spread.std, spread.count, call)
    flagged = 0
    for p in proposals:
        j = p_index[p.id]
        reviewed = spread.count[j] > 0
        p.raw_score = _num(cal.raw_mean[j]) if reviewed else None
        p.calibrated_score = _num(cal.calibrated_mean[j]) if reviewed else None
        p.raw_rank = int(cal.raw_rank[j]) if reviewed else None
        p.calibrated_rank = int(cal.calibrated_rank[j]) if reviewed else None
        p.score_spread = _num(spread.std[j]) if reviewed else None
        p.split = bool(spread.split[j])
        flags = []
        if p.split and best_originality.get(p.id, 0.0) >= call.originality_threshold:
            flags.append(
                reasons.split_originality(
                    float(spread.min[j]), float(spread.max[j]), best_originality[p.id]
                )
            )
        if j in uncertain:
            flags.append(uncertain[j])
        if p.id in tickets:
            flags.append(reasons.golden_ticket(tickets[p.id].expert_id))
        p.non_consensus = bool(flags)
        p.non_consensus_why = flags
        flagged += p.non_consensus
    if call.status == CallStatus.reviewing:
        call.status = CallStatus.committee
    session.flush()
    return AnalysisReport(
        reviewed=int((spread.count > 0).sum()),
        calibrated_reviewers=int((cal.applied_effect != 0).sum()),
        split=int(spread.split.sum()),
        non_consensus=flagged,
    )


def _uncertain_ranks(
    mean: np.ndarray, std: np.ndarray, count: np.ndarray, call: Call
) -> dict[int, reasons.Reason]:
    """Proposals outside the top share whose rank interval reaches into it.

    Each reviewed proposal's score interval is its calibrated mean ± 1.96 standard errors
    (the pooled spread where a proposal's own cannot be estimated); its best possible rank
    counts the proposals whose interval lies wholly above it."""
    share = call.uncertain_top_share
    seen = np.flatnonzero(count > 0)
    if share <= 0 or len(seen) < 2:
        return {}
    m, n = mean[seen], count[seen]
    s = np.where(n > 1, std[seen], np.nan)
    pooled = float(np.nanmean(s)) if np.isfinite(s).any() else 0.0
    se = np.where(np.isfinite(s), s, pooled) / np.sqrt(n)
    lo, hi = m - 1.96 * se, m + 1.96 * se
    cutoff = max(1, int(np.ceil(share * len(seen))))
    rank = 1 + (m[None, :] > m[:, None]).sum(axis=1)
    best = 1 + (lo[None, :] > hi[:, None]).sum(axis=1)
    worst = 1 + (hi[None, :] >= lo[:, None]).sum(axis=1) - 1
    out = {}
    for k, j in enumerate(seen):
        if rank[k] > cutoff >= best[k]:
            out[int(j)] = reasons.rank_uncertain(int(best[k]), int(worst[k]), share, cutoff)
    return out


def _num(value: Any) -> float | None:
    v = float(value)
    return None if np.isnan(v) else round(v, 6)


def golden_ticket(session: Session, *, actor: Actor, proposal_id: int, reason: str) -> GoldenTicket:
    """A named senior expert (committee member) sends a proposal to the non-consensus
    track: one ticket per expert per call, never for a proposal they are conflicted with."""
    require_signed_in(actor)
    if len(reason.strip()) < 10:
        raise InvalidInput(
            "Say why the proposal deserves the golden ticket.",
            fields=[FieldError("reason", "at least 10 characters")],
        )
    if not actor.has(Role.committee_member):
        raise NotPermitted("Only a named senior expert on the committee holds a golden ticket.")
    proposal = get_proposal(session, actor=actor, proposal_id=proposal_id)
    if proposal.status not in ACTIVE:
        raise Conflict(f"The proposal is {proposal.status.value}; it cannot be recommended.")
    if proposal.applicant_id == actor.person_id or session.scalar(
        select(func.count()).where(
            ReviewConflict.proposal_id == proposal.id, ReviewConflict.reviewer_id == actor.person_id
        )
    ):
        raise NotPermitted("You have a conflict of interest with this proposal.")
    used = session.scalar(
        select(GoldenTicket).where(
            GoldenTicket.call_id == proposal.call_id, GoldenTicket.expert_id == actor.person_id
        )
    )
    if used is not None:
        raise Conflict(
            f"You already gave this call's golden ticket to proposal {used.proposal_id};"
            " each expert has one per call.",
            proposal_id=used.proposal_id,
        )
    ticket = GoldenTicket(
        call_id=proposal.call_id,
        proposal_id=proposal.id,
        expert_id=actor.person_id,
        reason=reason,
        at=clock.now(),
    )
    session.add(ticket)
    proposal.non_consensus = True
    flag = reasons.golden_ticket(actor.person_id)
    if flag not in (proposal.non_consensus_why or []):
        # A new list: the JSON column sees assignments, not in-place appends.
        proposal.non_consensus_why = [*(proposal.non_consensus_why or []), flag]
    session.flush()
    return ticket


def reviewer_can_see_names(actor: Actor) -> bool:
    return is_manager(actor) or is_committee(actor)


def reviews_by_proposal(session: Session, call: Call) -> dict[int, Sequence[Review]]:
    out: dict[int, list[Review]] = defaultdict(list)
    for r in session.scalars(
        select(Review)
        .join(Proposal, Proposal.id == Review.proposal_id)
        .where(Proposal.call_id == call.id, Review.submitted_at.is_not(None))
    ):
        out[r.proposal_id].append(r)
    return dict(out)


def outstanding_reviews(
    session: Session, *, actor: Actor, call_id: int
) -> list[tuple[int, str, list[int]]]:
    """Reviewers who still owe reviews in the call, with the proposals they owe: the
    reminder list a manager sends (or a scheduled job mails) before the deadline."""
    require_manager(actor)
    call = get_call(session, actor=actor, call_id=call_id)
    done = select(Review.assignment_id).where(Review.submitted_at.is_not(None))
    rows = session.execute(
        select(ReviewAssignment.reviewer_id, Person.email, ReviewAssignment.proposal_id)
        .join(Person, Person.id == ReviewAssignment.reviewer_id)
        .join(Proposal, Proposal.id == ReviewAssignment.proposal_id)
        .where(
            ReviewAssignment.call_id == call.id,
            ReviewAssignment.kind == "primary",
            ReviewAssignment.is_active.is_(True),
            Proposal.status == ProposalStatus.under_review,
            ReviewAssignment.id.not_in(done),
        )
        .order_by(ReviewAssignment.reviewer_id, ReviewAssignment.proposal_id)
    ).all()
    owed: dict[int, tuple[str, list[int]]] = {}
    for rid, email, pid in rows:
        owed.setdefault(int(rid), (str(email), []))[1].append(int(pid))
    return [(rid, email, pids) for rid, (email, pids) in owed.items()]
