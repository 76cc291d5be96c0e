"""Reviewer assignment: maximise total affinity, exactly, at the size of a national call.

    solve(scores=S, demands=d, max_loads=u, min_loads=l) -> Assignment

`scores` is reviewers × proposals with finite affinities on any scale (normalised to
[0, 1] by the maximum inside; results in the caller's units); a negative entry is a
conflict of interest (the pair is forbidden). Every proposal gets exactly its demand of
distinct reviewers; every reviewer's load lies in [min, max].

The problem is a transportation problem, solved as a min-cost flow (OR-Tools) on integer
costs `round(affinity × SCALE)`, SCALE = 10**9. At 20,000 proposals × 8,000 reviewers the
dense graph has 160M arcs, so the flow is solved on candidate pairs only (each proposal's
best reviewers and each reviewer's best proposals) and then *proved* optimal for the full
problem: the residual graph's shortest-path potentials price every excluded pair in
vectorised chunks; any pair with a positive reduced profit is added and the flow re-solved
(column generation). When no pair prices in, the flow is optimal for the full problem. The
same potentials give an LP dual, so `bound` is a certified upper bound on the optimum in
the original units and `ratio = objective / bound`.

Options: `fairness_floor` (every proposal's total affinity at least the floor: a MIP with
SCIP, tried only if the plain optimum misses the floor), `randomised` with
`max_pair_probability` q (Jecmen et al. 2020: the LP with each pair capped at q, solved
exactly as a flow in units of 1/b, then dependent rounding so that every pair's marginal
equals its LP value), and `alternates` (next-best reviewers per proposal).
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from fractions import Fraction

import numpy as np

from labline.review.engine.errors import AssignmentInfeasible, InvalidAssignmentInput
from labline.review.engine.fairness import solve_with_floor
from labline.review.engine.flow import SCALE, Network, potentials, solve_network
from labline.review.engine.rounding import dependent_rounding


@dataclass(frozen=True)
class Assignment:
    reviewers: np.ndarray  # int64 reviewer of each assigned pair
    proposals: np.ndarray  # int64 proposal of each assigned pair (same length)
    objective: float  # total affinity of the assignment, original units
    bound: float  # certified upper bound on the optimum (LP dual or MIP bound)
    seconds: float
    status: str  # OPTIMAL, OPTIMAL_ON_CANDIDATES, FEASIBLE, RANDOMISED
    scale: int = SCALE
    rounds: int = 1  # column-generation rounds
    arcs: int = 0  # reviewer→proposal arcs in the last flow solved
    loads: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    alternates: np.ndarray | None = None  # proposals × k reviewer indices, -1 padded
    marginals: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None  # (rev, prop, prob)
    lp_objective: float | None = None  # randomised: the LP optimum the draw is unbiased for

    @property
    def ratio(self) -> float:
        return self.objective / self.bound if self.bound else 1.0

    def of_proposal(self, proposal: int) -> np.ndarray:
        return np.sort(self.reviewers[self.proposals == proposal])


# ---------------------------------------------------------------- validation


def _validate(
    scores: np.ndarray,
    demands: np.ndarray,
    max_loads: np.ndarray,
    min_loads: np.ndarray | None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    s = np.asarray(scores)
    if s.ndim != 2:
        raise InvalidAssignmentInput(f"scores must be reviewers × proposals, got shape {s.shape}")
    if not np.issubdtype(s.dtype, np.floating):
        s = s.astype(np.float64)
    n_rev, n_prop = s.shape
    d = _int_vector(demands, n_prop, "demands", "proposals")
    hi = _int_vector(max_loads, n_rev, "max_loads", "reviewers")
    lo = (
        np.zeros(n_rev, np.int64)
        if min_loads is None
        else _int_vector(min_loads, n_rev, "min_loads", "reviewers")
    )
    # Any finite scale is accepted (`solve` normalises); NaN and ±inf are named by cell.
    for name, bad in (("NaN", np.isnan(s)), ("infinite", np.isinf(s))):
        if bad.any():
            r, p = (int(i) for i in np.argwhere(bad)[0])
            raise InvalidAssignmentInput(
                f"scores contain {int(bad.sum())} {name} values (first at reviewer {r},"
                f" proposal {p}); affinities must be finite (negative = conflict)",
                cell=(r, p),
            )
    if (lo > hi).any():
        r = int(np.flatnonzero(lo > hi)[0])
        raise InvalidAssignmentInput(f"reviewer {r}: min_load {lo[r]} exceeds max_load {hi[r]}")
    total = int(d.sum())
    if total > int(hi.sum()):
        raise AssignmentInfeasible(
            f"total demand {total} exceeds total reviewer capacity {int(hi.sum())}"
        )
    if total < int(lo.sum()):
        raise AssignmentInfeasible(
            f"total demand {total} is below the sum of minimum loads {int(lo.sum())}"
        )
    # Each proposal needs as many non-conflicted reviewers as reviews (chunked: 160M pairs).
    allowed = np.zeros(n_prop, np.int64)
    for j0, j1 in _chunks(n_rev, n_prop):
        allowed[j0:j1] = (s[:, j0:j1] >= 0).sum(axis=0)
    short = np.flatnonzero(allowed < d)
    if short.size:
        p = int(short[0])
        raise AssignmentInfeasible(
            f"proposal {p} needs {d[p]} reviews but has only {allowed[p]} non-conflicted "
            f"reviewers ({short.size} proposals short in all)",
            proposal=p,
            needs=int(d[p]),
            allowed=int(allowed[p]),
            short=int(short.size),
        )
    return s, d, lo, hi


def _int_vector(values: np.ndarray, n: int, name: str, axis: str) -> np.ndarray:
    v = np.asarray(values)
    if v.shape != (n,):
        raise InvalidAssignmentInput(
            f"{name} has shape {v.shape} but scores have {n} {axis} (expected ({n},))"
        )
    if v.size and (not np.all(np.isfinite(v)) or (v < 0).any() or (v != np.round(v)).any()):
        raise InvalidAssignmentInput(f"{name} must be non-negative integers")
    return v.astype(np.int64)


def _chunks(n_rows: int, n_cols: int, cells: int = 4_000_000) -> list[tuple[int, int]]:
    """Column ranges whose blocks hold about `cells` entries (bounded memory per pass)."""
    width = max(1, cells // max(n_rows, 1))
    return [(j, min(j + width, n_cols)) for j in range(0, n_cols, width)]


# ---------------------------------------------------------------- candidates and pricing


def _cost(values: np.ndarray) -> np.ndarray:
    """Integer cost of affinities; float64 first so float32 scores round the same everywhere."""
    return np.rint(np.asarray(values, dtype=np.float64) * SCALE).astype(np.int64)


def _candidates(s: np.ndarray, k: int, lo: np.ndarray) -> np.ndarray:
    """Sorted keys r·P + p: each proposal's top-k allowed pairs, and for reviewers with a
    minimum load, their best min+2 proposals (so the minimum can be met at all)."""
    n_rev, n_prop = s.shape
    keys: list[np.ndarray] = []
    k = min(k, n_rev)
    for j0, j1 in _chunks(n_rev, n_prop):
        block = s[:, j0:j1]
        top = (
            np.argpartition(-block, k - 1, axis=0)[:k] if k < n_rev else np.indices(block.shape)[0]
        )
        cols = np.broadcast_to(np.arange(j0, j1), top.shape)
        ok = block[top, cols - j0] >= 0
        keys.append(top[ok].astype(np.int64) * n_prop + cols[ok])
    need = np.flatnonzero(lo > 0)
    if need.size:
        m = min(int(lo.max()) + 2, n_prop)
        for i0, i1 in _chunks(n_prop, need.size):
            rows = need[i0:i1]
            block = s[rows]
            top = (
                np.argpartition(-block, m - 1, axis=1)[:, :m]
                if m < n_prop
                else np.indices(block.shape)[1]
            )
            rr = np.broadcast_to(rows[:, None], top.shape)
            ok = np.take_along_axis(block, top, axis=1) >= 0
            keys.append(rr[ok].astype(np.int64) * n_prop + top[ok])
    return np.unique(np.concatenate(keys))


def _price(
    s: np.ndarray,
    d_r: np.ndarray,
    d_p: np.ndarray,
    keys: np.ndarray,
    cap: float,
    per_prop: int,
) -> tuple[np.ndarray, float]:
    """Price every pair outside the flow against the potentials.

    A pair (r, p) prices in when its integer cost exceeds d_r[r] - d_p[p]. Returns such
    pairs (at most `per_prop` per proposal, the most violating first) and the z-part of the
    LP dual bound, Σ cap·max(0, s − v − y), over-estimated by ≤ 0.5/SCALE per pair for the
    integer rounding so the bound is rigorous. A cheap screen in the scores' own precision
    (with a margin well above its rounding error) picks the pairs to check exactly.
    """
    n_rev, n_prop = s.shape
    cand_r, cand_p = keys // n_prop, keys % n_prop
    # Pairs in the flow: exact z straight from their integer slack.
    slack_c = _cost(s[cand_r, cand_p]) - d_r[cand_r] + d_p[cand_p]
    z_units = float(np.where(slack_c >= 0, slack_c + 0.5, 0.0).sum())
    by_p = np.argsort(cand_p, kind="stable")
    cand_r, cand_p = cand_r[by_p], cand_p[by_p]
    dtype = s.dtype
    y = (d_r / SCALE).astype(dtype)
    v = (d_p / SCALE).astype(dtype)
    big = max(1.0, float(np.abs(y).max(initial=0)), float(np.abs(v).max(initial=0)))
    margin = 1e-7 + 16 * float(np.finfo(dtype).eps) * big
    found: list[np.ndarray] = []
    for j0, j1 in _chunks(n_rev, n_prop):
        block = s[:, j0:j1]
        t = block - y[:, None]
        t += v[None, j0:j1]
        np.putmask(t, block < 0, -np.inf)  # conflicts never price in
        a, b = np.searchsorted(cand_p, [j0, j1])
        t[cand_r[a:b], cand_p[a:b] - j0] = -np.inf  # already in the flow
        hit = t > -margin
        n_hit = int(np.count_nonzero(hit))
        if not n_hit:
            continue
        if n_hit > 50_000:
            # Many violations (early rounds): keep each proposal's best few by the screen.
            cols = np.flatnonzero(hit.any(axis=0))
            take = min(per_prop, n_rev)
            sub = t[:, cols]
            top = np.argpartition(-sub, take - 1, axis=0)[:take] if take < n_rev else None
            top = np.indices(sub.shape)[0] if top is None else top
            ok = np.take_along_axis(sub, top, axis=0) > -margin
            r = top[ok].astype(np.int64)
            c = np.broadcast_to(cols + j0, top.shape)[ok].astype(np.int64)
        else:
            r, c = np.nonzero(hit)
            r, c = r.astype(np.int64), c.astype(np.int64) + j0
        slack = _cost(s[r, c]) - d_r[r] + d_p[c]
        if n_hit <= 50_000:
            z_units += float(np.where(slack >= 0, slack + 0.5, 0.0).sum())
        keep = slack > 0
        r, c, slack = r[keep], c[keep], slack[keep]
        if not r.size and n_hit > 50_000:
            raise RuntimeError("pricing screen found no exact violation among many hits")
        order = np.lexsort((-slack, c))
        r, c = r[order], c[order]
        rank = np.arange(len(c)) - np.searchsorted(c, c, side="left")
        found.append(r[rank < per_prop] * n_prop + c[rank < per_prop])
    new = np.concatenate(found) if found else np.zeros(0, np.int64)
    return new, z_units * cap / SCALE


@dataclass(frozen=True)
class _Flow:
    rev: np.ndarray
    prop: np.ndarray
    flow: np.ndarray
    bound: float
    rounds: int
    arcs: int


def _optimal_flow(
    s: np.ndarray,
    d: np.ndarray,
    lo: np.ndarray,
    hi: np.ndarray,
    *,
    unit: int = 1,
    cap: int = 1,
    k: int | None = None,
    max_rounds: int = 50,
) -> _Flow:
    """Column generation to the exact optimum of the (fractional, if cap < unit) problem."""
    n_rev, n_prop = s.shape
    # 8 per review needed: on topic-clustered calls with 1.3× capacity this leaves only a
    # few hundred proposals short after the first flow (measured at 20,000 × 8,000).
    k = k or max(8, 8 * int(d.max(initial=0)))
    per_prop = max(4, 2 * int(d.max(initial=0)))
    keys = _candidates(s, k, lo)
    n_allowed: int | None = None
    # Artificial arcs at cost M keep the candidate graph feasible; an optimum that no longer
    # uses them is optimal for the real problem whatever M is (it is feasible there, and the
    # real problem is the artificial one with those arcs at zero). If one still uses them,
    # fall back to plain widening, where infeasibility of the whole graph is conclusive.
    penalty = 10 * SCALE
    for rounds in range(1, max_rounds + 1):
        rev, prop = keys // n_prop, keys % n_prop
        net = Network(rev, prop, _cost(s[rev, prop]), cap, d * unit, lo * unit, hi * unit, penalty)
        res = solve_network(net)
        if not res.feasible:
            n_allowed = n_allowed or sum(int((s[:, a:b] >= 0).sum()) for a, b in _chunks(*s.shape))
            if keys.size >= n_allowed:
                raise AssignmentInfeasible(
                    "no assignment meets every demand within the loads and conflicts"
                )
            # The candidate graph is too thin (e.g. minimum loads); widen it and try again.
            k = min(2 * k, n_rev)
            keys = np.union1d(keys, _candidates(s, k, lo))
            continue
        d_r, d_p = potentials(net, res)
        add, z_sum = _price(s, d_r, d_p, keys, cap / unit, per_prop)
        if add.size:
            keys = np.union1d(keys, add)
        elif res.artificial.any():
            penalty = 0
        else:
            y, v = d_r / SCALE, -d_p / SCALE
            bound = float(d @ v) + float(hi @ np.maximum(y, 0) - lo @ np.maximum(-y, 0)) + z_sum
            return _Flow(rev, prop, res.flow, bound, rounds, len(rev))
    raise RuntimeError(f"column generation did not converge in {max_rounds} rounds")


# ---------------------------------------------------------------- public entry point


def solve(
    *,
    scores: np.ndarray,
    demands: np.ndarray,
    max_loads: np.ndarray,
    min_loads: np.ndarray | None = None,
    fairness_floor: float | np.ndarray | None = None,
    randomised: bool = False,
    max_pair_probability: float = 1.0,
    alternates: int = 0,
    seed: int | None = None,
    candidates: int | None = None,
    fairness_max_pairs: int = 200_000,
    time_limit: float = 60.0,
) -> Assignment:
    """Optimal reviewer assignment; see the module docstring for the options."""
    started = time.perf_counter()
    original, d, lo, hi = _validate(scores, demands, max_loads, min_loads)
    # The flow's integer costs need affinities in [0, 1]: a matrix on another scale (or
    # one whose maximum is 1 plus float noise) is divided by its maximum, conflicts stay
    # negative, and objective, bound and floor are reported in the caller's units.
    top = float(original.max(initial=0.0))
    scale_by = top if top > 1.0 else 1.0
    s = (
        original
        if scale_by == 1.0
        else np.where(original < 0, -1.0, original / scale_by).astype(original.dtype)
    )
    if randomised and fairness_floor is not None:
        raise InvalidAssignmentInput("randomised and fairness_floor cannot be combined")
    marginals = None
    lp_objective = None
    if randomised:
        rev, prop, flow, bound, flow_unit, rounds, arcs, marginals = _randomised_lp(
            s, d, lo, hi, max_pair_probability, candidates
        )
        lp_objective = float((s[rev, prop] * flow).sum() / flow_unit) * scale_by
        chosen = dependent_rounding(rev, prop, flow, flow_unit, np.random.default_rng(seed))
        rev, prop = rev[chosen], prop[chosen]
        status = "RANDOMISED"
    else:
        opt = _optimal_flow(s, d, lo, hi, k=candidates)
        used = opt.flow > 0
        rev, prop, bound = opt.rev[used], opt.prop[used], opt.bound
        rounds, arcs, status = opt.rounds, opt.arcs, "OPTIMAL"
        if fairness_floor is not None:
            floor = np.broadcast_to(np.asarray(fairness_floor, np.float64) / scale_by, d.shape)
            per = np.bincount(prop, weights=s[rev, prop], minlength=len(d))
            if (per < floor - 1e-12).any():
                rev, prop, bound, status = solve_with_floor(
                    s, d, lo, hi, floor, fairness_max_pairs, time_limit, (rev, prop)
                )
                arcs = len(rev)
    order = np.lexsort((rev, prop))
    rev, prop = rev[order], prop[order]
    return Assignment(
        reviewers=rev,
        proposals=prop,
        objective=float(original[rev, prop].astype(np.float64).sum()),
        bound=float(bound) * scale_by,
        seconds=time.perf_counter() - started,
        status=status,
        rounds=rounds,
        arcs=arcs,
        loads=np.bincount(rev, minlength=s.shape[0]),
        alternates=_alternates(s, rev, prop, alternates) if alternates else None,
        marginals=marginals,
        lp_objective=lp_objective,
    )


def _randomised_lp(
    s: np.ndarray,
    d: np.ndarray,
    lo: np.ndarray,
    hi: np.ndarray,
    q: float,
    candidates: int | None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, float, int, int, int, tuple]:
    if not 0 < q <= 1:
        raise InvalidAssignmentInput(f"max_pair_probability must be in (0, 1], got {q}")
    # The LP with every pair capped at q = a/b is a flow in units of 1/b: integral optimal
    # vertices of the scaled network are exact LP optima. a/b ≤ q, never above.
    frac = Fraction(q).limit_denominator(100)
    if frac > q:
        frac = Fraction(int(q * 100), 100)
    cap, unit = frac.numerator, frac.denominator
    if cap == 0:
        raise InvalidAssignmentInput(f"max_pair_probability {q} is too small (minimum 0.01)")
    allowed = (s >= 0).sum(axis=0)
    short = np.flatnonzero(allowed * cap < d * unit)
    if short.size:
        p = int(short[0])
        raise AssignmentInfeasible(
            f"proposal {p} needs {d[p]} reviews but {allowed[p]} non-conflicted reviewers "
            f"at probability ≤ {float(frac):g} each give at most {allowed[p] * float(frac):g}",
            proposal=p,
            needs=int(d[p]),
            allowed=int(allowed[p]),
            short=int(short.size),
        )
    opt = _optimal_flow(s, d, lo, hi, unit=unit, cap=cap, k=candidates)
    used = opt.flow > 0
    rev, prop, flow = opt.rev[used], opt.prop[used], opt.flow[used]
    marginals = (rev, prop, flow / unit)
    return rev, prop, flow, opt.bound, unit, opt.rounds, opt.arcs, marginals


def _alternates(s: np.ndarray, rev: np.ndarray, prop: np.ndarray, k: int) -> np.ndarray:
    """The k best non-conflicted reviewers of each proposal not already assigned to it."""
    n_rev, n_prop = s.shape
    out = np.full((n_prop, k), -1, dtype=np.int64)
    per_prop = int(np.bincount(prop, minlength=1).max(initial=0))
    width = min(n_rev, k + per_prop)  # enough to skip the assigned ones
    for j0, j1 in _chunks(n_rev, n_prop):
        block = s[:, j0:j1].copy()
        inside = (prop >= j0) & (prop < j1)
        block[rev[inside], prop[inside] - j0] = -np.inf
        block[block < 0] = -np.inf
        part = (
            np.argpartition(-block, width - 1, axis=0)[:width]
            if width < n_rev
            else np.indices(block.shape)[0]
        )
        vals = np.take_along_axis(block, part, axis=0)
        order = np.argsort(-vals, axis=0, kind="stable")[:k]
        top = np.take_along_axis(part, order, axis=0)
        vals = np.take_along_axis(vals, order, axis=0)
        out[j0:j1, : top.shape[0]] = np.where(np.isfinite(vals), top, -1).T
    return out
