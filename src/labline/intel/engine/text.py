"""Language, sentences and lexical vectors of a document's paragraphs."""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from labline.search.analysis import analyze, chinese_share

if TYPE_CHECKING:
    from scipy import sparse


# Chinese: after 。！？；; and !? (unless a Latin letter follows at once: "Bio?oss" is a
# garbled character, not a question), and after a "." not followed by a digit (5.2%).
_ZH_END = re.compile(r"(?<=[。！？；;])|(?<=[!?])(?![A-Za-z])|(?<=\.)(?![0-9])")
# English: . ! ? (and closing quotes or brackets) before a space and a capital or digit.
_EN_END = re.compile(r"(?<=[.!?])[\"'”’)\]]*\s+(?=[\"'“‘(\[]?[A-Z0-9])")
# ...unless the full stop ends an abbreviation or an initial ("Dr. Smith", "U.S. Senate").
_EN_KEEP = re.compile(
    r"\b(?:e\.g|i\.e|vs|al|Fig|Figs|Eq|No|Nos|Mr|Mrs|Ms|Dr|Prof|St|Sen|Rep|Gov|Gen|Jr|Sr"
    r"|[A-Z])\.$"
)


def detect_language(text: str) -> str:
    """ "zh" when at least a third of the letters are Chinese characters, else "en"."""
    return "zh" if chinese_share(text[:5000]) >= 0.3 else "en"


def split_sentences(text: str, language: str) -> list[str]:
    """Sentences as they stand in the text (each one a substring of it), blanks dropped."""
    if language == "zh":
        return [s.strip() for s in _ZH_END.split(text) if s.strip()]
    out: list[str] = []
    start = 0
    for m in _EN_END.finditer(text):
        head = text[start : m.start()]
        if _EN_KEEP.search(head):  # an abbreviation, not the end of a sentence
            continue
        out.append(text[start : m.start() + len(m.group(0).rstrip())].strip())
        start = m.end()
    out.append(text[start:].strip())
    return [s for s in out if s]


@dataclass(frozen=True)
class Sentence:
    paragraph: int  # 1-based
    index: int  # position in the document, 0-based
    text: str
    tokens: tuple[str, ...]


def sentences_of(paragraphs: Sequence[str], language: str) -> list[Sentence]:
    out: list[Sentence] = []
    for n, paragraph in enumerate(paragraphs, 1):
        for s in split_sentences(paragraph, language):
            out.append(Sentence(n, len(out), s, tuple(analyze(s))))
    return out


def substantial(sentence: Sentence, language: str) -> bool:
    """Long enough to stand as a point: a fragment ("目的：", "Fig. 2") is not."""
    if language == "zh":
        return sum(map(str.isalnum, sentence.text)) >= 10
    return len(sentence.text.split()) >= 4


def tfidf(token_lists: Sequence[Sequence[str]]) -> sparse.csr_matrix:
    """Unit rows of sublinear tf × idf within the document; a term in one unit only is
    dropped (it cannot tie two units together)."""
    from scipy import sparse

    df = Counter(t for ts in token_lists for t in set(ts))
    n = len(token_lists)
    vocab: dict[str, int] = {}
    rows, cols, vals = [], [], []
    for i, ts in enumerate(token_lists):
        for t, f in Counter(ts).items():
            if df[t] > 1 or n == 1:
                rows.append(i)
                cols.append(vocab.setdefault(t, len(vocab)))
                vals.append((1 + math.log(f)) * math.log(1 + n / df[t]))
    m = sparse.csr_matrix((vals, (rows, cols)), shape=(n, max(len(vocab), 1)))
    norms = np.sqrt(np.asarray(m.multiply(m).sum(axis=1))).ravel()
    norms[norms == 0] = 1.0
    return sparse.csr_matrix(sparse.diags(1 / norms) @ m)
