"""The review pages and JSON API walked through a call: a reviewer's form (with errors
shown beside the fields), the manager's steps, the committee's ranking, statements and
golden ticket, the decision and the lottery, in English and Chinese."""

from __future__ import annotations

from sqlalchemy import select

from labline.core.access import command_line_actor
from labline.core.models import Role
from labline.review.models import ProposalStatus, ReviewAssignment
from labline.review.schemas import AssignmentRun, PanelAdd, PublicationCreate
from labline.review.service import assign, calls, conflicts
from tests.factories import bearer, make_call, make_org, make_person, make_proposal, sign_in

SYSTEM = command_line_actor("test")


def _call_with_reviewers(db):
    call = make_call(db, reviewers_per_proposal=2, max_load=4, budget="200000")
    proposals = [
        make_proposal(db, call=call, title_zh=zh, title_en=en, keywords=en)
        for zh, en in [
            ("钙钛矿电池", "perovskite solar cells"),
            ("固态电池", "solid-state batteries"),
            ("基因编辑水稻", "gene-edited rice"),
        ]
    ]
    reviewers = []
    for topic in ("perovskite solar", "solid-state battery", "gene editing rice"):
        person = make_person(
            db, org=make_org(db, kind="research_institute"), roles=(Role.reviewer,)
        )
        conflicts.add_publication(
            db,
            actor=SYSTEM,
            data=PublicationCreate(title=topic, year=2025, author_ids=[person.id]),
        )
        reviewers.append(person)
    calls.add_to_panel(
        db, actor=SYSTEM, call_id=call.id, data=PanelAdd(person_ids=[r.id for r in reviewers])
    )
    calls.close_call(db, actor=SYSTEM, call_id=call.id)
    assign.run_assignment(db, actor=SYSTEM, call_id=call.id, data=AssignmentRun())
    return call, proposals, reviewers


def _csrf(client):
    client.get("/sign-in")
    return client.cookies.get("labline_csrf")


def _assigned(db, proposal_id):
    return sorted(
        db.scalars(
            select(ReviewAssignment.reviewer_id).where(
                ReviewAssignment.proposal_id == proposal_id, ReviewAssignment.kind == "primary"
            )
        )
    )


def test_reviewer_form_shows_errors_beside_fields_then_accepts(client, db):
    _call, proposals, _reviewers = _call_with_reviewers(db)
    p = proposals[0]
    rid = _assigned(db, p.id)[0]
    from labline.core.models import Person

    sign_in(client, db.get(Person, rid).email)
    page = client.get(f"/review/proposals/{p.id}")
    assert page.status_code == 200 and 'name="score_originality"' in page.text
    token = _csrf(client)
    bad = client.post(
        f"/review/proposals/{p.id}/review",
        data={
            "csrf_token": token,
            "score_originality": "12",
            "score_value": "5",
            "score_feasibility": "x",
        },
        follow_redirects=False,
    )
    assert bad.status_code == 422
    assert "give a whole number" in bad.text  # feasibility
    bad = client.post(
        f"/review/proposals/{p.id}/review",
        data={
            "csrf_token": token,
            "score_originality": "12",
            "score_value": "5",
            "score_feasibility": "5",
        },
        follow_redirects=False,
    )
    assert bad.status_code == 422 and "originality is scored from 1 to 9" in bad.text
    assert 'value="12"' in bad.text  # what was typed is kept
    ok = client.post(
        f"/review/proposals/{p.id}/review",
        data={
            "csrf_token": token,
            "score_originality": "8",
            "score_value": "7",
            "score_feasibility": "6",
            "comment": "solid",
        },
        follow_redirects=False,
    )
    assert ok.status_code == 303
    # Without the CSRF token nothing happens.
    forged = client.post(
        f"/review/proposals/{p.id}/review",
        data={"score_originality": "1", "score_value": "1", "score_feasibility": "1"},
        follow_redirects=False,
    )
    assert forged.status_code == 403


def test_manager_steps_committee_and_decision_through_the_pages(client, db):
    call, proposals, _reviewers = _call_with_reviewers(db)
    from labline.core.models import Person

    # Reviews through the API with tokens: the first proposal splits its reviewers.
    for i, p in enumerate(proposals):
        for k, rid in enumerate(_assigned(db, p.id)):
            high = (9 if k == 0 else 1) if i == 0 else 5
            r = client.post(
                f"/api/v1/review/proposals/{p.id}/reviews",
                headers=bearer(db, db.get(Person, rid)),
                json={
                    "scores": [
                        {"criterion": "originality", "score": high},
                        {"criterion": "value", "score": high},
                        {"criterion": "feasibility", "score": high},
                    ]
                },
            )
            assert r.status_code == 201, r.text
    operator = make_person(db, roles=(Role.platform_operator,))
    expert = make_person(db, roles=(Role.committee_member,))
    sign_in(client, operator.email)
    token = _csrf(client)
    r = client.post(
        f"/review/calls/{call.id}/step",
        data={"csrf_token": token, "step": "analyse"},
        follow_redirects=False,
    )
    assert r.status_code == 303
    page = client.get(f"/review/calls/{call.id}")
    assert 'data-testid="ranking"' in page.text and "non-consensus" in page.text
    assert "split" in page.text and "working days" in page.text
    # Wrong step for the call's state: a clear message, nothing changes.
    r = client.post(
        f"/review/calls/{call.id}/step",
        data={"csrf_token": token, "step": "close", "confirm": "yes"},
    )
    assert r.status_code == 409 and "must be open" in r.text
    # The committee member speaks and uses a golden ticket; a second one is refused.
    client.cookies.clear()
    sign_in(client, expert.email)
    token = _csrf(client)
    r = client.post(
        f"/review/proposals/{proposals[0].id}/note",
        data={"csrf_token": token, "stance": "advocate", "text": "Bold and new."},
        follow_redirects=False,
    )
    assert r.status_code == 303
    assert "Bold and new." in client.get(f"/review/proposals/{proposals[0].id}").text
    r = client.post(
        f"/review/proposals/{proposals[1].id}/note",
        data={"csrf_token": token, "kind": "ticket", "text": "An idea worth a try."},
        follow_redirects=False,
    )
    assert r.status_code == 303
    r = client.post(
        f"/review/proposals/{proposals[2].id}/note",
        data={"csrf_token": token, "kind": "ticket", "text": "And another one here."},
    )
    assert r.status_code == 409 and "already gave" in r.text
    # The applicant never sees reviewer identities; a reviewer cannot see the ranking.
    api = client.get(
        f"/api/v1/review/calls/{call.id}/ranking",
        headers=bearer(db, db.get(Person, proposals[0].applicant_id)),
    )
    assert api.status_code == 403
    # Decide (operator): the budget funds two; the page shows the decisions in Chinese.
    client.cookies.clear()
    sign_in(client, operator.email)
    token = _csrf(client)
    r = client.post(
        f"/review/calls/{call.id}/step",
        data={"csrf_token": token, "step": "decide", "seed": "3", "confirm": "yes"},
        follow_redirects=False,
    )
    assert r.status_code == 303
    funded = [p for p in proposals if (db.refresh(p) or p.status == ProposalStatus.funded)]
    assert len(funded) == 2
    client.get("/lang/zh?next=/review")
    zh = client.get(f"/review/calls/{call.id}")
    assert "已资助" in zh.text and "项目排名" in zh.text
    # After the decision the applicant reads the reviews, without names.
    mine = client.get(
        f"/api/v1/review/proposals/{proposals[0].id}/reviews",
        headers=bearer(db, db.get(Person, proposals[0].applicant_id)),
    )
    assert mine.status_code == 200 and mine.json()
    assert all(r["reviewer_id"] is None for r in mine.json())


def test_api_errors_name_the_field(client, db):
    call, proposals, _reviewers = _call_with_reviewers(db)
    from labline.core.models import Person

    rid = _assigned(db, proposals[0].id)[0]
    headers = bearer(db, db.get(Person, rid))
    r = client.post(
        f"/api/v1/review/proposals/{proposals[0].id}/reviews",
        headers=headers,
        json={
            "scores": [
                {"criterion": "originality", "score": 0},
                {"criterion": "value", "score": 5},
                {"criterion": "feasibility", "score": 5},
            ]
        },
    )
    assert r.status_code == 422
    assert r.json()["error"]["fields"][0]["field"] == "scores.0.score"
    assert r.json()["error"]["fields"][0]["allowed"] == {"ge": 1, "le": 9}
    op = bearer(db, make_person(db, roles=(Role.platform_operator,)))
    r = client.post(
        "/api/v1/review/calls",
        headers=op,
        json={
            "code": "X",
            "title_zh": "x",
            "title_en": "x",
            "budget": "-5",
            "opens_on": "2026-01-01",
            "closes_on": "2025-01-01",
            "reviews_due": "2026-02-01",
            "criteria": [],
        },
    )
    assert r.status_code == 422
    fields = {f["field"] for f in r.json()["error"]["fields"]}
    assert {"budget", "criteria"} <= fields
    r = client.post(f"/api/v1/review/calls/{call.id}/lottery/replay", headers=op)
    assert r.status_code == 404
    # A reviewer from the applicant's own organisation cannot be assigned by hand.
    from labline.core.models import Organisation

    colleague = make_person(db, org=db.get(Organisation, proposals[0].organisation_id))
    calls.add_to_panel(db, actor=SYSTEM, call_id=call.id, data=PanelAdd(person_ids=[colleague.id]))
    conflicts.compute_conflicts(db, actor=SYSTEM, call_id=call.id)
    r = client.post(
        f"/api/v1/review/proposals/{proposals[0].id}/override",
        headers=op,
        json={"add_reviewer_id": colleague.id, "reason": "knows the field"},
    )
    assert r.status_code == 422 and "same_organisation" in r.json()["error"]["message"]


def test_applicant_form_keeps_input_and_names_each_problem(client, db):
    call = make_call(db, max_request="500000")
    org = make_org(db, kind="university")
    applicant = make_person(db, org=org)
    sign_in(client, applicant.email)
    page = client.get(f"/review/calls/{call.id}")
    assert f'href="/review/calls/{call.id}/apply"' in page.text
    token = _csrf(client)
    form = {
        "csrf_token": token,
        "organisation_id": str(org.id),
        "title_zh": "钙钛矿叠层电池",
        "abstract_zh": "",
        "abstract_en": "",
        "requested_budget": "900000",
    }
    bad = client.post(f"/review/calls/{call.id}/apply", data=form)
    assert bad.status_code == 422 and "abstract" in bad.text and "钙钛矿叠层电池" in bad.text
    bad = client.post(f"/review/calls/{call.id}/apply", data={**form, "abstract_zh": "摘要"})
    assert bad.status_code == 422 and "more than this call&#39;s limit" in bad.text
    ok = client.post(
        f"/review/calls/{call.id}/apply",
        data={**form, "abstract_zh": "摘要", "requested_budget": "300000"},
        follow_redirects=False,
    )
    assert ok.status_code == 303
    mine = client.get(ok.headers["location"])
    assert mine.status_code == 200 and "钙钛矿叠层电池" in mine.text


def test_manager_reminds_reviewers_from_the_call_page(client, db):
    from datetime import date, timedelta

    from labline.core.models import OutboxMail

    call, _proposals, reviewers = _call_with_reviewers(db)
    call.reviews_due = date.today() + timedelta(days=2)
    db.flush()
    sign_in(client, make_person(db, roles=(Role.platform_operator,)).email)
    token = _csrf(client)
    r = client.post(f"/review/calls/{call.id}/step", data={"csrf_token": token, "step": "remind"})
    assert r.status_code == 200 and 'data-testid="notice"' in r.text
    mailed = set(db.scalars(select(OutboxMail.person_id)))
    assert mailed and mailed <= {p.id for p in reviewers}
    assert f"{len(mailed)} reminders queued" in r.text
    # A reviewer cannot press the button.
    sign_in(client, reviewers[0].email)
    r = client.post(
        f"/review/calls/{call.id}/step", data={"csrf_token": _csrf(client), "step": "remind"}
    )
    assert r.status_code == 403


def test_manager_sets_up_a_call_from_the_web(client, db):
    from labline.review.models import Call, CallStatus, InstitutionAlias, Panel, Publication

    operator = make_person(db, roles=(Role.platform_operator,))
    reviewer = make_person(db, org=make_org(db, kind="research_institute"), roles=(Role.reviewer,))
    sign_in(client, operator.email)
    token = _csrf(client)
    form = {
        "csrf_token": token,
        "code": "WEB-2027",
        "title_zh": "网页指南",
        "title_en": "Web call",
        "budget": "-5",
        "opens_on": "2026-12-01",
        "closes_on": "2026-11-01",
        "reviews_due": "2027-01-31",
        # The criteria are rows; the second one lacks its names and its weight is no number.
        "criteria.0.name_zh": "原创性",
        "criteria.0.name_en": "Originality",
        "criteria.0.scale": "1-9",
        "criteria.0.weight": "0.5",
        "originality": "0",
        "criteria.1.code": "broken",
        "criteria.1.weight": "heavy",
    }
    r = client.post("/review/calls/new", data=form)
    # every bad cell is named beside itself
    assert r.status_code == 422 and 'id="criteria.1.weight-error"' in r.text
    assert 'id="criteria.1.name_zh-error"' in r.text
    assert 'value="heavy"' in r.text  # what was typed is kept
    for key in ("criteria.1.code", "criteria.1.weight"):
        del form[key]
    r = client.post("/review/calls/new", data=form)
    assert r.status_code == 422 and 'id="budget"' in r.text and "negative" in r.text
    assert db.scalar(select(Call).where(Call.code == "WEB-2027")) is None
    form.update(budget="800000", closes_on="2026-12-31")
    r = client.post("/review/calls/new", data=form, follow_redirects=False)
    assert r.status_code == 303, r.text
    call = db.scalar(select(Call).where(Call.code == "WEB-2027"))
    assert call is not None and call.status == CallStatus.draft
    assert [c.code for c in call.criteria] == ["originality"]
    r = client.post(
        f"/review/calls/{call.id}/step",
        data={"csrf_token": token, "step": "open"},
        follow_redirects=False,
    )
    db.refresh(call)
    assert r.status_code == 303 and call.status == CallStatus.open
    # The panel: unknown addresses are named; known ones join.
    r = client.post(
        f"/review/calls/{call.id}/panel",
        data={"csrf_token": token, "emails": f"{reviewer.email}\nnobody@example.cn"},
    )
    assert r.status_code == 422 and "nobody@example.cn" in r.text
    assert db.scalar(select(Panel).where(Panel.call_id == call.id)) is None
    r = client.post(
        f"/review/calls/{call.id}/panel",
        data={"csrf_token": token, "emails": reviewer.email, "max_load": "5"},
        follow_redirects=False,
    )
    assert r.status_code == 303
    page = client.get(f"/review/calls/{call.id}/panel")
    assert reviewer.email in page.text
    # Aliases: the manager links two organisations.
    a, b = make_org(db), make_org(db)
    r = client.post(
        "/review/aliases",
        data={"csrf_token": token, "organisation_id": str(a.id), "same_as_id": str(a.id)},
    )
    assert r.status_code == 422
    r = client.post(
        "/review/aliases",
        data={"csrf_token": token, "organisation_id": str(a.id), "same_as_id": str(b.id)},
        follow_redirects=False,
    )
    assert r.status_code == 303 and db.scalar(select(InstitutionAlias.id)) is not None
    # A reviewer records their own work; a year out of range is refused beside the field.
    sign_in(client, reviewer.email)
    token = _csrf(client)
    r = client.post(
        "/review/publications",
        data={"csrf_token": token, "title": "Tandem cells", "year": "1800", "kind": "paper"},
    )
    assert r.status_code == 422 and 'id="year"' in r.text
    r = client.post(
        "/review/publications",
        data={"csrf_token": token, "title": "Tandem cells", "year": "2025", "kind": "paper"},
        follow_redirects=False,
    )
    assert r.status_code == 303
    assert "Tandem cells" in client.get("/review/publications").text
    assert db.scalar(select(Publication).where(Publication.title == "Tandem cells")) is not None
