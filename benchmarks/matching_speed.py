"""Matching speed at scale: labline.search against raw bm25s and tantivy, in one run.

    python benchmarks/matching_speed.py [--sizes 100000,1000000] [--queries 200] [--json FILE]

Synthetic bilingual records (Chinese and English technology titles and abstracts with
region, industry, readiness and date facets) are generated deterministically. Each
system runs in its own process, so its peak memory is its own: index build throughput
(records/s), top-20 query latency p50/p95 and peak resident memory (MB).

- `labline`: the lexical index (analysis included in the build) plus random unit
  vectors of the default encoder's width (896) standing in for built sentence vectors
  ("once vectors are built"); queries are hybrid (BM25 + vectors + fusion) with a facet
  filter, using a pre-computed query vector — the encoder's own time per query is
  reported separately (`encode_ms`).
- `bm25s` and `tantivy`: the same analysed tokens, lexical top-20, no filter.
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import subprocess
import sys
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

ZH = [
    "钙钛矿",
    "叠层",
    "电池",
    "氢冶金",
    "高强钢",
    "固态",
    "电解质",
    "机器人",
    "减速器",
    "视觉",
    "碳化硅",
    "功率器件",
    "封装",
    "光刻胶",
    "石墨烯",
    "复合材料",
    "疫苗",
    "抗体",
    "细胞治疗",
    "热管理",
    "储能",
    "光伏",
    "组件",
    "回收",
    "催化",
    "传感器",
    "芯片",
    "算法",
    "数字孪生",
    "工业互联网",
]
EN = [
    "perovskite",
    "tandem",
    "battery",
    "hydrogen",
    "steel",
    "solid-state",
    "electrolyte",
    "robot",
    "reducer",
    "vision",
    "silicon carbide",
    "power device",
    "packaging",
    "photoresist",
    "graphene",
    "composite",
    "vaccine",
    "antibody",
    "cell therapy",
    "thermal",
    "storage",
    "photovoltaic",
    "module",
    "recycling",
    "catalyst",
    "sensor",
    "chip",
    "algorithm",
    "digital twin",
    "industrial internet",
]
REGIONS = ["110000", "310000", "320500", "330100", "340100", "420100", "440300", "510100", "610100"]
INDUSTRIES = ["3825", "3612", "3841", "2710", "3491", "3973", "2650", "6510"]


def records(n: int, seed: int = 7) -> list[dict]:
    rng = random.Random(seed)
    out = []
    for i in range(n):
        zh = i % 2 == 0
        words = ZH if zh else EN
        title = ("" if zh else " ").join(rng.sample(words, 3))
        body = ("，" if zh else ", ").join(rng.sample(words, 8)) + ("。" if zh else ".")
        out.append(
            {
                "id": f"r{i}",
                "title": title,
                "body": body,
                "region": rng.choice(REGIONS),
                "industry": rng.choice(INDUSTRIES),
                "trl": rng.randint(1, 9),
                "date": f"20{rng.randint(18, 25)}-0{rng.randint(1, 9)}-1{rng.randint(0, 9)}",
            }
        )
    return out


def queries(n: int, seed: int = 11) -> list[str]:
    rng = random.Random(seed)
    return [
        (" ".join(rng.sample(EN, 2)) if i % 2 else "".join(rng.sample(ZH, 2))) for i in range(n)
    ]


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def cpu_s() -> float:
    """CPU seconds of this process and its children, finished or alive (labline keeps its
    analysis workers between batches): on a machine shared with other work, records per
    CPU-second say more than per second."""
    import psutil

    own, kids = (
        resource.getrusage(resource.RUSAGE_SELF),
        resource.getrusage(resource.RUSAGE_CHILDREN),
    )
    alive = 0.0
    for child in psutil.Process().children(recursive=True):
        try:
            t = child.cpu_times()
            alive += t.user + t.system
        except psutil.Error:  # ended meanwhile: counted by RUSAGE_CHILDREN
            pass
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime + alive


def percentile(values: list[float], q: float) -> float:
    return float(np.percentile(np.asarray(values), q))


def _timed(
    items: Iterable[Any], search: Callable[[Any], object]
) -> tuple[list[float], list[float]]:
    """Wall and CPU milliseconds of `search` on each item."""
    times, cpu = [], []
    for item in items:
        t, c = time.perf_counter(), time.process_time()
        search(item)
        times.append((time.perf_counter() - t) * 1000)
        cpu.append((time.process_time() - c) * 1000)
    return times, cpu


def _speed(n: int, build: float, build_cpu: float, times: list[float], cpu: list[float]) -> dict:
    """The figures every system reports: build rate, query latencies, peak memory."""
    return {
        "build_per_s": n / build,
        "build_per_cpu_s": n / build_cpu,
        "p50_ms": percentile(times, 50),
        "p95_ms": percentile(times, 95),
        "p50_cpu_ms": percentile(cpu, 50),  # CPU time of the process: less load-dependent
        "p95_cpu_ms": percentile(cpu, 95),
        "memory_mb": peak_mb(),
    }


def run_labline(n: int, nq: int) -> dict:
    from labline.search import Record, SearchIndex
    from labline.search.dense import VectorIndex, default_encoder, encode_queries

    recs = records(n)
    rng = np.random.default_rng(0)
    # The lexical index (analysis, BM25 matrix, facets) is built and timed on its own, as
    # the target names it; the vectors are then added and timed apart (`vectors_add_s`),
    # and `hybrid_build_per_s` counts both.
    index = SearchIndex(
        facets={"region": "keyword", "industry": "keyword", "trl": "int", "date": "date"},
        use_dense=False,
    )
    build, build_cpu = 0.0, 0.0
    batch = 50_000
    for i in range(0, n, batch):
        started, cpu0 = time.perf_counter(), cpu_s()
        index.add(
            Record(
                r["id"],
                {"title": r["title"], "body": r["body"]},
                {k: r[k] for k in ("region", "industry", "trl", "date")},
            )
            for r in recs[i : i + batch]
        )
        build, build_cpu = build + time.perf_counter() - started, build_cpu + cpu_s() - cpu0
    started, cpu0 = time.perf_counter(), cpu_s()
    index.lexical.weights()
    build, build_cpu = build + time.perf_counter() - started, build_cpu + cpu_s() - cpu0
    index.encoder = default_encoder()
    dim = index.encoder.dim  # USE 512 + e5 384
    index.vectors = VectorIndex(dim)
    # Vectors arrive batch by batch, as an encoder would hand them over; their generation
    # is not timed, and the process never holds a second full copy of them.
    vectors_add = 0.0
    for i in range(0, n, batch):
        vectors = rng.standard_normal((min(batch, n - i), dim), dtype=np.float32)
        started = time.perf_counter()
        index.vectors.add(vectors)
        vectors_add += time.perf_counter() - started
    del vectors
    started = time.perf_counter()
    index.vectors.build_ann()  # the IVF index above dense.EXACT_LIMIT rows; timed apart
    timings = {
        "ann_build_s": time.perf_counter() - started,
        "vectors_add_s": vectors_add,
        "hybrid_build_per_s": n / (build + vectors_add),
    }
    qs = queries(nq)
    qv = rng.standard_normal((nq, dim), dtype=np.float32)
    index.search(qs[0], k=20, query_vector=qv[0], filters={"trl": {"gte": 4}})  # warm
    times, cpu = _timed(
        zip(qs, qv, strict=True),
        lambda q: index.search(
            q[0], k=20, query_vector=q[1], filters={"trl": {"gte": 4}, "industry": "38"}
        ),
    )
    enc = index.encoder
    encode_queries(enc, ["warm up"])
    t = time.perf_counter()
    for text in qs[:20]:
        encode_queries(enc, [text])
    encode_ms = (time.perf_counter() - t) * 1000 / 20
    return {
        **_speed(n, build, build_cpu, times, cpu),
        "encode_ms": encode_ms,
        **timings,
    }


def _tokens(n: int) -> list[list[str]]:
    from labline.search.analysis import analyze

    return [analyze(r["title"] + " " + r["body"]) for r in records(n)]


def run_bm25s(n: int, nq: int) -> dict:
    import bm25s

    from labline.search.analysis import analyze

    started, cpu0 = time.perf_counter(), cpu_s()
    corpus = _tokens(n)
    retriever = bm25s.BM25()
    retriever.index(corpus, show_progress=False)
    build, build_cpu = time.perf_counter() - started, cpu_s() - cpu0
    vocab = retriever.vocab_dict

    def search(text: str) -> None:
        scores = retriever.get_scores([x for x in analyze(text) if x in vocab])
        np.argpartition(-scores, 19)[:20]

    times, cpu = _timed(queries(nq), search)
    return _speed(n, build, build_cpu, times, cpu)


def run_tantivy(n: int, nq: int) -> dict:
    import tantivy

    from labline.search.analysis import analyze

    schema_builder = tantivy.SchemaBuilder()
    schema_builder.add_text_field("body", stored=False, tokenizer_name="whitespace")
    schema_builder.add_text_field("id", stored=True)
    schema = schema_builder.build()
    index = tantivy.Index(schema)
    started, cpu0 = time.perf_counter(), cpu_s()
    writer = index.writer(heap_size=500_000_000, num_threads=2)
    for i, toks in enumerate(_tokens(n)):
        writer.add_document(tantivy.Document(body=" ".join(toks), id=str(i)))
    writer.commit()
    index.reload()
    build, build_cpu = time.perf_counter() - started, cpu_s() - cpu0
    searcher = index.searcher()

    def search(text: str) -> None:
        toks = [x.replace('"', "") for x in analyze(text)]
        if toks:
            query = index.parse_query(" OR ".join(f'"{x}"' for x in toks), ["body"])
            searcher.search(query, 20)

    times, cpu = _timed(queries(nq), search)
    return _speed(n, build, build_cpu, times, cpu)


SYSTEMS = {"labline": run_labline, "bm25s": run_bm25s, "tantivy": run_tantivy}


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sizes", default="100000,1000000")
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--systems", default=",".join(SYSTEMS))
    parser.add_argument("--json", dest="json_path")
    parser.add_argument(
        "--child", nargs=3, metavar=("SYSTEM", "SIZE", "QUERIES"), help=argparse.SUPPRESS
    )
    args = parser.parse_args()
    if args.child:
        system, size, nq = args.child
        print(json.dumps(SYSTEMS[system](int(size), int(nq))))
        return
    results: dict[str, dict[str, dict]] = {}
    for size in [int(s) for s in args.sizes.split(",")]:
        for system in args.systems.split(","):
            done = subprocess.run(
                [sys.executable, __file__, "--child", system, str(size), str(args.queries)],
                capture_output=True,
                text=True,
                check=False,
            )
            if done.returncode != 0:
                print(f"{system} at {size}: failed\n{done.stderr[-2000:]}")
                continue
            figures = json.loads(done.stdout.strip().splitlines()[-1])
            results.setdefault(str(size), {})[system] = {k: round(v, 2) for k, v in figures.items()}
            print(
                f"{size:>9} {system:<8} " + "  ".join(f"{k}={v:.1f}" for k, v in figures.items()),
                flush=True,
            )
    if args.json_path:
        Path(args.json_path).write_text(json.dumps(results, indent=2) + "\n")


if __name__ == "__main__":
    main()
