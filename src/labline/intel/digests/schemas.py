"""Digests out: the core viewpoint and the groups, every point citing its paragraphs."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel


class PointRead(BaseModel):
    text: str
    citations: list[int]


class GroupRead(BaseModel):
    heading: str
    points: list[PointRead]


class DigestRead(BaseModel):
    core_viewpoint: PointRead
    groups: list[GroupRead]


class TopicPointRead(BaseModel):
    text: str
    # [document id, paragraph number] pairs
    citations: list[tuple[int, int]]


class TopicGroupRead(BaseModel):
    heading: str
    points: list[TopicPointRead]


class TopicDigestRead(BaseModel):
    documents: list[int]
    groups: list[TopicGroupRead]


class DroppedRead(BaseModel):
    text: str
    citations: list[int]
    support: float  # share of its words found in the cited paragraphs
    # no_citation, missing_paragraph (detail: their numbers), numbers (detail: the numbers
    # the cited paragraphs do not hold), unsupported (detail: the share of words), empty
    reason: str
    detail: str


class AbstractiveDigestRead(BaseModel):
    """A language model's digest, checked point by point against the cited paragraphs: what
    the paragraphs do not support is dropped and counted, never shown as the digest."""

    model: str
    language: str
    core_viewpoint: PointRead | None
    groups: list[GroupRead]
    kept: int
    dropped: int
    dropped_points: list[DroppedRead]


class LlmDigestRunRead(BaseModel):
    """A language-model digest asked for in the background: where the worker is with it
    (state: queued, asking, checking, retrying, done, failed), and its checked digest once
    done (or the error of its last attempt)."""

    id: int
    document_id: int
    language: str
    model: str
    state: str
    attempts: int
    finished: bool
    error: str
    created_at: datetime
    finished_at: datetime | None
    result: AbstractiveDigestRead | None
