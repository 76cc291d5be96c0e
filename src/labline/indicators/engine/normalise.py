"""Direction-aware normalisation of an (alternatives × indicators) matrix, column by column.

`directions` holds +1 (higher is better) or −1 (lower is better) per column; after
normalisation every column reads "higher is better". NaN stays NaN (coverage is judged
later, never imputed here).
"""

from __future__ import annotations

from typing import Literal

import numpy as np

from labline.indicators.errors import InvalidParameter

Method = Literal["minmax", "zscore", "rank"]


def _directions(directions: np.ndarray | list[int] | None, n: int) -> np.ndarray:
    if directions is None:
        return np.ones(n)
    d = np.asarray(directions, dtype=float)
    if d.shape != (n,) or not np.isin(d, (1.0, -1.0)).all():
        raise InvalidParameter(f"directions must be {n} values of +1 or -1, got {directions!r}")
    return d


def minmax(
    *, matrix: np.ndarray, directions: np.ndarray | list[int] | None = None, scale: float = 100.0
) -> np.ndarray:
    """(x − min)/(max − min)·scale for benefit columns, (max − x)/(max − min)·scale for cost.

    A constant column carries no information and becomes `scale` everywhere (as pymcdm does).
    Works on the last axis-but-one, so a stack of matrices (draws × rows × cols) is fine.
    """
    x = np.asarray(matrix, dtype=float)
    d = _directions(directions, x.shape[-1])
    lo = np.nanmin(x, axis=-2, keepdims=True)
    hi = np.nanmax(x, axis=-2, keepdims=True)
    span = hi - lo
    safe = np.where(span == 0, 1.0, span)
    up = (x - lo) / safe
    out = np.where(d > 0, up, 1.0 - up)
    return np.where(span == 0, 1.0, out) * scale


def zscore(*, matrix: np.ndarray, directions: np.ndarray | list[int] | None = None) -> np.ndarray:
    """(x − mean)/sd (population sd), sign flipped for cost columns; constant column → 0."""
    x = np.asarray(matrix, dtype=float)
    d = _directions(directions, x.shape[-1])
    mean = np.nanmean(x, axis=-2, keepdims=True)
    sd = np.nanstd(x, axis=-2, keepdims=True)
    z = (x - mean) / np.where(sd == 0, 1.0, sd)
    return np.where(sd == 0, 0.0, z) * d


def rank(*, matrix: np.ndarray, directions: np.ndarray | list[int] | None = None) -> np.ndarray:
    """Average ranks 1..n per column (n = best), ties share the mean rank; NaN stays NaN."""
    from scipy.stats import rankdata  # scipy.stats costs a process 1-3 s to import

    x = np.asarray(matrix, dtype=float)
    d = _directions(directions, x.shape[-1])
    return rankdata(x * d, axis=-2, method="average", nan_policy="omit")


def normalise(
    *, matrix: np.ndarray, method: Method, directions: np.ndarray | list[int] | None = None
) -> np.ndarray:
    if method == "minmax":
        return minmax(matrix=matrix, directions=directions)
    if method == "zscore":
        return zscore(matrix=matrix, directions=directions)
    if method == "rank":
        return rank(matrix=matrix, directions=directions)
    raise InvalidParameter(f"unknown normalisation {method!r}; use minmax, zscore or rank")
