"""An index opened from a snapshot takes changes beside it (a delta) without copying or
recomputing the snapshot; its IVF index is saved with it and restored, not trained again;
a new snapshot is swapped in whole."""

from __future__ import annotations

import hashlib

import numpy as np
import pytest

from labline.core.indexes import store
from labline.search import Record, SearchIndex, load, persistence, save
from labline.search.ivf import IVF

DIM = 16
WORDS = [
    "solar",
    "battery",
    "steel",
    "hydrogen",
    "antibody",
    "vaccine",
    "robot",
    "sensor",
    "polymer",
    "catalyst",
    "钙钛矿",
    "电池",
]


class WordHashEncoder:
    """A deterministic encoder (each word a seeded direction, a text their sum): the
    `Encoder` protocol as a user's own encoder plugs in, fast enough for many records."""

    name = "word-hash-16"
    dim = DIM

    def encode(self, texts: list[str]) -> np.ndarray:
        out = np.zeros((len(texts), DIM), dtype=np.float32)
        for i, text in enumerate(texts):
            for word in text.split():
                seed = int.from_bytes(hashlib.sha256(word.encode()).digest()[:4], "little")
                out[i] += np.random.default_rng(seed).standard_normal(DIM)
        norms = np.linalg.norm(out, axis=1, keepdims=True)
        norms[norms == 0] = 1.0
        return out / norms


def _records(n: int, start: int = 0) -> list[Record]:
    rng = np.random.default_rng(start)
    return [
        Record(
            f"r{i}",
            {"title": " ".join(rng.choice(WORDS, 3)), "body": f"record number {i}"},
            {"trl": int(rng.integers(1, 10))},
        )
        for i in range(start, start + n)
    ]


def _index(n: int, exact_limit: int | None = None) -> SearchIndex:
    index = SearchIndex(facets={"trl": "int"}, encoder=WordHashEncoder())
    index.vectors.exact_limit = exact_limit
    index.add(_records(n))
    return index


def test_a_record_added_to_an_opened_snapshot_is_found_without_copying_it(tmp_path):
    save(_index(300), tmp_path / "idx")
    opened = load(tmp_path / "idx", encoder=WordHashEncoder(), verify="quick")
    base_vectors, base_weights = opened.vectors._base, opened.lexical._weights
    assert isinstance(base_vectors, np.memmap)
    opened.search("solar battery", k=5)

    new = Record("new", {"title": "sodium ion cathode", "body": "ultracapacitor"}, {"trl": 7})
    opened.add([new])
    opened.delete(["r5"])
    # By its words (a term the snapshot never had) and by its vector alone.
    assert opened.search("ultracapacitor", k=1)[0].id == "new"
    vector = WordHashEncoder().encode(["sodium ion cathode ultracapacitor"])[0]
    by_vector = opened.search("zzqx", k=1, query_vector=vector)
    assert [h.id for h in by_vector] == ["new"]
    assert "r5" not in [h.id for h in opened.search("record number 5", k=300)]
    # Nothing of the snapshot was copied or recomputed: the map and the saved weights
    # are still the ones in use, the new row is a delta beside them.
    assert opened.vectors._base is base_vectors and opened.lexical._weights is base_weights
    assert [start for start, _w in opened.lexical.segments()] == [0, 300]
    assert opened.vectors.base_rows == 300 and len(opened.vectors) == 301


def test_merging_the_delta_gives_the_weights_of_a_fresh_build(tmp_path):
    save(_index(200), tmp_path / "idx")
    opened = load(tmp_path / "idx", encoder=WordHashEncoder())
    more = _records(40, start=200)
    opened.add(more)
    opened.delete(["r3", "r210"])
    fresh = _index(0)
    fresh.add([*_records(200), *more])
    fresh.delete(["r3", "r210"])
    opened.lexical.merge()
    assert opened.lexical.terms == fresh.lexical.terms
    assert abs(opened.lexical.weights() - fresh.lexical.weights()).max() < 1e-6
    assert opened.search("steel catalyst", k=10) == fresh.search("steel catalyst", k=10)


def test_the_delta_scores_like_a_fresh_build_until_the_statistics_drift(tmp_path):
    """Before the merge, the delta's weights use the base's statistics plus its own: the
    best rows for a query are the same as a fresh build's."""
    save(_index(400), tmp_path / "idx")
    opened = load(tmp_path / "idx", encoder=WordHashEncoder())
    more = _records(20, start=400)
    opened.add(more)
    fresh = _index(0)
    fresh.add([*_records(400), *more])
    for query in ("hydrogen steel", "antibody vaccine record", "钙钛矿 电池"):
        ours = [h.id for h in opened.search(query, k=10)]
        theirs = [h.id for h in fresh.search(query, k=10)]
        assert len(set(ours) & set(theirs)) >= 9, query


def test_the_ivf_index_is_saved_and_restored_not_trained_again(tmp_path):
    built = _index(600, exact_limit=100)
    rng = np.random.default_rng(3)
    queries = rng.standard_normal((5, DIM)).astype(np.float32)
    expected = [built.vectors.top(q, 10) for q in queries]
    trained = built.vectors.ann
    assert trained is not None and len(trained) == 600
    save(built, tmp_path / "idx")

    opened = load(tmp_path / "idx", encoder=WordHashEncoder(), verify="quick")
    restored = opened.vectors.ann
    assert restored is not None and opened.vectors.exact_limit == 100
    for key, value in trained.state().items():
        assert np.array_equal(restored.state()[key], value), key
    for q, (rows, sims) in zip(queries, expected, strict=True):
        got_rows, got_sims = opened.vectors.top(q, 10)
        assert got_rows.tolist() == rows.tolist() and np.allclose(got_sims, sims)
    assert opened.vectors.ann is restored  # answered by the restored index

    opened.add(_records(1, start=600), vectors=queries[:1] * 2)  # assigned, not retrained
    assert opened.vectors.top(queries[0], 1)[0].tolist() == [600]
    assert opened.vectors.ann is restored and len(restored) == 601


def test_a_damaged_ivf_part_is_refused(tmp_path):
    save(_index(300, exact_limit=50), tmp_path / "idx")
    part = tmp_path / "idx" / "ivf.npz"
    with np.load(part) as parts:
        state = dict(parts)
    state["offsets"] = state["offsets"][:-1]
    with pytest.raises(ValueError, match="do not fit"):
        IVF.restore(state)


def test_a_new_snapshot_is_swapped_in_whole_and_a_failed_write_changes_nothing(
    tmp_path, monkeypatch
):
    directory = tmp_path / "indexes" / "x"
    first = store.write(directory, {"a": _index(50), "b": _index(60)}, {"audit_seq": 1})
    reader = store.read(directory, encoder=WordHashEncoder(), full=False)
    assert reader.generation == first

    # A crash while the second part is written: the current snapshot stays, whole.
    real_save = persistence.save
    written: list[str] = []

    def crash_on_second(index, target):  # a process killed mid-write
        written.append(str(target))
        if len(written) == 2:
            raise KeyboardInterrupt
        real_save(index, target)

    monkeypatch.setattr(persistence, "save", crash_on_second)
    with pytest.raises(KeyboardInterrupt):
        store.write(directory, {"a": _index(70), "b": _index(80)}, {"audit_seq": 2})
    monkeypatch.setattr(persistence, "save", real_save)
    assert store.generation(directory) == first
    assert not [p for p in directory.iterdir() if p.name.endswith(".writing")]

    second = store.write(directory, {"a": _index(70), "b": _index(80)}, {"audit_seq": 2})
    assert store.generation(directory) == second != first
    now = store.read(directory, encoder=WordHashEncoder(), full=True)
    assert len(now.parts["a"]) == 70 and now.audit_seq == 2
    # The process that opened the first one keeps searching it (its files are kept).
    assert len(reader.parts["a"].search("solar", k=100)) > 0
    assert (directory / first).is_dir()


def test_an_opened_snapshot_maps_its_weights_and_reads_its_counts_only_to_merge(tmp_path):
    from labline.search import CorruptIndex

    save(_index(200), tmp_path / "idx")
    opened = load(tmp_path / "idx", encoder=WordHashEncoder(), verify="quick")
    weights = opened.lexical._weights
    for part in (weights.data, weights.indices, weights.indptr):  # views of the mapped files
        assert not part.flags.owndata and not part.flags.writeable
    opened.add(_records(5, start=200))
    assert opened.search("record number 203", k=1)[0].id == "r203"
    assert opened.lexical.counts_source is not None  # searched and added without them
    # Damage inside the counts (same size) passes the quick open, and is found when
    # they are read.
    counts = tmp_path / "idx" / "counts.npz"
    raw = bytearray(counts.read_bytes())
    raw[len(raw) // 2] ^= 0xFF
    counts.write_bytes(bytes(raw))
    with pytest.raises(CorruptIndex, match=r"counts\.npz"):
        opened.lexical.merge()
