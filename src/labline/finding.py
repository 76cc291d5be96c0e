"""What the one search box shows: a found record of any kind, in one shape.

Each domain makes its kinds findable through a `labline.modules.Searchable` in its module
record; its `find` is a service function that returns `Found`s for what the actor may see.
`labline.core.finder` asks every one, with one `labline.search.queries.QueryVectors` for
the search so that the query is encoded once, and groups the results by kind.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from labline.search.queries import QueryVectors


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
    # What the score is made of (labline.search.index.Explanation): the query's own words,
    # their dictionary translation, and the sentence vectors' meaning.
    lexical: float = 0.0
    bridge: float = 0.0
    semantic: float = 0.0

    def shares(self) -> dict[str, int]:
        """Each part's share of the score in whole percent (words, translation, meaning);
        nothing for a score of 0 (e.g. the only record of its kind: the engine scales each
        side's scores over its own candidates)."""
        total = self.lexical + self.bridge + self.semantic
        if total <= 0:
            return {}
        return {
            "words": round(100 * self.lexical / total),
            "translation": round(100 * self.bridge / total),
            "meaning": round(100 * self.semantic / total),
        }


@dataclass(frozen=True)
class Ask:
    """One question to the one search box, as each module's `find(session, ask)` gets it:
    who asks (a `labline.core.access.Actor`), the holder of the indexes (the app's state, a
    command's context), the query, how many of each kind, and the query's vectors, shared
    by every index of one encoder (encoded once per search)."""

    actor: Any
    holder: Any
    query: str
    k: int
    vectors: QueryVectors
