"""Royalty tiers: marginal rates, minimums, and every malformed tier set refused by name."""

from __future__ import annotations

from decimal import Decimal as D

import pytest

from labline.market.engine.royalties import Tier, TierError, check_tiers, royalty

TIERS = [
    Tier(D(0), D(50_000_000), D(3)),
    Tier(D(50_000_000), D(200_000_000), D(5)),
    Tier(D(200_000_000), None, D(7)),
]


@pytest.mark.parametrize(
    ("sales", "expected"),
    [
        (D(0), D("0.00")),
        (D(10_000_000), D("300000.00")),
        (D(50_000_000), D("1500000.00")),
        (D(100_000_000), D("4000000.00")),  # 1.5M + 5% of 50M
        (D(300_000_000), D("16000000.00")),  # 1.5M + 7.5M + 7% of 100M
    ],
)
def test_tiers_are_marginal(sales: D, expected: D) -> None:
    check_tiers(TIERS)
    assert royalty(sales, TIERS) == (expected, False)


def test_the_minimum_annual_royalty_lifts_a_small_year() -> None:
    assert royalty(D(1_000_000), TIERS, minimum=D(500_000)) == (D("500000.00"), True)
    assert royalty(D(100_000_000), TIERS, minimum=D(500_000)) == (D("4000000.00"), False)


@pytest.mark.parametrize(
    ("tiers", "field", "words"),
    [
        ([Tier(D(0), D(10), D(3)), Tier(D(5), None, D(5))], "tiers.1.from_sales", "overlaps"),
        ([Tier(D(0), D(10), D(3)), Tier(D(12), None, D(5))], "tiers.1.from_sales", "gap"),
        ([Tier(D(1), None, D(3))], "tiers.0.from_sales", "gap"),
        ([Tier(D(0), None, D(-1))], "tiers.0.rate_percent", "outside"),
        ([Tier(D(0), None, D(3)), Tier(D(10), None, D(5))], "tiers.0.to_sales", "last"),
        ([Tier(D(0), D(0), D(3))], "tiers.0.to_sales", "above"),
    ],
)
def test_malformed_tiers_are_refused_by_name(tiers: list[Tier], field: str, words: str) -> None:
    with pytest.raises(TierError) as exc:
        check_tiers(tiers)
    assert exc.value.field == field and words in exc.value.message
