"""The grounding check of generated points against the paragraphs they cite."""

from __future__ import annotations

from labline.intel.engine.grounding import check, split_citations

PARAS = [
    "基础研究是原始创新的源头。",
    "到2028年基础研究经费占比提高到12%以上。",
    "Basic research funding will rise by 20 percent in 2027.",
]


def test_a_faithful_paraphrase_is_kept():
    found = check("到2028年基础研究经费占比将提高到12%", [2], PARAS)
    assert found.kept and found.citations == (2,) and found.support > 0.8


def test_a_changed_number_is_dropped():
    found = check("到2028年基础研究经费占比将提高到45%", [2], PARAS)
    assert not found.kept and found.reason == "numbers" and found.detail == "45"


def test_words_the_paragraph_does_not_hold_are_dropped():
    found = check("人工智能产业规模突破万亿元", [1], PARAS)
    assert not found.kept and found.support < 0.5


def test_citations_must_exist():
    assert check("基础研究", [7], PARAS).reason == "missing_paragraph"
    assert check("基础研究是源头", [], PARAS).reason == "no_citation"


def test_inline_citations_and_the_other_language():
    assert split_citations("Basic research [1][3] matters.") == ("Basic research  matters.", (1, 3))
    found = check("Basic research is the source of original innovation [1]", [], PARAS)
    assert found.kept and found.citations == (1,)
    assert not check("Quantum computers break encryption [1]", [], PARAS).kept
    assert check("Funding for basic research rises 20 percent [3]", [], PARAS).kept
