"""Net present value and risk-adjusted NPV (rNPV) of a licence's cash flows.

A drug (or any staged technology) reaches each development stage only with some
probability. rNPV weights each cash flow by the probability of reaching the stage it belongs
to from the stage the asset is in today (the product of the passing probabilities in
between; 1 for the starting stage itself), then discounts it at the end of its year:

    rNPV = sum_t  P(reach stage_t | start) * amount_t / (1 + rate) ** year_t

Amounts are `Decimal` throughout; probabilities and the rate are `Decimal` too, so that a
valuation is reproducible to the cent.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

STAGES: tuple[str, ...] = ("preclinical", "phase1", "phase2", "phase3", "filing", "market")
CENT = Decimal("0.01")


class ValuationError(ValueError):
    """A valuation input that cannot be valued; `field` names the offending input."""

    def __init__(self, field: str, message: str, allowed: Sequence[str] = ()) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message
        self.allowed = list(allowed)


@dataclass(frozen=True)
class CashFlow:
    year: int
    amount: Decimal
    stage: str


@dataclass(frozen=True)
class StageValue:
    stage: str
    probability: Decimal  # of reaching this stage from the starting stage
    npv: Decimal
    rnpv: Decimal


@dataclass(frozen=True)
class Valuation:
    npv: Decimal
    rnpv: Decimal
    probability_of_approval: Decimal  # of reaching `market` from the starting stage
    by_stage: tuple[StageValue, ...]


def reach_probabilities(start: str, passing: Mapping[str, Decimal]) -> dict[str, Decimal]:
    """P(reach s | start) for every stage s from `start` on (1 for `start` itself)."""
    if start not in STAGES:
        raise ValuationError("stage", f"unknown stage {start!r}", STAGES)
    reach: dict[str, Decimal] = {}
    p = Decimal(1)
    for stage in STAGES[STAGES.index(start) :]:
        reach[stage] = p
        if stage != "market":
            p *= passing[stage]
    return reach


def check_probabilities(passing: Mapping[str, Decimal]) -> None:
    for stage, p in passing.items():
        if stage not in STAGES[:-1]:
            raise ValuationError(
                f"probabilities.{stage}", "not a stage that can be passed", STAGES[:-1]
            )
        if not Decimal(0) <= p <= Decimal(1):
            raise ValuationError(f"probabilities.{stage}", f"{p} is outside [0, 1]")


def value(
    *,
    rate: Decimal,
    start: str,
    cashflows: Sequence[CashFlow],
    passing: Mapping[str, Decimal],
) -> Valuation:
    """NPV and rNPV of `cashflows` for an asset now in stage `start`.

    `passing` maps each stage (but `market`) to the probability of passing from it to the
    next one; it must hold every stage from `start` to `filing`.
    """
    if not Decimal(-1) < rate <= Decimal(1):
        raise ValuationError("rate", f"{rate} is outside (-1, 1]")
    check_probabilities(passing)
    missing = [
        s for s in STAGES[STAGES.index(start) if start in STAGES else 0 : -1] if s not in passing
    ]
    if missing:
        raise ValuationError("probabilities", f"no passing probability for {', '.join(missing)}")
    reach = reach_probabilities(start, passing)
    per_stage: dict[str, list[Decimal]] = {}
    npv = rnpv = Decimal(0)
    for i, flow in enumerate(cashflows):
        if flow.stage not in STAGES:
            raise ValuationError(f"cashflows.{i}.stage", f"unknown stage {flow.stage!r}", STAGES)
        if flow.stage not in reach:
            raise ValuationError(
                f"cashflows.{i}.stage",
                f"{flow.stage} comes before the starting stage {start}",
                list(reach),
            )
        if not 0 <= flow.year <= 100:
            raise ValuationError(f"cashflows.{i}.year", f"{flow.year} is outside 0–100")
        discounted = flow.amount / (1 + rate) ** flow.year
        weighted = discounted * reach[flow.stage]
        npv += discounted
        rnpv += weighted
        sums = per_stage.setdefault(flow.stage, [Decimal(0), Decimal(0)])
        sums[0] += discounted
        sums[1] += weighted
    by_stage = tuple(
        StageValue(
            stage=s,
            probability=reach[s],
            npv=per_stage[s][0].quantize(CENT),
            rnpv=per_stage[s][1].quantize(CENT),
        )
        for s in STAGES
        if s in per_stage
    )
    return Valuation(
        npv=npv.quantize(CENT),
        rnpv=rnpv.quantize(CENT),
        probability_of_approval=reach["market"],
        by_stage=by_stage,
    )


def discount_sensitivity(
    *,
    rates: Sequence[Decimal],
    start: str,
    cashflows: Sequence[CashFlow],
    passing: Mapping[str, Decimal],
) -> list[tuple[Decimal, Decimal]]:
    """rNPV at each discount rate (for the deal-comparison chart)."""
    return [
        (r, value(rate=r, start=start, cashflows=cashflows, passing=passing).rnpv) for r in rates
    ]


def probability_sensitivity(
    *,
    rate: Decimal,
    start: str,
    cashflows: Sequence[CashFlow],
    passing: Mapping[str, Decimal],
    delta: Decimal = Decimal("0.1"),
) -> dict[str, tuple[Decimal, Decimal]]:
    """rNPV with each stage's passing probability moved down and up by `delta` (clamped)."""
    out: dict[str, tuple[Decimal, Decimal]] = {}
    for stage in STAGES[STAGES.index(start) : -1]:
        low = dict(passing, **{stage: max(Decimal(0), passing[stage] - delta)})
        high = dict(passing, **{stage: min(Decimal(1), passing[stage] + delta)})
        out[stage] = (
            value(rate=rate, start=start, cashflows=cashflows, passing=low).rnpv,
            value(rate=rate, start=start, cashflows=cashflows, passing=high).rnpv,
        )
    return out
