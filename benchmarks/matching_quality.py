"""Matching quality on BEIR-layout sets: bm25s, dense, naive fusion and labline, in one run.

    python benchmarks/matching_quality.py [FOLDER] [--json FILE] [--cache DIR]

FOLDER holds one sub-folder per set (corpus.jsonl, queries.jsonl, qrels.tsv); the
default is ../shared/eval/dev. Prints nDCG@10 and Recall@100 per set and method:
`bm25` (bm25s, English stemmed words and Chinese character bigrams), `dense` (the
multilingual USE encoder, cosine), `naive_fusion` (reciprocal-rank fusion of the two)
and `labline` (labline.search with its default configuration, encoder included), and,
for reference, `labline_dense` (labline's default encoder alone, cosine). Sentence
vectors are cached per encoder by a hash of the texts, so re-runs skip the encoders.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import math
import sys
import time
from pathlib import Path

import bm25s
import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from labline.search import Record, SearchIndex  # noqa: E402
from labline.search.analysis import analyze  # noqa: E402
from labline.search.dense import (  # noqa: E402
    CombinedEncoder,
    Encoder,
    UniversalSentenceEncoder,
    default_encoder,
    encode_queries,
)
from labline.search.fusion import reciprocal_rank_fusion  # noqa: E402

METHODS = ("bm25", "dense", "naive_fusion", "labline", "labline_dense")


def read_set(folder: Path) -> tuple[list[dict], list[dict], dict[str, dict[str, int]]]:
    corpus = [json.loads(line) for line in (folder / "corpus.jsonl").open(encoding="utf-8")]
    queries = [json.loads(line) for line in (folder / "queries.jsonl").open(encoding="utf-8")]
    qrels: dict[str, dict[str, int]] = {}
    with (folder / "qrels.tsv").open(encoding="utf-8") as fh:
        next(fh)
        for line in fh:
            qid, did, score = line.rstrip("\n").split("\t")
            qrels.setdefault(qid, {})[did] = int(score)
    return corpus, [q for q in queries if q["_id"] in qrels], qrels


def text_of(row: dict) -> str:
    return ((row.get("title") or "") + " " + row["text"]).strip()


def vectors(
    texts: list[str], cache: Path, name: str, part: str, encoder: Encoder | None = None
) -> np.ndarray:
    """Vectors for the texts (`part` "queries" encodes them as queries), cached per
    encoder by a hash of the texts; a combined encoder's parts are cached one by one."""
    encoder = encoder or UniversalSentenceEncoder()
    if isinstance(encoder, CombinedEncoder):
        return np.hstack(
            [
                np.float32(np.sqrt(w)) * vectors(texts, cache, name, part, e)
                for e, w in encoder.parts
            ]
        ).astype(np.float32)
    digest = hashlib.sha256("\n".join(texts).encode()).hexdigest()[:16]
    prefix = "" if isinstance(encoder, UniversalSentenceEncoder) else f"{encoder.name}-"
    path = cache / name / f"{prefix}{part}-{digest}.npy"
    if path.exists():
        return np.load(path)
    started = time.perf_counter()
    chunks = []
    for i in range(0, len(texts), 500):  # in chunks, to show progress on long sets
        chunk = texts[i : i + 500]
        as_queries = part == "queries"
        chunks.append(encode_queries(encoder, chunk) if as_queries else encoder.encode(chunk))
        if len(texts) > 500:
            done = min(i + 500, len(texts))
            print(f"  {encoder.name}: {name} {part} {done}/{len(texts)}", end="\r", flush=True)
    out = np.vstack(chunks).astype(np.float32)
    path.parent.mkdir(parents=True, exist_ok=True)
    np.save(path, out)
    print(
        f"  {encoder.name}: encoded {len(texts)} {part} texts of {name}"
        f" in {time.perf_counter() - started:.0f} s",
        flush=True,
    )
    return out


def ndcg_at_10(ranked: list[str], rel: dict[str, int]) -> float:
    dcg = sum(rel.get(d, 0) / math.log2(i + 2) for i, d in enumerate(ranked[:10]))
    ideal = sorted(rel.values(), reverse=True)[:10]
    idcg = sum(r / math.log2(i + 2) for i, r in enumerate(ideal))
    return dcg / idcg if idcg else 0.0


def recall_at_100(ranked: list[str], rel: dict[str, int]) -> float:
    relevant = {d for d, s in rel.items() if s > 0}
    return len(set(ranked[:100]) & relevant) / len(relevant) if relevant else 0.0


def top(scores: np.ndarray, ids: list[str], k: int = 100) -> list[str]:
    k = min(k, scores.shape[0])
    part = np.argpartition(-scores, k - 1)[:k]
    return [ids[i] for i in part[np.argsort(-scores[part], kind="stable")]]


def evaluate(folder: Path, cache: Path) -> dict[str, dict[str, float]]:
    corpus, queries, qrels = read_set(folder)
    ids = [d["_id"] for d in corpus]
    # The dense baseline is the eval README's (USE); labline uses its default encoder.
    doc_vecs = vectors([text_of(d) for d in corpus], cache, folder.name, "corpus")
    query_vecs = vectors([q["text"] for q in queries], cache, folder.name, "queries")
    encoder = default_encoder()
    index = SearchIndex(fields={"title": 2.0, "body": 1.0}, encoder=encoder)  # default weights
    own_docs = vectors(
        [index.document_text({"title": d.get("title") or "", "body": d["text"]}) for d in corpus],
        cache,
        folder.name,
        "corpus",
        encoder,
    )
    own_queries = vectors([q["text"] for q in queries], cache, folder.name, "queries", encoder)

    # Baseline BM25 as the eval README describes it: bm25s over stemmed words + bigrams.
    retriever = bm25s.BM25()
    retriever.index([analyze(text_of(d), words=False) for d in corpus], show_progress=False)
    vocab = retriever.vocab_dict

    index.add(
        (Record(d["_id"], {"title": d.get("title") or "", "body": d["text"]}) for d in corpus),
        vectors=own_docs,
    )
    runs: dict[str, list[tuple[float, float]]] = {m: [] for m in METHODS}
    for q, qv, own in zip(queries, query_vecs, own_queries, strict=True):
        rel = qrels[q["_id"]]
        tokens = [t for t in analyze(q["text"], words=False) if t in vocab]
        bm25 = (
            retriever.get_scores(tokens).astype(np.float32)
            if tokens
            else np.zeros(len(ids), dtype=np.float32)
        )
        dense = (doc_vecs @ qv).astype(np.float32)
        rankings = {
            "bm25": top(bm25, ids),
            "dense": top(dense, ids),
            "naive_fusion": top(reciprocal_rank_fusion(bm25, dense), ids),
            "labline": [h.id for h in index.search(q["text"], k=100, query_vector=own)],
            "labline_dense": top((own_docs @ own).astype(np.float32), ids),
        }
        for method, ranked in rankings.items():
            runs[method].append((ndcg_at_10(ranked, rel), recall_at_100(ranked, rel)))
    return {
        m: {
            "ndcg@10": round(float(np.mean([a for a, _ in r])), 4),
            "recall@100": round(float(np.mean([b for _, b in r])), 4),
        }
        for m, r in runs.items()
    }


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("folder", nargs="?", default=str(ROOT.parent / "shared" / "eval" / "dev"))
    parser.add_argument("--json", dest="json_path", help="write {set: {method: {metric: value}}}")
    parser.add_argument("--cache", default=str(ROOT / "data" / "cache" / "vectors"))
    args = parser.parse_args()
    folder = Path(args.folder)
    if not folder.is_dir():
        sys.exit(f"no such folder: {folder}")
    results: dict[str, dict[str, dict[str, float]]] = {}
    for sub in sorted(p for p in folder.iterdir() if p.is_dir()):
        if not all((sub / f).exists() for f in ("corpus.jsonl", "queries.jsonl", "qrels.tsv")):
            print(f"skipping {sub.name}: not a BEIR-layout set")
            continue
        started = time.perf_counter()
        results[sub.name] = evaluate(sub, Path(args.cache))
        row = "  ".join(
            f"{m}={v['ndcg@10']:.3f}/{v['recall@100']:.3f}" for m, v in results[sub.name].items()
        )
        print(f"{sub.name:<16} {row}   ({time.perf_counter() - started:.0f} s)", flush=True)
    best_ok = all(
        r["labline"]["ndcg@10"] >= max(r["bm25"]["ndcg@10"], r["dense"]["ndcg@10"])
        for r in results.values()
    )
    print(f"labline >= best baseline on every set: {best_ok}")
    own_ok = all(r["labline"]["ndcg@10"] >= r["labline_dense"]["ndcg@10"] for r in results.values())
    print(f"labline >= its own encoder alone on every set: {own_ok}")
    if args.json_path:
        Path(args.json_path).parent.mkdir(parents=True, exist_ok=True)
        Path(args.json_path).write_text(json.dumps(results, indent=2, sort_keys=True) + "\n")


if __name__ == "__main__":
    main()
