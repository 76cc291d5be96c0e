"""BM25 scores checked against bm25s (the reference implementation) on a fixed corpus."""

from __future__ import annotations

import bm25s
import numpy as np
import pytest

from labline.search import scoring
from labline.search.analysis import analyze
from labline.search.lexical import LexicalIndex

CORPUS = [
    "Perovskite silicon tandem solar cells reach thirty percent efficiency",
    "Hydrogen direct reduction of iron ore for green steel",
    "Solid-state lithium batteries with sulfide electrolytes",
    "钙钛矿叠层电池的稳定性研究",
    "氢冶金与电弧炉短流程炼钢",
    "A perovskite solar module recycling process",
]
QUERIES = ["perovskite solar cells", "green steel hydrogen", "叠层电池", "lithium", "炼钢 steel"]


@pytest.mark.parametrize("query", QUERIES)
def test_lucene_bm25_matches_bm25s(query):
    docs = [analyze(t, words=False) for t in CORPUS]
    reference = bm25s.BM25(method="lucene", k1=1.5, b=0.75)
    reference.index(docs, show_progress=False)
    ours = LexicalIndex(k1=1.5, b=0.75, variant="lucene")
    ours.add(({"body": d} for d in docs), {"body": 1.0})
    tokens = [t for t in analyze(query, words=False) if t in reference.vocab_dict]
    expected = reference.get_scores(tokens)
    got = ours.scores(analyze(query, words=False))
    np.testing.assert_allclose(got, expected, rtol=1e-5, atol=1e-6)


def test_textbook_bm25_by_hand():
    # One term, two documents: idf = ln(1 + (2 - 1 + .5)/(1 + .5)) = ln 2.
    w = scoring.weights(
        np.array([2.0]),
        np.array([4.0]),
        np.array([1.0]),
        n_docs=2,
        avgdl=3.0,
        k1=1.2,
        b=0.75,
        variant="bm25",
    )
    tf_part = 2 * 2.2 / (2 + 1.2 * (0.25 + 0.75 * 4 / 3))
    assert w[0] == pytest.approx(np.log(2) * tf_part)


def test_variants_are_a_table():
    assert set(scoring.VARIANTS) >= {"lucene", "robertson", "bm25l", "bm25+"}
    with pytest.raises(ValueError, match="unknown BM25 variant"):
        LexicalIndex(variant="nope")


def test_deleted_documents_score_zero_and_leave_statistics():
    lex = LexicalIndex()
    lex.add(({"body": analyze(t)} for t in CORPUS), {"body": 1.0})
    before = lex.scores(analyze("perovskite"))
    lex.delete([0])
    after = lex.scores(analyze("perovskite"))
    assert after[0] == 0 and before[0] > 0 and after[5] > 0


@pytest.mark.parametrize("query", [*QUERIES, "perovskite perovskite cells nothing"])
def test_contributions_of_many_rows_match_the_per_row_reference(query):
    lex = LexicalIndex()
    lex.add(({"title": analyze(t[:20]), "body": analyze(t)} for t in CORPUS), {"title": 2.0})
    lex.delete([5])  # a deleted row contributes nothing
    tokens = analyze(query)
    rows = [4, 0, 5, 3, 0, 1, 2]  # any order, repeats allowed
    bridged = {t: 0.5 + i / 10 for i, t in enumerate(tokens)}
    for weights in (None, bridged):
        many = lex.term_contributions_many(tokens, rows, weights=weights)
        one = [lex.term_contributions(tokens, r, weights=weights) for r in rows]
        assert many == one
        assert [list(m) for m in many] == [list(o) for o in one]  # same order of terms
    assert any(many)
    assert lex.term_contributions_many(tokens, []) == []
    assert lex.term_contributions_many(["unknownword"], [0, 1]) == [{}, {}]
