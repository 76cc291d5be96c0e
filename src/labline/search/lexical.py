"""The lexical side: a BM25 index on sparse matrices (scipy), with field weights.

Documents go in as token lists per field; a field's weight multiplies its term
frequencies (BM25F-style) before saturation. The index keeps raw counts, so that
adding documents recomputes only what changed; weights are rebuilt lazily.

Weights come in two segments: the base (every row when they were last computed, or as
saved) and the rows added since (the delta). A change recomputes the delta only, with
the base's document frequencies and lengths plus its own; a deleted row is masked. The
base is recomputed with everything once the delta outgrows `MERGE_AT` (or at a save), so
the first change after opening a 200,000-row snapshot costs milliseconds, not the 5 s of
recomputing every weight.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import NDArray

from labline.search import scoring

if TYPE_CHECKING:
    from scipy import sparse


MERGE_AT = 10_000  # delta rows (or a tenth of the base, if more) before a full recompute


class LexicalIndex:
    def __init__(self, *, k1: float = 1.5, b: float = 0.75, variant: str = "lucene") -> None:
        from scipy import sparse

        if variant not in scoring.VARIANTS:
            raise ValueError(f"unknown BM25 variant {variant}; known: {sorted(scoring.VARIANTS)}")
        self.k1, self.b, self.variant = k1, b, variant
        self.vocab: dict[str, int] = {}
        self.terms: list[str] = []  # term id -> term
        self._rows: list[sparse.csr_matrix] = []  # appended segments of raw counts
        self._counts: sparse.csr_matrix = sparse.csr_matrix((0, 0), dtype=np.float32)
        self._weights: sparse.csc_matrix | None = None  # the base: rows [0, _base_n)
        self._base_n = 0
        self._base_df: NDArray[np.float64] | None = None  # per term, alive base rows
        self._base_dl: tuple[float, int] | None = None  # (sum of lengths, rows) alive
        self._delta: sparse.csc_matrix | None = None  # rows [_base_n, n_docs)
        self._masked = False  # a base row was deleted since its weights were computed
        # Raw counts of an opened snapshot are read when first needed (a merge, a save):
        # searching and adding rows use the saved weights and statistics.
        self.counts_source: Callable[[], sparse.csr_matrix] | None = None
        self.alive: NDArray[np.bool_] = np.zeros(0, dtype=bool)

    # -- building ------------------------------------------------------------------------

    def add(
        self, docs: Iterable[Mapping[str, Sequence[str]]], field_weights: Mapping[str, float]
    ) -> range:
        """Add documents (field -> tokens); returns their row numbers."""
        return self.add_batches([TokenBatch.from_tokens(docs)], field_weights)

    def add_batches(
        self, batches: Sequence[TokenBatch], field_weights: Mapping[str, float]
    ) -> range:
        """Add analysed batches, in order; returns their row numbers."""
        start = self.n_docs
        for batch in batches:
            self._add_batch(batch, field_weights)
        return range(start, self.n_docs)

    def _add_batch(self, batch: TokenBatch, field_weights: Mapping[str, float]) -> None:
        from scipy import sparse

        vocab = self.vocab
        known = len(vocab)
        # Each distinct term of the batch is looked up once; tokens are numbers from here.
        # (setdefault evaluates len(vocab) first, so a new term gets the next id.)
        global_id = np.fromiter(
            (vocab.setdefault(t, len(vocab)) for t in batch.terms),
            dtype=np.int64,
            count=len(batch.terms),
        )
        # New ids were handed out in the batch's order of first occurrence.
        self.terms.extend(batch.terms[i] for i in np.flatnonzero(global_id >= known).tolist())
        tids = global_id[batch.ids]
        n = batch.per_record.shape[0]
        field_w = np.asarray([field_weights.get(f, 1.0) for f in batch.fields], dtype=np.float64)
        doc_of_field = np.repeat(np.arange(n, dtype=np.int64), batch.per_record)
        rows = np.repeat(doc_of_field, batch.lengths)
        w = np.repeat(field_w, batch.lengths)
        # Duplicate (document, term) pairs are summed: field-weighted term counts.
        seg = sparse.coo_matrix((w, (rows, tids)), shape=(n, max(len(vocab), 1))).tocsr()
        seg.sum_duplicates()
        seg.data = seg.data.astype(np.float32)
        self._rows.append(seg)
        self.alive = np.concatenate([self.alive, np.ones(n, dtype=bool)])
        self._delta = None

    def delete(self, rows: Iterable[int]) -> None:
        rows = list(rows)
        self.alive[rows] = False
        if self._weights is not None and any(r < self._base_n for r in rows):
            self._masked = True
        self._delta = None

    @property
    def n_docs(self) -> int:
        return int(self.alive.shape[0])

    def _read_counts(self) -> None:
        if self.counts_source is not None:
            self._counts, self.counts_source = self.counts_source(), None

    def _matrix(self) -> sparse.csr_matrix:
        from scipy import sparse

        self._read_counts()
        if self._rows:
            width = max(len(self.vocab), 1)
            parts = [self._counts] if self._counts.shape[0] else []
            parts += [r if r.shape[1] == width else _widen(r, width) for r in self._rows]
            if parts and parts[0].shape[1] != width:
                parts[0] = _widen(parts[0], width)
            self._counts = sparse.vstack(parts, format="csr")
            self._rows = []
        return self._counts

    def weights(self) -> sparse.csc_matrix:
        """BM25 weights (documents × terms), deleted documents zeroed: the segments as one
        matrix (for saving and checking; a search reads the segments)."""
        from scipy import sparse

        segments = self.segments()
        if len(segments) == 1 and not self._masked:
            return segments[0][1]
        width = max(len(self.vocab), 1)
        parts = [_widen_csc(w, width) for _start, w in segments]
        out = sparse.vstack(parts, format="csr")
        if self._masked:
            out = sparse.diags(self.alive.astype(np.float32)) @ out
            out.eliminate_zeros()
        return out.tocsc()

    def merge(self) -> None:
        """Recompute every weight with the current statistics (one base, no delta), if
        rows were added or deleted since they were computed."""
        if self._weights is None or self._masked or self._base_n != self.n_docs:
            self._weights = None
            self.segments()

    def segments(self) -> list[tuple[int, sparse.csc_matrix]]:
        """(first row, weights) of the base and, if rows were added since, of the delta."""
        n = self.n_docs
        delta_rows = n - self._base_n
        if self._weights is None or delta_rows > max(MERGE_AT, self._base_n // 10):
            self._weights = self._compute(0, n, None)
            self._base_n, self._masked, self._delta = n, False, None
            self._base_df = self._base_dl = None
            delta_rows = 0
        if not delta_rows:
            return [(0, self._weights)]
        if self._delta is None:
            self._delta = self._compute(self._base_n, n, self._base_stats())
        return [(0, self._weights), (self._base_n, self._delta)]

    def _base_stats(self) -> tuple[NDArray[np.float64], float, int]:
        """The base's document frequencies (from its weights' columns: a term has a weight
        in every alive row that holds it) and its alive rows' total length and count."""
        if self._base_df is None:
            assert self._weights is not None
            w = self._weights
            self._base_df = np.diff(w.indptr).astype(np.float64)
        if self._base_dl is None:
            # The saved or merged counts hold the base's rows first (a row sum reads them
            # in place; slicing them off would copy them).
            self._read_counts()
            dl = np.asarray(self._counts.sum(axis=1)).ravel()[: self._base_n]
            alive = self.alive[: self._base_n]
            self._base_dl = (float(dl[alive].sum()), int(alive.sum()))
        return self._base_df, self._base_dl[0], self._base_dl[1]

    def base_lengths(self) -> tuple[float, int]:
        """The base's alive rows' total length and count (saved with it, so that rows
        added to an opened snapshot are weighted without reading its counts)."""
        self.segments()
        self._base_stats()
        assert self._base_dl is not None
        return self._base_dl

    def _compute(
        self, start: int, end: int, base: tuple[NDArray[np.float64], float, int] | None
    ) -> sparse.csc_matrix:
        """Weights of rows [start, end), with their own statistics plus the base's."""
        from scipy import sparse

        counts = (self._matrix() if start == 0 else self._added_counts(start)).tocoo()
        alive = self.alive[start:end]
        keep = alive[counts.row]
        rows, cols, tf = (
            counts.row[keep],
            counts.col[keep],
            counts.data[keep].astype(np.float64),
        )
        width = max(len(self.vocab), 1)
        dl = np.bincount(rows, weights=tf, minlength=end - start)
        df = np.bincount(cols, minlength=width).astype(np.float64)
        total, count = float(dl[alive].sum()), int(alive.sum())
        if base is not None:
            base_df, base_total, base_count = base
            df[: base_df.size] += base_df
            total, count = total + base_total, count + base_count
        w = scoring.weights(
            tf,
            dl[rows],
            df[cols],
            n_docs=max(count, 1),
            avgdl=(total / count if count else 1.0) or 1.0,
            k1=self.k1,
            b=self.b,
            variant=self.variant,
        )
        return sparse.csc_matrix((w.astype(np.float32), (rows, cols)), shape=(end - start, width))

    def _added_counts(self, start: int) -> sparse.csr_matrix:
        """Raw counts of rows `start`.. (rows added since the base; few), one matrix."""
        from scipy import sparse

        width = max(len(self.vocab), 1)
        parts = []
        if self.counts_source is None and self._counts.shape[0] > start:
            parts.append(_widen(self._counts[start:], width))
        parts += [_widen(r, width) for r in self._rows]
        if not parts:
            return sparse.csr_matrix((0, width), dtype=np.float32)
        return sparse.vstack(parts, format="csr")

    # -- querying ------------------------------------------------------------------------

    def query_terms(self, tokens: Sequence[str]) -> tuple[NDArray[np.int64], NDArray[np.float32]]:
        counts = Counter(self.vocab[t] for t in tokens if t in self.vocab)
        ids = np.fromiter(counts.keys(), dtype=np.int64, count=len(counts))
        qtf = np.fromiter(counts.values(), dtype=np.float32, count=len(counts))
        return ids, qtf

    def scores(self, tokens: Sequence[str]) -> NDArray[np.float32]:
        """BM25 score of every document for the query tokens (0 where nothing matches)."""
        ids, qtf = self.query_terms(tokens)
        return self._scores(ids, qtf)

    def _scores(self, ids: NDArray[np.int64], qw: NDArray[np.float32]) -> NDArray[np.float32]:
        out = np.zeros(self.n_docs, dtype=np.float32)
        if ids.size == 0:
            return out
        for start, w in self.segments():
            inside = ids < w.shape[1]  # a term newer than the segment has no weight in it
            if inside.any():
                part = w[:, ids[inside]] @ qw[inside]
                out[start : start + w.shape[0]] = np.asarray(part).ravel()
        if self._masked:
            out[~self.alive] = 0.0
        return out

    def weighted_scores(self, terms: Mapping[str, float]) -> NDArray[np.float32]:
        """Scores for a weighted bag of terms (a translated query)."""
        known = [(self.vocab[t], w) for t, w in terms.items() if t in self.vocab]
        ids = np.asarray([i for i, _ in known], dtype=np.int64)
        qw = np.asarray([w for _, w in known], dtype=np.float32)
        return self._scores(ids, qw)

    def _query_weights(
        self, tokens: Sequence[str], weights: Mapping[str, float] | None
    ) -> tuple[NDArray[np.int64], NDArray[np.float32]]:
        ids, qtf = self.query_terms(tokens)
        if weights is not None:
            qtf = np.asarray(
                [weights.get(self.terms[i], 0.0) for i in ids.tolist()], dtype=np.float32
            )
        return ids, qtf

    def term_contributions(
        self, tokens: Sequence[str], row: int, *, weights: Mapping[str, float] | None = None
    ) -> dict[str, float]:
        """What each query term added to one document's BM25 score (the reference for
        `term_contributions_many`, which a search uses)."""
        ids, qtf = self._query_weights(tokens, weights)
        w = self.weights()
        out = {}
        for tid, q in zip(ids.tolist(), qtf.tolist(), strict=True):
            value = float(w[row, tid]) * q
            if value > 0:
                out[self.terms[tid]] = value
        return out

    def term_contributions_many(
        self,
        tokens: Sequence[str],
        rows: Sequence[int],
        *,
        weights: Mapping[str, float] | None = None,
    ) -> list[dict[str, float]]:
        """`term_contributions` for many documents at once, in the order of `rows`.

        Each query term's column of the weight matrix is searched for all the rows in one
        call (its row numbers are sorted), instead of one sparse-matrix lookup per
        (document, term): those lookups were most of an explained search's time."""
        ids, qtf = self._query_weights(tokens, weights)
        out: list[dict[str, float]] = [{} for _ in rows]
        if ids.size == 0 or not out:
            return out
        all_rows = np.asarray(rows, dtype=np.int64)
        values = np.zeros((len(out), ids.size), dtype=np.float64)
        for first, w in self.segments():
            if not w.has_sorted_indices:
                w.sort_indices()
            mine = (all_rows >= first) & (all_rows < first + w.shape[0])
            if self._masked:
                mine &= self.alive[all_rows]
            if not mine.any():
                continue
            wanted = (all_rows[mine] - first).astype(np.int32)
            for j, tid in enumerate(ids.tolist()):
                if tid >= w.shape[1]:
                    continue
                start, end = int(w.indptr[tid]), int(w.indptr[tid + 1])
                column = w.indices[start:end]
                at = np.searchsorted(column, wanted)
                found = at < column.size
                found[found] = column[at[found]] == wanted[found]
                got = np.zeros(wanted.size, dtype=np.float64)
                got[found] = w.data[start + at[found]]
                values[mine, j] = got
        values *= qtf.astype(np.float64)
        terms = [self.terms[t] for t in ids.tolist()]
        for i, j in zip(*np.nonzero(values > 0), strict=True):
            out[int(i)][terms[j]] = float(values[i, j])
        return out


@dataclass(frozen=True)
class TokenBatch:
    """Documents' tokens in a compact form: numbers cross a process boundary cheaply,
    and the index looks up each distinct term of a batch once, not every token."""

    terms: list[str]  # distinct terms, in order of first occurrence: local id = position
    ids: NDArray[np.int32]  # local term id of every token, document by document, field by field
    lengths: NDArray[np.int64]  # tokens per (document, field)
    fields: list[str]  # the field of each (document, field)
    per_record: NDArray[np.int64]  # fields per document

    @classmethod
    def from_tokens(cls, docs: Iterable[Mapping[str, Sequence[str]]]) -> TokenBatch:
        tokens: list[str] = []
        lengths: list[int] = []
        fields: list[str] = []
        per_record: list[int] = []
        for doc in docs:
            per_record.append(len(doc))
            for field, toks in doc.items():
                tokens.extend(toks)
                lengths.append(len(toks))
                fields.append(field)
        # Distinct terms in order of first occurrence, numbered, then every token looked
        # up: C-level loops over the tokens (a generator with setdefault was 40 % of it).
        local = dict.fromkeys(tokens, 0)
        for i, term in enumerate(local):
            local[term] = i
        ids = np.fromiter(map(local.__getitem__, tokens), dtype=np.int32, count=len(tokens))
        return cls(
            terms=list(local),
            ids=ids,
            lengths=np.asarray(lengths, dtype=np.int64),
            fields=fields,
            per_record=np.asarray(per_record, dtype=np.int64),
        )


def _widen(m: sparse.csr_matrix, width: int) -> sparse.csr_matrix:
    from scipy import sparse

    if m.shape[1] == width:
        return m
    return sparse.csr_matrix((m.data, m.indices, m.indptr), shape=(m.shape[0], width))


def _widen_csc(m: sparse.csc_matrix, width: int) -> sparse.csc_matrix:
    """More (empty) term columns on the right."""
    from scipy import sparse

    if m.shape[1] == width:
        return m
    indptr = np.concatenate([m.indptr, np.full(width - m.shape[1], m.indptr[-1])])
    return sparse.csc_matrix((m.data, m.indices, indptr), shape=(m.shape[0], width))
