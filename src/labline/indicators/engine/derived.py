"""Derived indicators: ratios of panel variables, as the catalogue formulas define them."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from labline.indicators.errors import IndicatorError

if TYPE_CHECKING:
    import pandas as pd


def ratio(
    *, panel: pd.DataFrame, numerator: str, denominator: str, code: str, scale: float = 100.0
) -> pd.DataFrame:
    """numerator / denominator × scale per region-year (R&D intensity, shares, per-10k rates).

    Units must already agree (convert at import); a zero denominator is an error, not inf.
    """
    wide = panel.pivot_table(
        index=["region", "year"], columns="indicator", values="value", aggfunc="first"
    )
    for name in (numerator, denominator):
        if name not in wide.columns:
            raise IndicatorError(f"panel has no indicator {name!r} for {code!r}")
    both = wide[[numerator, denominator]].dropna()
    zero = both[both[denominator] == 0]
    if len(zero):
        region, year = zero.index[0]
        raise IndicatorError(f"{denominator} is 0 for {region!r} in {year}; {code} is undefined")
    value = both[numerator] / both[denominator] * scale
    out = value.rename("value").reset_index()
    out["indicator"] = code
    return out[["region", "year", "indicator", "value"]].assign(
        value=lambda f: f["value"].astype(np.float64)
    )
