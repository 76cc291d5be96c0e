"""The market_scale benchmark's world: organisations, needs and achievements written
straight into SQLite, stand-in vectors stored as the worker stores what it encodes, and the
snapshots the worker would write."""

from __future__ import annotations

import random
import time
from pathlib import Path

import numpy as np

from benchmarks.kit import sqlite


def build_world(data: Path, sizes: dict[str, int], seed: int) -> dict[str, float]:
    from sqlalchemy import insert

    from benchmarks.standin import store_standin_vectors
    from labline.core.indexes import service as indexes
    from labline.core.indexes.encoder import live_encoder
    from labline.core.models import Organisation
    from labline.market.demo import topics
    from labline.market.models import Achievement, TechnologyNeed
    from labline.market.service import market_index

    started = time.perf_counter()
    sqlite.upgrade(data)
    rng = random.Random(seed)
    fields = topics.topics()
    regions = ["110108", "310115", "320500", "440300", "330100", "420100", "510100", "610100"]
    now = topics.START
    with sqlite.sessions(data)() as s:
        orgs = [
            {
                "name_zh": f"组织{i}",
                "name_en": f"Organisation {i}",
                "kind": "enterprise" if i % 3 else "university",
                "region_code": rng.choice(regions),
            }
            for i in range(sizes["organisations"])
        ]
        for i in range(0, len(orgs), 5000):
            s.execute(insert(Organisation), orgs[i : i + 5000])
        n_orgs = sizes["organisations"]
        for model, count, text in (
            (TechnologyNeed, sizes["needs"], topics.need_text),
            (Achievement, sizes["achievements"], topics.achievement_text),
        ):
            rows = []
            for i in range(count):
                sector, zh, en = rng.choice(fields)
                lang = "zh" if i % 2 else "en"
                t = text(rng, sector, zh, en, lang)
                row = {
                    "organisation_id": rng.randrange(1, n_orgs + 1),
                    "title": t["title"],
                    "summary": t["summary"],
                    "field": t["field"],
                    "industry_code": topics.industry_of(sector),
                    "region_code": rng.choice(regions),
                    "modes": "transfer",
                    "language": lang,
                    "state": "published",
                    "published_at": now,
                }
                if model is Achievement:
                    row |= {"kind": "invention_patent", "readiness": rng.randrange(3, 9)}
                rows.append(row)
            for i in range(0, len(rows), 5000):
                s.execute(insert(model), rows[i : i + 5000])
        s.commit()
        world_s = time.perf_counter() - started
        # Stand-in vectors, stored as the worker stores what it encodes (see the docstring).
        encoder = live_encoder()
        vec_rng = np.random.default_rng(seed)
        for part in market_index.SPEC.live_records(s).values():
            store_standin_vectors(s, encoder, part, vec_rng)
        s.commit()
        vectors_s = time.perf_counter() - started - world_s
        t0 = time.perf_counter()
        indexes.rebuild(s, market_index.SPEC, data / "indexes" / "market")
        s.commit()
        snapshot_s = time.perf_counter() - t0
    return {
        "world_s": round(world_s, 1),
        "stand_in_vectors_s": round(vectors_s, 1),
        "snapshot_build_s": round(snapshot_s, 1),
    }


def other_snapshots(data: Path, seed: int) -> float:
    """Every other index's snapshot (the directory's 100,000 organisations; the others are
    empty here), with stand-in vectors: the worker refreshes every index when it starts,
    and one it must encode from nothing (hours) would hold the market's job behind it."""
    import labline.core.directory.service
    import labline.facilities.service.finder
    import labline.intel.search.service
    import labline.review.service.finder  # noqa: F401  (each registers its index)
    from benchmarks.standin import store_standin_vectors
    from labline.core.indexes import service as indexes
    from labline.core.indexes.encoder import live_encoder

    t0 = time.perf_counter()
    encoder = live_encoder()
    rng = np.random.default_rng(seed + 1)
    with sqlite.sessions(data)() as s:
        for name, spec in indexes.SPECS.items():
            if name == "market" or (data / "indexes" / name / "current").exists():
                continue
            records = [r for part in spec.live_records(s).values() for r in part]
            have = indexes.stored_vectors(
                s, encoder, {r.id: indexes.digest(encoder, r) for r in records}
            )
            store_standin_vectors(s, encoder, [r for r in records if r.id not in have], rng)
            s.commit()
            indexes.rebuild(s, spec, data / "indexes" / name)
            s.commit()
    return round(time.perf_counter() - t0, 1)


def write_snapshot(data: Path) -> float:
    """Write the market snapshot again from the kept world (as the worker's rebuild does):
    a world built by an earlier run, with a snapshot of an older format."""
    from labline.core.indexes import service as indexes
    from labline.market.service import market_index

    t0 = time.perf_counter()
    with sqlite.sessions(data)() as s:
        indexes.rebuild(s, market_index.SPEC, data / "indexes" / "market")
        s.commit()
    return round(time.perf_counter() - t0, 1)
