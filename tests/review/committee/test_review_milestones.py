"""Staged funding of a funded proposal: the plan (at least one milestone, the amounts
within the award, dates in order), reports by the grantee, releases strictly in order and
only after a report, withholding with a reason (later milestones stay locked), totals —
through the API and the dossier page; every refusal changes nothing."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import select

from labline.core.models import Person, Role
from labline.review.models import Milestone, MilestoneStatus, ProposalStatus
from tests.factories import bearer, make_call, make_person, make_proposal, sign_in

BASE = "/api/v1/review/proposals/{}/milestones"
PLAN = {
    "milestones": [
        {"title": "Pilot line", "due_on": "2027-03-31", "amount": "300000"},
        {"title": "Field test", "due_on": "2027-09-30", "amount": "400000"},
        {"title": "Transfer", "due_on": "2028-03-31", "amount": "300000"},
    ]
}


def _funded(db):
    call = make_call(db, status="decided")
    proposal = make_proposal(
        db,
        call=call,
        status=ProposalStatus.funded,
        requested_budget=Decimal("1000000"),
        awarded=Decimal("1000000"),
    )
    officer = make_person(db, roles=(Role.platform_operator,))
    grantee = db.get(Person, proposal.applicant_id)
    return proposal, officer, grantee


def _statuses(db, proposal_id):
    return [
        m.status.value
        for m in db.scalars(
            select(Milestone)
            .where(Milestone.proposal_id == proposal_id)
            .order_by(Milestone.position)
        )
    ]


def test_plan_report_release_in_order_with_totals(client, db):
    proposal, officer, grantee = _funded(db)
    po, gr = bearer(db, officer), bearer(db, grantee)
    r = client.post(BASE.format(proposal.id), headers=po, json=PLAN)
    assert r.status_code == 201, r.text
    plan = r.json()
    assert Decimal(plan["planned"]) == Decimal("1000000") and Decimal(plan["released"]) == 0
    m1, m2, m3 = (m["id"] for m in plan["milestones"])
    url = BASE.format(proposal.id)
    # Releasing without a report, or out of order, is refused.
    no_report = client.post(f"{url}/{m1}/release", headers=po)
    assert no_report.status_code == 409 and "no report yet" in no_report.json()["error"]["message"]
    out_of_order = client.post(f"{url}/{m2}/release", headers=po)
    assert out_of_order.status_code == 409 and "in order" in out_of_order.json()["error"]["message"]
    early = client.post(f"{url}/{m2}/report", headers=gr, json={"evidence": "jumping ahead here"})
    assert early.status_code == 409
    assert _statuses(db, proposal.id) == ["planned"] * 3
    # Only the grantee reports; only a programme officer releases.
    assert (
        client.post(f"{url}/{m1}/report", headers=po, json={"evidence": "not mine to give"})
    ).status_code == 403
    ok = client.post(f"{url}/{m1}/report", headers=gr, json={"evidence": "72 h run, 92% yield"})
    assert ok.status_code == 200 and ok.json()["status"] == "reported"
    assert client.post(f"{url}/{m1}/release", headers=gr).status_code == 403
    released = client.post(f"{url}/{m1}/release", headers=po)
    assert released.status_code == 200 and released.json()["status"] == "released"
    again = client.post(f"{url}/{m1}/release", headers=po)
    assert again.status_code == 409 and "already released" in again.json()["error"]["message"]
    totals = client.get(url, headers=gr).json()
    assert Decimal(totals["released"]) == Decimal("300000")
    assert Decimal(totals["remaining"]) == Decimal("700000")
    # The plan cannot be replaced once the grantee has reported.
    replaced = client.post(url, headers=po, json=PLAN)
    assert replaced.status_code == 409
    # Withholding milestone 2 (with a reason) locks milestone 3.
    short = client.post(f"{url}/{m2}/withhold", headers=po, json={"reason": "no"})
    assert short.status_code == 422 and short.json()["error"]["fields"][0]["field"] == "reason"
    held = client.post(
        f"{url}/{m2}/withhold", headers=po, json={"reason": "The field test was not run."}
    )
    assert held.status_code == 200 and held.json()["withheld_reason"]
    locked = client.post(f"{url}/{m3}/report", headers=gr, json={"evidence": "we did it anyway"})
    assert locked.status_code == 409 and "stays locked" in locked.json()["error"]["message"]
    assert client.post(f"{url}/{m3}/release", headers=po).status_code == 409
    assert _statuses(db, proposal.id) == ["released", "withheld", "planned"]
    final = client.get(url, headers=po).json()
    assert Decimal(final["withheld"]) == Decimal("400000")
    assert Decimal(final["remaining"]) == Decimal("700000")


def test_a_plan_that_does_not_fit_is_refused_with_the_field(client, db):
    proposal, officer, _grantee = _funded(db)
    po = bearer(db, officer)
    url = BASE.format(proposal.id)
    over = {
        "milestones": [
            *PLAN["milestones"],
            {"title": "More", "due_on": "2028-06-30", "amount": "1"},
        ]
    }
    cases = [
        (over, "milestones", "more than the award"),
        ({"milestones": []}, "milestones", ""),
        (
            {
                "milestones": [
                    {"title": "B", "due_on": "2027-09-30", "amount": "10"},
                    {"title": "A", "due_on": "2027-03-31", "amount": "10"},
                ]
            },
            "milestones.1.due_on",
            "in order",
        ),
        (
            {"milestones": [{"title": "A", "due_on": "2027-03-31", "amount": "-5"}]},
            "milestones.0.amount",
            "",
        ),
        (
            {"milestones": [{"title": "", "due_on": "2027-03-31", "amount": "5"}]},
            "milestones.0.title",
            "",
        ),
    ]
    for body, field, words in cases:
        r = client.post(url, headers=po, json=body)
        assert r.status_code == 422, (body, r.text)
        assert field in [f["field"] for f in r.json()["error"]["fields"]], r.json()
        assert words in r.text
    assert _statuses(db, proposal.id) == []
    # Only a funded proposal gets a plan.
    proposal.status = ProposalStatus.rejected
    db.flush()
    assert client.post(url, headers=po, json=PLAN).status_code == 409


def test_reviewers_and_strangers_do_not_see_the_money(client, db):
    proposal, officer, _grantee = _funded(db)
    url = BASE.format(proposal.id)
    client.post(url, headers=bearer(db, officer), json=PLAN)
    member = make_person(db, roles=(Role.committee_member,))
    assert client.get(url, headers=bearer(db, member)).status_code == 200
    stranger = make_person(db, roles=(Role.reviewer,))
    assert client.get(url, headers=bearer(db, stranger)).status_code == 403
    assert client.get(url).status_code == 401
    # A milestone of another proposal is not found through this one.
    other, _o, _g = _funded(db)
    client.post(BASE.format(other.id), headers=bearer(db, officer), json=PLAN)
    foreign = db.scalar(select(Milestone.id).where(Milestone.proposal_id == other.id))
    r = client.post(f"{url}/{foreign}/release", headers=bearer(db, officer))
    assert r.status_code == 404


def test_the_dossier_page_plans_reports_and_releases(client, db):
    proposal, officer, grantee = _funded(db)
    sign_in(client, officer.email)
    page = client.get(f"/review/proposals/{proposal.id}")
    assert page.status_code == 200 and 'data-testid="plan"' in page.text
    client.get("/sign-in")
    token = client.cookies.get("labline_csrf")
    url = f"/review/proposals/{proposal.id}/milestones"
    form = {
        "csrf_token": token,
        "title_0": "Pilot",
        "due_on_0": "2027-03-31",
        "amount_0": "2000000",
    }
    over = client.post(url, data=form, follow_redirects=False)
    assert over.status_code == 422 and "more than the award" in over.text
    assert 'value="2000000"' in over.text  # what was typed is kept
    bad = client.post(url, data={**form, "amount_0": "abc"}, follow_redirects=False)
    assert bad.status_code == 422 and 'id="amount_0-error"' in bad.text
    ok = client.post(url, data={**form, "amount_0": "600000"}, follow_redirects=False)
    assert ok.status_code == 303
    mid = db.scalar(select(Milestone.id).where(Milestone.proposal_id == proposal.id))
    early = client.post(f"{url}/{mid}/release", data={"csrf_token": token}, follow_redirects=False)
    assert early.status_code == 409 and "no report yet" in early.text
    client.cookies.clear()
    sign_in(client, grantee.email)
    client.get("/sign-in")
    token = client.cookies.get("labline_csrf")
    reported = client.post(
        f"{url}/{mid}/report",
        data={"csrf_token": token, "evidence": "Pilot ran for 72 hours."},
        follow_redirects=False,
    )
    assert reported.status_code == 303
    client.cookies.clear()
    sign_in(client, officer.email)
    client.get("/sign-in")
    token = client.cookies.get("labline_csrf")
    released = client.post(
        f"{url}/{mid}/release", data={"csrf_token": token}, follow_redirects=False
    )
    assert released.status_code == 303
    shown = client.get(f"/review/proposals/{proposal.id}").text
    assert 'data-testid="released">¥600,000' in shown
    assert db.get(Milestone, mid).status == MilestoneStatus.released
