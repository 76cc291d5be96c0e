"""The job queue on Redis, as in production (LABLINE_JOBS=redis://…): a changed record's
encoding travels through a real Redis to the worker, and a failing job is retried there
and then kept for the operators, as with the SQLite queue."""

from __future__ import annotations

import os

import pytest
from sqlalchemy import select

from labline.config import Settings
from labline.core.indexes import jobs
from labline.core.indexes import service as indexes
from labline.core.indexes.models import IndexVector, JobFailure
from labline.market.service import market_index
from tests.factories import make_achievement, make_org

REDIS_URL = os.environ.get("LABLINE_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


@pytest.fixture()
def redis_queue(tmp_path, session_factory, monkeypatch):
    import redis

    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping()
    except redis.exceptions.ConnectionError:
        if os.environ.get("CI") == "true":
            raise
        pytest.skip(f"no Redis at {REDIS_URL}: the Redis queue is not tested here")
    monkeypatch.setattr(jobs, "RETRY_DELAY_S", 0)
    settings = Settings(env="test", data_dir=tmp_path, jobs=REDIS_URL)
    huey = jobs.configure(settings, session_factory)
    huey.flush()
    try:
        yield huey
    finally:
        huey.flush()
        jobs.configure(Settings(env="test", jobs="inline"))


def _work(huey) -> int:
    """Run what the queue holds, as `labline worker` would; how many tasks ran."""
    ran = 0
    while (task := huey.dequeue()) is not None:
        ran += 1
        huey.execute(task)
    return ran


def test_a_new_record_is_encoded_by_the_worker_through_redis(db, tmp_path, redis_queue):
    directory = tmp_path / "indexes" / "market"
    indexes.rebuild(db, market_index.SPEC, directory)
    fresh = make_achievement(db, org=make_org(db, kind="university"), title="Perovskite tandem")
    rid = f"achievement:{fresh.id}"
    assert db.scalar(select(IndexVector).where(IndexVector.record_id == rid)) is None
    jobs.enqueue_refresh("market")
    assert redis_queue.pending_count() == 1  # on Redis, not run in the caller
    assert _work(redis_queue) == 1
    assert db.scalar(select(IndexVector).where(IndexVector.record_id == rid)) is not None


def test_a_failing_job_is_retried_on_redis_then_kept(db, redis_queue):
    jobs.enqueue_refresh("no-such-index")
    assert _work(redis_queue) == jobs.RETRIES + 1
    failures = db.scalars(select(JobFailure)).all()
    assert [f.task for f in failures] == ["refresh_index"]
