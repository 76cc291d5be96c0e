"""Test fixtures: every database test runs on SQLite and on PostgreSQL, each case inside an
outer transaction that is rolled back (join_transaction_mode="create_savepoint")."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import time_machine
from fastapi.testclient import TestClient
from sqlalchemy import Connection, Engine, create_engine, text
from sqlalchemy.orm import Session, sessionmaker

from labline import registry
from labline.app import create_app
from labline.config import Settings
from labline.core import database
from labline.db import make_engine
from tests.clock import NOW

_TRAVEL = time_machine.travel(NOW, tick=True)
# One audit key for the whole run (settings made in tests read it from the environment).
os.environ.setdefault("LABLINE_AUDIT_KEY", "labline-test-audit-key-0123456789abcdef")
# Background jobs run in the calling process (no worker in the tests).
os.environ.setdefault("LABLINE_JOBS", "inline")


def pytest_configure(config: pytest.Config) -> None:
    # Every test sees the same "now" (tests/clock.py) whatever the calendar says.
    _TRAVEL.start()
    config.stash[_CLOCK_KEY] = NOW


def pytest_unconfigure(config: pytest.Config) -> None:
    _TRAVEL.stop()


def pytest_report_header(config: pytest.Config) -> str:
    return f"clock: tests run at {NOW.isoformat()} (tests/clock.py, LABLINE_TEST_NOW)"


_CLOCK_KEY = pytest.StashKey[object]()

PG_ADMIN_URL = os.environ.get(
    "LABLINE_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)
IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")


def _pg_available() -> str | None:
    try:
        eng = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
        with eng.connect() as conn:
            conn.execute(text("SELECT 1"))
        eng.dispose()
        return None
    except Exception as exc:  # any connection failure means: no PostgreSQL here
        return str(exc).splitlines()[0]


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """A fresh database per test session, dropped at the end."""
    why = _pg_available()
    if why is not None:
        if IN_CI:
            pytest.fail(f"CI must exercise PostgreSQL, but it is not reachable: {why}")
        pytest.skip(f"PostgreSQL not reachable at {PG_ADMIN_URL}: {why} (PostgreSQL tests skipped)")
    name = f"labline_t_{os.getpid()}_{uuid.uuid4().hex[:6]}"
    admin = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    base = PG_ADMIN_URL.rsplit("/", 1)[0]
    yield f"{base}/{name}"
    with admin.connect() as conn:
        conn.execute(
            text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = :n"),
            {"n": name},
        )
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
    admin.dispose()


@pytest.fixture(scope="session", params=["sqlite", "postgresql"])
def backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture(scope="session")
def database_url(
    backend: str, tmp_path_factory: pytest.TempPathFactory, request: pytest.FixtureRequest
) -> str:
    if backend == "postgresql":
        return str(request.getfixturevalue("postgres_url"))
    return f"sqlite:///{tmp_path_factory.mktemp('db') / 'labline.db'}"


@pytest.fixture(scope="session")
def engine(database_url: str) -> Iterator[Engine]:
    eng = make_engine(database_url)
    database.upgrade(eng)  # the migrations build the schema, as in production
    yield eng
    eng.dispose()


@pytest.fixture()
def connection(engine: Engine) -> Iterator[Connection]:
    conn = engine.connect()
    outer = conn.begin()
    yield conn
    outer.rollback()
    conn.close()


@pytest.fixture()
def session_factory(connection: Connection) -> sessionmaker[Session]:
    return sessionmaker(
        bind=connection, join_transaction_mode="create_savepoint", expire_on_commit=False
    )


@pytest.fixture()
def db(session_factory: sessionmaker[Session]) -> Iterator[Session]:
    session = session_factory()
    yield session
    session.close()


@pytest.fixture()
def settings(tmp_path: Path, database_url: str) -> Settings:
    return Settings(env="test", data_dir=tmp_path, database_url=database_url)


_APPS: dict[str, Any] = {}


@pytest.fixture()
def app(settings: Settings, session_factory: sessionmaker[Session]):  # type: ignore[no-untyped-def]
    """One app per database for the whole session, pointed at each test's settings and
    rolled-back connection. FastAPI prepares each route on its first request to an app
    (~1 s for all of them), which a fresh app per test would pay hundreds of times over."""
    app = _APPS.get(settings.database_url or "")
    if app is None:
        app = _APPS[settings.database_url or ""] = create_app(
            settings, session_factory=session_factory
        )
    # What a previous test left on the app (e.g. its search index) goes; each test starts
    # from its own settings and rolled-back connection.
    app.state._state.clear()
    app.state.settings = settings
    app.state.sessionmaker = session_factory
    app.state.live_figures = registry.live_figure_providers()  # as create_app sets it
    app.state.work = registry.work_providers()
    app.state.panels = registry.panels()
    app.state.searchables = registry.searchables()
    return app


@pytest.fixture()
def client(app) -> Iterator[TestClient]:  # type: ignore[no-untyped-def]
    with TestClient(app, raise_server_exceptions=False) as c:
        yield c
