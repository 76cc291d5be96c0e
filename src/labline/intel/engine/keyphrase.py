"""Group headings: the key phrase of a group, taken verbatim from the group's own text.

Candidates are phrases that stand in the text — English: runs of one to three content
words between stop words and punctuation (the candidates of RAKE, Rose et al. 2010);
Chinese: one or two consecutive jieba words. Each is scored by how often its words occur
in the group against how widely they occur in the document's other groups (tf × idf over
groups), longer phrases winning ties, so that a heading names what sets the group apart.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Sequence
from functools import lru_cache, partial
from typing import Any

from labline.search.analysis import (
    CHINESE_STOP,
    ENGLISH_STOP,
    analyze,
    english_tokens,
    jieba_tagger,
)

_EN_WORDS = re.compile(r"[A-Za-z][A-Za-z0-9\-]*(?:['’](?![sS]\b)[A-Za-z]+)?|[0-9]+(?:\.[0-9]+)?")
_EN_BREAK = re.compile(r"--|['’][sS]\b|[^\w\s\-'’]+")  # a possessive ends a phrase
_ZH_CHUNK = re.compile(r"[\u3400-\u9fff]+")
# Words that are common in any document and name no theme.
_WEAK_WORDS = """also one two three new many much may might must would could should will shall said
    says say like well even still just made make makes get gets got going go goes gone come
    came know think want let way lot lots thing things year years people time times today
    us thank thanks applause laughter mr mrs ms however whether across along around among
    every another others other something anything everything nothing someone everyone yes
    already always never often really very quite rather almost enough perhaps maybe here
    there where when why how what which who whom whose yet since though although unless
    until upon within without toward towards among against need needs take takes took
    give gives gave put puts see seen look looks right good great big little last first next
    able sure kind part fact sort lets we're it's that's i'm you're they're don't can't
    won't we've i've"""
_EN_WEAK = ENGLISH_STOP | frozenset(_WEAK_WORDS.split())
_ZH_NOUN = frozenset(("n", "nr", "ns", "nt", "nz", "nw", "vn", "an", "j", "l", "eng"))
_ZH_CONTENT = _ZH_NOUN | {"v", "a", "b"}
_ZH_WEAK = CHINESE_STOP | {
    "我们",
    "他们",
    "进一步",
    "一些",
    "一个",
    "这个",
    "这些",
    "没有",
    "可以",
    "已经",
    "以及",
    "通过",
    "其中",
    "目前",
    "进行",
    "同时",
    "主要",
    "重要",
    "相关",
    "有关",
    "方面",
    "工作",
}


Phrase = tuple[str, ...]  # its words as they stand in the text


def _english_candidates(text: str) -> list[Phrase]:
    out: list[Phrase] = []
    for chunk in _EN_BREAK.split(text):
        run: list[str] = []
        for word in [*_EN_WORDS.findall(chunk), ""]:
            if word and word.lower() not in _EN_WEAK and not word.isdigit():
                run.append(word)
                continue
            for size in (1, 2, 3):
                out += [tuple(run[i : i + size]) for i in range(len(run) - size + 1)]
            run = []
    return out


def _chinese_candidates(text: str) -> list[Phrase]:
    return [c for chunk in _ZH_CHUNK.findall(text) for c in _chunk_candidates(chunk)]


# Chunks between punctuation repeat across a document and its search results.
@lru_cache(maxsize=1 << 16)
def _chunk_candidates(chunk: str) -> tuple[Phrase, ...]:
    """Nouns (jieba's part-of-speech tags), and pairs of content words holding one."""
    tagged = [(w, f) for w, f in _posseg().lcut(chunk, HMM=False)]
    noun = [len(w) >= 2 and f in _ZH_NOUN and w not in _ZH_WEAK for w, f in tagged]
    content = [len(w) >= 2 and f in _ZH_CONTENT and w not in _ZH_WEAK for w, f in tagged]
    pairs = [
        (tagged[i][0], tagged[i + 1][0])
        for i in range(len(tagged) - 1)
        if content[i]
        and content[i + 1]
        and (noun[i] or noun[i + 1])
        and len(tagged[i][0] + tagged[i + 1][0]) <= 8
        # not ending on a modifier of the next word: 本市原始|创新 is not a phrase
        and (noun[i + 1] or i + 2 >= len(tagged) or not content[i + 2])
    ]
    return (*((w,) for (w, _), good in zip(tagged, noun, strict=True) if good), *pairs)


def _posseg() -> Any:
    return jieba_tagger()


def warm() -> None:
    """Open the word tags a Chinese heading needs (before a process takes requests)."""
    _posseg()


def _occurrences(text: str, candidates: Sequence[Phrase], language: str) -> Counter[str]:
    """How often each candidate word occurs in the group (stemmed in English)."""
    if language == "zh":
        return Counter({w: text.count(w) for w in {w for c in candidates for w in c}})
    return Counter(analyze(text))


def _unit(word: str, language: str) -> str:
    if language == "zh":
        return word
    stemmed = english_tokens(word.lower())
    return stemmed[0] if stemmed else word.lower()


def headings(groups: Sequence[str], language: str) -> list[str]:
    """One heading per group text; each heading occurs verbatim in its group's text."""
    candidates = [
        _chinese_candidates(g) if language == "zh" else _english_candidates(g) for g in groups
    ]
    counts = [_occurrences(g, cs, language) for g, cs in zip(groups, candidates, strict=True)]
    spread = Counter(u for c in counts for u, f in c.items() if f)
    k = len(groups)
    glue = "" if language == "zh" else " "
    out: list[str] = []
    for g, (cs, tf) in enumerate(zip(candidates, counts, strict=True)):
        taken = set(out)
        fresh = [c for c in dict.fromkeys(cs) if glue.join(c) not in taken]
        if not fresh:
            out.append(_fallback(groups[g], language, taken))
            continue
        text = groups[g] if language == "zh" else " ".join(groups[g].lower().split())
        score = partial(_score, text=text, tf=tf, spread=spread, k=k, language=language)
        best = max(fresh, key=score)
        out.append(glue.join(best))
    return out


def _score(
    phrase: Phrase, *, text: str, tf: Counter[str], spread: Counter[str], k: int, language: str
) -> tuple[float, int]:
    units = [_unit(w, language) for w in phrase]
    # a word found in every group tells the groups apart no better than a stop word
    weight = sum(tf[u] * math.log((1 + k) / max(spread[u], 1)) for u in units) / len(units)
    # a phrase worth as much per word as a single word is better, since it says more, but
    # only if it recurs: a phrase seen once is an accident of wording (as in KEA and RAKE)
    if len(units) > 1 and _count(phrase, text, language) >= 2:
        weight *= 1 + 0.5 * (len(units) - 1)
    return (weight, len(phrase))


def _count(phrase: Phrase, text: str, language: str) -> int:
    return text.count("".join(phrase) if language == "zh" else " ".join(phrase).lower())


def _fallback(text: str, language: str, taken: set[str]) -> str:
    """The group's opening words, lengthened until unlike the other headings."""
    words = text.split()
    for size in range(4, 4 + len(text)):
        head = (
            text.strip()[: size * 2]
            if language == "zh" or len(words) <= 1
            else " ".join(words[:size])
        )
        if head not in taken or size * 2 >= len(text):
            return head
    return text.strip()
