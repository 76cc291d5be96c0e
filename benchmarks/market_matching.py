"""Matching quality on the demo market's known true matches, in one run.

    python benchmarks/market_matching.py [--size small] [--seed 42] [--json FILE]

Builds the demo world into a temporary SQLite database and, for every live need, asks
labline's market matcher for 10 achievements; an achievement is relevant when it is on
the need's topic (the demo's ground truth, `labline.market.demo.topics.true_matches`), whichever
language it is written in. Reports P@5, P@10, MRR and the share of relevant suggestions in
the other language, for the default hybrid engine and for the lexical engine alone.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path
from types import SimpleNamespace

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from sqlalchemy import select  # noqa: E402

from labline import registry  # noqa: E402
from labline.core import database  # noqa: E402
from labline.core.access import command_line_actor  # noqa: E402
from labline.db import make_engine, make_sessionmaker, transaction  # noqa: E402
from labline.demo import world  # noqa: E402
from labline.market.demo.topics import true_matches  # noqa: E402
from labline.market.models import Achievement, TechnologyNeed  # noqa: E402
from labline.market.service import market_index, matching  # noqa: E402


def evaluate(session, holder, truth, languages) -> dict[str, float]:  # type: ignore[no-untyped-def]
    actor = command_line_actor("benchmark")
    live = session.scalars(
        select(TechnologyNeed).where(TechnologyNeed.state.in_(("published", "negotiating")))
    ).all()
    p5, p10, rr, cross = [], [], [], []
    started = time.perf_counter()
    for need in live:
        relevant = truth.get(need.id, set())
        if not relevant:
            continue
        found = [
            s.id
            for s in matching.suggest_for_need(
                session, actor=actor, holder=holder, need_id=need.id, k=10
            )
        ]
        hits = [a in relevant for a in found]
        p5.append(sum(hits[:5]) / 5)
        p10.append(sum(hits[:10]) / 10)
        rr.append(next((1 / (i + 1) for i, h in enumerate(hits) if h), 0.0))
        good = [a for a in found if a in relevant]
        if good:
            cross.append(sum(languages[a] != need.language for a in good) / len(good))
    seconds = time.perf_counter() - started
    return {
        "needs": len(p5),
        "p@5": round(statistics.mean(p5), 4),
        "p@10": round(statistics.mean(p10), 4),
        "mrr": round(statistics.mean(rr), 4),
        "relevant_in_other_language": round(statistics.mean(cross), 4),
        "ms_per_need": round(1000 * seconds / max(1, len(p5)), 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--size", default="small")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--json", type=Path, default=None)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        eng = make_engine(f"sqlite:///{Path(tmp) / 'bench.db'}")
        database.upgrade(eng)
        with transaction(make_sessionmaker(eng)) as s:
            world.build(s, size=args.size, seed=args.seed, steps=registry.demo_steps())
        results = {}
        with transaction(make_sessionmaker(eng)) as s:
            truth = true_matches(s)
            languages = dict(s.execute(select(Achievement.id, Achievement.language)).all())
            for name, dense in (("labline_hybrid", True), ("labline_lexical", False)):
                holder = SimpleNamespace(indexes={"market": market_index.build(s, dense=dense)})
                results[name] = evaluate(s, holder, truth, languages)
        eng.dispose()
    out = {"size": args.size, "seed": args.seed, "results": results}
    print(json.dumps(out, indent=1))
    if args.json:
        args.json.write_text(json.dumps(out, indent=1) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
