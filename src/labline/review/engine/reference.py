"""Reference solver: the min-cost-flow graph OpenReview's matcher builds, on the full dense graph.

openreview-matcher's SimpleSolver builds source → reviewers (capacity = load), reviewers →
papers (capacity 1, cost = scaled negative affinity, conflicts left out), papers → sink
(capacity = demand) and solves it with OR-Tools' SimpleMinCostFlow. Its MinMaxSolver handles
minimum loads in two stages: first a flow that sends each reviewer's minimum (not all
demand need be met), then a second flow for the remaining demand and capacity.

`solve_reference` builds that graph plainly, one arc per non-conflicted pair (R × P arcs),
and by default handles minimum loads exactly in a single flow (the minimum as a lower bound
on source → reviewer, i.e. reviewer supply), which is the true optimum the tests and the
benchmark compare `labline.review.engine.assignment` against. `method="minmax-two-stage"`
reproduces OpenReview's two stages, which can lose affinity when minimum loads bind.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np

from labline.review.engine.flow import SCALE


@dataclass(frozen=True)
class ReferenceResult:
    reviewers: np.ndarray
    proposals: np.ndarray
    objective: float  # total affinity, original units
    seconds: float
    feasible: bool


def _flow(
    s: np.ndarray,
    allowed: np.ndarray,
    demands: np.ndarray,
    reviewer_supply: np.ndarray,
    extra_capacity: np.ndarray,
    *,
    meet_demand: bool,
) -> tuple[bool, np.ndarray, np.ndarray]:
    """One SimpleSolver-style flow: S → reviewers → proposals → T, dense reviewer→proposal arcs.

    Reviewer r gets `reviewer_supply[r]` units it must send plus up to `extra_capacity[r]`
    from S. With meet_demand=False (OpenReview's first stage) the flow is as large as
    possible instead of exactly the demand.
    """
    n_rev, n_prop = s.shape
    rev, prop = np.nonzero(allowed)
    from ortools.graph.python import min_cost_flow  # OR-Tools: imported when used

    mcf = min_cost_flow.SimpleMinCostFlow()
    src, sink = 0, n_rev + n_prop + 1
    mcf.add_arcs_with_capacity_and_unit_cost(
        np.zeros(n_rev, np.int32),
        np.arange(1, n_rev + 1, dtype=np.int32),
        extra_capacity.astype(np.int64),
        np.zeros(n_rev, np.int64),
    )
    first_pair = mcf.num_arcs()
    mcf.add_arcs_with_capacity_and_unit_cost(
        (rev + 1).astype(np.int32),
        (prop + n_rev + 1).astype(np.int32),
        np.ones(len(rev), np.int64),
        -np.rint(s[rev, prop].astype(np.float64) * SCALE).astype(np.int64),
    )
    mcf.add_arcs_with_capacity_and_unit_cost(
        np.arange(n_rev + 1, n_rev + n_prop + 1, dtype=np.int32),
        np.full(n_prop, sink, np.int32),
        demands.astype(np.int64),
        np.zeros(n_prop, np.int64),
    )
    nodes = np.arange(n_rev + n_prop + 2, dtype=np.int32)
    supplies = np.zeros(len(nodes), np.int64)
    supplies[1 : n_rev + 1] = reviewer_supply
    total = int(demands.sum()) if meet_demand else int(reviewer_supply.sum())
    supplies[src] = total - int(reviewer_supply.sum())
    supplies[sink] = -total
    mcf.set_nodes_supplies(nodes, supplies)
    status = mcf.solve() if meet_demand else mcf.solve_max_flow_with_min_cost()
    if status != mcf.OPTIMAL:
        return False, rev[:0], prop[:0]
    flows = mcf.flows(np.arange(first_pair, first_pair + len(rev), dtype=np.int32))
    used = flows > 0
    return True, rev[used].astype(np.int64), prop[used].astype(np.int64)


def solve_reference(
    *,
    scores: np.ndarray,
    demands: np.ndarray,
    max_loads: np.ndarray,
    min_loads: np.ndarray | None = None,
    method: str = "exact",
) -> ReferenceResult:
    """Full dense min-cost flow. method: "exact" (one flow) or "minmax-two-stage"."""
    started = time.perf_counter()
    s = np.asarray(scores)
    d = np.asarray(demands, np.int64)
    hi = np.asarray(max_loads, np.int64)
    lo = np.zeros_like(hi) if min_loads is None else np.asarray(min_loads, np.int64)
    allowed = s >= 0
    if method == "exact":
        ok, rev, prop = _flow(s, allowed, d, lo, hi - lo, meet_demand=True)
    elif method == "minmax-two-stage":
        # Stage 1: each reviewer's minimum, as much as fits under the demands.
        ok1, r1, p1 = _flow(s, allowed, d, lo, np.zeros_like(lo), meet_demand=False)
        left = allowed.copy()
        left[r1, p1] = False
        d2 = d - np.bincount(p1, minlength=len(d))
        hi2 = hi - np.bincount(r1, minlength=len(hi))
        ok2, r2, p2 = _flow(s, left, d2, np.zeros_like(hi2), hi2, meet_demand=True)
        ok = ok1 and ok2
        rev, prop = np.concatenate((r1, r2)), np.concatenate((p1, p2))
    else:
        raise ValueError(f"unknown method {method!r}: use 'exact' or 'minmax-two-stage'")
    return ReferenceResult(
        reviewers=rev,
        proposals=prop,
        objective=float(s[rev, prop].astype(np.float64).sum()) if ok else float("nan"),
        seconds=time.perf_counter() - started,
        feasible=ok,
    )
