"""Composite indices and their uncertainty."""

from __future__ import annotations

import numpy as np
import pytest

from labline.indicators.errors import IndicatorError, WeightsDoNotSumToOne
from labline.indicators.methods import composite


def test_normalisations():
    x = np.array([[1.0, 10.0], [2.0, 20.0], [3.0, np.nan]])
    mm = composite.normalise(x, method="minmax")
    assert mm[:, 0].tolist() == [0, 50, 100] and np.isnan(mm[2, 1])
    assert composite.normalise(x, method="minmax", higher_is_better=False)[0, 0] == 100
    rk = composite.normalise(x, method="rank")
    assert rk[:, 0].tolist() == [0, 50, 100] and rk[:2, 1].tolist() == [0, 100]


def test_hierarchy_weights_multiply_and_must_sum_to_one():
    tree = {
        "inputs": {"weight": 0.4, "children": {"a": {"weight": 0.5}, "b": {"weight": 0.5}}},
        "outputs": {"weight": 0.6, "children": {"c": {"weight": 1.0}}},
    }
    assert [(leaf.code, leaf.weight) for leaf in composite.leaves(tree)] == [
        ("a", 0.2),
        ("b", 0.2),
        ("c", 0.6),
    ]
    tree["outputs"]["children"]["c"]["weight"] = 0.9
    with pytest.raises(WeightsDoNotSumToOne, match="index/outputs"):
        composite.leaves(tree)


def test_coverage_rule_names_the_region():
    x = np.array([[1.0, np.nan, np.nan, np.nan], [1.0, 2.0, 3.0, 4.0]])
    with pytest.raises(IndicatorError, match="西藏 has 25%"):
        composite.check_coverage(x, ["a", "b", "c", "d"], ["西藏", "北京"])


def test_arithmetic_and_geometric():
    s = np.array([[100.0, 0.0], [50.0, 50.0]])
    w = np.array([0.5, 0.5])
    assert composite.aggregate(s, w).tolist() == [50.0, 50.0]
    geo = composite.aggregate(s, w, method="geometric")
    assert geo[1] == pytest.approx(50.0) and geo[0] < 1  # geometric punishes a zero


def test_monte_carlo_intervals_contain_the_base_rank_and_are_reproducible():
    rng = np.random.default_rng(3)
    x = rng.normal(size=(31, 30))
    w = np.full(30, 1 / 30)
    base = np.argsort(np.argsort(-composite.composite(x, w))) + 1
    _median, interval = composite.monte_carlo_ranks(x, w, draws=500, seed=1)
    assert np.all(interval[:, 0] <= interval[:, 1])
    assert np.mean((interval[:, 0] <= base) & (base <= interval[:, 1])) > 0.9
    again = composite.monte_carlo_ranks(x, w, draws=500, seed=1)
    np.testing.assert_array_equal(again[1], interval)
