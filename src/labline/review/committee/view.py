"""What the dossier page shows of the committee's discussion and of staged funding, for
the actor reading it (used by pages.py and committee_pages.py)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from labline.core.access import Actor
from labline.core.models import Person
from labline.review.committee.service import discussion, milestones
from labline.review.models import PostStance, Proposal, ProposalStatus
from labline.review.service.calls import is_committee, is_decided


def dossier_context(session: Session, actor: Actor, proposal: Proposal) -> dict[str, Any]:
    ctx: dict[str, Any] = {
        "can_discuss": discussion.can_discuss(session, actor, proposal),
        "posts": [],
        "authors": {},
        "editable": set(),
        "discussion_open": discussion.is_open(proposal),
        "post_stances": [s.value for s in PostStance],
        "funding": None,
        "current_milestone": None,
        "can_fund": milestones.can_manage(actor),
        "can_plan": False,
        "is_grantee": actor.person_id is not None and actor.person_id == proposal.applicant_id,
        "plan_rows": 4,
        "decided": is_decided(proposal.call),
        "settled": set(),
        "releasable": set(),
    }
    if ctx["can_discuss"]:
        posts = discussion.thread(session, actor=actor, proposal_id=proposal.id)
        ctx["posts"] = discussion.as_tree(posts)
        ctx["editable"] = {p.id for p in posts if discussion.editable(actor, p)}
        ids = {p.author_id for p in posts}
        ctx["authors"] = {
            p.id: p for p in session.scalars(select(Person).where(Person.id.in_(ids)))
        }
    follows = is_committee(actor) or ctx["is_grantee"]
    if proposal.status == ProposalStatus.funded and follows:
        ctx["funding"] = milestones.funding(session, actor=actor, proposal_id=proposal.id)
        rows = milestones.plan_of(session, proposal.id)
        now = milestones.current(rows)
        ctx["current_milestone"] = now.id if now else None
        ctx["can_plan"] = ctx["can_fund"] and milestones.plan_replaceable(rows)
        ctx["settled"] = {m.id for m in rows if milestones.is_settled(m)}
        ctx["releasable"] = {m.id for m in rows if milestones.can_release(m)}
    return ctx
