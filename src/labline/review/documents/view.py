"""The documents' and the letter's part of the proposal page."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from labline.core.access import Actor
from labline.review import reasons
from labline.review.documents import service as documents
from labline.review.documents.models import DocumentKind
from labline.review.letters import service as letters
from labline.review.models import Proposal
from labline.review.service import calls


def documents_context(db: Session, actor: Actor, proposal: Proposal) -> dict[str, Any]:
    """What the proposal page shows of the documents and the letter."""
    readable = documents.can_read(db, actor, proposal)
    return {
        "documents": documents.list_documents(db, actor=actor, proposal_id=proposal.id)
        if readable
        else [],
        "can_upload": documents.can_upload(actor, proposal) and documents.upload_open(proposal),
        "document_kinds": [k.value for k in DocumentKind],
        "letter_state": letters.letter_state(db, actor, proposal),
        # The decision's reason in the reader's language; free text loses the judges' names
        # outside the committee.
        "public_reason": " ".join(
            reasons.sentences(
                proposal.decision,
                str if calls.is_committee(actor) else letters.redactor(db, proposal.call_id),
            )
        ),
    }
