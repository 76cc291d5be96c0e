"""Reminders before the review deadline go to the mail outbox, once per reviewer and stage."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from labline.core.models import OutboxMail, Person, Role
from labline.core.service.auth import actor_for
from labline.errors import InvalidInput, NotPermitted
from labline.review.schemas import AssignmentRun
from labline.review.service import assign, reminders, reviews
from tests.factories import make_person
from tests.review.small_call import SYSTEM, assigned, scores, world

BASE = "https://labline.example.cn"


def _outbox(db):
    return db.scalars(select(OutboxMail).order_by(OutboxMail.id)).all()


def test_each_reviewer_with_open_reviews_is_reminded_once_per_stage(db):
    call, proposals, _reviewers = world(db)
    assign.run_assignment(db, actor=SYSTEM, call_id=call.id, data=AssignmentRun())
    p = proposals[0]
    ra, _rb = assigned(db, call)[p.id]
    # ra finishes everything assigned to them: no reminder for ra.
    for pid, rids in assigned(db, call).items():
        if ra in rids:
            reviews.submit_review(
                db, actor=actor_for(db, ra), proposal_id=pid, data=scores(7, 7, 7)
            )
    due = call.reviews_due
    far = reminders.remind_reviewers(
        db, actor=SYSTEM, call_id=call.id, base_url=BASE, days=3, on=due - timedelta(days=10)
    )
    assert far.stage == "none" and far.queued == 0 and _outbox(db) == []

    soon = reminders.remind_reviewers(
        db, actor=SYSTEM, call_id=call.id, base_url=BASE, days=3, on=due - timedelta(days=2)
    )
    owing = {rid for rid, _e, _p in reviews.outstanding_reviews(db, actor=SYSTEM, call_id=call.id)}
    assert soon.stage == "due_soon" and soon.queued == len(owing) > 0 and ra not in owing
    sent = _outbox(db)
    assert {m.person_id for m in sent} == owing
    one = sent[0]
    person = db.get(Person, one.person_id)
    assert one.to_address == person.email and f"{BASE}/review/proposals/" in one.body
    assert due.isoformat() in one.subject

    again = reminders.remind_reviewers(
        db, actor=SYSTEM, call_id=call.id, base_url=BASE, days=3, on=due - timedelta(days=1)
    )
    assert again.queued == 0 and len(_outbox(db)) == len(owing)  # same stage: once
    today = reminders.remind_reviewers(
        db, actor=SYSTEM, call_id=call.id, base_url=BASE, days=3, on=due
    )
    assert today.stage == "due_today" and today.queued == len(owing)


def test_reminders_speak_the_reviewers_language(db):
    call, _proposals, reviewers = world(db)
    assign.run_assignment(db, actor=SYSTEM, call_id=call.id, data=AssignmentRun())
    for r in reviewers:
        r.locale = "zh"
    reminders.remind_reviewers(
        db, actor=SYSTEM, call_id=call.id, base_url=BASE, on=call.reviews_due
    )
    assert all(m.subject.startswith("提醒") for m in _outbox(db))


def test_only_managers_remind_and_only_calls_in_review(db):
    call, _proposals, _reviewers = world(db)
    reviewer = actor_for(db, make_person(db, roles=(Role.reviewer,)).id)
    with pytest.raises(NotPermitted):
        reminders.remind_reviewers(db, actor=reviewer, call_id=call.id, base_url=BASE)
    with pytest.raises(InvalidInput) as err:
        reminders.remind_reviewers(db, actor=SYSTEM, call_id=call.id, base_url=BASE, days=99)
    assert err.value.fields[0].field == "days"
    call.status = call.status.__class__.decided
    with pytest.raises(InvalidInput) as err:
        reminders.remind_reviewers(db, actor=SYSTEM, call_id=call.id, base_url=BASE)
    assert err.value.fields[0].field == "call_status"
    assert _outbox(db) == []
