"""Conflicts of interest, reviewer expertise, and the assignment of reviewers to proposals.

Expertise: each panel reviewer's publications and patents form one record in a
`labline.search` index; each proposal's titles, keywords and abstracts are the query, so a
Chinese proposal finds an English-writing reviewer through the search bridge. Scores are
scaled to [0, 1] by the best score of the call. Conflicts become -1 (forbidden) in the
matrix handed to the exact solver in `labline.review.assignment`.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Sequence

import numpy as np
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from labline import clock
from labline.core.access import Actor, require_signed_in
from labline.core.models import Membership, Organisation, Person
from labline.errors import Conflict, FieldError, InvalidInput, NotPermitted
from labline.review import assignment as solver
from labline.review.models import AssignmentOverride as Override
from labline.review.models import (
    Authorship,
    Call,
    CallStatus,
    ConflictDeclaration,
    ConflictRule,
    InstitutionAlias,
    Proposal,
    ProposalStatus,
    Publication,
    ReviewAssignment,
    ReviewConflict,
)
from labline.review.schemas import (
    AliasCreate,
    AssignmentReport,
    AssignmentRun,
    OverrideCreate,
    PublicationCreate,
)
from labline.review.service.calls import (
    get_call,
    get_proposal,
    is_manager,
    panel,
    require_manager,
)
from labline.search import Record, SearchIndex

# --- records used for conflicts and expertise ---------------------------------------------------


def add_publication(session: Session, *, actor: Actor, data: PublicationCreate) -> Publication:
    """A manager records anyone's work; a person may record their own."""
    require_signed_in(actor)
    if not is_manager(actor) and actor.person_id not in data.author_ids:
        raise NotPermitted("You can record only your own publications and patents.")
    found = set(session.scalars(select(Person.id).where(Person.id.in_(data.author_ids))))
    missing = sorted(set(data.author_ids) - found)
    if missing:
        raise InvalidInput(
            "Some authors do not exist.",
            fields=[FieldError("author_ids", f"no person {m}") for m in missing],
        )
    pub = Publication(**data.model_dump(exclude={"author_ids"}))
    session.add(pub)
    session.flush()
    for pid in dict.fromkeys(data.author_ids):
        session.add(Authorship(publication_id=pub.id, person_id=pid))
    session.flush()
    return pub


def add_alias(session: Session, *, actor: Actor, data: AliasCreate) -> InstitutionAlias:
    require_manager(actor)
    if data.organisation_id == data.same_as_id:
        raise InvalidInput(
            "An organisation is already the same as itself.",
            fields=[FieldError("same_as_id", "must differ from organisation_id")],
        )
    for name in ("organisation_id", "same_as_id"):
        if session.get(Organisation, getattr(data, name)) is None:
            raise InvalidInput(
                "That organisation does not exist.",
                fields=[FieldError(name, f"no organisation {getattr(data, name)}")],
            )
    existing = session.scalar(
        select(InstitutionAlias).where(InstitutionAlias.organisation_id == data.organisation_id)
    )
    if existing is not None:
        existing.same_as_id = data.same_as_id
        session.flush()
        return existing
    alias = InstitutionAlias(**data.model_dump())
    session.add(alias)
    session.flush()
    return alias


def declare_conflict(
    session: Session, *, actor: Actor, proposal_id: int, reason: str
) -> ConflictDeclaration:
    """A reviewer declares a conflict with a proposal they can see (assigned to them)."""
    proposal = get_proposal(session, actor=actor, proposal_id=proposal_id)
    if actor.person_id is None or actor.person_id == proposal.applicant_id:
        raise NotPermitted("Only a reviewer declares a conflict with a proposal.")
    row = session.scalar(
        select(ConflictDeclaration).where(
            ConflictDeclaration.proposal_id == proposal.id,
            ConflictDeclaration.reviewer_id == actor.person_id,
            ConflictDeclaration.rule == ConflictRule.declared,
        )
    )
    if row is None:
        row = ConflictDeclaration(
            proposal_id=proposal.id,
            reviewer_id=actor.person_id,
            rule=ConflictRule.declared,
            reason=reason,
            declared_by_id=actor.person_id,
        )
        session.add(row)
    row.reason = reason
    # A declared conflict takes the reviewer off the proposal at once.
    for a in session.scalars(
        select(ReviewAssignment).where(
            ReviewAssignment.proposal_id == proposal.id,
            ReviewAssignment.reviewer_id == actor.person_id,
        )
    ):
        a.is_active = False
    if not _has_conflict(session, proposal.id, actor.person_id, ConflictRule.declared):
        session.add(
            ReviewConflict(
                call_id=proposal.call_id,
                proposal_id=proposal.id,
                reviewer_id=actor.person_id,
                rule=ConflictRule.declared,
                detail=reason[:500],
            )
        )
    session.flush()
    return row


def _has_conflict(session: Session, proposal_id: int, reviewer_id: int, rule: ConflictRule) -> bool:
    return (
        session.scalar(
            select(ReviewConflict.id).where(
                ReviewConflict.proposal_id == proposal_id,
                ReviewConflict.reviewer_id == reviewer_id,
                ReviewConflict.rule == rule,
            )
        )
        is not None
    )


# --- conflicts ----------------------------------------------------------------------------------


def _canonical(session: Session) -> dict[int, int]:
    return {a.organisation_id: a.same_as_id for a in session.scalars(select(InstitutionAlias))}


def _active_proposals(session: Session, call_id: int) -> list[Proposal]:
    return list(
        session.scalars(
            select(Proposal)
            .where(Proposal.call_id == call_id, Proposal.status == ProposalStatus.under_review)
            .order_by(Proposal.id)
        )
    )


def compute_conflicts(session: Session, *, actor: Actor, call_id: int) -> list[ReviewConflict]:
    """Every blocked (proposal, reviewer) pair of the call, each with the rule that blocks it."""
    require_manager(actor)
    call = get_call(session, actor=actor, call_id=call_id)
    proposals = _active_proposals(session, call.id)
    reviewers = [p.person_id for p in panel(session, call.id)]
    session.execute(delete(ReviewConflict).where(ReviewConflict.call_id == call.id))
    canon = _canonical(session)

    def root(org: int) -> int:
        seen = set()
        while org in canon and org not in seen:
            seen.add(org)
            org = canon[org]
        return org

    orgs: dict[int, set[int]] = defaultdict(set)
    for m in session.scalars(
        select(Membership).where(
            Membership.person_id.in_(reviewers + [p.applicant_id for p in proposals])
        )
    ):
        orgs[m.person_id].add(root(m.organisation_id))
    since = call.opens_on.year - call.coauthor_years
    coauthors: dict[int, dict[int, str]] = defaultdict(dict)
    rows = session.execute(
        select(Authorship.person_id, Authorship.publication_id, Publication.title, Publication.year)
        .join(Publication, Publication.id == Authorship.publication_id)
        .where(Publication.year >= since)
    ).all()
    by_pub: dict[int, list[int]] = defaultdict(list)
    titles: dict[int, str] = {}
    for person_id, pub_id, title, year in rows:
        by_pub[pub_id].append(person_id)
        titles[pub_id] = f"{title} ({year})"
    for pub_id, people in by_pub.items():
        for a in people:
            for b in people:
                if a != b:
                    coauthors[a][b] = titles[pub_id]
    declared = session.scalars(
        select(ConflictDeclaration).where(
            ConflictDeclaration.proposal_id.in_([p.id for p in proposals])
        )
    ).all()
    found: dict[tuple[int, int, ConflictRule], str] = {}
    for d in declared:
        found[(d.proposal_id, d.reviewer_id, d.rule)] = d.reason
    for p in proposals:
        org_p = root(p.organisation_id)
        for r in reviewers:
            if r == p.applicant_id:
                found[(p.id, r, ConflictRule.applicant)] = "the reviewer is the applicant"
            if org_p in orgs[r] or orgs[r] & orgs[p.applicant_id]:
                found[(p.id, r, ConflictRule.same_organisation)] = (
                    f"same institution as the applicant (organisation {org_p})"
                )
            if p.applicant_id in coauthors[r]:
                found[(p.id, r, ConflictRule.coauthor)] = (
                    f"co-authored with the applicant: {coauthors[r][p.applicant_id]}"
                )[:500]
    out = []
    for (pid, rid, rule), detail in sorted(found.items()):
        row = ReviewConflict(call_id=call.id, proposal_id=pid, reviewer_id=rid, rule=rule)
        row.detail = detail[:500]
        session.add(row)
        out.append(row)
    session.flush()
    return out


def list_conflicts(session: Session, *, actor: Actor, call_id: int) -> Sequence[ReviewConflict]:
    require_manager(actor)
    call = get_call(session, actor=actor, call_id=call_id)
    return session.scalars(
        select(ReviewConflict)
        .where(ReviewConflict.call_id == call.id)
        .order_by(ReviewConflict.proposal_id, ReviewConflict.reviewer_id)
    ).all()


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
    proposals = _active_proposals(session, call.id)
    if not members or not proposals:
        raise Conflict("The call needs reviewers on its panel and proposals under review.")
    reviewers = [m.person_id for m in members]
    conflicts = compute_conflicts(session, actor=actor, call_id=call.id)
    s = affinity_matrix(session, call, proposals, reviewers)
    r_index = {r: i for i, r in enumerate(reviewers)}
    p_index = {p.id: j for j, p in enumerate(proposals)}
    for c in conflicts:
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
    except (solver.AssignmentInfeasible, solver.InvalidAssignmentInput) as exc:
        raise Conflict(
            f"No assignment satisfies the call's rules: {exc}. Add reviewers, raise load"
            " limits or lower the reviewers per proposal.",
        ) from None
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
        conflicts=len(conflicts),
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
