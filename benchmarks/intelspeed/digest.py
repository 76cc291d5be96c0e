"""Digest speed in the intel_speed benchmark: `digest_of` on documents of about 20
paragraphs."""

from __future__ import annotations

import statistics
import time
from types import SimpleNamespace
from typing import Any

from benchmarks.kit.timing import percentile


def digest_speed(session: Any) -> dict[str, Any]:
    from sqlalchemy import select

    from labline.intel.digests.service import digest_of
    from labline.intel.documents.models import Document

    sample = [d for d in session.scalars(select(Document).limit(60)) if len(d.paragraphs) >= 5]
    digest_ms = []
    for d in sample[:40]:
        window = d.paragraphs[:20]
        d_copy = SimpleNamespace(paragraphs=window, language=d.language)
        t0 = time.perf_counter()
        digest_of(d_copy)  # type: ignore[arg-type]
        digest_ms.append((time.perf_counter() - t0) * 1000)
    return {
        "documents": len(digest_ms),
        "paragraphs_each": "up to 20",
        "mean_ms": round(statistics.mean(digest_ms), 1) if digest_ms else None,
        "p95_ms": round(percentile(digest_ms, 0.95), 1) if digest_ms else None,
    }
