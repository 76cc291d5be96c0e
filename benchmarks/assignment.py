"""Reviewer assignment at scale: labline.review against the dense reference, in one run.

    python benchmarks/assignment.py [--sizes 200x100,2000x800,20000x8000] [--json FILE]
    python benchmarks/assignment.py --scores S.npy --demands D.npy --loads U.npy \\
        [--min-loads L.npy] [--json FILE]

Sizes are proposals × reviewers. Synthetic calls are generated deterministically: proposals
belong to one main topic and sometimes a second (about one topic per 100 proposals),
reviewers know one to three topics at varying depth, affinity is 0.85 × the cosine of the
topic mixtures + 0.15 × uniform noise (float32), about 1 % of pairs are conflicts, every
proposal needs 3 reviews and reviewer loads vary ±40 % around a total capacity of 1.3 ×
the demand.

Each solver runs in its own process, so its peak resident memory is its own (it includes
the score matrix, reported separately). `labline` is `labline.review.engine.assignment.solve`
(candidate pairs + column generation, proved optimal over all pairs, with a certified
dual bound); `reference` is `labline.review.engine.reference.solve_reference`, OpenReview's
min-cost-flow graph with one arc per pair, skipped above --reference-max-pairs.
"""

from __future__ import annotations

import argparse
import json
import platform
import resource
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

DEMAND = 3
CAPACITY_RATIO = 1.3


def synthetic(n_prop: int, n_rev: int, seed: int = 0) -> tuple[np.ndarray, ...]:
    rng = np.random.default_rng(seed)
    n_topics = max(10, n_prop // 100)
    prop_topics = np.zeros((n_prop, n_topics), np.float32)
    rows = np.arange(n_prop)
    prop_topics[rows, rng.integers(0, n_topics, n_prop)] = 1.0
    second = rng.random(n_prop) < 0.6
    prop_topics[rows[second], rng.integers(0, n_topics, int(second.sum()))] += rng.uniform(
        0.2, 0.6, int(second.sum())
    ).astype(np.float32)
    rev_topics = np.zeros((n_rev, n_topics), np.float32)
    for j in range(3):
        who = np.arange(n_rev) if j == 0 else np.flatnonzero(rng.random(n_rev) < 0.5)
        depth = rng.uniform(0.5, 1.0, len(who)) if j == 0 else rng.uniform(0.1, 0.5, len(who))
        rev_topics[who, rng.integers(0, n_topics, len(who))] += depth.astype(np.float32)
    prop_topics /= np.linalg.norm(prop_topics, axis=1, keepdims=True)
    rev_topics /= np.linalg.norm(rev_topics, axis=1, keepdims=True)
    scores = rev_topics @ prop_topics.T
    scores *= 0.85
    scores += 0.15 * rng.random((n_rev, n_prop), dtype=np.float32)
    np.clip(scores, 0.0, 1.0, out=scores)
    scores[rng.random((n_rev, n_prop), dtype=np.float32) < 0.01] = -1.0
    demands = np.full(n_prop, DEMAND, np.int64)
    base = CAPACITY_RATIO * DEMAND * n_prop / n_rev
    loads = np.maximum(1, np.rint(base * rng.uniform(0.6, 1.4, n_rev))).astype(np.int64)
    return scores, demands, loads, np.zeros(n_rev, np.int64)


def load_instance(args: argparse.Namespace) -> tuple[np.ndarray, ...]:
    scores = np.load(args.scores)
    mins = np.load(args.min_loads) if args.min_loads else np.zeros(scores.shape[0], np.int64)
    return scores, np.load(args.demands), np.load(args.loads), mins


def peak_mb() -> float:
    """Peak resident memory since the last reset_peak() (Linux), else since the start."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def reset_peak() -> bool:
    """Start peak-memory accounting afresh, so the instance generator's peak is not counted."""
    try:
        Path("/proc/self/clear_refs").write_text("5")
        return True
    except OSError:
        return False


def run_child(system: str, size: str, args: argparse.Namespace) -> dict:
    if size == "file":
        scores, demands, loads, mins = load_instance(args)
    else:
        n_prop, n_rev = (int(x) for x in size.split("x"))
        scores, demands, loads, mins = synthetic(n_prop, n_rev)
    reset_peak()
    before = peak_mb()  # what the process holds going in: interpreter + the instance
    if system == "labline":
        from labline.review.engine.assignment import solve

        started = time.perf_counter()
        a = solve(scores=scores, demands=demands, max_loads=loads, min_loads=mins)
        seconds = time.perf_counter() - started
        figures = {
            "objective": a.objective,
            "bound": a.bound,
            "gap": a.bound - a.objective,
            "rounds": a.rounds,
            "arcs": a.arcs,
            "status": a.status,
        }
    else:
        from labline.review.engine.reference import solve_reference

        started = time.perf_counter()
        r = solve_reference(scores=scores, demands=demands, max_loads=loads, min_loads=mins)
        seconds = time.perf_counter() - started
        figures = {"objective": r.objective}
    return {
        **figures,
        "seconds": seconds,
        "memory_mb": peak_mb(),
        "memory_before_solve_mb": before,
        "scores_mb": scores.nbytes / 2**20,
        "pairs": int(scores.size),
        "capacity_ratio": float(loads.sum() / demands.sum()),
    }


def child(system: str, size: str, args: argparse.Namespace) -> dict | None:
    cmd = [sys.executable, __file__, "--child", system, size]
    for flag in ("scores", "demands", "loads", "min_loads"):
        if getattr(args, flag):
            cmd += [f"--{flag.replace('_', '-')}", str(getattr(args, flag))]
    done = subprocess.run(cmd, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        print(f"{system} at {size}: failed\n{done.stderr[-2000:]}", flush=True)
        return None
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sizes", default="200x100,2000x800,6000x2400,20000x8000")
    parser.add_argument("--scores", type=Path, help="reviewers × proposals .npy (negative = COI)")
    parser.add_argument("--demands", type=Path)
    parser.add_argument("--loads", type=Path, help="maximum load per reviewer (.npy)")
    parser.add_argument("--min-loads", type=Path)
    parser.add_argument(
        "--reference-max-pairs",
        type=int,
        default=20_000_000,
        help="skip the dense reference above this many pairs (it needs ~100 B per arc)",
    )
    parser.add_argument("--json", dest="json_path", type=Path)
    parser.add_argument("--child", nargs=2, metavar=("SYSTEM", "SIZE"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(run_child(args.child[0], args.child[1], args)))
        return
    sizes = ["file"] if args.scores else args.sizes.split(",")
    runs: list[dict] = []
    for size in sizes:
        mine = child("labline", size, args)
        if mine is None:
            continue
        row: dict = {"size": size, "labline": mine}
        if mine["pairs"] <= args.reference_max_pairs:
            row["reference"] = child("reference", size, args)
        else:
            row["reference"] = None
            row["reference_skipped"] = (
                f"{mine['pairs']:,} pairs > --reference-max-pairs {args.reference_max_pairs:,}: "
                "the dense graph would not fit in memory and time"
            )
        ref = row["reference"]
        row["match"] = None if ref is None else abs(mine["objective"] - ref["objective"]) < 1e-6
        runs.append(row)
        ref_text = (
            "reference skipped"
            if ref is None
            else f"reference {ref['objective']:.6f} in {ref['seconds']:.2f}s, "
            f"{ref['memory_mb']:.0f} MB"
        )
        print(
            f"{size:>11}  labline {mine['objective']:.6f} (bound {mine['bound']:.6f}) in "
            f"{mine['seconds']:.2f}s, {mine['memory_mb']:.0f} MB, {mine['rounds']} rounds; "
            + ref_text,
            flush=True,
        )
    if args.json_path and runs:
        last = runs[-1]
        ref = last["reference"]
        out = {
            "size": last["size"],
            "objective": last["labline"]["objective"],
            "seconds": last["labline"]["seconds"],
            "reference_objective": None if ref is None else ref["objective"],
            "reference_seconds": None if ref is None else ref["seconds"],
            "machine": f"{platform.machine()}, Python {platform.python_version()}",
            "sizes": runs,
        }
        args.json_path.write_text(json.dumps(out, indent=2) + "\n")


if __name__ == "__main__":
    main()
