"""What the one search box answers: groups of found records, one per kind."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from pydantic import Field

from labline.schemas import Output


class FoundRead(Output):
    kind: str
    id: int
    path: str
    title: str
    title_en: str
    detail: str
    score: float
    matched_terms: list[str]
    lexical: float = Field(description="the score's part from the query's own words")
    bridge: float = Field(description="the score's part from the query's dictionary translation")
    semantic: float = Field(description="the score's part from the sentence vectors (meaning)")


class GroupRead(Output):
    kind: str
    label_en: str
    label_zh: str
    found: list[FoundRead]
    opening: bool = Field(
        default=False,
        description="not searched: its index is still being opened (try again in a moment)",
    )


def read_groups(groups: Iterable[Any]) -> list[GroupRead]:
    """The service's groups (labline.core.finder.service.Group) as the API and the command
    line give them."""
    return [
        GroupRead(
            kind=g.kind.kind,
            label_en=g.kind.label_en,
            label_zh=g.kind.label_zh,
            found=[FoundRead.model_validate(f) for f in g.found],
            opening=g.opening,
        )
        for g in groups
    ]
