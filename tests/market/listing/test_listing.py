"""STAR Market listing readiness: each of the five standards of rules 2.1.2, from the
thresholds table; the gap per criterion; bad figures refused by field; the command line."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest
from click.testing import CliRunner
from pydantic import ValidationError

from labline.core.access import ANONYMOUS, command_line_actor
from labline.errors import NotSignedIn
from labline.market.listing import service
from labline.market.listing.schemas import ListingFigures

OP = command_line_actor("test")
YI = Decimal(100_000_000)  # 亿


def check(**figures):  # type: ignore[no-untyped-def]
    return service.readiness(actor=OP, figures=ListingFigures.model_validate(figures))


def test_the_table_cites_the_article_for_all_five_standards():
    rows = service.thresholds()
    assert {r.standard for r in rows} == {1, 2, 3, 4, 5}
    assert all("2.1.2" in r.article and r.rule_zh and r.rule_en for r in rows)
    assert all(isinstance(r.threshold, Decimal) for r in rows)


@pytest.mark.parametrize(
    ("figures", "met"),
    [
        # (1a) 10亿 and two profitable years summing to 5000万
        (dict(market_value=11 * YI, net_profit_last_year=3e7, net_profit_previous_year=2.5e7), [1]),
        # (1b) 10亿, profitable last year, revenue 1亿
        (dict(market_value=10 * YI, net_profit_last_year=1, revenue_last_year=YI), [1]),
        # (2) 15亿, revenue 2亿, R&D 15% of three years' revenue
        (
            dict(
                market_value=15 * YI,
                revenue_last_year=2 * YI,
                revenue_last_3_years=5 * YI,
                rd_last_3_years=Decimal("0.75") * YI,
                net_profit_last_year=-1,
            ),
            [2],
        ),
        # (3) 20亿, revenue 3亿, three years' operating cash flow 1亿 (and so (4)? no: 30亿)
        (
            dict(
                market_value=20 * YI,
                revenue_last_year=3 * YI,
                operating_cash_flow_last_3_years=YI,
                net_profit_last_year=-5,
            ),
            [3],
        ),
        (dict(market_value=30 * YI, revenue_last_year=3 * YI, net_profit_last_year=-1), [4]),
        # (5) 40亿 and a core product cleared for phase II (a drug company)
        (dict(market_value=40 * YI, pharmaceutical=True, core_products_in_phase2=1), [5]),
        (dict(market_value=40 * YI, pharmaceutical=True, technology_advantage=True), []),
        (dict(market_value=40 * YI, technology_advantage=True), [5]),
    ],
)
def test_each_standard(figures, met):
    assert (
        check(**{k: str(v) if not isinstance(v, bool) else v for k, v in figures.items()}).met
        == met
    )


def test_the_gap_says_how_far_short():
    r = check(
        market_value=str(14 * YI),
        revenue_last_year=str(YI),
        revenue_last_3_years=str(2 * YI),
        rd_last_3_years=str(Decimal("0.2") * YI),
    )
    two = next(s for s in r.standards if s.standard == 2)
    gaps = {c.criterion: c.gap for c in two.alternatives[0].criteria}
    assert gaps == {
        "market_value": YI,
        "revenue_last_year": YI,
        "rd_share_last_3_years": Decimal(5),  # 10% against 15%
    }
    one_b = next(s for s in r.standards if s.standard == 1).alternatives[1]
    profit = next(c for c in one_b.criteria if c.criterion == "net_profit_last_year")
    assert not profit.met and profit.gap == Decimal("0.01")
    # No revenue at all: the R&D share cannot be computed and is not met.
    none = check(market_value=str(20 * YI))
    share = next(s for s in none.standards if s.standard == 2).alternatives[0].criteria[2]
    assert share.value is None and not share.met


@pytest.mark.parametrize(
    ("figures", "field"),
    [
        ({"market_value": "-1"}, "market_value"),
        ({"market_value": "1", "revenue_last_year": "abc"}, "revenue_last_year"),
        ({"market_value": "1", "core_products_in_phase2": -1}, "core_products_in_phase2"),
        ({"market_value": "1", "ebitda": "5"}, "ebitda"),
        ({}, "market_value"),
    ],
)
def test_bad_figures_are_refused_by_field(figures, field):
    with pytest.raises(ValidationError) as exc:
        ListingFigures.model_validate(figures)
    assert field in {str(e["loc"][0]) for e in exc.value.errors()}


def test_anonymous_cannot_check_and_an_operator_table_replaces_the_shipped_one(tmp_path: Path):
    with pytest.raises(NotSignedIn):
        service.readiness(actor=ANONYMOUS, figures=ListingFigures(market_value=Decimal(1)))
    custom = tmp_path / "market"
    custom.mkdir()
    (custom / "star_listing_standards.csv").write_text(
        "standard,alternative,criterion,operator,threshold,unit,article,rule_zh,rule_en\n"
        "4,a,market_value,>=,100,CNY,art. X,市值,value\n",
        encoding="utf-8",
    )
    r = service.readiness(
        actor=OP, figures=ListingFigures(market_value=Decimal(100)), data_dir=tmp_path
    )
    assert r.met == [4] and r.source.endswith("star_listing_standards.csv")


def test_the_cli_checks_figures(tmp_path: Path):
    from labline.cli import cli

    source = tmp_path / "figures.json"
    source.write_text(json.dumps({"market_value": "4500000000", "technology_advantage": True}))
    runner = CliRunner()
    result = runner.invoke(
        cli, ["--data-dir", str(tmp_path), "market", "listing", str(source), "--json"]
    )
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["met"] == [5]
    text = runner.invoke(cli, ["--data-dir", str(tmp_path), "market", "listing", str(source)])
    assert "standard 5: MET" in text.output and "gap" in text.output
    source.write_text(json.dumps({"market_value": "-4"}))
    bad = runner.invoke(cli, ["--data-dir", str(tmp_path), "market", "listing", str(source)])
    assert bad.exit_code == 2 and "market_value" in bad.output
