"""The market's indexes beside the database: snapshot + audit tail, the worker's vectors,
missing / truncated / foreign snapshots rebuilt, failed jobs kept for the operators."""

from __future__ import annotations

import json
from types import SimpleNamespace

import pytest
from sqlalchemy import select

from labline.config import Settings
from labline.core.indexes import jobs, store
from labline.core.indexes import service as indexes
from labline.core.indexes.models import IndexVector, JobFailure
from labline.core.models import Role
from labline.core.service.auth import actor_for
from labline.errors import NotPermitted
from labline.market.schemas import Transition
from labline.market.service import market_index, records
from tests.factories import make_achievement, make_need, make_org, make_person

SPEC = market_index.SPEC


@pytest.fixture()
def world(db, tmp_path):
    enterprise = make_org(db)
    university = make_org(db, kind="university")
    need = make_need(
        db,
        org=enterprise,
        title="单克隆抗体纯化工艺",
        summary="寻求单克隆抗体下游纯化工艺，提高收率",
        field="抗体 纯化",
        industry_code="27",
        language="zh",
    )
    antibody = make_achievement(
        db,
        org=university,
        title="Continuous chromatography purification of monoclonal antibodies",
        summary="A purification process for antibody manufacturing with higher yield",
        field="antibody purification",
        industry_code="27",
    )
    operator = actor_for(db, make_person(db, roles=(Role.platform_operator,)).id)
    # A process with a data folder and a queue: it never encodes (the worker does).
    settings = Settings(env="test", data_dir=tmp_path, jobs="sqlite")
    return SimpleNamespace(
        need=need,
        antibody=antibody,
        university=university,
        operator=operator,
        member=actor_for(db, make_person(db, org=enterprise).id),
        settings=settings,
        directory=tmp_path / "indexes" / "market",
    )


def _holder(world):
    return SimpleNamespace(settings=world.settings)


def test_a_process_opens_the_snapshot_and_replays_the_tail(db, world):
    why, done = indexes.check_or_rebuild(
        db, actor=world.operator, spec=SPEC, directory=world.directory, check=False
    )
    assert why is not None and "no snapshot" in why and "rebuilt" in done
    market = market_index.market_for(db, _holder(world))
    assert market.note == ""  # opened from the snapshot, nothing rebuilt
    assert len(market.achievements) == 1 and market.achievements.encoder is not None
    assert store.generation(world.directory) is not None
    # A record published after the snapshot: found lexically at once, densely once the
    # worker's job stored its vector.
    fresh = make_achievement(
        db,
        org=world.university,
        title="Antibody purification with an affinity resin",
        summary="Protein A resin for antibody capture",
        field="antibody purification",
        industry_code="27",
    )
    holder = _holder(world)
    live = indexes.open_index(db, SPEC, holder)
    assert f"achievement:{fresh.id}" in live.pending
    assert f"achievement:{fresh.id}" in [h.id for h in live.parts["achievements"].search("resin")]
    note = indexes.encode_tail(db, SPEC, world.directory)
    assert note.startswith("encoded 1 ")
    assert db.scalar(select(IndexVector).where(IndexVector.record_id == f"achievement:{fresh.id}"))
    live = indexes.open_index(db, SPEC, holder)
    assert not live.pending
    # Closed: gone from the index.
    records.transition(
        db,
        actor=world.operator,
        kind="achievement",
        record_id=fresh.id,
        data=Transition(action="close", close_reason="withdrawn"),
    )
    live = indexes.open_index(db, SPEC, holder)
    assert f"achievement:{fresh.id}" not in [
        h.id for h in live.parts["achievements"].search("resin")
    ]


def test_a_changed_text_is_never_matched_with_its_old_vector(db, world):
    indexes.rebuild(db, SPEC, world.directory)
    indexes.encode_tail(db, SPEC, world.directory)
    world.antibody.summary = "Now about lithium battery recycling"
    db.flush()
    live = indexes.open_index(db, SPEC, _holder(world))
    assert f"achievement:{world.antibody.id}" in live.pending  # waits for its new vector


def test_a_truncated_snapshot_is_detected_and_rebuilt_beside_the_live_one(db, world):
    indexes.rebuild(db, SPEC, world.directory)
    old = store.generation(world.directory)
    vectors = world.directory / str(old) / "achievements" / "vectors.npy"
    vectors.write_bytes(vectors.read_bytes()[:100])
    why, _ = indexes.check_or_rebuild(
        db, actor=world.operator, spec=SPEC, directory=world.directory, check=True
    )
    assert why is not None and "vectors.npy" in why
    inline = SimpleNamespace(settings=world.settings.model_copy(update={"jobs": "inline"}))
    market = market_index.market_for(db, inline)
    assert market.note.startswith("rebuilt:") and "damaged" in market.note
    assert store.generation(world.directory) != old
    assert indexes.problem(db, SPEC, world.directory, full=True) is None


def test_a_missing_snapshot_is_served_lexically_until_the_worker_rebuilds_it(db, world):
    market = market_index.market_for(db, _holder(world))
    assert "no snapshot" in market.note
    assert len(market.needs) == 1  # answering, without encoding in the request
    assert "rebuilt" in indexes.encode_tail(db, SPEC, world.directory)
    assert store.generation(world.directory) is not None


def test_a_snapshot_of_another_database_is_refused(db, world):
    indexes.rebuild(db, SPEC, world.directory)
    gen = store.generation(world.directory)
    meta_path = world.directory / str(gen) / "snapshot.json"
    meta = json.loads(meta_path.read_text())
    meta["first_hash"] = "0" * 64
    meta_path.write_text(json.dumps(meta))
    why = indexes.problem(db, SPEC, world.directory, full=False)
    assert why is not None and "another database" in why
    assert "rebuilt" in indexes.encode_tail(db, SPEC, world.directory)
    assert store.generation(world.directory) != gen


def test_a_snapshot_cut_with_another_term_list_is_rebuilt(db, world):
    """Its texts' words depend on the technical terms jieba was given (search.termwords):
    one written before 热管理 was a word holds 热|管理 and is rebuilt."""
    indexes.rebuild(db, SPEC, world.directory)
    gen = store.generation(world.directory)
    meta_path = world.directory / str(gen) / "snapshot.json"
    meta = json.loads(meta_path.read_text())
    assert meta["words"] == store.words_version()
    del meta["words"]  # as every snapshot written before the stamp
    meta_path.write_text(json.dumps(meta))
    why = indexes.problem(db, SPEC, world.directory, full=False)
    assert why is not None and "technical terms" in why
    assert "rebuilt" in indexes.encode_tail(db, SPEC, world.directory)
    assert store.generation(world.directory) != gen


def test_only_operators_rebuild(db, world):
    with pytest.raises(NotPermitted):
        indexes.check_or_rebuild(
            db, actor=world.member, spec=SPEC, directory=world.directory, check=True
        )


def test_a_failing_job_is_retried_then_kept_for_the_operators(
    db, world, session_factory, monkeypatch
):
    monkeypatch.setattr(jobs, "RETRY_DELAY_S", 0)
    huey = jobs.configure(world.settings, session_factory)
    try:
        jobs.enqueue_refresh("no-such-index")
        attempts = 0
        while (task := huey.dequeue()) is not None:
            attempts += 1
            huey.execute(task)
        assert attempts == jobs.RETRIES + 1
        failures = indexes.job_failures(db, actor=world.operator)
        assert [f.task for f in failures] == ["refresh_index"]
        assert "no-such-index" in failures[0].arguments and "KeyError" in failures[0].error
        with pytest.raises(NotPermitted):
            indexes.job_failures(db, actor=world.member)
    finally:
        jobs.configure(Settings(env="test", jobs="inline"))
    assert db.scalar(select(JobFailure.attempts)) == jobs.RETRIES + 1


def test_a_worker_stopped_mid_append_loses_nothing(db, world):
    indexes.rebuild(db, SPEC, world.directory)
    fresh = make_achievement(db, org=world.university, title="Perovskite module encapsulation")
    rid = f"achievement:{fresh.id}"
    stopped = db.begin_nested()  # the worker's transaction, never committed
    assert indexes.encode_tail(db, SPEC, world.directory).startswith("encoded 1 ")
    stopped.rollback()
    assert db.scalar(select(IndexVector).where(IndexVector.record_id == rid)) is None
    # The tail is still there: the next run encodes the record.
    assert indexes.encode_tail(db, SPEC, world.directory).startswith("encoded 1 ")
    assert not indexes.open_index(db, SPEC, _holder(world)).pending


def test_an_app_process_opens_the_market_before_it_accepts_requests(db, world, session_factory):
    from fastapi.testclient import TestClient

    from labline.app import create_app

    indexes.rebuild(db, SPEC, world.directory)  # as the demo and the worker do
    settings = world.settings.model_copy(update={"env": "development"})
    app = create_app(settings, session_factory=session_factory)
    assert "market" not in (getattr(app.state, "indexes", None) or {})
    with TestClient(app):  # the lifespan's start-up: before the first request
        live = app.state.indexes["market"]
        assert live.generation == store.generation(world.directory)
        assert live.note == "" and not live.pending
