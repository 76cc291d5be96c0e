"""Which of a document's words may name a technology (engine.specific)."""

from __future__ import annotations

import pytest

from labline.intel.engine.specific import is_specific, listed


@pytest.mark.parametrize(
    "word",
    [
        "优化",
        "材料",
        "生产",
        "现代化",
        "system",
        "energy",
        "life",
        "service",
        "cost reduction",
        "financial system",
        "they’ve",
        "电池",
    ],
)
def test_general_words_are_not_technical_terms(word):
    assert not is_specific(word)


@pytest.mark.parametrize(
    "word",
    [
        "钙钛矿",
        "光伏",
        "储能",
        "数字孪生",
        "mRNA疫苗",
        "TOPCon电池",
        "工业互联网",
        "vaccines",
        "perovskite",
        "solar cells",
        "thermal management",
    ],
)
def test_technical_terms_are(word):
    assert is_specific(word)


def test_the_term_list_holds_technologies_not_trades():
    assert listed("钙钛矿") and listed("graphene")
    # the industry catalogue's names are trades (商务服务), not technologies
    assert not listed("商务服务") and not listed("管理系统")
