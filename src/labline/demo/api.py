"""The demo world's public API for the domains' demo steps: the shared `World` (seed, size,
ids made so far, bulk inserts with an audit record) and small helpers. Domain demo steps
import this module, never `labline.demo.world` (which runs them)."""

from __future__ import annotations

import hashlib
import json
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import insert
from sqlalchemy.orm import Session

from labline.core import audit
from labline.demo import vocab

EPOCH = datetime(2024, 1, 1, tzinfo=UTC)

Progress = Callable[[str, int, int], None]


@dataclass
class World:
    """What the steps share: the seed, the size, and the ids made so far."""

    seed: int
    size: str
    session: Session
    progress: Progress | None = None
    orgs_by_kind: dict[str, list[int]] = field(default_factory=dict)
    org_sector: dict[int, dict[str, Any]] = field(default_factory=dict)
    org_city: dict[int, str] = field(default_factory=dict)
    teams: list[int] = field(default_factory=list)
    people: list[int] = field(default_factory=list)
    accounts: list[tuple[str, str]] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)
    # Where steps that make files (review documents) put them; None: no files.
    data_dir: Path | None = None
    # A folder of real public texts (../shared/data/texts) the steps may load; None: none.
    texts: Path | None = None
    # A folder of real indicator panels (../shared/data/indicators); None: the shipped one.
    indicators: Path | None = None

    def rng(self, step: str) -> random.Random:
        return random.Random(f"{self.seed}:{step}")

    def stamp(self, rng: random.Random) -> datetime:
        return EPOCH + timedelta(minutes=rng.randrange(0, 60 * 24 * 700))

    def bulk(self, step: str, model: Any, rows: list[dict[str, Any]], batch: int = 5000) -> None:
        digest = hashlib.sha256()
        for i in range(0, len(rows), batch):
            chunk = rows[i : i + batch]
            self.session.execute(insert(model.__table__), chunk)
            for r in chunk:
                # Password hashes are salted, so they stay out of the world's fingerprint.
                stable = {k: v for k, v in r.items() if k != "password_hash"}
                digest.update(json.dumps(stable, sort_keys=True, default=str).encode())
            if self.progress:
                self.progress(step, min(i + batch, len(rows)), len(rows))
        self.counts[model.__tablename__] = self.counts.get(model.__tablename__, 0) + len(rows)
        audit.record(
            self.session,
            action="demo.generate",
            entity_type=model.__tablename__,
            entity_id="*",
            after={
                "step": step,
                "rows": len(rows),
                "seed": self.seed,
                "sha256": digest.hexdigest(),
            },
        )


def person_name(rng: random.Random) -> tuple[str, str]:
    s = rng.choice(vocab.SURNAMES)
    g = [rng.choice(vocab.GIVEN) for _ in range(rng.choice([1, 2, 2]))]
    zh = s[0] + "".join(c[0] for c in g)
    en = f"{s[1]} {''.join(c[1] for c in g).capitalize()}"
    return zh, en
