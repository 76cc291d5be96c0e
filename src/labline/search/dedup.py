"""Near-duplicate records: the same meaning (vectors) and the same words (Jaccard)."""

from __future__ import annotations

import numpy as np

from labline.search.analysis import analyze
from labline.search.index import SearchIndex


def jaccard(a: set[str], b: set[str]) -> float:
    return len(a & b) / len(a | b) if a or b else 1.0


def near_duplicates(
    index: SearchIndex, *, threshold: float = 0.9, limit: int = 1000
) -> list[tuple[str, str, float]]:
    """Pairs of live records that say nearly the same thing (same meaning and words)."""
    rows = np.asarray(sorted(index.row_of.values()), dtype=np.int64)
    if rows.size < 2:
        return []
    pairs: list[tuple[str, str, float]] = []
    token_sets = {int(r): set(analyze(index.document_text(index.texts[int(r)]))) for r in rows}
    if len(index.vectors):
        vecs = index.vectors.take(rows)
        for start in range(0, rows.size, 1024):  # blocks keep memory bounded
            sims = vecs[start : start + 1024] @ vecs.T
            for i, j in zip(*np.nonzero(sims >= threshold), strict=True):
                a, b = int(rows[start + i]), int(rows[j])
                if a < b:
                    score = min(float(sims[i, j]), 0.5 + jaccard(token_sets[a], token_sets[b]))
                    if score >= threshold:
                        pairs.append((index.ids[a], index.ids[b], score))
    else:
        for x, a in enumerate(rows.tolist()):
            for b in rows.tolist()[x + 1 :]:
                score = jaccard(token_sets[a], token_sets[b])
                if score >= threshold:
                    pairs.append((index.ids[a], index.ids[b], score))
    return sorted(pairs, key=lambda p: -p[2])[:limit]
