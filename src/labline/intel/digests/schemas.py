"""Digests out: the core viewpoint and the groups, every point citing its paragraphs."""

from __future__ import annotations

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
