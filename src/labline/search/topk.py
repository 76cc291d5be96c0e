"""The largest values of a long score array, without partitioning all of it.

A strided sample's `count`-th largest value is a lower bound for the array's: at least
`count` entries reach it. Partitioning only the entries at or above it gives the same
values as `np.partition` on the whole array, in a fraction of the time at 1,000,000
rows (one comparison pass instead of a selection over every entry).
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

SMALL = 1 << 16  # below this many entries, partition the whole array
STEP = 16


def _bound(scores: NDArray[np.float32], count: int) -> float | None:
    n = scores.shape[0]
    if n < SMALL or count * STEP * 4 > n:
        return None
    sample = scores[::STEP]
    return float(np.partition(sample, sample.size - count)[sample.size - count])


def largest(scores: NDArray[np.float32], count: int) -> NDArray[np.float32]:
    """The `count` largest values (in no order), as np.partition would give them."""
    n = scores.shape[0]
    count = min(count, n)
    bound = _bound(scores, count)
    if bound is None:
        return np.partition(scores, n - count)[n - count :]
    above = scores[scores > bound]
    if above.size >= count:
        return np.partition(above, above.size - count)[above.size - count :]
    # Fewer than `count` exceed the bound, so the count-th largest is the bound itself
    # (ties and zeros: a BM25 or a sparse dense side has many).
    return np.concatenate([above, np.full(count - above.size, bound, dtype=scores.dtype)])


def largest_rows(scores: NDArray[np.float32], count: int) -> NDArray[np.intp]:
    """Rows of the `count` largest values, best first (ties in row order)."""
    n = scores.shape[0]
    count = min(count, n)
    if count <= 0:
        return np.zeros(0, dtype=np.intp)
    bound = _bound(scores, count)
    if bound is None:
        rows = np.arange(n)
    else:
        rows = np.flatnonzero(scores > bound)
        if rows.size < count:
            ties = np.flatnonzero(scores == bound)[: count - rows.size]
            rows = np.concatenate([rows, ties])
    pool = scores[rows]
    part = np.argpartition(-pool, count - 1)[:count]
    return rows[part[np.argsort(-pool[part], kind="stable")]]
