"""Composite indices: normalise, weight and aggregate a hierarchy of indicators, with
coverage rules instead of silent imputation, and Monte Carlo rank intervals.

A hierarchy is a nested mapping: {"pillar": {"weight": 0.5, "children": {...}}} down to
indicator codes as leaves ({"rd_intensity": {"weight": 0.3}}). Weights of siblings must
sum to one. Scores are 0–100 after normalisation; aggregation is arithmetic or geometric.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
from numpy.typing import NDArray

from labline.indicators.errors import IndicatorError, WeightsDoNotSumToOne

Normalisation = Literal["minmax", "zscore", "rank"]
Array = NDArray[np.float64]


def normalise(x: Array, *, method: Normalisation, higher_is_better: bool = True) -> Array:
    """Per column (indicator) over rows (regions); NaN stays NaN (coverage decides)."""
    x = np.asarray(x, dtype=float)
    if not higher_is_better:
        x = -x
    if method == "minmax":
        lo, hi = np.nanmin(x, axis=0), np.nanmax(x, axis=0)
        return (x - lo) / np.where(hi > lo, hi - lo, 1.0) * 100
    if method == "zscore":
        mu, sd = np.nanmean(x, axis=0), np.nanstd(x, axis=0)
        return 50 + 10 * (x - mu) / np.where(sd > 0, sd, 1.0)  # T-scores, same scale as 0–100
    if method == "rank":
        order = np.argsort(np.argsort(np.where(np.isnan(x), -np.inf, x), axis=0), axis=0).astype(
            float
        )
        n = np.sum(~np.isnan(x), axis=0)
        out = (order - (x.shape[0] - n)) / np.where(n > 1, n - 1, 1) * 100
        return np.where(np.isnan(x), np.nan, out)
    raise IndicatorError(
        f"unknown normalisation {method!r}; use minmax, zscore or rank", field="normalisation"
    )


@dataclass(frozen=True)
class Leaf:
    code: str
    weight: float  # the product of weights down the hierarchy


def leaves(hierarchy: Mapping[str, Any], *, path: str = "index", weight: float = 1.0) -> list[Leaf]:
    """Flatten to indicators with their overall weights, checking each level sums to one."""
    total = sum(float(node.get("weight", 0)) for node in hierarchy.values())
    if abs(total - 1.0) > 1e-9:
        raise WeightsDoNotSumToOne(f"weights under '{path}' sum to {total:.6g}, not 1", field=path)
    out: list[Leaf] = []
    for name, node in hierarchy.items():
        w = weight * float(node["weight"])
        if "children" in node:
            out += leaves(node["children"], path=f"{path}/{name}", weight=w)
        else:
            out.append(Leaf(name, w))
    return out


def check_coverage(
    x: Array, codes: list[str], regions: list[str], *, minimum: float = 0.75
) -> None:
    """Refuse a composite when a region lacks too many of its indicators (no silent imputation)."""
    share = np.mean(~np.isnan(x), axis=1)
    short = [(r, s) for r, s in zip(regions, share, strict=True) if s < minimum]
    if short:
        r, s = short[0]
        raise IndicatorError(
            f"{r} has {s:.0%} of the indicators, below the {minimum:.0%} coverage rule"
            f" ({len(short)} regions short)",
            field="coverage",
        )


def aggregate(
    scores: Array, weights: Array, *, method: Literal["arithmetic", "geometric"] = "arithmetic"
) -> Array:
    """Weighted mean over indicators of 0–100 scores, skipping missing ones (re-weighted)."""
    w = np.where(np.isnan(scores), 0.0, weights)
    w = w / np.where(w.sum(axis=-1, keepdims=True) > 0, w.sum(axis=-1, keepdims=True), 1.0)
    s = np.nan_to_num(scores)
    if method == "geometric":
        return np.exp((w * np.log(np.maximum(s, 1e-6))).sum(axis=-1))
    return (w * s).sum(axis=-1)


def composite(
    x: Array,
    weights: Array,
    *,
    method: Normalisation = "minmax",
    aggregation: Literal["arithmetic", "geometric"] = "arithmetic",
) -> Array:
    return aggregate(normalise(x, method=method), weights, method=aggregation)


def monte_carlo_ranks(
    x: Array,
    weights: Array,
    *,
    draws: int = 1000,
    seed: int = 0,
    concentration: float = 50.0,
    methods: tuple[Normalisation, ...] = ("minmax", "zscore", "rank"),
) -> tuple[Array, Array]:
    """Rank distribution of each region under random weights (Dirichlet around the given
    weights) and random normalisations: returns (median rank, [5th, 95th] percentile ranks)."""
    rng = np.random.default_rng(seed)
    normalised = np.stack([np.nan_to_num(normalise(x, method=m), nan=0.0) for m in methods])
    w = rng.dirichlet(np.asarray(weights) * concentration + 1e-9, size=draws)  # draws × indicators
    pick = rng.integers(0, len(methods), size=draws)
    scores = np.einsum("dk,drk->dr", w, normalised[pick])  # draws × regions
    ranks = np.argsort(np.argsort(-scores, axis=1), axis=1) + 1
    return np.median(ranks, axis=0), np.percentile(ranks, [5, 95], axis=0).T
