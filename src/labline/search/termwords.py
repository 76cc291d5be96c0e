"""The technical terms of `terms.tsv` as words of jieba's dictionary.

jieba's general dictionary cuts many technical terms into pieces (热管理 → 热|管理,
数字孪生 → 数字|孪生): a search then matches them only by their character bigrams (热管
also stands in 热管, a heat pipe), and the intel document finder cannot see them as one
term. The term list's hand-reviewed (`seed`) and scientific-keyword (`csl`) terms are
added to the segmenter (not the industry catalogue's trade names, which are common words),
each as frequent as a modestly common word, so that it stays whole beside its neighbours
(电池|热管理|系统, not 电池|热|管理系统).

A term added whole also yields the words jieba cut it into before (`PARTS`), so that a
shorter term still finds it (钙钛矿 in 钙钛矿电池). An index's words depend on this list,
so its snapshots carry `words_version()`; one made with another list is rebuilt
(core.indexes.store.outdated).
"""

from __future__ import annotations

import hashlib
from functools import cache
from importlib import resources
from typing import Any

SOURCES = ("seed", "csl")
TERM_FREQ = 2000  # jieba's count of a modestly common word (热 11,755; 管理系统 198)
TERM_TAG = "nz"  # a technical noun jieba does not know (as it tags 新能源汽车)


@cache
def technical_terms() -> tuple[str, ...]:
    """The Chinese technical terms of the shipped list (seed and csl sources), in order."""
    text = (resources.files("labline.search") / "terms.tsv").read_text(encoding="utf-8")
    out = []
    for line in text.splitlines():
        parts = line.split("\t")
        if line.startswith("#") or len(parts) < 3 or parts[2].strip() not in SOURCES:
            continue
        if len(parts[0].strip()) >= 2:
            out.append(parts[0].strip())
    return tuple(out)


@cache
def words_version() -> str:
    """A short stamp of the words the segmenter was given (changes with the list)."""
    return hashlib.sha256("\n".join(technical_terms()).encode()).hexdigest()[:12]


class Overlay:
    """jieba's word counts: a prebuilt read-only table, with the words added at run time
    (jieba writes added words and their prefixes into the table it was given)."""

    def __init__(self, table: Any) -> None:
        self._table = table
        self._added: dict[str, int] = {}
        self.meta = getattr(table, "meta", {})

    def get(self, word: str, default: Any = None) -> Any:
        value = self._added.get(word)
        return value if value is not None else self._table.get(word, default)

    def __contains__(self, word: object) -> bool:
        return word in self._added or word in self._table

    def __getitem__(self, word: str) -> Any:
        value = self._added.get(word)
        return value if value is not None else self._table[word]

    def __setitem__(self, word: str, value: int) -> None:
        self._added[word] = value


# A term added whole -> the words jieba cut it into before (钙钛矿电池 -> 钙钛矿, 电池): an
# index keeps those too, so that 钙钛矿 still finds a text about 钙钛矿电池 by that word.
PARTS: dict[str, tuple[str, ...]] = {}
TAGS: dict[str, str] = {}  # the tags given to words jieba did not know


def add_terms(jieba: Any) -> None:
    """Add the technical terms to jieba's (initialised) dictionary and word tags."""
    if not isinstance(jieba.dt.FREQ, dict | Overlay):
        jieba.dt.FREQ = Overlay(jieba.dt.FREQ)
    new = [t for t in technical_terms() if (jieba.dt.FREQ.get(t) or 0) < TERM_FREQ]
    before = {t: jieba.dt.lcut(t, HMM=False) for t in new}
    for term in new:
        # A word jieba knows keeps its tag (钙钛矿 n); only its count is raised.
        known = bool(jieba.dt.FREQ.get(term))
        jieba.dt.add_word(term, TERM_FREQ, None if known else TERM_TAG)
        if not known:
            TAGS[term] = TERM_TAG
    for term, words in before.items():
        if len(words) > 1:
            PARTS[term] = tuple(words)
