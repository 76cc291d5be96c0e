"""BM25 scoring functions, pure and chosen from a table (as bm25s does).

Each variant turns term frequency, document length and document frequency into a
weight; the index precomputes weights per (document, term) so a query is a sparse sum.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from numpy.typing import NDArray

Array = NDArray[np.float64]


def idf_lucene(df: Array, n_docs: int) -> Array:
    # Lucene's non-negative idf: log(1 + (N - df + 0.5) / (df + 0.5)).
    return np.log1p((n_docs - df + 0.5) / (df + 0.5))


def idf_robertson(df: Array, n_docs: int) -> Array:
    return np.log((n_docs - df + 0.5) / (df + 0.5))


def tf_bm25(tf: Array, dl: Array, avgdl: float, k1: float, b: float) -> Array:
    return tf * (k1 + 1) / (tf + k1 * (1 - b + b * dl / avgdl))


def tf_lucene(tf: Array, dl: Array, avgdl: float, k1: float, b: float) -> Array:
    # Lucene 8+ drops the constant (k1 + 1): same ranking, smaller numbers.
    return tf / (tf + k1 * (1 - b + b * dl / avgdl))


def tf_bm25l(tf: Array, dl: Array, avgdl: float, k1: float, b: float, delta: float = 0.5) -> Array:
    c = tf / (1 - b + b * dl / avgdl)
    return (k1 + 1) * (c + delta) / (k1 + c + delta)


def tf_bm25plus(
    tf: Array, dl: Array, avgdl: float, k1: float, b: float, delta: float = 1.0
) -> Array:
    return tf_bm25(tf, dl, avgdl, k1, b) + delta


VARIANTS: dict[str, tuple[Callable[[Array, int], Array], Callable[..., Array]]] = {
    "lucene": (idf_lucene, tf_lucene),
    "bm25": (idf_lucene, tf_bm25),
    "robertson": (idf_robertson, tf_bm25),
    "bm25l": (idf_lucene, tf_bm25l),
    "bm25+": (idf_lucene, tf_bm25plus),
}


def weights(
    tf: Array,
    dl: Array,
    df: Array,
    *,
    n_docs: int,
    avgdl: float,
    k1: float = 1.2,
    b: float = 0.75,
    variant: str = "lucene",
) -> Array:
    """Weight of each (document, term) entry: tf, dl and df are aligned per entry."""
    idf_fn, tf_fn = VARIANTS[variant]
    return idf_fn(df, n_docs) * tf_fn(tf, dl, avgdl, k1, b)
