"""Entropy weights and TOPSIS, as Chinese "new quality productive forces" studies use them.

The normalisation is stated, because libraries differ: min–max to [0, 1] per indicator,
reversed for indicators where lower is better. Entropy weights then follow Shannon's
entropy of each indicator's shares; TOPSIS ranks by relative closeness to the ideal,
with Euclidean distances on the weighted min–max matrix.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from labline.indicators.errors import IndicatorError, WeightsDoNotSumToOne

Matrix = NDArray[np.float64]


def minmax(matrix: Matrix, benefit: NDArray[np.bool_]) -> Matrix:
    """Min–max per column to [0, 1]; cost columns (benefit False) reversed."""
    x = np.asarray(matrix, dtype=float)
    if np.isnan(x).any():
        rows, cols = np.nonzero(np.isnan(x))
        raise IndicatorError(
            f"missing value in row {rows[0]}, column {cols[0]}; impute or drop it first",
            field="matrix",
        )
    lo, hi = x.min(axis=0), x.max(axis=0)
    span = np.where(hi > lo, hi - lo, 1.0)
    norm = (x - lo) / span
    return np.where(benefit, norm, 1.0 - norm)


ENTROPY_SHIFT = 1e-4  # the usual translation (平移) so that no share is 0 inside the log


def entropy_weights(normalised: Matrix, *, shift: float = ENTROPY_SHIFT) -> NDArray[np.float64]:
    """Weights from the entropy of each column's shares, after shifting the min–max
    matrix by `shift` (as the Chinese entropy-method studies and pymcdm require)."""
    x = np.asarray(normalised, dtype=float) + shift
    m = x.shape[0]
    if m < 2:
        raise IndicatorError("entropy weights need at least two alternatives", field="matrix")
    sums = x.sum(axis=0)
    p = np.divide(x, sums, out=np.zeros_like(x), where=sums > 0)
    with np.errstate(divide="ignore", invalid="ignore"):
        plogp = np.where(p > 0, p * np.log(p), 0.0)
    entropy = -plogp.sum(axis=0) / np.log(m)
    d = 1.0 - entropy
    if d.sum() <= 0:
        raise IndicatorError(
            "every indicator is constant; entropy gives no weights", field="matrix"
        )
    return d / d.sum()


def check_weights(weights: NDArray[np.float64], *, tolerance: float = 1e-9) -> None:
    total = float(np.sum(weights))
    if abs(total - 1.0) > tolerance or np.any(np.asarray(weights) < 0):
        raise WeightsDoNotSumToOne(
            f"weights sum to {total:.12g}; they must be ≥ 0 and sum to 1", field="weights"
        )


def topsis(normalised: Matrix, weights: NDArray[np.float64]) -> NDArray[np.float64]:
    """Relative closeness to the ideal solution (higher is better), on a benefit matrix."""
    check_weights(weights)
    v = np.asarray(normalised, dtype=float) * weights
    best, worst = v.max(axis=0), v.min(axis=0)
    d_best = np.sqrt(((v - best) ** 2).sum(axis=1))
    d_worst = np.sqrt(((v - worst) ** 2).sum(axis=1))
    total = d_best + d_worst
    return np.divide(d_worst, total, out=np.full_like(total, 0.5), where=total > 0)


def entropy_topsis(
    matrix: Matrix, benefit: NDArray[np.bool_]
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """(weights, scores) for alternatives × indicators."""
    norm = minmax(matrix, np.asarray(benefit, dtype=bool))
    w = entropy_weights(norm)
    return w, topsis(norm, w)
