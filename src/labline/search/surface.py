"""Matched index terms as a reader would write them, for explanations.

The index matches stems ("perovskit") and Chinese n-grams ("钙钛", "钛矿"); a reader should
see the words of the record itself: for English, the word a stem comes from; for Chinese,
the longest runs of the text that matched n-grams cover (钙钛 + 钛矿 + 叠层 -> 钙钛矿叠层).
"""

from __future__ import annotations

import re
from collections.abc import Iterable

_WORD = re.compile(r"[A-Za-z][A-Za-z0-9-]*")


def surface_terms(terms: Iterable[str], text: str, limit: int = 5) -> list[str]:
    """Whole words and runs of `text` (lower-cased by the caller or not) that the matched
    `terms` come from, most important term first; a term the text does not contain (a
    bridged word from the other language) is left out."""
    terms = list(terms)
    lower = text.lower()
    covered = [False] * len(lower)
    for term in terms:
        if term.isascii():
            continue
        at = lower.find(term)
        while at >= 0:
            for i in range(at, at + len(term)):
                covered[i] = True
            at = lower.find(term, at + 1)
    out: list[str] = []
    run = ""
    for ch, on in zip(lower + " ", [*covered, False], strict=True):
        if on:
            run += ch
            continue
        if len(run) >= 2 and run not in out:
            out.append(run)
        run = ""
    words = _WORD.findall(lower)
    for term in terms:
        if not term.isascii():
            continue
        surface = next((w for w in words if w.startswith(term)), None)
        if surface is not None and surface not in out:
            out.append(surface)
    return out[:limit]
