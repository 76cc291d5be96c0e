"""An investor's feed (what the follows bring up) comes a page at a time, in the service, the
JSON API and the page: newest achievements first, then the followed teams and projects.
Issue 17: it used to stop at 30 rows with no way on."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from labline.core.access import command_line_actor
from labline.core.models import Role, Team
from labline.core.service import people
from labline.core.service.auth import actor_for
from labline.errors import NotFound
from labline.market.investors import service
from labline.market.investors.schemas import FollowCreate, InvestorCreate
from labline.review.models import ProposalStatus
from labline.schemas import PageParams
from tests import clock
from tests.factories import (
    make_achievement,
    make_call,
    make_org,
    make_person,
    make_proposal,
    sign_in,
)

OP = command_line_actor("test")


@pytest.fixture()
def w(db):  # type: ignore[no-untyped-def]
    fund = make_org(db, kind="investment_fund", region_code="310000")
    holder = make_person(db, org=fund)
    people.grant_role(
        db, actor=OP, person_id=holder.id, role=Role.investor, organisation_id=fund.id
    )
    me = actor_for(db, holder.id)
    inv = service.register(
        db, actor=me, data=InvestorCreate(organisation_id=fund.id, kind="venture_fund")
    )
    lab = make_org(db, kind="university", region_code="320500")
    # Seven batteries, newest first by publication; one more of each kind the feed leaves out.
    newest_first = [
        make_achievement(
            db, org=lab, industry_code="3841", published_at=clock.NOW - timedelta(days=d)
        ).id
        for d in range(1, 8)
    ]
    make_achievement(db, org=lab, industry_code="2710")  # a field not followed
    make_achievement(db, org=fund, industry_code="3841")  # the fund's own
    make_achievement(db, org=lab, industry_code="3841", state="draft")  # not published
    team = Team(organisation_id=lab.id, name_zh="电池团队", name_en="Battery team")
    db.add(team)
    db.flush()
    project = make_proposal(db, call=make_call(db), status=ProposalStatus.funded)
    for kind, value in (("field", "384"), ("team", str(team.id)), ("project", str(project.id))):
        service.follow(db, actor=me, investor_id=inv.id, data=FollowCreate(kind=kind, value=value))
    expected = [("achievement", i) for i in newest_first]
    expected += [("team", team.id), ("project", project.id)]
    return {"me": me, "inv": inv.id, "holder": holder, "expected": expected}


def _page(db, w, page: int, per_page: int):  # type: ignore[no-untyped-def]
    return service.feed(
        db, actor=w["me"], investor_id=w["inv"], page=PageParams(page=page, per_page=per_page)
    )


def test_the_feed_pages_through_achievements_then_teams_and_projects(db, w):
    seen = []
    for n in (1, 2, 3):
        page = _page(db, w, n, 3)
        assert (page.total, page.pages, page.page) == (9, 3, n)
        assert len(page.items) == 3
        seen += [(item.kind, item.id) for item in page.items]
    assert seen == w["expected"]  # each once, in order, across the pages
    # A page that ends where the achievements do: the next one holds the team and project.
    assert [(i.kind, i.id) for i in _page(db, w, 2, 7).items] == w["expected"][7:]
    assert [(i.kind, i.id) for i in _page(db, w, 1, 8).items] == w["expected"][:8]
    beyond = _page(db, w, 4, 3)
    assert beyond.items == [] and beyond.total == 9
    # The profile carries the first page (25 rows by default), or the one asked for.
    profile = service.profile(db, actor=w["me"], investor_id=w["inv"])
    assert [(i.kind, i.id) for i in profile.feed.items] == w["expected"]
    asked = service.profile(
        db, actor=w["me"], investor_id=w["inv"], page=PageParams(page=2, per_page=4)
    )
    assert [(i.kind, i.id) for i in asked.feed.items] == w["expected"][4:8]
    stranger = actor_for(db, make_person(db).id)
    with pytest.raises(NotFound):  # the feed is the investor's own business
        _page(db, w | {"me": stranger}, 1, 3)


def test_the_api_and_the_page_page_through_the_feed(client, db, w):
    sign_in(client, w["holder"].email)
    url = f"/api/v1/market/investors/{w['inv']}/feed"
    body = client.get(url, params={"page": 3, "per_page": 3}).json()
    assert (body["total"], body["page"], body["per_page"]) == (9, 3, 3)
    assert [(i["kind"], i["id"]) for i in body["items"]] == w["expected"][6:]
    first = client.get(url).json()
    assert first["per_page"] == 25 and len(first["items"]) == 9
    for bad in ({"page": 0}, {"per_page": 0}, {"per_page": 101}, {"page": "x"}):
        r = client.get(url, params=bad)
        assert r.status_code == 422, (bad, r.text)
    shown = client.get(f"/api/v1/market/investors/{w['inv']}").json()["feed"]
    assert shown["total"] == 9 and len(shown["items"]) == 9

    page = client.get(f"/market/investors/{w['inv']}", params={"page": 2, "per_page": 3}).text
    assert page.count('data-testid="feed-item"') == 3
    links = dict(re.findall(r'<a href="([^"]+)" rel="(prev|next)"', page))
    assert set(links.values()) == {"prev", "next"}
    assert {k.replace("&amp;", "&") for k in links} == {
        "?page=1&per_page=3#feed",
        "?page=3&per_page=3#feed",
    }
    one = client.get(f"/market/investors/{w['inv']}").text
    assert one.count('data-testid="feed-item"') == 9 and 'rel="next"' not in one

    client.cookies.clear()
    sign_in(client, make_person(db).email)
    assert client.get(url).status_code == 404
