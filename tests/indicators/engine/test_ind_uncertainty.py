from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from labline.indicators.engine.composite import composite, flat_weights, node_from_dict
from labline.indicators.engine.normalise import minmax
from labline.indicators.engine.uncertainty import (
    compile_tree,
    draw_weights,
    rank_intervals,
    simulate_ranks,
)
from labline.indicators.errors import IndicatorError, WeightsDoNotSumToOne

TREE = node_from_dict(
    {
        "code": "index",
        "children": [
            {
                "code": "p1",
                "weight": 0.4,
                "children": [{"code": "a", "weight": 0.5}, {"code": "b", "weight": 0.5}],
            },
            {"code": "c", "weight": 0.6},
        ],
    }
)
CODES = ["a", "b", "c"]


def test_zero_spread_reproduces_nominal_weights():
    w = draw_weights(
        compiled=compile_tree(tree=TREE), draws=3, spread=0.0, rng=np.random.default_rng()
    )
    assert np.allclose(w, flat_weights(tree=TREE)[["a", "b", "c"]].to_numpy())


def test_perturbed_weights_sum_to_one():
    w = draw_weights(
        compiled=compile_tree(tree=TREE), draws=500, spread=0.5, rng=np.random.default_rng(1)
    )
    assert np.allclose(w.sum(axis=1), 1.0)
    assert w.std(axis=0).min() > 0


def test_zero_spread_minmax_matches_composite_ranks():
    rng = np.random.default_rng(3)
    x = rng.lognormal(size=(1, 12, 3))
    ranks = simulate_ranks(
        data=x, tree=TREE, indicators=CODES, draws=5, weight_spread=0.0, normalisations=("minmax",)
    )
    frame = pd.DataFrame(minmax(matrix=x[0]), columns=CODES)
    index = composite(normalised=frame, tree=TREE).index
    expected = index.rank(ascending=False).to_numpy()
    assert (ranks[:, 0, :] == expected).all()


def test_dominant_region_has_rank_one_interval():
    x = np.random.default_rng(0).uniform(size=(2, 10, 3))
    x[:, 4, :] = 10.0  # best on every indicator, every year
    ranks = simulate_ranks(data=x, tree=TREE, indicators=CODES, draws=200)
    table = rank_intervals(ranks=ranks, regions=[f"r{i}" for i in range(10)], periods=[2020, 2021])
    best = table[table["region"] == "r4"]
    assert (best[["rank_low", "rank_median", "rank_high"]] == 1).all().all()
    assert (table["rank_low"] <= table["rank_high"]).all()


def test_missing_value_and_bad_weights_refused():
    x = np.ones((1, 4, 3))
    x[0, 2, 1] = np.nan
    with pytest.raises(IndicatorError, match="'b'"):
        simulate_ranks(data=x, tree=TREE, indicators=CODES, draws=2)
    bad = node_from_dict({"code": "i", "children": [{"code": "a", "weight": 0.3}]})
    with pytest.raises(WeightsDoNotSumToOne):
        simulate_ranks(data=np.ones((1, 4, 1)), tree=bad, indicators=["a"], draws=2)
