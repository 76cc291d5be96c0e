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
import os
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT))  # benchmarks.standin

FULL = {"organisations": 100_000, "needs": 50_000, "achievements": 200_000}
OLD_DENSE_LIMIT = 20_000
STARTS = 5
QUERIES = 50
AGREE = 20


def _settings(data: Path, jobs: str = "sqlite") -> Any:
    from labline.config import Settings

    return Settings(env="development", data_dir=data, jobs=jobs)


def _sessions(data: Path) -> Any:
    from labline.db import make_engine, make_sessionmaker

    return make_sessionmaker(make_engine(f"sqlite:///{data / 'labline.db'}"))


# --- the world --------------------------------------------------------------------------


def build_world(data: Path, sizes: dict[str, int], seed: int) -> dict[str, float]:
    from sqlalchemy import insert

    from benchmarks.standin import store_standin_vectors
    from labline.core import database
    from labline.core.indexes import service as indexes
    from labline.core.indexes.encoder import live_encoder
    from labline.core.models import Organisation
    from labline.db import make_engine
    from labline.market.demo import topics
    from labline.market.models import Achievement, TechnologyNeed
    from labline.market.service import market_index

    started = time.perf_counter()
    database.upgrade(make_engine(f"sqlite:///{data / 'labline.db'}"))
    rng = random.Random(seed)
    fields = topics.topics()
    regions = ["110108", "310115", "320500", "440300", "330100", "420100", "510100", "610100"]
    now = topics.START
    with _sessions(data)() as s:
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


def upgrade(data: Path) -> None:
    from labline.core import database
    from labline.db import make_engine

    database.upgrade(make_engine(f"sqlite:///{data / 'labline.db'}"))


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
    with _sessions(data)() as s:
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
    with _sessions(data)() as s:
        indexes.rebuild(s, market_index.SPEC, data / "indexes" / "market")
        s.commit()
    return round(time.perf_counter() - t0, 1)


# --- one fresh app process --------------------------------------------------------------


def child(design: str, data: Path, spawned: float, seed: int) -> None:
    """A fresh process: the first answer, then warm suggestions; prints its figures."""
    from labline.core.access import command_line_actor
    from labline.market.service import market_index, matching

    sessions = _sessions(data)
    actor = command_line_actor("bench")
    imported = time.time() - spawned  # interpreter and imports: the same for both designs
    if design == "labline":
        holder: Any = SimpleNamespace(settings=_settings(data))
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
                "memory_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
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
            [sys.executable, __file__, *args, "--seed", str(seed + i)],
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
        "load_average": round(os.getloadavg()[0], 1),
        "opening_s_median": round(
            statistics.median(r["first_answer_s"] - r["imports_s"] for r in runs), 2
        ),
        "suggest_p95_ms": round(latencies[int(0.95 * (len(latencies) - 1))], 1),
        "suggest_p50_ms": round(statistics.median(latencies), 1),
        "workers_agree": all(r["tops"] == runs[0]["tops"] for r in runs),
        "dense": runs[0]["dense"],
        "memory_mb": round(max(r["memory_mb"] for r in runs), 1),
    }


# --- freshness --------------------------------------------------------------------------


def freshness(design: str, data: Path) -> dict[str, Any]:
    """Publish an achievement worded like need 1 and wait until need 1's suggestions hold
    it (labline: with a real worker running, then until the worker's vector is in use)."""
    from sqlalchemy import select
    from sqlalchemy.exc import OperationalError

    import labline.core.audit  # noqa: F401  the audit hooks, as every app process has them
    from labline.core import refdata
    from labline.core.access import command_line_actor
    from labline.core.indexes import jobs
    from labline.core.indexes import service as indexes
    from labline.db import DatabaseBusy
    from labline.market.models import Achievement, TechnologyNeed
    from labline.market.schemas import AchievementCreate, Transition
    from labline.market.service import market_index, matching, records

    sessions = _sessions(data)
    actor = command_line_actor("bench")
    worker = None
    if design == "labline":
        holder: Any = SimpleNamespace(settings=_settings(data))
        jobs.configure(holder.settings, sessions)
        env = {**os.environ, "PYTHONPATH": str(ROOT / "src"), "LABLINE_JOBS": "sqlite"}
        cli = ["--data-dir", str(data), "worker"]
        worker = subprocess.Popen(
            [sys.executable, "-c", "from labline.cli import main; main()", *cli],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        assert worker.stdout is not None
        for line in worker.stdout:  # ready once its encoder is loaded
            if "labline worker:" in line:
                break
        threading.Thread(
            target=_drain, args=(worker.stdout, data / "worker.log"), daemon=True
        ).start()
    else:
        holder = SimpleNamespace()
        with sessions() as s:
            holder.indexes = {"market": market_index.build(s, dense=False)}
    try:
        with sessions() as s:
            need = s.get(TechnologyNeed, 1)
            assert need is not None
            used = set(s.scalars(select(Achievement.industry_code).distinct()))
            alone = next(
                i.code for i in refdata.industries() if len(i.code) == 4 and i.code not in used
            )
            matching.suggest_for_need(s, actor=actor, holder=holder, need_id=1)  # warm
            data_in = AchievementCreate(
                kind="invention_patent",  # type: ignore[arg-type]
                title=need.title,
                summary=need.summary,
                field=need.field,
                industry_code=alone,
                readiness=7,
                language=need.language,  # type: ignore[arg-type]
                organisation_id=2,
            )
            attempts = 0
            while True:
                attempts += 1
                try:
                    new = records.create_achievement(s, actor=actor, data=data_in)
                    for action in ("submit", "publish"):
                        records.transition(
                            s,
                            actor=actor,
                            kind="achievement",
                            record_id=new.id,
                            data=Transition(action=action),  # type: ignore[arg-type]
                        )
                    s.commit()  # enqueues the encoding (labline)
                    break
                except (OperationalError, DatabaseBusy):
                    # SQLite's write lock held by the worker: the app would answer "busy,
                    # try again" (503), so the publisher tries again.
                    s.rollback()
                    if attempts == 6:
                        raise
                    time.sleep(1)
            t0 = time.perf_counter()
        fresh = fresh_dense = None
        while time.perf_counter() - t0 < 300:
            with sessions() as s:
                found = matching.suggest_for_need(
                    s, actor=actor, holder=holder, need_id=1, industry_code=alone
                )
                if fresh is None and new.id in [x.id for x in found]:
                    fresh = time.perf_counter() - t0
                live = holder.indexes["market"]
                if fresh is not None and (
                    design != "labline" or f"achievement:{new.id}" not in live.pending
                ):
                    fresh_dense = time.perf_counter() - t0
                    break
            time.sleep(0.2)
        return {
            "publish_attempts": attempts,
            "fresh_s": None if fresh is None else round(fresh, 2),
            "fresh_dense_s": (
                None if fresh_dense is None or design != "labline" else round(fresh_dense, 2)
            ),
            "pending_after": len(indexes.open_index(sessions(), market_index.SPEC, holder).pending)
            if design == "labline"
            else None,
        }
    finally:
        if worker is not None:
            worker.terminate()
            worker.wait(timeout=60)


def app_imports(starts: int = 3) -> dict[str, Any]:
    """What a real app worker imports before it can open an index (`labline serve` runs
    `labline.app:create_app`, which loads every module: indicators, review, intel...), in
    fresh processes; the children above import only the market's code, so this is the
    difference between them and an app worker's start.

    `compiled_*`: the same with labline's bytecode cached (in a folder of its own), as an
    installed labline runs; where PYTHONDONTWRITEBYTECODE is set (`bytecode_written`
    false), every start above compiles labline's sources again."""
    code = "from labline.app import create_app; create_app()"
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}

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

    load = [round(x, 1) for x in os.getloadavg()]
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
        "load_average_end": [round(x, 1) for x in os.getloadavg()],
    }


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


def _drain(stream: Any, path: Path) -> None:
    """The worker's output after it is ready, kept in a file (a full pipe would stop it)."""
    with path.open("a", encoding="utf-8") as out:
        for line in stream:
            out.write(line)
            out.flush()


def _du(path: Path) -> float:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file()) / 2**20


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
            args.json.write_text(json.dumps(kept, indent=1) + "\n", encoding="utf-8")
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
            "load_average_start": [round(x, 1) for x in os.getloadavg()],
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
                round(_du(data / "indexes" / "market"), 1) if design == "labline" else None
            )
            figures["load_average_end"] = [round(x, 1) for x in os.getloadavg()]
            result[design] = figures
            print(design, figures, flush=True)
    out = json.dumps(merged(result, args.json, designs), indent=1)
    print(out)
    if args.json:
        args.json.write_text(out + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
