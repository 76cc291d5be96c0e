"""Whether a document's word is specific enough to name a technology.

A policy text's salient words are mostly general (优化, 材料, 生产, "system", "energy"): they
stand inside many records' titles without meaning what the records are about. A word counts
as a technical term when one of these holds:

- it is in the technical term list the search bridge ships (`labline/search/terms.tsv`),
  from its hand-reviewed (`seed`) and scientific-keyword (`csl`) sources — not the industry
  catalogue's names (商务服务, "business services"), which name trades, not technologies;
- Chinese: it holds a Latin acronym or a digit (mRNA疫苗, TOPCon电池, 5G); or it has three
  characters or more and is rare in general Chinese: missing from jieba's IDF table (a
  compound such as 数字孪生) or with an IDF of at least `RARE_IDF`; a word of two characters
  needs an IDF of at least `RARE_IDF_SHORT` (储能);
- English: it is a phrase of two words or more, not all of them general words of policy
  prose ("cost reduction", "financial system" are not terms; "solar cells" is).

Pure: no database, web or domain imports.
"""

from __future__ import annotations

import re
from functools import cache
from importlib import resources

RARE_IDF = 8.0  # jieba's general-corpus IDF: 现代化 6.7, 材料 5.7, 芯片 9.0, 钙钛矿 12.3
RARE_IDF_SHORT = 10.0
TERM_SOURCES = ("seed", "csl")
_GENERAL_EN_WORDS = (
    "system energy life service material process production "
    "development management quality performance cost costs reduction method methods "
    "technology technologies research work program new public national high level "
    "american economic financial health care security power time"
)
_GENERAL_EN = frozenset(_GENERAL_EN_WORDS.split())


@cache
def term_list() -> tuple[frozenset[str], frozenset[str]]:
    """The shipped technical terms: (Chinese terms, English renderings in lower case)."""
    text = (resources.files("labline.search") / "terms.tsv").read_text(encoding="utf-8")
    zh, en = set(), set()
    for line in text.splitlines():
        parts = line.split("\t")
        if line.startswith("#") or len(parts) < 3 or parts[2].strip() not in TERM_SOURCES:
            continue
        zh.add(parts[0].strip())
        en.add(parts[1].strip().lower())
    return frozenset(zh), frozenset(en)


@cache
def _idf() -> dict[str, float]:
    import jieba.analyse

    return dict(jieba.analyse.default_tfidf.idf_freq)


def _singular(word: str) -> str:
    return word[:-1] if word.endswith("s") and not word.endswith("ss") else word


def listed(term: str) -> bool:
    """Whether the term is in the shipped technical term list (either language)."""
    zh_terms, en_terms = term_list()
    low = term.strip().lower()
    return term.strip() in zh_terms or low in en_terms or _singular(low) in en_terms


def is_specific(term: str) -> bool:
    """Whether the word can name a technology (see the module's notes)."""
    term = term.strip()
    zh_terms, en_terms = term_list()
    if term in zh_terms or term.lower() in en_terms:
        return True
    if re.search(r"[\u4e00-\u9fff]", term):
        if re.search(r"[A-Za-z]{2,}|\d", term):
            return True
        idf = _idf().get(term)
        if len(term) >= 3:
            return idf is None or idf >= RARE_IDF
        return idf is not None and idf >= RARE_IDF_SHORT
    words = term.lower().split()
    if not all(re.fullmatch(r"[a-z][a-z0-9\-]+", w) for w in words):
        return False  # they've, e.g.: a contraction or a number is no technology
    if len(words) == 1:
        return _singular(words[0]) in en_terms
    return len(words) >= 2 and not all(_singular(w) in _GENERAL_EN for w in words)
