"""Decision letters: one per decided proposal, in the applicant's language, with the
decision, its reasons, the anonymised reviews, the committee's written reasons and the
working-day clock; readable by the applicant only once issued, and never naming a
reviewer, an expert or a committee member (page, API and CLI file alike)."""

from __future__ import annotations

import html
import json
import re
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from labline.core.access import ANONYMOUS, command_line_actor
from labline.core.models import AuditRecord, Person, Role
from labline.core.service.auth import actor_for
from labline.errors import Conflict, InvalidInput, NotPermitted, NotSignedIn
from labline.review.committee.service import decisions
from labline.review.letters import service as letters
from labline.review.letters.render import letter_document, letter_text
from labline.review.models import (
    CallStatus,
    Proposal,
    ProposalStatus,
    Review,
    ReviewAssignment,
    ReviewScore,
)
from labline.review.schemas import DecideRequest, NoteCreate
from labline.review.service import reviews
from tests.factories import bearer, make_call, make_org, make_person, make_proposal, sign_in

SYSTEM = command_line_actor("test")


@dataclass
class Decided:
    call: Any
    bold: Proposal  # non-consensus (golden ticket), funded outright
    plain: Proposal  # funded on rank
    low: Proposal  # rejected
    applicant: Person  # of `bold`, reads Chinese
    reviewers: list[Person]
    expert: Person
    secrets: list[str]  # every string that would identify a judge


def build_decided(db: Session) -> Decided:
    """A decided call whose judges have names that must never reach a letter."""
    call = make_call(
        db,
        status="committee",
        budget="300000",
        opens_on=date(2026, 9, 1),
        closes_on=date(2026, 9, 25),
        reviews_due=date(2026, 9, 28),
        decision_working_days=5,
        holidays="2026-10-01,2026-10-02,2026-10-05,2026-10-06,2026-10-07",
    )
    home = make_org(db, kind="university", name_zh="申请大学", name_en="Applicant University")
    applicant = make_person(db, org=home, locale="zh", display_name="申请人甲", name_en="Ann Apply")
    secret_org = make_org(
        db,
        kind="research_institute",
        name_zh="保密光学研究所",
        name_en="Secretive Optics Institute",
    )
    reviewers = [
        make_person(
            db,
            org=secret_org,
            roles=(Role.reviewer,),
            id=900_101 + n,  # ids that cannot be mistaken for "Reviewer 1, 2, 3"
            display_name=f"评审专家{n}号",
            name_en=f"Rowena Reviewer{n}",
            email=f"rowena{n}@secret-optics.example.cn",
        )
        for n in range(3)
    ]
    expert = make_person(
        db,
        org=secret_org,
        roles=(Role.committee_member,),
        id=900_201,
        display_name="金票专家",
        name_en="Gideon Goldticket",
        email="gideon@secret-optics.example.cn",
    )
    bold = make_proposal(
        db,
        call=call,
        applicant=applicant,
        org=home,
        title_zh="大胆的新路线",
        title_en="A bold new route",
        status=ProposalStatus.under_review,
        calibrated_score=0.30,
        calibrated_rank=3,
        submitted_at=datetime(2026, 9, 10, tzinfo=UTC),
    )
    plain = make_proposal(
        db,
        call=call,
        status=ProposalStatus.under_review,
        calibrated_score=0.80,
        calibrated_rank=1,
        requested_budget=Decimal("150000"),
    )
    low = make_proposal(
        db,
        call=call,
        status=ProposalStatus.under_review,
        calibrated_score=0.20,
        calibrated_rank=4,
        requested_budget=Decimal("150000"),
    )
    criteria = call.criteria
    for p, base in ((bold, 3), (plain, 8), (low, 2)):
        for k, r in enumerate(reviewers):
            a = ReviewAssignment(call_id=call.id, proposal_id=p.id, reviewer_id=r.id)
            db.add(a)
            db.flush()
            review = Review(
                assignment_id=a.id,
                proposal_id=p.id,
                reviewer_id=r.id,
                confidence=4,
                # A reviewer who signs their comment must still not be named.
                comment=f"I am {r.name_en} ({r.email}) of {secret_org.name_en}; reviewer"
                f" {r.id} says: score {base + k}.",
                overall=(base + k - 1) / 8,
                submitted_at=datetime(2026, 9, 27, tzinfo=UTC),
            )
            review.scores = [ReviewScore(criterion_id=c.id, score=base + k) for c in criteria]
            db.add(review)
    db.flush()
    reviews.golden_ticket(
        db,
        actor=actor_for(db, expert.id),
        proposal_id=bold.id,
        reason="Gideon Goldticket believes this opens a field (专家 金票专家 推荐).",
    )
    decisions.add_note(
        db,
        actor=actor_for(db, expert.id),
        proposal_id=bold.id,
        data=NoteCreate(stance="vote_fund", text="Fund it: the risk is worth taking, says Gideon."),
    )
    decisions.decide(
        db,
        actor=SYSTEM,
        call_id=call.id,
        data=DecideRequest(fund_non_consensus=[bold.id], seed=7, waitlist=0),
    )
    for p in (bold, plain, low):
        p.decided_at = datetime(2026, 10, 9, 9, tzinfo=UTC)
    db.flush()
    secrets = [secret_org.name_zh, secret_org.name_en, "Gideon", "Goldticket", "金票专家"]
    secrets += ["reviewer_id", "expert_id", "author_id"]
    for person in [*reviewers, expert]:
        secrets += [person.display_name, person.name_en, person.email]
        secrets += [f"expert {person.id}", f"reviewer {person.id}", f"/people/{person.id}"]
    return Decided(call, bold, plain, low, applicant, reviewers, expert, secrets)


def assert_anonymous(text: str, world: Decided) -> None:
    """No judge's name, e-mail, organisation or id, in the text or its HTML."""
    plain = html.unescape(text)
    leaked = [s for s in world.secrets if s.lower() in plain.lower()]
    ids = [p.id for p in [*world.reviewers, world.expert]]
    leaked += [f"#{i}" for i in ids if re.search(rf"#{i}(?!\d)", plain)]
    assert not leaked, f"the letter names a judge: {leaked}"


def test_letter_says_the_decision_reasons_reviews_and_clock_in_the_applicants_language(db):
    w = build_decided(db)
    assert w.call.status == CallStatus.decided
    assert w.bold.status == ProposalStatus.funded and w.low.status == ProposalStatus.rejected
    officer = SYSTEM
    zh = letters.letter(db, actor=officer, proposal_id=w.bold.id)
    assert zh.language == "zh" and zh.headline == "您的项目获得资助。"
    assert zh.decision == "funded" and zh.amount == w.bold.requested_budget
    assert zh.reasons == ["经非共识通道资助：一位资深专家以“金票”推荐。"]
    assert [r.label for r in zh.reviews] == ["评审专家 1", "评审专家 2", "评审专家 3"]
    assert all("［已隐去］" in r.comment for r in zh.reviews)
    # The committee's written reasons: the golden ticket and the vote, unsigned.
    assert [s.what for s in zh.committee] == ["资深专家的“金票”推荐", "予以资助的投票"]
    # Closed Fri 25 Sep; decided Fri 9 Oct; 1-7 Oct are holidays: 28, 29, 30 Sep, 8, 9 Oct.
    assert zh.clock.working_days_used == 5 and zh.clock.working_days_limit == 5 and zh.clock.on_time
    assert zh.clock.submitted_on == date(2026, 9, 10)
    assert zh.clock.decided_on == date(2026, 10, 9)
    en = letters.letter(db, actor=officer, proposal_id=w.bold.id, lang="en")
    assert en.headline == "Your proposal is funded."
    assert en.reasons == [
        "Funded on the non-consensus track: a senior expert recommended it with a golden ticket."
    ]
    low = letters.letter(db, actor=officer, proposal_id=w.low.id, lang="en")
    assert low.decision == "not_funded" and low.amount is None and not low.committee
    assert low.reasons == ["Not funded: calibrated rank 4, below the funding line."]
    text = letter_text(en)
    for needle in ("Working-day clock", "5 of 5 working days", "on time", "Reviewer 3"):
        assert needle in text
    for letter in (zh, en, low):
        assert_anonymous(letter_text(letter), w)
        assert_anonymous(letter_document(letter), w)
    with pytest.raises(InvalidInput) as err:
        letters.letter(db, actor=officer, proposal_id=w.bold.id, lang="fr")
    assert err.value.fields[0].field == "lang"


def test_the_letters_days_are_the_platforms_local_days(db):
    """Issue 17: submitted at 04:00 and decided at 01:00 in Beijing are those local days,
    not the UTC days before them (which also made the working-day clock count one less)."""
    w = build_decided(db)
    w.bold.submitted_at = datetime(2026, 9, 9, 20, tzinfo=UTC)  # 2026-09-10 04:00 in Beijing
    w.bold.decided_at = datetime(2026, 10, 8, 17, tzinfo=UTC)  # 2026-10-09 01:00 in Beijing
    db.flush()
    clock_ = letters.letter(db, actor=SYSTEM, proposal_id=w.bold.id, lang="en").clock
    assert clock_.submitted_on == date(2026, 9, 10)
    assert clock_.decided_on == date(2026, 10, 9)
    assert clock_.working_days_used == 5


def test_letters_wait_for_the_decision_and_for_their_issue(db):
    w = build_decided(db)
    applicant = actor_for(db, w.applicant.id)
    with pytest.raises(Conflict) as err:
        letters.letter(db, actor=applicant, proposal_id=w.bold.id)
    assert "not been issued" in err.value.message
    for who in (w.reviewers[0], w.expert, make_person(db)):
        with pytest.raises(NotPermitted):
            letters.letter(db, actor=actor_for(db, who.id), proposal_id=w.bold.id)
    with pytest.raises(NotSignedIn):
        letters.letter(db, actor=ANONYMOUS, proposal_id=w.bold.id)
    with pytest.raises(NotPermitted):
        letters.issue_letters(db, actor=applicant, call_id=w.call.id)
    issued = letters.issue_letters(db, actor=SYSTEM, call_id=w.call.id)
    assert issued.letters == 3
    record = db.scalars(select(AuditRecord).where(AuditRecord.action == "issue_letters")).one()
    assert record.entity_id == str(w.call.id) and json.loads(record.after)["letters"] == 3
    with pytest.raises(Conflict):
        letters.issue_letters(db, actor=SYSTEM, call_id=w.call.id)
    assert letters.letter(db, actor=applicant, proposal_id=w.bold.id).issued_at is not None
    # Not before the decision: a proposal still in review has no letter, even for officers.
    pending_call = make_call(db, status="committee")
    pending = make_proposal(db, call=pending_call, status=ProposalStatus.under_review)
    with pytest.raises(Conflict) as err:
        letters.letter(db, actor=SYSTEM, proposal_id=pending.id)
    assert "not been decided" in err.value.message
    with pytest.raises(Conflict):
        letters.issue_letters(db, actor=SYSTEM, call_id=pending_call.id)


def test_letter_page_and_api_never_name_a_judge(client, db):
    w = build_decided(db)
    sign_in(client, w.applicant.email)
    early = client.get(f"/review/proposals/{w.bold.id}/letter")
    assert early.status_code == 409
    proposal_page = client.get(f"/review/proposals/{w.bold.id}")
    assert "letter-link" not in proposal_page.text
    # The proposal page's decision line no longer names the golden ticket's expert either.
    assert "golden ticket" in w.bold.decision_reason and str(w.expert.id) in w.bold.decision_reason
    assert_anonymous(proposal_page.text.split("<h2")[0], w)
    auth = bearer(db, w.applicant)
    for url in (f"/api/v1/review/proposals/{w.bold.id}", "/api/v1/review/proposals/mine"):
        read = client.get(url, headers=auth)
        assert read.status_code == 200 and "golden ticket" in read.text
        assert_anonymous(read.text.replace('"applicant_id"', ""), w)
    letters.issue_letters(db, actor=SYSTEM, call_id=w.call.id)
    db.flush()
    page = client.get(f"/review/proposals/{w.bold.id}")
    assert 'data-testid="letter-link"' in page.text
    letter_page = client.get(f"/review/proposals/{w.bold.id}/letter")
    assert letter_page.status_code == 200
    assert "data-print" in letter_page.text and "您的项目获得资助。" in letter_page.text
    assert_anonymous(letter_page.text, w)
    english = client.get(f"/review/proposals/{w.bold.id}/letter?lang=en")
    assert "Your proposal is funded." in english.text and 'lang="en"' in english.text
    assert_anonymous(english.text, w)
    api = client.get(
        f"/api/v1/review/proposals/{w.bold.id}/letter", headers=bearer(db, w.applicant)
    )
    assert api.status_code == 200
    body = api.json()
    assert body["decision"] == "funded" and body["language"] == "zh"
    assert body["clock"]["working_days_used"] == 5 and body["clock"]["on_time"] is True
    assert [r["label"] for r in body["reviews"]] == ["评审专家 1", "评审专家 2", "评审专家 3"]
    assert "评审专家 1" in body["text"]
    assert_anonymous(api.text, w)
    # A reviewer of the proposal cannot read its letter.
    other = client.get(
        f"/api/v1/review/proposals/{w.bold.id}/letter", headers=bearer(db, w.reviewers[0])
    )
    assert other.status_code == 403
    bad = client.get(
        f"/api/v1/review/proposals/{w.bold.id}/letter?lang=de", headers=bearer(db, w.applicant)
    )
    assert bad.status_code == 422 and bad.json()["error"]["fields"][0]["field"] == "lang"


def test_officer_issues_letters_from_the_call_page(client, db):
    w = build_decided(db)
    officer = make_person(db, roles=(Role.platform_operator,))
    sign_in(client, officer.email)
    page = client.get(f"/review/calls/{w.call.id}")
    assert 'data-testid="issue-letters"' in page.text
    preview = client.get(f"/review/proposals/{w.low.id}/letter?lang=en")
    assert preview.status_code == 200 and "A preview" in preview.text
    token = client.cookies.get("labline_csrf")
    r = client.post(
        f"/review/calls/{w.call.id}/letters", data={"csrf_token": token}, follow_redirects=False
    )
    assert r.status_code == 303
    page = client.get(f"/review/calls/{w.call.id}")
    assert 'data-testid="letters-issued"' in page.text
    again = client.post(f"/review/calls/{w.call.id}/letters", data={"csrf_token": token})
    assert again.status_code == 409 and "were issued" in again.text
