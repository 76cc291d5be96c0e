"""Figures by organisation, province and industry on a small world whose numbers were worked
out by hand (below), through the service, the API (JSON, CSV, Excel) and the page."""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime
from types import SimpleNamespace

import pytest
from sqlalchemy import select

from labline.core.models import Role
from labline.core.service.auth import actor_for
from labline.errors import InvalidInput
from labline.market.deals.schemas import ContractCreate, DealCreate, DealTransition
from labline.market.deals.service import deals
from labline.market.figures.service import breakdown_rows, market_figures
from labline.market.models import Feedback, FeedbackAction
from tests.factories import bearer, make_achievement, make_need, make_org, make_person, sign_in

START, END = date(2026, 1, 1), date(2027, 1, 1)
PERIOD = "start=2026-01-01&end=2027-01-01"


def _on(day: str) -> datetime:
    return datetime.fromisoformat(day).replace(tzinfo=UTC)


def _sign(db, operator, achievement, buyer, amount, signed_on, reg, currency="CNY") -> None:
    """An operator carries a deal through every stage (recording each side's NDA)."""
    deal = deals.open_deal(
        db, actor=operator, data=DealCreate(achievement_id=achievement.id, buyer_id=buyer.id)
    )
    for data in (
        DealTransition(action="introduce"),
        DealTransition(action="accept_nda", side="buyer"),
        DealTransition(action="accept_nda", side="seller"),
        DealTransition(action="negotiate"),
    ):
        deals.move(db, actor=operator, deal_id=deal.id, data=data)
    deals.sign_contract(
        db,
        actor=operator,
        deal_id=deal.id,
        data=ContractCreate.model_validate(
            {
                "kind": "licence",
                "amount": amount,
                "currency": currency,
                "signed_on": signed_on,
                "registration_no": reg,
            }
        ),
    )


@pytest.fixture()
def world(db):
    """Suzhou university A: 3 achievements published in 2026, two sold (1,200,000 yuan on
    day 51 after publication; 10,000 USD = 71,000 yuan on day 59).
    Beijing university B: 1 achievement published in 2026 sold on day 171 (50,000), and one
    published in December 2025 sold in 2026 on day 76 (300,000): it counts for contracts and
    days, not for the 2026 cohort.
    Shenzhen institute C: 1 pharmaceutical achievement (2710) published in 2026, unsold.
    A 2025 contract of A's is outside the period."""
    operator_person = make_person(db, roles=(Role.platform_operator,))
    operator = actor_for(db, operator_person.id)
    a = make_org(db, kind="university", region_code="320500", name_zh="甲大学", name_en="Uni A")
    b = make_org(db, kind="university", region_code="110108", name_zh="乙大学", name_en="Uni B")
    c = make_org(
        db, kind="research_institute", region_code="440300", name_zh="丙研究所", name_en="Inst C"
    )
    e1 = make_org(db, region_code="440300")
    e2 = make_org(db, region_code="310115")
    a1 = make_achievement(db, org=a, published_at=_on("2026-01-10"))
    a2 = make_achievement(db, org=a, published_at=_on("2026-02-01"))
    make_achievement(db, org=a, published_at=_on("2026-03-01"))
    old = make_achievement(db, org=a, published_at=_on("2025-03-01"))
    b1 = make_achievement(db, org=b, published_at=_on("2026-01-10"))
    b2 = make_achievement(db, org=b, published_at=_on("2025-12-01"))
    make_achievement(db, org=c, industry_code="2710", published_at=_on("2026-05-01"))
    _sign(db, operator, a1, e1, "1200000", "2026-03-02", "FIG-A1")
    _sign(db, operator, a2, e2, "10000", "2026-04-01", "FIG-A2", currency="USD")
    _sign(db, operator, b1, e1, "50000", "2026-06-30", "FIG-B1")
    _sign(db, operator, b2, e2, "300000", "2026-02-15", "FIG-B2")
    _sign(db, operator, old, e1, "999999", "2025-06-01", "FIG-OLD")
    return SimpleNamespace(
        a=a, b=b, c=c, e1=e1, operator=operator, operator_person=operator_person, a1=a1
    )


def test_figures_by_organisation_match_the_hand_count(db, world):
    rows = breakdown_rows(db, start=START, end=END, by="organisation")
    assert [r["key"] for r in rows] == [str(world.a.id), str(world.b.id), str(world.c.id)]
    a, b, c = rows
    assert (a["name_zh"], a["name_en"]) == ("甲大学", "Uni A")
    assert a["contracts"] == 2 and a["turnover_cny"] == 1_271_000.0
    assert a["published_achievements"] == 3 and a["achievements_with_contract"] == 2
    assert a["transformation_rate"] == pytest.approx(0.6667)
    assert a["median_days_to_contract"] == 55.0  # (51 + 59) / 2
    assert b["contracts"] == 2 and b["turnover_cny"] == 350_000.0
    assert b["published_achievements"] == 1 and b["transformation_rate"] == 1.0
    assert b["median_days_to_contract"] == 123.5  # (171 + 76) / 2
    assert c["contracts"] == 0 and c["turnover_cny"] == 0.0
    assert c["transformation_rate"] == 0.0 and c["median_days_to_contract"] is None
    # The rows add up to the totals.
    total = market_figures(db, start=START, end=END)
    assert total["contracts"] == sum(r["contracts"] for r in rows) == 4
    assert total["turnover_cny"] == sum(r["turnover_cny"] for r in rows) == 1_621_000.0
    assert total["published_achievements"] == 5 and total["transformation_rate"] == 0.6
    assert total["median_days_to_contract"] == 67.5  # days 51, 59, 76, 171


def test_filters_and_other_breakdowns(db, world):
    jiangsu = breakdown_rows(db, start=START, end=END, by="organisation", region="320000")
    assert [r["key"] for r in jiangsu] == [str(world.a.id)]
    pharma = breakdown_rows(db, start=START, end=END, by="organisation", industry="27")
    assert [(r["key"], r["published_achievements"]) for r in pharma] == [(str(world.c.id), 1)]
    regions = {r["key"]: r for r in breakdown_rows(db, start=START, end=END, by="region")}
    assert set(regions) == {"320000", "110000", "440000"}
    assert regions["320000"]["name_zh"] == "江苏省" and regions["110000"]["contracts"] == 2
    industries = {r["key"]: r for r in breakdown_rows(db, start=START, end=END, by="industry")}
    assert industries["38"]["contracts"] == 4 and industries["38"]["transformation_rate"] == 0.75
    assert industries["38"]["median_days_to_contract"] == 67.5
    assert industries["27"]["published_achievements"] == 1 and industries["27"]["contracts"] == 0
    first_half = breakdown_rows(db, start=START, end=date(2026, 7, 1), by="organisation")
    assert {r["key"]: r["contracts"] for r in first_half}[str(world.b.id)] == 2
    assert breakdown_rows(db, start=date(2024, 1, 1), end=date(2024, 2, 1), by="industry") == []
    with pytest.raises(InvalidInput) as err:
        breakdown_rows(db, start=START, end=END, by="planet")
    assert err.value.fields[0].field == "by"
    with pytest.raises(InvalidInput):
        breakdown_rows(db, start=END, end=START, by="organisation")


def test_the_acceptance_rate_follows_the_industry_filter(db, world):
    pv_need = make_need(db, org=world.e1)
    pharma_need = make_need(db, org=world.e1, industry_code="2710")
    achievement = make_achievement(db, org=world.a)
    for need, action in ((pv_need, FeedbackAction.accept), (pharma_need, FeedbackAction.dismiss)):
        db.add(
            Feedback(
                need_id=need.id,
                achievement_id=achievement.id,
                side="need",
                action=action,
                created_at=_on("2026-06-01"),
            )
        )
    db.flush()
    assert market_figures(db, start=START, end=END)["suggestion_acceptance_rate"] == 0.5
    pv = market_figures(db, start=START, end=END, industry="38")
    assert pv["suggestion_acceptance_rate"] == 1.0
    pharma = market_figures(db, start=START, end=END, industry="27")
    assert pharma["suggestion_acceptance_rate"] == 0.0


def test_the_api_gives_the_table_as_json_csv_and_excel(client, db, world):
    operator = bearer(db, world.operator_person)
    r = client.get(f"/api/v1/market/figures?{PERIOD}&by=organisation", headers=operator)
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["by"] == "organisation" and body["rows"][0]["turnover_cny"] == 1_271_000.0
    r = client.get(f"/api/v1/market/figures?{PERIOD}&by=organisation&format=csv", headers=operator)
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(r.content.decode("utf-8-sig"))))
    assert [row["name_en"] for row in rows] == ["Uni A", "Uni B", "Inst C"]
    assert rows[1]["median_days_to_contract"] == "123.5"
    r = client.get(f"/api/v1/market/figures?{PERIOD}&by=region&format=xlsx")
    assert r.status_code == 200 and r.content[:2] == b"PK"
    total = client.get(f"/api/v1/market/figures?{PERIOD}").json()
    assert total["contracts"] == 4 and "rows" not in total


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("by=planet", "by"),
        ("by=organisation&format=pdf", "format"),
        ("format=csv", "by"),  # a table download needs a breakdown
        ("by=organisation&region=32", "region"),
    ],
)
def test_bad_figure_requests_say_which_field(client, db, world, query, field):
    r = client.get(f"/api/v1/market/figures?{PERIOD}&{query}")
    assert r.status_code == 422, r.text
    assert field in {f["field"] for f in r.json()["error"]["fields"]}


def test_the_figures_page_shows_the_organisation_table(client, db, world):
    sign_in(client, world.operator_person.email)
    r = client.get("/market/figures?year=2026")
    assert r.status_code == 200
    html = r.text
    table = html[html.index('data-testid="by-organisation"') :]
    table = table[: table.index("</table>")]
    assert table.index("Uni A") < table.index("Uni B") < table.index("Inst C")
    assert "1,271,000" in table and "66.7 %" in table and "123.5" in table
    assert "by=organisation&amp;format=csv" in html
    r = client.get("/market/figures?year=2026&industry=27&region=")
    assert r.status_code == 200
    assert "Inst C" in r.text and "Uni A" not in r.text.split('data-testid="by-organisation"')[1]
    assert client.get("/market/figures?year=2026&industry=abc").status_code == 422
    assert db.scalar(select(Feedback.id)) is None  # reading figures writes nothing


def test_turnover_follows_one_rule_on_team_profiles_and_figures(client, db, world):
    """Uni A has one team: whoever may not see its turnover on the team's profile does not
    see it in the figures by organisation either (nor can tell it from the row order)."""
    member = make_person(db, org=world.a)
    stranger = make_person(db, org=world.e1)
    seen = {}
    for name, who in (("anonymous", None), ("stranger", stranger), ("member", member)):
        headers = bearer(db, who) if who else {}
        team = client.get(f"/api/v1/market/teams/{world.a1.id}", headers=headers)
        assert team.status_code == 200, team.text
        table = client.get(f"/api/v1/market/figures?{PERIOD}&by=organisation", headers=headers)
        assert table.status_code == 200, table.text
        row = next(r for r in table.json()["rows"] if r["key"] == str(world.a.id))
        seen[name] = (team.json()["turnover_cny"], row["turnover_cny"])
        # The same rule on both: hidden on one is hidden on the other.
        assert (seen[name][0] is None) == (seen[name][1] is None), (name, seen[name])
        hidden = [r for r in table.json()["rows"] if r["turnover_cny"] is None]
        assert hidden == sorted(hidden, key=lambda r: (-r["contracts"], r["key"]))
    assert seen["anonymous"] == (None, None) and seen["stranger"] == (None, None)
    assert seen["member"][1] == 1_271_000.0 and seen["member"][0] is not None
    page = client.get("/market/figures?year=2026").text
    table = page[page.index('data-testid="by-organisation"') :]
    assert "Uni A" in table and "1,271,000" not in table[: table.index("</table>")]
