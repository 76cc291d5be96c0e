"""Reviewer calibration, disagreement statistics and the funding-line lottery."""

from __future__ import annotations

import numpy as np
import pytest

from labline.review.engine.calibration import (
    InvalidReviewInput,
    calibrate,
    disagreement,
    lottery,
)


def planted(seed: int = 0, n_rev: int = 40, n_prop: int = 120, per: int = 4, noise: float = 0.3):
    rng = np.random.default_rng(seed)
    quality = rng.normal(5.0, 1.0, n_prop)
    bias = rng.normal(0.0, 1.0, n_rev)
    bias -= bias.mean()
    reviewers, proposals = [], []
    for p in range(n_prop):
        for r in rng.choice(n_rev, per, replace=False):
            reviewers.append(int(r))
            proposals.append(p)
    r = np.array(reviewers)
    p = np.array(proposals)
    x = quality[p] + bias[r] + rng.normal(0.0, noise, len(r))
    return r, p, x, quality, bias


def test_recovers_planted_reviewer_biases() -> None:
    r, p, x, quality, bias = planted()
    cal = calibrate(reviewers=r, proposals=p, scores=x, min_reviews=3)
    assert abs(cal.reviewer_effect.sum()) < 1e-8
    assert np.corrcoef(cal.reviewer_effect, bias)[0, 1] > 0.95
    assert np.abs(cal.reviewer_effect - bias).max() < 0.5
    # Calibrated means track true quality better than raw means.
    raw_err = np.abs(cal.raw_mean - quality).mean()
    cal_err = np.abs(cal.calibrated_mean - quality).mean()
    assert cal_err < 0.6 * raw_err
    assert cal.calibrated_rank.min() == 1
    assert cal.calibrated_rank[np.argmax(cal.calibrated_mean)] == 1


def test_exact_fit_without_noise() -> None:
    r, p, x, quality, bias = planted(seed=1, noise=0.0)
    cal = calibrate(reviewers=r, proposals=p, scores=x)
    np.testing.assert_allclose(cal.reviewer_effect, bias, atol=1e-6)
    np.testing.assert_allclose(cal.proposal_effect, quality, atol=1e-6)
    assert cal.residual_std < 1e-6


def test_min_reviews_rule() -> None:
    # Reviewer 0 reviews everything and is harsh; reviewer 3 writes only two reviews.
    r = np.array([0, 1, 0, 2, 0, 1, 0, 3, 0, 3])
    p = np.array([0, 0, 1, 1, 2, 2, 3, 3, 4, 4])
    x = np.array([3.0, 6.0, 4.0, 7.0, 2.0, 5.0, 4.0, 9.0, 1.0, 6.0])
    cal = calibrate(reviewers=r, proposals=p, scores=x, min_reviews=3)
    assert cal.review_counts.tolist() == [5, 2, 1, 2]
    assert cal.applied_effect[0] == cal.reviewer_effect[0] != 0
    assert (cal.applied_effect[1:] == 0).all()
    np.testing.assert_allclose(
        cal.calibrated_mean,
        [np.mean([3, 6]) - cal.applied_effect[0] / 2]
        + [(x[p == q].sum() - cal.applied_effect[0]) / 2 for q in range(1, 5)],
    )
    none = calibrate(reviewers=r, proposals=p, scores=x, min_reviews=10)
    np.testing.assert_allclose(none.calibrated_mean, none.raw_mean)
    np.testing.assert_array_equal(none.calibrated_rank, none.raw_rank)


def test_calibration_errors() -> None:
    with pytest.raises(InvalidReviewInput, match="one length"):
        calibrate(reviewers=[0, 1], proposals=[0], scores=[1.0])
    with pytest.raises(InvalidReviewInput, match="NaN"):
        calibrate(reviewers=[0], proposals=[0], scores=[np.nan])


def test_disagreement_and_split() -> None:
    p = np.array([0, 0, 0, 1, 1, 1, 2])
    x = np.array([9.0, 2.0, 5.0, 5.0, 6.0, 5.0, 7.0])
    dis = disagreement(proposals=p, scores=x, scale=(1, 9))
    assert dis.split.tolist() == [True, False, False]
    assert dis.range.tolist() == [7.0, 1.0, 0.0]
    np.testing.assert_allclose(dis.std[:2], [np.std([9, 2, 5], ddof=1), np.std([5, 6, 5], ddof=1)])
    assert dis.std[2] == 0.0
    assert dis.count.tolist() == [3, 3, 1]
    with pytest.raises(InvalidReviewInput):
        disagreement(proposals=p, scores=x, scale=(9, 1))


def test_lottery_reproducible_and_order_free() -> None:
    tied = ["P-104", "P-017", "P-233", "P-090", "P-311"]
    a = lottery(candidates=tied, k=2, seed=20261123)
    b = lottery(candidates=list(reversed(tied)), k=2, seed=20261123)
    assert a == b
    assert a.winners == a.order[:2] and sorted(a.order) == sorted(tied)
    draws = {tuple(lottery(candidates=tied, k=2, seed=s).winners) for s in range(30)}
    assert len(draws) > 5  # different seeds give different draws
    # Pinned: the published seed must give the same draw on every machine and release.
    assert a.order == ["P-090", "P-104", "P-017", "P-311", "P-233"]
    with pytest.raises(InvalidReviewInput):
        lottery(candidates=tied, k=6, seed=1)
    with pytest.raises(InvalidReviewInput):
        lottery(candidates=["a", "a"], k=1, seed=1)
