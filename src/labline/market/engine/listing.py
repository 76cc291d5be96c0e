"""Listing readiness for the SSE STAR Market: a company's figures against each listing
standard of the exchange's rules (上海证券交易所科创板股票上市规则, article 2.1.2).

The thresholds are data (`market/refdata/star_listing_standards.csv`): one row per criterion,
grouped into a standard's alternatives (standard 1 has two: (a) profit over two years, or
(b) last year's profit and revenue). A standard is met when all criteria of one of its
alternatives are met. For each criterion unmet the gap says how far the figure falls short.
Amounts are decimals in yuan.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

OPERATORS = (">=", ">")


@dataclass(frozen=True)
class Threshold:
    standard: int
    alternative: str
    criterion: str
    operator: str
    threshold: Decimal
    unit: str
    article: str
    rule_zh: str
    rule_en: str


@dataclass(frozen=True)
class Figures:
    market_value: Decimal
    revenue_last_year: Decimal
    revenue_last_3_years: Decimal
    rd_last_3_years: Decimal
    net_profit_last_year: Decimal
    net_profit_previous_year: Decimal
    operating_cash_flow_last_3_years: Decimal
    pharmaceutical: bool
    core_products_in_phase2: int
    technology_advantage: bool


@dataclass(frozen=True)
class Check:
    threshold: Threshold
    value: Decimal | None  # None: cannot be computed (R&D share without revenue)
    met: bool
    gap: Decimal  # how much more the figure needs (0 when met)


def load(path: Path) -> list[Threshold]:
    with path.open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    out = []
    for i, row in enumerate(rows, start=2):
        if row["operator"] not in OPERATORS:
            raise ValueError(f"{path.name} line {i}: operator {row['operator']!r}")
        out.append(
            Threshold(
                standard=int(row["standard"]),
                alternative=row["alternative"],
                criterion=row["criterion"],
                operator=row["operator"],
                threshold=Decimal(row["threshold"]),
                unit=row["unit"],
                article=row["article"],
                rule_zh=row["rule_zh"],
                rule_en=row["rule_en"],
            )
        )
    return out


def metrics(f: Figures) -> dict[str, Decimal | None]:
    """The quantities the rules name, derived from the company's figures."""
    share = (
        (f.rd_last_3_years * 100 / f.revenue_last_3_years).quantize(Decimal("0.01"))
        if f.revenue_last_3_years > 0
        else None
    )
    stage = f.core_products_in_phase2 if f.pharmaceutical else int(f.technology_advantage)
    return {
        "market_value": f.market_value,
        "revenue_last_year": f.revenue_last_year,
        "rd_share_last_3_years": share,
        "net_profit_last_year": f.net_profit_last_year,
        "net_profit_each_of_last_2_years": min(f.net_profit_last_year, f.net_profit_previous_year),
        "net_profit_last_2_years": f.net_profit_last_year + f.net_profit_previous_year,
        "operating_cash_flow_last_3_years": f.operating_cash_flow_last_3_years,
        "stage_results": Decimal(stage),
    }


def check(thresholds: list[Threshold], figures: Figures) -> list[Check]:
    values = metrics(figures)
    out = []
    for t in thresholds:
        value = values.get(t.criterion)
        if value is None:
            out.append(Check(t, None, False, t.threshold))
            continue
        met = value >= t.threshold if t.operator == ">=" else value > t.threshold
        gap = Decimal(0) if met else t.threshold - value
        # "more than 0" needs a little more than the threshold: the gap is at least a fen.
        if not met and t.operator == ">":
            gap += Decimal("0.01")
        out.append(Check(t, value, met, gap))
    return out


def standards_met(checks: list[Check]) -> dict[int, bool]:
    """Per standard: whether all criteria of one of its alternatives are met."""
    alternatives: dict[tuple[int, str], bool] = {}
    for c in checks:
        key = (c.threshold.standard, c.threshold.alternative)
        alternatives[key] = alternatives.get(key, True) and c.met
    out: dict[int, bool] = {}
    for (standard, _alt), ok in alternatives.items():
        out[standard] = out.get(standard, False) or ok
    return out
