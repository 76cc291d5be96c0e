"""Conflicts of interest, and the records they come from (publications, co-authorship,
institution aliases, declarations): each blocked (proposal, reviewer) pair with its rule."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from labline.core.access import Actor, require_signed_in
from labline.core.models import Membership, Organisation, Person
from labline.errors import FieldError, InvalidInput, NotPermitted
from labline.review.models import (
    Authorship,
    ConflictDeclaration,
    ConflictRule,
    InstitutionAlias,
    Proposal,
    ProposalStatus,
    Publication,
    ReviewAssignment,
    ReviewConflict,
)
from labline.review.schemas import AliasCreate, PublicationCreate
from labline.review.service.calls import get_call, get_proposal, is_manager, panel, require_manager

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


def active_proposals(session: Session, call_id: int) -> list[Proposal]:
    """The call's proposals under review, by id (the ones that get reviewers)."""
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
    proposals = active_proposals(session, call.id)
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
