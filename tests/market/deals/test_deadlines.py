"""Due days of a deal's next step: defaults per stage, moved by a party within limits, and
overdue deals flagged and filtered in the service, the API, the pages and the CLI."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path
from types import SimpleNamespace

import pytest

from labline.core.models import Role
from labline.core.service.auth import actor_for
from labline.errors import Conflict, InvalidInput, NotFound
from labline.market.deals.schemas import DealCreate, DealDue, DealTransition
from labline.market.deals.service import deadlines, deals
from tests import clock
from tests.cli import cli_runner
from tests.factories import bearer, make_achievement, make_need, make_org, make_person, sign_in

TODAY = clock.TODAY  # the platform's (Asia/Shanghai) today, which due days count from


@pytest.fixture()
def p(db):
    enterprise = make_org(db)
    university = make_org(db, kind="university", region_code="320500")
    buyer = make_person(db, org=enterprise)
    seller = make_person(db, org=university)
    operator = make_person(db, roles=(Role.platform_operator,))
    need = make_need(db, org=enterprise)
    opened = []
    for _ in range(3):
        achievement = make_achievement(db, org=university)
        opened.append(
            deals.open_deal(
                db,
                actor=actor_for(db, buyer.id),
                data=DealCreate(achievement_id=achievement.id, need_id=need.id),
            )
        )
    # Another pair's deal, late too: the buyer must not see it.
    other_buyer = make_person(db, org=(other := make_org(db)))
    theirs = deals.open_deal(
        db,
        actor=actor_for(db, other_buyer.id),
        data=DealCreate(achievement_id=make_achievement(db, org=university).id, buyer_id=other.id),
    )
    return SimpleNamespace(
        buyer_p=buyer,
        seller_p=seller,
        operator_p=operator,
        buyer=actor_for(db, buyer.id),
        seller=actor_for(db, seller.id),
        operator=actor_for(db, operator.id),
        stranger=actor_for(db, make_person(db, org=make_org(db)).id),
        deals=opened,
        theirs=theirs,
    )


def test_each_stage_has_a_default_due_day(db, p):
    deal = p.deals[0]
    assert deal.due_on == TODAY + timedelta(days=14) and not deal.overdue
    deals.move(db, actor=p.seller, deal_id=deal.id, data=DealTransition(action="introduce"))
    assert deal.due_on == TODAY + timedelta(days=21)
    deals.move(db, actor=p.buyer, deal_id=deal.id, data=DealTransition(action="accept_nda"))
    assert deal.due_on == TODAY + timedelta(days=21)  # the stage has not changed
    deals.move(
        db, actor=p.seller, deal_id=deal.id, data=DealTransition(action="abandon", reason="x")
    )
    assert deal.due_on is None and not deal.overdue


def test_a_party_moves_the_due_day_within_the_limits(db, p):
    deal = p.deals[0]
    later = TODAY + timedelta(days=60)  # interest: at most 60 days
    assert deals.set_due(db, actor=p.seller, deal_id=deal.id, data=DealDue(due_on=later))
    assert deal.due_on == later
    deals.set_due(db, actor=p.operator, deal_id=deal.id, data=DealDue(due_on=TODAY))
    assert deal.due_on == TODAY and not deal.overdue
    for bad, says in ((TODAY - timedelta(days=1), "in the past"), (later + timedelta(1), "after")):
        with pytest.raises(InvalidInput) as err:
            deals.set_due(db, actor=p.buyer, deal_id=deal.id, data=DealDue(due_on=bad))
        assert err.value.fields[0].field == "due_on" and says in err.value.fields[0].message
        assert err.value.fields[0].allowed == {"min": TODAY.isoformat(), "max": later.isoformat()}
    assert deal.due_on == TODAY  # nothing changed
    with pytest.raises(NotFound):
        deals.set_due(db, actor=p.stranger, deal_id=deal.id, data=DealDue(due_on=later))
    deals.move(
        db, actor=p.buyer, deal_id=deal.id, data=DealTransition(action="abandon", reason="x")
    )
    with pytest.raises(Conflict):
        deals.set_due(db, actor=p.buyer, deal_id=deal.id, data=DealDue(due_on=later))


def test_the_api_refuses_a_bad_due_day(client, db, p):
    deal = p.deals[0]
    url = f"/api/v1/market/deals/{deal.id}"
    far = (TODAY + timedelta(days=61)).isoformat()
    for body in ({"due_on": (TODAY - timedelta(days=3)).isoformat()}, {"due_on": far}, {}):
        r = client.patch(url, json=body, headers=bearer(db, p.buyer_p))
        assert r.status_code == 422, r.text
        assert r.json()["error"]["fields"][0]["field"] == "due_on"
    assert deal.due_on == TODAY + timedelta(days=14)
    r = client.patch(url, json={"due_on": TODAY.isoformat()}, headers=bearer(db, p.seller_p))
    assert r.status_code == 200 and r.json()["due_on"] == TODAY.isoformat()


def _make_late(db, p) -> None:
    p.deals[0].due_on = TODAY - timedelta(days=3)
    p.deals[1].due_on = TODAY - timedelta(days=10)
    p.theirs.due_on = TODAY - timedelta(days=1)
    db.flush()


def test_overdue_deals_are_flagged_and_filtered(client, db, p):
    _make_late(db, p)
    late = deals.list_deals(db, actor=p.buyer, overdue=True)
    assert [d.id for d in late] == [p.deals[1].id, p.deals[0].id]  # the latest due first
    assert all(d.overdue for d in late) and not p.deals[2].overdue
    assert len(deals.list_deals(db, actor=p.buyer)) == 3
    assert {d.id for d in deals.list_deals(db, actor=p.operator, overdue=True)} == {
        p.deals[0].id,
        p.deals[1].id,
        p.theirs.id,
    }
    assert deadlines.overdue_count(db, actor=p.buyer) == 2
    assert deadlines.overdue_count(db, actor=p.operator) == 3
    # A late deal that is over is no longer overdue.
    deals.move(
        db, actor=p.buyer, deal_id=p.deals[0].id, data=DealTransition(action="abandon", reason="x")
    )
    assert p.deals[0].due_on is None
    assert [d.id for d in deals.list_deals(db, actor=p.buyer, overdue=True)] == [p.deals[1].id]

    r = client.get("/api/v1/market/deals?overdue=1", headers=bearer(db, p.buyer_p))
    assert r.status_code == 200
    assert [(d["id"], d["overdue"]) for d in r.json()] == [(p.deals[1].id, True)]
    assert (
        client.get("/api/v1/market/deals?overdue=maybe", headers=bearer(db, p.buyer_p)).status_code
        == 422
    )


def test_pages_flag_overdue_deals_and_show_the_operator(client, db, p):
    _make_late(db, p)
    sign_in(client, p.buyer_p.email)
    listing = client.get("/market/deals?overdue=1").text
    assert f'href="/market/deals/{p.deals[1].id}"' in listing
    assert f'href="/market/deals/{p.deals[2].id}"' not in listing
    assert 'data-testid="overdue-count"' in listing
    page = client.get(f"/market/deals/{p.deals[1].id}").text
    assert 'data-testid="deal-overdue"' in page
    assert 'data-testid="deal-overdue"' not in client.get(f"/market/deals/{p.deals[2].id}").text
    # A past due day from the form is refused, saying so, and changes nothing.
    form = {"action": "due", "due_on": (TODAY - timedelta(days=1)).isoformat()}
    r = client.post(f"/market/deals/{p.deals[2].id}", data={**form, "csrf_token": _csrf(client)})
    assert r.status_code == 422 and "in the past" in r.text
    assert p.deals[2].due_on == TODAY + timedelta(days=14)
    client.cookies.clear()
    sign_in(client, p.operator_p.email)
    market = client.get("/market").text
    assert 'data-testid="overdue-deals"' in market and "3 deals are past their due day" in market


def _csrf(client) -> str:
    import re

    html = client.get("/market/deals").text
    found = re.search(r'name="csrf_token" value="([^"]+)"', html)
    return found[1] if found else client.cookies.get("csrf_token", "")


def test_the_cli_lists_overdue_deals(tmp_path: Path) -> None:
    run = cli_runner(tmp_path)

    run("demo", "--size", "small", "--seed", "7")
    everything = json.loads(run("market", "deals", "--json"))
    late = json.loads(run("market", "deals", "--overdue", "--json"))
    assert late and all(d["overdue"] for d in late)
    assert {d["id"] for d in late} == {d["id"] for d in everything if d["overdue"]}
    assert {d["state"] for d in everything} >= {"introduction", "nda", "negotiating"}
    open_one = next(d for d in everything if d["state"] == "interest")
    bad = run(
        "market",
        "due",
        str(open_one["id"]),
        "--as",
        "operator@labline.demo",
        "--on",
        "2001-01-01",
        code=2,
    )
    assert "due_on" in bad or "not" in bad
    report = json.loads(
        run(
            "market",
            "report",
            "--start",
            "2025-12-01",
            "--end",
            "2026-12-01",
            "--by",
            "organisation",
            "--json",
        )
    )
    assert report["by"] == "organisation" and report["rows"]
    assert (
        sum(r["contracts"] for r in report["rows"])
        == json.loads(
            run("market", "report", "--start", "2025-12-01", "--end", "2026-12-01", "--json")
        )["contracts"]
    )
    out = tmp_path / "orgs.csv"
    assert "rows written" in run(
        "market",
        "report",
        "--start",
        "2025-12-01",
        "--end",
        "2026-12-01",
        "--by",
        "organisation",
        "--output",
        str(out),
    )
    assert out.read_text(encoding="utf-8").startswith("key,name_zh")
    assert "by" in run(
        "market", "report", "--start", "2025-12-01", "--end", "2026-12-01", "--by", "planet", code=2
    )
