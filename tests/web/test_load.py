"""Under load: reads never queue for SQLite's write lock, a locked database answers 503 busy
with Retry-After (never 500), one connection per request, and a real server holds a burst."""

from __future__ import annotations

import sqlite3
import threading
import time
from collections import Counter

import pytest
from benchmarks import booking_stress
from fastapi.testclient import TestClient
from sqlalchemy import event, text

from labline import db as dbmod
from labline.app import create_app
from labline.config import Settings


def _sqlite_path(database_url: str) -> str:
    if not database_url.startswith("sqlite"):
        pytest.skip("SQLite's write lock")
    return database_url.split("///", 1)[1]


def _app(database_url: str, tmp_path, **settings):
    return create_app(
        Settings(database_url=database_url, data_dir=tmp_path, env="test", **settings)
    )


def _hold_write_lock(path: str) -> sqlite3.Connection:
    """Another connection (another process, say) in the middle of a write transaction."""
    other = sqlite3.connect(path, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    return other


def test_a_read_proceeds_while_another_connection_holds_the_write_lock(
    engine, database_url, tmp_path, monkeypatch
):
    # Any wait for the lock would now end in "busy" within half a second.
    monkeypatch.setattr(dbmod, "LOCK_WAIT_S", 0.5)
    other = _hold_write_lock(_sqlite_path(database_url))
    try:
        client = TestClient(_app(database_url, tmp_path))
        t0 = time.monotonic()
        r = client.get("/api/v1/market/needs")
        pages = client.get("/market", headers={"accept": "text/html"})
        # It did not wait for the writer (which used to end in a 500 after 30 s).
        assert time.monotonic() - t0 < 25
        assert r.status_code == 200, r.text
        assert pages.status_code == 200
    finally:
        other.rollback()
        other.close()


def test_database_is_locked_answers_503_busy_with_retry_after(
    engine, database_url, tmp_path, monkeypatch
):
    monkeypatch.setattr(dbmod, "LOCK_WAIT_S", 0.5)  # SQLite's busy timeout, read at connect
    other = _hold_write_lock(_sqlite_path(database_url))
    try:
        client = TestClient(_app(database_url, tmp_path))
        # A write (any unsafe method with a token begins a write transaction first).
        r = client.post(
            "/api/v1/facilities/bookings",
            json={"instrument_id": 1, "starts_at": "x", "ends_at": "y"},
            headers={"authorization": "Bearer llt_whoever"},
        )
    finally:
        other.rollback()
        other.close()
    assert r.status_code == 503, r.text
    assert r.headers["retry-after"] == "1"
    assert r.json()["error"]["code"] == "busy"


@pytest.fixture()
def fresh_sqlite(engine, database_url, tmp_path) -> str:
    """A migrated, empty SQLite database of this test's own (a copy of the session's)."""
    target = tmp_path / "fresh.db"
    source = sqlite3.connect(_sqlite_path(database_url))
    copy = sqlite3.connect(target)
    source.backup(copy)
    source.close()
    copy.close()
    return f"sqlite:///{target}"


def test_one_connection_per_request_even_with_a_token(fresh_sqlite, tmp_path):
    """With a pool of one connection, 16 concurrent requests that resolve a token (and
    stamp its last use, a write apart from the read) or write all succeed: no request ever
    needs a second connection while it holds one, none waits for a connection."""
    from labline.db import make_engine, make_sessionmaker, transaction
    from tests.factories import bearer, make_person

    engine = make_engine(fresh_sqlite)
    with transaction(make_sessionmaker(engine)) as s:
        headers = [bearer(s, make_person(s)) for _ in range(4)]
    engine.dispose()
    client = TestClient(_app(fresh_sqlite, tmp_path, db_pool_size=1))
    client.__enter__()  # one event loop for every request, as in a server
    pool = client.app.state.sessionmaker.kw["bind"].pool  # type: ignore[attr-defined]
    assert pool.size() == 1
    out, most = [0], [0]

    @event.listens_for(pool, "checkout")
    def _out(*_a):
        out[0] += 1
        most[0] = max(most[0], out[0])

    @event.listens_for(pool, "checkin")
    def _in(*_a):
        out[0] -= 1

    statuses: Counter[int] = Counter()

    def hit(i: int) -> None:
        h = headers[i % 4]
        if i % 2:
            r = client.get("/api/v1/market/needs", headers=h)
        else:
            r = client.post("/api/v1/tokens", json={"name": f"t{i}"}, headers=h)
        statuses[r.status_code] += 1

    threads = [threading.Thread(target=hit, args=(i,)) for i in range(16)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    client.__exit__(None, None, None)
    assert statuses == {200: 8, 201: 8}
    assert most[0] == 1 and out[0] == 0  # never two connections at once


@pytest.mark.parametrize("database", ["sqlite", "postgresql"])
def test_a_real_server_holds_a_burst(database):
    """50 simultaneous reads and 50 simultaneous bookings of one slot against `labline serve`:
    no 5xx, no stall, exactly one booking accepted."""
    from tests.conftest import IN_CI, _pg_available

    if database == "postgresql" and (why := _pg_available()) is not None:
        if IN_CI:
            pytest.fail(f"CI must exercise PostgreSQL: {why}")
        pytest.skip(f"PostgreSQL not reachable: {why}")
    report = booking_stress.burst(database, n=50)
    for name in ("reads", "bookings"):
        statuses = report[name]["statuses"]
        assert not [s for s in statuses if not s.isdigit() or s.startswith("5")], report
        assert report[name]["slowest_s"] < 30, report
    assert report["reads"]["statuses"] == {"200": 50}
    assert report["bookings"]["statuses"].get("201") == 1, report
    assert report["bookings"]["statuses"].get("409") == 49, report


def test_a_read_gives_the_token_stamp_up_rather_than_wait_for_the_write_lock(
    fresh_sqlite, tmp_path
):
    """The "last used" stamp of a read is advisory: with the write lock held by another unit
    of work of the same server, the read answers at once and leaves the stamp for later."""
    from labline.db import make_engine, make_sessionmaker, transaction
    from tests.core.test_token_stamp import stamp
    from tests.factories import bearer, make_person

    engine = make_engine(fresh_sqlite)
    with transaction(make_sessionmaker(engine)) as s:
        person = make_person(s)
        h = bearer(s, person)
        person_id = person.id
    client = TestClient(_app(fresh_sqlite, tmp_path))
    with client:
        # Another unit of work of the same server holds SQLite's write lock.
        with transaction(client.app.state.sessionmaker) as writer:
            writer.execute(text("SELECT 1"))
            t0 = time.monotonic()
            r = client.get("/api/v1/me", headers=h)
            waited = time.monotonic() - t0
        assert r.status_code == 200, r.text
        assert waited < 3  # not the write lock's 10 s wait
        with make_sessionmaker(engine)() as s:
            assert stamp(s, person_id) is None  # given up, not queued
        assert client.get("/api/v1/me", headers=h).status_code == 200
        with make_sessionmaker(engine)() as s:
            assert stamp(s, person_id) is not None  # the next read stamps it
    engine.dispose()


def test_a_burst_of_home_pages_notes_the_visit_without_a_busy_answer(fresh_sqlite, tmp_path):
    """The home page notes the visit (a write) from a request that reads: 24 at once by one
    person all answer 200 (a read transaction upgraded to write failed with "database is
    locked" once another request had written: 503 busy for most of a burst), and the visit
    is noted."""
    from labline.core.models import Visit
    from labline.db import make_engine, make_sessionmaker, transaction
    from tests.factories import bearer, make_person

    engine = make_engine(fresh_sqlite)
    with transaction(make_sessionmaker(engine)) as s:
        person = make_person(s)
        h = bearer(s, person)
        person_id = person.id
    client = TestClient(_app(fresh_sqlite, tmp_path))
    statuses: Counter[int] = Counter()
    with client:  # one event loop for every request, as in a server
        gate = threading.Barrier(24)

        def hit() -> None:
            gate.wait()
            statuses[client.get("/", headers=h).status_code] += 1

        threads = [threading.Thread(target=hit) for _ in range(24)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    assert statuses == {200: 24}
    with make_sessionmaker(engine)() as s:
        assert s.get(Visit, (person_id, "home")) is not None
    engine.dispose()


def test_a_burst_of_searches_at_a_freshly_started_server_is_answered(fresh_sqlite, tmp_path):
    """50 searches of the one search box at once, as soon as an app has started: all answer
    200, and none opens an index (the warm-up opened them). The first request to open an
    index held its slot for seconds, and the queue behind it was refused: 92 of 100 searches
    answered 503 busy on a fresh demo server."""
    from labline.core.indexes import service as indexes
    from labline.db import make_engine, make_sessionmaker
    from tests.core.indexes.test_warm import QUERY, served_app, snapshotted_world

    engine = make_engine(fresh_sqlite)
    with make_sessionmaker(engine)() as s:
        snapshotted_world(s, tmp_path)
    engine.dispose()
    statuses: list[int] = []
    with TestClient(served_app(tmp_path, fresh_sqlite)) as client:  # one event loop, as a server
        state = client.app.state  # type: ignore[attr-defined]
        opened = dict(state.indexes)
        gate = threading.Barrier(50)

        def hit() -> None:
            gate.wait()
            statuses.append(client.get("/search", params={"q": QUERY}).status_code)

        threads = [threading.Thread(target=hit) for _ in range(50)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert set(opened) == set(indexes.SPECS)
        assert all(state.indexes[name] is live for name, live in opened.items())
    assert Counter(statuses) == {200: 50}
