"""The market at a platform's scale: indexes beside the database against today's in-memory
design, in one run.

    python benchmarks/market_scale.py --json FILE [--small] [--data DIR]

A world of 100,000 organisations, 50,000 live needs and 200,000 live achievements (a tenth
with --small), half Chinese and half English, written straight into a SQLite database.
Then, for each design:
- `first_answer_s_p95`: 5 fresh processes each answer a need's suggestions; wall time
  from starting the process (interpreter and imports included) to the answer;
- `suggest_p95_ms`: 50 more suggestions in each of those processes (warm);
- `workers_agree`: the 5 processes gave the same top 10 for the same 20 needs;
- `memory_mb`: peak resident memory of such a process (the largest of the 5);
- `fresh_s`: publishing an achievement (through the service, committed) until it is in a
  need's suggestions (filtered by an industry only it has, so that its rank among
  stand-in vectors does not matter); for labline, with a real `labline worker` running,
  `fresh_dense_s` until the worker's vector for it is in use;
- `dense`, `index_mb` (the snapshot folder).

`labline`: the snapshot (written once, as the worker does: `snapshot_build_s`) plus the
audit tail. `in_memory`: every process reads every live record and builds its index, as
before; above 20,000 live records (DENSE_LIMIT) that design switched the dense side off.

The world's sentence vectors are stand-ins (seeded unit vectors, written to the table the
worker fills, under the live encoder's name): on this 2-core machine shared with other
jobs, USE v3 encoded about 10 texts a second, so encoding the world would take hours;
what is measured here is opening, replaying, searching and sharing, which do not depend on
what the vectors mean. The worker in `fresh_s` encodes its record with the real encoder.

One JSON file holds both designs (`labline`, `in_memory`, each with the load averages of
its own run): a run that measures one design (`--only`, `--baseline-starts 0`) keeps the
other's figures from the file when the sizes are the same. `--app-imports` measures only
`app_imports` (a fresh `create_app()`, no world needed) and replaces it in the file.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT))  # benchmarks.kit, benchmarks.marketscale, benchmarks.standin

from benchmarks.kit import machine  # noqa: E402
from benchmarks.kit.results import write_json  # noqa: E402
from benchmarks.kit.sqlite import upgrade  # noqa: E402
from benchmarks.marketscale.freshness import freshness  # noqa: E402
from benchmarks.marketscale.starts import STARTS, app_imports, child, run_children  # noqa: E402
from benchmarks.marketscale.world import (  # noqa: E402
    build_world,
    other_snapshots,
    write_snapshot,
)

FULL = {"organisations": 100_000, "needs": 50_000, "achievements": 200_000}


def merged(result: dict[str, Any], path: Path | None, designs: list[str]) -> dict[str, Any]:
    """`result` with the figures of the designs this run did not measure taken from the
    file already at `path`, when it holds a run of the same sizes: one file, both designs."""
    if path is None or not path.is_file():
        return result
    before = json.loads(path.read_text(encoding="utf-8"))
    if before.get("sizes") != result["sizes"]:
        return result
    out = dict(result)
    for design in ("labline", "in_memory"):
        if design not in designs and before.get(design) is not None:
            out[design] = before[design]
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--json", type=Path, default=None)
    parser.add_argument("--small", action="store_true", help="a tenth of the size")
    parser.add_argument("--divide", type=int, default=1, help="sizes divided by this")
    parser.add_argument("--data", type=Path, default=None, help="keep the world here")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument(
        "--reuse", action="store_true", help="use the world kept in --data by an earlier run"
    )
    parser.add_argument(
        "--baseline-starts",
        type=int,
        default=STARTS,
        help="fresh processes for the in-memory design (each rebuilds the whole index)",
    )
    parser.add_argument(
        "--resnapshot", action="store_true", help="with --reuse: write the snapshot again"
    )
    parser.add_argument("--world-only", action="store_true", help="build the world and stop")
    parser.add_argument(
        "--app-imports",
        action="store_true",
        help="measure only a fresh create_app() and replace `app_imports` in --json",
    )
    parser.add_argument(
        "--only", choices=["labline", "in_memory"], default=None, help="measure one design"
    )
    parser.add_argument("--child", choices=["labline", "in_memory"], default=None)
    parser.add_argument("--spawned", type=float, default=0.0)
    args = parser.parse_args()
    if args.child:
        child(args.child, args.data, args.spawned, args.seed)
        return
    if args.app_imports:
        figures = app_imports(starts=STARTS)
        print(json.dumps(figures), flush=True)
        if args.json:
            kept = json.loads(args.json.read_text(encoding="utf-8"))
            kept["app_imports"] = figures
            write_json(args.json, kept)
        return
    divide = 10 if args.small else args.divide
    sizes = {k: v // divide for k, v in FULL.items()}
    with tempfile.TemporaryDirectory() as tmp:
        data = args.data or Path(tmp)
        data.mkdir(parents=True, exist_ok=True)
        saved = data / "setup.json"
        if args.reuse and saved.is_file():  # a world this script built before, kept
            setup = json.loads(saved.read_text(encoding="utf-8"))
            upgrade(data)  # to the migrations of this code, as `labline db upgrade` does
            if "other_snapshots_s" not in setup:
                setup["other_snapshots_s"] = other_snapshots(data, args.seed)
                saved.write_text(json.dumps(setup), encoding="utf-8")
            if args.resnapshot:
                setup["snapshot_build_s"] = write_snapshot(data)
                saved.write_text(json.dumps(setup), encoding="utf-8")
        else:
            setup = build_world(data, sizes, args.seed)
            setup["other_snapshots_s"] = other_snapshots(data, args.seed)
            saved.write_text(json.dumps(setup), encoding="utf-8")
        print("world:", setup, flush=True)
        if args.world_only:
            return
        result: dict[str, Any] = {
            "sizes": {"needs": sizes["needs"], "achievements": sizes["achievements"]},
            "organisations": sizes["organisations"],
            "setup": setup,
            "load_average_start": machine.load_average(),
            "app_imports": app_imports(),
        }
        designs = ["labline", "in_memory"] if args.baseline_starts else ["labline"]
        if args.only:
            designs = [args.only]
        if "in_memory" not in designs:  # each start would rebuild every record's index
            result["in_memory"] = None
        for design in designs:
            starts = STARTS if design == "labline" else args.baseline_starts
            figures = run_children(design, data, args.seed, starts)
            figures["starts"] = starts
            figures["load_average_start"] = result["load_average_start"]
            figures |= freshness(design, data)
            figures["index_mb"] = (
                round(machine.du_mb(data / "indexes" / "market"), 1)
                if design == "labline"
                else None
            )
            figures["load_average_end"] = machine.load_average()
            result[design] = figures
            print(design, figures, flush=True)
    out = merged(result, args.json, designs)
    print(json.dumps(out, indent=1))
    if args.json:
        write_json(args.json, out)


if __name__ == "__main__":
    main()
