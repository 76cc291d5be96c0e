"""Team and expert profiles, ranked teams for a need, and what each viewer may see of them."""

from __future__ import annotations

import json
import random
import time
from pathlib import Path

import pytest

from labline.core.models import Role
from labline.core.service.auth import actor_for
from labline.errors import InvalidInput, NotFound
from labline.market.models import Achievement, Deal, DealState
from labline.market.profiles.service import teams as profiles
from labline.market.profiles.service.matching import team_score
from labline.market.schemas import AccessDecision, AccessRequest
from labline.market.service import records
from labline.web.middleware import LANG_COOKIE
from tests.cli import cli_runner
from tests.factories import bearer, make_achievement, make_need, make_org, make_person, sign_in

SECRETS = ("HIDDEN-INVENTOR", "HIDDEN-DETAILS", "ZLHIDDEN")


def test_inventor_names_split_on_chinese_and_western_separators():
    assert profiles.inventor_names("张伟、李娜, Wang  Fang；张伟 and Li Lei") == [
        "张伟",
        "李娜",
        "Wang Fang",
        "Li Lei",
    ]
    assert profiles.inventor_names("  ") == []


def _ach(id_: int, org: int, inventors: str) -> Achievement:
    return Achievement(id=id_, organisation_id=org, inventors=inventors, field=f"f{id_}")


def test_teams_are_co_inventor_components_within_one_organisation():
    rows = [
        _ach(5, 1, "Li Na, Wang Fang"),
        _ach(2, 1, "Zhang Wei, li na"),  # the same Li Na, written differently
        _ach(3, 1, "Chen Jing"),
        _ach(4, 2, "Zhang Wei"),  # another organisation's Zhang Wei: another team
        _ach(6, 1, ""),  # nobody named: in no team
        _ach(9, 1, "Wang Fang、Zhao Min"),  # joins through Wang Fang
        _ach(7, 1, "Li Na"),
    ]
    teams = profiles.group(rows)
    assert [(t.id, [a.id for a in t.achievements]) for t in teams] == [
        (2, [2, 5, 7, 9]),
        (3, [3]),
        (4, [4]),
    ]
    first = teams[0]
    assert first.spelling[first.lead_key] == "Li Na"  # on three achievements, mostly so written
    assert profiles.group([_ach(1, 1, "B b, A a"), _ach(2, 1, "A a, B b")])[0].lead_key == "b b"
    for _ in range(5):  # the same teams whatever the row order
        random.shuffle(rows)
        assert [(t.id, len(t.inventors)) for t in profiles.group(rows)] == [(2, 4), (3, 1), (4, 1)]


def test_team_score_best_hit_dominates_a_crowd_of_weak_ones():
    assert team_score([0.6, 1.0, 0.8]) == pytest.approx(1.0 + 0.4 + 0.15)
    assert team_score([1.0]) > team_score([0.45] * 30)
    assert team_score([1.0, 0.9]) > team_score([1.0])


@pytest.fixture()
def world(db):
    enterprise = make_org(db)
    university = make_org(db, kind="university", region_code="320500")
    institute = make_org(db, kind="research_institute", region_code="440300")
    people = {
        "owner": make_person(db, org=enterprise),
        "researcher": make_person(db, org=university),
        "stranger": make_person(db, org=make_org(db)),
        "operator": make_person(db, roles=(Role.platform_operator,)),
    }
    secret = make_achievement(
        db,
        org=university,
        title="Perovskite tandem edge sealing",
        details="HIDDEN-DETAILS",
        ip_numbers="ZLHIDDEN01",
        inventors="HIDDEN-INVENTOR, Open Co",
    )
    sibling = make_achievement(
        db,
        org=university,
        title="Perovskite tandem damp heat encapsulation",
        inventors="Open Co",
    )
    other = make_achievement(
        db,
        org=institute,
        title="Sodium-ion layered oxide cathode",
        summary="Layered oxide cathodes for sodium-ion batteries",
        field="sodium-ion batteries",
        industry_code="3841",
        inventors="Solo Inventor",
    )
    draft = make_achievement(db, org=institute, state="draft", inventors="Solo Inventor, Draft X")
    need = make_need(db, org=enterprise)
    db.add(
        Deal(
            need_id=need.id,
            achievement_id=secret.id,
            buyer_id=enterprise.id,
            seller_id=university.id,
            state=DealState.interest,
        )
    )
    db.flush()
    return {
        **people,
        "university": university,
        "enterprise": enterprise,
        "secret": secret,
        "sibling": sibling,
        "other": other,
        "draft": draft,
        "need": need,
    }


def test_a_team_page_hides_inventors_from_those_not_admitted(client, db, world):
    secret = world["secret"]
    team_url = f"/market/teams/{world['sibling'].id}"  # any member achievement finds the team
    expert = f"{secret.id}-1"
    for who in (None, world["stranger"], world["owner"]):
        headers = bearer(db, who) if who else {}
        client.cookies.clear()
        if who:
            sign_in(client, who.email)
        for url in (
            "/api/v1/market/teams",
            f"/api/v1/market/teams/{secret.id}",
            "/market/teams",
            team_url,
            f"/market/achievements/{secret.id}",
        ):
            r = client.get(url, headers=headers if url.startswith("/api") else {})
            assert r.status_code == 200, (url, r.text[:200])
            for s in SECRETS:
                assert s not in r.text, (who, url, s)
        api_team = client.get(f"/api/v1/market/teams/{secret.id}", headers=headers).json()
        assert api_team["id"] == secret.id and api_team["hidden_members"] == 2
        assert api_team["members"] == [] and api_team["turnover_cny"] is None
        assert api_team["deals"] == {}  # who negotiates with the team is the parties' business
        assert "team" in api_team["name_en"] and "Open Co" not in api_team["name_en"]
        for url in (f"/api/v1/market/experts/{expert}", f"/market/experts/{expert}"):
            r = client.get(url, headers=headers if url.startswith("/api") else {})
            assert r.status_code == 404 and "HIDDEN" not in r.text, (who, url)
    # The university's researcher reads them all; the team is named after Open Co (on both).
    client.cookies.clear()
    sign_in(client, world["researcher"].email)
    page = client.get(team_url).text
    assert "Open Co team" in page and "HIDDEN-INVENTOR" in page and "HIDDEN-DETAILS" not in page
    ex = client.get(f"/api/v1/market/experts/{expert}", headers=bearer(db, world["researcher"]))
    assert ex.status_code == 200 and ex.json()["name"] == "HIDDEN-INVENTOR"
    assert [m["name"] for m in ex.json()["co_inventors"]] == ["Open Co"]
    insider = bearer(db, world["researcher"])
    inside = client.get(f"/api/v1/market/teams/{secret.id}", headers=insider)
    assert inside.json()["deals"] == {"interest": 1} and inside.json()["turnover_cny"] == "0"


def test_admission_to_one_achievement_discloses_only_its_inventors(db, world):
    stranger = actor_for(db, world["stranger"].id)
    records.request_access(
        db,
        actor=stranger,
        kind="achievement",
        record_id=world["sibling"].id,
        data=AccessRequest(nda_accepted=True),
    )
    owner = actor_for(db, world["researcher"].id)
    records.decide_access(
        db,
        actor=owner,
        kind="achievement",
        record_id=world["sibling"].id,
        person_id=world["stranger"].id,
        data=AccessDecision(admit=True),
    )
    stranger = actor_for(db, world["stranger"].id)
    team = profiles.get_team(db, actor=stranger, team_id=world["secret"].id)
    assert [m.name for m in team.members] == ["Open Co"] and team.hidden_members == 1
    assert team.name_en.startswith("Open Co team")
    # Open Co is named second on the secret achievement (the older one) too; the id the
    # stranger is given points into the achievement they may read, and the other is refused.
    assert team.members[0].expert_id == f"{world['sibling'].id}-1"
    with pytest.raises(NotFound):
        profiles.get_expert(db, actor=stranger, expert_id=f"{world['secret'].id}-2")
    expert = profiles.get_expert(db, actor=stranger, expert_id=team.members[0].expert_id)
    # Only the achievement the stranger was admitted to: not the secret one.
    assert [a.id for a in expert.achievements] == [world["sibling"].id]
    assert expert.co_inventors == []
    with pytest.raises(NotFound):
        profiles.get_expert(db, actor=stranger, expert_id=f"{world['secret'].id}-1")


def test_drafts_never_shape_a_team_and_bad_ids_are_refused(db, world):
    operator = actor_for(db, world["operator"].id)
    team = profiles.get_team(db, actor=operator, team_id=world["other"].id)
    assert [a.id for a in team.achievements] == [world["other"].id]
    assert [m.name for m in team.members] == ["Solo Inventor"]
    with pytest.raises(NotFound):
        profiles.get_team(db, actor=operator, team_id=world["draft"].id)
    with pytest.raises(NotFound):
        profiles.get_expert(db, actor=operator, expert_id=f"{world['other'].id}-2")
    with pytest.raises(InvalidInput) as bad:
        profiles.get_expert(db, actor=operator, expert_id="Solo Inventor")
    assert bad.value.fields[0].field == "expert_id"
    rows, total = profiles.list_teams(db, actor=operator, q="sodium")
    assert total == 1 and rows[0].id == world["other"].id


def test_teams_for_a_need_pool_the_engine_hits_with_reasons(client, db, world):
    url = f"/api/v1/market/needs/{world['need'].id}/teams"
    r = client.get(url, headers=bearer(db, world["owner"]))
    assert r.status_code == 200, r.text
    ranked = r.json()
    assert ranked[0]["team_id"] == world["secret"].id
    assert sorted(ranked[0]["achievement_ids"]) == sorted([world["secret"].id, world["sibling"].id])
    assert ranked[0]["score"] >= max(t["score"] for t in ranked)
    assert "best match #1" in ranked[0]["explanation"]
    assert "matched:" in ranked[0]["explanation"] and "perovskite" in ranked[0]["matched_terms"]
    for s in SECRETS:
        assert s not in r.text
    assert client.get(url, headers=bearer(db, world["stranger"])).status_code == 403
    assert (
        client.get(f"{url}?min_readiness=12", headers=bearer(db, world["owner"])).status_code == 422
    )
    # On the need's page, next to the achievements, in Chinese too.
    sign_in(client, world["owner"].email)
    page = client.get(f"/market/needs/{world['need'].id}").text
    assert (
        'data-testid="team-suggestions"' in page and f"/market/teams/{world['secret'].id}" in page
    )
    client.cookies.set(LANG_COOKIE, "zh")
    zh = client.get(f"/market/needs/{world['need'].id}").text
    assert "推荐的研究团队" in zh and "HIDDEN-INVENTOR" not in zh


def test_teams_commands_on_the_demo_world(tmp_path: Path) -> None:
    run = cli_runner(tmp_path)

    run("demo", "--size", "small", "--seed", "5")
    started = time.perf_counter()
    teams = json.loads(run("market", "teams", "--json"))
    elapsed = time.perf_counter() - started
    assert len(teams) >= 10 and elapsed < 5
    assert sum(t["achievements"] for t in teams) >= 200  # nearly every achievement is in a team
    biggest = teams[0]
    out = run("market", "team", str(biggest["id"]))
    assert f"team {biggest['id']}" in out and "members:" in out
    one_org = json.loads(run("market", "teams", "--org", str(biggest["organisation_id"]), "--json"))
    assert {t["organisation_id"] for t in one_org} == {biggest["organisation_id"]}
    assert "team" in run("market", "teams", "--need", "1")
    assert "There is no team 999999" in run("market", "team", "999999", code=2)


def test_a_teams_turnover_counts_technology_contracts_not_equity_rounds(client, db, world):
    from datetime import date
    from decimal import Decimal

    from labline.market.models import Contract, ContractKind

    secret = world["secret"]
    for kind, amount in ((ContractKind.licence, 100), (ContractKind.equity, 5000)):
        deal = Deal(
            achievement_id=secret.id,
            buyer_id=world["enterprise"].id,
            seller_id=world["university"].id,
            state=DealState.signed,
        )
        db.add(deal)
        db.flush()
        db.add(
            Contract(
                deal_id=deal.id,
                kind=kind,
                amount=Decimal(amount),
                currency="CNY",
                amount_cny=Decimal(amount),
                signed_on=date(2026, 1, 5),
                registration_no=f"TEAM-{kind.value}-{deal.id}",
                buyer_id=deal.buyer_id,
                seller_id=deal.seller_id,
            )
        )
    db.flush()
    insider = bearer(db, world["researcher"])
    team = client.get(f"/api/v1/market/teams/{secret.id}", headers=insider).json()
    assert Decimal(team["turnover_cny"]) == 100  # the equity round is investment, counted elsewhere
