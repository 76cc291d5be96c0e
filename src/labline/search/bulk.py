"""Bulk work beyond one process: encoding millions of records and all-pairs matching.

Runs on Dask (a `distributed.Client`, e.g. a LocalCluster here or a real cluster in
production) or in-process when no client is given. Dask rather than Ray: the work is
a plain map over partitions of numpy arrays, Dask's scheduler installs from PyPI as
pure Python with no daemon, runs in-process for tests and on a 2-core machine without
reserving memory for an object store, and its workers read the saved index through
the same memory-mapped files.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from labline.search.dense import Encoder


def _partitions(n: int, size: int) -> list[tuple[int, int]]:
    return [(i, min(i + size, n)) for i in range(0, n, size)]


def _encode_part(texts: Sequence[str], encoder: Encoder) -> np.ndarray:
    return encoder.encode(list(texts))


def encode_all(
    texts: Sequence[str], *, encoder: Encoder, client: Any | None = None, partition: int = 2048
) -> np.ndarray:
    """Vectors for all texts, partition by partition (in parallel with a Dask client)."""
    parts = [texts[a:b] for a, b in _partitions(len(texts), partition)]
    if not parts:
        return np.zeros((0, encoder.dim), dtype=np.float32)
    if client is None:
        return np.vstack([_encode_part(p, encoder) for p in parts])
    futures = client.map(_encode_part, parts, encoder=encoder, pure=False)
    return np.vstack(client.gather(futures))


def _match_part(
    index_path: str, queries: Sequence[tuple[str, str]], k: int, filters: dict[str, Any] | None
) -> list[tuple[str, str, float]]:

    index = _load_cached(index_path)
    out = []
    for qid, text in queries:
        for hit in index.search(text, k=k, filters=filters):
            out.append((qid, hit.id, hit.score))
    return out


_CACHE: dict[str, Any] = {}


def _load_cached(path: str) -> Any:
    # A worker loads the index once and keeps it for every partition it is given.
    from labline.search.persistence import load

    if path not in _CACHE:
        _CACHE[path] = load(path)
    return _CACHE[path]


def match_all(
    *,
    index_path: str | Path,
    queries: Sequence[tuple[str, str]],
    k: int = 20,
    client: Any | None = None,
    partition: int = 256,
    filters: dict[str, Any] | None = None,
) -> list[tuple[str, str, float]]:
    """Every query (e.g. each open need) against the saved index: (query id, hit id, score)."""
    parts = [queries[a:b] for a, b in _partitions(len(queries), partition)]
    if client is None:
        return [row for p in parts for row in _match_part(str(index_path), p, k, filters)]
    futures = client.map(
        _match_part, [str(index_path)] * len(parts), parts, k=k, filters=filters, pure=False
    )
    return [row for chunk in client.gather(futures) for row in chunk]
