"""GII outlier treatment, per indicator (Global Innovation Index technical notes, JRC audit).

An indicator is problematic when |skewness| > 2 (the brief's threshold; GII editions use
2 or 2.25) and kurtosis > 3.5, both as spreadsheet SKEW/KURT compute them (sample-adjusted,
excess kurtosis). Up to five extreme points on the skewed side are winsorised one at a
time (winsorising at 1, 2, … 5 points: the most extreme values take the next value
in line), re-testing after each. If the series still
fails after five, the original series is log-transformed instead:

    positive skew:  ln[(max − 1)·(x − min)/(max − min) + 1]
    negative skew:  ln[(max − 1)·(max − x)/(max − min) + 1], then the direction is flipped back

so the transform keeps the order and the range start at 0.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np

Treatment = Literal["none", "winsorised", "log"]


@dataclass(frozen=True)
class OutlierResult:
    values: np.ndarray
    treatment: Treatment
    points: int  # how many points were winsorised
    skewness: float  # of the original series
    kurtosis: float


def shape(values: np.ndarray) -> tuple[float, float]:
    """(skewness, excess kurtosis) with the small-sample corrections of Excel's SKEW/KURT."""
    from scipy.stats import kurtosis, skew  # scipy.stats costs 1-3 s to import

    x = values[~np.isnan(values)]
    if x.size < 4 or np.ptp(x) == 0:
        return 0.0, 0.0
    return float(skew(x, bias=False)), float(kurtosis(x, fisher=True, bias=False))


def is_problematic(*, skewness: float, kurt: float, skew_limit: float, kurt_limit: float) -> bool:
    return abs(skewness) > skew_limit and kurt > kurt_limit


def gii_log(values: np.ndarray, *, positive: bool) -> np.ndarray:
    x = np.asarray(values, dtype=float)
    lo, hi = np.nanmin(x), np.nanmax(x)
    scale = max(hi - 1.0, 0.0)  # GII scales by (max − 1); series with max ≤ 1 get no stretch
    if positive:
        return np.log(scale * (x - lo) / (hi - lo) + 1.0)
    # Mirror, transform, mirror back: the largest values keep the highest transformed value.
    mirrored = np.log(scale * (hi - x) / (hi - lo) + 1.0)
    return np.nanmax(mirrored) - mirrored


def treat_outliers(
    *,
    values: np.ndarray,
    max_points: int = 5,
    skew_limit: float = 2.0,
    kurt_limit: float = 3.5,
) -> OutlierResult:
    x0 = np.asarray(values, dtype=float)
    s0, k0 = shape(x0)
    if not is_problematic(skewness=s0, kurt=k0, skew_limit=skew_limit, kurt_limit=kurt_limit):
        return OutlierResult(x0.copy(), "none", 0, s0, k0)
    finite = np.flatnonzero(~np.isnan(x0))
    order = finite[np.argsort(x0[finite], kind="stable")]
    if s0 < 0:
        order = order[::-1]  # negative skew: the extreme points are the smallest
    for points in range(1, min(max_points, order.size - 2) + 1):
        # Winsorise at `points`: the most extreme `points` values take the next value in line.
        x = x0.copy()
        x[order[-points:]] = x0[order[-points - 1]]
        s, k = shape(x)
        if not is_problematic(skewness=s, kurt=k, skew_limit=skew_limit, kurt_limit=kurt_limit):
            return OutlierResult(x, "winsorised", points, s0, k0)
    return OutlierResult(gii_log(x0, positive=s0 > 0), "log", 0, s0, k0)


def treat_matrix(
    *, matrix: np.ndarray, max_points: int = 5, skew_limit: float = 2.0, kurt_limit: float = 3.5
) -> tuple[np.ndarray, list[OutlierResult]]:
    """Column-by-column treatment; returns the treated matrix and what was done to each column."""
    x = np.asarray(matrix, dtype=float)
    results = [
        treat_outliers(
            values=x[:, j], max_points=max_points, skew_limit=skew_limit, kurt_limit=kurt_limit
        )
        for j in range(x.shape[1])
    ]
    return np.column_stack([r.values for r in results]), results
