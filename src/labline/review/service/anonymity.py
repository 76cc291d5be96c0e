"""Anonymity for what applicants read: the names, e-mail addresses, organisations and ids
of everyone who judged a call's proposals are cut out of the free text they wrote."""

from __future__ import annotations

import re
from collections.abc import Callable

from sqlalchemy import select
from sqlalchemy.orm import Session

from labline.core.models import Membership, Organisation, Person
from labline.i18n import gettext as _
from labline.review.models import (
    CommitteeNote,
    ConflictDeclaration,
    GoldenTicket,
    Panel,
    Proposal,
    Review,
    ReviewAssignment,
)


def _judges(session: Session, call_id: int) -> set[int]:
    """Everyone who judged or could have judged a proposal of the call: its panel, assigned
    reviewers, reviewers, experts named in conflicts, committee authors, golden tickets."""
    in_call = select(Proposal.id).where(Proposal.call_id == call_id)
    queries = [
        select(Panel.person_id).where(Panel.call_id == call_id),
        select(ReviewAssignment.reviewer_id).where(ReviewAssignment.call_id == call_id),
        select(Review.reviewer_id).where(Review.proposal_id.in_(in_call)),
        select(ConflictDeclaration.reviewer_id).where(ConflictDeclaration.proposal_id.in_(in_call)),
        select(CommitteeNote.author_id).where(CommitteeNote.proposal_id.in_(in_call)),
        select(GoldenTicket.expert_id).where(GoldenTicket.call_id == call_id),
    ]
    found: set[int] = set()
    for q in queries:
        found |= {int(x) for x in session.scalars(q)}
    return found


def _alternatives(
    words: set[str], *, flags: int = 0, whole_words: bool = False
) -> re.Pattern[str] | None:
    if not words:
        return None
    body = "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))
    return re.compile(rf"\b(?:{body})\b" if whole_words else body, flags)


def redactor(session: Session, call_id: int) -> Callable[[str], str]:
    """A function that removes the names, e-mail addresses, organisations and ids of the
    call's judges from free text (one per call: letters of a call share it)."""
    ids = _judges(session, call_id)
    words: set[str] = set()
    parts: set[str] = set()  # parts of English names and e-mail local parts, as whole words
    if ids:
        for p in session.scalars(select(Person).where(Person.id.in_(ids))):
            words |= {p.display_name, p.name_en, p.email}
            parts |= set(re.split(r"[\s.,'-]+", p.name_en or ""))
            parts.add(p.email.split("@")[0])
        for o in session.scalars(
            select(Organisation)
            .join(Membership, Membership.organisation_id == Organisation.id)
            .where(Membership.person_id.in_(ids))
        ):
            words |= {o.name_zh, o.name_en}
    words = {w.strip() for w in words if w and len(w.strip()) >= 2}
    parts = {w for w in parts if len(w) >= 2}
    names = _alternatives(words, flags=re.I)
    name_parts = _alternatives(parts, whole_words=True)
    numbered = re.compile(
        r"\b(?:expert|reviewer|member|person|author|id)\s*#?\s*\d+\b|#\d+|(?:专家|评审人)\s*#?\d+",
        re.I,
    )

    def clean(text: str) -> str:
        withheld = _("[withheld]")  # in the language of the letter being written
        for pattern in (names, name_parts, numbered):
            if pattern is not None:
                text = pattern.sub(withheld, text)
        return text

    return clean
