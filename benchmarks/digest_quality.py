"""Digest quality: core viewpoints against human summaries, groups against source articles.

    python benchmarks/digest_quality.py [FOLDER] [--json FILE] [--limit N] [--cache DIR]

FOLDER (default ../shared/eval/dev) holds `summaries/<set>/docs.jsonl` (`id`, `language`,
`text`, `references`) and `groups/<set>/docs.jsonl` (`id`, `language`, `paragraphs`,
`labels`); a missing set is skipped. Methods, all in one run:

- summaries (ROUGE-1/2/L F1 of one extracted sentence against the best-matching
  reference, `rouge-score`; English words with Porter stemming, Chinese characters with
  punctuation dropped): `lead` (the first sentence), `textrank` and `lexrank` (`sumy`,
  handed labline's sentence splitter and a word tokenizer — English words by a regular
  expression with sumy's Porter stemmer, Chinese jieba words — since sumy's own English
  tokenizer wants NLTK data that cannot be downloaded), and `labline` (the first
  sentence of the digest's core viewpoint);
- groups (adjusted Rand index of groups against the source articles):
  `texttiling` (Hearst's TextTiling as NLTK ships it, handed stop words so that nothing
  downloads; Chinese handed over as jieba words, each spelt as a made-up Latin word since
  NLTK keeps only the letters a-z) and
  `labline` (the digest's groups, each with the paragraphs it covers, given the
  paragraphs' USE vectors as the search index holds them) and, for reference,
  `labline_lexical` (the same without vectors: words alone).

`--limit N` reads only the first N documents of each set, for quick runs. The digest time
of a 20-paragraph document (its paragraph vectors computed beforehand) is measured too.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import re
import sys
import time
import unicodedata
from pathlib import Path
from typing import Any

import numpy as np
from rouge_score import rouge_scorer
from sklearn.metrics import adjusted_rand_score

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from labline.intel.engine import Digest, digest, split_sentences  # noqa: E402
from labline.search.analysis import CHINESE_STOP, ENGLISH_STOP, _jieba  # noqa: E402

# ../shared beside the checkout (or beside the folder of worktrees)
DEFAULT = next(
    (
        p / "shared" / "eval" / "dev"
        for p in (ROOT.parent, ROOT.parent.parent)
        if (p / "shared" / "eval" / "dev").is_dir()
    ),
    ROOT.parent / "shared" / "eval" / "dev",
)
_WORD = re.compile(r"[0-9A-Za-z\u00c0-\u024f]+(?:['’][A-Za-z]+)?")


class CharTokenizer:
    """rouge-score tokenizer for Chinese: one token a character, punctuation and spaces dropped."""

    def tokenize(self, text: str) -> list[str]:
        return [c for c in text.lower() if unicodedata.category(c)[0] not in "PZCS"]


class SumyTokenizer:
    """The word and sentence tokenizer sumy is handed instead of its NLTK-based one."""

    def __init__(self, language: str) -> None:
        self.language = "chinese" if language == "zh" else "english"
        self._lang = language

    def to_sentences(self, paragraph: str) -> tuple[str, ...]:
        return tuple(split_sentences(paragraph, self._lang))

    def to_words(self, sentence: str) -> tuple[str, ...]:
        if self._lang == "zh":
            return tuple(
                w for w in _jieba().lcut(sentence) if w.strip() and any(map(str.isalnum, w))
            )
        return tuple(_WORD.findall(sentence))


def read(path: Path, limit: int | None) -> list[dict[str, Any]]:
    rows = []
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            rows.append(json.loads(line))
            if limit is not None and len(rows) >= limit:
                break
    return rows


def sumy_pick(method: str, text: str, language: str) -> str:
    from sumy.models.dom import ObjectDocumentModel, Paragraph, Sentence
    from sumy.nlp.stemmers import Stemmer, null_stemmer
    from sumy.summarizers.lex_rank import LexRankSummarizer
    from sumy.summarizers.text_rank import TextRankSummarizer
    from sumy.utils import get_stop_words

    tokenizer = SumyTokenizer(language)
    sentences = [Sentence(s, tokenizer) for s in split_sentences(text, language)]
    document = ObjectDocumentModel([Paragraph(sentences)])
    stemmer = Stemmer("english") if language == "en" else null_stemmer
    cls = TextRankSummarizer if method == "textrank" else LexRankSummarizer
    summarizer = cls(stemmer)
    summarizer.stop_words = get_stop_words(tokenizer.language)
    picked = summarizer(document, 1)
    return str(picked[0]) if picked else ""


def pick(method: str, text: str, language: str) -> str:
    if method == "lead":
        first = split_sentences(text, language)
        return first[0] if first else ""
    if method in ("textrank", "lexrank"):
        return sumy_pick(method, text, language)
    core = digest([text], language=language).core_viewpoint.text
    first = split_sentences(core, language)
    return first[0] if first else ""


def summaries(folder: Path, limit: int | None) -> dict[str, dict[str, dict[str, float]]]:
    out: dict[str, dict[str, dict[str, float]]] = {}
    for path in sorted(folder.glob("summaries/*/docs.jsonl")):
        rows = read(path, limit)
        zh = rows and rows[0]["language"] == "zh"
        scorer = rouge_scorer.RougeScorer(
            ["rouge1", "rouge2", "rougeL"],
            use_stemmer=not zh,
            tokenizer=CharTokenizer() if zh else None,
        )
        result = {}
        for method in ("lead", "textrank", "lexrank", "labline"):
            sums = np.zeros(3)
            for row in rows:
                s = scorer.score_multi(
                    row["references"], pick(method, row["text"], row["language"])
                )
                sums += [s["rouge1"].fmeasure, s["rouge2"].fmeasure, s["rougeL"].fmeasure]
            mean = sums / max(len(rows), 1)
            result[method] = dict(
                zip(("rouge1", "rouge2", "rougeL"), map(float, mean), strict=True)
            )
            print(path.parent.name, method, " ".join(f"{v:.3f}" for v in mean), flush=True)
        out[path.parent.name] = result
    return out


def _letters(i: int) -> str:
    out = ""
    while True:
        i, r = divmod(i, 26)
        out += chr(ord("a") + r)
        if i == 0:
            return "zz" + out


def texttiling(paragraphs: list[str], language: str) -> list[int]:
    """Hearst's TextTiling as NLTK implements it (w=20, k=10, depth cutoff mean - sd/2).
    NLTK keeps only the letters a-z, so Chinese is handed over as jieba words, each written
    as a made-up Latin word (one per distinct word): the algorithm sees the same word
    repetitions it would see in English."""
    from nltk.tokenize.texttiling import TextTilingTokenizer

    if language == "zh":
        jieba, codes = _jieba(), {}
        paragraphs = [
            " ".join(
                codes.setdefault(w, _letters(len(codes)))
                for w in jieba.lcut(p)
                if w.strip() and any(map(str.isalnum, w)) and w not in CHINESE_STOP
            )
            for p in paragraphs
        ]
    tiler = TextTilingTokenizer(stopwords=list(ENGLISH_STOP))
    labels: list[int] = []
    try:
        segments = tiler.tokenize("\n\n".join(paragraphs))
    except ValueError:  # too short to tile: one segment
        return [0] * len(paragraphs)
    for g, segment in enumerate(segments):
        labels += [g] * len([p for p in re.split(r"\n\s*\n", segment) if p.strip()])
    return labels


def labels_of(d: Digest, n: int) -> list[int]:
    """Each paragraph's group in the digest (paragraphs in no group share label -1)."""
    labels = [-1] * n
    for g, group in enumerate(d.groups):
        for p in group.paragraphs:
            labels[p - 1] = g
    return labels


def groups(
    folder: Path, limit: int | None, vectors: bool
) -> dict[str, dict[str, dict[str, float]]]:
    out: dict[str, dict[str, dict[str, float]]] = {}
    for path in sorted(folder.glob("groups/*/docs.jsonl")):
        rows = read(path, limit)
        result = {}
        methods = (
            ("texttiling", "labline", "labline_lexical") if vectors else ("texttiling", "labline")
        )
        for method in methods:
            scores = []
            for row in rows:
                paras, lang = row["paragraphs"], row["language"]
                if method == "texttiling":
                    got = texttiling(paras, lang)
                else:
                    vecs = encode(paras) if method == "labline" and vectors else None
                    got = labels_of(digest(paras, language=lang, vectors=vecs), len(paras))
                scores.append(adjusted_rand_score(row["labels"], got))
            result[method] = {"ari": float(np.mean(scores))}
            print(path.parent.name, method, f"{np.mean(scores):.3f}", flush=True)
        out[path.parent.name] = result
    return out


CACHE: Path | None = None


def encode(paragraphs: list[str]) -> np.ndarray:
    """USE paragraph vectors (cached under --cache by a hash of the texts)."""
    from labline.search.dense import UniversalSentenceEncoder

    key = hashlib.sha256("\x00".join(paragraphs).encode()).hexdigest()[:32]
    path = CACHE / f"use-{key}.npy" if CACHE else None
    if path is not None and path.exists():
        return np.load(path)
    vectors = UniversalSentenceEncoder().encode(paragraphs)
    if path is not None:
        np.save(path, vectors)
    return vectors


def digest_time(folder: Path) -> dict[str, float]:
    """Median wall time of one digest of a 20-paragraph document, its vectors computed before."""
    rows = read(next(iter(sorted(folder.glob("groups/*/docs.jsonl")))), None)
    doc = next(r for r in rows if len(r["paragraphs"]) >= 20)
    paras = doc["paragraphs"][:20]
    vecs = encode(paras)
    digest(paras, vectors=vecs)  # warm: jieba's dictionary, the stemmer
    times = []
    for _ in range(20):
        start = time.perf_counter()
        digest(paras, vectors=vecs)
        times.append(time.perf_counter() - start)
    return {
        "paragraphs": 20,
        "median_ms": 1000 * float(np.median(times)),
        "max_ms": 1000 * float(np.max(times)),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("folder", nargs="?", type=Path, default=DEFAULT)
    parser.add_argument("--json", type=Path)
    parser.add_argument("--limit", type=int)
    parser.add_argument(
        "--no-vectors",
        action="store_true",
        help="digest groups without paragraph vectors (lexical only)",
    )
    parser.add_argument("--cache", type=Path, help="folder for paragraph vectors between runs")
    args = parser.parse_args()
    global CACHE
    if args.cache:
        args.cache.mkdir(parents=True, exist_ok=True)
        CACHE = args.cache
    result: dict[str, Any] = {
        "summaries": summaries(args.folder, args.limit),
        "groups": groups(args.folder, args.limit, not args.no_vectors),
    }
    if any(args.folder.glob("groups/*/docs.jsonl")):
        result["digest_time"] = digest_time(args.folder)
        print("digest time", result["digest_time"])
    if args.json:
        args.json.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()
