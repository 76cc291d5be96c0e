"""Analysis of English, Chinese and mixed text; the dictionary bridge between them."""

from __future__ import annotations

from labline.search import bridge
from labline.search.analysis import analyze, chinese_share, has_chinese


def test_english_is_lowercased_stemmed_and_stopped():
    assert analyze("The Batteries are Charging") == ["batteri", "charg"]


def test_chinese_has_bigrams_and_words():
    tokens = analyze("钙钛矿叠层电池")
    assert {"钙钛", "钛矿", "叠层", "电池"} <= set(tokens)


def test_mixed_scripts_full_width_and_emoji():
    tokens = analyze("ＴＯＰＣｏｎ电池 efficiency 😀 2025")
    assert "topcon" in tokens and "电池" in tokens and "effici" in tokens and "2025" in tokens
    assert analyze("😀🔋!!!") == [] and analyze("") == []
    assert has_chinese("abc电池") and not has_chinese("abc")
    assert chinese_share("电池 battery") < 1


def test_bridge_translates_both_ways():
    en = bridge.zh_to_en("防守")
    assert "defend" in en and all(w > 0 for w in en.values())
    zh = bridge.en_to_zh("battery")
    assert max(zh, key=zh.get) == "电池"
    assert bridge.zh_to_en("电池") == {"batteri": 1.0}
    assert bridge.zh_to_en("") == {} and bridge.en_to_zh("the of") == {}


def test_a_query_is_bridged_as_far_as_the_other_language_is_present():
    terms, share = bridge.bridge_query("电池", 0.5)
    assert terms == {"batteri": 1.0} and share == 0.5
    assert bridge.bridge_query("电池", 1.0) == ({}, 0.0)  # all Chinese: nothing to reach
    terms, share = bridge.bridge_query("battery", 0.25)
    assert max(terms, key=terms.get) == "电池" and share == 0.25
    assert bridge.bridge_query("battery", 0.0) == ({}, 0.0)


def test_a_balanced_bilingual_corpus_bridges_a_chinese_query_to_the_english_half():
    from labline.search import Record, SearchIndex

    ix = SearchIndex(use_dense=False)
    ix.add(
        [
            Record("zh1", {"title": "电池 回收 工艺"}),
            Record("zh2", {"title": "电池 隔膜 材料"}),
            Record("en1", {"title": "battery recycling process"}),
            Record("en2", {"title": "wind turbine blade coating"}),
        ]
    )
    assert ix.chinese_share == 0.5
    hits = ix.search("电池", k=4, explain=True)
    ids = [h.id for h in hits]
    assert ids.index("en1") < ids.index("en2")  # reached through the bridge, weighted by 0.5
    en1 = next(h for h in hits if h.id == "en1")
    assert en1.explanation is not None and en1.explanation.bridge > 0


def test_technical_terms_bridge_where_the_dictionary_splits_them():
    assert max(bridge.zh_to_en("钙钛矿"), key=bridge.zh_to_en("钙钛矿").get) == "perovskit"
    assert "perovskit" in bridge.zh_to_en("高效钙钛矿叠层电池")
    zh = bridge.en_to_zh("perovskite")
    assert {"钙钛", "钛矿"} <= set(zh)
    bridge.use_terms(False)
    try:
        assert "perovskit" not in bridge.zh_to_en("钙钛矿")  # calcium / titanium / ore
    finally:
        bridge.use_terms(True)
    assert all(len(zh) >= 2 and en for zh, en in bridge.terms().items())


def test_listed_terms_are_words_and_keep_their_parts():
    """jieba is given the term list's technical terms: 热管理 is one word (not 热|管理),
    and a term added whole keeps the words it was cut into (钙钛矿 of 钙钛矿电池)."""
    assert "热管理" in analyze("电池热管理系统")
    assert "热管理" not in analyze("热管散热器的管理")
    assert {"钙钛矿电池", "钙钛矿"} <= set(analyze("钙钛矿电池"))


def test_an_english_term_phrase_bridges_to_the_whole_term():
    zh = bridge.en_to_zh("thermal management of batteries")
    assert zh["热管理"] == max(zh.values())
    assert "热管理" not in bridge.en_to_zh("management of thermal power plants")
