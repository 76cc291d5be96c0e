"""Entropy weights and TOPSIS as used in the Chinese "new quality productive forces" studies.

The normalisation is stated, not implied: indicators are min–max normalised to [0, 1] by
direction, then shifted by a small constant (0.0001 in most of these studies) so that
p·ln p is defined; entropy weights are computed on that matrix, and TOPSIS ranks the
weighted min–max matrix by relative closeness to the ideal. This equals pymcdm's
`entropy_weights(shifted)` and `TOPSIS(minmax_normalization)(raw, w, types)`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from labline.indicators.engine.normalise import minmax
from labline.indicators.errors import IndicatorError, InvalidParameter

DEFAULT_SHIFT = 1e-4


@dataclass(frozen=True)
class TopsisResult:
    weights: np.ndarray
    closeness: np.ndarray  # in [0, 1], higher is better
    distance_to_ideal: np.ndarray
    distance_to_anti_ideal: np.ndarray


def _complete(matrix: np.ndarray) -> np.ndarray:
    x = np.asarray(matrix, dtype=float)
    if x.ndim != 2 or x.shape[0] < 2:
        raise InvalidParameter("need a 2-D matrix with at least two alternatives (rows)")
    if np.isnan(x).any():
        r, c = np.argwhere(np.isnan(x))[0]
        raise IndicatorError(f"missing value at row {r}, column {c}; entropy-TOPSIS needs all")
    return x


def entropy_weights(
    *,
    matrix: np.ndarray,
    directions: np.ndarray | list[int] | None = None,
    shift: float = DEFAULT_SHIFT,
) -> np.ndarray:
    """Entropy weights w_j = (1 − e_j)/Σ(1 − e_k), e_j = −Σ p_ij ln p_ij / ln m."""
    x = minmax(matrix=_complete(matrix), directions=directions, scale=1.0) + shift
    p = x / x.sum(axis=0, keepdims=True)
    # 0·ln 0 = 0 by convention (only reachable with shift = 0).
    plogp = np.where(p > 0, p * np.log(np.where(p > 0, p, 1.0)), 0.0)
    e = -plogp.sum(axis=0) / np.log(x.shape[0])
    d = 1.0 - e
    return np.asarray(d / d.sum())


def topsis(
    *,
    matrix: np.ndarray,
    weights: np.ndarray,
    directions: np.ndarray | list[int] | None = None,
) -> TopsisResult:
    """TOPSIS on the direction-aware min–max matrix (scale 1) with the given weights."""
    x = _complete(matrix)
    w = np.asarray(weights, dtype=float)
    if w.shape != (x.shape[1],):
        raise InvalidParameter(f"need {x.shape[1]} weights, got shape {w.shape}")
    v = minmax(matrix=x, directions=directions, scale=1.0) * w
    d_plus = np.sqrt(((v - v.max(axis=0)) ** 2).sum(axis=1))
    d_minus = np.sqrt(((v - v.min(axis=0)) ** 2).sum(axis=1))
    return TopsisResult(
        weights=w,
        closeness=d_minus / (d_plus + d_minus),
        distance_to_ideal=d_plus,
        distance_to_anti_ideal=d_minus,
    )


def entropy_topsis(
    *,
    matrix: np.ndarray,
    directions: np.ndarray | list[int] | None = None,
    shift: float = DEFAULT_SHIFT,
) -> TopsisResult:
    """The usual pipeline: entropy weights, then TOPSIS closeness with those weights."""
    w = entropy_weights(matrix=matrix, directions=directions, shift=shift)
    return topsis(matrix=matrix, weights=w, directions=directions)
