"""Proposals submitted elsewhere, reviewed here: another module (facilities' beamtime
cycles) hands review its proposals through these functions instead of writing review's
rows itself, so the call's state machine and eligibility rules stay review's own."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from labline.core.access import Actor
from labline.core.models import Membership
from labline.errors import Conflict, FieldError, InvalidInput
from labline.review.models import CallStatus, Proposal, ProposalStatus
from labline.review.schemas import ProposalImport
from labline.review.service.calls import close_call, get_call, open_call, require_manager


def import_proposals(
    session: Session, *, actor: Actor, call_id: int, proposals: Sequence[ProposalImport]
) -> list[Proposal]:
    """Put proposals into a draft call and take the call past its application stage: it
    opens and closes through review's own transitions, so each proposal's eligibility is
    checked as at any close. A proposal without an organisation takes its applicant's first
    (conflicts of interest are decided by organisation). Returns the rows, in input order."""
    require_manager(actor)
    call = get_call(session, actor=actor, call_id=call_id)
    if call.status != CallStatus.draft:
        raise Conflict(
            f"Proposals are imported into a draft call; this one is {call.status.value}.",
            call_status=call.status.value,
        )
    if not proposals:
        raise InvalidInput(
            "There are no proposals to import.",
            fields=[FieldError("proposals", "at least one")],
        )
    rows = []
    for item in proposals:
        org = item.organisation_id or session.scalar(
            select(Membership.organisation_id)
            .where(Membership.person_id == item.applicant_id)
            .order_by(Membership.id)
            .limit(1)
        )
        if org is None:
            raise InvalidInput(
                f"Proposal {item.ref} has no organisation, which review needs (conflicts of"
                " interest are decided by organisation).",
                fields=[FieldError("organisation_id", f"proposal {item.ref}: none")],
            )
        row = Proposal(
            call_id=call.id,
            organisation_id=org,
            status=ProposalStatus.submitted,
            **item.model_dump(exclude={"ref", "organisation_id"}),
        )
        session.add(row)
        rows.append(row)
    session.flush()
    open_call(session, actor=actor, call_id=call.id)
    close_call(session, actor=actor, call_id=call.id)
    return rows


def calibrated_scores(session: Session, *, proposal_ids: Sequence[int]) -> dict[int, float | None]:
    """Each listed proposal's calibrated score (None until the analysis has run), for the
    module that imported them; that module checks its own permission."""
    rows = session.execute(
        select(Proposal.id, Proposal.calibrated_score).where(Proposal.id.in_(proposal_ids))
    ).all()
    return {pid: score for pid, score in rows}
