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
