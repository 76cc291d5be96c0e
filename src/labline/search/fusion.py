"""Hybrid ranking that does not lose to its best part.

Blind rank fusion loses to the better single method on every dev set: when one side
knows nothing (a Chinese query against English text, for BM25), its ranks are noise
and fusion pays for them. Here each side's weight depends on what it can know about
this query:

- `direct` — BM25 on the query's own words — is trusted in proportion to `coverage`,
  the share of the query's terms that occur in the corpus at all;
- `bridge` — BM25 on the query's dictionary translation — is trusted where the
  direct side is not (a cross-lingual query), or as far as the corpus is written in the
  other language (`other_share`, a bilingual corpus), and the dense side is unsure: when the
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
    direct_max: float = 0.6  # weight of direct BM25 when every query term is known
    bridge: float = 0.3  # weight of bridged BM25 when no query term is known
    depth: int = 100  # candidates whose scores set each side's normalisation range
    # Dense pseudo-relevance feedback: the query vector moves toward the mean vector of
    # the best lexical hits, in proportion to how much of the query the lexicon knows.
    prf_docs: int = 5
    prf_weight: float = 0.5
    sure_margin: float = 0.2  # cosine gap between the two best vector hits that means "sure"
    # A query none of whose words the index or the bilingual dictionary knows ("asdkjhqwe")
    # has only its vector to go on: a hit must then be this similar (cosine) or it is noise
    # (gibberish scores about 0.13 against organisation names, a real synonym 0.3 and up).
    unknown_min_similarity: float = 0.25


DEFAULT = FusionConfig()


@dataclass(frozen=True)
class Scale:
    """Min–max scaling fixed by one side's top candidates: (x - lo) / (hi - lo)."""

    lo: float
    hi: float

    def __call__(self, scores: Scores) -> Scores:
        if self.hi <= self.lo:
            return np.zeros_like(scores)
        return ((scores - self.lo) / (self.hi - self.lo)).astype(np.float32)

    def one(self, value: float) -> float:
        return 0.0 if self.hi <= self.lo else (value - self.lo) / (self.hi - self.lo)


def scale_of(scores: Scores, depth: int, *, zeros: int = 0) -> Scale:
    """The scale that maps the side's top `depth` scores onto [0, 1]. `zeros` counts rows
    whose score is 0 but not in `scores` (a sparse side: only its candidates are kept)."""
    values = (
        scores if not zeros else np.concatenate([scores, np.zeros(min(zeros, depth), scores.dtype)])
    )
    if values.shape[0] == 0:
        return Scale(0.0, 0.0)
    top = topk.largest(values, depth)
    return Scale(float(top.min()), float(top.max()))


def minmax(scores: Scores, depth: int) -> Scores:
    """Scale so that the side's top `depth` scores span [0, 1]; everything below is ≤ 0."""
    if scores.shape[0] == 0:
        return scores
    return scale_of(scores, depth)(scores)


@dataclass(frozen=True)
class Weights:
    direct: float
    bridge: float
    dense: float


def weights(
    coverage: float,
    config: FusionConfig = DEFAULT,
    *,
    has_dense: bool = True,
    margin: float = 0.0,
    other_share: float = 0.0,
) -> Weights:
    direct = config.direct_max * coverage
    dense_sure = min(1.0, max(0.0, margin) / config.sure_margin) if has_dense else 0.0
    reach = max(1.0 - coverage, other_share)
    bridge = config.bridge * reach * (1.0 - dense_sure)
    if not has_dense:
        total = direct + bridge or 1.0
        return Weights(direct / total, bridge / total, 0.0)
    return Weights(direct, bridge, 1.0 - direct)


@dataclass(frozen=True)
class Fused:
    rows: NDArray[np.intp]  # the best allowed rows, best first (ties in row order)
    scores: Scores  # their fused scores
    weights: Weights
    direct: Scale
    bridge: Scale | None
    dense: Scale | None


def fuse_top(
    *,
    direct: Scores,
    dense: Scores | None,
    bridge: Scores | None,
    coverage: float,
    allowed: NDArray[np.bool_],
    k: int,
    dense_rows: NDArray[np.int64] | None = None,
    config: FusionConfig = DEFAULT,
    other_share: float = 0.0,
) -> Fused:
    """The `k` best allowed rows by fused score.

    `dense` holds every row's similarity, or, with `dense_rows`, only those rows' (the
    approximate index's candidates; every other row counts as 0). Then only candidates
    are fused: the dense rows and the best rows by the lexical part alone. That is exact,
    since outside the dense rows the dense part is one constant; and it spares the
    passes over every row that scaling and adding whole arrays took (most of a query's
    time at 1,000,000 rows)."""
    n = direct.shape[0]
    zeros = 0 if dense_rows is None or dense is None else n - dense.shape[0]
    margin = 0.0
    if dense is not None and dense.shape[0] + zeros > 1:
        values = (
            dense if not zeros else np.concatenate([dense, np.zeros(min(zeros, 2), dense.dtype)])
        )
        best = np.sort(topk.largest(values, 2))
        margin = float(best[1] - best[0])
    w = weights(
        coverage, config, has_dense=dense is not None, margin=margin, other_share=other_share
    )
    depth = config.depth
    s_direct = scale_of(direct, depth)
    s_dense = scale_of(dense, depth, zeros=zeros) if dense is not None else None
    s_bridge = scale_of(bridge, depth) if bridge is not None and w.bridge > 0 else None
    if dense_rows is None:
        total = w.direct * s_direct(direct)
        if dense is not None and s_dense is not None:
            total = total + w.dense * s_dense(dense)
        if bridge is not None and s_bridge is not None:
            total = total + w.bridge * s_bridge(bridge)
        total = np.where(allowed, total, -np.inf).astype(np.float32)
        rows = topk.largest_rows(total, min(k, int(np.count_nonzero(allowed))))
        rows = rows[np.isfinite(total[rows])]
        return Fused(rows, total[rows], w, s_direct, s_bridge, s_dense)
    assert dense is not None and s_dense is not None
    # The lexical part alone, up to a constant, over the allowed rows only (gathering
    # them costs less than masking every row).
    if allowed.all():  # no filter (or one every row passes): no gathering
        lexical = direct * np.float32(w.direct / _span(s_direct))
        if bridge is not None and s_bridge is not None:
            lexical += bridge * np.float32(w.bridge / _span(s_bridge))
        lexical[dense_rows] = -np.inf  # dense rows are candidates already
        chosen = topk.largest_rows(lexical, min(2 * k, lexical.size))
        lex_rows = chosen[np.isfinite(lexical[chosen])]
    else:
        allowed_rows = np.flatnonzero(allowed)
        lexical = direct[allowed_rows] * np.float32(w.direct / _span(s_direct))
        if bridge is not None and s_bridge is not None:
            lexical += bridge[allowed_rows] * np.float32(w.bridge / _span(s_bridge))
        # Dense rows are candidates already: drop them from the lexical choice.
        pos = np.searchsorted(allowed_rows, dense_rows)
        inside = pos < allowed_rows.size
        pos = pos[inside]
        lexical[pos[allowed_rows[pos] == dense_rows[inside]]] = -np.inf
        chosen = topk.largest_rows(lexical, min(2 * k, lexical.size))
        lex_rows = allowed_rows[chosen[np.isfinite(lexical[chosen])]]
    keep = allowed[dense_rows]
    rows = np.concatenate([dense_rows[keep], lex_rows]).astype(np.intp)
    sims = np.concatenate([dense[keep], np.zeros(lex_rows.size, dense.dtype)])
    total = w.direct * s_direct(direct[rows]) + w.dense * s_dense(sims)
    if bridge is not None and s_bridge is not None:
        total = total + w.bridge * s_bridge(bridge[rows])
    order = np.lexsort((rows, -total))[:k]
    return Fused(rows[order], total[order].astype(np.float32), w, s_direct, s_bridge, s_dense)


def _with_zeros(scores: Scores, count: int) -> Scores:
    return np.concatenate([scores, np.zeros(count, scores.dtype)]) if count else scores


def _span(scale: Scale) -> float:
    return (scale.hi - scale.lo) if scale.hi > scale.lo else np.inf


def reciprocal_rank_fusion(*runs: Scores, k: int = 60) -> Scores:
    """Naive RRF, kept as the reference point the benchmark compares against."""
    total = np.zeros(runs[0].shape[0], dtype=np.float64)
    for scores in runs:
        ranks = np.empty(scores.shape[0], dtype=np.float64)
        ranks[np.argsort(-scores, kind="stable")] = np.arange(1, scores.shape[0] + 1)
        total += 1.0 / (k + ranks)
    return total.astype(np.float32)
