"""Reminders before the review deadline: one e-mail per reviewer with reviews still open.

A reminder goes into the mail outbox keyed by call, reviewer, deadline and stage, so a
daily run (or a manager pressing the button twice) mails each reviewer once per stage.
Stages: `due_soon` within `days` of the deadline, `due_today`, and nothing after it —
a review after the deadline is refused, so there is nothing left to remind.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy.orm import Session

from labline.core.access import Actor
from labline.core.mail import service as mail
from labline.core.models import Person
from labline.errors import FieldError, InvalidInput
from labline.i18n import gettext as _
from labline.i18n import pick
from labline.review.models import Call, CallStatus, Proposal
from labline.review.service.calls import get_call, require_manager, today
from labline.review.service.reviews import outstanding_reviews

MAX_DAYS = 30


@dataclass
class ReminderReport:
    stage: str  # due_soon | due_today | none
    reviewers: int = 0  # reviewers with open reviews
    queued: int = 0  # reminders queued now (others were queued by an earlier run)
    open_reviews: int = 0
    reviewer_ids: list[int] = field(default_factory=list)


def _stage(call: Call, on: date, days: int) -> str:
    left = (call.reviews_due - on).days
    if left == 0:
        return "due_today"
    if 0 < left <= days:
        return "due_soon"
    return "none"


def remind_reviewers(
    session: Session,
    *,
    actor: Actor,
    call_id: int,
    base_url: str,
    days: int = 3,
    on: date | None = None,
) -> ReminderReport:
    require_manager(actor)
    if not 1 <= days <= MAX_DAYS:
        raise InvalidInput(
            "How many days before the deadline to remind must be between 1 and 30.",
            fields=[FieldError("days", "out of range", allowed=f"1..{MAX_DAYS}")],
        )
    call = get_call(session, actor=actor, call_id=call_id)
    if call.status != CallStatus.reviewing:
        raise InvalidInput(
            f"Reminders are for calls in review; this call is {call.status.value}.",
            fields=[FieldError("call_status", f"is {call.status.value}", allowed="reviewing")],
        )
    on = on or today()
    report = ReminderReport(stage=_stage(call, on, days))
    owed = outstanding_reviews(session, actor=actor, call_id=call.id)
    report.reviewers = len(owed)
    report.open_reviews = sum(len(pids) for _r, _e, pids in owed)
    if report.stage == "none":
        return report
    for reviewer_id, _email, proposal_ids in owed:
        proposals = [session.get_one(Proposal, pid) for pid in proposal_ids]
        person = session.get(Person, reviewer_id)
        if person is None or not person.is_active:
            continue
        with mail.in_language(person.locale, person.time_zone):
            title = pick(call.title_zh, call.title_en)
            lines = [
                f"- {pick(p.title_zh, p.title_en)}  {base_url}/review/proposals/{p.id}"
                for p in proposals
            ]
            subject = _(
                "Reminder: %(num)s reviews due on %(due)s (%(call)s)",
                num=len(proposals),
                due=call.reviews_due.isoformat(),
                call=call.code,
            )
            body = "\n".join(
                [
                    _(
                        "Your reviews for %(call)s are due on %(due)s. Still open:",
                        call=title,
                        due=call.reviews_due.isoformat(),
                    ),
                    "",
                    *lines,
                    "",
                    _("Reviews cannot be submitted after the deadline."),
                ]
            )
        _mail, new = mail.queue_mail(
            session,
            key=f"review.reminder:{call.id}:{reviewer_id}:{call.reviews_due}:{report.stage}",
            kind="review.reminder",
            to_address=person.email,
            subject=subject,
            body=body,
            person_id=reviewer_id,
        )
        report.queued += int(new)
        report.reviewer_ids.append(reviewer_id)
    return report
