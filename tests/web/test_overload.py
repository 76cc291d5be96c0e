"""Overload: when every request slot is taken and the queue's wait would pass its deadline,
a request is answered 503 busy with Retry-After, in the one error shape, at once; it never
stalls, and it is never a 500 (issue 14)."""

from __future__ import annotations

import asyncio
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
from fastapi.testclient import TestClient

from labline.app import create_app
from labline.config import Settings
from labline.web.deps import RETRY_AFTER_MAX_S, Admission


@pytest.fixture()
def busy_client(engine, database_url, tmp_path):
    app = create_app(Settings(database_url=database_url, data_dir=tmp_path, env="test"))
    admission = app.state.db_admission = Admission(1, wait_s=4.0)
    with TestClient(app, raise_server_exceptions=False) as client:
        released = asyncio.Event()

        async def hold() -> None:
            async with admission.slot():
                await released.wait()

        client.portal.start_task_soon(hold)
        time.sleep(0.1)
        yield client, admission
        client.portal.call(released.set)


def _is_busy(r) -> None:
    assert r.status_code == 503, r.text
    assert r.json()["error"]["code"] == "busy"
    assert 1 <= int(r.headers["retry-after"]) <= RETRY_AFTER_MAX_S


def test_a_request_that_waits_past_the_deadline_is_told_to_retry(busy_client):
    client, _admission = busy_client
    t0 = time.monotonic()
    r = client.get("/api/v1/market/needs")
    assert 3.9 < time.monotonic() - t0 < 15  # the deadline (4 s), not a stall
    _is_busy(r)


def test_a_request_whose_turn_would_come_too_late_is_refused_at_once(busy_client):
    client, admission = busy_client
    admission.held_s = 60.0  # a request lately held its slot a minute: the queue is hopeless
    t0 = time.monotonic()
    _is_busy(client.get("/api/v1/market/needs"))
    # refused without waiting for the deadline (4 s; the margin is for a busy machine)
    assert time.monotonic() - t0 < 3.5
    r = client.get("/market", headers={"accept": "text/html"})
    assert r.status_code == 503 and r.headers["retry-after"] == str(RETRY_AFTER_MAX_S)
    assert "text/html" in r.headers["content-type"]  # pages answer with the error page


def test_requests_without_the_database_are_not_queued(busy_client):
    client, _admission = busy_client
    assert client.get("/healthz").status_code == 200


def test_the_queue_admits_in_turn_when_slots_free_up():
    async def run() -> list[int]:
        admission = Admission(2, wait_s=5)
        order: list[int] = []

        async def one(i: int) -> None:
            async with admission.slot():
                order.append(i)
                await asyncio.sleep(0.01)

        await asyncio.gather(*(one(i) for i in range(10)))
        return order

    # In a thread of its own: a test before this one may leave an event loop running here.
    with ThreadPoolExecutor(1) as pool:
        assert pool.submit(asyncio.run, run()).result() == list(range(10))


def test_one_slow_request_does_not_make_the_queue_refuse_cheap_ones():
    admission = Admission(2, wait_s=5)
    admission.observe(40.0)  # a search that opened an index on a busy machine
    assert admission.held_s < 0.1
    for _ in range(80):  # but a lasting slowdown is learnt
        admission.observe(2.0)
    assert admission.held_s > 1.8
