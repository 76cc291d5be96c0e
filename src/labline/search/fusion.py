"""Hybrid ranking that does not lose to its best part.

Blind rank fusion loses to the better single method on every dev set: when one side
knows nothing (a Chinese query against English text, for BM25), its ranks are noise
and fusion pays for them. Here each side's weight depends on what it can know about
this query:

- `direct` — BM25 on the query's own words — is trusted in proportion to `coverage`,
  the share of the query's terms that occur in the corpus at all;
- `bridge` — BM25 on the query's dictionary translation — is trusted where the
  direct side is not (a cross-lingual query) and the dense side is unsure: when the
  best vector match stands far above the second (a sentence and its translation),
  the dictionary's noisier guess only gets in the way;
- `dense` — cosine similarity of multilingual sentence vectors — takes the rest.

Scores are min–max normalised over each side's own top candidates, so a side's best
hit scores 1 whatever its scale. One configuration, measured on every dev set
(benchmarks/results/matching_quality.json).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from labline.search import topk

Scores = NDArray[np.float32]


@dataclass(frozen=True)
class FusionConfig:
    direct_max: float = 0.8  # weight of direct BM25 when every query term is known
    bridge: float = 0.5  # weight of bridged BM25 when no query term is known
    depth: int = 100  # candidates whose scores set each side's normalisation range
    # Dense pseudo-relevance feedback: the query vector moves toward the mean vector of
    # the best lexical hits, in proportion to how much of the query the lexicon knows.
    prf_docs: int = 5
    prf_weight: float = 1.0
    sure_margin: float = 0.2  # cosine gap between the two best vector hits that means "sure"


DEFAULT = FusionConfig()


def minmax(scores: Scores, depth: int) -> Scores:
    """Scale so that the side's top `depth` scores span [0, 1]; everything below is ≤ 0."""
    n = scores.shape[0]
    if n == 0:
        return scores
    top = topk.largest(scores, depth)
    lo, hi = float(top.min()), float(top.max())
    if hi <= lo:
        return np.zeros_like(scores)
    return ((scores - lo) / (hi - lo)).astype(np.float32)


@dataclass(frozen=True)
class Weights:
    direct: float
    bridge: float
    dense: float


def weights(
    coverage: float, config: FusionConfig = DEFAULT, *, has_dense: bool = True, margin: float = 0.0
) -> Weights:
    direct = config.direct_max * coverage
    dense_sure = min(1.0, max(0.0, margin) / config.sure_margin) if has_dense else 0.0
    bridge = config.bridge * (1.0 - coverage) * (1.0 - dense_sure)
    if not has_dense:
        total = direct + bridge or 1.0
        return Weights(direct / total, bridge / total, 0.0)
    return Weights(direct, bridge, 1.0 - direct)


def fuse(
    *,
    direct: Scores,
    dense: Scores | None,
    bridge: Scores | None,
    coverage: float,
    config: FusionConfig = DEFAULT,
) -> tuple[Scores, Weights]:
    margin = 0.0
    if dense is not None and dense.shape[0] > 1:
        best = np.sort(topk.largest(dense, 2))
        margin = float(best[1] - best[0])
    w = weights(coverage, config, has_dense=dense is not None, margin=margin)
    total = w.direct * minmax(direct, config.depth)
    if dense is not None:
        total = total + w.dense * minmax(dense, config.depth)
    if bridge is not None and w.bridge > 0:
        total = total + w.bridge * minmax(bridge, config.depth)
    return total.astype(np.float32), w


def reciprocal_rank_fusion(*runs: Scores, k: int = 60) -> Scores:
    """Naive RRF, kept as the reference point the benchmark compares against."""
    total = np.zeros(runs[0].shape[0], dtype=np.float64)
    for scores in runs:
        ranks = np.empty(scores.shape[0], dtype=np.float64)
        ranks[np.argsort(-scores, kind="stable")] = np.arange(1, scores.shape[0] + 1)
        total += 1.0 / (k + ranks)
    return total.astype(np.float32)
