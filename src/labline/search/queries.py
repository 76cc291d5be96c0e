"""One search's query vectors, shared by every index it asks.

A search over several indexes (the one search box asks organisations, instruments, calls,
the market and documents) would encode its query once per index; the indexes of one app
use one encoder, so a `QueryVectors` encodes the query on first use, once per encoder, and
hands the same vector to each index that uses that encoder.

    vectors = QueryVectors("perovskite tandem cells")
    hits = index.search(vectors.query, query_vector=vectors.for_index(index))
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from labline.search.analysis import MAX_QUERY_CHARS
from labline.search.dense import Encoder, encode_queries
from labline.search.index import SearchIndex


class QueryVectors:
    """The query's vector for each encoder (by its name), encoded on first use."""

    def __init__(self, query: str) -> None:
        self.query = (query or "")[:MAX_QUERY_CHARS]  # as SearchIndex.search cuts it
        self._by_encoder: dict[str, NDArray[np.float32]] = {}

    def of(self, encoder: Encoder | None) -> NDArray[np.float32] | None:
        """The query's vector for this encoder (None for no encoder)."""
        if encoder is None:
            return None
        found = self._by_encoder.get(encoder.name)
        if found is None:
            found = self._by_encoder[encoder.name] = encode_queries(encoder, [self.query])[0]
        return found

    def for_index(self, index: SearchIndex) -> NDArray[np.float32] | None:
        """The vector to search `index` with; None (and nothing encoded) when the index has
        no sentence vectors, where its search would not encode the query either."""
        if index.encoder is None or not len(index.vectors):
            return None
        return self.of(index.encoder)

    @property
    def encoders(self) -> list[str]:
        """The encoders the query has been encoded for so far."""
        return list(self._by_encoder)
