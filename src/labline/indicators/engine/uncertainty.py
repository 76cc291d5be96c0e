"""Monte Carlo over weights and normalisations → a rank interval for every region.

Each draw perturbs every weight in the hierarchy multiplicatively (uniform ±spread),
re-normalises siblings to sum to one, and picks one normalisation; the index is then the
arithmetic aggregate, i.e. the normalised matrix times the draw's effective indicator
weights. All draws are one einsum per normalisation, so 1,000 draws over a 31 × 14 × 30
panel take well under a second (see benchmarks/indicators.py).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from labline.indicators.engine.composite import Node, validate
from labline.indicators.engine.normalise import Method, normalise
from labline.indicators.errors import IndicatorError, InvalidParameter

if TYPE_CHECKING:
    import pandas as pd


@dataclass(frozen=True)
class CompiledTree:
    leaves: list[str]
    nominal: np.ndarray  # weight of every non-root node
    parent: np.ndarray  # index of each non-root node's parent among the internal nodes
    n_internal: int
    ancestors: np.ndarray  # leaves × non-root nodes: 1 where the node is on the leaf's path


def compile_tree(*, tree: Node) -> CompiledTree:
    validate(tree=tree)
    internal: list[Node] = [n for n in tree.walk() if not n.is_leaf]
    internal_id = {id(n): i for i, n in enumerate(internal)}
    nodes: list[tuple[Node, int]] = []
    paths: list[list[int]] = []
    leaves: list[str] = []

    def visit(node: Node, path: list[int]) -> None:
        for ch in node.children:
            nodes.append((ch, internal_id[id(node)]))
            here = [*path, len(nodes) - 1]
            if ch.is_leaf:
                leaves.append(ch.code)
                paths.append(here)
            else:
                visit(ch, here)

    visit(tree, [])
    ancestors = np.zeros((len(leaves), len(nodes)))
    for i, path in enumerate(paths):
        ancestors[i, path] = 1.0
    return CompiledTree(
        leaves=leaves,
        nominal=np.array([n.weight for n, _ in nodes]),
        parent=np.array([p for _, p in nodes]),
        n_internal=len(internal),
        ancestors=ancestors,
    )


def draw_weights(
    *, compiled: CompiledTree, draws: int, spread: float, rng: np.random.Generator
) -> np.ndarray:
    """Effective indicator weights per draw (draws × leaves); each draw sums to one."""
    if not 0 <= spread < 1:
        raise InvalidParameter(f"weight spread must be in [0, 1), got {spread}")
    noise = rng.uniform(1 - spread, 1 + spread, size=(draws, compiled.nominal.size))
    w = compiled.nominal * noise
    sums = np.zeros((draws, compiled.n_internal))
    np.add.at(sums.T, compiled.parent, w.T)
    w = w / sums[:, compiled.parent]
    with np.errstate(divide="ignore"):
        log_w = np.log(w)
    # Product along each leaf's path; 0 × −inf never happens because ancestors is 0/1 masked.
    return np.exp(np.where(compiled.ancestors[None] > 0, log_w[:, None, :], 0.0).sum(axis=2))


def ranks_within_period(scores: np.ndarray) -> np.ndarray:
    """Rank 1 = highest score, along the last axis (regions)."""
    order = np.argsort(-scores, axis=-1, kind="stable")
    ranks = np.empty_like(order)
    np.put_along_axis(ranks, order, np.arange(1, scores.shape[-1] + 1), axis=-1)
    return ranks


def simulate_ranks(
    *,
    data: np.ndarray,
    tree: Node,
    indicators: Sequence[str],
    directions: np.ndarray | Sequence[int] | None = None,
    draws: int = 1000,
    weight_spread: float = 0.2,
    normalisations: Sequence[Method] = ("minmax", "zscore", "rank"),
    seed: int = 0,
    chunk: int = 100,
    progress: Callable[[int], None] | None = None,
) -> np.ndarray:
    """Ranks per draw, period and region (draws × periods × regions).

    `data` is periods × regions × indicators (a single period is a 1 × regions × k stack);
    normalisation is within each period, as the GII does each edition.
    """
    x = np.asarray(data, dtype=float)
    if x.ndim != 3:
        raise InvalidParameter("data must be periods × regions × indicators")
    if np.isnan(x).any():
        p, r, i = np.argwhere(np.isnan(x))[0]
        raise IndicatorError(
            f"missing value for indicator {indicators[i]!r} (period {p}, region {r}); "
            "apply the coverage rules before the Monte Carlo"
        )
    if draws < 1 or not normalisations:
        raise InvalidParameter("need at least one draw and one normalisation")
    compiled = compile_tree(tree=tree)
    column = {code: j for j, code in enumerate(indicators)}
    missing = [c for c in compiled.leaves if c not in column]
    if missing:
        raise InvalidParameter(f"indicators not in the data: {missing}")
    x = x[..., [column[c] for c in compiled.leaves]]
    dirs = (
        None if directions is None else np.asarray(directions)[[column[c] for c in compiled.leaves]]
    )
    stacked = np.stack([normalise(matrix=x, method=m, directions=dirs) for m in normalisations])
    rng = np.random.default_rng(seed)
    weights = draw_weights(compiled=compiled, draws=draws, spread=weight_spread, rng=rng)
    choice = rng.integers(0, len(normalisations), size=draws)
    out = np.empty((draws, x.shape[0], x.shape[1]), dtype=np.int64)
    for start in range(0, draws, chunk):
        stop = min(start + chunk, draws)
        w, c = weights[start:stop], choice[start:stop]
        scores = np.empty((stop - start, x.shape[0], x.shape[1]))
        for k in range(len(normalisations)):
            pick = c == k
            if pick.any():
                scores[pick] = np.einsum("pri,di->dpr", stacked[k], w[pick], optimize=True)
        out[start:stop] = ranks_within_period(scores)
        if progress is not None:
            progress(stop - start)
    return out


def rank_intervals(
    *,
    ranks: np.ndarray,
    regions: Sequence[str],
    periods: Sequence[int],
    nominal: np.ndarray | None = None,
    low: float = 5.0,
    high: float = 95.0,
) -> pd.DataFrame:
    """Median rank and the [low, high] percentile interval per period and region."""
    import pandas as pd

    lo, med, hi = np.percentile(ranks, [low, 50.0, high], axis=0, method="nearest")
    frame = pd.DataFrame(
        {
            "year": np.repeat(np.asarray(periods), len(regions)),
            "region": np.tile(np.asarray(regions), len(periods)),
            "rank_median": med.ravel(),
            "rank_low": lo.ravel(),
            "rank_high": hi.ravel(),
        }
    )
    if nominal is not None:
        frame.insert(2, "rank_nominal", np.asarray(nominal).ravel())
    return frame
