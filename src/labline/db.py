"""Database: declarative base, engines for SQLite (WAL) and PostgreSQL, sessions.

Services never commit; the request, command or job that opened the session does.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, DateTime, Engine, MetaData, create_engine, event
from sqlalchemy.exc import IntegrityError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column, sessionmaker

from labline import clock
from labline.errors import LablineError

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utcnow() -> datetime:
    return clock.now()


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)

    # Tables whose changes are not audited (the audit trail itself, sessions, throttling).
    __audited__: bool = True


class Timestamped:
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), default=utcnow, onupdate=utcnow
    )


def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
    cur = dbapi_conn.cursor()
    # Writers of this process queue on the write gate; the busy timeout only covers other
    # processes (a command beside the server, several server workers).
    cur.execute(f"PRAGMA busy_timeout={int(LOCK_WAIT_S * 1000)}")
    # WAL lets readers run beside the single writer. Switching needs the database to itself:
    # only ask when it is not WAL yet, so that a new connection does not wait for a writer.
    if cur.execute("PRAGMA journal_mode").fetchone()[0].lower() != "wal":
        cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA foreign_keys=ON")  # off by default in SQLite
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.close()


# How long a unit of work waits for the database (a pooled connection, SQLite's write lock)
# before the caller is told "busy, try again" (503 with Retry-After on the web).
LOCK_WAIT_S = 10.0
WRITE = "labline_write"  # connection execution option: this transaction will write
NOWAIT = "labline_nowait"  # ... and gives up at once (busy) when another writer holds the lock


class DatabaseBusy(LablineError):
    status = 503
    code = "busy"


def busy(what: str) -> DatabaseBusy:
    return DatabaseBusy(f"labline is busy ({what}); try again in a moment.", retry_after_s=1)


def is_busy(exc: BaseException) -> bool:
    """A refusal that means "try again": lock, pool or a transient server state."""
    if isinstance(exc, (DatabaseBusy, PoolTimeout)):
        return True
    orig = getattr(exc, "orig", None) or exc
    if getattr(orig, "sqlstate", None) in RETRYABLE_SQLSTATES:
        return True
    name = str(getattr(orig, "sqlite_errorname", ""))
    return name.startswith(("SQLITE_BUSY", "SQLITE_LOCKED")) or "database is locked" in str(orig)


# PostgreSQL's answers that mean "try the same request again": deadlock detected,
# serialization failure, too many connections, the server starting up or shutting down.
RETRYABLE_SQLSTATES = {"40P01", "40001", "53300", "57P01", "57P03"}
_DML = ("INSERT", "UPDATE", "DELETE", "REPLAC")


class _WriteGate:
    """SQLite allows one writer: this process's writers wait their turn here, woken as soon
    as the lock is free, instead of polling in SQLite's busy handler (unfair under load,
    and it ended in "database is locked"). Held from BEGIN IMMEDIATE (or the first write of
    a deferred transaction) to COMMIT or ROLLBACK; the flag lives in the pooled
    connection's info, so a connection never waits for itself."""

    def __init__(self) -> None:
        self._lock = threading.Lock()

    def enter(self, info: dict[Any, Any], *, wait: bool = True) -> None:
        if info.get("write_gate"):
            return
        if not self._lock.acquire(timeout=LOCK_WAIT_S if wait else 0):
            raise busy("waiting for the write lock")
        info["write_gate"] = True

    def leave(self, info: dict[Any, Any]) -> None:
        if info.pop("write_gate", False):
            self._lock.release()


def _sqlite_transactions(engine: Engine) -> None:
    """Reads begin DEFERRED (WAL: they never wait for a writer, nor block one); a unit of
    work that will write begins IMMEDIATE, so a read-then-write cannot fail on upgrade."""
    gate = _WriteGate()

    @event.listens_for(engine, "connect")
    def _manual(dbapi_conn: Any, _record: Any) -> None:
        # pysqlite's own transaction handling is disabled so that BEGIN is ours.
        dbapi_conn.isolation_level = None

    @event.listens_for(engine, "begin")
    def _begin(conn: Connection) -> None:
        if not conn.get_execution_options().get(WRITE):
            conn.exec_driver_sql("BEGIN")
            return
        nowait = conn.get_execution_options().get(NOWAIT, False)
        gate.enter(conn.info, wait=not nowait)
        try:
            conn.exec_driver_sql("BEGIN IMMEDIATE")
        except BaseException:
            gate.leave(conn.info)
            raise

    @event.listens_for(engine, "before_cursor_execute")
    def _first_write(conn: Connection, _c: Any, statement: str, *_a: Any) -> None:
        # A deferred transaction that writes after all joins the queue of writers.
        if conn.in_transaction() and statement.lstrip()[:6].upper() in _DML:
            gate.enter(conn.info)

    # End the transaction here, then let the next writer in (SQLAlchemy's own commit or
    # rollback afterwards finds no transaction open and does nothing).
    @event.listens_for(engine, "commit")
    def _commit(conn: Connection) -> None:
        conn.connection.dbapi_connection.commit()  # type: ignore[union-attr]
        gate.leave(conn.info)

    @event.listens_for(engine, "rollback")
    def _rollback(conn: Connection) -> None:
        try:
            conn.connection.dbapi_connection.rollback()  # type: ignore[union-attr]
        finally:
            gate.leave(conn.info)

    @event.listens_for(engine.pool, "reset")
    def _reset(_dbapi_conn: Any, record: Any, _state: Any) -> None:
        gate.leave(record.info)

    @event.listens_for(engine.pool, "close")
    def _close(_dbapi_conn: Any, record: Any) -> None:
        gate.leave(record.info)


def make_engine(url: str, *, echo: bool = False, pool_size: int = 20) -> Engine:
    """An engine whose pool holds `pool_size` connections (the web app admits as many
    requests at once, one connection each; see labline.web.deps) plus room for commands."""
    pool = {"pool_size": pool_size, "max_overflow": pool_size // 2 + 2, "pool_timeout": LOCK_WAIT_S}
    if url.startswith("sqlite"):
        path = url.split("///", 1)[1] if "///" in url else ""
        if path and ":memory:" not in path:
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        else:
            pool = {}  # in memory: SQLAlchemy's single-connection pool
        engine = create_engine(
            url,
            echo=echo,
            connect_args={"check_same_thread": False, "timeout": LOCK_WAIT_S},
            **pool,
        )
        event.listen(engine, "connect", _sqlite_pragmas)
        _sqlite_transactions(engine)
        return engine
    return create_engine(url, echo=echo, pool_pre_ping=True, **pool)


def make_sessionmaker(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(bind=engine, expire_on_commit=False, autoflush=True)


def set_writing(session: Session, writing: bool = True) -> None:
    """Declare whether the session's next transaction writes (SQLite: BEGIN IMMEDIATE)."""
    session.execution_options = session.execution_options.union({WRITE: writing})


def is_writing(session: Session) -> bool:
    return bool(session.execution_options.get(WRITE))


@contextmanager
def unit_of_work(
    factory: sessionmaker[Session], *, write: bool, info: dict[str, Any] | None = None
) -> Iterator[Session]:
    """The one transaction scope (requests, commands, jobs): commit on success, roll back on
    any error. `write=False` for work that only reads: on SQLite it takes no write lock, so
    readers never queue behind writers."""
    session = factory()
    set_writing(session, write)
    session.info.update(info or {})
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


def transaction(factory: sessionmaker[Session]) -> AbstractContextManager[Session]:
    """A unit of work that writes."""
    return unit_of_work(factory, write=True)


def write_apart(session: Session, work: Callable[[Session], None], *, wait: bool = True) -> bool:
    """Do a small, optional write from a unit of work that only reads, in a short write
    transaction of its own (same session, one connection at a time); give it up when the
    database is busy (at once with `wait=False`: SQLite's write lock is taken), or when a
    concurrent request wrote the same row first (two first visits at once on PostgreSQL).
    Ends the current read transaction first: nothing may be pending."""
    session.commit()
    options = session.execution_options
    session.execution_options = options.union({WRITE: True, NOWAIT: not wait})
    try:
        work(session)
        session.commit()
        return True
    except Exception as exc:
        session.rollback()
        if not (is_busy(exc) or isinstance(exc, IntegrityError)):
            raise
        return False
    finally:
        session.execution_options = options
