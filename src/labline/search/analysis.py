"""Text analysis for English, Chinese and mixed text.

English: lower-case, split on letters and digits, drop stop words, Snowball-stem.
Chinese: jieba words plus overlapping character bigrams, so that a technical term
jieba does not know (钙钛矿, 叠层) still matches through its bigrams.
Runs of each script are analysed separately, so mixed text works.
"""

from __future__ import annotations

import importlib
import io
import logging
import re
import sys
import threading
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache, lru_cache
from typing import Any

import numpy as np
import Stemmer
from numpy.typing import NDArray

from labline.search import termwords
from labline.search.lexical import TokenBatch

MAX_QUERY_CHARS = 20_000  # longer queries are cut here: the head carries the intent
_RUN = re.compile(r"([\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+)|([0-9A-Za-z\u00c0-\u024f]+)")
_RUNS = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+|[0-9A-Za-z\u00c0-\u024f]+")
# ASCII text: every character outside [0-9A-Za-z] separates runs, as in _RUNS.
_ASCII_GAPS = {c: " " for c in range(128) if not chr(c).isalnum()}
_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")

ENGLISH_STOP = frozenset(
    (
        "a",
        "about",
        "above",
        "after",
        "again",
        "against",
        "all",
        "am",
        "an",
        "and",
        "any",
        "are",
        "as",
        "at",
        "be",
        "because",
        "been",
        "before",
        "being",
        "below",
        "between",
        "both",
        "but",
        "by",
        "can",
        "could",
        "did",
        "do",
        "does",
        "doing",
        "down",
        "during",
        "each",
        "few",
        "for",
        "from",
        "further",
        "had",
        "has",
        "have",
        "having",
        "he",
        "her",
        "here",
        "hers",
        "herself",
        "him",
        "himself",
        "his",
        "how",
        "i",
        "if",
        "in",
        "into",
        "is",
        "it",
        "its",
        "itself",
        "just",
        "me",
        "more",
        "most",
        "my",
        "myself",
        "no",
        "nor",
        "not",
        "now",
        "of",
        "off",
        "on",
        "once",
        "only",
        "or",
        "other",
        "our",
        "ours",
        "ourselves",
        "out",
        "over",
        "own",
        "same",
        "she",
        "should",
        "so",
        "some",
        "such",
        "than",
        "that",
        "the",
        "their",
        "theirs",
        "them",
        "themselves",
        "then",
        "there",
        "these",
        "they",
        "this",
        "those",
        "through",
        "to",
        "too",
        "under",
        "until",
        "up",
        "very",
        "was",
        "we",
        "were",
        "what",
        "when",
        "where",
        "which",
        "while",
        "who",
        "whom",
        "why",
        "will",
        "with",
        "would",
        "you",
        "your",
        "yours",
        "yourself",
        "yourselves",
        "also",
        "may",
        "might",
        "must",
        "shall",
        "within",
        "without",
        "via",
        "per",
        "e",
        "g",
        "i",
        "e",
        "et",
        "al",
    )
)
# Function words that carry no topic in Chinese queries.
CHINESE_STOP = frozenset(
    (
        "的",
        "了",
        "和",
        "与",
        "及",
        "或",
        "是",
        "在",
        "对",
        "中",
        "为",
        "以",
        "等",
        "其",
        "之",
        "于",
        "由",
        "被",
        "把",
        "这",
        "那",
        "有",
        "也",
        "就",
        "都",
        "而",
    )
)


@cache
def stemmer() -> Stemmer.Stemmer:
    """The English Snowball stemmer, built once per process."""
    return Stemmer.Stemmer("english")


@cache
def jieba_segmenter() -> Any:
    """jieba with its dictionary ready (once per process, quietly): looked up as needed in
    a prebuilt table (`lexicons`), or loaded whole if there is no cache folder."""
    jieba = _import_jieba()
    jieba.setLogLevel(logging.WARNING)
    table = _jieba_table(jieba)
    if table is None:
        jieba.initialize()
    else:
        jieba.dt.FREQ, jieba.dt.total = table, int(table.meta["total"])
        jieba.dt.initialized = True
    termwords.add_terms(jieba)  # 热管理 is one word, not 热|管理
    return jieba


@cache
def jieba_tagger() -> Any:
    """`jieba.posseg` with its word tags looked up in a prebuilt table (`lexicons`): the
    module reads its whole dictionary (349,000 lines) when imported, 3-12 s of the first
    document page in every process. Loaded whole if there is no cache folder."""
    segmenter = jieba_segmenter()
    if "jieba.posseg" in sys.modules:
        return sys.modules["jieba.posseg"]
    table = _jieba_tag_table(segmenter)
    if table is not None:
        with _TAGGER_LOCK:
            # The module's own tokenizer reads the tags at import: hand it an empty file.
            segmenter.dt.get_dict_file = lambda: io.BytesIO(b"")
            try:
                posseg = importlib.import_module("jieba.posseg")
            finally:
                del segmenter.dt.get_dict_file
        posseg.dt.word_tag_tab = _WordTags(table)
        return posseg
    return importlib.import_module("jieba.posseg")


_TAGGER_LOCK = threading.Lock()


class _WordTags:
    """The part of a dict jieba.posseg uses: `get`, and `update` for words added at run time."""

    def __init__(self, table: Any) -> None:
        self._table = table
        self._added: dict[str, str] = {}

    def get(self, word: str, default: Any = None) -> Any:
        tag = self._added.get(word)
        return tag if tag is not None else self._table.get(word, default)

    def update(self, other: dict[str, str]) -> None:
        self._added.update(other)


def _jieba_tag_table(jieba: Any) -> Any:
    from labline.search import lexicons

    with jieba.dt.get_dict_file() as fh:
        source = fh.read()
    key = lexicons.content_hash(source, str(getattr(jieba, "__version__", "")), "tags")

    def rows() -> Iterable[tuple[str, str]]:
        # As jieba.posseg reads it: "word frequency tag" per line, the last line of a word wins.
        tags: dict[str, str] = {}
        for line in source.decode("utf-8").splitlines():
            parts = line.strip().split(" ")
            if len(parts) == 3:
                tags[parts[0]] = parts[2]
        return tags.items()

    return lexicons.open_or_build("jieba-tags", key, rows)


def _import_jieba() -> Any:
    """jieba, imported without pkg_resources (which it uses, if present, only to find its
    own files, and whose import took a second of every process's start)."""
    if "jieba" not in sys.modules and "pkg_resources" not in sys.modules:
        sys.modules["pkg_resources"] = None  # type: ignore[assignment]  # jieba falls back
        try:
            import jieba
        finally:
            del sys.modules["pkg_resources"]
    import jieba

    return jieba


def _jieba_table(jieba: Any) -> Any:
    from labline.search import lexicons

    with jieba.dt.get_dict_file() as fh:
        source = fh.read()
    key = lexicons.content_hash(source, str(getattr(jieba, "__version__", "")))

    def prefixes() -> tuple[dict[str, int], int]:
        with jieba.dt.get_dict_file() as fh:
            freq, total = jieba.dt.gen_pfdict(fh)
        return freq, int(total)

    built: list[tuple[dict[str, int], int]] = []

    def parsed() -> tuple[dict[str, int], int]:
        if not built:
            built.append(prefixes())
        return built[0]

    return lexicons.open_or_build(
        "jieba",
        key,
        lambda: parsed()[0].items(),
        meta=lambda: {"total": parsed()[1]},
    )


def normalise(text: str) -> str:
    # NFKC folds full-width letters and digits (Ｈ２Ｏ → H2O) that Chinese text often uses.
    # The quick check is fifty times faster than normalising text that is already normal.
    if unicodedata.is_normalized("NFKC", text):
        return text
    return unicodedata.normalize("NFKC", text)


def has_chinese(text: str) -> bool:
    return _CJK.search(text) is not None


def chinese_share(text: str) -> float:
    if text.isascii():
        return 0.0
    letters = sum(map(str.isalnum, text))
    return len(_CJK.findall(text)) / letters if letters else 0.0


def english_tokens(run: str) -> list[str]:
    return list(_english(run))


def chinese_tokens(run: str, *, words: bool = True) -> list[str]:
    return list(_chinese(run, words))


# Runs repeat (words in English, phrases between punctuation in Chinese), so each
# distinct run is analysed once: stemming and jieba were most of a build's time.
@lru_cache(maxsize=1 << 18)
def _english(run: str) -> tuple[str, ...]:
    words = [
        w for w in run.lower().split() if (w not in ENGLISH_STOP and len(w) > 1) or w.isdigit()
    ]
    return tuple(stemmer().stemWords(words)) if words else ()


@lru_cache(maxsize=1 << 18)
def _chinese(run: str, words: bool) -> tuple[str, ...]:
    out = [run[i : i + 2] for i in range(len(run) - 1)] if len(run) > 1 else [run]
    if words and len(run) > 2:
        # HMM off: unknown words are covered by the bigrams, and it is three times faster.
        parts = termwords.PARTS
        for w in jieba_segmenter().lcut(run, HMM=False):
            if len(w) > 2 and w not in CHINESE_STOP:
                out.append(w)
                out += [p for p in parts.get(w, ()) if len(p) > 2]
    return tuple(t for t in out if t not in CHINESE_STOP)


def analyze(text: str, *, words: bool = True) -> list[str]:
    """Tokens for indexing and querying; the same function on both sides."""
    tokens: list[str] = []
    # ASCII is already NFKC; a run's first character tells its script (Latin < U+3400).
    runs = text.translate(_ASCII_GAPS).split() if text.isascii() else _RUNS.findall(normalise(text))
    for run in runs:
        tokens += _chinese(run, words) if run[0] >= "\u3400" else _english(run)
    return tokens


@dataclass(frozen=True)
class AnalysedBatch:
    tokens: TokenBatch
    chinese: NDArray[np.bool_]  # record is mostly Chinese (more than 30 % of its letters)


def _analyse_batch(rows: Sequence[Mapping[str, str]]) -> AnalysedBatch:
    docs = [{f: analyze(t or "") for f, t in row.items()} for row in rows]
    chinese = [chinese_share(" ".join(t for t in row.values() if t)) > 0.3 for row in rows]
    return AnalysedBatch(TokenBatch.from_tokens(docs), np.asarray(chinese, dtype=bool))


def _analyse_rows(rows: list[dict[str, str]]) -> AnalysedBatch:
    return _analyse_batch(rows)


# One pool of workers per process, kept between batches: each worker's caches of
# analysed runs stay warm (fresh workers for every batch analysed 75 % slower).
_POOL: tuple[int, Any] | None = None


def _pool(workers: int) -> Any:
    import atexit
    import multiprocessing
    import os

    global _POOL
    if _POOL is None or _POOL[0] != os.getpid() or _POOL[1]._processes != workers:
        jieba_segmenter()  # load the dictionary once, before the workers fork
        pool = multiprocessing.get_context("fork").Pool(workers)
        atexit.register(pool.terminate)
        _POOL = (os.getpid(), pool)
    return _POOL[1]


def close_workers() -> None:
    """Stop this process's analysis workers (they start again when next needed)."""
    global _POOL
    if _POOL is not None:
        _POOL[1].terminate()
        _POOL[1].join()
        _POOL = None


PARALLEL_FROM = 20_000  # records; below this, starting workers costs more than it saves


def analyze_many(
    rows: Sequence[Mapping[str, str]], *, processes: int | None = None
) -> list[AnalysedBatch]:
    """Analyse many records' fields; large batches use one process per core."""
    return PendingAnalysis(rows, processes=processes).result()


class PendingAnalysis:
    """Analysis under way in worker processes (for large batches): the caller does its
    own work meanwhile (the index encodes facets), then takes the result or cancels."""

    def __init__(self, rows: Sequence[Mapping[str, str]], *, processes: int | None = None):
        import os

        self._async: Any = None
        self._rows = rows
        workers = processes if processes is not None else (os.cpu_count() or 1)
        if workers <= 1 or len(rows) < PARALLEL_FROM:
            return
        chunk = -(-len(rows) // (workers * 4))
        parts = [list(rows[i : i + chunk]) for i in range(0, len(rows), chunk)]
        self._async = _pool(workers).map_async(_analyse_rows, parts)

    def result(self) -> list[AnalysedBatch]:
        if self._async is None:
            return [_analyse_batch(self._rows)]
        return list(self._async.get())

    def cancel(self) -> None:
        """Nothing to undo: the workers' results are simply not used."""
        self._async = None
