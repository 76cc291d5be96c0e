"""Prebuilt dictionary tables: built once, named by what they are made from, looked up as
needed; a damaged table is built again; the bridge answers as the parsed dictionary does."""

from __future__ import annotations

import pytest

from labline.search import bridge, lexicons


@pytest.fixture()
def cache(tmp_path, monkeypatch):
    monkeypatch.setenv("LABLINE_CACHE_DIR", str(tmp_path / "cache"))
    return tmp_path / "cache"


def test_a_table_is_built_once_and_answers_like_the_dict(cache):
    source = {"电池": 5, "电": 0, "钙钛矿": 2}
    calls = []

    def rows():
        calls.append(1)
        return source.items()

    table = lexicons.open_or_build("t", "k1", rows, meta=lambda: {"total": 7})
    assert table is not None and table.meta == {"total": 7}
    assert table["电池"] == 5 and table.get("电") == 0 and "电" in table
    assert "锂" not in table and table.get("锂", 3) == 3
    with pytest.raises(KeyError):
        table["锂"]
    again = lexicons.open_or_build("t", "k1", rows)
    assert again is not None and again["钙钛矿"] == 2 and len(calls) == 1


def test_a_changed_source_gets_a_new_table_and_the_stale_one_goes(cache):
    lexicons.open_or_build("t", "old", lambda: [("a", 1)])
    new = lexicons.open_or_build("t", "new", lambda: [("a", 2)])
    assert new is not None and new["a"] == 2
    assert sorted(p.name for p in cache.iterdir()) == ["t-new.sqlite"]


def test_a_damaged_table_is_built_again(cache):
    lexicons.open_or_build("t", "k", lambda: [("a", [["x", "y"]])])
    (cache / "t-k.sqlite").write_bytes(b"not a database")
    table = lexicons.open_or_build("t", "k", lambda: [("a", [["x", "y"]])], decode=lambda v: v)
    assert table is not None and table["a"] == '[["x", "y"]]'


def test_without_a_writable_folder_the_caller_parses_in_memory(tmp_path, monkeypatch):
    blocker = tmp_path / "file"
    blocker.write_text("")
    monkeypatch.setenv("LABLINE_CACHE_DIR", str(blocker / "cache"))
    assert lexicons.open_or_build("t", "k", lambda: [("a", 1)]) is None


@pytest.mark.slow
def test_the_bridge_tables_hold_exactly_the_parsed_dictionary():
    zh_table, en_table = bridge._dictionary()
    zh_en, en_zh = bridge._parse()
    bridge._parse.cache_clear()
    assert not isinstance(zh_table, dict)  # the tables, not a parse
    for word in list(zh_en)[::97]:
        assert zh_table[word] == zh_en[word]
    for token in list(en_zh)[::13]:
        assert list(en_table[token].items()) == list(en_zh[token].items())  # order kept


def test_the_word_tagger_tags_as_jieba_loading_its_whole_dictionary():
    from labline.search import termwords
    from labline.search.analysis import jieba_segmenter, jieba_tagger

    tagger = jieba_tagger()
    assert not isinstance(tagger.dt.word_tag_tab, dict)  # the table, not a parse
    whole = tagger.POSTokenizer(jieba_segmenter().dt)  # reads every line, as jieba does
    whole.word_tag_tab.update(termwords.TAGS)  # and the technical terms added to it
    for text in (
        "钙钛矿叠层电池的光电转换效率突破百分之三十",
        "国务院关于加快建设全国统一大市场的意见",
        "推动科技成果转化，培育新质生产力。",
    ):
        ours = [(p.word, p.flag) for p in tagger.lcut(text, HMM=False)]
        assert ours == [(p.word, p.flag) for p in whole.lcut(text, HMM=False)]
        assert any(flag != "x" for _, flag in ours)
