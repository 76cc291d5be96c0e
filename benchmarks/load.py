"""Load test: a mixed workload by role against a real `labline serve` on the small demo, at
several concurrency levels for a fixed time, on SQLite and on PostgreSQL; beside it, in the
same run, the same request shapes against a minimal FastAPI + SQLAlchemy app on the same
database (what labline's own layers cost: the overhead ratio).

Roles and shapes (weights): a visitor browses the needs (25) and the achievements (10),
searches the market (15) and opens a need (5); an enterprise asks for suggestions (10); a
researcher books an instrument (15, POST); a reviewer lists what to review (10); an analyst
exports the needs (5, CSV). Reads are every shape but the booking.

Usage: python benchmarks/load.py [--json FILE] [--quick] [--databases sqlite,postgresql]
       [--levels 16,64,256] [--seconds 20] [--spin 1]
       --spin N runs N busy loops beside the server (the "something else loads the CPU").
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import random
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import text

from benchmarks.booking_stress import _drop_database, _free_port, _fresh_database

SHAPES = {  # name: (weight, writes)
    "browse_needs": (25, False),
    "browse_achievements": (10, False),
    "search": (15, False),
    "need": (5, False),
    "suggestions": (10, False),
    "book": (15, True),
    "review": (10, False),
    "export": (5, False),
}
WORDS = ["材料", "battery", "sensor", "催化", "AI", "检测", "polymer", "芯片", "water", "储能"]
OPEN_INSTRUMENTS = 3  # demo instruments without qualification or approval (see _world)
LIMIT_S = 30.0
RETRIES = 5  # times a client asks again after 503 busy with Retry-After


def _env(url: str) -> dict[str, str]:
    return {**os.environ, "LABLINE_DATABASE_URL": url, "LABLINE_ENV": "development"}


def build_demo(url: str, data_dir: Path) -> float:
    t0 = time.perf_counter()
    cmd = [sys.executable, "-c", "from labline.cli import main; main()"]
    subprocess.run(
        [*cmd, "--data-dir", str(data_dir), "demo", "--size", "small", "--seed", "42"],
        env=_env(url),
        check=True,
        stdout=subprocess.DEVNULL,
    )
    return time.perf_counter() - t0


def _world(url: str) -> dict[str, Any]:
    """Ids and API tokens the workload needs, read from the demo database."""
    from labline.core.schemas import TokenCreate
    from labline.core.service.auth import actor_for, create_token
    from labline.db import make_engine, make_sessionmaker, transaction

    engine = make_engine(url)
    with transaction(make_sessionmaker(engine)) as s:
        needs = list(s.scalars(text("SELECT id FROM market_needs WHERE state = 'published'")))
        instruments = list(
            s.scalars(
                text(
                    "SELECT id FROM instruments WHERE qualification_code IS NULL"
                    " AND NOT requires_approval ORDER BY id LIMIT :n"
                ),
                {"n": OPEN_INSTRUMENTS},
            )
        )
        people = list(
            s.scalars(text("SELECT DISTINCT person_id FROM memberships ORDER BY 1 LIMIT 30"))
        )
        reviewer = s.scalar(text("SELECT id FROM people WHERE email = 'reviewer@labline.demo'"))
        operator = s.scalar(text("SELECT id FROM people WHERE email = 'operator@labline.demo'"))

        def token(pid: int) -> str:
            return create_token(s, actor=actor_for(s, pid), data=TokenCreate(name="load"))[1]

        tokens = [token(p) for p in people]
        review_token = token(reviewer) if reviewer else tokens[0]
        operator_token = token(operator) if operator else tokens[0]
    engine.dispose()
    return {
        "needs": needs,
        "instruments": instruments,
        "tokens": tokens,
        "review_token": review_token,
        "operator_token": operator_token,
    }


def _request(shape: str, world: dict[str, Any], rng: random.Random) -> tuple[str, str, dict]:
    """(method, path, httpx keyword arguments) of one request of this shape."""
    auth = {"authorization": f"Bearer {rng.choice(world['tokens'])}"}
    if shape == "browse_needs":
        return "GET", f"/api/v1/market/needs?page={rng.randint(1, 5)}", {}
    if shape == "browse_achievements":
        return "GET", f"/api/v1/market/achievements?page={rng.randint(1, 5)}", {}
    if shape == "search":
        return "GET", f"/api/v1/market/needs?q={rng.choice(WORDS)}", {}
    if shape == "need":
        return "GET", f"/api/v1/market/needs/{rng.choice(world['needs'])}", {}
    if shape == "suggestions":
        need = rng.choice(world["needs"])
        return "GET", f"/api/v1/market/needs/{need}/suggestions?k=10", {"headers": auth}
    if shape == "review":
        reviewer = {"authorization": f"Bearer {world['review_token']}"}
        return "GET", "/api/v1/review/assignments/mine", {"headers": reviewer}
    if shape == "export":
        return "GET", "/api/v1/market/needs/export?format=csv", {}
    # A slot in the coming weeks, Monday to Saturday in opening hours (08:00-22:00 China).
    day = datetime.now(UTC).date() + timedelta(days=rng.randint(2, 60))
    if day.isoweekday() == 7:
        day += timedelta(days=1)
    starts = datetime(day.year, day.month, day.day, rng.randint(9, 19), 30 * rng.randint(0, 1))
    ends = starts + timedelta(minutes=30 * rng.randint(1, 4))
    body = {
        "instrument_id": rng.choice(world["instruments"]),
        "starts_at": starts.isoformat() + "+08:00",
        "ends_at": ends.isoformat() + "+08:00",
    }
    return "POST", "/api/v1/facilities/bookings", {"headers": auth, "json": body}


async def _drive(
    port: int, world: dict[str, Any], *, concurrency: int, seconds: float, seed: int
) -> list[tuple[str, str, float]]:
    """`concurrency` clients, each sending its next request as soon as the last is answered.
    A 503 with Retry-After is asked again after that wait (up to RETRIES times): a request's
    time runs from its first try to its last answer, which is the one counted."""
    names = list(SHAPES)
    weights = [SHAPES[n][0] for n in names]
    results: list[tuple[str, str, float]] = []
    retries = [0]
    started = time.monotonic()
    deadline = started + seconds
    limits = httpx.Limits(max_connections=concurrency, keepalive_expiry=10)
    async with httpx.AsyncClient(
        base_url=f"http://127.0.0.1:{port}", limits=limits, timeout=120
    ) as client:

        async def worker(n: int) -> None:
            rng = random.Random(seed * 1000 + n)
            while time.monotonic() < deadline:
                shape = rng.choices(names, weights)[0]
                method, path, kwargs = _request(shape, world, rng)
                t0 = time.monotonic()
                for attempt in range(RETRIES + 1):
                    try:
                        r = await client.request(method, path, **kwargs)
                        status = str(r.status_code)
                    except httpx.HTTPError as exc:  # no answer
                        status = type(exc).__name__
                        break
                    after = r.headers.get("retry-after", "")
                    if status != "503" or not after.isdigit() or attempt == RETRIES:
                        break
                    # A well-behaved client: wait as told (spread out), then ask again.
                    retries[0] += 1
                    await asyncio.sleep(int(after) * rng.uniform(0.5, 1.5))
                results.append((shape, status, time.monotonic() - t0))

        await asyncio.gather(*(worker(n) for n in range(concurrency)))
    # Throughput over the whole time, the answers after the deadline included: at 256 clients
    # an answer can take longer than a short window.
    results.append(("_retried", "", float(retries[0])))
    results.append(("_wall", "", time.monotonic() - started))
    return results


def _pct(values: list[float], p: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(p / 100 * len(ordered)))]


def _failed(status: str) -> bool:
    """A 5xx, or no answer at all."""
    return not status.isdigit() or status.startswith("5")


def summarise(results: list[tuple[str, str, float]]) -> dict[str, Any]:
    seconds = results[-1][2]
    retried = int(results[-2][2])
    results = results[:-2]
    statuses: dict[str, int] = {}
    for _shape, status, _t in results:
        statuses[status] = statuses.get(status, 0) + 1
    times = [t for _s, _c, t in results]
    reads = [r for r in results if not SHAPES[r[0]][1]]
    return {
        "wall_s": round(seconds, 1),
        "requests": len(results),
        "throughput_rps": round(len(results) / seconds, 1),
        "read_throughput_rps": round(len(reads) / seconds, 1),
        "p50_ms": round(_pct(times, 50) * 1000, 1),
        "p95_ms": round(_pct(times, 95) * 1000, 1),
        "p99_ms": round(_pct(times, 99) * 1000, 1),
        "max_ms": round(max(times, default=0) * 1000, 1),
        "statuses": dict(sorted(statuses.items())),
        "busy_retried": retried,
        "errors_5xx": sum(n for s, n in statuses.items() if _failed(s)),
        "over_30s": sum(1 for t in times if t > LIMIT_S),
        "failed_by_shape": dict(
            Counter(f"{shape} {status}" for shape, status, _t in results if _failed(status))
        ),
        "by_shape": {
            shape: {
                "n": len(ts := [t for s, _c, t in results if s == shape]),
                "p50_ms": round(_pct(ts, 50) * 1000, 1),
                "p95_ms": round(_pct(ts, 95) * 1000, 1),
            }
            for shape in SHAPES
        },
    }


def _serve(
    kind: str, url: str, data_dir: Path, port: int, workers: int = 1
) -> subprocess.Popen[bytes]:
    if kind == "labline":
        args = ["-c", "from labline.cli import main; main()", "--data-dir", str(data_dir)]
        # The job worker (index snapshots, encoding) runs apart in production, and its first
        # snapshot build (about 80 s of CPU here) would fall in the measured levels.
        args += ["serve", "--port", str(port), "--workers", str(workers), "--no-worker"]
    else:
        args = ["-m", "benchmarks.load_minimal", url, str(port), str(workers)]
    log = (data_dir / f"{kind}.log").open("ab")
    proc = subprocess.Popen([sys.executable, *args], env=_env(url), stdout=log, stderr=log)
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"{kind} server exited; see {data_dir / f'{kind}.log'}")
        try:
            if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=2).status_code == 200:
                return proc
        except httpx.HTTPError:
            time.sleep(0.3)
    proc.kill()
    raise RuntimeError(f"{kind} server did not start")


def _warm(port: int, world: dict[str, Any], workers: int = 1) -> float:
    """The first suggestions build the live index (encoders loaded), and every shape's first
    answer builds its code paths: done once before measuring, and timed apart. With several
    server processes, as many clients at once as it takes to reach each."""
    t0 = time.perf_counter()

    async def one(n: int) -> None:
        rng = random.Random(n)
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", timeout=600) as client:
            # The operator may see every need's suggestions: the first one builds the live
            # index (otherwise the first permitted suggestion of a measured level would).
            need = world["needs"][0]
            await client.get(
                f"/api/v1/market/needs/{need}/suggestions?k=10",
                headers={"authorization": f"Bearer {world['operator_token']}"},
            )
            for shape in SHAPES:
                for _ in range(2):
                    method, path, kwargs = _request(shape, world, rng)
                    await client.request(method, path, **kwargs)

    async def all_of_them() -> None:
        clients = range(1 if workers == 1 else 3 * workers)
        failed = [r for r in await asyncio.gather(*map(one, clients), return_exceptions=True) if r]
        if failed:
            print(f"warm-up: {len(failed)} client(s) failed: {failed[0]!r}", flush=True)

    asyncio.run(all_of_them())
    return round(time.perf_counter() - t0, 1)


def _cpu_s(pid: int) -> float:
    """CPU seconds (user + system) a process has used so far (Linux)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _tree_cpu_s(pid: int) -> float:
    """CPU seconds of a process and its children (uvicorn's workers, labline's job worker)."""
    total = _cpu_s(pid)
    try:
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    except OSError:
        return total
    return total + sum(_tree_cpu_s(int(c)) for c in children)


def run_database(
    backend: str,
    *,
    levels: list[int],
    seconds: float,
    spin: int,
    workers: int = 1,
    demo_copy: Path | None = None,
) -> list[dict[str, Any]]:
    tmp = Path(tempfile.mkdtemp(prefix="labline-load-"))
    url, pg_name = _fresh_database(backend, tmp)
    runs: list[dict[str, Any]] = []
    try:
        if backend == "sqlite" and demo_copy:  # a demo built before (same size and seed)
            shutil.copytree(demo_copy, tmp, dirs_exist_ok=True)
            built = 0.0
        else:
            built = build_demo(url, tmp)
        world = _world(url)
        for kind in ("labline", "minimal"):
            port = _free_port()
            server = _serve(kind, url, tmp, port, workers)
            spinners = [
                subprocess.Popen([sys.executable, "-c", "while True: pass"]) for _ in range(spin)
            ]
            try:
                warm = _warm(port, world, workers)
                for level in levels:
                    load_before = os.getloadavg()[0]
                    cpu_before = _tree_cpu_s(server.pid)
                    results = asyncio.run(
                        _drive(port, world, concurrency=level, seconds=seconds, seed=level)
                    )
                    row = {
                        "database": backend,
                        "app": kind,
                        "concurrency": level,
                        "seconds": seconds,
                        "warm_up_s": warm,
                        "demo_build_s": round(built, 1),
                        "loadavg_1m": [round(load_before, 2), round(os.getloadavg()[0], 2)],
                        **summarise(results),
                    }
                    row["server_cpu_ms_per_request"] = round(
                        (_tree_cpu_s(server.pid) - cpu_before) * 1000 / max(row["requests"], 1), 1
                    )
                    runs.append(row)
                    print(_line(row), flush=True)
            finally:
                for p in spinners:
                    p.kill()
                server.terminate()
                server.wait(timeout=60)
        log = (tmp / "labline.log").read_text(errors="replace")
        for row in runs:
            if row["app"] == "labline":
                row["server_log"] = {
                    "database_is_locked": log.count("database is locked"),
                    "busy": log.count("busy on "),
                    "unexpected": log.count("unexpected error"),
                }
    finally:
        _drop_database(pg_name)
    return runs


def _line(r: dict[str, Any]) -> str:
    return (
        f"{r['database']:<11}{r['app']:<8}{r['concurrency']:>5}{r['throughput_rps']:>8}"
        f"{r['read_throughput_rps']:>8}{r['p50_ms']:>9}{r['p95_ms']:>9}{r['p99_ms']:>9}"
        f"{r['max_ms']:>9}{r['errors_5xx']:>6}{r['over_30s']:>6}{r['busy_retried']:>7}"
        f"{r['server_cpu_ms_per_request']:>7}  {r['statuses']} load {r['loadavg_1m']}"
    )


def ratios(runs: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """labline's read throughput over the minimal app's, per database and level."""
    out = []
    for r in runs:
        if r["app"] != "labline":
            continue
        twin = next(
            m
            for m in runs
            if m["app"] == "minimal"
            and (m["database"], m["concurrency"]) == (r["database"], r["concurrency"])
        )
        out.append(
            {
                "database": r["database"],
                "concurrency": r["concurrency"],
                "minimal_over_labline_reads": round(
                    twin["read_throughput_rps"] / max(r["read_throughput_rps"], 0.1), 2
                ),
            }
        )
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--json", type=Path)
    ap.add_argument("--quick", action="store_true", help="10 s per level")
    ap.add_argument("--databases", default="sqlite,postgresql")
    ap.add_argument("--levels", default="16,64,256")
    ap.add_argument("--seconds", type=float, default=20)
    ap.add_argument("--spin", type=int, default=1, help="busy loops beside the server")
    ap.add_argument("--workers", type=int, default=1, help="server processes (both apps)")
    ap.add_argument("--sqlite-demo", type=Path, help="copy this data dir (small demo, seed 42)")
    args = ap.parse_args()
    seconds = 10.0 if args.quick else args.seconds
    levels = [int(x) for x in args.levels.split(",")]
    print(
        f"{'database':<11}{'app':<8}{'conc':>5}{'req/s':>8}{'read/s':>8}{'p50 ms':>9}"
        f"{'p95 ms':>9}{'p99 ms':>9}{'max ms':>9}{'5xx':>6}{'>30s':>6}{'retry':>7}{'cpu ms':>7}"
        "  statuses"
    )
    started = datetime.now(UTC)
    runs = []
    for db in args.databases.split(","):
        runs += run_database(
            db,
            levels=levels,
            seconds=seconds,
            spin=args.spin,
            workers=args.workers,
            demo_copy=args.sqlite_demo,
        )
    report = {
        "machine": f"{platform.machine()} {os.cpu_count()} cores",
        "started": started.isoformat(timespec="seconds"),
        "finished": datetime.now(UTC).isoformat(timespec="seconds"),
        "spinning_loops": args.spin,
        "server_processes": args.workers,
        "seconds_per_level": seconds,
        "targets": {
            "errors_5xx": 0,
            "over_30s": 0,
            "minimal_over_labline_reads_at_most": 3.0,
        },
        "ratios": ratios(runs),
        "runs": runs,
    }
    for r in report["ratios"]:
        print(
            f"{r['database']:<11} c={r['concurrency']:<4} minimal/labline reads "
            f"{r['minimal_over_labline_reads']}"
        )
    if args.json:
        args.json.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()
