"""The new-call form takes its review criteria as rows (names, a scale picked from a list,
a weight, which one is originality), not as pipe-delimited text."""

from __future__ import annotations

import re

from sqlalchemy import func, select

from labline.core.models import Role
from labline.review.models import Call
from tests.factories import bearer, make_person, sign_in


def _form(client, **extra):
    return {
        "csrf_token": client.cookies.get("labline_csrf"),
        "code": "ROWS-1",
        "title_zh": "行式评审标准",
        "title_en": "Criteria as rows",
        "budget": "500000",
        "opens_on": "2026-12-01",
        "closes_on": "2026-12-31",
        "reviews_due": "2027-01-31",
        **extra,
    }


def _rows(html):
    return re.findall(r'<tr data-row="(\d+)">', html)


def test_the_form_offers_criteria_rows_with_a_scale_picker(client, db):
    sign_in(client, make_person(db, roles=(Role.platform_operator,)).email)
    page = client.get("/review/calls/new").text
    assert "|" not in re.search(r'<fieldset[^>]*id="criteria".*?</fieldset>', page, re.S).group(0)
    assert '<textarea id="criteria"' not in page
    # the four usual criteria are filled in, with empty rows to add more
    assert 'name="criteria.0.name_zh" value="原创性"' in page
    assert 'name="criteria.3.name_en" value="Team"' in page
    assert len(_rows(page)) >= 6
    scale = re.search(r'<select id="criteria.1.scale".*?</select>', page, re.S).group(0)
    assert '<option value="1-9" selected>' in scale and '<option value="1-5"' in scale
    assert re.search(r'name="originality" value="0" checked', page)


def test_rows_become_the_calls_criteria(client, db):
    sign_in(client, make_person(db, roles=(Role.platform_operator,)).email)
    client.get("/review/calls/new")
    form = _form(
        client,
        **{
            "criteria.0.name_zh": "新颖性",
            "criteria.0.name_en": "Novelty",
            "criteria.0.scale": "1-5",
            "criteria.0.weight": "2",
            # row 1 left empty: left out
            "criteria.2.name_zh": "可行性",
            "criteria.2.name_en": "Feasibility",
            "criteria.2.scale": "0-10",
            "criteria.2.weight": "1",
            "criteria.2.code": "feas",
            "originality": "0",
        },
    )
    r = client.post("/review/calls/new", data=form, follow_redirects=False)
    assert r.status_code == 303, r.text
    call = db.scalar(select(Call).where(Call.code == "ROWS-1"))
    got = [
        (c.code, c.name_zh, c.scale_min, c.scale_max, c.weight, c.is_originality)
        for c in call.criteria
    ]
    assert got == [
        ("novelty", "新颖性", 1, 5, 2.0, True),
        ("feas", "可行性", 0, 10, 1.0, False),
    ]


def test_add_a_row_keeps_what_was_typed_and_creates_nothing(client, db):
    sign_in(client, make_person(db, roles=(Role.platform_operator,)).email)
    client.get("/review/calls/new")
    filled = {f"criteria.{i}.name_en": f"C{i}" for i in range(5)}
    filled |= {f"criteria.{i}.name_zh": f"标准{i}" for i in range(5)}
    filled |= {f"criteria.{i}.weight": "1" for i in range(5)}
    r = client.post(
        "/review/calls/new", data=_form(client, more_rows="yes", originality="4", **filled)
    )
    assert r.status_code == 200
    assert len(_rows(r.text)) == 8  # the five filled ones and three empty
    assert 'name="criteria.4.name_en" value="C4"' in r.text
    assert re.search(r'name="originality" value="4" checked', r.text)
    assert re.search(r'name="title_zh"\s+value="行式评审标准"', r.text)
    assert db.scalar(select(func.count()).select_from(Call).where(Call.code == "ROWS-1")) == 0


def test_no_criteria_at_all_is_refused_on_the_form(client, db):
    sign_in(client, make_person(db, roles=(Role.platform_operator,)).email)
    client.get("/review/calls/new")
    r = client.post("/review/calls/new", data=_form(client))
    assert r.status_code == 422
    assert 'id="criteria-error"' in r.text
    assert len(_rows(r.text)) >= 5


def test_a_draft_call_is_changed_on_its_form_and_an_open_one_is_not(client, db):
    """Issue 17: a call could be created but not changed; a draft is changed on the same form
    (prefilled, its criteria as rows), by the page, the API and the command line's service;
    once open it is refused, with the form kept."""
    from labline.review.models import CallStatus

    sign_in(client, make_person(db, roles=(Role.platform_operator,)).email)
    client.get("/review/calls/new")
    criteria = {
        "criteria.0.name_zh": "新颖性",
        "criteria.0.name_en": "Novelty",
        "criteria.0.scale": "1-5",
        "criteria.0.weight": "1",
        "originality": "0",
    }
    r = client.post("/review/calls/new", data=_form(client, **criteria), follow_redirects=False)
    assert r.status_code == 303, r.text
    call = db.scalar(select(Call).where(Call.code == "ROWS-1"))
    assert 'data-testid="edit-call"' in client.get(f"/review/calls/{call.id}").text
    page = client.get(f"/review/calls/{call.id}/edit").text
    assert f'action="/review/calls/{call.id}/edit"' in page
    assert re.search(r'name="title_en"\s+value="Criteria as rows"', page)
    assert 'name="criteria.0.name_en" value="Novelty"' in page
    assert re.search(r'name="originality" value="0" checked', page)
    changed = {
        **criteria,
        "criteria.0.weight": "2",
        "criteria.1.name_zh": "可行性",
        "criteria.1.name_en": "Feasibility",
        "criteria.1.scale": "1-9",
        "criteria.1.weight": "1",
    }
    form = _form(client, **changed, title_en="Criteria as rows, changed", budget="800000")
    r = client.post(f"/review/calls/{call.id}/edit", data=form, follow_redirects=False)
    assert r.status_code == 303, r.text
    db.expire_all()
    call = db.get(Call, call.id)
    assert call.title_en == "Criteria as rows, changed" and call.budget == 800000
    got = [(c.code, c.weight, c.is_originality) for c in call.criteria]
    assert got == [("novelty", 2.0, True), ("feasibility", 1.0, False)]
    # every error at once, beside its field, nothing changed
    bad = _form(client, **changed, title_en="", budget="-1", closes_on="2026-11-01")
    r = client.post(f"/review/calls/{call.id}/edit", data=bad)
    assert r.status_code == 422
    for field in ("title_en", "budget", "closes_on"):
        assert f'id="{field}-error"' in r.text, field
    call.status = CallStatus.open
    db.flush()
    r = client.post(f"/review/calls/{call.id}/edit", data=form)
    assert r.status_code == 409 and "Only a draft call can be changed" in r.text
    assert 'name="title_en"' in r.text  # the form, kept
    assert 'data-testid="edit-call"' not in client.get(f"/review/calls/{call.id}").text


def test_the_api_changes_a_draft_call(client, db):
    operator = make_person(db, roles=(Role.platform_operator,))
    sign_in(client, operator.email)
    client.get("/review/calls/new")
    one = {"criteria.0.name_zh": "价值", "criteria.0.name_en": "Merit", "criteria.0.weight": "1"}
    one["criteria.0.scale"] = "1-9"
    client.post("/review/calls/new", data=_form(client, **one), follow_redirects=False)
    call = db.scalar(select(Call).where(Call.code == "ROWS-1"))
    body = {
        "code": "ROWS-2",
        "title_zh": "行式评审标准",
        "title_en": "Changed by the API",
        "budget": "600000",
        "opens_on": "2026-12-01",
        "closes_on": "2026-12-31",
        "reviews_due": "2027-01-31",
        "criteria": [{"code": "merit", "name_zh": "价值", "name_en": "Merit"}],
    }
    client.cookies.clear()
    r = client.put(f"/api/v1/review/calls/{call.id}", json=body, headers=bearer(db, operator))
    assert r.status_code == 200, r.text
    assert r.json()["code"] == "ROWS-2" and r.json()["title_en"] == "Changed by the API"
