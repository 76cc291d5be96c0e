"""The transportation network under reviewer assignment, solved with OR-Tools min-cost flow.

Nodes: 0 is the source S, 1..R the reviewers, R+1..R+P the proposals. Reviewer r's minimum
load is its own supply (so it must be sent), the rest of its capacity comes from S through
an arc of capacity max - min; each proposal p consumes its demand. Reviewer→proposal arcs
cost minus the integer-scaled affinity, so the min-cost flow maximises total affinity.

SimpleMinCostFlow does not expose its dual potentials, so `potentials` recovers them as
shortest-path distances in the residual graph of the optimal flow (vectorised
Bellman–Ford; an optimal flow's residual graph has no negative cycle). Those distances are
the certificate the column generation in `assignment.py` checks excluded pairs against.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

# Affinities in [0, 1] become integer costs in [0, SCALE]. 10**9 keeps the rounding error of
# a whole assignment (pairs × 0.5e-9) far below anything that could change a decision, and
# leaves OR-Tools' cost scaling (costs × nodes) well inside int64.
SCALE = 10**9


@dataclass(frozen=True)
class Network:
    """Reviewer→proposal arcs of one (possibly restricted) problem, plus node data."""

    rev: np.ndarray  # int64 reviewer index per arc
    prop: np.ndarray  # int64 proposal index per arc
    cost: np.ndarray  # int64 scaled affinity per arc (the arc's unit cost is its negation)
    cap: int  # capacity of every reviewer→proposal arc (1, or a/b for fractional LPs)
    demands: np.ndarray  # int64, already multiplied by the flow unit
    min_loads: np.ndarray
    max_loads: np.ndarray
    # Cost M of an artificial S→proposal arc (capacity = demand) that keeps a thin candidate
    # graph feasible; 0 means no artificial arcs.
    penalty: int = 0


@dataclass(frozen=True)
class FlowResult:
    feasible: bool
    flow: np.ndarray  # flow on each reviewer→proposal arc (same order as Network.rev)
    source_flow: np.ndarray  # flow on S→r arcs (load above the minimum), per reviewer
    artificial: np.ndarray  # flow on the artificial S→p arcs, per proposal


def solve_network(net: Network) -> FlowResult:
    n_rev, n_prop = len(net.max_loads), len(net.demands)
    from ortools.graph.python import min_cost_flow  # OR-Tools: imported when used

    mcf = min_cost_flow.SimpleMinCostFlow()
    extra = net.max_loads - net.min_loads
    rev_nodes = np.arange(1, n_rev + 1, dtype=np.int32)
    mcf.add_arcs_with_capacity_and_unit_cost(
        np.zeros(n_rev, dtype=np.int32),
        rev_nodes,
        extra.astype(np.int64),
        np.zeros(n_rev, dtype=np.int64),
    )
    mcf.add_arcs_with_capacity_and_unit_cost(
        (net.rev + 1).astype(np.int32),
        (net.prop + 1 + n_rev).astype(np.int32),
        np.full(len(net.rev), net.cap, dtype=np.int64),
        -net.cost.astype(np.int64),
    )
    if net.penalty:
        mcf.add_arcs_with_capacity_and_unit_cost(
            np.zeros(n_prop, dtype=np.int32),
            np.arange(n_rev + 1, n_rev + n_prop + 1, dtype=np.int32),
            net.demands.astype(np.int64),
            np.full(n_prop, net.penalty, dtype=np.int64),
        )
    supplies = np.concatenate(
        (
            [int(net.demands.sum() - net.min_loads.sum())],
            net.min_loads,
            -net.demands,
        )
    ).astype(np.int64)
    mcf.set_nodes_supplies(np.arange(n_rev + n_prop + 1, dtype=np.int32), supplies)
    status = mcf.solve()
    if status != mcf.OPTIMAL:
        if status in (mcf.INFEASIBLE, mcf.UNBALANCED):
            empty = np.zeros(len(net.rev), dtype=np.int64)
            return FlowResult(False, empty, np.zeros(n_rev, np.int64), np.zeros(n_prop, np.int64))
        raise RuntimeError(f"min-cost flow failed with status {status}")
    flows = mcf.flows(np.arange(mcf.num_arcs(), dtype=np.int32))
    n_arcs = len(net.rev)
    art = flows[n_rev + n_arcs :] if net.penalty else np.zeros(n_prop, np.int64)
    return FlowResult(True, flows[n_rev : n_rev + n_arcs], flows[:n_rev], art)


def potentials(net: Network, res: FlowResult) -> tuple[np.ndarray, np.ndarray]:
    """Shortest-path distances (reviewers, proposals) in the residual graph, shifted so S is 0.

    With these, every residual arc has non-negative reduced cost; for an unused
    reviewer→proposal arc that reads cost ≤ d_rev[r] - d_prop[p]. Integer throughout.
    """
    n_rev, n_prop = len(net.max_loads), len(net.demands)
    d_s = np.int64(0)
    d_r = np.zeros(n_rev, dtype=np.int64)
    d_p = np.zeros(n_prop, dtype=np.int64)
    fwd = res.flow < net.cap  # r→p residual, weight -cost
    bwd = res.flow > 0  # p→r residual, weight +cost
    f_rev, f_prop, f_cost = net.rev[fwd], net.prop[fwd], net.cost[fwd]
    b_rev, b_prop, b_cost = net.rev[bwd], net.prop[bwd], net.cost[bwd]
    s_to_r = res.source_flow < (net.max_loads - net.min_loads)  # S→r residual, weight 0
    r_to_s = res.source_flow > 0  # r→S residual, weight 0
    s_to_p = res.artificial < net.demands if net.penalty else np.zeros(n_prop, bool)
    p_to_s = res.artificial > 0  # weight -penalty
    # Jacobi-style relaxation over the bipartite layers; a pass touches every arc once.
    for _ in range(n_rev + n_prop + 2):
        new_p = d_p.copy()
        np.minimum.at(new_p, f_prop, d_r[f_rev] - f_cost)
        if s_to_p.any():
            np.minimum(new_p, np.where(s_to_p, d_s + net.penalty, new_p), out=new_p)
        new_r = d_r.copy()
        np.minimum.at(new_r, b_rev, new_p[b_prop] + b_cost)
        if s_to_r.any():
            np.minimum(new_r, np.where(s_to_r, d_s, new_r), out=new_r)
        new_s = min(d_s, new_r[r_to_s].min()) if r_to_s.any() else d_s
        if p_to_s.any():
            new_s = min(new_s, (new_p[p_to_s] - net.penalty).min())
        if new_s == d_s and np.array_equal(new_r, d_r) and np.array_equal(new_p, d_p):
            return d_r - d_s, d_p - d_s
        d_s, d_r, d_p = new_s, new_r, new_p
    raise RuntimeError("residual graph has a negative cycle: the flow is not optimal")
