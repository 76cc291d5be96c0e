"""Fresh app processes of the market_scale benchmark: each answers a need's suggestions
from nothing (the first answer), then warm ones; and what a real app worker imports."""

from __future__ import annotations

import json
import os
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from types import SimpleNamespace
from typing import Any

from benchmarks.kit import machine, sqlite
from benchmarks.kit.paths import SRC

SCRIPT = Path(__file__).resolve().parents[1] / "market_scale.py"  # runs `--child`
OLD_DENSE_LIMIT = 20_000
STARTS = 5
QUERIES = 50
AGREE = 20


def child(design: str, data: Path, spawned: float, seed: int) -> None:
    """A fresh process: the first answer, then warm suggestions; prints its figures."""
    from labline.core.access import command_line_actor
    from labline.market.service import market_index, matching

    sessions = sqlite.sessions(data)
    actor = command_line_actor("bench")
    imported = time.time() - spawned  # interpreter and imports: the same for both designs
    if design == "labline":
        holder: Any = SimpleNamespace(settings=sqlite.settings(data))
    else:
        holder = SimpleNamespace()
    with sessions() as s:
        n_needs = s.execute(_count("market_needs")).scalar_one()
        if design == "in_memory":  # today's design: build everything here, dense <= 20,000
            n_ach = s.execute(_count("market_achievements")).scalar_one()
            dense = n_needs + n_ach <= OLD_DENSE_LIMIT
            holder.indexes = {"market": market_index.build(s, dense=dense)}
        matching.suggest_for_need(s, actor=actor, holder=holder, need_id=1)
        first = time.time() - spawned
        rng = random.Random(seed)
        times = []
        for _ in range(QUERIES):
            need = rng.randrange(1, n_needs + 1)
            t = time.perf_counter()
            matching.suggest_for_need(s, actor=actor, holder=holder, need_id=need)
            times.append(1000 * (time.perf_counter() - t))
        tops = [
            [x.id for x in matching.suggest_for_need(s, actor=actor, holder=holder, need_id=n)]
            for n in range(1, AGREE + 1)
        ]
        market = market_index.market_for(s, holder)
    print(
        json.dumps(
            {
                "first_answer_s": first,
                "imports_s": imported,
                "suggest_ms": times,
                "tops": tops,
                "dense": market.achievements.encoder is not None,
                "memory_mb": machine.peak_rss_mb(),
            }
        )
    )


def _count(table: str) -> Any:
    from sqlalchemy import text

    return text(f"SELECT count(*) FROM {table} WHERE state = 'published'")


def run_children(design: str, data: Path, seed: int, starts: int = STARTS) -> dict[str, Any]:
    runs = []
    for i in range(starts):
        spawned = time.time()
        args = ["--child", design, "--data", str(data), "--spawned", str(spawned)]
        out = subprocess.run(
            [sys.executable, str(SCRIPT), *args, "--seed", str(seed + i)],
            capture_output=True,
            text=True,
            check=True,
        )
        runs.append(json.loads(out.stdout.strip().splitlines()[-1]))
    firsts = sorted(r["first_answer_s"] for r in runs)
    latencies = sorted(t for r in runs for t in r["suggest_ms"])
    return {
        "first_answer_s_p95": round(firsts[-1], 2),  # p95 of 5 starts: the slowest
        "first_answer_s_all": [round(f, 2) for f in firsts],
        "first_answer_s_median": round(statistics.median(firsts), 2),
        # of which starting Python and importing labline (the same code for both designs)
        "imports_s_median": round(statistics.median(r["imports_s"] for r in runs), 2),
        "load_average": machine.load_1m(),
        "opening_s_median": round(
            statistics.median(r["first_answer_s"] - r["imports_s"] for r in runs), 2
        ),
        "suggest_p95_ms": round(latencies[int(0.95 * (len(latencies) - 1))], 1),
        "suggest_p50_ms": round(statistics.median(latencies), 1),
        "workers_agree": all(r["tops"] == runs[0]["tops"] for r in runs),
        "dense": runs[0]["dense"],
        "memory_mb": round(max(r["memory_mb"] for r in runs), 1),
    }


def app_imports(starts: int = 3) -> dict[str, Any]:
    """What a real app worker imports before it can open an index (`labline serve` runs
    `labline.app:create_app`, which loads every module: indicators, review, intel...), in
    fresh processes; the children above import only the market's code, so this is the
    difference between them and an app worker's start.

    `compiled_*`: the same with labline's bytecode cached (in a folder of its own), as an
    installed labline runs; where PYTHONDONTWRITEBYTECODE is set (`bytecode_written`
    false), every start above compiles labline's sources again."""
    code = "from labline.app import create_app; create_app()"
    env = {**os.environ, "PYTHONPATH": str(SRC)}

    def fresh(env: dict[str, str]) -> list[float]:
        times = []
        for _ in range(starts):
            t0 = time.perf_counter()
            before = resource.getrusage(resource.RUSAGE_CHILDREN)
            subprocess.run([sys.executable, "-c", code], check=True, env=env, capture_output=True)
            times.append(time.perf_counter() - t0)
            after = resource.getrusage(resource.RUSAGE_CHILDREN)
            cpu.append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
        return sorted(times)

    load = machine.load_average()
    cpu: list[float] = []  # user + system time of the process: less moved by other jobs
    times = fresh(env)
    cpu_times, cpu = sorted(cpu), []
    with tempfile.TemporaryDirectory() as cache:
        compiled_env = {**env, "PYTHONPYCACHEPREFIX": cache}
        compiled_env.pop("PYTHONDONTWRITEBYTECODE", None)
        subprocess.run(
            [sys.executable, "-c", code], check=True, env=compiled_env, capture_output=True
        )
        compiled = fresh(compiled_env)
    return {
        "create_app_s_median": round(statistics.median(times), 2),
        "create_app_s_all": [round(t, 2) for t in times],
        "create_app_cpu_s_median": round(statistics.median(cpu_times), 2),
        "bytecode_written": not os.environ.get("PYTHONDONTWRITEBYTECODE"),
        "compiled_create_app_s_median": round(statistics.median(compiled), 2),
        "compiled_create_app_s_all": [round(t, 2) for t in compiled],
        "compiled_create_app_cpu_s_median": round(statistics.median(cpu), 2),
        "load_average_start": load,
        "load_average_end": machine.load_average(),
    }
