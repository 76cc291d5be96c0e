"""A cap table's links to labline (a stakeholder's organisation, an issuance's deal and the
team it funds): named on an issuance and checked, carried through an OCF export and import
as `labline:` comments, and kept by OCF id when a package has none."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest

from labline.core.models import Organisation, Team
from labline.errors import InvalidInput
from labline.market.captable import service
from labline.market.captable.schemas import IssuanceCreate
from labline.market.figures import capital
from labline.market.models import Deal, DealState
from tests import clock
from tests.factories import make_achievement, make_org
from tests.market.captable.test_captable import package, w  # noqa: F401  (fixture)


def _team(db: Any, org_id: int, name: str) -> Team:
    team = Team(organisation_id=org_id, name_zh=name, name_en=name)
    db.add(team)
    db.flush()
    return team


@pytest.fixture()
def linked(db, w):  # noqa: F811
    """The issuer's table with a signed equity deal's issuance that names one of its two
    teams, and an investor stakeholder linked to the fund."""
    issuer, fund = w["issuer"], w["investor"]
    service.import_ocf(db, actor=w["admin"], issuer_id=issuer.id, package=package())
    teams = [_team(db, issuer.id, "Battery lab"), _team(db, issuer.id, "Cell line")]
    deal = Deal(
        achievement_id=make_achievement(db, org=issuer).id,
        buyer_id=fund.id,
        seller_id=issuer.id,
        state=DealState.signed,
    )
    db.add(deal)
    db.flush()
    data = {
        "new_stakeholder": {"legal_name": "Fund II", "organisation_id": fund.id},
        "stock_class_id": "pref",
        "quantity": "500000",
        "share_price": "2.5",
        "issued_on": clock.day(-1).isoformat(),
        "deal_id": deal.id,
        "team_id": teams[1].id,
    }
    row = service.issue(
        db, actor=w["admin"], issuer_id=issuer.id, data=IssuanceCreate.model_validate(data)
    )
    return {**w, "deal": deal, "teams": teams, "row": row, "data": data}


def test_an_issuance_names_the_companys_team_and_only_its_own(db, linked):
    issuer = linked["issuer"].id
    assert linked["row"].team_id == linked["teams"][1].id
    table = service.cap_table(db, actor=linked["admin"], issuer_id=issuer)
    assert [t.name_en for t in table.teams] == ["Battery lab", "Cell line"]
    assert table.issuances[-1].team_id == linked["teams"][1].id
    other = _team(db, make_org(db).id, "Someone else's lab")
    for team_id in (other.id, 999_999):
        with pytest.raises(InvalidInput) as exc:
            service.issue(
                db,
                actor=linked["admin"],
                issuer_id=issuer,
                data=IssuanceCreate.model_validate({**linked["data"], "team_id": team_id}),
            )
        (error,) = exc.value.fields
        assert error.field == "team_id" and "not a team of this company" in error.message
        assert error.allowed == sorted(t.id for t in linked["teams"])
    assert service.cap_table(db, actor=linked["admin"], issuer_id=issuer) == table
    # The named team is the one the investment counts for, not the company's other team.
    figures = capital.by_region(db, start=clock.day(-30), end=clock.day(1))
    assert any(code == "teams_invested" and value == 1 for _, code, value in figures)


def test_export_import_export_gives_the_same_json_with_its_links(db, linked):
    issuer = linked["issuer"].id
    first = service.export_ocf(db, actor=linked["admin"], issuer_id=issuer)
    tx = first["Transactions.ocf.json"]["items"][-1]
    deal, team = linked["deal"].id, linked["teams"][1].id
    assert tx["comments"] == [f"labline:deal={deal}", f"labline:team={team}"]
    holder = first["Stakeholders.ocf.json"]["items"][-1]
    assert holder["comments"] == [f"labline:organisation={linked['investor'].id}"]
    before = service.cap_table(db, actor=linked["admin"], issuer_id=issuer)
    service.import_ocf(db, actor=linked["admin"], issuer_id=issuer, package=first)
    again = service.export_ocf(db, actor=linked["admin"], issuer_id=issuer)
    for exported in (first, again):  # the moment of the export is all that differs
        exported["Manifest.ocf.json"].pop("generated_at")
    assert json.dumps(again, sort_keys=True) == json.dumps(first, sort_keys=True)
    assert service.cap_table(db, actor=linked["admin"], issuer_id=issuer) == before


def test_links_are_kept_by_ocf_id_when_the_package_has_none(db, linked):
    """An issuance whose security id changed keeps its deal and team: the link follows the
    OCF object id, as the export names it."""
    issuer = linked["issuer"].id
    exported = service.export_ocf(db, actor=linked["admin"], issuer_id=issuer)
    for item in exported["Transactions.ocf.json"]["items"]:
        item.pop("comments", None)
        item["security_id"] = "renumbered-" + item["security_id"]
    for item in exported["Stakeholders.ocf.json"]["items"]:
        item.pop("comments", None)
    service.import_ocf(db, actor=linked["admin"], issuer_id=issuer, package=exported)
    table = service.cap_table(db, actor=linked["admin"], issuer_id=issuer)
    last = table.issuances[-1]
    assert (last.deal_id, last.team_id) == (linked["deal"].id, linked["teams"][1].id)
    assert last.security_id.startswith("renumbered-")
    assert any(h.organisation_id == linked["investor"].id for h in table.holders)


@pytest.mark.parametrize(
    ("comment", "message"),
    [
        ("labline:team={other_team}", "not a team of this company"),
        ("labline:team=999999", "not a team of this company"),
        ("labline:deal={open_deal}", "not signed"),
        ("labline:deal={foreign_deal}", "not a deal of this company"),
        ("labline:deal=abc", "not an id"),
        ("labline:colour=7", "unknown or repeated link"),
    ],
)
def test_a_bad_link_in_a_package_is_refused_by_field_and_changes_nothing(
    db, linked, comment, message
):
    issuer, fund = linked["issuer"], linked["investor"]
    other_org = make_org(db)
    ids = {
        "other_team": _team(db, other_org.id, "Elsewhere").id,
        "open_deal": _deal(db, issuer.id, fund.id, DealState.negotiating),
        "foreign_deal": _deal(db, other_org.id, fund.id, DealState.signed),
    }
    before = service.cap_table(db, actor=linked["admin"], issuer_id=issuer.id)
    bad = copy.deepcopy(service.export_ocf(db, actor=linked["admin"], issuer_id=issuer.id))
    bad["Stakeholders.ocf.json"]["items"][0]["name"]["legal_name"] = "Changed"
    bad["Transactions.ocf.json"]["items"][0]["comments"] = ["a note", comment.format(**ids)]
    with pytest.raises(InvalidInput) as exc:
        service.import_ocf(db, actor=linked["admin"], issuer_id=issuer.id, package=bad)
    problems = {f.field: f.message for f in exc.value.fields}
    assert any(f.startswith("Transactions.ocf.json.items[0].comments") for f in problems)
    assert any(message in m for m in problems.values()), problems
    assert service.cap_table(db, actor=linked["admin"], issuer_id=issuer.id) == before


def _deal(db: Any, seller: int, buyer: int, state: DealState) -> int:
    org = db.get(Organisation, seller)
    deal = Deal(
        achievement_id=make_achievement(db, org=org).id,
        buyer_id=buyer,
        seller_id=seller,
        state=state,
    )
    db.add(deal)
    db.flush()
    return deal.id


def test_the_form_and_the_api_name_the_team_and_refuse_a_foreign_one(client, db):
    from labline.core.models import Role
    from labline.market.captable.models import CapIssuance
    from tests.factories import bearer, make_person, sign_in

    company = make_org(db)
    admin = make_person(db, org=company, org_role=Role.org_admin)
    service.import_ocf(
        db, actor=service_actor(db, admin.id), issuer_id=company.id, package=package()
    )
    mine, foreign = _team(db, company.id, "电池实验室"), _team(db, make_org(db).id, "Elsewhere")
    db.commit()
    sign_in(client, admin.email)
    url = f"/market/captables/{company.id}"
    page = client.get(url).text
    assert f'<option value="{mine.id}"' in page and f'value="{foreign.id}"' not in page
    form = {
        "csrf_token": client.cookies.get("labline_csrf"),
        "legal_name": "Form Fund",
        "stock_class_id": "common",
        "quantity": "100",
        "share_price": "1",
        "currency": "CNY",
        "issued_on": clock.day(-1).isoformat(),
        "team_id": str(foreign.id),
    }
    count = len(db.query(CapIssuance).filter_by(issuer_id=company.id).all())
    bad = client.post(url, data=form, follow_redirects=False)
    assert bad.status_code == 422 and 'data-testid="captable-errors"' in bad.text
    assert "not a team of this company" in bad.text
    r = client.post(url, data={**form, "team_id": str(mine.id)}, follow_redirects=False)
    assert r.status_code == 303, r.text
    shown = client.get(url).text
    assert "电池实验室</span>" in shown  # the issuances table names the team
    api = f"/api/v1/market/captables/{company.id}"
    body = {k: v for k, v in form.items() if k not in ("csrf_token", "legal_name")}
    body["new_stakeholder"] = {"legal_name": "API Fund"}
    r = client.post(f"{api}/issuances", json=body, headers=bearer(db, admin))
    assert r.status_code == 422
    assert r.json()["error"]["fields"][0]["field"] == "team_id"
    r = client.post(
        f"{api}/issuances", json={**body, "team_id": mine.id}, headers=bearer(db, admin)
    )
    assert r.status_code == 201 and r.json()["team_id"] == mine.id
    db.expire_all()
    assert len(db.query(CapIssuance).filter_by(issuer_id=company.id).all()) == count + 2


def service_actor(db: Any, person_id: int) -> Any:
    from labline.core.service.auth import actor_for

    return actor_for(db, person_id)
