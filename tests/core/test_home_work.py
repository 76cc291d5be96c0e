"""Each role's home page lists that role's work (reviews due, dossiers before the
committee, bookings to approve, records to screen, deals waiting on the person) instead
of cards that all lead to the account page."""

from __future__ import annotations

import re
from datetime import timedelta

from sqlalchemy import func, select

from labline import clock
from labline.core.models import Role, RoleGrant
from labline.facilities.models import Booking, BookingStatus
from labline.review.models import (
    CallStatus,
    ProposalStatus,
    Review,
    ReviewAssignment,
)
from tests.factories import (
    make_call,
    make_instrument,
    make_need,
    make_org,
    make_person,
    make_proposal,
    sign_in,
)


def _work(html: str, key: str) -> str:
    m = re.search(rf'<section class="card" data-work="{key}".*?</section>', html, re.S)
    assert m, f"no work list {key}"
    return m.group(0)


def _count(section: str) -> int:
    return int(re.search(r'data-testid="work-count">(\d+)<', section).group(1))


def test_a_reviewer_sees_the_reviews_due_until_submitted(client, db):
    reviewer = make_person(db, roles=(Role.reviewer,))
    call = make_call(db, status="reviewing")
    done, todo = (
        make_proposal(db, call=call, status=ProposalStatus.under_review) for _ in range(2)
    )
    for p in (done, todo):
        db.add(ReviewAssignment(call_id=call.id, proposal_id=p.id, reviewer_id=reviewer.id))
    db.flush()
    first = db.query(ReviewAssignment).filter_by(proposal_id=done.id).one()
    db.add(
        Review(
            assignment_id=first.id,
            proposal_id=done.id,
            reviewer_id=reviewer.id,
            overall=0.5,
            submitted_at=clock.now(),
        )
    )
    db.flush()
    sign_in(client, reviewer.email)
    section = _work(client.get("/").text, "reviews-due")
    assert _count(section) == 1
    assert f'href="/review/proposals/{todo.id}"' in section
    assert f'href="/review/proposals/{done.id}"' not in section
    assert call.reviews_due.isoformat() in section

    call.status = CallStatus.decided  # a decided call drops out of the queue
    db.flush()
    assert _count(_work(client.get("/").text, "reviews-due")) == 0


def test_a_committee_member_sees_the_dossiers_they_may_discuss(client, db):
    member = make_person(db, roles=(Role.committee_member,))
    call = make_call(db, status="committee")
    open_case = make_proposal(db, call=call, status=ProposalStatus.under_review, non_consensus=True)
    theirs = make_proposal(db, call=call, status=ProposalStatus.under_review, non_consensus=True)
    make_proposal(db, call=call, status=ProposalStatus.under_review)  # consensus: not listed
    db.add(ReviewAssignment(call_id=call.id, proposal_id=theirs.id, reviewer_id=member.id))
    db.flush()
    sign_in(client, member.email)
    section = _work(client.get("/").text, "dossiers")
    assert _count(section) == 1 and f"/review/proposals/{open_case.id}" in section


def test_a_facility_manager_sees_bookings_to_approve(client, db):
    instrument = make_instrument(db, requires_approval=True)
    manager = make_person(db)
    db.add(
        RoleGrant(
            person_id=manager.id,
            role=Role.facility_manager,
            organisation_id=instrument.facility.operator_id,
        )
    )
    booker = make_person(db)
    start = clock.now() + timedelta(days=2)
    db.add(
        Booking(
            instrument_id=instrument.id,
            person_id=booker.id,
            starts_at=start,
            ends_at=start + timedelta(hours=2),
            block_start=start,
            block_end=start + timedelta(hours=2),
            status=BookingStatus.pending,
        )
    )
    db.flush()
    sign_in(client, manager.email)
    html = client.get("/").text
    section = _work(html, "bookings-to-approve")
    assert _count(section) == 1 and f"/facilities/instruments/{instrument.id}" in section
    assert 'href="/account"' not in re.search(
        r'data-role-card="facility_manager".*?</div>', html, re.S
    ).group(0)


def test_the_operator_sees_records_to_screen(client, db):
    operator = make_person(db, roles=(Role.platform_operator,))
    need = make_need(db, state="screening", title="待审需求 screening need")
    sign_in(client, operator.email)
    section = _work(client.get("/").text, "records-to-screen")
    assert _count(section) >= 1 and f"/market/needs/{need.id}" in section


def test_nothing_to_do_says_so_and_the_anonymous_see_no_work(client, db):
    reviewer = make_person(db, roles=(Role.reviewer,))
    assert 'data-testid="work"' not in client.get("/").text
    sign_in(client, reviewer.email)
    section = _work(client.get("/").text, "reviews-due")
    assert _count(section) == 0 and "<ul" not in section


def test_a_member_sees_deals_waiting_on_them(client, db):
    org = make_org(db)
    person = make_person(db, org=org, org_role=Role.org_admin)
    sign_in(client, person.email)
    section = _work(client.get("/").text, "deals-waiting")
    assert _count(section) == 0


def test_a_facility_manager_sees_beamtime_rounds_until_published(client, db):
    from labline.facilities.models import BeamtimeCycle, CycleStatus

    instrument = make_instrument(db)
    manager = make_person(db)
    db.add(
        RoleGrant(
            person_id=manager.id,
            role=Role.facility_manager,
            organisation_id=instrument.facility.operator_id,
        )
    )
    start = clock.now() + timedelta(days=30)
    cycle = BeamtimeCycle(
        facility_id=instrument.facility_id,
        code="HOME-1",
        name="Round under review",
        starts_at=start,
        ends_at=start + timedelta(days=60),
        status=CycleStatus.reviewing,
        instrument_ids=str(instrument.id),
    )
    elsewhere = BeamtimeCycle(  # another operator's round: not this manager's work
        facility_id=make_instrument(db).facility_id,
        code="HOME-2",
        name="Someone else's round",
        starts_at=start,
        ends_at=start + timedelta(days=60),
        status=CycleStatus.reviewing,
        instrument_ids="",
    )
    db.add_all([cycle, elsewhere])
    db.flush()
    sign_in(client, manager.email)
    section = _work(client.get("/").text, "cycles-to-schedule")
    assert _count(section) == 1 and f"/facilities/cycles/{cycle.id}" in section
    cycle.status = CycleStatus.published
    db.flush()
    assert _count(_work(client.get("/").text, "cycles-to-schedule")) == 0


def test_each_roles_card_leads_to_that_roles_work_not_the_account_page(client, db):
    """Reviewer, committee, facility manager and organisation admin each reach their work."""
    org = make_org(db)
    person = make_person(
        db,
        org=org,
        org_role=Role.org_admin,
        roles=(Role.reviewer, Role.committee_member, Role.facility_manager, Role.analyst),
    )
    sign_in(client, person.email)
    html = client.get("/").text
    expected = {
        "reviewer": "/review",
        "committee_member": "/review",
        "facility_manager": "/facilities/bookings",
        "org_admin": f"/organisations/{org.id}",
        "analyst": "/indicators",
    }
    for role, href in expected.items():
        card = re.search(rf'data-role-card="{role}".*?</div>', html, re.S)
        assert card, f"no card for {role}"
        assert f'href="{href}"' in card.group(0), (role, card.group(0))
        assert client.get(href).status_code == 200, href


def test_members_see_the_suggestions_new_since_their_last_visit(client, db):
    from labline.core.models import Visit
    from tests.factories import make_achievement

    now = clock.now()
    enterprise = make_org(db)
    owner = make_person(db, org=enterprise)
    need = make_need(db, org=enterprise, published_at=now - timedelta(days=10))
    old = make_achievement(db, published_at=now - timedelta(days=5))
    new = make_achievement(db, published_at=now - timedelta(minutes=30))
    sign_in(client, owner.email)

    # The first visit: every suggestion is new.
    section = _work(client.get("/").text, "new-suggestions")
    assert old.title in section and new.title in section
    assert f"/market/needs/{need.id}#s-{new.id}" in section

    # Back three hours later (the last visit ended then): only what came since is new.
    visit = db.get(Visit, (owner.id, "home"))
    visit.last_at = now - timedelta(hours=3)
    db.flush()
    for _reload in range(2):  # reloading within the visit keeps what is new
        section = _work(client.get("/").text, "new-suggestions")
        assert new.title in section and old.title not in section
        assert _count(section) == 1
    db.refresh(visit)
    assert visit.previous_at is not None


def test_the_visit_is_not_recorded_for_the_anonymous_and_nothing_new_says_so(client, db):
    from labline.core.models import Visit

    owner = make_person(db, org=make_org(db))
    client.get("/")
    assert db.scalar(select(func.count()).select_from(Visit)) == 0
    sign_in(client, owner.email)
    section = _work(client.get("/").text, "new-suggestions")
    assert _count(section) == 0 and "No new suggestions since your last visit." in section


def test_members_see_their_organisations_returned_records_oldest_first(client, db):
    from tests.factories import make_achievement

    enterprise = make_org(db)
    owner = make_person(db, org=enterprise)
    sign_in(client, owner.email)
    assert 'data-work="records-returned"' not in client.get("/").text  # none: no list
    needs = [make_need(db, org=enterprise, state="returned") for _ in range(2)]
    achievement = make_achievement(db, org=enterprise, state="returned")
    make_need(db, org=enterprise)  # published: not returned
    elsewhere = make_need(db, state="returned")  # another organisation's
    section = _work(client.get("/").text, "records-returned")
    hrefs = re.findall(r'href="(/market/(?:needs|achievements)/\d+)"', section)
    assert hrefs == [
        f"/market/needs/{needs[0].id}",
        f"/market/needs/{needs[1].id}",
        f"/market/achievements/{achievement.id}",
    ]
    assert _count(section) == 3 and elsewhere.title not in section


def test_a_first_visit_that_another_request_noted_first_is_given_up(db):
    """Two first visits at once: the second insert collides on the visit's key (PostgreSQL
    raises, it does not wait); the optional write is given up instead of a 500."""
    from labline.core.models import Visit
    from labline.db import write_apart

    person = make_person(db, org=make_org(db))
    db.add(Visit(person_id=person.id, place="home", last_at=clock.now(), previous_at=None))
    db.flush()

    def also_first(s):
        s.add(Visit(person_id=person.id, place="home", last_at=clock.now(), previous_at=None))

    assert write_apart(db, also_first, wait=False) is False
    assert db.get(Visit, (person.id, "home")) is not None
