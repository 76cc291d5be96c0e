"""What the one search box shows: a found record of any kind, in one shape.

Each domain makes its kinds findable through a `labline.modules.Searchable` in its module
record; its `find` is a service function that returns `Found`s for what the actor may see.
`labline.core.directory.everything` asks every one and groups the results by kind.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Found:
    kind: str  # one of the Searchable's kinds ("instrument", "need", ...)
    id: int
    path: str  # the record's page ("/facilities/instruments/7")
    title: str  # record content, as written
    title_en: str = ""  # the English name, where the record has names in both languages
    detail: str = ""  # a short line of record content (its organisation, facility, field)
    score: float = 0.0
    matched_terms: tuple[str, ...] = field(default_factory=tuple)
