"""Composite-index speed: 31 regions × 14 years × 30 indicators, 1,000 Monte Carlo draws
per year, labline's vectorised path against the same computation done the plain pandas way.

    python benchmarks/indicators.py [--draws 1000] [--json FILE]
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from labline.indicators.methods.composite import monte_carlo_ranks  # noqa: E402

REGIONS, YEARS, INDICATORS = 31, 14, 30


def panel(seed: int = 0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    base = rng.lognormal(size=(REGIONS, 1, INDICATORS))
    growth = 1 + rng.normal(0.05, 0.02, size=(REGIONS, YEARS, INDICATORS))
    return base * np.cumprod(growth, axis=1)  # regions × years × indicators


def labline_way(data: np.ndarray, draws: int) -> list[np.ndarray]:
    w = np.full(INDICATORS, 1 / INDICATORS)
    return [monte_carlo_ranks(data[:, y, :], w, draws=draws, seed=y)[1] for y in range(YEARS)]


def pandas_way(data: np.ndarray, draws: int) -> list[np.ndarray]:
    """One draw at a time with DataFrame operations, as an analyst would write it."""
    w0 = np.full(INDICATORS, 1 / INDICATORS)
    out = []
    for y in range(YEARS):
        frame = pd.DataFrame(data[:, y, :])
        rng = np.random.default_rng(y)
        ranks = []
        for _ in range(draws):
            w = pd.Series(rng.dirichlet(w0 * 50 + 1e-9))
            method = rng.integers(0, 3)
            if method == 0:
                norm = (frame - frame.min()) / (frame.max() - frame.min()) * 100
            elif method == 1:
                norm = 50 + 10 * (frame - frame.mean()) / frame.std(ddof=0)
            else:
                norm = frame.rank(method="first").sub(1).div(len(frame) - 1) * 100
            ranks.append((norm * w).sum(axis=1).rank(ascending=False, method="first").to_numpy())
        out.append(np.percentile(np.vstack(ranks), [5, 95], axis=0).T)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--draws", type=int, default=1000)
    parser.add_argument("--json", dest="json_path")
    args = parser.parse_args()
    data = panel()
    results = {}
    for name, fn in (("labline", labline_way), ("pandas", pandas_way)):
        started = time.perf_counter()
        intervals = fn(data, args.draws)
        seconds = time.perf_counter() - started
        results[name] = {"seconds": round(seconds, 3), "years": len(intervals)}
        shape = f"{REGIONS} regions × {YEARS} years × {INDICATORS} indicators"
        print(f"{name:<8} {seconds:8.2f} s  ({shape}, {args.draws} draws)")
    results["speedup"] = round(results["pandas"]["seconds"] / results["labline"]["seconds"], 1)
    print(f"speed-up: {results['speedup']}×")
    if args.json_path:
        Path(args.json_path).write_text(json.dumps(results, indent=2) + "\n")


if __name__ == "__main__":
    main()
