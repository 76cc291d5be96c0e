"""Irreversible steps ask first: closing a call (early or not) and deciding show what will
happen and change nothing until the manager confirms."""

from __future__ import annotations

from labline.core.models import Role
from labline.review.models import Call, CallStatus
from tests.factories import make_call, make_person, sign_in


def test_closing_a_call_early_asks_first_and_changes_nothing(client, db):
    operator = make_person(db, roles=(Role.platform_operator,))
    call = make_call(db)  # open, closing in a week
    sign_in(client, operator.email)
    page = client.get(f"/review/calls/{call.id}")
    token = client.cookies.get("labline_csrf")
    assert 'value="close"' in page.text
    r = client.post(
        f"/review/calls/{call.id}/step",
        data={"csrf_token": token, "step": "close"},
        follow_redirects=False,
    )
    assert r.status_code == 200 and 'data-testid="confirm"' in r.text
    assert call.closes_on.isoformat() in r.text and "early" in r.text
    db.expire_all()
    assert db.get(Call, call.id).status == CallStatus.open  # nothing happened yet

    r = client.post(
        f"/review/calls/{call.id}/step",
        data={"csrf_token": token, "step": "close", "confirm": "yes"},
        follow_redirects=False,
    )
    assert r.status_code == 303
    db.expire_all()
    assert db.get(Call, call.id).status != CallStatus.open


def test_deciding_asks_first_and_keeps_the_seed(client, db):
    operator = make_person(db, roles=(Role.platform_operator,))
    call = make_call(db, status="committee")
    sign_in(client, operator.email)
    client.get(f"/review/calls/{call.id}")
    r = client.post(
        f"/review/calls/{call.id}/step",
        data={"csrf_token": client.cookies.get("labline_csrf"), "step": "decide", "seed": "7"},
    )
    assert r.status_code == 200 and 'data-testid="confirm"' in r.text
    assert '<input type="hidden" name="seed" value="7">' in r.text
    db.expire_all()
    assert db.get(Call, call.id).status == CallStatus.committee
