"""The vectors the worker stores (`index_vectors`): one a record and encoder, with the
digest of the text it was made from, so a changed record's old vector is never used."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

import numpy as np
from sqlalchemy import select
from sqlalchemy.orm import Session

from labline.core.indexes.models import IndexVector
from labline.search import Record, SearchIndex
from labline.search.dense import Encoder


def digest(encoder: Encoder, record: Record) -> str:
    text = SearchIndex.document_text(record.fields)
    return hashlib.sha256(f"{encoder.name}\n{text}".encode()).hexdigest()


def stored_vectors(
    session: Session, encoder: Encoder, wanted: dict[str, str]
) -> dict[str, np.ndarray]:
    """The stored vectors of the records (id -> digest) whose text they were made from."""
    found: dict[str, np.ndarray] = {}
    ids = list(wanted)
    for i in range(0, len(ids), 500):
        for rid, dig, blob in session.execute(
            select(IndexVector.record_id, IndexVector.digest, IndexVector.vector)
            .where(IndexVector.record_id.in_(ids[i : i + 500]))
            .where(IndexVector.encoder == encoder.name)
        ).all():
            if wanted.get(rid) == dig:
                found[rid] = np.frombuffer(blob, dtype=np.float32)
    return found


def store_vectors(
    session: Session, encoder: Encoder, records: Sequence[Record], vectors: np.ndarray
) -> None:
    ids = [r.id for r in records]
    existing = {
        v.record_id: v
        for v in session.scalars(
            select(IndexVector)
            .where(IndexVector.record_id.in_(ids))
            .where(IndexVector.encoder == encoder.name)
        )
    }
    for r, vec in zip(records, vectors, strict=True):
        row = existing.get(r.id) or IndexVector(record_id=r.id, encoder=encoder.name)
        row.digest = digest(encoder, r)
        row.vector = np.asarray(vec, dtype=np.float32).tobytes()
        session.add(row)
    session.flush()
