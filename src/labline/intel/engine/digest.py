"""Extractive, cited digests of a document and of a set of documents.

Every point is a sentence (or a sentence's tail after its frame) copied from one paragraph,
and cites that paragraph: citations are right by construction and numbers stay exact.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from labline.intel.engine.keyphrase import headings
from labline.intel.engine.segment import segment
from labline.intel.engine.text import (
    Sentence,
    detect_language,
    sentences_of,
    split_sentences,
    substantial,
    tfidf,
)
from labline.intel.engine.topic import TopicGroup, TopicPoint, topic_digest
from labline.intel.engine.viewpoint import centrality, core_sentences, statement, trim

__all__ = [
    "TopicGroup",
    "TopicPoint",
    "detect_language",
    "split_sentences",
    "topic_digest",
]

DENSE_WEIGHT = 0.5  # share of paragraph-vector cosine in the similarity segmentation uses
NUMBER_BONUS = 0.15
_DIGIT = re.compile(r"\d")
TWO_SENTENCE_CORE = 4  # paragraphs from which the core viewpoint takes a second sentence


@dataclass(frozen=True)
class Point:
    text: str
    citations: tuple[int, ...]  # 1-based paragraph numbers of the document


@dataclass(frozen=True)
class Group:
    heading: str  # a short phrase drawn from the group's own words
    points: tuple[Point, ...]
    paragraphs: tuple[int, ...] = ()  # the 1-based paragraphs the group covers


@dataclass(frozen=True)
class Digest:
    core_viewpoint: Point
    groups: tuple[Group, ...]
    language: str  # "zh" | "en"


def _language(paragraphs: Sequence[str], language: str | None) -> str:
    if language in ("zh", "en"):
        return language
    return detect_language("\n".join(paragraphs[:50]))


def paragraph_similarity(
    paragraphs: Sequence[str], sentences: Sequence[Sentence], vectors: np.ndarray | None
) -> np.ndarray:
    tokens: list[list[str]] = [[] for _ in paragraphs]
    for s in sentences:
        tokens[s.paragraph - 1] += s.tokens
    m = tfidf(tokens)
    sim = (m @ m.T).toarray()
    if vectors is not None:
        v = np.asarray(vectors, dtype=np.float64)
        if v.ndim != 2 or v.shape[0] != len(paragraphs):
            raise ValueError(
                f"vectors: expected one row per paragraph ({len(paragraphs)}), got {v.shape}"
            )
        norms = np.linalg.norm(v, axis=1, keepdims=True)
        norms[norms == 0] = 1.0
        v = v / norms
        sim = (1 - DENSE_WEIGHT) * sim + DENSE_WEIGHT * (v @ v.T)
    return sim


def _ranges(
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


def _points(
    members: Sequence[Sentence], language: str, count: int, skip: set[int]
) -> tuple[Point, ...]:
    """The group's most central statements (one a paragraph while others remain), in
    order; a sentence with figures in it gains a little, since facts are what a reader
    scans a digest for."""
    rest = [s for s in members if s.index not in skip] or list(members)
    pool = [s for s in rest if substantial(s, language) and statement(s.text)]
    pool = pool or [s for s in rest if substantial(s, language)] or rest
    central = centrality(pool) + NUMBER_BONUS * np.array(
        [_DIGIT.search(s.text) is not None for s in pool]
    )
    ranked = sorted(range(len(pool)), key=lambda i: (-central[i], i))
    picked: list[int] = []
    used: set[int] = set()
    for i in ranked:  # first pass: different paragraphs; second: fill up
        if len(picked) < count and pool[i].paragraph not in used:
            picked.append(i)
            used.add(pool[i].paragraph)
    for i in ranked:
        if len(picked) < count and i not in picked:
            picked.append(i)
    chosen = sorted((pool[i] for i in picked), key=lambda s: s.index)
    return tuple(Point(trim(s.text, language), (s.paragraph,)) for s in chosen)


def digest(
    paragraphs: Sequence[str],
    *,
    language: str | None = None,
    vectors: np.ndarray | None = None,
    max_groups: int = 5,
    points_per_group: int = 3,
) -> Digest:
    """The document's core viewpoint and its themes in order, every point citing the
    paragraph it is copied from. `vectors`: optional paragraph embeddings, one row per
    paragraph, blended into the similarity that decides the groups."""
    lang = _language(paragraphs, language)
    sentences = sentences_of(paragraphs, lang)
    if not sentences:
        return Digest(Point("", ()), (), lang)
    central = centrality(sentences)
    count = 2 if len(paragraphs) >= TWO_SENTENCE_CORE else 1
    core = core_sentences(sentences, lang, central, count=count)
    core_point = Point(
        " ".join(trim(s.text, lang) for s in core)
        if lang == "en"
        else "".join(trim(s.text, lang) for s in core),
        tuple(sorted({s.paragraph for s in core})),
    )
    ranges = _ranges(paragraphs, sentences, lang, vectors, max_groups)
    members = [[s for s in sentences if a < s.paragraph <= b] for a, b in ranges]
    texts = [
        " ".join(s.text for s in m) if lang == "en" else "".join(s.text for s in m) for m in members
    ]
    skip = {s.index for s in core}
    groups = tuple(
        Group(
            heading,
            _points(m, lang, points_per_group, skip),
            tuple(n for n in range(a + 1, b + 1) if paragraphs[n - 1].strip()),
        )
        for heading, m, (a, b) in zip(headings(texts, lang), members, ranges, strict=True)
        if m
    )
    return Digest(core_point, groups, lang)
