"""The review services for a call and its proposals: the working-day clock, the call's
input and opening, submission and withdrawal, and closing."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from pydantic import ValidationError

from labline.core.service.auth import actor_for
from labline.errors import Conflict, InvalidInput, NotPermitted
from labline.review.models import CallStatus, ProposalStatus
from labline.review.schemas import CallCreate, ProposalCreate
from labline.review.service import calls
from tests.factories import make_call, make_org, make_person, make_proposal
from tests.review.small_call import SYSTEM

# --- the working-day clock ------------------------------------------------------------------


def test_working_days_skip_weekends_and_holidays_and_count_make_up_days():
    friday = date(2026, 9, 25)
    assert calls.add_working_days(friday, 1) == date(2026, 9, 28)  # Monday
    national_day = {date(2026, 10, d) for d in range(1, 8)}
    makeup = {date(2026, 10, 10)}  # a Saturday worked instead
    # Oct 1-7 off; Thu 8 and Fri 9 worked, then Saturday 10 as a make-up day.
    due = calls.add_working_days(date(2026, 9, 30), 3, holidays=national_day, extra=makeup)
    assert due == date(2026, 10, 10)
    due = calls.add_working_days(date(2026, 9, 30), 4, holidays=national_day, extra=makeup)
    assert due == date(2026, 10, 12)
    assert calls.add_working_days(date(2026, 9, 30), 3, holidays=national_day) == date(2026, 10, 12)
    assert calls.working_days_between(date(2026, 9, 25), date(2026, 9, 28)) == 1
    assert calls.working_days_between(date(2026, 9, 28), date(2026, 9, 25)) == -1


def test_call_clock_uses_its_holiday_calendar(db):
    call = make_call(
        db,
        opens_on=date(2026, 9, 1),
        closes_on=date(2026, 9, 30),
        reviews_due=date(2026, 10, 20),
        decision_working_days=5,
        holidays="2026-10-01,2026-10-02,2026-10-05,2026-10-06,2026-10-07",
    )
    assert calls.decision_due(call) == date(2026, 10, 14)  # Oct 8, 9, 12, 13, 14
    assert calls.working_days_left(call, on=date(2026, 10, 9)) == 3


# --- calls and proposals --------------------------------------------------------------------


def test_call_input_is_checked_field_by_field(db):
    good = {
        "code": "C1",
        "title_zh": "指南",
        "title_en": "Call",
        "budget": "100",
        "opens_on": "2026-01-01",
        "closes_on": "2026-02-01",
        "reviews_due": "2026-03-01",
        "criteria": [{"code": "a", "name_zh": "甲", "name_en": "A"}],
    }
    CallCreate(**good)
    for change, field in [
        ({"reviews_due": "2026-01-15"}, "reviews_due"),
        ({"closes_on": "2025-12-01"}, "closes_on"),
        ({"holidays": "2026-13-01"}, "holidays"),
        (
            {
                "criteria": [
                    {"code": "a", "name_zh": "甲", "name_en": "A", "scale_min": 5, "scale_max": 5}
                ]
            },
            "scale_max",
        ),
        ({"max_request": "1000"}, "max_request"),
    ]:
        with pytest.raises(ValidationError) as info:
            CallCreate(**{**good, **change})
        assert field in str(info.value), change
    make_call(db, code="TAKEN")
    with pytest.raises(InvalidInput) as err:
        make_call(db, code="TAKEN")
    assert err.value.fields[0].field == "code"


def test_only_a_manager_creates_or_opens_a_call(db):
    member = actor_for(db, make_person(db, org=make_org(db)).id)
    call = make_call(db, status="draft")
    with pytest.raises(NotPermitted):
        calls.open_call(db, actor=member, call_id=call.id)
    # A draft is invisible to everyone but managers.
    assert call not in calls.list_calls(db, actor=member)
    calls.open_call(db, actor=SYSTEM, call_id=call.id)
    assert call in calls.list_calls(db, actor=member)
    with pytest.raises(Conflict):
        calls.open_call(db, actor=SYSTEM, call_id=call.id)


def _proposal(call, org, **kw):
    values = {
        "call_id": call.id,
        "organisation_id": org.id,
        "title_zh": "钙钛矿电池",
        "abstract_en": "Cells.",
        "requested_budget": "200000",
    }
    values.update(kw)
    return ProposalCreate(**values)


def test_submission_checks_membership_eligibility_budget_and_duplicates(db):
    call = make_call(db, max_request="300000")
    uni = make_org(db, kind="university")
    fund = make_org(db, kind="investment_fund")
    person = make_person(db, org=uni)
    db.add_all([])
    actor = actor_for(db, person.id)
    stranger = make_org(db)
    with pytest.raises(NotPermitted) as refused:
        calls.submit_proposal(db, actor=actor, data=_proposal(call, stranger))
    assert refused.value.extra["organisation_id"] == stranger.id
    with pytest.raises(InvalidInput) as err:
        calls.submit_proposal(db, actor=actor, data=_proposal(call, uni, requested_budget="400000"))
    assert err.value.fields[0].field == "requested_budget"
    fund_person = make_person(db, org=fund)
    with pytest.raises(InvalidInput) as err:
        calls.submit_proposal(db, actor=actor_for(db, fund_person.id), data=_proposal(call, fund))
    assert err.value.fields[0].field == "organisation_id"
    with pytest.raises(ValidationError):
        _proposal(call, uni, title_zh="", title_en="")
    p = calls.submit_proposal(db, actor=actor, data=_proposal(call, uni))
    assert p.status == ProposalStatus.submitted
    with pytest.raises(Conflict):
        calls.submit_proposal(db, actor=actor, data=_proposal(call, uni))
    other = actor_for(db, make_person(db, org=uni).id)
    with pytest.raises(NotPermitted):
        calls.withdraw(db, actor=other, proposal_id=p.id)
    calls.withdraw(db, actor=actor, proposal_id=p.id)
    assert p.status == ProposalStatus.withdrawn
    with pytest.raises(Conflict):
        calls.withdraw(db, actor=actor, proposal_id=p.id)
    closed = make_call(db, status="reviewing")
    with pytest.raises(Conflict):
        calls.submit_proposal(db, actor=actor, data=_proposal(closed, uni))


def test_closing_the_call_rechecks_eligibility(db):
    call = make_call(db, max_request="150000")
    ok = make_proposal(db, call=call, requested_budget=Decimal("100000"))
    too_big = make_proposal(db, call=call, requested_budget=Decimal("200000"))
    calls.close_call(db, actor=SYSTEM, call_id=call.id)
    assert call.status == CallStatus.reviewing
    assert ok.status == ProposalStatus.under_review
    assert too_big.status == ProposalStatus.ineligible
    assert "requested_budget" in too_big.decision_reason
