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
from labline.intel.engine.text import (
    Sentence,
    detect_language,
    sentences_of,
    split_sentences,
    substantial,
)
from labline.intel.engine.themes import theme_ranges
from labline.intel.engine.topic import TopicGroup, TopicPoint, topic_digest
from labline.intel.engine.viewpoint import centrality, core_sentences, statement, trim

__all__ = [
    "TopicGroup",
    "TopicPoint",
    "detect_language",
    "split_sentences",
    "topic_digest",
]

NUMBER_BONUS = 0.15
_DIGIT = re.compile(r"\d")


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
    paragraph it is copied from. `vectors`: optional embeddings, one row per paragraph (or
    one per sentence, as `split_sentences` cuts each paragraph), blended into the
    similarity that decides the groups."""
    lang = _language(paragraphs, language)
    sentences = sentences_of(paragraphs, lang)
    if not sentences:
        return Digest(Point("", ()), (), lang)
    central = centrality(sentences)
    # One sentence, from one paragraph: the claim reads whole, and its text stands in the
    # paragraph it cites (a second sentence from elsewhere would make a text no paragraph
    # holds).
    core = core_sentences(sentences, lang, central, count=1)
    core_point = Point(trim(core[0].text, lang), (core[0].paragraph,))
    ranges = theme_ranges(paragraphs, sentences, lang, vectors, max_groups)
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
