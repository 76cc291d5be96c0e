"""Extractive, cited digests of a document (first version: lead sentences, paragraphs in order)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from labline.search.analysis import chinese_share


@dataclass(frozen=True)
class Point:
    text: str
    citations: tuple[int, ...]  # 1-based paragraph numbers of the document


@dataclass(frozen=True)
class Group:
    heading: str  # a short phrase drawn from the group's own words
    points: tuple[Point, ...]


@dataclass(frozen=True)
class Digest:
    core_viewpoint: Point
    groups: tuple[Group, ...]
    language: str  # "zh" | "en"


@dataclass(frozen=True)
class TopicPoint:
    text: str
    citations: tuple[tuple[str, int], ...]  # (document id, paragraph number)


@dataclass(frozen=True)
class TopicGroup:
    heading: str
    points: tuple[TopicPoint, ...]


_ZH_END = re.compile(r"(?<=[。！？；;!?])|(?<=\.)(?!\d)")
_EN_END = re.compile(r"(?<=[.!?])[\"')\]]*\s+(?=[A-Z0-9\"'(\[])")


def detect_language(text: str) -> str:
    return "zh" if chinese_share(text[:5000]) >= 0.3 else "en"


def split_sentences(text: str, language: str) -> list[str]:
    pattern = _ZH_END if language == "zh" else _EN_END
    return [s.strip() for s in pattern.split(text) if s and s.strip()]


def digest(
    paragraphs: Sequence[str],
    *,
    language: str | None = None,
    vectors: np.ndarray | None = None,
    max_groups: int = 5,
    points_per_group: int = 3,
) -> Digest:
    lang = language or detect_language("\n".join(paragraphs))
    sentences = [(n, s) for n, p in enumerate(paragraphs, 1) for s in split_sentences(p, lang)]
    if not sentences:
        return Digest(Point("", ()), (), lang)
    core = Point(sentences[0][1], (sentences[0][0],))
    size = max(1, -(-len(paragraphs) // max_groups))
    groups = []
    for start in range(0, len(paragraphs), size):
        members = [(n, s) for n, s in sentences if start < n <= start + size]
        if members:
            points = tuple(Point(s, (n,)) for n, s in members[:points_per_group])
            groups.append(Group(members[0][1][:20], points))
    return Digest(core, tuple(groups), lang)


def topic_digest(
    documents: Sequence[tuple[str, Sequence[str]]],
    *,
    language: str | None = None,
    max_groups: int = 5,
) -> tuple[TopicGroup, ...]:
    groups = []
    for doc_id, paragraphs in documents[:max_groups]:
        d = digest(paragraphs, language=language, max_groups=1)
        points = tuple(
            TopicPoint(p.text, tuple((doc_id, c) for c in p.citations))
            for g in d.groups
            for p in g.points
        )
        if points:
            groups.append(TopicGroup(d.groups[0].heading, points))
    return tuple(groups)
