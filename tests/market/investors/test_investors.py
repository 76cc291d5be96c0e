"""Investors: a role a person holds (granted for a fund or company), a profile by kind,
following fields, regions, funded projects, achievements and teams; a deal-flow board by
stage; introductions that open a deal behind the NDA gate."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import create_engine
from sqlalchemy.orm import Session

from labline.core.access import ANONYMOUS, command_line_actor
from labline.core.models import Role, RoleGrant, Team
from labline.core.service import people
from labline.core.service.auth import actor_for
from labline.errors import Conflict, InvalidInput, NotFound, NotPermitted, NotSignedIn
from labline.market.deals.schemas import DealTransition
from labline.market.deals.service import deals
from labline.market.investors import service
from labline.market.investors.schemas import FollowCreate, IntroductionCreate, InvestorCreate
from labline.market.service import records
from labline.review.models import ProposalStatus
from tests.cli import cli_runner
from tests.factories import make_achievement, make_call, make_org, make_person, make_proposal

OP = command_line_actor("test")


def investor_of(db, org):  # type: ignore[no-untyped-def]
    """A member of the organisation who holds the investor role for it (granted by an
    operator through the service)."""
    person = make_person(db, org=org)
    people.grant_role(db, actor=OP, person_id=person.id, role=Role.investor, organisation_id=org.id)
    return actor_for(db, person.id)


@pytest.fixture()
def w(db):
    fund = make_org(db, kind="investment_fund", region_code="310000")
    partner = investor_of(db, fund)
    # The fund's admin and a colleague hold no investor role: the profile is not theirs.
    admin = actor_for(db, make_person(db, org=fund, org_role=Role.org_admin).id)
    analyst = partner
    colleague = actor_for(db, make_person(db, org=fund).id)
    outsider = actor_for(db, make_person(db, org=make_org(db)).id)
    university = make_org(db, kind="university", region_code="320500")
    owner = actor_for(db, make_person(db, org=university, org_role=Role.org_admin).id)
    battery = make_achievement(db, org=university, industry_code="3841", details="secret recipe")
    other = make_achievement(db, org=university, industry_code="2710", region_code="110000")
    team = Team(organisation_id=university.id, name_zh="电池团队", name_en="Battery team")
    db.add(team)
    project = make_proposal(db, call=make_call(db), status=ProposalStatus.funded)
    inv = service.register(
        db,
        actor=partner,
        data=InvestorCreate(organisation_id=fund.id, kind="venture_fund", thesis="batteries"),
    )
    return locals()


def test_investor_is_a_role_granted_for_a_fund_or_a_company(db, w):
    person = make_person(db)
    for org_id, field in ((None, "organisation_id"), (w["university"].id, "organisation_id")):
        with pytest.raises(InvalidInput) as exc:
            people.grant_role(
                db, actor=OP, person_id=person.id, role=Role.investor, organisation_id=org_id
            )
        assert exc.value.fields[0].field == field
        assert exc.value.fields[0].allowed == ["investment_fund", "enterprise"]
    with pytest.raises(NotPermitted):  # only operators grant roles
        people.grant_role(
            db,
            actor=w["admin"],
            person_id=person.id,
            role=Role.investor,
            organisation_id=w["fund"].id,
        )
    assert not db.query(RoleGrant).filter_by(person_id=person.id).count()


def test_register_needs_the_role_and_happens_once(db, w):
    data = InvestorCreate(organisation_id=w["fund"].id, kind="venture_fund")
    with pytest.raises(Conflict):
        service.register(db, actor=w["partner"], data=data)
    # The fund's own admin and members hold no investor role: no profile for them.
    for who in (w["admin"], w["colleague"], w["outsider"]):
        with pytest.raises(NotPermitted):
            service.register(db, actor=who, data=data)
    with pytest.raises(NotSignedIn):
        service.register(db, actor=ANONYMOUS, data=data)
    # A role for the fund is no role for another organisation.
    other_fund = make_org(db, kind="investment_fund")
    with pytest.raises(NotPermitted):
        service.register(
            db,
            actor=investor_of(db, make_org(db, kind="investment_fund")),
            data=InvestorCreate(organisation_id=other_fund.id, kind="venture_fund"),
        )
    # A corporate venture invests for a company, not a fund.
    company = make_org(db)
    with pytest.raises(InvalidInput) as exc:
        service.register(
            db,
            actor=investor_of(db, company),
            data=InvestorCreate(organisation_id=company.id, kind="guidance_fund"),
        )
    assert exc.value.fields[0].field == "kind"
    # An operator registers a holder's profile by naming the person; the command line must.
    holder = investor_of(db, company)
    with pytest.raises(InvalidInput) as exc:
        service.register(
            db, actor=OP, data=InvestorCreate(organisation_id=company.id, kind="corporate_venture")
        )
    assert exc.value.fields[0].field == "person_id"
    done = service.register(
        db,
        actor=OP,
        data=InvestorCreate(
            organisation_id=company.id, kind="corporate_venture", person_id=holder.person_id
        ),
    )
    assert done.person_id == holder.person_id and done.kind == "corporate_venture"
    with pytest.raises(NotPermitted):  # nobody else registers for someone
        service.register(
            db,
            actor=w["partner"],
            data=InvestorCreate(
                organisation_id=company.id, kind="corporate_venture", person_id=holder.person_id
            ),
        )
    listed = service.list_investors(db, actor=w["outsider"])
    assert {i.thesis for i in listed} >= {"batteries"}
    with pytest.raises(NotSignedIn):  # people's names: for those signed in
        service.list_investors(db, actor=ANONYMOUS)


def test_the_profile_is_the_investors_own_and_closes_with_the_role(db, w):
    inv = w["inv"].id
    assert service.profile(db, actor=w["partner"], investor_id=inv).investor.kind == "venture_fund"
    for who in (w["admin"], w["colleague"], w["outsider"]):  # the fund's admin too
        with pytest.raises(NotFound):
            service.profile(db, actor=who, investor_id=inv)
        with pytest.raises(NotFound):
            service.follow(
                db, actor=who, investor_id=inv, data=FollowCreate(kind="field", value="38")
            )
    service.profile(db, actor=OP, investor_id=inv)  # operators curate
    people.revoke_role(db, actor=OP, person_id=w["partner"].person_id, role=Role.investor)
    with pytest.raises(NotFound):
        service.profile(db, actor=actor_for(db, w["partner"].person_id), investor_id=inv)


def test_follows_bring_up_achievements_teams_and_projects(db, w):
    inv = w["inv"].id
    for kind, value in (
        ("field", "384"),
        ("region", "110000"),
        ("team", str(w["team"].id)),
        ("project", str(w["project"].id)),
    ):
        service.follow(
            db, actor=w["analyst"], investor_id=inv, data=FollowCreate(kind=kind, value=value)
        )
    page = service.profile(db, actor=w["analyst"], investor_id=inv)
    found = {(f.kind, f.id) for f in page.feed.items}
    assert ("achievement", w["battery"].id) in found  # field 384x
    assert ("achievement", w["other"].id) in found  # region Beijing
    assert ("team", w["team"].id) in found and ("project", w["project"].id) in found
    labels = {f.kind: f.label for f in page.follows}
    assert labels["team"] == "电池团队" or labels["team"] == "Battery team"
    for kind, value in (
        ("field", "9999"),
        ("region", "999999"),
        ("achievement", "99999999"),
        ("team", "abc"),
        ("project", str(w["project"].id + 1000)),
    ):
        with pytest.raises(InvalidInput) as exc:
            service.follow(
                db, actor=w["analyst"], investor_id=inv, data=FollowCreate(kind=kind, value=value)
            )
        assert exc.value.fields[0].field == "value"
    with pytest.raises(Conflict):
        service.follow(
            db, actor=w["analyst"], investor_id=inv, data=FollowCreate(kind="field", value="384")
        )
    with pytest.raises(NotFound):  # what an investor follows is its own business
        service.profile(db, actor=w["outsider"], investor_id=inv)
    first = page.follows[0].id
    service.unfollow(db, actor=w["partner"], investor_id=inv, follow_id=first)
    assert first not in {
        f.id for f in service.profile(db, actor=w["partner"], investor_id=inv).follows
    }


def test_an_introduction_opens_a_deal_on_the_board_behind_the_nda(db, w):
    inv = w["inv"].id
    done = service.introduce(
        db,
        actor=w["analyst"],
        investor_id=inv,
        data=IntroductionCreate(achievement_id=w["battery"].id),
    )
    assert done.state == "interest"
    board = {
        c.state: [d.id for d in c.deals]
        for c in service.profile(db, actor=w["partner"], investor_id=inv).board
    }
    assert board["interest"] == [done.deal_id] and next(iter(board)) == "interest"
    # The same NDA gate as any deal: no details before both sides accept it.
    assert not records.can_read_details(db, w["analyst"], w["battery"])
    deals.move(db, actor=w["owner"], deal_id=done.deal_id, data=DealTransition(action="introduce"))
    deals.move(
        db, actor=w["analyst"], deal_id=done.deal_id, data=DealTransition(action="accept_nda")
    )
    assert not records.can_read_details(db, w["analyst"], w["battery"])
    deals.move(db, actor=w["owner"], deal_id=done.deal_id, data=DealTransition(action="accept_nda"))
    db.expire_all()
    assert records.can_read_details(db, w["analyst"], w["battery"])
    with pytest.raises(Conflict):  # one open deal per pair
        service.introduce(
            db,
            actor=w["analyst"],
            investor_id=inv,
            data=IntroductionCreate(achievement_id=w["battery"].id),
        )
    with pytest.raises(NotFound):
        service.introduce(
            db,
            actor=w["outsider"],
            investor_id=inv,
            data=IntroductionCreate(achievement_id=w["other"].id),
        )
    # An investor who is no member of the fund cannot open its deals.
    stranger = make_person(db)
    people.grant_role(
        db, actor=OP, person_id=stranger.id, role=Role.investor, organisation_id=w["fund"].id
    )
    remote = actor_for(db, stranger.id)
    other = service.register(
        db, actor=remote, data=InvestorCreate(organisation_id=w["fund"].id, kind="venture_fund")
    )
    with pytest.raises(NotPermitted):
        service.introduce(
            db,
            actor=remote,
            investor_id=other.id,
            data=IntroductionCreate(achievement_id=w["other"].id),
        )


def test_the_cli_registers_follows_and_shows(tmp_path: Path) -> None:
    run = cli_runner(tmp_path)

    run("db", "upgrade")
    engine = create_engine(f"sqlite:///{tmp_path / 'labline.db'}")
    with Session(engine) as db:
        fund = make_org(db, kind="investment_fund").id
        db.commit()
    engine.dispose()
    run("users", "create", "vc@example.cn", "--name", "风投", "--org", str(fund))
    assert "organisation_id" in run(
        "users", "grant", "vc@example.cn", "investor", code=2
    )  # an investor invests for a fund or a company: say which
    run("users", "grant", "vc@example.cn", "investor", "--org", str(fund))
    assert "person_id" in run(
        "market", "investors", "register", str(fund), "--kind", "venture_fund", code=2
    )
    assert "venture_fund" in run(
        "market",
        "investors",
        "register",
        str(fund),
        "--kind",
        "venture_fund",
        "--person",
        "vc@example.cn",
    )
    run("market", "investors", "follow", "1", "field", "38", "--as", "vc@example.cn")
    assert "value" in run("market", "investors", "follow", "1", "region", "123", code=2)
    shown = json.loads(run("market", "investors", "show", "1", "--json", "--as", "vc@example.cn"))
    assert [f["value"] for f in shown["follows"]] == ["38"]
    assert [c["state"] for c in shown["board"]][:3] == ["interest", "introduction", "nda"]
    assert "风投" in run("market", "investors", "list")


def test_a_holder_of_the_role_registers_on_the_page_and_others_are_not_offered_it(client, db):
    from tests.factories import sign_in

    fund = make_org(db, kind="investment_fund")
    holder = make_person(db, org=fund)
    people.grant_role(
        db, actor=OP, person_id=holder.id, role=Role.investor, organisation_id=fund.id
    )
    colleague = make_person(db, org=fund, org_role=Role.org_admin)
    sign_in(client, colleague.email)
    assert 'data-testid="investor-register"' not in client.get("/market/investors").text
    client.cookies.clear()
    sign_in(client, holder.email)
    page = client.get("/market/investors")
    assert 'data-testid="investor-register"' in page.text
    form = {"csrf_token": client.cookies.get("labline_csrf"), "organisation_id": str(fund.id)}
    bad = client.post("/market/investors", data={**form, "kind": "angel"}, follow_redirects=False)
    assert bad.status_code == 422 and 'data-testid="investor-errors"' in bad.text
    r = client.post(
        "/market/investors", data={**form, "kind": "venture_fund"}, follow_redirects=False
    )
    assert r.status_code == 303, r.text
    shown = client.get(r.headers["location"])
    assert shown.status_code == 200 and 'data-testid="deal-board"' in shown.text
