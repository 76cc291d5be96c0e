from __future__ import annotations

import numpy as np
import pytest

from labline.indicators.engine.normalise import minmax, normalise, rank, zscore
from labline.indicators.errors import InvalidParameter

X = np.array([[1.0, 10.0], [2.0, 20.0], [4.0, 40.0]])


def test_minmax_is_direction_aware():
    out = minmax(matrix=X, directions=[1, -1])
    assert out[:, 0].tolist() == pytest.approx([0.0, 100 / 3, 100.0])
    assert out[:, 1].tolist() == pytest.approx([100.0, 200 / 3, 0.0])


def test_minmax_stack_of_years_normalises_each_year():
    stack = np.stack([X, X * 2])
    assert np.allclose(minmax(matrix=stack)[1], minmax(matrix=X))


def test_zscore_and_rank():
    z = zscore(matrix=X, directions=[1, -1])
    assert z[:, 0].mean() == pytest.approx(0.0) and z[:, 0].std() == pytest.approx(1.0)
    assert np.allclose(z[:, 1], -z[:, 0])
    assert rank(matrix=X, directions=[1, -1]).tolist() == [[1, 3], [2, 2], [3, 1]]


def test_nan_is_kept_and_bad_directions_refused():
    x = np.array([[1.0], [np.nan], [3.0]])
    assert np.isnan(normalise(matrix=x, method="minmax")[1, 0])
    with pytest.raises(InvalidParameter):
        minmax(matrix=X, directions=[1, 0])
