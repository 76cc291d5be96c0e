from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from labline.indicators.engine.composite import composite, flat_weights, node_from_dict
from labline.indicators.errors import (
    InsufficientCoverage,
    NonPositiveForLog,
    WeightsDoNotSumToOne,
)

TREE = node_from_dict(
    {
        "code": "index",
        "children": [
            {
                "code": "inputs",
                "weight": 0.5,
                "children": [{"code": "a", "weight": 0.5}, {"code": "b", "weight": 0.5}],
            },
            {
                "code": "outputs",
                "weight": 0.5,
                "children": [{"code": "c", "weight": 0.25}, {"code": "d", "weight": 0.75}],
            },
        ],
    }
)
DATA = pd.DataFrame(
    {"a": [100.0, 0.0], "b": [50.0, 50.0], "c": [20.0, 80.0], "d": [40.0, 60.0]},
    index=pd.Index(["X", "Y"], name="region"),
)


def test_arithmetic_hand_computed():
    result = composite(normalised=DATA, tree=TREE)
    # X: inputs 75, outputs 0.25·20 + 0.75·40 = 35 → index 55
    assert result.scores.loc["X", "inputs"] == 75.0
    assert result.scores.loc["X", "outputs"] == 35.0
    assert result.index.loc["X"] == 55.0
    assert np.allclose(result.index, DATA[flat_weights(tree=TREE).index] @ flat_weights(tree=TREE))


def test_geometric_hand_computed():
    result = composite(normalised=DATA.loc[["X"]] + 1, tree=TREE, aggregation="geometric")
    inputs = np.sqrt(101 * 51)
    outputs = 21**0.25 * 41**0.75
    assert result.index.loc["X"] == pytest.approx(np.sqrt(inputs * outputs))


def test_geometric_refuses_zero():
    with pytest.raises(NonPositiveForLog, match=r"a for 'Y' is 0\.0"):
        composite(normalised=DATA, tree=TREE, aggregation="geometric")


def test_weights_must_sum_to_one():
    bad = node_from_dict(
        {"code": "index", "children": [{"code": "a", "weight": 0.6}, {"code": "b", "weight": 0.6}]}
    )
    with pytest.raises(WeightsDoNotSumToOne, match=r"'index' sum to 1\.2"):
        composite(normalised=DATA, tree=bad)


def test_coverage_reported_not_imputed():
    data = DATA.copy()
    data.loc["Y", ["c", "d"]] = np.nan
    result = composite(normalised=data, tree=TREE, min_coverage=0.6)
    assert np.isnan(result.scores.loc["Y", "outputs"])
    assert np.isnan(result.index.loc["Y"])  # index coverage 0.5 < 0.6
    assert {(g.node, g.region) for g in result.gaps} == {("outputs", "Y"), ("index", "Y")}
    with pytest.raises(InsufficientCoverage, match="'outputs' for region 'Y' has 0%"):
        composite(normalised=data, tree=TREE, min_coverage=0.6, strict=True)


def test_partial_coverage_reweights_present_children():
    data = DATA.copy()
    data.loc["X", "c"] = np.nan
    result = composite(normalised=data, tree=TREE, min_coverage=0.5)
    assert result.scores.loc["X", "outputs"] == 40.0
    assert not result.gaps
