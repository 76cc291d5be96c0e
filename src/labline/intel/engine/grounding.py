"""Checking a generated digest against the paragraphs it cites.

A language model's point is kept only when
- it cites at least one paragraph, and every cited paragraph exists;
- every number it states (12%, 3.5, 2028) stands in the cited paragraphs;
- enough of its words come from the cited paragraphs: the share of its tokens (English word
  stems; Chinese character pairs) found in them is at least `threshold`. A point written in
  the other language than the paragraphs counts a word as found when one of its CC-CEDICT
  translations stands in them.
Anything else is dropped, with the reason. Pure: no database, web or network.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from labline.search.analysis import english_tokens
from labline.search.bridge import en_to_zh, zh_to_en

THRESHOLD = 0.5
_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
_CJK_RUN = re.compile(r"[\u3400-\u9fff]+")
_EN_RUN = re.compile(r"[A-Za-z][A-Za-z\-]+")
_CITATION = re.compile(r"\[(\d{1,4})\]")


@dataclass(frozen=True)
class Checked:
    text: str
    citations: tuple[int, ...]
    support: float  # share of the point's tokens found in the cited paragraphs
    # Why it was dropped (empty when kept): empty, no_citation, missing_paragraph, numbers,
    # unsupported; `detail` names the paragraphs or numbers.
    reason: str = ""
    detail: str = ""

    @property
    def kept(self) -> bool:
        return not self.reason


def tokens(text: str) -> set[str]:
    found: set[str] = set()
    for run in _CJK_RUN.findall(text):
        found |= {run[i : i + 2] for i in range(len(run) - 1)} if len(run) > 1 else {run}
    for word in _EN_RUN.findall(text):
        found.update(english_tokens(word.lower()))
    return found


def cross_support(text: str, source: str) -> float:
    """The share of the point's words with a dictionary translation in the source."""
    words = [w for run in _CJK_RUN.findall(text) for w in _words_zh(run)]
    words += [w.lower() for w in _EN_RUN.findall(text) if english_tokens(w.lower())]
    if not words:
        return 0.0
    source_tokens = tokens(source)
    hits = 0
    for word in words:
        if _CJK_RUN.fullmatch(word):
            found = set(zh_to_en(word)) & source_tokens
        else:
            found = {t for t in en_to_zh(word) if t in source}
        hits += bool(found)
    return hits / len(words)


def _words_zh(run: str) -> list[str]:
    from labline.search.analysis import chinese_tokens

    return [w for w in chinese_tokens(run) if len(w) >= 2]


def numbers(text: str) -> set[str]:
    return {n.replace(",", "") for n in _NUMBER.findall(text)}


def split_citations(text: str) -> tuple[str, tuple[int, ...]]:
    """A point written with its citations inline ("… 12% [2][3]"): the text and the numbers."""
    cited = tuple(dict.fromkeys(int(n) for n in _CITATION.findall(text)))
    return _CITATION.sub("", text).strip(), cited


def check(
    text: str,
    citations: Sequence[int],
    paragraphs: Sequence[str],
    *,
    threshold: float = THRESHOLD,
) -> Checked:
    """Whether the cited paragraphs support the point (see the module's notes)."""
    text, inline = split_citations(text)
    cited = tuple(dict.fromkeys([*citations, *inline]))
    if not text:
        return Checked(text, cited, 0.0, "empty")
    if not cited:
        return Checked(text, cited, 0.0, "no_citation")
    missing = [n for n in cited if not 1 <= n <= len(paragraphs)]
    if missing:
        return Checked(text, cited, 0.0, "missing_paragraph", " ".join(map(str, missing)))
    source = "\n".join(paragraphs[n - 1] for n in cited)
    absent = sorted(numbers(text) - numbers(source))
    wanted = tokens(text)
    same = bool(_CJK_RUN.search(text)) == bool(_CJK_RUN.search(source))
    if same:
        support = len(wanted & tokens(source)) / len(wanted) if wanted else 0.0
    else:
        support = cross_support(text, source)
    support = round(support, 3)
    if absent:
        return Checked(text, cited, support, "numbers", " ".join(absent))
    if support < threshold:
        return Checked(text, cited, support, "unsupported", f"{support:.2f}")
    return Checked(text, cited, support)
