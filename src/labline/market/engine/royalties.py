"""Royalty tiers: checked for gaps and overlaps, and applied to a year's net sales.

Tiers are marginal, as licence agreements write them: "3% of annual net sales up to
¥50M, 5% of the part between ¥50M and ¥200M, 7% above". A minimum annual royalty lifts
a year's royalty to the minimum when the tiers give less.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

CENT = Decimal("0.01")
HUNDRED = Decimal(100)


class TierError(ValueError):
    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


@dataclass(frozen=True)
class Tier:
    from_sales: Decimal
    to_sales: Decimal | None  # None: no upper bound (the last tier)
    rate_percent: Decimal


def check_tiers(tiers: Sequence[Tier], *, field: str = "tiers") -> None:
    """Tiers start at 0, follow each other without gap or overlap, and only the last is
    open-ended; rates are between 0 and 100 %."""
    if not tiers:
        return
    expected = Decimal(0)
    for i, tier in enumerate(tiers):
        where = f"{field}.{i}"
        if not Decimal(0) <= tier.rate_percent <= HUNDRED:
            raise TierError(f"{where}.rate_percent", f"{tier.rate_percent} is outside 0–100 %")
        if tier.from_sales != expected:
            what = "overlaps the tier before" if tier.from_sales < expected else "leaves a gap"
            raise TierError(
                f"{where}.from_sales", f"{tier.from_sales} {what}: it must start at {expected}"
            )
        if tier.to_sales is None:
            if i != len(tiers) - 1:
                raise TierError(f"{where}.to_sales", "only the last tier may be open-ended")
            return
        if tier.to_sales <= tier.from_sales:
            raise TierError(f"{where}.to_sales", "must be above from_sales")
        expected = tier.to_sales


def royalty(
    net_sales: Decimal, tiers: Sequence[Tier], *, minimum: Decimal | None = None
) -> tuple[Decimal, bool]:
    """The royalty on a year's net sales, and whether the minimum was applied."""
    if net_sales < 0:
        raise TierError("net_sales", "cannot be negative")
    due = Decimal(0)
    for tier in tiers:
        if net_sales <= tier.from_sales:
            break
        top = net_sales if tier.to_sales is None else min(net_sales, tier.to_sales)
        due += (top - tier.from_sales) * tier.rate_percent / HUNDRED
    due = due.quantize(CENT)
    if minimum is not None and due < minimum:
        return minimum.quantize(CENT), True
    return due, False
