"""A document's themes: runs of paragraphs found by `segment` on their similarity.

Similarity is the tf-idf cosine of the paragraphs, blended with the cosine of paragraph
vectors when the caller has them. Only paragraphs with some substance take part; a title,
an addressee, a date or a signature line is then placed with the theme beside it.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from labline.intel.engine.segment import segment
from labline.intel.engine.text import Sentence, tfidf

DENSE_WEIGHT = 0.5  # share of paragraph-vector cosine in the similarity


def paragraph_similarity(
    paragraphs: Sequence[str], sentences: Sequence[Sentence], vectors: np.ndarray | None
) -> np.ndarray:
    tokens: list[list[str]] = [[] for _ in paragraphs]
    for s in sentences:
        tokens[s.paragraph - 1] += s.tokens
    m = tfidf(tokens)
    sim = (m @ m.T).toarray()
    if vectors is not None:
        v = _paragraph_vectors(np.asarray(vectors, dtype=np.float64), paragraphs, sentences)
        norms = np.linalg.norm(v, axis=1, keepdims=True)
        norms[norms == 0] = 1.0
        v = v / norms
        sim = (1 - DENSE_WEIGHT) * sim + DENSE_WEIGHT * (v @ v.T)
    return sim


def _paragraph_vectors(
    v: np.ndarray, paragraphs: Sequence[str], sentences: Sequence[Sentence]
) -> np.ndarray:
    """One row per paragraph, or one per sentence (as `split_sentences` cuts each
    paragraph), which is then summed into its paragraph's row."""
    if v.ndim == 2 and v.shape[0] == len(paragraphs):
        return v
    if v.ndim == 2 and v.shape[0] == len(sentences):
        out = np.zeros((len(paragraphs), v.shape[1]))
        np.add.at(out, [s.paragraph - 1 for s in sentences], v)
        return out
    raise ValueError(
        f"vectors: expected one row per paragraph ({len(paragraphs)}) or per sentence "
        f"({len(sentences)}), got shape {v.shape}"
    )


def theme_ranges(
    paragraphs: Sequence[str],
    sentences: Sequence[Sentence],
    language: str,
    vectors: np.ndarray | None,
    max_groups: int,
) -> list[tuple[int, int]]:
    """0-based half-open paragraph ranges of the groups. Segmentation sees only the
    paragraphs with some substance; a title, a date or a signature line (too short to
    resemble anything) joins the group of the next substantial paragraph (or the last)."""
    sim = paragraph_similarity(paragraphs, sentences, vectors)
    filled = [i for i, p in enumerate(paragraphs) if p.strip()]
    major = [i for i in filled if _substantial_paragraph(paragraphs[i], language)] or filled
    if not major:
        return []
    runs = _absorb_singles(segment(sim[np.ix_(major, major)], max_groups=max_groups), sim, major)
    cuts = [_cut(major[a - 1], major[a], sim) for a, _ in runs[1:]]
    starts = [0, *cuts]
    return [(a, b) for a, b in zip(starts, [*cuts, len(paragraphs)], strict=True)]


def _cut(last: int, first: int, sim: np.ndarray) -> int:
    """Where the short paragraphs between two themes divide: a closing line (date,
    signature) stays with the theme before, a title goes with the theme it resembles."""
    best, best_gain = first, 0.0
    for cut in range(first - 1, last, -1):
        gain = float(sum(sim[i, first] - sim[i, last] for i in range(cut, first)))
        if gain > best_gain:
            best, best_gain = cut, gain
    return best


def _absorb_singles(
    runs: list[tuple[int, int]], sim: np.ndarray, major: list[int]
) -> list[tuple[int, int]]:
    """A theme of one paragraph among many is a digression: it joins the neighbouring run
    it resembles more (by mean similarity)."""
    runs = list(runs)
    while len(runs) > 1 and len(major) > 2 * len(runs):
        single = next((i for i, (a, b) in enumerate(runs) if b - a == 1), None)
        if single is None:
            break
        p = major[runs[single][0]]

        def like(j: int, p: int = p) -> float:
            a, b = runs[j]
            return float(np.mean([sim[p, major[i]] for i in range(a, b)]))

        near = [j for j in (single - 1, single + 1) if 0 <= j < len(runs)]
        j = max(near, key=like)
        lo, hi = min(single, j), max(single, j)
        runs[lo : hi + 1] = [(runs[lo][0], runs[hi][1])]
    return runs


def _substantial_paragraph(text: str, language: str) -> bool:
    if language == "zh":
        return sum(map(str.isalnum, text)) >= 20
    return len(text.split()) >= 8
