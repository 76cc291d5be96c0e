"""Shared request dependencies: the unit of work, CSRF, pagination, forms.

The acting person is resolved by the core (`labline.core.deps`): this layer knows no domain.
"""

from __future__ import annotations

import asyncio
import math
import time
import weakref
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Annotated

from fastapi import Depends, FastAPI, Query, Request
from fastapi.concurrency import contextmanager_in_threadpool
from sqlalchemy.orm import Session

from labline.config import Settings
from labline.db import DatabaseBusy, busy, unit_of_work
from labline.errors import LablineError
from labline.schemas import MAX_PER_PAGE, PageParams
from labline.web import csrf

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
# The longest a request may wait for its turn. One whose turn would come later is answered
# 503 busy with Retry-After at once: queueing it would only make it (and every request behind
# it) late, and its client would have given up.
ADMISSION_WAIT_S = 10.0
RETRY_AFTER_MAX_S = 15


def get_settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


class _Queue:
    """One event loop's slots and the number of requests waiting for one."""

    def __init__(self, size: int) -> None:
        self.slots = asyncio.Semaphore(size)
        self.waiting = 0


class Admission:
    """At most `size` requests hold a database session at once, one pooled connection each;
    the others wait here, in arrival order, without a thread and without a connection. With
    the pool at least this size and the thread pool larger, no request ever waits for a
    connection or a thread that a waiting peer holds (the stall of issue 14).

    The queue has a deadline instead of a length: from the time requests have lately held
    a slot, a newcomer's wait is estimated (those ahead of it / slots × time a slot is
    held); when it would exceed `wait_s` the request is refused at once (503 busy, with
    Retry-After: that wait), and a request admitted to the queue that still waits `wait_s`
    is refused then. So a burst is answered, late requests are not made later, and no
    request is queued without bound."""

    def __init__(self, size: int, *, wait_s: float = ADMISSION_WAIT_S) -> None:
        self.size = size
        self.wait_s = wait_s
        self.held_s = 0.05  # moving average of the time a request holds its slot
        # One queue per event loop (the test client runs a loop per request).
        self._queues: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, _Queue]
        self._queues = weakref.WeakKeyDictionary()

    def expected_wait(self, queue: _Queue) -> float:
        if not queue.slots.locked() and not queue.waiting:
            return 0.0
        return (queue.waiting + 1) * self.held_s / self.size

    def _refuse(self, wait: float) -> DatabaseBusy:
        """503 busy; Retry-After: when the queue should have drained enough for a new request
        to be served within its budget."""
        refusal = busy("too many requests at once")
        later = math.ceil(wait - self.wait_s)
        refusal.extra["retry_after_s"] = max(1, min(RETRY_AFTER_MAX_S, later))
        return refusal

    @asynccontextmanager
    async def slot(self) -> AsyncIterator[None]:
        loop = asyncio.get_running_loop()
        queue = self._queues.get(loop)
        if queue is None:
            queue = self._queues[loop] = _Queue(self.size)
        wait = self.expected_wait(queue)
        if wait > self.wait_s:
            raise self._refuse(wait)
        queue.waiting += 1
        try:
            await asyncio.wait_for(queue.slots.acquire(), self.wait_s)
        except TimeoutError:
            raise self._refuse(self.expected_wait(queue)) from None
        finally:
            queue.waiting -= 1
        started = time.monotonic()
        try:
            yield
        finally:
            queue.slots.release()
            self.observe(time.monotonic() - started)

    def observe(self, held: float) -> None:
        """Move the average toward a request's hold. One hold counts for at most four times
        the average: a single slow request (an index opening, 20-40 s on a busy machine) made
        the queue refuse cheap requests for the next minute; a lasting slowdown still raises
        the average within a few dozen requests."""
        sample = min(held, 4 * self.held_s + 0.05)
        self.held_s += (sample - self.held_s) * 0.05


def admission(app: FastAPI) -> Admission:
    found = getattr(app.state, "db_admission", None)
    if found is None:
        settings = app.state.settings
        found = app.state.db_admission = Admission(settings.admitted_requests)
    return found


async def get_db(request: Request) -> AsyncIterator[Session]:
    """The request's transaction, committed before the response is sent, or rolled back.
    Safe methods only read: on SQLite they take no write lock."""
    write = request.method not in SAFE_METHODS
    async with admission(request.app).slot():
        work = unit_of_work(request.app.state.sessionmaker, write=write)
        async with contextmanager_in_threadpool(work) as session:
            yield session


Db = Annotated[Session, Depends(get_db, scope="function")]


def bearer_token(request: Request) -> str | None:
    header = request.headers.get("authorization", "")
    scheme, _, value = header.partition(" ")
    return value.strip() if scheme.lower() == "bearer" and value.strip() else None


class CsrfFailed(LablineError):
    status = 403
    code = "csrf_failed"


async def check_csrf(request: Request) -> None:
    """For form posts: the token in the form (or header) must match the signed cookie."""
    submitted = request.headers.get(csrf.HEADER)
    if submitted is None and request.headers.get("content-type", "").startswith(
        ("application/x-www-form-urlencoded", "multipart/form-data")
    ):
        form = await request.form()
        value = form.get(csrf.FIELD)
        submitted = value if isinstance(value, str) else None
    settings: Settings = request.app.state.settings
    if not csrf.matches(settings.secret_key, request.cookies.get(csrf.COOKIE), submitted):
        raise CsrfFailed(
            "This form has expired or did not come from labline. Reload the page and try again."
        )


CsrfChecked = Depends(check_csrf)


def page_params(
    page: Annotated[int, Query(ge=1, le=100_000)] = 1,
    per_page: Annotated[int, Query(ge=1, le=MAX_PER_PAGE)] = 25,
) -> PageParams:
    return PageParams(page=page, per_page=per_page)


Paging = Annotated[PageParams, Depends(page_params)]


async def submitted_form(request: Request) -> dict[str, str]:
    """The posted form's text fields (files are not accepted by these forms). A name posted
    more than once (a group of check boxes) gives its values joined by ", "; an unchecked
    box posts nothing, so a page re-shown after an error knows it was left unchecked."""
    form = await request.form()
    out: dict[str, str] = {}
    for key in form:
        texts = [v for v in form.getlist(key) if isinstance(v, str)]
        if texts:
            out[key] = texts[0] if len(texts) == 1 else ", ".join(t for t in texts if t)
    return out


SubmittedForm = Annotated[dict[str, str], Depends(submitted_form)]
