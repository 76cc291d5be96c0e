"""Explanations show whole words of the record, never the index's fragments: 钙钛 + 钛矿
reads 钙钛矿, the stem "perovskit" reads "perovskite"."""

from __future__ import annotations

from labline.search import Record, SearchIndex
from labline.search.surface import surface_terms


def test_fragments_become_the_records_words():
    text = "钙钛矿叠层电池 Perovskite tandem cells with encapsulation"
    assert surface_terms(["钙钛", "钛矿", "叠层"], text) == ["钙钛矿叠层"]
    assert surface_terms(["perovskit", "encapsul"], text) == ["perovskite", "encapsulation"]
    assert surface_terms(["hydrogen"], text) == []  # bridged, not in the record: left out


def test_a_search_explanation_in_whole_words():
    idx = SearchIndex(use_dense=False)
    text = "钙钛矿光伏研究院 Perovskite Photovoltaic Institute"
    idx.add([Record("o:1", {"title": text}), Record("o:2", {"title": "钢铁集团 Steel Group"})])
    hit = idx.search("钙钛矿 perovskites", k=1, explain=True)[0]
    assert hit.id == "o:1"
    words = surface_terms(hit.explanation.matched_terms, text)
    assert "钙钛矿" in words and "perovskite" in words
    assert not any(w in ("钙钛", "钛矿", "perovskit") for w in words)
