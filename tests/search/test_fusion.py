"""Fusion: candidate-only fusion (the approximate index's path) ranks and scores exactly
as fusing whole arrays does."""

from __future__ import annotations

import numpy as np
import pytest

from labline.search import fusion


def _case(seed: int, n: int = 5000, with_bridge: bool = True):
    rng = np.random.default_rng(seed)
    direct = np.where(rng.random(n) < 0.3, rng.gamma(2.0, 2.0, n), 0).astype(np.float32)
    bridge = (
        np.where(rng.random(n) < 0.2, rng.gamma(2.0, 1.0, n), 0).astype(np.float32)
        if with_bridge
        else None
    )
    dense_rows = rng.choice(n, 300, replace=False).astype(np.int64)
    sims = rng.uniform(-0.2, 0.9, 300).astype(np.float32)  # negative ones too
    full = np.zeros(n, dtype=np.float32)
    full[dense_rows] = sims
    allowed = rng.random(n) < 0.4
    return direct, bridge, dense_rows, sims, full, allowed


@pytest.mark.parametrize("seed", range(6))
@pytest.mark.parametrize("coverage", [1.0, 0.5, 0.0])
def test_candidate_fusion_equals_fusing_whole_arrays(seed, coverage):
    direct, bridge, rows, sims, full, allowed = _case(seed, with_bridge=seed % 2 == 0)
    if coverage == 0.0:
        direct = np.zeros_like(direct)
    whole = fusion.fuse_top(
        direct=direct, dense=full, bridge=bridge, coverage=coverage, allowed=allowed, k=20
    )
    sparse = fusion.fuse_top(
        direct=direct,
        dense=sims,
        dense_rows=rows,
        bridge=bridge,
        coverage=coverage,
        allowed=allowed,
        k=20,
    )
    assert sparse.weights == whole.weights
    assert sparse.dense == whole.dense and sparse.direct == whole.direct
    np.testing.assert_allclose(sparse.scores, whole.scores, rtol=1e-5, atol=1e-6)
    # Same rows, except where two scores tie to float precision.
    assert sparse.rows.tolist() == whole.rows.tolist() or np.allclose(
        np.sort(sparse.scores), np.sort(whole.scores)
    )
    assert allowed[sparse.rows].all()


def test_fewer_allowed_rows_than_k():
    direct, bridge, rows, sims, _full, _ = _case(1)
    allowed = np.zeros(direct.shape[0], dtype=bool)
    allowed[[3, 4, int(rows[0])]] = True
    got = fusion.fuse_top(
        direct=direct,
        dense=sims,
        dense_rows=rows,
        bridge=bridge,
        coverage=1.0,
        allowed=allowed,
        k=20,
    )
    assert sorted(got.rows.tolist()) == sorted([3, 4, int(rows[0])])


def test_scale_maps_top_candidates_onto_unit_range():
    scores = np.array([0, 1, 2, 3, 4], dtype=np.float32)
    s = fusion.scale_of(scores, 3)
    assert (s.lo, s.hi) == (2.0, 4.0) and s.one(3.0) == 0.5
    np.testing.assert_allclose(s(scores), [-1, -0.5, 0, 0.5, 1])
    assert fusion.scale_of(np.zeros(4, np.float32), 2)(np.ones(4, np.float32)).tolist() == [0] * 4
