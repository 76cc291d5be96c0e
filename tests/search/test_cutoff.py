"""A query of words nobody knows ("asdkjhqwe") returns nothing instead of every record at
"meaning 100%"; real words, in either language, still find their records by meaning."""

from __future__ import annotations

import pytest

from labline.search import Record, SearchIndex
from labline.search.dense import UniversalSentenceEncoder

NAMES = [
    "钙钛矿光伏研究院 Perovskite Photovoltaic Institute",
    "华东钢铁集团 East China Steel Group",
    "智能机器人有限公司 Smart Robotics Co",
    "锂电池材料科技 Lithium Battery Materials Tech",
    "生物医药研究所 Biomedicine Institute",
    "半导体装备公司 Semiconductor Equipment Co",
    "新能源汽车 New Energy Vehicles",
    "农业科学院 Academy of Agricultural Sciences",
]


@pytest.fixture(scope="module")
def index() -> SearchIndex:
    idx = SearchIndex(use_dense=True, encoder=UniversalSentenceEncoder())
    idx.add(
        Record(f"o:{i}", {"title": name, "keywords": "", "body": ""}, {})
        for i, name in enumerate(NAMES * 3)
    )
    return idx


@pytest.mark.parametrize("query", ["asdkjhqwe", "qwrtzzz xkcd", "zzzzqq"])
def test_gibberish_finds_nothing(index: SearchIndex, query: str) -> None:
    assert index.search(query, k=10) == []


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("vaccine", "Biomedicine"),  # no word in the index: the dictionary knows it
        ("疫苗研发", "Biomedicine"),
        ("electric cars", "Vehicles"),
        ("steel", "Steel"),
    ],
)
def test_real_words_still_find_by_meaning(index: SearchIndex, query: str, expected: str) -> None:
    hits = index.search(query, k=3)
    assert hits and expected in NAMES[int(hits[0].id.split(":")[1]) % len(NAMES)]
