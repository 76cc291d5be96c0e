from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from pymcdm.methods import TOPSIS
from pymcdm.normalizations import minmax_normalization
from pymcdm.weights import entropy_weights as pymcdm_entropy

from labline.indicators.engine.china import nqpf_matrix, read_china_provincial
from labline.indicators.engine.mcda import DEFAULT_SHIFT, entropy_topsis, entropy_weights
from labline.indicators.engine.normalise import minmax

DIRECTIONS = np.array([1, 1, 1, 1, 1, -1, 1, 1])  # one cost column exercises the direction path


def _reference(matrix: np.ndarray, directions: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    # pymcdm's entropy_weights sum-normalises the raw matrix itself, so it gets the stated
    # normalisation explicitly: min–max by direction plus the shift.
    shifted = minmax(matrix=matrix, directions=directions, scale=1.0) + DEFAULT_SHIFT
    w = pymcdm_entropy(shifted)
    closeness = TOPSIS(normalization_function=minmax_normalization)(matrix, w, directions)
    return w, closeness


def _check(matrix: np.ndarray) -> float:
    w_ref, c_ref = _reference(matrix, DIRECTIONS)
    result = entropy_topsis(matrix=matrix, directions=DIRECTIONS)
    dev = max(np.abs(result.weights - w_ref).max(), np.abs(result.closeness - c_ref).max())
    assert dev < 1e-9
    return float(dev)


def test_matches_pymcdm_on_shipped_2022_extract(extract_dir):
    matrix = pd.read_csv(extract_dir / "china_rd_2022.csv", index_col="region")
    assert matrix.shape == (31, 8)
    _check(matrix.to_numpy())


def test_matches_pymcdm_on_full_provincial_panel(shared_data):
    panel, _ = read_china_provincial(folder=shared_data)
    matrix = nqpf_matrix(panel=panel).dropna()
    for _, cross_section in matrix.groupby(level="year"):
        _check(cross_section.to_numpy())
    _check(matrix.to_numpy())  # pooled province-years, as many studies do


def test_entropy_hand_computed():
    # Two alternatives, one column after min–max: [0, 1] + shift; closed form below.
    x = np.array([[1.0, 5.0], [3.0, 5.0]])
    w = entropy_weights(matrix=x, shift=0.0)
    # Column 1 → p = (0, 1), entropy 0; column 2 constant → p = (½, ½), entropy 1.
    assert w == pytest.approx([1.0, 0.0], abs=1e-15)


def test_topsis_closeness_ordering():
    x = np.array([[1.0, 10.0], [2.0, 5.0], [3.0, 1.0]])
    result = entropy_topsis(matrix=x, directions=[1, -1])
    assert np.argsort(result.closeness).tolist() == [0, 1, 2]
    assert result.closeness[2] == pytest.approx(1.0)
