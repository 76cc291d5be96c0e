"""The demo market: bilingual, consistent, with known true matches and a year of contracts."""

from __future__ import annotations

from datetime import date
from types import SimpleNamespace

from sqlalchemy import select

from labline import registry
from labline.core import refdata
from labline.core.access import command_line_actor
from labline.demo import world
from labline.market.captable import service as captable
from labline.market.demo.topics import topic_of, topics, true_matches
from labline.market.diligence import service as diligence
from labline.market.figures.service import market_figures
from labline.market.ledger import service as ledger
from labline.market.models import Achievement, Contract, Deal, DealState, State, TechnologyNeed
from labline.market.service import matching


def test_demo_market_is_believable_and_its_matches_are_findable(db):
    # How long the build takes is a benchmark's business, not a test's (a busy CI machine).
    built = world.build(db, size="small", seed=42, steps=registry.demo_steps())
    assert built.counts["market_needs"] >= 100 and built.counts["market_achievements"] >= 200
    needs = db.scalars(select(TechnologyNeed)).all()
    achievements = db.scalars(select(Achievement)).all()
    assert {n.language for n in needs} == {"zh", "en"}
    assert {a.language for a in achievements} == {"zh", "en"}
    for r in [*needs, *achievements]:
        assert refdata.is_industry_code(r.industry_code), r.industry_code
        assert r.state != State.published or r.published_at is not None
    # Organisations post needs in their own sector; institutes offer results in their own
    # fields (the demo accounts included): no photovoltaic firm seeks steelmaking methods.
    own = {o: s["key"] for o, s in built.org_sector.items()}
    for r in [*needs, *achievements]:
        t = topic_of(r.field)
        assert t is not None and topics()[t][0]["key"] == own[r.organisation_id], r.title
    # Contracts come from signed or delivered deals, inside the demo year.
    contracts = db.scalars(select(Contract)).all()
    assert len(contracts) >= 10
    for c in contracts:
        deal = db.get(Deal, c.deal_id)
        assert deal.state in (DealState.signed, DealState.delivered)
        assert date(2025, 12, 1) <= c.signed_on < date(2026, 12, 1)
    f = market_figures(db, start=date(2025, 12, 1), end=date(2026, 12, 1))
    # The technology contracts: the Series A's equity contract counts as investment instead.
    technology = [c for c in contracts if c.kind.value != "equity"]
    assert len(technology) == len(contracts) - 1
    assert f["contracts"] == len(technology) and 0 < f["transformation_rate"] < 1
    # A drug licence with milestones and royalty reports, read through the ledger service.
    drug = min(
        (c for c in contracts if c.kind.value == "licence"), key=lambda c: (c.signed_on, c.id)
    )
    book = ledger.ledger(db, actor=command_line_actor("test"), contract_id=drug.id)
    assert {i.kind for i in book.invoices} == {"upfront", "milestone", "royalty"}
    assert len(book.reports) == 2 and book.offer_id is not None
    assert book.totals.invoiced == book.totals.paid + book.totals.outstanding > 0
    # Its diligence checklist: two obligations met with evidence, one report late.
    checklist = diligence.checklist(db, actor=command_line_actor("test"), contract_id=drug.id)
    assert len(checklist) == 3 and [i.overdue for i in checklist] == [False, False, True]
    assert all(i.evidence for i in checklist if i.done_on)
    # A spin-off with a cap table: founders, the university's shares, an angel, a Series A.
    spin_off = built.orgs_by_kind["enterprise"][0]
    table = captable.cap_table(db, actor=command_line_actor("test"), issuer_id=spin_off)
    assert len(table.holders) >= 4 and {c.class_type for c in table.classes} == {
        "COMMON",
        "PREFERRED",
    }
    # Its Series A is an equity deal carried to signed (and delivered) through the deal
    # machinery, on the founding team's achievement; the round's issuance names both.
    (equity,) = [c for c in contracts if c.kind.value == "equity"]
    deal = db.get(Deal, equity.deal_id)
    assert deal.seller_id == spin_off and deal.state == DealState.delivered
    assert deal.buyer.kind.value == "investment_fund" and deal.introduced_at is not None
    assert deal.buyer_nda_at < deal.seller_nda_at < deal.updated_at
    (round_a,) = [i for i in table.issuances if i.deal_id is not None]
    assert round_a.deal_id == deal.id and round_a.team_id == deal.achievement.team_id
    assert round_a.issued_on == equity.signed_on
    assert equity.amount == round_a.quantity * round_a.share_price
    assert [t.id for t in table.teams] == [round_a.team_id]

    # The known matches are found across languages.
    truth = true_matches(db)
    holder = SimpleNamespace()
    actor = command_line_actor("test")
    languages = {a.id: a.language for a in achievements}
    checked = hits = crossed = 0
    for need in needs:
        if need.state != State.published or not truth.get(need.id):
            continue
        found = matching.suggest_for_need(db, actor=actor, holder=holder, need_id=need.id, k=5)
        good = [s.id for s in found if s.id in truth[need.id]]
        hits += len(good)
        crossed += sum(languages[a] != need.language for a in good)
        checked += 1
        if checked == 25:
            break
    assert hits / (5 * checked) > 0.5  # precision@5 on the known matches
    assert crossed > 0  # some true matches are in the other language


def test_same_seed_same_market(tmp_path):
    from tests.demo.test_world import _fingerprint

    a = _fingerprint(tmp_path / "a.db", 3)
    b = _fingerprint(tmp_path / "b.db", 3)
    assert a["market_needs:market"] == b["market_needs:market"]
    assert a["market_contracts:market"] == b["market_contracts:market"]
