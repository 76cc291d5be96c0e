"""Stress test: many concurrent booking requests against a running labline server, on
SQLite and on PostgreSQL; then prove that no two accepted bookings overlap and that no
accepted booking was lost.

Each database gets a fresh schema, a facility with a few instruments and users with API
tokens; a server (uvicorn, several worker processes) is started; an asyncio client fires
requests for random, heavily colliding slots. Afterwards the database is read directly.

Usage: python benchmarks/booking_stress.py [--requests N] [--concurrency C]
       [--databases sqlite,postgresql] [--json FILE]
       python benchmarks/booking_stress.py --burst N   (N reads, then N bookings of one
       slot, each set fired at the same instant: the burst of issue 14)
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import random
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import create_engine, select, text

from labline.core import database
from labline.core.models import Organisation, Person
from labline.core.schemas import TokenCreate
from labline.core.service.auth import actor_for, create_token
from labline.db import make_engine, make_sessionmaker, transaction
from labline.facilities.models import HOLDING, Booking, Facility, Instrument

PG_ADMIN = os.environ.get(
    "LABLINE_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def seed(url: str, *, instruments: int, users: int) -> tuple[list[int], list[str]]:
    engine = make_engine(url)
    database.upgrade(engine)
    factory = make_sessionmaker(engine)
    with transaction(factory) as s:
        operator = Organisation(
            name_zh="压测平台", name_en="Stress Facility Operator", kind="facility_operator"
        )
        customer = Organisation(name_zh="压测企业", name_en="Stress Customer", kind="enterprise")
        s.add_all([operator, customer])
        s.flush()
        facility = Facility(
            operator_id=operator.id,
            code=f"STRESS{uuid.uuid4().hex[:6]}",
            name_zh="压测",
            name_en="Stress",
        )
        s.add(facility)
        s.flush()
        ids = []
        for n in range(instruments):
            inst = Instrument(
                facility_id=facility.id,
                code=f"{facility.code}-{n}",
                name_zh=f"仪器{n}",
                name_en=f"Instrument {n}",
                opens_minute=0,
                closes_minute=1440,
                open_weekdays="1234567",
                min_minutes=30,
                max_minutes=240,
                setup_minutes=15,
                cleanup_minutes=15,
            )
            s.add(inst)
            s.flush()
            ids.append(inst.id)
        secrets = []
        for n in range(users):
            person = Person(
                email=f"stress{n}-{uuid.uuid4().hex[:6]}@example.cn",
                display_name=f"压测{n}",
                password_hash=None,
            )
            s.add(person)
            s.flush()
            _t, secret = create_token(
                s, actor=actor_for(s, person.id), data=TokenCreate(name="stress")
            )
            secrets.append(secret)
    engine.dispose()
    return ids, secrets


def start_server(url: str, data_dir: Path, port: int, workers: int) -> subprocess.Popen[bytes]:
    env = {**os.environ, "LABLINE_DATABASE_URL": url, "LABLINE_ENV": "development"}
    cmd = [
        sys.executable,
        "-c",
        "from labline.cli import main; main()",
        "--data-dir",
        str(data_dir),
        "serve",
        "--port",
        str(port),
        "--workers",
        str(workers),
    ]
    log = (data_dir / "server.log").open("wb")
    proc = subprocess.Popen(cmd, env=env, stdout=log, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 300  # slow on a busy 2-core machine
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            tail = (data_dir / "server.log").read_text(errors="replace")[-2000:]
            raise RuntimeError(f"server exited: {tail}")
        try:
            if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1).status_code == 200:
                return proc
        except httpx.HTTPError:
            time.sleep(0.2)
    proc.kill()
    raise RuntimeError("server did not start within 300 s")


async def fire(
    port: int,
    instruments: list[int],
    secrets: list[str],
    *,
    requests: int,
    concurrency: int,
    seed_value: int,
) -> list[dict[str, Any]]:
    rng = random.Random(seed_value)
    base = (_server_now(port) + timedelta(days=2)).replace(minute=0, second=0, microsecond=0)
    # Few slots per instrument, so that most requests collide with another.
    jobs = []
    for _ in range(requests):
        start = base + timedelta(minutes=30 * rng.randrange(0, 96))
        jobs.append(
            {
                "instrument_id": rng.choice(instruments),
                "starts_at": start.isoformat(),
                "ends_at": (start + timedelta(minutes=30 * rng.randint(1, 4))).isoformat(),
                "token": rng.choice(secrets),
            }
        )
    results: list[dict[str, Any]] = []
    queue: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
    for job in jobs:
        queue.put_nowait(job)
    # Idle connections are dropped before uvicorn's 5 s keep-alive ends, so the client never
    # sends on a connection the server is closing.
    limits = httpx.Limits(max_connections=concurrency, keepalive_expiry=2)
    async with httpx.AsyncClient(
        base_url=f"http://127.0.0.1:{port}", limits=limits, timeout=120
    ) as client:

        async def worker() -> None:
            while not queue.empty():
                job = queue.get_nowait()
                body = {k: v for k, v in job.items() if k != "token"}
                r = await client.post(
                    "/api/v1/facilities/bookings",
                    json=body,
                    headers={"authorization": f"Bearer {job['token']}"},
                )
                results.append({"status": r.status_code, "body": r.json(), **body})

        await asyncio.gather(*(worker() for _ in range(concurrency)))
    return results


def verify(url: str, instruments: list[int], results: list[dict[str, Any]]) -> dict[str, int]:
    engine = make_engine(url)
    with engine.connect() as conn:
        rows = conn.execute(
            select(
                Booking.id,
                Booking.instrument_id,
                Booking.block_start,
                Booking.block_end,
                Booking.starts_at,
            )
            .where(Booking.instrument_id.in_(instruments), Booking.status.in_(HOLDING))
            .order_by(Booking.instrument_id, Booking.block_start)
        ).all()
    engine.dispose()
    overlaps = 0
    last: dict[int, Any] = {}
    for _id, inst, start, end, _s in rows:
        if inst in last and start < last[inst]:
            overlaps += 1
        last[inst] = max(end, last.get(inst, end))
    stored = {r[0]: r for r in rows}
    accepted = [r for r in results if r["status"] == 201]
    lost = sum(
        1
        for r in accepted
        if r["body"]["id"] not in stored
        or stored[r["body"]["id"]][4].replace(tzinfo=UTC)
        != datetime.fromisoformat(r["starts_at"]).astimezone(UTC)
    )
    phantom = len(set(stored) - {r["body"]["id"] for r in accepted})
    return {
        "overlaps": overlaps,
        "lost_writes": lost,
        "phantom_bookings": phantom,
        "stored": len(rows),
    }


def _fresh_database(backend: str, tmp: Path) -> tuple[str, str | None]:
    if backend == "sqlite":
        return f"sqlite:///{tmp / 'labline.db'}", None
    pg_name = f"labline_stress_{uuid.uuid4().hex[:8]}"
    admin = create_engine(PG_ADMIN, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{pg_name}"'))
    admin.dispose()
    return PG_ADMIN.rsplit("/", 1)[0] + f"/{pg_name}", pg_name


def _drop_database(pg_name: str | None) -> None:
    if not pg_name:
        return
    admin = create_engine(PG_ADMIN, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(
            text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = :n"),
            {"n": pg_name},
        )
        conn.execute(text(f'DROP DATABASE IF EXISTS "{pg_name}"'))
    admin.dispose()


def _server_now(port: int) -> datetime:
    """The server's clock (a test may have frozen this process's)."""
    r = httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=30)
    return parsedate_to_datetime(r.headers["date"])


def _simultaneous(requests: list[httpx.Request]) -> dict[str, Any]:
    """Send every request at the same instant, each on its own connection."""
    gate = threading.Barrier(len(requests))
    results: list[tuple[str, float]] = [("none", 0.0)] * len(requests)

    def one(i: int) -> None:
        with httpx.Client(timeout=120) as client:
            gate.wait()
            t0 = time.monotonic()
            try:
                status = str(client.send(requests[i]).status_code)
            except httpx.HTTPError as exc:  # no answer at all
                status = type(exc).__name__
            results[i] = (status, time.monotonic() - t0)

    threads = [threading.Thread(target=one, args=(i,)) for i in range(len(requests))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    statuses: dict[str, int] = {}
    for status, _s in results:
        statuses[status] = statuses.get(status, 0) + 1
    return {"statuses": statuses, "slowest_s": round(max(s for _c, s in results), 2)}


def burst(backend: str, *, n: int = 50, users: int = 10, workers: int = 1) -> dict[str, Any]:
    """N simultaneous anonymous reads of the market, then N simultaneous bookings of one
    slot by different people, against a fresh `labline serve`."""
    tmp = Path(tempfile.mkdtemp(prefix="labline-burst-"))
    url, pg_name = _fresh_database(backend, tmp)
    try:
        ids, secrets = seed(url, instruments=1, users=users)
        port = _free_port()
        server = start_server(url, tmp, port, workers)
        try:
            base = f"http://127.0.0.1:{port}"
            reads = _simultaneous(
                [httpx.Request("GET", f"{base}/api/v1/market/needs") for _ in range(n)]
            )
            start = (_server_now(port) + timedelta(days=2)).replace(
                minute=0, second=0, microsecond=0
            )
            body = {
                "instrument_id": ids[0],
                "starts_at": start.isoformat(),
                "ends_at": (start + timedelta(hours=1)).isoformat(),
            }
            bookings = _simultaneous(
                [
                    httpx.Request(
                        "POST",
                        f"{base}/api/v1/facilities/bookings",
                        json=body,
                        headers={"authorization": f"Bearer {secrets[i % len(secrets)]}"},
                    )
                    for i in range(n)
                ]
            )
        finally:
            server.terminate()
            server.wait(timeout=30)
        log = (tmp / "server.log").read_text(errors="replace")
    finally:
        _drop_database(pg_name)
    return {
        "database": backend,
        "n": n,
        "reads": reads,
        "bookings": bookings,
        "log_database_locked": log.count("database is locked"),
        "log_unexpected": log.count("unexpected error"),
    }


def run(
    backend: str,
    *,
    requests: int,
    concurrency: int,
    workers: int,
    instruments: int,
    users: int,
    seed_value: int,
) -> dict[str, Any]:
    tmp = Path(tempfile.mkdtemp(prefix="labline-stress-"))
    url, pg_name = _fresh_database(backend, tmp)
    try:
        ids, secrets = seed(url, instruments=instruments, users=users)
        port = _free_port()
        server = start_server(url, tmp, port, workers)
        try:
            t0 = time.perf_counter()
            # A thread of its own: the caller's thread may already run an event loop
            # (Playwright's sync API does, in the test session).
            with ThreadPoolExecutor(1) as pool:
                results = pool.submit(
                    asyncio.run,
                    fire(
                        port,
                        ids,
                        secrets,
                        requests=requests,
                        concurrency=concurrency,
                        seed_value=seed_value,
                    ),
                ).result()
            seconds = time.perf_counter() - t0
        finally:
            server.terminate()
            server.wait(timeout=30)
        checks = verify(url, ids, results)
    finally:
        _drop_database(pg_name)
    statuses: dict[str, int] = {}
    for r in results:
        statuses[str(r["status"])] = statuses.get(str(r["status"]), 0) + 1
    accepted = statuses.get("201", 0)
    named = sum(
        1
        for r in results
        if r["status"] == 409
        and isinstance(r["body"].get("error", {}).get("conflicting_booking_id"), int)
    )
    return {
        "database": backend,
        "requests": len(results),
        "concurrency": concurrency,
        "server_workers": workers,
        "accepted": accepted,
        "conflicts": statuses.get("409", 0),
        "conflicts_naming_the_booking": named,
        "errors": sum(n for s, n in statuses.items() if s not in ("201", "409")),
        "statuses": statuses,
        "error_samples": [r["body"] for r in results if r["status"] not in (201, 409)][:3],
        "seconds": round(seconds, 2),
        "requests_per_second": round(len(results) / seconds, 1),
        "accepted_bookings_per_second": round(accepted / seconds, 1),
        **checks,
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--requests", type=int, default=3000)
    ap.add_argument("--concurrency", type=int, default=64)
    ap.add_argument("--workers", type=int, default=2, help="server worker processes")
    ap.add_argument("--instruments", type=int, default=4)
    ap.add_argument("--users", type=int, default=20)
    ap.add_argument("--databases", default="sqlite,postgresql")
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--json", type=Path)
    ap.add_argument("--burst", type=int, help="N simultaneous reads, then N bookings")
    args = ap.parse_args()
    if args.burst:
        for db in args.databases.split(","):
            print(json.dumps(burst(db, n=args.burst, workers=args.workers)))
        return
    runs = [
        run(
            db,
            requests=args.requests,
            concurrency=args.concurrency,
            workers=args.workers,
            instruments=args.instruments,
            users=args.users,
            seed_value=args.seed,
        )
        for db in args.databases.split(",")
    ]
    print(
        f"{'database':<11}{'requests':>9}{'accepted':>9}{'conflicts':>10}{'errors':>7}"
        f"{'acc/s':>8}{'req/s':>8}{'overlaps':>9}{'lost':>6}"
    )
    for r in runs:
        print(
            f"{r['database']:<11}{r['requests']:>9}{r['accepted']:>9}{r['conflicts']:>10}"
            f"{r['errors']:>7}{r['accepted_bookings_per_second']:>8}"
            f"{r['requests_per_second']:>8}{r['overlaps']:>9}{r['lost_writes']:>6}"
        )
    if args.json:
        args.json.write_text(
            json.dumps(
                {
                    "machine": f"{platform.machine()} {os.cpu_count()} cores",
                    "date": datetime.now(UTC).date().isoformat(),
                    "runs": runs,
                },
                indent=2,
            )
            + "\n"
        )


if __name__ == "__main__":
    main()
