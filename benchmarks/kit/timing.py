"""Latency figures."""

from __future__ import annotations


def percentile(values: list[float], q: float) -> float:
    """The value at quantile `q` (0 to 1) of `values`, by nearest rank (no interpolation)."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]
