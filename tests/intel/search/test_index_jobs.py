"""The paragraph index beside the database: dense at every size (no DENSE_LIMIT; the
engine's IVF path answers above its exact limit), paragraphs encoded by the worker's job
and never by the searching process, documents gone taken out with all their paragraphs."""

from __future__ import annotations

from datetime import date
from types import SimpleNamespace

import pytest
from sqlalchemy import select

from labline.config import Settings
from labline.core.access import command_line_actor
from labline.core.indexes import service as indexes
from labline.core.indexes.models import IndexVector
from labline.intel.documents.models import Collection, Document
from labline.intel.documents.readers import Parsed, _checked, paragraphs_of, sha256_of
from labline.intel.documents.service.ingest import store
from labline.intel.search import service
from labline.search import dense

CLI = command_line_actor("test")
SPEC = service.SPEC
TEXTS = [
    (
        "关于加强基础研究的意见",
        "zh",
        "基础研究是原始创新的源头。\n到2028年基础研究经费占比提高到12%。",
    ),
    ("Perovskite solar cells", "en", "Perovskite tandem cells reached 33 percent efficiency."),
    ("关于整治内卷式竞争的通知", "zh", "光伏行业低价无序竞争，利润率降至3%以下。"),
]


def _store(db, coll, title, language, text):
    parsed = _checked(
        Parsed(
            title,
            paragraphs_of(text),
            "text",
            sha256_of(f"{title}{text}".encode()),
            source="test",
            language=language,
            issued_on=date(2026, 3, 1),
        ),
        title,
    )
    return store(db, collection=coll, parsed=parsed).document


@pytest.fixture()
def world(db, tmp_path):
    coll = Collection(name="public")
    db.add(coll)
    db.flush()
    docs = [_store(db, coll, *t) for t in TEXTS]
    # A process with a data folder and a queue: it never encodes (the worker does).
    settings = Settings(env="test", data_dir=tmp_path, jobs="sqlite")
    return SimpleNamespace(
        coll=coll,
        docs=docs,
        holder=SimpleNamespace(settings=settings),
        directory=tmp_path / "indexes" / "intel",
    )


def test_a_new_document_is_found_by_its_words_at_once_and_encoded_by_the_worker(db, world):
    assert "rebuilt" in indexes.encode_tail(db, SPEC, world.directory)  # the worker's job
    index = service.index_for(db, world.holder)
    assert index.encoder is not None and len(index) == 4  # dense on
    fresh = _store(db, world.coll, "钙钛矿叠层电池", "zh", "钙钛矿叠层电池效率突破33%。")
    live = indexes.open_index(db, SPEC, world.holder)
    assert f"{fresh.id}:1" in live.pending  # the search process did not encode it
    found = service.search(db, actor=CLI, holder=world.holder, query="钙钛矿")
    assert fresh.id in [f.document.id for f in found]
    assert indexes.encode_tail(db, SPEC, world.directory).startswith("encoded 1 ")
    assert db.scalar(select(IndexVector).where(IndexVector.record_id == f"{fresh.id}:1"))
    assert not indexes.open_index(db, SPEC, world.holder).pending


def test_the_ivf_path_answers_above_the_exact_limit(db, world, monkeypatch):
    """With intel's exact limit below the corpus, the approximate index scores the vectors;
    a Chinese query still finds the English document."""
    monkeypatch.setattr(service, "EXACT_LIMIT", 2)  # intel's own limit (20,000)
    monkeypatch.setattr(dense, "EXACT_FILTERED", 0)
    indexes.encode_tail(db, SPEC, world.directory)
    index = service.index_for(db, world.holder)
    found = service.search(db, actor=CLI, holder=world.holder, query="钙钛矿太阳能电池")
    assert index.vectors._ann is not None  # the IVF index was built and asked
    assert world.docs[1].id in [f.document.id for f in found]


def test_a_document_gone_leaves_the_index_with_all_its_paragraphs(db, world):
    indexes.encode_tail(db, SPEC, world.directory)
    gone = world.docs[0]
    assert len(gone.paragraphs) == 2
    live = indexes.open_index(db, SPEC, world.holder)
    assert f"{gone.id}:2" in live.parts["paragraphs"].row_of
    db.delete(gone)
    db.flush()
    assert db.get(Document, gone.id) is None
    live = indexes.open_index(db, SPEC, world.holder)
    index = live.parts["paragraphs"]
    assert not [i for i in index.ids if i.startswith(f"{gone.id}:") and i in index.row_of]
    assert service.search(db, actor=CLI, holder=world.holder, query="原始创新") == []


def test_a_refresh_enqueued_by_every_commit_of_an_import_runs_once(
    db, world, session_factory, monkeypatch
):
    """Each file of an import commits and enqueues the index's refresh; a refresh that
    finds nothing new since the last one returns at once."""
    from labline.core.indexes import jobs

    jobs.configure(Settings(env="test", data_dir=world.directory.parent.parent, jobs="sqlite"))
    try:
        monkeypatch.setattr(jobs, "_sessions", lambda: session_factory)
        first = jobs.refresh_index("intel")
        assert "rebuilt" in first or first.startswith("encoded")
        assert jobs.refresh_index("intel") == "nothing changed since the last refresh"
    finally:
        jobs.configure(Settings(env="test", jobs="inline"))


def test_a_snapshot_without_the_date_end_facet_is_rebuilt(db, world):
    """A snapshot written before version 2 of the intel records (no date_end facet: a
    year-precision date could not be filtered by overlap) is not used, and the worker
    rebuilds it."""
    import json

    from labline.core.indexes import store as snapshots

    indexes.rebuild(db, SPEC, world.directory)
    assert indexes.problem(db, SPEC, world.directory, full=False) is None
    gen = snapshots.generation(world.directory)
    meta_path = world.directory / str(gen) / "snapshot.json"
    meta = json.loads(meta_path.read_text())
    del meta["version"]  # as written before the version was recorded
    meta_path.write_text(json.dumps(meta))
    why = indexes.problem(db, SPEC, world.directory, full=False)
    assert why is not None and "version 1" in why
    opened = indexes.open_index(db, SPEC, world.holder)
    assert "lexical until the worker rebuilds it" in opened.note
    assert "rebuilt" in indexes.encode_tail(db, SPEC, world.directory)
    assert snapshots.generation(world.directory) != gen
    assert indexes.problem(db, SPEC, world.directory, full=False) is None
    found = service.search(
        db,
        actor=CLI,
        holder=SimpleNamespace(settings=world.holder.settings),
        query="基础研究",
        since=date(2026, 3, 1),
    )
    assert [f.document.title for f in found] == ["关于加强基础研究的意见"]
