"""The page contexts shared by the review pages and the sub-features' pages (the call page
and the proposal page carry the committee's and the documents' parts)."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from labline.core.access import Actor
from labline.core.models import Person, Role
from labline.review import reasons
from labline.review.committee.service import decisions
from labline.review.committee.view import dossier_context
from labline.review.documents.view import documents_context
from labline.review.letters.service import issue_of
from labline.review.models import VOTES, CallStatus, Stance
from labline.review.service import assign, calls, queue, reviews


def call_context(db: Session, actor: Actor, call_id: int) -> dict[str, Any]:
    """What the call page shows this actor (the committee's ranking, the manager's steps)."""
    call = calls.get_call(db, actor=actor, call_id=call_id)
    ctx: dict[str, Any] = {
        "call": call,
        "due": calls.decision_due(call),
        "left": calls.working_days_left(call),
        "is_committee": calls.is_committee(actor),
        "is_manager": calls.is_manager(actor),
        "report": assign.last_report(call),
        "ranked": [],
        "proposals": [],
        "lottery": None,
        "flags_text": reasons.flags_text,
        "steps": calls.allowed_steps(call),
        "is_open": calls.is_open(call),
        "is_decided": calls.is_decided(call),
    }
    if not actor.is_anonymous:
        ctx["proposals"] = calls.list_proposals(db, actor=actor, call_id=call.id)
    if ctx["is_manager"]:
        ctx["letters_issued"] = issue_of(db, call.id)
    if ctx["is_committee"]:
        ctx["ranked"] = decisions.ranking(db, actor=actor, call_id=call.id)
        draws = decisions.lotteries(db, actor=actor, call_id=call.id)
        if draws:
            d = draws[-1]
            ctx["lottery"] = {
                "seed": d.seed,
                "sha": d.inputs_sha256,
                "candidates": json.loads(d.candidates),
                "winners": json.loads(d.winners),
            }
    return ctx


def proposal_context(db: Session, actor: Actor, proposal_id: int) -> dict[str, Any]:
    """What the proposal page shows this actor: documents, reviews, notes, the dossier."""
    proposal = calls.get_proposal(db, actor=actor, proposal_id=proposal_id)
    call = proposal.call
    mine = next(
        (a for a in assign.my_assignments(db, actor=actor) if a.proposal_id == proposal.id), None
    )
    is_committee = calls.is_committee(actor)
    notes = decisions.notes(db, actor=actor, proposal_id=proposal.id) if is_committee else []
    shown = reviews.reviews_of(db, actor=actor, proposal_id=proposal.id)
    own = queue.my_review(db, actor=actor, proposal_id=proposal.id)
    by_id = {c.id: c for c in call.criteria}
    # The reviewer's own review fills the form again (resubmitting replaces it).
    values: dict[str, str] = {}
    if own is not None:
        values = {f"score_{by_id[s.criterion_id].code}": str(s.score) for s in own.scores}
        values |= {"confidence": str(own.confidence), "comment": own.comment}
    # Reviewers the actor may know by name, and the committee's note writers: their names.
    ids = {r.reviewer_id for r, named in shown if named} | {n.author_id for n in notes}
    people = {p.id: p for p in db.scalars(select(Person).where(Person.id.in_(ids)))} if ids else {}
    return documents_context(db, actor, proposal) | {
        "people": people,
        "proposal": proposal,
        "flags_text": reasons.flags_text,
        "votes": decisions.tally(notes),
        "call": call,
        "criteria": call.criteria,
        "by_id": by_id,
        "can_review": mine is not None and call.status == CallStatus.reviewing,
        "reviews": shown,
        "own_review": own,
        "is_committee": is_committee,
        "notes": notes,
        "can_ticket": actor.has(Role.committee_member),
        "can_vote": actor.has(Role.committee_member),
        "stances": [s.value for s in Stance if s not in VOTES or actor.has(Role.committee_member)],
        "values": values,
        "errors": [],
        "form_values": {},
        "form_errors": [],
        **dossier_context(db, actor, proposal),
    }
