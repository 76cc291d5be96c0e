"""Stand-in vectors for the scale benchmarks.

Encoding hundreds of thousands of records takes hours on this machine, so the scale
benchmarks store random unit vectors the way the worker stores what it encodes (one
`IndexVector` row per record, with the record's digest under the live encoder). The
snapshot build and the dense search then run at full size; only their quality is not
measured here.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

BATCH = 5000


def store_standin_vectors(
    session: Any, encoder: Any, records: Sequence[Any], rng: np.random.Generator
) -> None:
    """Insert one random unit vector per record, in batches; the caller commits."""
    from sqlalchemy import insert

    from labline.core.indexes import service as indexes
    from labline.core.indexes.models import IndexVector

    for i in range(0, len(records), BATCH):
        batch = records[i : i + BATCH]
        vecs = rng.standard_normal((len(batch), encoder.dim)).astype(np.float32)
        vecs /= np.linalg.norm(vecs, axis=1, keepdims=True)
        session.execute(
            insert(IndexVector),
            [
                {
                    "record_id": r.id,
                    "encoder": encoder.name,
                    "digest": indexes.digest(encoder, r),
                    "vector": v.tobytes(),
                }
                for r, v in zip(batch, vecs, strict=True)
            ],
        )
