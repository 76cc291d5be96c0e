"""The investor's "Follow" form picks what to follow from lists searchable by name in both
languages: fields by GB/T 4754, regions by GB/T 2260, teams, achievements and funded projects
by name. Issue 17: it used to take a free-text code."""

from __future__ import annotations

import re

from labline.core.access import command_line_actor
from labline.core.models import Role, Team
from labline.core.service import people
from labline.core.service.auth import actor_for
from labline.market.investors import service
from labline.market.investors.schemas import InvestorCreate
from labline.review.models import ProposalStatus
from tests.factories import (
    make_achievement,
    make_call,
    make_org,
    make_person,
    make_proposal,
    sign_in,
)


def _option(page: str, name: str, value: str) -> str:
    assert f'<input id="{name}" name="{name}" list="{name}-choices"' in page, f"{name}: no picker"
    found = re.search(
        rf'<datalist id="{name}-choices">.*?<option value="{value}">([^<]*)</option>', page, re.S
    )
    assert found, f"{value} is not offered by {name}"
    return found.group(1)


def _world(db):  # type: ignore[no-untyped-def]
    fund = make_org(db, kind="investment_fund")
    holder = make_person(db, org=fund)
    op = command_line_actor("test")
    people.grant_role(
        db, actor=op, person_id=holder.id, role=Role.investor, organisation_id=fund.id
    )
    inv = service.register(
        db,
        actor=actor_for(db, holder.id),
        data=InvestorCreate(organisation_id=fund.id, kind="venture_fund"),
    )
    lab = make_org(db, kind="university")
    team = Team(organisation_id=lab.id, name_zh="固态电池团队", name_en="Solid-state battery team")
    db.add(team)
    achievement = make_achievement(db, org=lab, title="硫化物固态电解质")
    project = make_proposal(
        db,
        call=make_call(db),
        status=ProposalStatus.funded,
        title_zh="钠离子电池",
        title_en="Sodium-ion cells",
    )
    db.flush()
    return holder, inv, team, achievement, project


def test_follow_pickers_offer_names_in_both_languages(client, db):
    holder, inv, team, achievement, project = _world(db)
    sign_in(client, holder.email)
    page = client.get(f"/market/investors/{inv.id}").text
    assert 'id="value"' not in page  # no free-text code box
    assert "3841" in _option(page, "follow_industry", "3841")
    battery = _option(page, "follow_industry", "3841")
    assert "电池" in battery and "batter" in battery.lower()
    suzhou = _option(page, "follow_region", "320500")
    assert "苏州" in suzhou and "Suzhou" in suzhou
    t = _option(page, "follow_team", str(team.id))
    assert "固态电池团队" in t and "Solid-state battery team" in t
    assert "硫化物固态电解质" in _option(page, "follow_achievement", str(achievement.id))
    p = _option(page, "follow_project", str(project.id))
    assert "钠离子电池" in p and "Sodium-ion cells" in p


def test_follow_by_picked_id_or_typed_name_and_a_bad_one_is_named(client, db):
    holder, inv, team, _achievement, project = _world(db)
    sign_in(client, holder.email)
    form = {"csrf_token": client.cookies.get("labline_csrf"), "action": "follow"}
    url = f"/market/investors/{inv.id}"
    r = client.post(
        url, data={**form, "kind": "region", "follow_region": "320500"}, follow_redirects=False
    )
    assert r.status_code == 303, r.text
    # A name typed in full, in the other language, names the team.
    r = client.post(
        url, data={**form, "kind": "team", "follow_team": "固态电池团队"}, follow_redirects=False
    )
    assert r.status_code == 303, r.text
    r = client.post(
        url,
        data={**form, "kind": "project", "follow_project": str(project.id)},
        follow_redirects=False,
    )
    assert r.status_code == 303, r.text
    shown = service.profile(db, actor=actor_for(db, holder.id), investor_id=inv.id)
    follows = {(f.kind, f.value) for f in shown.follows}
    assert follows == {("region", "320500"), ("team", str(team.id)), ("project", str(project.id))}
    # A code that is not in GB/T 4754 comes back beside its picker, the value kept.
    bad = client.post(url, data={**form, "kind": "field", "follow_industry": "9999"})
    assert bad.status_code == 422
    assert 'id="follow_industry-error"' in bad.text
    assert re.search(
        r'<input id="follow_industry" name="follow_industry" [^>]*value="9999"', bad.text
    )
    assert 'id="follow_team-error"' not in bad.text


def test_a_name_that_names_nothing_is_refused_in_chinese(client, db):
    holder, inv, *_ = _world(db)
    sign_in(client, holder.email)
    client.cookies.set("labline_lang", "zh")
    form = {"csrf_token": client.cookies.get("labline_csrf"), "action": "follow"}
    r = client.post(
        f"/market/investors/{inv.id}", data={**form, "kind": "team", "follow_team": "没有的团队"}
    )
    assert r.status_code == 422
    error = re.search(r'<div class="error" id="follow_team-error">([^<]*)</div>', r.text)
    assert error and "请从列表中选择" in error.group(1)
    assert re.search(r'<input id="follow_team" name="follow_team" [^>]*value="没有的团队"', r.text)
    assert service.profile(db, actor=actor_for(db, holder.id), investor_id=inv.id).follows == []


def test_the_pickers_search_every_record_as_one_types(client, db):
    """The pickers used to offer only the 500 newest records; now the server searches them
    all by id or name as one types (and a name typed in full works without script)."""
    holder, inv, team, achievement, project = _world(db)
    lab = make_org(db, kind="university")
    db.add_all(
        Team(organisation_id=lab.id, name_zh=f"新团队{i}", name_en=f"New team {i}")
        for i in range(service.SUGGESTIONS + 5)
    )
    db.flush()
    sign_in(client, holder.email)
    page = client.get(f"/market/investors/{inv.id}").text
    assert (
        f'value="{team.id}"'
        not in page.split('id="follow_team-choices"')[1].split("</datalist>")[0]
    )
    assert (
        f'data-suggest="/api/v1/market/investors/{inv.id}/follow-choices?kind=team&amp;q="' in page
    )
    url = f"/api/v1/market/investors/{inv.id}/follow-choices"

    def found(kind: str, q: str) -> list[dict[str, str]]:
        r = client.get(url, params={"kind": kind, "q": q})
        assert r.status_code == 200, r.text
        return r.json()

    assert found("team", "solid-STATE") == [
        {"value": str(team.id), "label": "Solid-state battery team · 固态电池团队"}
    ]
    assert found("team", str(team.id))[0]["value"] == str(team.id)  # that id first
    assert len(found("team", "")) == service.SUGGESTIONS  # the newest first
    assert found("team", "%") == [] and found("team", "_") == []  # typed, not wildcards
    assert [c["value"] for c in found("achievement", "硫化物")] == [str(achievement.id)]
    assert [c["value"] for c in found("project", "sodium")] == [str(project.id)]
    assert client.get(url, params={"kind": "region", "q": "x"}).status_code == 422
    # The old team, typed by name in full: followed without any script.
    form = {"csrf_token": client.cookies.get("labline_csrf"), "action": "follow"}
    r = client.post(
        f"/market/investors/{inv.id}",
        data={**form, "kind": "team", "follow_team": "Solid-state battery team"},
        follow_redirects=False,
    )
    assert r.status_code == 303, r.text
    shown = service.profile(db, actor=actor_for(db, holder.id), investor_id=inv.id)
    assert [(f.kind, f.value) for f in shown.follows] == [("team", str(team.id))]


def test_only_the_investor_side_reads_the_suggestions(client, db):
    _holder, inv, *_ = _world(db)
    other = make_person(db, org=make_org(db))
    sign_in(client, other.email)
    r = client.get(f"/api/v1/market/investors/{inv.id}/follow-choices", params={"kind": "team"})
    assert r.status_code == 404
