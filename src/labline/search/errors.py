"""What can go wrong with a search, said precisely."""

from __future__ import annotations


class SearchError(ValueError):
    """Base class: a bad query, filter or index."""


class UnknownFilterField(SearchError):
    def __init__(self, field: str, allowed: list[str]) -> None:
        super().__init__(f"unknown filter field '{field}'; allowed: {', '.join(sorted(allowed))}")
        self.field = field
        self.allowed = sorted(allowed)


class BadFilterValue(SearchError):
    def __init__(self, field: str, why: str) -> None:
        super().__init__(f"filter '{field}': {why}")
        self.field = field


class CorruptIndex(SearchError):
    """An index file that is missing, truncated or does not match its checksum."""
