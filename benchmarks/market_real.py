"""Suggestion quality on real technology records, both ways and across languages.

    python benchmarks/market_real.py [--texts DIR] [--json FILE] [--cache DIR]
        [--encoders use,use+e5] [--per-set N] [--needs N] [--ivf [--ivf-scale N]]

Achievements are real records of three public sets (../shared/data/texts): NASA
technologies offered for licence (patents and software), US patent abstracts and Chinese
scientific abstracts (CSL), imported as `labline market import` imports them
(market/service/texts.py: title, abstract, the record's own category as the field, that
category mapped to a GB/T 4754 industry code). Needs are written from records held apart
from the same sets: "Seeking: <title>" / "寻求：<title>" and the first sentence of the
abstract. Relevance comes from the data's own categories: 2 for the same category of the
same set, 1 for the same industry division (first two digits of the mapped code), else 0.

Measured, nDCG@10, for each method (lexical only; hybrid with each encoder):
need→achievement and achievement→need over the whole bilingual market, and zh→en
(CSL needs, English achievements) and en→zh (NASA and patent needs, Chinese
achievements). The indexes are `labline.search.SearchIndex` with the market's own
fields and facets (market/service/market_index.py), so the dictionary bridge and its
weighting by the other language's share are what the app does. Sentence vectors are
cached per encoder (by a hash of the texts), so a re-run skips the encoders.

With --ivf each encoder is measured again with every query answered through the IVF
cells (the path of a market above the exact limit; the exact limits are set to 0 and a
counter checks that every query went through the cells), paired with the exact run on the
same queries: what the approximate index costs in quality. Three ways:
- `_ivf`: the IVF's own probe rule at this size (a small index: a quarter of the cells);
- `_ivf_scale`: each query reads the share of the cells it would read in an index of
  --ivf-scale rows (200,000 by default: about 2 % unfiltered, 6 % filtered to a third),
  at least one cell; coarser cells than at that size, so a pessimistic bound;
- `_ivf_scale_x4`: the same with four times as many cells read (a larger probe count);
- `_ivf_scale_fine`: as many cells as at that size (√200,000 = 447, at most a quarter of
  the rows) and as many read as there: the same share, in cells of a few rows;
- `_ivf_every_cell`: every cell read, so nothing is missed: what differs from exact is
  the approximate path's fusion (the dense part scaled over the allowed best 1,000 rows,
  where the exact path scales it over every row, the filtered-out ones included).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import math
import os
import random
import re
import sys
import time
from pathlib import Path
from typing import Any, ClassVar

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from labline.core import refdata  # noqa: E402
from labline.errors import InvalidInput  # noqa: E402
from labline.market.service.market_index import ACHIEVEMENT_FACETS, NEED_FACETS  # noqa: E402
from labline.market.service.texts import achievement_values, read_lines  # noqa: E402
from labline.search import Record, SearchIndex  # noqa: E402
from labline.search import bridge as bridge_module  # noqa: E402
from labline.search import dense as dense_module  # noqa: E402
from labline.search import index as index_module  # noqa: E402
from labline.search import ivf as ivf_module  # noqa: E402
from labline.search.analysis import has_chinese  # noqa: E402
from labline.search.dense import (  # noqa: E402
    CombinedEncoder,
    E5Encoder,
    Encoder,
    UniversalSentenceEncoder,
    encode_queries,
)

TEXTS = Path(os.environ.get("LABLINE_TEXTS", ROOT.parent / "shared" / "data" / "texts"))
SETS = {
    "nasa": "nasa_techtransfer_en/nasa_techtransfer.jsonl",
    "uspto": "uspto_patent_abstracts_en/uspto_patent_abstracts.jsonl",
    "csl": "csl_zh_sci_abstracts/csl_dev.jsonl",
}
new_bridge_query = bridge_module.bridge_query
_SENTENCE = re.compile(r"^(.+?[.。;；!?！？])(\s|$)")


class Cached:
    """An encoder whose vectors are kept on disk by a hash of the texts."""

    def __init__(self, encoder: Any, folder: Path) -> None:
        self.encoder, self.folder = encoder, folder
        self.name, self.dim = encoder.name, encoder.dim
        folder.mkdir(parents=True, exist_ok=True)

    def _cached(self, texts: list[str], kind: str, fn: Any) -> np.ndarray:
        key = hashlib.sha256("\x00".join([kind, self.name, *texts]).encode()).hexdigest()[:24]
        path = self.folder / f"{key}.npy"
        if path.exists():
            return np.load(path)
        vectors = fn(texts)
        np.save(path, vectors)
        return vectors

    def encode(self, texts: list[str]) -> np.ndarray:
        return self._cached(texts, "passage", self.encoder.encode)

    def encode_queries(self, texts: list[str]) -> np.ndarray:
        return self._cached(texts, "query", lambda t: encode_queries(self.encoder, t))


def encoder_of(name: str, cache: Path) -> Encoder:
    use = Cached(UniversalSentenceEncoder(), cache)
    if name == "use":
        return use
    if name == "use+e5":  # the library's default_encoder, parts cached apart
        return CombinedEncoder([(use, 0.2), (Cached(E5Encoder(), cache), 0.8)])
    raise SystemExit(f"unknown encoder {name}")


def load(texts: Path, per_set: int, needs: int, seed: int = 7) -> tuple[list[dict], list[dict]]:
    """Achievements and needs (held-apart records), each with its set, category and code."""
    rng = random.Random(seed)
    achievements, wanted = [], []
    for source, name in SETS.items():
        rows = []
        for _n, row, _p in read_lines(texts / name):
            if row is None or (source == "nasa" and row.get("type") == "spinoff"):
                continue
            try:
                values = achievement_values(row, 1)
            except InvalidInput:  # an unmapped record is left out
                continue
            if len(str(row.get("abstract") or "")) < 40:
                continue
            rows.append((row, values))
        rng.shuffle(rows)
        for i, (row, values) in enumerate(rows[: per_set + needs]):
            item = {
                "id": f"{source}:{i}",
                "source": source,
                "category": values["field"],
                "code": values["industry_code"],
                "language": values["language"],
                "title": values["title"],
                "summary": values["summary"],
                "field": values["field"],
            }
            if i < needs:
                first = _SENTENCE.match(str(row.get("abstract") or ""))
                head = first.group(1) if first else str(row.get("abstract") or "")[:200]
                zh = values["language"] == "zh"
                item["title"] = ("寻求：" if zh else "Seeking: ") + values["title"]
                item["summary"] = head
                wanted.append(item)
            else:
                achievements.append(item)
    return achievements, wanted


def names(code: str) -> str:
    item = refdata.industry(code)
    return f"{item.name_zh} {item.name_en}" if item else ""


def record(item: dict, facets: dict) -> Record:
    values = {"industry": item["code"], "language": item["language"]}
    return Record(
        item["id"],
        {
            "title": item["title"],
            "keywords": f"{item['field']} {names(item['code'])}",
            "summary": item["summary"],
        },
        {k: v for k, v in values.items() if k in facets},
    )


def gain(q: dict, d: dict) -> int:
    if q["source"] == d["source"] and q["category"] == d["category"]:
        return 2
    return 1 if q["code"][:2] == d["code"][:2] else 0


def ndcg(ranked: list[dict], q: dict, pool: list[dict], k: int = 10) -> float | None:
    """nDCG@k, or None for a query with nothing relevant in the pool (left out)."""
    dcg = sum(gain(q, d) / math.log2(i + 2) for i, d in enumerate(ranked[:k]))
    ideal = sorted((gain(q, d) for d in pool), reverse=True)[:k]
    best = sum(g / math.log2(i + 2) for i, g in enumerate(ideal))
    return dcg / best if best else None


def query_text(item: dict) -> str:
    return f"{item['title']} {item['summary']}"


def run(
    queries: list[dict],
    docs: list[dict],
    facets: dict,
    encoder: Encoder | None,
    lang: str | None = None,
    ivf: bool = False,
) -> list[float]:
    index = SearchIndex(facets=facets, use_dense=encoder is not None, encoder=encoder)
    if ivf:  # the approximate path a market above the exact limit takes, at this size
        index.vectors.exact_limit = 0
    index.add([record(d, facets) for d in docs])
    by_id = {d["id"]: d for d in docs}
    pool = [d for d in docs if lang is None or d["language"] == lang]
    vectors = encode_queries(encoder, [query_text(q) for q in queries]) if encoder else None
    scores: list[float] = []
    probes, seconds = len(Probed.read), 0.0
    for i, q in enumerate(queries):
        started = time.perf_counter()
        hits = index.search(
            query_text(q),
            k=10,
            filters={"language": lang} if lang else None,
            query_vector=vectors[i] if vectors is not None else None,
        )
        seconds += time.perf_counter() - started
        score = ndcg([by_id[h.id] for h in hits], q, pool)
        if score is not None:
            scores.append(score)
    through_cells = len(Probed.read) - probes
    if through_cells != (len(queries) if ivf and encoder else 0):  # the path really taken
        raise AssertionError(f"{through_cells} of {len(queries)} queries read the IVF cells")
    Probed.seconds.append((seconds, len(queries)))
    return scores


class Probed(ivf_module.IVF):
    """The IVF index, counting the queries it answers and the share of the allowed rows
    each one reads; with `scale`, reading the share of the cells a query would read in
    an index of `scale` rows (times `factor`); `fine`: with as many cells as there
    (at most a quarter of the rows), so each query reads as many cells as there."""

    read: ClassVar[list[float]] = []
    seconds: ClassVar[list[tuple[float, int]]] = []
    scale: int | None = None
    factor = 1.0
    fine = False
    every = False

    def train(self, vectors: Any, **options: Any) -> None:
        if self.fine and self.scale:
            options["cells"] = min(int(math.sqrt(self.scale)), max(1, len(vectors) // 4))
        super().train(vectors, **options)

    def candidates(self, query: Any, want: int, allowed: Any) -> Any:
        n = len(self)
        share = 1.0 if allowed is None else max(float(allowed.mean()), 1e-6)
        saved = ivf_module.MIN_CELLS, ivf_module.MAX_SHARE
        if self.every:  # every cell: the approximate path's fusion, nothing missed
            ivf_module.MIN_CELLS, ivf_module.MAX_SHARE = self.centroids.shape[0], 1.0
        elif self.scale:
            cells = math.sqrt(self.scale)  # as many, as full, as the IVF trains at that size
            at_scale = min(max(math.ceil(want / share / cells), saved[0]), cells * saved[1])
            m = max(1, round(self.factor * at_scale / cells * self.centroids.shape[0]))
            ivf_module.MIN_CELLS, ivf_module.MAX_SHARE = m, 0.0
        try:
            rows = super().candidates(query, want, allowed)
        finally:
            ivf_module.MIN_CELLS, ivf_module.MAX_SHARE = saved
        Probed.read.append(rows.size / max(1.0, share * n))
        return rows


dense_module.IVF = Probed  # type: ignore[misc]  # what VectorIndex trains


def ivf_timing(rows: int, dim: int, queries: int = 40) -> dict[str, float]:
    """Milliseconds of the dense part of a query (the best 1,000 allowed rows, as
    SearchIndex asks) on `rows` random unit vectors: exact scan, IVF, IVF with four
    times the cells; unfiltered and with a filter that leaves a third of the rows.
    Medians of wall and of CPU time (the steadier one on a busy machine)."""
    Probed.fine = Probed.every = False
    rng = np.random.default_rng(0)
    index = dense_module.VectorIndex(dim)
    for start in range(0, rows, 50_000):
        index.add(rng.standard_normal((min(50_000, rows - start), dim), dtype=np.float32))
    third = rng.random(rows) < 1 / 3
    asked = rng.standard_normal((queries, dim), dtype=np.float32)
    out: dict[str, float] = {}
    for how, limit, factor in (("exact", rows, 1.0), ("ivf", 0, 1.0), ("ivf_x4", 0, 4.0)):
        index.exact_limit, Probed.scale, Probed.factor = limit, rows, factor
        index.build_ann()
        for name, allowed in (("all", None), ("third", third)):
            spent, cpu = [], []
            for q in asked:
                started, started_cpu = time.perf_counter(), time.process_time()
                index.top(q, 1000, allowed)
                spent.append(time.perf_counter() - started)
                cpu.append(time.process_time() - started_cpu)
            out[f"{how}_{name}_ms"] = round(1000 * float(np.median(spent)), 1)
            out[f"{how}_{name}_cpu_ms"] = round(1000 * float(np.median(cpu)), 1)
    Probed.scale, Probed.factor = None, 1.0
    return out


def measure(
    achievements: list[dict], needs: list[dict], encoder: Encoder | None, ivf: bool = False
) -> dict[str, list[float]]:
    back = [a for i, a in enumerate(achievements) if i % 4 == 0]  # achievement → need queries
    # Through the IVF cells even when a language filter leaves few rows (the app scans
    # those exactly below EXACT_FILTERED; here every query takes the approximate path).
    dense_module.EXACT_FILTERED = 0 if ivf else EXACT_FILTERED
    Probed.read.clear()
    Probed.seconds.clear()
    zh = [n for n in needs if n["language"] == "zh"]
    en = [n for n in needs if n["language"] == "en"]
    return {
        "need_to_achievement": run(needs, achievements, ACHIEVEMENT_FACETS, encoder, ivf=ivf),
        "achievement_to_need": run(back, needs, NEED_FACETS, encoder, ivf=ivf),
        "zh_to_en": run(zh, achievements, ACHIEVEMENT_FACETS, encoder, "en", ivf=ivf),
        "en_to_zh": run(en, achievements, ACHIEVEMENT_FACETS, encoder, "zh", ivf=ivf),
    }


EXACT_FILTERED = dense_module.EXACT_FILTERED
IVF_WAYS = ("ivf", "ivf_scale", "ivf_scale_x4", "ivf_scale_fine", "ivf_every_cell")


def old_bridge_query(query: str, chinese_share: float) -> tuple[dict[str, float], float]:
    """The rule before the bilingual bridge: a Chinese query bridged only when the corpus
    is mostly not Chinese, and then trusted only for the words the corpus lacks."""
    if has_chinese(query):
        return (bridge_module.zh_to_en(query), 0.0) if chinese_share <= 0.5 else ({}, 0.0)
    return (bridge_module.en_to_zh(query), 0.0) if chinese_share > 0 else ({}, 0.0)


def paired(a: list[float], b: list[float], rounds: int = 2000) -> dict[str, float]:
    """Mean of b - a over the same queries, with a 95 % bootstrap interval."""
    diff = np.asarray(b) - np.asarray(a)
    rng = np.random.default_rng(0)
    means = diff[rng.integers(0, diff.size, (rounds, diff.size))].mean(axis=1)
    lo, hi = np.percentile(means, [2.5, 97.5])
    return {
        "mean": round(float(diff.mean()), 3),
        "ci95": [round(float(lo), 3), round(float(hi), 3)],
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--texts", type=Path, default=TEXTS)
    ap.add_argument("--json", type=Path)
    ap.add_argument("--cache", type=Path, default=Path("/tmp/labline-market-real"))
    ap.add_argument("--encoders", default="use,use+e5")
    ap.add_argument("--per-set", type=int, default=400, help="achievements taken from each set")
    ap.add_argument("--needs", type=int, default=80, help="records held apart per set as needs")
    ap.add_argument(
        "--ivf", action="store_true", help="also each encoder through the IVF cells, not exact"
    )
    ap.add_argument(
        "--ivf-scale", type=int, default=200_000, help="rows of the index --ivf emulates"
    )
    args = ap.parse_args()
    if not args.texts.is_dir():
        raise SystemExit(f"no texts at {args.texts} (set LABLINE_TEXTS or --texts)")
    achievements, needs = load(args.texts, args.per_set, args.needs)
    out: dict[str, Any] = {
        "sizes": {"achievements": len(achievements), "needs": len(needs)},
        "relevance": "2 same set and category, 1 same GB/T 4754 division, 0 otherwise",
        "load_average_start": [round(x, 2) for x in os.getloadavg()],
        "methods": {},
    }
    plan: list[tuple[str, str | None, bool]] = [("lexical", None, True)]
    plan.append(("lexical_no_terms", None, False))
    encoders = [e for e in args.encoders.split(",") if e]
    if "use" in encoders:
        plan.append(("hybrid_use_no_terms", "use", False))
        plan.append(("hybrid_use_old_bridge", "use", True))
    plan += [(f"hybrid_{name}", name, True) for name in encoders]
    if args.ivf:
        for name in encoders:
            plan += [(f"hybrid_{name}_{how}", name, True) for how in IVF_WAYS]
    per_query: dict[str, dict[str, list[float]]] = {}
    for label, enc, terms in plan:
        bridge_module.use_terms(terms)
        index_module.bridge.bridge_query = (  # type: ignore[attr-defined]
            old_bridge_query if label.endswith("old_bridge") else new_bridge_query
        )
        started = time.perf_counter()
        encoder = encoder_of(enc, args.cache) if enc else None
        how = next((w for w in IVF_WAYS if label.endswith("_" + w)), None)
        Probed.scale = args.ivf_scale if how and how.startswith("ivf_scale") else None
        Probed.factor = 4.0 if how == "ivf_scale_x4" else 1.0
        Probed.fine = how == "ivf_scale_fine"
        Probed.every = how == "ivf_every_cell"
        per_query[label] = measure(achievements, needs, encoder, ivf=how is not None)
        result: dict[str, Any] = {
            k: round(float(np.mean(v)), 3) for k, v in per_query[label].items()
        }
        result["queries"] = {k: len(v) for k, v in per_query[label].items()}
        if how:  # the share of the allowed rows a query's cells held
            result["ivf_rows_read"] = round(float(np.mean(Probed.read)), 3)
        spent, asked = map(sum, zip(*Probed.seconds, strict=True))
        result["search_ms"] = round(1000 * spent / asked, 1)
        result["seconds"] = round(time.perf_counter() - started, 1)
        out["methods"][label] = result
        print(label, json.dumps(result), flush=True)
        if args.json:  # after each method: a slow encoder cut short keeps the rest
            args.json.write_text(json.dumps(out, ensure_ascii=False, indent=1) + "\n")
    bridge_module.use_terms(True)
    index_module.bridge.bridge_query = new_bridge_query  # type: ignore[attr-defined]
    comparisons = {
        "use+e5 minus use": ("hybrid_use", "hybrid_use+e5"),
        "terms minus no terms (use)": ("hybrid_use_no_terms", "hybrid_use"),
        "terms minus no terms (lexical)": ("lexical_no_terms", "lexical"),
        "bilingual bridge minus old rule (use)": ("hybrid_use_old_bridge", "hybrid_use"),
        **{
            f"{how.replace('_', ' ').upper()} minus exact ({name})": (
                f"hybrid_{name}",
                f"hybrid_{name}_{how}",
            )
            for name in ("use", "use+e5")
            for how in IVF_WAYS
        },
    }
    out["paired"] = {
        name: {k: paired(per_query[a][k], per_query[b][k]) for k in per_query[a]}
        for name, (a, b) in comparisons.items()
        if a in per_query and b in per_query
    }
    print(json.dumps(out["paired"], indent=1))
    if args.ivf:
        dense_module.EXACT_FILTERED = 0
        dims = sorted({encoder_of(e, args.cache).dim for e in encoders})
        out["ivf_timing"] = {
            "rows": args.ivf_scale,
            **{str(dim): ivf_timing(args.ivf_scale, dim) for dim in dims},
        }
        print(json.dumps(out["ivf_timing"]))
    out["load_average_end"] = [round(x, 2) for x in os.getloadavg()]
    if args.json:
        args.json.write_text(json.dumps(out, ensure_ascii=False, indent=1) + "\n")


if __name__ == "__main__":
    main()
