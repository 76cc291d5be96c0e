"""Search in the intel_speed benchmark: stand-in vectors stored as the worker stores them,
the snapshot the worker writes, and timed searches by a process that never encodes a
paragraph (IVF, exact scan, words only)."""

from __future__ import annotations

import statistics
import time
from pathlib import Path
from types import SimpleNamespace

from benchmarks.kit.timing import percentile

QUERIES = [
    "基础研究",
    "原始创新",
    "科技创新",
    "营商环境",
    "乡村振兴",
    "新质生产力",
    "金融风险",
    "basic research",
    "innovation",
    "clean energy",
    "health care",
    "small business",
    "manufacturing jobs",
    "climate change",
]


def _timed_queries(session, actor, holder, queries: int) -> dict:  # type: ignore[no-untyped-def]
    from labline.intel.search import service as search

    timings = []
    for i in range(queries):
        q = QUERIES[i % len(QUERIES)]
        t0 = time.perf_counter()
        search.search(session, actor=actor, holder=holder, query=q, limit=10)
        timings.append((time.perf_counter() - t0) * 1000)
    return {
        "queries": len(timings),
        "p50_ms": round(statistics.median(timings), 1),
        "p95_ms": round(percentile(timings, 0.95), 1),
    }


def store_stand_ins(session, tmp: Path) -> dict:  # type: ignore[no-untyped-def]
    """Stand-in vectors stored as the worker stores what it encodes, the worker's real
    encoding rate on a sample, and the snapshot written by the worker's code."""
    import numpy as np

    from benchmarks.standin import store_standin_vectors
    from labline.core.indexes.encoder import live_encoder
    from labline.intel.search import service as search
    from labline.search import SearchIndex

    encoder = live_encoder()
    records = search.SPEC.live_records(session)["paragraphs"]
    sample = [SearchIndex.document_text(r.fields) for r in records[:: max(1, len(records) // 200)]]
    encoder.encode(sample[:2])  # the model loads
    t0 = time.perf_counter()
    encoder.encode(sample)
    encode_rate = len(sample) / (time.perf_counter() - t0)
    started = time.perf_counter()
    store_standin_vectors(session, encoder, records, np.random.default_rng(7))
    session.commit()
    return {
        "stand_in_vectors_stored_s": round(time.perf_counter() - started, 1),
        **write_snapshot(session, tmp),
        "worker_encode": {
            "sample": len(sample),
            "paragraphs_per_s": round(encode_rate, 1),
            "hours_for_all": round(len(records) / encode_rate / 3600, 1),
        },
    }


def write_snapshot(session, tmp: Path) -> dict:  # type: ignore[no-untyped-def]
    from labline.core.indexes import service as indexes
    from labline.intel.search import service as search

    t0 = time.perf_counter()
    indexes.rebuild(session, search.SPEC, tmp / "indexes" / "intel")
    session.commit()
    return {"snapshot_build_s": round(time.perf_counter() - t0, 1)}


def dense_search(session, actor, tmp: Path, queries: int, paragraphs: int) -> dict:  # type: ignore[no-untyped-def]
    """Searched with the dense side on by a process that only encodes queries, from the
    snapshot `store_stand_ins` wrote."""
    from labline.config import Settings
    from labline.core.indexes import service as indexes
    from labline.core.indexes.encoder import live_encoder
    from labline.intel.search import service as search
    from labline.search import dense

    encoder = live_encoder()
    settings = Settings(env="test", data_dir=tmp, jobs="sqlite")
    holder = SimpleNamespace(settings=settings)  # a web process: opens, never encodes
    t0 = time.perf_counter()
    index = search.index_for(session, holder)
    open_s = time.perf_counter() - t0
    live = indexes.open_index(session, search.SPEC, holder)
    assert index.encoder is not None and not live.pending, "dense side must be on"
    t0 = time.perf_counter()
    index.vectors.build_ann()  # the IVF index above intel's exact limit (20,000 vectors)
    ivf_build_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    encode_queries_ms = []
    for q in QUERIES:  # each distinct query's vector, encoded once (a search caches it)
        t0 = time.perf_counter()
        search.query_vector(index, q)
        encode_queries_ms.append((time.perf_counter() - t0) * 1000)
    ivf = _timed_queries(session, actor, holder, queries)
    # Each distinct query once more with its vector forgotten: a search of a new query,
    # its encoding included.
    search._QUERY_VECTORS.clear()
    new_query = _timed_queries(session, actor, holder, len(QUERIES))
    # The same queries with the dense side off (words and dictionary bridge only), in the
    # same run: what the vectors cost on this machine at this moment.
    encoder_of = index.encoder
    index.encoder = None
    try:
        lexical = _timed_queries(session, actor, holder, queries)
    finally:
        index.encoder = encoder_of
    saved = search.EXACT_LIMIT
    search.EXACT_LIMIT = dense.EXACT_LIMIT  # the engine's default: an exact scan at 100,000
    try:
        exact = _timed_queries(session, actor, holder, queries)
    finally:
        search.EXACT_LIMIT = saved
    return {
        "paragraphs": paragraphs,
        "dense": True,
        "encoder": encoder.name,
        "snapshot_open_s": round(open_s, 1),
        # Query vectors are cached by text (the benchmark's 14 queries repeat), so the
        # timed searches below do not encode; encoding a query costs this, once:
        "query_encode_ms": {
            "p50": round(statistics.median(encode_queries_ms), 1),
            "max": round(max(encode_queries_ms), 1),
        },
        "ivf": {**ivf, "exact_limit": search.EXACT_LIMIT, "ivf_ready_s": round(ivf_build_s, 2)},
        "ivf_new_query_encoded": new_query,
        "exact": {**exact, "exact_limit": dense.EXACT_LIMIT},
        "lexical_only_same_run": lexical,
        "p50_ms": ivf["p50_ms"],
        "p95_ms": ivf["p95_ms"],
    }
