"""Output for proposal documents and decision letters (uploads come as multipart forms)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from labline.review.documents.models import DocumentKind
from labline.review.letters.render import letter_text
from labline.review.letters.service import Letter
from labline.schemas import Output


class DocumentRead(Output):
    id: int
    proposal_id: int
    kind: DocumentKind
    name: str
    media_type: str
    size: int
    sha256: str
    uploaded_at: datetime
    replaced_by_id: int | None


class LetterScore(Output):
    criterion: str
    score: int
    scale_max: int


class LetterReview(Output):
    label: str  # "Reviewer 1", never a name
    overall: float
    scores: list[LetterScore]
    comment: str


class LetterStatement(Output):
    what: str
    text: str


class LetterClock(Output):
    submitted_on: date | None
    closes_on: date
    decided_on: date | None
    decision_due: date
    working_days_used: int | None
    working_days_limit: int
    on_time: bool


class LetterRead(Output):
    proposal_id: int
    call_id: int
    language: str
    decision: str  # funded | waitlisted | not_funded | not_eligible
    lottery: str | None  # won | not_drawn
    headline: str
    requested: Decimal
    amount: Decimal | None
    reasons: list[str]
    reviews: list[LetterReview]
    committee: list[LetterStatement]
    clock: LetterClock
    issued_at: datetime | None
    text: str

    @classmethod
    def of(cls, letter: Letter) -> LetterRead:
        c = letter.clock
        return cls(
            proposal_id=letter.proposal_id,
            call_id=letter.call_id,
            language=letter.language,
            decision=letter.decision,
            lottery=letter.lottery,
            headline=letter.headline,
            requested=letter.requested,
            amount=letter.amount,
            reasons=letter.reasons,
            reviews=[
                LetterReview(
                    label=r.label,
                    overall=r.overall,
                    scores=[
                        LetterScore(criterion=n, score=s, scale_max=top) for n, s, top in r.scores
                    ],
                    comment=r.comment,
                )
                for r in letter.reviews
            ],
            committee=[LetterStatement(what=w, text=t) for w, t in letter.committee],
            clock=LetterClock(
                submitted_on=c.submitted_on,
                closes_on=c.closes_on,
                decided_on=c.decided_on,
                decision_due=c.due,
                working_days_used=c.used,
                working_days_limit=c.limit,
                on_time=c.on_time,
            ),
            issued_at=letter.issued_at,
            text=letter_text(letter),
        )


class LetterIssueRead(Output):
    call_id: int
    letters: int
    at: datetime
