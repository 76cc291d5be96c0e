"""Reviewer assignment: exact against the dense reference and brute force, constraints,
errors, randomised marginals, fairness floor and alternates."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from labline.review.engine.assignment import (
    AssignmentInfeasible,
    InvalidAssignmentInput,
    solve,
)
from labline.review.engine.flow import SCALE
from labline.review.engine.reference import solve_reference


def instance(
    seed: int, n_rev: int = 15, n_prop: int = 25, demand: int = 3, conflicts: float = 0.1
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    s = rng.random((n_rev, n_prop))
    s[rng.random(s.shape) < conflicts] = -1.0
    d = np.full(n_prop, demand)
    hi = np.full(n_rev, int(np.ceil(1.3 * demand * n_prop / n_rev)))
    return s, d, hi


def check_valid(a, s, d, hi, lo=None) -> None:
    assert (s[a.reviewers, a.proposals] >= 0).all(), "a conflicted pair was assigned"
    assert len(set(zip(a.reviewers.tolist(), a.proposals.tolist(), strict=True))) == len(
        a.reviewers
    )
    np.testing.assert_array_equal(np.bincount(a.proposals, minlength=len(d)), d)
    loads = np.bincount(a.reviewers, minlength=len(hi))
    assert (loads <= hi).all()
    if lo is not None:
        assert (loads >= lo).all()


TOL = 1e-6  # a few pairs × 0.5/SCALE of rounding, with room


@pytest.mark.parametrize("seed", range(8))
def test_equals_dense_reference(seed: int) -> None:
    s, d, hi = instance(seed)
    lo = np.full(len(hi), 2) if seed % 2 else None
    # A thin candidate list forces column generation to do the work.
    a = solve(scores=s, demands=d, max_loads=hi, min_loads=lo, candidates=3)
    ref = solve_reference(scores=s, demands=d, max_loads=hi, min_loads=lo)
    assert a.status == "OPTIMAL"
    assert abs(a.objective - ref.objective) < TOL
    assert a.bound >= a.objective - TOL and a.ratio > 1 - 1e-8
    check_valid(a, s, d, hi, lo)


def test_openreview_two_stage_never_beats_exact() -> None:
    s, d, hi = instance(3)
    lo = np.full(len(hi), 4)
    exact = solve(scores=s, demands=d, max_loads=hi, min_loads=lo)
    two = solve_reference(
        scores=s, demands=d, max_loads=hi, min_loads=lo, method="minmax-two-stage"
    )
    assert two.objective <= exact.objective + TOL


def brute_force(s: np.ndarray, d: np.ndarray, hi: np.ndarray, lo: np.ndarray) -> float:
    n_rev, n_prop = s.shape
    options = [
        [c for c in itertools.combinations(range(n_rev), int(d[p])) if (s[list(c), p] >= 0).all()]
        for p in range(n_prop)
    ]
    best = -np.inf
    for choice in itertools.product(*options):
        loads = np.zeros(n_rev, int)
        for c in choice:
            loads[list(c)] += 1
        if (loads <= hi).all() and (loads >= lo).all():
            best = max(best, sum(s[list(c), p].sum() for p, c in enumerate(choice)))
    return best


@pytest.mark.parametrize("seed", range(6))
def test_equals_brute_force(seed: int) -> None:
    rng = np.random.default_rng(100 + seed)
    s = rng.random((4, 4))
    s[rng.random(s.shape) < 0.15] = -1.0
    d = np.array([2, 2, 1, 2])
    hi = np.array([2, 2, 2, 3])
    lo = np.array([1, 0, 1, 0])
    best = brute_force(s, d, hi, lo)
    if best == -np.inf:
        with pytest.raises(AssignmentInfeasible):
            solve(scores=s, demands=d, max_loads=hi, min_loads=lo)
        return
    a = solve(scores=s, demands=d, max_loads=hi, min_loads=lo)
    assert abs(a.objective - best) < TOL
    check_valid(a, s, d, hi, lo)


def test_float32_scores_and_scale_reported() -> None:
    s, d, hi = instance(11, n_rev=30, n_prop=60)
    a = solve(scores=s.astype(np.float32), demands=d, max_loads=hi)
    ref = solve_reference(scores=s.astype(np.float32), demands=d, max_loads=hi)
    assert a.scale == SCALE
    assert abs(a.objective - ref.objective) < TOL


def test_errors_name_the_problem() -> None:
    s, d, hi = instance(0)
    with pytest.raises(InvalidAssignmentInput, match="demands has shape"):
        solve(scores=s, demands=d[:-1], max_loads=hi)
    with pytest.raises(InvalidAssignmentInput, match="max_loads has shape"):
        solve(scores=s, demands=d, max_loads=hi[:-1])
    bad = s.copy()
    bad[2, 5] = np.nan
    with pytest.raises(InvalidAssignmentInput, match="reviewer 2, proposal 5"):
        solve(scores=bad, demands=d, max_loads=hi)
    with pytest.raises(AssignmentInfeasible, match="exceeds total reviewer capacity"):
        solve(scores=s, demands=d, max_loads=np.ones_like(hi))
    blocked = s.copy()
    blocked[:-2, 7] = -1.0  # proposal 7 keeps two reviewers but needs three
    with pytest.raises(AssignmentInfeasible, match="proposal 7 needs 3 reviews"):
        solve(scores=blocked, demands=d, max_loads=hi)
    with pytest.raises(InvalidAssignmentInput, match="min_load"):
        solve(scores=s, demands=d, max_loads=hi, min_loads=hi + 1)
    with pytest.raises(AssignmentInfeasible, match="minimum loads"):
        solve(scores=s, demands=d, max_loads=hi, min_loads=hi)
    assert issubclass(AssignmentInfeasible, ValueError)


def test_infeasible_beyond_the_simple_checks() -> None:
    # Two proposals can only use reviewer 0 and 1, each of whom can take one review.
    s = np.array([[0.5, 0.5, -1.0], [0.5, 0.5, -1.0], [-1.0, -1.0, 0.9], [-1, -1, 0.9]])
    with pytest.raises(AssignmentInfeasible):
        solve(scores=s, demands=np.array([2, 2, 1]), max_loads=np.array([1, 1, 3, 3]))


def test_alternates_are_next_best_and_allowed() -> None:
    s, d, hi = instance(5)
    a = solve(scores=s, demands=d, max_loads=hi, alternates=2)
    assert a.alternates is not None and a.alternates.shape == (len(d), 2)
    for p in range(len(d)):
        chosen = set(a.of_proposal(p).tolist())
        alt = [r for r in a.alternates[p] if r >= 0]
        assert not chosen & set(alt)
        assert all(s[r, p] >= 0 for r in alt)
        rest = [r for r in range(len(hi)) if r not in chosen and s[r, p] >= 0]
        best = sorted(rest, key=lambda r: -s[r, p])[: len(alt)]
        np.testing.assert_allclose(s[alt, p], s[best, p])


def test_randomised_marginals_match_lp_and_cap() -> None:
    s, d, hi = instance(7, n_rev=8, n_prop=6, demand=2, conflicts=0.05)
    q = 0.5
    draws = 1500
    first = solve(scores=s, demands=d, max_loads=hi, randomised=True, max_pair_probability=q)
    assert first.marginals is not None and first.lp_objective is not None
    rev, prop, prob = first.marginals
    assert (prob <= q + 1e-12).all()
    exact = solve(scores=s, demands=d, max_loads=hi)
    assert first.lp_objective <= exact.objective + TOL  # the cap can only cost affinity
    counts = np.zeros(s.shape)
    total = 0.0
    for seed in range(draws):
        a = solve(
            scores=s, demands=d, max_loads=hi, randomised=True, max_pair_probability=q, seed=seed
        )
        check_valid(a, s, d, hi)
        counts[a.reviewers, a.proposals] += 1
        total += a.objective
    lp = np.zeros(s.shape)
    lp[rev, prop] = prob
    empirical = counts / draws
    # 4.5 binomial standard errors; pairs outside the LP support are never drawn.
    se = np.sqrt(np.maximum(lp * (1 - lp), 1e-12) / draws)
    assert (np.abs(empirical - lp) <= 4.5 * se + 1e-9).all()
    assert (empirical[lp == 0] == 0).all()
    assert abs(total / draws - first.lp_objective) < 0.05


def test_randomised_infeasible_cap() -> None:
    s, d, hi = instance(1, n_rev=6, n_prop=4, demand=3, conflicts=0.0)
    with pytest.raises(AssignmentInfeasible, match="probability"):
        solve(scores=s, demands=d, max_loads=hi, randomised=True, max_pair_probability=0.4)
    with pytest.raises(InvalidAssignmentInput):
        solve(scores=s, demands=d, max_loads=hi, randomised=True, max_pair_probability=1.5)


def test_fairness_floor() -> None:
    rng = np.random.default_rng(3)
    s = rng.random((5, 4)) ** 3  # skewed: the plain optimum starves some proposals
    d = np.array([2, 2, 2, 2])
    hi = np.full(5, 2)
    feasible = []  # (total, min per proposal, choice) of every valid assignment
    for choice in itertools.product(*[list(itertools.combinations(range(5), 2))] * 4):
        loads = np.zeros(5, int)
        for c in choice:
            loads[list(c)] += 1
        if (loads <= hi).all():
            sums = [s[list(c), p].sum() for p, c in enumerate(choice)]
            feasible.append((sum(sums), min(sums)))
    plain = solve(scores=s, demands=d, max_loads=hi)
    per = np.bincount(plain.proposals, weights=s[plain.reviewers, plain.proposals])
    maximin = max(m for _, m in feasible)
    assert maximin > per.min() + 1e-6, "instance should make the floor bind"
    floor = (float(per.min()) + maximin) / 2
    fair = solve(scores=s, demands=d, max_loads=hi, fairness_floor=floor)
    per_fair = np.bincount(fair.proposals, weights=s[fair.reviewers, fair.proposals])
    assert (per_fair >= floor - 1e-9).all()
    assert fair.status == "OPTIMAL"
    check_valid(fair, s, d, hi)
    best = max(total for total, m in feasible if m >= floor)
    assert abs(fair.objective - best) < 1e-6
    assert fair.objective <= plain.objective + TOL
    with pytest.raises(AssignmentInfeasible, match="fairness floor infeasible"):
        solve(scores=s, demands=d, max_loads=hi, fairness_floor=maximin + 1e-3)
    with pytest.raises(AssignmentInfeasible, match="proposal"):
        solve(scores=s, demands=d, max_loads=hi, fairness_floor=1.99)


@pytest.mark.slow
def test_clustered_medium_instance_equals_reference() -> None:
    # Topic-clustered affinities with tight capacity: many rounds of column generation.
    rng = np.random.default_rng(42)
    n_rev, n_prop, topics = 300, 900, 12
    rt = rng.integers(0, topics, n_rev)
    pt = rng.integers(0, topics, n_prop)
    s = np.where(rt[:, None] == pt[None, :], 0.6, 0.05) + 0.4 * rng.random((n_rev, n_prop))
    s = np.minimum(s, 1.0)
    s[rng.random(s.shape) < 0.01] = -1.0
    d = np.full(n_prop, 3)
    hi = np.full(n_rev, 11)
    lo = np.full(n_rev, 3)
    a = solve(scores=s, demands=d, max_loads=hi, min_loads=lo)
    ref = solve_reference(scores=s, demands=d, max_loads=hi, min_loads=lo)
    assert abs(a.objective - ref.objective) < TOL
    check_valid(a, s, d, hi, lo)


def test_any_finite_scale_is_accepted_and_reported_in_its_units() -> None:
    """Real affinities whose maximum is 1 plus float noise (issue 14) were refused."""
    s, d, hi = instance(3)
    noisy = s.copy()
    noisy[np.unravel_index(np.argmax(noisy), noisy.shape)] = 1.0000000000000027
    clipped = solve(scores=np.minimum(noisy, 1.0), demands=d, max_loads=hi)
    a = solve(scores=noisy, demands=d, max_loads=hi)
    assert abs(a.objective - clipped.objective) < TOL
    assert a.ratio == pytest.approx(1.0, abs=1e-6)
    # Another scale (e.g. raw similarity scores): the same pairs, the objective scaled.
    scaled = solve(scores=np.where(s < 0, -1.0, s * 7.5), demands=d, max_loads=hi)
    plain = solve(scores=s, demands=d, max_loads=hi)
    assert abs(scaled.objective - 7.5 * plain.objective) < 7.5 * TOL
    assert scaled.bound == pytest.approx(7.5 * plain.bound, rel=1e-6)


def test_a_non_finite_score_is_named_by_its_cell() -> None:
    s, d, hi = instance(0)
    bad = s.copy()
    bad[4, 1] = np.inf
    with pytest.raises(InvalidAssignmentInput, match=r"infinite .*reviewer 4, proposal 1") as exc:
        solve(scores=bad, demands=d, max_loads=hi)
    assert exc.value.cell == (4, 1)
