"""Benchmark: beamtime scheduling of one proposal cycle, CP-SAT vs the rank-order greedy.

A synthetic cycle of realistic shape: by default 30 instruments, 500 proposals (one
experiment each), a 4-month cycle in 8-hour shifts, about 2× oversubscribed per instrument;
facility shutdown weeks, a machine day every third week, instrument maintenance days and
an in-house week, users' unavailable dates, ~15 local contacts covering 2–4 instruments
each (with holidays), 2–4 setups per instrument with a changeover of 0–3 shifts. Both
schedules are checked with `validate`. Usage:

    python benchmarks/scheduling.py [--seed N] [--time-limit S] [--workers W] [--json FILE]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import time
from pathlib import Path

import numpy as np
import ortools

from labline.facilities.engine.scheduling import (
    Cycle,
    Experiment,
    Instrument,
    LocalContact,
    Schedule,
    greedy_schedule,
    schedule,
    validate,
)

PER_DAY = 3  # 8-hour shifts


def _days(days: np.ndarray | range) -> set[int]:
    return {int(d) * PER_DAY + k for d in days for k in range(PER_DAY)}


def build(
    *, seed: int, instruments: int, proposals: int, days: int, contacts: int, demand: float
) -> Cycle:
    rng = np.random.default_rng(seed)
    n = days * PER_DAY
    # Facility-wide: a start-up week, a mid-cycle shutdown week, a machine day every 3 weeks.
    closed = _days(range(0, 7)) | _days(range(days // 2, days // 2 + 7))
    closed |= _days(range(17, days, 21))
    insts, typical = [], []
    for i in range(instruments):
        maintenance = _days(rng.choice(days, size=rng.integers(2, 6), replace=False))
        in_house = int(rng.integers(7, days - 7))  # a week kept for staff research
        open_ = set(range(n)) - closed - maintenance - _days(range(in_house, in_house + 7))
        change = int(rng.choice([0, 1, 2, 3], p=[0.2, 0.3, 0.3, 0.2]))
        insts.append(Instrument(f"I{i:02d}", open_, setup_change_shifts=change))
        typical.append(float(rng.choice([12, 18, 24, 30, 36, 45])))
    # Proposals per instrument so that each is asked for about `demand` × its open time.
    open_shifts = np.array([len(x.shifts_available) for x in insts], dtype=float)
    want = demand * open_shifts / np.array(typical)
    counts = np.maximum(1, np.round(want / want.sum() * proposals)).astype(int)
    counts[np.argmax(counts)] += proposals - counts.sum()
    lcs, covers = [], {}
    for c in range(contacts):
        holiday = rng.integers(0, days - 14)
        away = _days(range(holiday, holiday + rng.integers(7, 15)))
        lcs.append(LocalContact(f"LC{c:02d}", set(range(n)) - away))
        for i in rng.choice(instruments, size=rng.integers(2, 5), replace=False):
            covers.setdefault(int(i), []).append(f"LC{c:02d}")
    exps = []
    for i, inst in enumerate(insts):
        setups = [f"{inst.id}-s{k}" for k in range(rng.integers(2, 5))]
        scale = demand * open_shifts[i] / counts[i]  # mean block length on this instrument
        for _ in range(counts[i]):
            k = len(exps)
            shifts = int(np.clip(round(scale * rng.lognormal(-0.06, 0.35) / 3) * 3, 3, 60))
            grade = round(float(rng.uniform(1.0, 5.0)), 1)  # review grade, 1 is best
            away: set[int] = set()
            if rng.random() < 0.6:
                for _ in range(rng.integers(1, 4)):
                    d0 = rng.integers(0, days)
                    away |= _days(range(d0, min(days, d0 + rng.integers(3, 16))))
            earliest = latest = None
            if rng.random() < 0.1:  # sample or campaign dates
                if rng.random() < 0.5:
                    earliest = int(rng.integers(0, n // 2))
                else:
                    latest = int(rng.integers(n // 2, n))
            contact = None
            if covers.get(i) and rng.random() < 0.35:
                contact = str(rng.choice(covers[i]))
            exps.append(
                Experiment(
                    f"E{k:03d}",
                    f"P{k:03d}",
                    inst.id,
                    shifts,
                    6.0 - grade,
                    away,
                    contact,
                    str(rng.choice(setups)),
                    earliest,
                    latest,
                ),
            )
    return Cycle(n, tuple(insts), tuple(exps), tuple(lcs), shift_hours=24 / PER_DAY)


def summary(cycle: Cycle, result: Schedule) -> dict[str, float | int | str]:
    return {
        "seconds": round(result.seconds, 2),
        "awarded": round(result.awarded, 1),
        "placed": len(result.placements),
        "hours": round(result.hours, 1),
        "status": result.status,
        "violations": len(validate(cycle, result.placements)),
    }


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--time-limit", type=float, default=60.0, help="CP-SAT seconds")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--instruments", type=int, default=30)
    parser.add_argument("--proposals", type=int, default=500)
    parser.add_argument("--days", type=int, default=122, help="cycle length (4 months)")
    parser.add_argument("--contacts", type=int, default=15)
    parser.add_argument("--demand", type=float, default=2.0, help="oversubscription target")
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    t0 = time.perf_counter()
    cycle = build(
        seed=args.seed, instruments=args.instruments, proposals=args.proposals,
        days=args.days, contacts=args.contacts, demand=args.demand,
    )  # fmt: skip
    t_build = time.perf_counter() - t0
    opened = sum(len(i.shifts_available) for i in cycle.instruments)
    asked = sum(e.shifts_awarded for e in cycle.experiments)
    greedy = greedy_schedule(cycle)
    best = schedule(cycle, time_limit_s=args.time_limit, workers=args.workers, seed=args.seed)
    rows = {"greedy": summary(cycle, greedy), "cp-sat": summary(cycle, best)}
    print(
        f"{'method':<8} {'seconds':>8} {'awarded':>11} {'of bound':>9} {'placed':>7} {'hours':>8}"
    )
    for name, row in rows.items():
        share = float(row["awarded"]) / best.upper_bound
        print(
            f"{name:<8} {row['seconds']:>8} {row['awarded']:>11,.0f} {share:>9.2%} "
            f"{row['placed']:>7} {row['hours']:>8,.0f}"
        )
    print(
        f"upper bound {best.upper_bound:,.0f} (CP-SAT {best.cpsat_bound or 0:,.0f}, knapsack "
        f"{best.knapsack_bound:,.0f}); gap {best.gap:.2%}; {best.status}"
    )
    result = {
        "benchmark": "beamtime scheduling, one proposal cycle",
        "seed": args.seed,
        "time_limit_s": args.time_limit,
        "workers": args.workers,
        "shape": {
            "instruments": len(cycle.instruments),
            "proposals": len(cycle.experiments),
            "local_contacts": len(cycle.local_contacts),
            "shifts": cycle.n_shifts,
            "shift_hours": cycle.shift_hours,
            "open_instrument_shifts": opened,
            "shifts_requested": asked,
            "oversubscription": round(asked / opened, 2),
            "with_local_contact": sum(e.local_contact is not None for e in cycle.experiments),
            "never_placeable": sum(
                1 for r in best.unplaced.values() if r.startswith("no window") or "cycle has" in r
            ),
            "build_s": round(t_build, 2),
        },
        "seconds": round(best.seconds, 2),
        "awarded": round(best.awarded, 1),
        "upper_bound": round(best.upper_bound, 1),
        "cpsat_bound": None if best.cpsat_bound is None else round(best.cpsat_bound, 1),
        "knapsack_bound": round(best.knapsack_bound, 1),
        "gap": round(best.gap, 4),
        "status": best.status,
        "solver": best.solver,
        "search": {k: round(v, 1) for k, v in best.stats.items() if v == v},
        "greedy_awarded": round(greedy.awarded, 1),
        "greedy_seconds": round(greedy.seconds, 2),
        "greedy_gap": round((best.upper_bound - greedy.awarded) / best.upper_bound, 4),
        "methods": rows,
        "machine": {"python": platform.python_version(), "cpus": os.cpu_count()},
        "ortools": ortools.__version__,
        "numpy": np.__version__,
    }
    if any(row["violations"] for row in rows.values()):
        raise SystemExit("a schedule breaks the rules: " + json.dumps(rows))
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(result, indent=2) + "\n")


if __name__ == "__main__":
    main()
