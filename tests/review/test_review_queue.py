"""After a review is submitted the reviewer is told so, sees the review as their own (never
an internal id like "#740"), finds it under their submitted reviews by call and title; and
their queue drops the proposals of decided calls."""

from __future__ import annotations

import re

from labline.core.models import Person, Role
from labline.review.models import CallStatus
from tests.factories import make_person, sign_in
from tests.review.test_review_web import _assigned, _call_with_reviewers, _csrf

SCORES = {"score_originality": "8", "score_value": "7", "score_feasibility": "6"}


def _section(html: str, testid: str) -> str:
    found = re.search(rf'<table data-testid="{testid}">.*?</table>', html, re.S)
    return found.group(0) if found else ""


def test_a_submitted_review_is_confirmed_and_shown_as_the_reviewers_own(client, db):
    call, proposals, _reviewers = _call_with_reviewers(db)
    p = proposals[0]
    reviewer = db.get(Person, _assigned(db, p.id)[0])
    sign_in(client, reviewer.email)
    queue = client.get("/review").text
    # the queue names the proposal and its call
    assert p.title_en in _section(queue, "to-review")
    assert call.title_en in _section(queue, "to-review")
    assert _section(queue, "reviewed") == ""

    r = client.post(
        f"/review/proposals/{p.id}/review",
        data={"csrf_token": _csrf(client), **SCORES, "confidence": "4", "comment": "solid"},
        follow_redirects=False,
    )
    assert r.status_code == 303 and r.headers["location"].endswith("?done=review")
    page = client.get(r.headers["location"]).text
    assert 'data-testid="done"' in page and "your review is submitted" in page
    assert p.title_en in page and call.title_en in page
    own = re.search(r'<tr data-testid="own-review-row">(.*?)</tr>', page, re.S)
    assert own and "Your review" in own.group(1)
    assert f"#{reviewer.id}" not in page  # never the reviewer's internal id
    assert not re.search(r">#\d+<", page)
    # the form holds the submitted review, to change it
    assert re.search(r'name="score_value" type="number" min="1" max="9" value="7"', page)
    assert "solid</textarea>" in page

    queue = client.get("/review").text
    assert p.title_en not in _section(queue, "to-review")
    assert p.title_en in _section(queue, "reviewed")
    assert call.title_en in _section(queue, "reviewed")

    # Once the call is decided, it leaves the reviewer's queue altogether.
    call.status = CallStatus.decided
    db.flush()
    queue = client.get("/review").text
    assert p.title_en not in _section(queue, "to-review")
    assert p.title_en not in _section(queue, "reviewed")
    home = client.get("/").text
    assert p.title_en not in home


def test_the_committee_reads_reviewers_by_name_not_by_id(client, db):
    _call, proposals, _reviewers = _call_with_reviewers(db)
    p = proposals[0]
    reviewer = db.get(Person, _assigned(db, p.id)[0])
    sign_in(client, reviewer.email)
    client.post(
        f"/review/proposals/{p.id}/review",
        data={"csrf_token": _csrf(client), **SCORES},
        follow_redirects=False,
    )
    member = make_person(db, roles=(Role.committee_member,), name_en="Committee Chair")
    sign_in(client, member.email)
    page = client.get(f"/review/proposals/{p.id}").text
    reviews = re.search(r'<table data-testid="reviews">.*?</table>', page, re.S).group(0)
    assert reviewer.name_en in reviews
    assert f"#{reviewer.id}" not in reviews
