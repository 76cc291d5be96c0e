"""Benchmark: composite-index Monte Carlo, labline's vectorised path vs plain pandas.

A 31-region × 14-year × 30-indicator panel (5 pillars × 2 sub-pillars × 3 indicators),
1,000 draws over weights (±20 % at every level) and normalisation (min–max, z-score, rank,
within each year). Both paths use the same draws, and the run checks that they give the
same ranks. Usage: python benchmarks/indicators.py [--draws N] [--json FILE]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import time
from pathlib import Path

import numpy as np
import pandas as pd

from labline.indicators.engine.composite import Node, node_from_dict
from labline.indicators.engine.uncertainty import compile_tree, draw_weights, simulate_ranks

REGIONS, YEARS, PILLARS, SUBS, PER_SUB = 31, 14, 5, 2, 3
NORMALISATIONS = ("minmax", "zscore", "rank")


def build(seed: int) -> tuple[np.ndarray, Node, list[str], np.ndarray]:
    rng = np.random.default_rng(seed)
    codes = [f"i{j:02d}" for j in range(PILLARS * SUBS * PER_SUB)]
    tree = node_from_dict(
        {
            "code": "index",
            "children": [
                {
                    "code": f"p{p}",
                    "weight": 1 / PILLARS,
                    "children": [
                        {
                            "code": f"p{p}s{s}",
                            "weight": 1 / SUBS,
                            "children": [
                                {"code": codes[(p * SUBS + s) * PER_SUB + k], "weight": 1 / PER_SUB}
                                for k in range(PER_SUB)
                            ],
                        }
                        for s in range(SUBS)
                    ],
                }
                for p in range(PILLARS)
            ],
        }
    )
    # Skewed, trending data like provincial statistics; a few cost-type indicators.
    level = rng.lognormal(0.0, 1.0, size=(1, REGIONS, len(codes)))
    trend = np.exp(0.05 * np.arange(YEARS))[:, None, None]
    data = level * trend * rng.lognormal(0.0, 0.1, size=(YEARS, REGIONS, len(codes)))
    directions = np.where(np.arange(len(codes)) % 7 == 6, -1, 1)
    return data, tree, codes, directions


def pandas_way(
    data: np.ndarray, tree: Node, codes: list[str], directions: np.ndarray, draws: int, seed: int
) -> np.ndarray:
    """What an analyst would write: a long DataFrame, groupby per draw."""
    years = np.arange(2010, 2010 + YEARS)
    long = pd.DataFrame(
        {
            "year": np.repeat(years, REGIONS * len(codes)),
            "region": np.tile(np.repeat(np.arange(REGIONS), len(codes)), YEARS),
            "indicator": np.tile(codes, YEARS * REGIONS),
            "value": data.ravel(),
        }
    )
    long["value"] *= long["indicator"].map(dict(zip(codes, directions, strict=True)))
    by = long.groupby(["year", "indicator"])["value"]
    lo, hi = by.transform("min"), by.transform("max")
    normalised = {
        "minmax": (long["value"] - lo) / (hi - lo) * 100,
        "zscore": (long["value"] - by.transform("mean")) / by.transform("std", ddof=0),
        "rank": by.rank(method="average"),
    }
    compiled = compile_tree(tree=tree)
    rng = np.random.default_rng(seed)
    weights = draw_weights(compiled=compiled, draws=draws, spread=0.2, rng=rng)
    choice = rng.integers(0, len(NORMALISATIONS), size=draws)
    out = np.empty((draws, YEARS, REGIONS), dtype=np.int64)
    for d in range(draws):
        frame = long[["year", "region", "indicator"]].copy()
        frame["score"] = normalised[NORMALISATIONS[choice[d]]]
        frame["score"] *= frame["indicator"].map(
            dict(zip(compiled.leaves, weights[d], strict=True))
        )
        index = frame.groupby(["year", "region"])["score"].sum()
        ranks = index.groupby(level="year").rank(ascending=False, method="first")
        out[d] = ranks.to_numpy().reshape(YEARS, REGIONS)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--draws", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    data, tree, codes, directions = build(args.seed)

    t0 = time.perf_counter()
    fast = simulate_ranks(
        data=data, tree=tree, indicators=codes, directions=directions, draws=args.draws,
        normalisations=NORMALISATIONS, seed=args.seed,
    )  # fmt: skip
    t_fast = time.perf_counter() - t0

    t0 = time.perf_counter()
    slow = pandas_way(data, tree, codes, directions, args.draws, args.seed)
    t_slow = time.perf_counter() - t0

    agree = float((fast == slow).mean())
    result = {
        "benchmark": "indicators composite-index Monte Carlo",
        "shape": {"regions": REGIONS, "years": YEARS, "indicators": len(codes)},
        "draws": args.draws,
        "labline_vectorised_s": round(t_fast, 4),
        "plain_pandas_s": round(t_slow, 4),
        "speedup": round(t_slow / t_fast, 1),
        "rank_agreement": agree,
        "target_s": 10.0,
        "machine": {"python": platform.python_version(), "cpus": os.cpu_count()},
        "numpy": np.__version__,
        "pandas": pd.__version__,
    }
    print(json.dumps(result, indent=2))
    if agree < 0.999:
        raise SystemExit(f"the two paths disagree on {1 - agree:.2%} of ranks")
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(result, indent=2) + "\n")


if __name__ == "__main__":
    main()
