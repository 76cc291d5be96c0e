"""An inverted-file (IVF-flat) approximate vector index in numpy: k-means cells, exact
scoring inside the cells nearest the query, filters applied before any vector is read.

Replaces usearch's HNSW graph for large indexes: on 2 shared cores the graph took
longer to build than everything else at 300,000 rows (about 2,000 inserts per CPU
second at 512 dimensions), while assigning rows to cells is one matrix product. It
keeps no copy of the vectors (a cell list is an int array), and a filter shrinks the
candidate lists before the vectors are gathered.
"""

from __future__ import annotations

from typing import Any, Protocol

import numpy as np
from numpy.typing import NDArray

Vectors = NDArray[np.float32]
BLOCK = 65_536  # rows per matrix product while assigning
# A query reads the nearest cells until it holds the rows it wants: at least MIN_CELLS of
# them, at most MAX_SHARE of all (the probe count; benchmarks/market_real.py --ivf
# measures what they cost in suggestion quality).
MIN_CELLS = 8
MAX_SHARE = 0.25


class Rows(Protocol):
    """Vectors read by row numbers (a matrix, or a VectorIndex's parts)."""

    def take(self, rows: NDArray[np.int64]) -> Vectors: ...

    def __len__(self) -> int: ...


class IVF:
    def __init__(self, dim: int) -> None:
        self.dim = dim
        self.centroids: Vectors = np.zeros((0, dim), dtype=np.float32)
        self.cell: NDArray[np.int32] = np.zeros(0, dtype=np.int32)  # row -> cell
        self._order: NDArray[np.int64] = np.zeros(0, dtype=np.int64)  # rows grouped by cell
        self._offsets: NDArray[np.int64] = np.zeros(1, dtype=np.int64)
        self._grouped = 0  # rows < this are in _order; later rows are checked one by one

    def __len__(self) -> int:
        return int(self.cell.shape[0])

    def train(
        self,
        vectors: Vectors | Rows,
        *,
        seed: int = 0,
        iterations: int = 6,
        cells: int | None = None,
    ) -> None:
        """Cells by spherical k-means on a sample: √n of them unless told."""
        from scipy import sparse

        n = len(vectors)
        cells = max(1, min(n, cells or int(np.sqrt(n))))
        rng = np.random.default_rng(seed)
        picked = np.sort(rng.choice(n, min(n, 32 * cells), replace=False))
        sample = (
            np.asarray(vectors[picked]) if isinstance(vectors, np.ndarray) else vectors.take(picked)
        )
        centroids = sample[rng.choice(sample.shape[0], cells, replace=False)].copy()
        for _ in range(iterations):  # spherical k-means on the sample
            nearest = np.argmax(sample @ centroids.T, axis=1)
            members = sparse.csr_matrix(
                (np.ones(nearest.size, dtype=np.float32), (nearest, np.arange(nearest.size))),
                shape=(cells, nearest.size),
            )
            sums = np.asarray(members @ sample, dtype=np.float32)
            norms = np.linalg.norm(sums, axis=1)
            full = norms > 0  # an empty cell keeps its centroid
            centroids[full] = sums[full] / norms[full, None]
        self.centroids = centroids.astype(np.float32)
        self.cell = np.zeros(0, dtype=np.int32)
        self._grouped = 0

    def add(self, vectors: Vectors) -> None:
        """Assign new rows (in order after the existing ones) to their nearest cell."""
        parts = [self.cell]
        for i in range(0, vectors.shape[0], BLOCK):
            block = np.asarray(vectors[i : i + BLOCK])
            parts.append(np.argmax(block @ self.centroids.T, axis=1).astype(np.int32))
        self.cell = np.concatenate(parts)
        if not self._grouped or len(self) - self._grouped > max(20_000, self._grouped // 20):
            self._group()

    def state(self) -> dict[str, Any]:
        """What `restore` needs: the centroids, each row's cell and the rows grouped by
        cell (saved beside the vectors, so a process that opens them does not train and
        assign again: about 10 s at 100,000 rows here)."""
        if self._grouped < len(self):
            self._group()
        return {
            "centroids": self.centroids,
            "cell": self.cell,
            "order": self._order,
            "offsets": self._offsets,
        }

    @classmethod
    def restore(cls, state: dict[str, Any]) -> IVF:
        centroids = np.asarray(state["centroids"], dtype=np.float32)
        ivf = cls(int(centroids.shape[1]))
        ivf.centroids = centroids
        ivf.cell = np.asarray(state["cell"], dtype=np.int32)
        ivf._order = np.asarray(state["order"], dtype=np.int64)
        ivf._offsets = np.asarray(state["offsets"], dtype=np.int64)
        if (
            ivf._order.shape != ivf.cell.shape
            or ivf._offsets.shape != (centroids.shape[0] + 1,)
            or (ivf.cell.size and int(ivf.cell.max()) >= centroids.shape[0])
        ):
            raise ValueError("the IVF index's parts do not fit together")
        ivf._grouped = len(ivf)
        return ivf

    def _group(self) -> None:
        self._order = np.argsort(self.cell, kind="stable").astype(np.int64)
        counts = np.bincount(self.cell, minlength=self.centroids.shape[0])
        self._offsets = np.concatenate([[0], np.cumsum(counts)]).astype(np.int64)
        self._grouped = len(self)

    def candidates(
        self, query: Vectors, want: int, allowed: NDArray[np.bool_] | None
    ) -> NDArray[np.int64]:
        """Rows of the cells nearest the query, nearest cell first, until `want` allowed
        rows are gathered (at least MIN_CELLS cells, at most MAX_SHARE of them)."""
        order = np.argsort(-np.einsum("ij,j->i", self.centroids, query))  # one thread
        share = 1.0 if allowed is None else max(float(allowed.mean()), 1e-6)
        sizes = np.diff(self._offsets)[order]
        # Enough of the nearest cells to hold about `want` allowed rows: at least
        # MIN_CELLS, at most MAX_SHARE of them.
        reach = np.cumsum(sizes)
        m = int(np.searchsorted(reach, want / share)) + 1
        most = max(MIN_CELLS, int(order.size * MAX_SHARE))
        m = max(min(m, most), min(MIN_CELLS, order.size))
        picked = order[:m]
        starts, ends = self._offsets[picked], self._offsets[picked + 1]
        lengths = ends - starts
        # Concatenated ranges without a Python loop: each position's offset within its cell.
        base = np.repeat(starts - np.concatenate([[0], np.cumsum(lengths)[:-1]]), lengths)
        rows = self._order[base + np.arange(int(lengths.sum()))]
        tail = np.arange(self._grouped, len(self), dtype=np.int64)
        if tail.size:
            rows = np.concatenate([rows, tail[np.isin(self.cell[tail], picked)]])
        if allowed is not None:
            rows = rows[allowed[rows]]
        return rows
