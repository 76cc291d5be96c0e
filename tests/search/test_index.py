"""SearchIndex end to end with the real multilingual encoder: hybrid, cross-lingual,
filtered, explained, incremental, persistent; bad input answered sensibly."""

from __future__ import annotations

import shutil

import numpy as np
import pytest

from labline.search import (
    CorruptIndex,
    Record,
    SearchIndex,
    UnknownFilterField,
    load,
    near_duplicates,
    save,
)
from labline.search.errors import BadFilterValue

FACETS = {
    "region": "keyword",
    "industry": "keyword",
    "trl": "int",
    "modes": "keywords",
    "date": "date",
}
RECORDS = [
    Record(
        "pv-zh",
        {"title": "钙钛矿/晶硅叠层太阳能电池", "body": "转换效率超过30%，可许可转让"},
        {
            "region": "320500",
            "industry": "3825",
            "trl": 6,
            "modes": ["licence"],
            "date": "2025-03-01",
        },
    ),
    Record(
        "pv-en",
        {"title": "Perovskite-silicon tandem solar cells", "body": "Efficiency above 30 percent"},
        {
            "region": "440300",
            "industry": "3825",
            "trl": 4,
            "modes": ["transfer"],
            "date": "2024-05-01",
        },
    ),
    Record(
        "steel",
        {"title": "Hydrogen direct reduction ironmaking", "body": "Green steel without coke"},
        {
            "region": "110000",
            "industry": "3110",
            "trl": 7,
            "modes": ["joint"],
            "date": "2023-01-01",
        },
    ),
    Record(
        "battery",
        {"title": "固态锂电池硫化物电解质", "body": "高能量密度电池"},
        {"region": "340100", "industry": "3841", "trl": 5, "modes": ["licence", "equity"]},
    ),
]


@pytest.fixture(scope="module")
def index():
    ix = SearchIndex(facets=FACETS)
    ix.add(RECORDS)
    return ix


def test_hybrid_and_cross_lingual(index):
    assert index.search("perovskite tandem solar", k=1)[0].id == "pv-en"
    assert index.search("叠层太阳能电池", k=1)[0].id == "pv-zh"
    # A Chinese query finds the English record and the other way round.
    assert "steel" in [h.id for h in index.search("氢冶金 绿色钢铁", k=2)]
    assert "battery" in [h.id for h in index.search("solid-state lithium battery electrolyte", k=2)]


def test_filters_apply_inside_retrieval(index):
    hits = index.search("solar cells", k=10, filters={"trl": {"gte": 5}})
    assert {h.id for h in hits} == {"pv-zh", "steel", "battery"}
    assert [h.id for h in index.search("solar", filters={"industry": "38"})] != []
    assert {
        h.id for h in index.search("solar", filters={"industry": "38", "modes": "licence"})
    } == {"pv-zh", "battery"}
    assert {h.id for h in index.search("cells", filters={"date": {"gte": "2024-01-01"}})} == {
        "pv-zh",
        "pv-en",
    }
    assert index.search("cells", filters={"region": "999999"}) == []


def test_explanations_say_what_matched(index):
    hit = index.search("perovskite tandem", k=1, explain=True)[0]
    e = hit.explanation
    assert e is not None and e.lexical > 0 and e.semantic >= 0
    assert "perovskit" in e.matched_terms and "title" in e.matched_fields
    # Without the fields: the same hits and terms, no fields looked for.
    lean = index.search("perovskite tandem", k=3, explain=True, explain_fields=False)
    full = index.search("perovskite tandem", k=3, explain=True)
    assert [(h.id, h.explanation.matched_terms) for h in lean] == [
        (h.id, h.explanation.matched_terms) for h in full
    ]
    assert all(h.explanation.matched_fields == [] for h in lean)
    cross = index.search("钙钛矿", k=3, explain=True)
    assert any(h.explanation.bridge > 0 or h.explanation.semantic > 0 for h in cross)


@pytest.mark.parametrize("query", ["", "   ", "the of and", "!!!???", "😀😀😀"])
def test_empty_or_meaningless_queries_give_no_hits_not_errors(index, query):
    hits = index.search(query)
    assert hits == [] or all(np.isfinite(h.score) for h in hits)


def test_huge_and_mixed_queries(index):
    assert index.search("电池 battery " * 8000)[0].id in {"battery", "pv-zh", "pv-en"}


def test_unknown_filters_and_bad_values_are_named(index):
    with pytest.raises(UnknownFilterField, match=r"colour") as err:
        index.search("solar", filters={"colour": "red"})
    assert "region" in err.value.allowed
    with pytest.raises(BadFilterValue, match="date"):
        index.search("solar", filters={"date": {"gte": "yesterday"}})
    with pytest.raises(BadFilterValue, match="trl"):
        index.search("solar", filters={"trl": {"above": 3}})


def test_incremental_add_update_delete(index):
    ix = SearchIndex(facets=FACETS)
    ix.add(RECORDS[:2])
    ix.add([Record("new", {"title": "Sodium-ion battery cathodes"}, {"trl": 3})])
    assert ix.search("sodium ion", k=1)[0].id == "new"
    ix.add([Record("new", {"title": "Carbon fibre composites"}, {"trl": 3})])  # replace
    assert ix.search("carbon fibre", k=1)[0].id == "new"
    assert len(ix) == 3
    ix.delete(["new"])
    assert "new" not in [h.id for h in ix.search("carbon fibre composites", k=5)]


def test_save_load_and_corruption(tmp_path, index):
    path = tmp_path / "idx"
    save(index, path)
    loaded = load(path)
    assert [h.id for h in loaded.search("perovskite tandem", k=2)] == [
        h.id for h in index.search("perovskite tandem", k=2)
    ]
    assert loaded.search("solar", filters={"trl": 6})[0].id == "pv-zh"
    # A crash while writing a new version leaves the previous one whole.
    (tmp_path / "idx.writing").mkdir()
    (tmp_path / "idx.writing" / "counts.npz").write_bytes(b"half")
    assert len(load(path)) == 4
    # Damage is found, named, and refused.
    damaged = tmp_path / "damaged"
    shutil.copytree(path, damaged)
    with (damaged / "vectors.npy").open("r+b") as fh:
        fh.seek(200)
        fh.write(b"\x00\x01\x02")
    with pytest.raises(CorruptIndex, match=r"vectors\.npy"):
        load(damaged)
    with pytest.raises(CorruptIndex, match="manifest"):
        load(tmp_path / "nowhere")


def test_an_opened_index_reads_texts_as_needed_and_keeps_its_bm25_weights(tmp_path, index):
    save(index, tmp_path / "idx")
    opened = load(tmp_path / "idx", verify="quick")
    assert list(opened.texts) == list(index.texts)
    assert opened.lexical._weights is not None  # not recomputed at the first query
    assert (opened.lexical._weights != index.lexical.weights()).nnz == 0
    for query in ("perovskite tandem solar", "叠层太阳能电池", "氢冶金 绿色钢铁"):
        assert opened.search(query, k=3, explain=True) == index.search(query, k=3, explain=True)
    opened.add([Record("new", {"title": "Sodium ion cells"}, {"trl": 4})])
    assert opened.texts[len(opened.texts) - 1] == {"title": "Sodium ion cells"}
    assert opened.search("sodium ion", k=1)[0].id == "new"
    # A cut texts file is refused even by the quick check that does not hash it.
    texts = tmp_path / "idx" / "texts.jsonl"
    texts.write_bytes(texts.read_bytes()[:-5])
    with pytest.raises(CorruptIndex, match=r"texts\.jsonl"):
        load(tmp_path / "idx", verify="quick")


def test_near_duplicates(index):
    ix = SearchIndex()
    ix.add(
        [
            Record("a", {"title": "Perovskite tandem solar cells with 30% efficiency"}),
            Record("b", {"title": "Perovskite tandem solar cells with 30 % efficiency"}),
            Record("c", {"title": "Hydrogen ironmaking"}),
        ]
    )
    pairs = near_duplicates(ix, threshold=0.9)
    assert [(a, b) for a, b, _ in pairs] == [("a", "b")]


def test_approximate_index_takes_new_rows_incrementally(monkeypatch):
    from labline.search import dense

    monkeypatch.setattr(dense, "EXACT_LIMIT", 10)  # force the approximate path on a small index
    rng = np.random.default_rng(0)
    vi = dense.VectorIndex(8)
    vi.add(rng.standard_normal((50, 8)).astype(np.float32))
    target = rng.standard_normal(8).astype(np.float32)
    vi.top(target, 5)
    assert vi._ann_rows == 50
    vi.add(target.reshape(1, -1) * 3)  # the best match arrives after the graph exists
    rows, sims = vi.top(target, 1)
    assert rows.tolist() == [50] and sims[0] == pytest.approx(1.0, abs=1e-2) and vi._ann_rows == 51


def test_approximate_index_finds_neighbours_and_applies_filters_before_scoring(monkeypatch):
    from labline.search import dense

    monkeypatch.setattr(dense, "EXACT_LIMIT", 100)
    monkeypatch.setattr(dense, "EXACT_FILTERED", 10)
    rng = np.random.default_rng(1)
    centres = rng.standard_normal((20, 32)).astype(np.float32)
    points = centres[rng.integers(0, 20, 4000)] + 0.1 * rng.standard_normal((4000, 32))
    vi = dense.VectorIndex(32)
    vi.add(points.astype(np.float32))
    query = (centres[3] + 0.05 * rng.standard_normal(32)).astype(np.float32)
    exact = set(np.argsort(-(vi.vectors @ dense.normalise(query.reshape(1, -1))[0]))[:10].tolist())
    rows, sims = vi.top(query, 10)
    assert len(set(rows.tolist()) & exact) >= 9 and list(sims) == sorted(sims, reverse=True)
    allowed = np.zeros(4000, dtype=bool)
    allowed[::3] = True
    rows, _ = vi.top(query, 10, allowed)
    assert rows.size == 10 and allowed[rows].all()
    vi.add(query.reshape(1, -1) * 2)  # a new row goes into its cell without regrouping
    assert vi.top(query, 1)[0].tolist() == [4000]


def _lexical_state(ix):
    m = ix.lexical.weights().tocsr()
    return ix.lexical.terms, m.indptr.tolist(), m.indices.tolist(), m.data.tolist()


@pytest.fixture
def workers(monkeypatch):
    """Forked analysis workers for small batches, stopped afterwards: a pool left running
    would outlive the test in this process."""
    from labline.search import analysis

    monkeypatch.setattr(analysis, "PARALLEL_FROM", 10)
    yield
    analysis.close_workers()


def test_parallel_analysis_builds_the_same_index_as_one_process(monkeypatch):
    from labline.search import analysis

    many = [
        Record(f"{r.id}-{i}", dict(r.fields), dict(r.facets)) for i in range(30) for r in RECORDS
    ]
    serial = SearchIndex(facets=FACETS, use_dense=False)
    serial.add(many)
    monkeypatch.setattr(analysis, "PARALLEL_FROM", 10)  # forked workers for this small batch
    try:
        parallel = SearchIndex(facets=FACETS, use_dense=False)
        parallel.add(many)
    finally:
        analysis.close_workers()
    assert _lexical_state(parallel) == _lexical_state(serial)
    assert parallel.chinese_rows == serial.chinese_rows == 60
    assert [h.id for h in parallel.search("tandem 电池", k=5)] == [
        h.id for h in serial.search("tandem 电池", k=5)
    ]


def test_a_refused_batch_analysed_in_workers_changes_nothing(workers):
    ix = SearchIndex(facets=FACETS, use_dense=False)
    ix.add(RECORDS)
    before = _lexical_state(ix)
    bad = [Record(f"x{i}", {"title": "steel"}, {"trl": 3}) for i in range(20)]
    bad.append(Record("y", {"title": "steel"}, {"date": "not a date"}))
    with pytest.raises(BadFilterValue, match="date"):
        ix.add(bad)
    assert _lexical_state(ix) == before and len(ix) == len(RECORDS)


def test_facet_columns_are_narrow_and_filter_like_wide_ones():
    from labline.search.filters import FacetColumns

    fc = FacetColumns({"trl": "int", "budget": "int", "region": "keyword", "date": "date"})
    rows = [
        {"trl": 3, "budget": 5_000_000_000, "region": "3205", "date": "2024-01-02"},
        {"trl": None, "budget": None, "region": None, "date": None},
        {"trl": 9, "budget": -7, "region": "4403", "date": "2025-06-30"},
    ]
    fc.extend(fc.encode_many(rows))
    arrays = fc.arrays()
    assert arrays["trl"].dtype == np.int8 and arrays["budget"].dtype == np.int64
    assert arrays["region"].dtype == np.int16 and arrays["date"].dtype == np.int32

    def rows_of(filters):
        return np.flatnonzero(fc.mask(filters, 3)).tolist()

    assert rows_of({"trl": {"gte": 1}}) == [0, 2]  # a missing value is in no range
    assert rows_of({"trl": {"lte": 5}}) == [0]
    assert rows_of({"trl": {"gt": 200}}) == [] and rows_of({"trl": {"gte": 5, "lte": 4}}) == []
    assert rows_of({"budget": {"gte": 4_000_000_000}}) == [0]
    assert rows_of({"budget": {"lt": 0}}) == [2]
    assert rows_of({"region": "32"}) == [0] and rows_of({"region": ["32", "44"]}) == [0, 2]
    assert rows_of({"date": {"gte": "2025-01-01"}}) == [2]
