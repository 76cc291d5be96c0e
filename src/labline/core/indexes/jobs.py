"""Background jobs on Huey (an existing queue): SQLite storage in the data folder by default,
Redis in production (setting `jobs`), in the calling process for tests ("inline").

A commit that changed a table an index watches enqueues that index's refresh; the worker
(`labline worker`) encodes the changed records and stores their vectors (or rebuilds the
snapshot). A job that fails is retried RETRIES times, then written to `job_failures`
(the operators' page /admin/jobs), never dropped. A periodic refresh every minute catches
anything a lost enqueue missed.
"""

from __future__ import annotations

import json
import logging
import traceback
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from sqlalchemy import event
from sqlalchemy.orm import Session, sessionmaker

from labline.config import Settings, get_settings
from labline.core.indexes import service
from labline.core.indexes.models import JobFailure

if TYPE_CHECKING:  # huey (and its storages' psycopg and redis) is imported when a queue is made
    from huey import Huey

log = logging.getLogger("labline.jobs")

RETRIES = 3
RETRY_DELAY_S = 5


class _State:
    settings: Settings | None = None
    huey: Huey | None = None
    tasks: dict[str, Callable[..., Any]] = {}  # noqa: RUF012
    sessions: sessionmaker[Session] | None = None
    # index name -> the audit seq its last refresh in this process started from: a refresh
    # enqueued by every commit of a long import runs once, not once per commit
    refreshed: dict[str, int] = {}  # noqa: RUF012


# Jobs of the domains (name -> function), registered when their module is imported; each
# runs with the queue's retries and its failure is kept like any other.
_registered: dict[str, Callable[..., Any]] = {}


def register_task(name: str, fn: Callable[..., Any]) -> None:
    """Make `fn` a background job called `name` (see `enqueue`). It is called with its
    arguments and `last_attempt` (True when the queue will not retry it again)."""
    _registered[name] = fn
    if _state.huey is not None:
        _add_task(_state.huey, name, fn, context=True)


def _add_task(huey: Huey, name: str, fn: Callable[..., Any], *, context: bool = False) -> None:
    if context:
        inner = fn

        def fn(*args: Any, task: Any = None) -> Any:
            return inner(*args, last_attempt=task is None or getattr(task, "retries", 0) <= 0)

    _state.tasks[name] = huey.task(
        retries=RETRIES, retry_delay=RETRY_DELAY_S, name=name, context=context
    )(fn)


def enqueue(name: str, *args: Any) -> None:
    """Run the job `name` in the worker (at once, here, when jobs are "inline"). A queue
    that cannot be reached raises: the caller reports it (unlike an index refresh)."""
    queue()
    _state.tasks[name](*args)


def enqueue_after_commit(session: Session, name: str, *args: Any) -> None:
    """Enqueue the job once the session's transaction commits (the worker must see what
    it was asked about); nothing is enqueued if it rolls back."""
    session.info.setdefault("jobs_after_commit", []).append((name, args))


def current_settings() -> Settings:
    """The settings of this process's queue (the worker's, in a job)."""
    return _state.settings or get_settings()


def sessions() -> sessionmaker[Session]:
    """The sessions a job opens (it owns its transactions)."""
    return _sessions()


_state = _State()


def configure(settings: Settings, sessions: sessionmaker[Session] | None = None) -> Huey:
    """Set the queue up for this process (the app, a command, the worker)."""
    _state.settings, _state.sessions = settings, sessions
    _state.huey = _make(settings)
    return _state.huey


def queue() -> Huey:
    if _state.huey is None:
        configure(get_settings())
    assert _state.huey is not None
    return _state.huey


def _make(settings: Settings) -> Huey:
    from huey import MemoryHuey, SqliteHuey, crontab
    from huey.signals import SIGNAL_ERROR

    huey: Huey
    if settings.jobs == "inline":
        huey = MemoryHuey("labline", immediate=True)
    elif settings.jobs.startswith(("redis://", "rediss://")):
        from huey import RedisHuey  # the redis client is a dependency

        huey = RedisHuey("labline", url=settings.jobs)
    else:
        settings.data_dir.mkdir(parents=True, exist_ok=True)
        huey = SqliteHuey("labline", filename=str(settings.data_dir / "jobs.db"))
    _state.tasks = {}
    _state.refreshed = {}
    _add_task(huey, "refresh_index", refresh_index)
    for name, fn in _registered.items():
        _add_task(huey, name, fn, context=True)
    huey.periodic_task(crontab(minute="*"), name="refresh_indexes")(refresh_indexes)
    huey.signal(SIGNAL_ERROR)(_failed)
    return huey


def _sessions() -> sessionmaker[Session]:
    if _state.sessions is None:
        from labline.db import make_engine

        settings = _state.settings or get_settings()
        _state.sessions = sessionmaker(make_engine(settings.resolved_database_url))
    return _state.sessions


# --- the jobs ---------------------------------------------------------------------------


def refresh_index(name: str) -> str:
    """Encode an index's changed records (or rebuild its snapshot); the worker's job."""
    settings = _state.settings or get_settings()
    spec = service.SPECS[name]
    directory = settings.data_dir / "indexes" / name
    with _sessions()() as session:
        seq = service.last_seq(session)
        if _state.refreshed.get(name) == seq:
            return "nothing changed since the last refresh"
        note = service.encode_tail(session, spec, directory, checkpoint=session.commit)
        session.commit()
    _state.refreshed[name] = seq
    log.info("index %s: %s", name, note)
    return note


def refresh_indexes() -> None:
    for name in service.SPECS:
        enqueue_refresh(name)


def enqueue_refresh(name: str) -> None:
    """Ask the worker to refresh an index; a queue that cannot be reached is logged (the
    periodic refresh catches up), never the caller's failure."""
    if (_state.settings or get_settings()).jobs == "inline":
        return
    try:
        queue()
        _state.tasks["refresh_index"](name)
    except Exception as exc:  # any queue failure: the periodic refresh will catch up
        log.warning("could not enqueue the refresh of index %s: %s", name, exc)


def _failed(signal: str, task: Any, exc: BaseException | None = None) -> None:
    """Huey's error signal: after the last retry, keep the failure for the operators."""
    if getattr(task, "retries", 0) > 0:
        return
    try:
        with _sessions()() as session:
            session.add(
                JobFailure(
                    task=str(task.name),
                    arguments=json.dumps([list(task.args), task.kwargs], default=str),
                    error="".join(traceback.format_exception(exc))[-4000:] if exc else "",
                    attempts=RETRIES + 1,
                )
            )
            session.commit()
    except Exception:  # the database itself is down: the log is all that is left
        log.exception("job %s failed and could not be recorded", task.name)


service.set_enqueue(enqueue_refresh)


# --- enqueue after a commit that changed an indexed table -------------------------------


@event.listens_for(Session, "after_flush")
def _note_tables(session: Session, _context: Any) -> None:
    tables = session.info.setdefault("indexed_tables", set())
    for obj in (*session.new, *session.dirty, *session.deleted):
        table = getattr(obj, "__tablename__", None)
        if table:
            tables.add(table)


@event.listens_for(Session, "after_commit")
def _enqueue_after_commit(session: Session) -> None:
    for name, args in session.info.pop("jobs_after_commit", []):
        try:
            enqueue(name, *args)
        except Exception:  # the queue is down: the job's record says it waits
            log.exception("could not enqueue job %s%s", name, args)
    tables = session.info.pop("indexed_tables", None)
    if not tables:
        return
    for spec in service.SPECS.values():
        if tables & set(spec.tables):
            enqueue_refresh(spec.name)


@event.listens_for(Session, "after_rollback")
def _forget(session: Session) -> None:
    session.info.pop("indexed_tables", None)
    session.info.pop("jobs_after_commit", None)
