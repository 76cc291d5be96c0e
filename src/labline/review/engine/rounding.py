"""Dependent rounding of a fractional bipartite assignment (Gandhi et al. 2006).

Used for randomised assignment (Jecmen et al. 2020): the LP gives each reviewer–proposal
pair a probability x ≤ q; we need one deterministic assignment whose pair marginals are
exactly x, whose proposals keep their exact number of reviews, and whose reviewer loads are
x's loads rounded up or down. Repeatedly take a cycle or maximal path of fractional pairs,
alternate its edges into two sets and shift flow between them by α or −β with probability
β/(α+β) (so every pair's expectation is unchanged); each step makes at least one pair 0 or 1.
Interior nodes keep their degree; a maximal path can only end at a reviewer, because a
proposal's total is an integer and so never has exactly one fractional pair.
Flows are integers in units of 1/unit, so the arithmetic is exact.
"""

from __future__ import annotations

import numpy as np


def dependent_rounding(
    rev: np.ndarray, prop: np.ndarray, flow: np.ndarray, unit: int, rng: np.random.Generator
) -> np.ndarray:
    """Boolean mask of the pairs drawn (flow in units of 1/unit, 0 ≤ flow ≤ unit)."""
    f = [int(x) for x in flow]
    n_rev = int(rev.max(initial=-1)) + 1
    ends = [(int(r), n_rev + int(p)) for r, p in zip(rev, prop, strict=True)]
    adj: dict[int, set[int]] = {}
    for e, (a, b) in enumerate(ends):
        if 0 < f[e] < unit:
            adj.setdefault(a, set()).add(e)
            adj.setdefault(b, set()).add(e)
    ones = {v for v, es in adj.items() if len(es) == 1}

    def drop(e: int) -> None:
        for v in ends[e]:
            es = adj[v]
            es.discard(e)
            if len(es) == 1:
                ones.add(v)
            else:
                ones.discard(v)
                if not es:
                    del adj[v]

    while adj:
        # Starting at a degree-1 node makes a stuck walk a maximal path; with none, every
        # node has degree ≥ 2 and the walk must close a cycle.
        start = next(iter(ones)) if ones else next(iter(adj))
        edges = _walk(start, adj, ends)
        m1, m2 = edges[0::2], edges[1::2]
        alpha = min([unit - f[e] for e in m1] + [f[e] for e in m2])
        beta = min([f[e] for e in m1] + [unit - f[e] for e in m2])
        step = alpha if rng.random() * (alpha + beta) < beta else -beta
        for e in m1:
            f[e] += step
        for e in m2:
            f[e] -= step
        for e in edges:
            if f[e] in (0, unit):
                drop(e)
    return np.asarray(f, dtype=np.int64) == unit


def _walk(start: int, adj: dict[int, set[int]], ends: list[tuple[int, int]]) -> list[int]:
    """Edges of the first cycle met walking from start, or of the path until stuck."""
    pos = {start: 0}
    edges: list[int] = []
    node, prev = start, -1
    while True:
        nxt = next((e for e in adj[node] if e != prev), None)
        if nxt is None:
            return edges
        a, b = ends[nxt]
        other = b if a == node else a
        edges.append(nxt)
        if other in pos:
            return edges[pos[other] :]
        pos[other] = len(edges)
        node, prev = other, nxt
