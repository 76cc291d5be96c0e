"""Assignment with a fairness floor: every proposal's total affinity at least its floor.

The floor couples reviewers within a proposal, so the problem is no longer a flow: it is a
0/1 program, solved with SCIP through OR-Tools' pywraplp. `assignment.solve` calls this only
when the plain optimum misses the floor. Up to `max_pairs` non-conflicted pairs the program
is over all pairs (a proven optimum is the true optimum); above that it is over each
proposal's best reviewers plus the pairs of the plain optimum, and the status says so.
"""

from __future__ import annotations

import numpy as np

from labline.review.engine.errors import AssignmentInfeasible


def solve_with_floor(
    s: np.ndarray,
    d: np.ndarray,
    lo: np.ndarray,
    hi: np.ndarray,
    floor: np.ndarray,
    max_pairs: int,
    time_limit: float,
    start: tuple[np.ndarray, np.ndarray],
) -> tuple[np.ndarray, np.ndarray, float, str]:
    n_rev, n_prop = s.shape
    # Even the best d_p reviewers of a proposal cannot reach its floor: name it.
    best = -np.sort(-np.where(s >= 0, s, 0.0), axis=0)
    reach = np.array([best[: d[p], p].sum() for p in range(n_prop)])
    short = np.flatnonzero(reach < floor - 1e-12)
    if short.size:
        p = int(short[0])
        raise AssignmentInfeasible(
            f"fairness floor infeasible: proposal {p} can reach at most {reach[p]:.4f} "
            f"total affinity with {d[p]} reviewers, below its floor {floor[p]:.4f}",
            proposal=p,
        )
    allowed = s >= 0
    complete = int(allowed.sum()) <= max_pairs
    if complete:
        rev, prop = np.nonzero(allowed)
    else:
        k = min(n_rev, 4 * int(d.max(initial=1)) + 10)
        top = np.argpartition(-s, k - 1, axis=0)[:k]
        cols = np.broadcast_to(np.arange(n_prop), top.shape)
        ok = s[top, cols] >= 0
        keys = np.union1d(top[ok] * n_prop + cols[ok], start[0] * n_prop + start[1])
        rev, prop = keys // n_prop, keys % n_prop
    from ortools.linear_solver import pywraplp  # OR-Tools: imported when used

    solver = pywraplp.Solver.CreateSolver("SCIP")
    if solver is None:  # pragma: no cover - SCIP ships inside the ortools wheel
        raise RuntimeError("OR-Tools was built without SCIP")
    solver.SetTimeLimit(int(time_limit * 1000))
    x = [solver.BoolVar(f"x{i}") for i in range(len(rev))]
    by_prop: list[list[int]] = [[] for _ in range(n_prop)]
    by_rev: list[list[int]] = [[] for _ in range(n_rev)]
    for i, (r, p) in enumerate(zip(rev.tolist(), prop.tolist(), strict=True)):
        by_prop[p].append(i)
        by_rev[r].append(i)
    w = s[rev, prop]
    for p, idx in enumerate(by_prop):
        solver.Add(sum(x[i] for i in idx) == int(d[p]))
        solver.Add(sum(float(w[i]) * x[i] for i in idx) >= float(floor[p]))
    for r, idx in enumerate(by_rev):
        load = sum(x[i] for i in idx)
        if idx:
            solver.Add(load <= int(hi[r]))
        if lo[r] > 0:
            if not idx:
                raise AssignmentInfeasible(
                    f"reviewer {r} has a minimum load but no candidates", reviewer=r
                )
            solver.Add(load >= int(lo[r]))
    solver.Maximize(sum(float(w[i]) * x[i] for i in range(len(x))))
    # SCIP's default 1e-4 relative gap would call a near-optimum optimal; ask for 1e-7.
    params = pywraplp.MPSolverParameters()
    params.SetDoubleParam(pywraplp.MPSolverParameters.RELATIVE_MIP_GAP, 1e-7)
    status = solver.Solve(params)
    if status not in (pywraplp.Solver.OPTIMAL, pywraplp.Solver.FEASIBLE):
        where = "" if complete else " (on the candidate pairs)"
        raise AssignmentInfeasible(
            f"fairness floor infeasible{where}: no assignment gives every proposal its floor "
            "within the loads and conflicts"
            if status == pywraplp.Solver.INFEASIBLE
            else f"fairness floor: solver stopped with status {status} before finding a solution"
        )
    chosen = np.array([v.solution_value() > 0.5 for v in x], dtype=bool)
    bound = solver.Objective().BestBound()
    value = float(w[chosen].sum())
    # Optimal only when the bound closes the gap; otherwise the caller sees the gap in bound.
    if status == pywraplp.Solver.OPTIMAL and bound - value <= 1e-6 * max(1.0, abs(value)):
        label = "OPTIMAL" if complete else "OPTIMAL_ON_CANDIDATES"
    else:
        label = "FEASIBLE"
    return rev[chosen].astype(np.int64), prop[chosen].astype(np.int64), float(bound), label
