"""Reviewer expertise and the assignment of reviewers to proposals (conflicts of interest:
`conflicts.py`).

Expertise: each panel reviewer's publications and patents form one record in a
`labline.search` index; each proposal's titles, keywords and abstracts are the query, so a
Chinese proposal finds an English-writing reviewer through the search bridge. Scores are
scaled to [0, 1] by the best score of the call. Conflicts become -1 (forbidden) in the
matrix handed to the exact solver in `labline.review.engine.assignment`.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Sequence

import numpy as np
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from labline import clock, i18n
from labline.core.access import Actor, require_signed_in
from labline.core.models import Person
from labline.errors import Conflict, FieldError, InvalidInput
from labline.review.engine import assignment as solver
from labline.review.models import AssignmentOverride as Override
from labline.review.models import (
    Authorship,
    Call,
    CallStatus,
    Proposal,
    ProposalStatus,
    Publication,
    ReviewAssignment,
    ReviewConflict,
)
from labline.review.schemas import (
    AssignmentReport,
    AssignmentRun,
    OverrideCreate,
)
from labline.review.service import conflicts
from labline.review.service.calls import (
    get_call,
    get_proposal,
    panel,
    require_manager,
)
from labline.search import Record, SearchIndex

# --- expertise ----------------------------------------------------------------------------------


def _reviewer_record(person_id: int, pubs: list[Publication]) -> Record:
    return Record(
        str(person_id),
        {
            "title": " ".join(p.title for p in pubs),
            "keywords": " ".join(p.keywords for p in pubs),
            "body": " ".join(p.abstract for p in pubs)[:20_000],
        },
    )


def proposal_query(p: Proposal) -> str:
    return " ".join([p.title_zh, p.title_en, p.keywords, p.keywords]).strip()


def affinity_matrix(
    session: Session, call: Call, proposals: list[Proposal], reviewers: list[int]
) -> np.ndarray:
    """Reviewers × proposals expertise in [0, 1], from their publications via labline.search."""
    pubs: dict[int, list[Publication]] = defaultdict(list)
    for person_id, pub in session.execute(
        select(Authorship.person_id, Publication)
        .join(Publication, Publication.id == Authorship.publication_id)
        .where(Authorship.person_id.in_(reviewers))
        .order_by(Publication.id)
    ).all():
        pubs[person_id].append(pub)
    scores = np.zeros((len(reviewers), len(proposals)))
    with_work = [r for r in reviewers if pubs[r]]
    if not with_work or not proposals:
        return scores
    index = SearchIndex(use_dense=False)
    index.add(_reviewer_record(r, pubs[r]) for r in with_work)
    row = {r: i for i, r in enumerate(reviewers)}
    for j, p in enumerate(proposals):
        for hit in index.search(proposal_query(p), k=len(with_work)):
            scores[row[int(hit.id)], j] = max(hit.score, 0.0)
    top = scores.max()
    return scores / top if top > 0 else scores


# --- assignment ---------------------------------------------------------------------------------


def run_assignment(
    session: Session, *, actor: Actor, call_id: int, data: AssignmentRun
) -> AssignmentReport:
    """Recompute conflicts, solve exactly, and store primaries and alternates."""
    require_manager(actor)
    call = get_call(session, actor=actor, call_id=call_id)
    if call.status != CallStatus.reviewing:
        raise Conflict(
            f"Reviewers are assigned once the call is closed (reviewing); it is {call.status}."
        )
    members = list(panel(session, call.id))
    proposals = conflicts.active_proposals(session, call.id)
    if not members or not proposals:
        raise Conflict("The call needs reviewers on its panel and proposals under review.")
    reviewers = [m.person_id for m in members]
    blocked = conflicts.compute_conflicts(session, actor=actor, call_id=call.id)
    s = affinity_matrix(session, call, proposals, reviewers)
    r_index = {r: i for i, r in enumerate(reviewers)}
    p_index = {p.id: j for j, p in enumerate(proposals)}
    for c in blocked:
        s[r_index[c.reviewer_id], p_index[c.proposal_id]] = -1.0
    demands = np.full(len(proposals), call.reviewers_per_proposal)
    loads = np.array([m.max_load or call.max_load for m in members])
    try:
        result = solver.solve(
            scores=s,
            demands=demands,
            max_loads=loads,
            min_loads=np.minimum(np.full(len(members), call.min_load), loads),
            fairness_floor=data.fairness_floor,
            randomised=data.randomised,
            max_pair_probability=data.max_pair_probability,
            alternates=data.alternates,
            seed=data.seed,
        )
    except solver.InvalidAssignmentInput as exc:
        if exc.cell is None:
            raise Conflict(f"No assignment satisfies the call's rules: {exc}.") from None
        r, p = exc.cell
        raise InvalidInput(
            f"The affinity of reviewer {reviewers[r]} for proposal {proposals[p].id} is not a"
            " finite number; check that reviewer's publications.",
            fields=[FieldError("scores", f"proposal {proposals[p].id}, reviewer {reviewers[r]}")],
        ) from None
    except solver.AssignmentInfeasible as exc:
        raise Conflict(_infeasible(session, exc, proposals, reviewers)) from None
    session.execute(
        delete(ReviewAssignment).where(
            ReviewAssignment.call_id == call.id, ReviewAssignment.source == "solver"
        )
    )
    session.flush()
    manual = {
        (a.proposal_id, a.reviewer_id)
        for a in session.scalars(
            select(ReviewAssignment).where(ReviewAssignment.call_id == call.id)
        )
    }
    n_alt = 0
    for r, p in zip(result.reviewers.tolist(), result.proposals.tolist(), strict=True):
        key = (proposals[p].id, reviewers[r])
        if key not in manual:
            session.add(
                ReviewAssignment(
                    call_id=call.id,
                    proposal_id=key[0],
                    reviewer_id=key[1],
                    affinity=float(s[r, p]),
                )
            )
            manual.add(key)
    if result.alternates is not None:
        for p, row in enumerate(result.alternates.tolist()):
            for rank, r in enumerate((x for x in row if x >= 0), start=1):
                key = (proposals[p].id, reviewers[r])
                if key in manual:
                    continue
                session.add(
                    ReviewAssignment(
                        call_id=call.id,
                        proposal_id=key[0],
                        reviewer_id=key[1],
                        kind="alternate",
                        alternate_rank=rank,
                        affinity=float(s[r, p]),
                    )
                )
                manual.add(key)
                n_alt += 1
    report = AssignmentReport(
        pairs=len(result.reviewers),
        alternates=n_alt,
        objective=round(result.objective, 6),
        bound=round(result.bound, 6),
        # With (almost) no expertise anywhere the bound is ~0: the assignment is still optimal.
        ratio=round(result.ratio, 6) if result.bound > 1e-9 else 1.0,
        seconds=round(result.seconds, 3),
        status=result.status,
        conflicts=len(blocked),
    )
    call.assignment_report = report.model_dump_json()
    session.flush()
    return report


def last_report(call: Call) -> AssignmentReport | None:
    return (
        AssignmentReport.model_validate(json.loads(call.assignment_report))
        if (call.assignment_report)
        else None
    )


def list_assignments(session: Session, *, actor: Actor, call_id: int) -> Sequence[ReviewAssignment]:
    require_manager(actor)
    call = get_call(session, actor=actor, call_id=call_id)
    return session.scalars(
        select(ReviewAssignment)
        .where(ReviewAssignment.call_id == call.id)
        .order_by(ReviewAssignment.proposal_id, ReviewAssignment.kind.desc(), ReviewAssignment.id)
    ).all()


def my_assignments(session: Session, *, actor: Actor) -> Sequence[ReviewAssignment]:
    require_signed_in(actor)
    return session.scalars(
        select(ReviewAssignment)
        .where(
            ReviewAssignment.reviewer_id == actor.person_id,
            ReviewAssignment.kind == "primary",
            ReviewAssignment.is_active.is_(True),
        )
        .order_by(ReviewAssignment.proposal_id)
    ).all()


def override(
    session: Session, *, actor: Actor, proposal_id: int, data: OverrideCreate
) -> list[ReviewAssignment]:
    """A manager swaps reviewers by hand; conflicts still apply; each change is logged."""
    require_manager(actor)
    proposal = get_proposal(session, actor=actor, proposal_id=proposal_id)
    if proposal.status != ProposalStatus.under_review:
        raise Conflict(f"The proposal is {proposal.status.value}, not under review.")
    if data.remove_reviewer_id is not None:
        current = session.scalar(
            select(ReviewAssignment).where(
                ReviewAssignment.proposal_id == proposal.id,
                ReviewAssignment.reviewer_id == data.remove_reviewer_id,
                ReviewAssignment.kind == "primary",
                ReviewAssignment.is_active.is_(True),
            )
        )
        if current is None:
            raise InvalidInput(
                "That reviewer is not assigned to this proposal.",
                fields=[FieldError("remove_reviewer_id", "not a current reviewer")],
            )
        current.is_active = False
    if data.add_reviewer_id is not None:
        rid = data.add_reviewer_id
        if rid not in {m.person_id for m in panel(session, proposal.call_id)}:
            raise InvalidInput(
                "Only a member of the call's panel can be assigned.",
                fields=[FieldError("add_reviewer_id", "not on the panel")],
            )
        blocked = session.scalars(
            select(ReviewConflict.rule).where(
                ReviewConflict.proposal_id == proposal.id, ReviewConflict.reviewer_id == rid
            )
        ).all()
        if blocked:
            raise InvalidInput(
                "That reviewer has a conflict of interest with this proposal: "
                + ", ".join(r.value for r in blocked),
                fields=[FieldError("add_reviewer_id", "conflict of interest")],
            )
        row = session.scalar(
            select(ReviewAssignment).where(
                ReviewAssignment.proposal_id == proposal.id, ReviewAssignment.reviewer_id == rid
            )
        )
        if row is None:
            row = ReviewAssignment(
                call_id=proposal.call_id, proposal_id=proposal.id, reviewer_id=rid
            )
            session.add(row)
        row.kind, row.alternate_rank, row.is_active, row.source = "primary", None, True, "manual"
    session.add(
        Override(
            call_id=proposal.call_id,
            proposal_id=proposal.id,
            removed_reviewer_id=data.remove_reviewer_id,
            added_reviewer_id=data.add_reviewer_id,
            reason=data.reason,
            actor_id=actor.person_id,
            at=clock.now(),
        )
    )
    session.flush()
    return list(
        session.scalars(
            select(ReviewAssignment)
            .where(
                ReviewAssignment.proposal_id == proposal.id,
                ReviewAssignment.kind == "primary",
                ReviewAssignment.is_active.is_(True),
            )
            .order_by(ReviewAssignment.reviewer_id)
        )
    )


def _infeasible(
    session: Session,
    exc: solver.AssignmentInfeasible,
    proposals: Sequence[Proposal],
    reviewers: list[int],
) -> str:
    """Why no assignment exists, naming the proposal by its title and the reviewer by name
    (the engine's indexes never reach a reader), in the reader's language."""
    advice = i18n.gettext("Add reviewers, raise load limits or lower the reviewers per proposal.")
    if exc.proposal is not None and exc.needs is not None and exc.allowed is not None:
        p = proposals[exc.proposal]
        why = i18n.ngettext(
            "“%(title)s” needs %(needs)s reviews but only %(num)s panel member has no"
            " conflict with it",
            "“%(title)s” needs %(needs)s reviews but only %(num)s panel members have no"
            " conflict with it",
            exc.allowed,
            title=i18n.pick(p.title_zh, p.title_en),
            needs=exc.needs,
        )
        if exc.short > 1:
            why += i18n.ngettext(
                " (%(num)s proposal is short in all)",
                " (%(num)s proposals are short in all)",
                exc.short,
            )
        return f"{why}. {advice}"
    if exc.proposal is not None:
        p = proposals[exc.proposal]
        title = i18n.pick(p.title_zh, p.title_en)
        return (
            i18n.gettext(
                "No assignment gives “%(title)s” reviewers close enough to its topic.", title=title
            )
            + f" {advice}"
        )
    if exc.reviewer is not None:
        person = session.get(Person, reviewers[exc.reviewer])
        name = i18n.pick(person.display_name, person.name_en) if person else ""
        return (
            i18n.gettext(
                "%(name)s must review some proposals but has none without a conflict.", name=name
            )
            + f" {advice}"
        )
    return i18n.gettext("No assignment satisfies the call's rules.") + f" {advice}"
