"""The committee's threaded discussion of a dossier: who may read and post (never the
applicant or the reviewers, even when they sit on the committee), replies, the 15-minute
correction window, no posting after the decision, and every kind of bad input refused
with a specific error and nothing changed — through the service, the API and the page."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from labline.core.models import Role
from labline.core.service.auth import actor_for
from labline.errors import Conflict, NotPermitted
from labline.review.committee.schemas import PostCreate, PostUpdate
from labline.review.committee.service import discussion
from labline.review.models import DiscussionPost, ProposalStatus, ReviewAssignment
from tests.factories import bearer, make_call, make_person, make_proposal, sign_in

URL = "/api/v1/review/proposals/{}/discussion"


def _dossier(db):
    call = make_call(db, status="committee")
    proposal = make_proposal(db, call=call, status=ProposalStatus.under_review)
    other = make_proposal(db, call=call, status=ProposalStatus.under_review)
    member = make_person(db, roles=(Role.committee_member,))
    officer = make_person(db, roles=(Role.platform_operator,))
    return proposal, other, member, officer


def _count(db):
    return db.scalar(select(func.count()).select_from(DiscussionPost))


def test_a_thread_of_posts_and_replies_in_reading_order(db):
    proposal, _other, member, officer = _dossier(db)
    m, o = actor_for(db, member.id), actor_for(db, officer.id)
    first = discussion.post(
        db, actor=m, proposal_id=proposal.id, data=PostCreate(text="Bold idea", stance="support")
    )
    second = discussion.post(db, actor=o, proposal_id=proposal.id, data=PostCreate(text="Budget?"))
    reply = discussion.post(
        db, actor=o, proposal_id=proposal.id, data=PostCreate(text="Data?", reply_to=first.id)
    )
    deeper = discussion.post(
        db, actor=m, proposal_id=proposal.id, data=PostCreate(text="Bench only", reply_to=reply.id)
    )
    tree = discussion.as_tree(discussion.thread(db, actor=m, proposal_id=proposal.id))
    assert [(p.id, d) for p, d in tree] == [
        (first.id, 0),
        (reply.id, 1),
        (deeper.id, 2),
        (second.id, 0),
    ]
    assert first.stance.value == "support" and reply.parent_id == first.id


@pytest.mark.parametrize("who", ["applicant", "reviewer", "assigned_member", "applicant_member"])
def test_applicants_and_reviewers_never_read_or_post(db, who):
    proposal, _other, member, _officer = _dossier(db)
    discussion.post(
        db, actor=actor_for(db, member.id), proposal_id=proposal.id, data=PostCreate(text="x")
    )
    if who == "applicant":
        person_id = proposal.applicant_id
    elif who == "reviewer":
        person_id = make_person(db, roles=(Role.reviewer,)).id
    else:
        person_id = make_person(db, roles=(Role.committee_member,)).id
        if who == "assigned_member":  # sits on the committee but reviewed this proposal
            db.add(
                ReviewAssignment(
                    call_id=proposal.call_id, proposal_id=proposal.id, reviewer_id=person_id
                )
            )
        else:
            proposal.applicant_id = person_id  # sits on the committee and applied
        db.flush()
    actor = actor_for(db, person_id)
    before = _count(db)
    with pytest.raises(NotPermitted):
        discussion.thread(db, actor=actor, proposal_id=proposal.id)
    with pytest.raises(NotPermitted):
        discussion.post(db, actor=actor, proposal_id=proposal.id, data=PostCreate(text="hi"))
    assert _count(db) == before


def test_bad_input_gets_a_specific_error_and_changes_nothing(client, db):
    proposal, other, member, _officer = _dossier(db)
    headers = bearer(db, member)
    foreign = client.post(URL.format(other.id), headers=headers, json={"text": "elsewhere"})
    assert foreign.status_code == 201
    before = _count(db)
    cases = [
        ({"text": "reply", "reply_to": foreign.json()["id"]}, 422, "reply_to", "another proposal"),
        ({"text": "reply", "reply_to": 999_999}, 422, "reply_to", "no post 999999"),
        ({"text": "   "}, 422, "text", ""),
        ({"text": "x" * 50_000}, 422, "text", ""),
        ({"text": "ok", "stance": "furious"}, 422, "stance", ""),
    ]
    for body, status, field, words in cases:
        r = client.post(URL.format(proposal.id), headers=headers, json=body)
        assert r.status_code == status, (body, r.text)
        fields = [f["field"] for f in r.json()["error"]["fields"]]
        assert field in fields, (body, r.json())
        assert words in r.text
    outsider = make_person(db, roles=(Role.reviewer,))
    r = client.post(URL.format(proposal.id), headers=bearer(db, outsider), json={"text": "hi"})
    assert r.status_code == 403 and "committee" in r.json()["error"]["message"]
    assert client.post(URL.format(proposal.id), json={"text": "hi"}).status_code == 401
    assert _count(db) == before


def test_no_posting_after_the_decision(db):
    proposal, _other, member, _officer = _dossier(db)
    actor = actor_for(db, member.id)
    post = discussion.post(db, actor=actor, proposal_id=proposal.id, data=PostCreate(text="a"))
    proposal.status = ProposalStatus.funded
    db.flush()
    with pytest.raises(Conflict, match="decided"):
        discussion.post(db, actor=actor, proposal_id=proposal.id, data=PostCreate(text="b"))
    with pytest.raises(Conflict, match="decided"):
        discussion.edit(
            db, actor=actor, proposal_id=proposal.id, post_id=post.id, data=PostUpdate(text="c")
        )
    # Still readable afterwards.
    assert len(discussion.thread(db, actor=actor, proposal_id=proposal.id)) == 1


def test_only_the_author_corrects_and_only_for_15_minutes(client, db):
    proposal, _other, member, officer = _dossier(db)
    r = client.post(URL.format(proposal.id), headers=bearer(db, member), json={"text": "typo"})
    pid = r.json()["id"]
    edit = f"{URL.format(proposal.id)}/{pid}"
    assert client.patch(edit, headers=bearer(db, officer), json={"text": "mine"}).status_code == 403
    ok = client.patch(edit, headers=bearer(db, member), json={"text": "fixed"})
    assert ok.status_code == 200 and ok.json()["text"] == "fixed" and ok.json()["edited_at"]
    row = db.get(DiscussionPost, pid)
    row.at = datetime.now(UTC) - timedelta(minutes=16)
    db.flush()
    late = client.patch(edit, headers=bearer(db, member), json={"text": "rewritten"})
    assert late.status_code == 409 and "append-only" in late.json()["error"]["message"]
    db.refresh(row)
    assert row.text == "fixed"
    missing = client.patch(
        f"{URL.format(proposal.id)}/999999", headers=bearer(db, member), json={"text": "x"}
    )
    assert missing.status_code == 404


def test_the_dossier_page_posts_replies_and_hides_the_thread_from_the_applicant(client, db):
    proposal, _other, member, _officer = _dossier(db)
    sign_in(client, member.email)
    page = client.get(f"/review/proposals/{proposal.id}")
    assert page.status_code == 200 and 'data-testid="new-post"' in page.text
    client.get("/sign-in")
    token = client.cookies.get("labline_csrf")
    url = f"/review/proposals/{proposal.id}/discussion"
    empty = client.post(url, data={"csrf_token": token, "text": "  "}, follow_redirects=False)
    assert empty.status_code == 422 and 'id="text-error"' in empty.text
    ok = client.post(
        url,
        data={"csrf_token": token, "text": "Secret deliberation", "stance": "concern"},
        follow_redirects=False,
    )
    assert ok.status_code == 303 and "#post-" in ok.headers["location"]
    first = db.scalar(select(DiscussionPost).where(DiscussionPost.proposal_id == proposal.id))
    reply = client.post(
        url,
        data={"csrf_token": token, "text": "A reply", "reply_to": str(first.id)},
        follow_redirects=False,
    )
    assert reply.status_code == 303
    forged = client.post(url, data={"text": "no token"}, follow_redirects=False)
    assert forged.status_code == 403
    shown = client.get(f"/review/proposals/{proposal.id}").text
    assert "Secret deliberation" in shown and f"reply to #{first.id}" in shown
    # The applicant sees their proposal, but not one word of the discussion.
    client.cookies.clear()
    applicant = db.get(type(member), proposal.applicant_id)
    applicant.password_hash = member.password_hash
    db.flush()
    sign_in(client, applicant.email)
    mine = client.get(f"/review/proposals/{proposal.id}")
    assert mine.status_code == 200
    assert "Secret deliberation" not in mine.text and "A reply" not in mine.text
    assert client.get(URL.format(proposal.id)).status_code == 403
