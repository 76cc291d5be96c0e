"""The digest engine: citations right by construction, headings from the group's own
words, numbers exact, in Chinese and English; on shipped texts and on real documents."""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from labline.intel.engine import (
    Digest,
    Point,
    detect_language,
    digest,
    split_sentences,
    topic_digest,
)

FIXTURES = Path(__file__).parent / "fixtures"
# ../shared beside the checkout (or beside the folder of worktrees)
ROOT = Path(__file__).resolve().parents[3]
TEXTS = next(
    (
        p / "shared" / "data" / "texts"
        for p in (ROOT.parent, ROOT.parent.parent)
        if (p / "shared" / "data" / "texts").is_dir()
    ),
    ROOT.parent / "shared" / "data" / "texts",
)
_NUMBER = re.compile(r"\d+(?:[.,]\d+)*%?")


def fixture(name: str) -> list[str]:
    return [line for line in (FIXTURES / name).read_text(encoding="utf-8").splitlines() if line]


def real_documents(folder: str, count: int) -> list[tuple[str, list[str]]]:
    path = TEXTS / folder
    files = sorted(path.glob("*.jsonl")) if path.is_dir() else []
    if not files:
        pytest.skip(f"{path} is absent: the real-data check needs ../shared/data/texts")
    docs = []
    with files[0].open(encoding="utf-8") as fh:
        for line in fh:
            row = json.loads(line)
            paragraphs = [p.strip() for p in row["text"].split("\n") if p.strip()]
            if len(paragraphs) >= 3:
                docs.append((row["id"], paragraphs))
            if len(docs) >= count:
                break
    return docs


def sentences_of(point: Point, language: str) -> list[str]:
    return split_sentences(point.text, language)


def assert_cited(point: Point, paragraphs: Sequence[str], language: str) -> None:
    """Every sentence of the point stands verbatim in one of the paragraphs it cites, and
    every number in it therefore appears exactly as in the source."""
    assert point.citations, point
    assert all(1 <= n <= len(paragraphs) for n in point.citations), point
    # the whole point is copied from one paragraph it cites
    assert any(point.text in paragraphs[n - 1] for n in point.citations), point
    for sentence in sentences_of(point, language):
        holders = [n for n in point.citations if sentence in paragraphs[n - 1]]
        assert holders, (sentence, point.citations)
        for number in _NUMBER.findall(sentence):
            assert any(number in paragraphs[n - 1] for n in holders), number


def squash(text: str) -> str:
    return re.sub(r"\s+", " ", text)


def assert_digest(d: Digest, paragraphs: Sequence[str]) -> None:
    assert_cited(d.core_viewpoint, paragraphs, d.language)
    covered: list[int] = []
    for group in d.groups:
        assert group.heading and len(group.heading) <= 60, group.heading
        assert group.points and group.paragraphs
        own = [paragraphs[n - 1] for n in group.paragraphs]
        glue = "" if d.language == "zh" else " "
        # the heading is drawn from the group's own words, verbatim
        assert group.heading in squash(glue.join(own)), (group.heading, group.paragraphs)
        for point in group.points:
            assert_cited(point, paragraphs, d.language)
            assert set(point.citations) <= set(group.paragraphs)
        covered += group.paragraphs
    # groups are the document's themes in order: consecutive, disjoint, covering every paragraph
    assert covered == [n for n, p in enumerate(paragraphs, 1) if p.strip()]
    assert len({g.heading for g in d.groups}) == len(d.groups)


@pytest.mark.parametrize(
    ("name", "language"),
    [
        ("zh_safety.txt", "zh"),
        ("zh_innovation.txt", "zh"),
        ("en_manufacturing.txt", "en"),
        ("en_health.txt", "en"),
    ],
)
def test_shipped_texts_digest_with_right_citations(name: str, language: str) -> None:
    paragraphs = fixture(name)
    d = digest(paragraphs)
    assert d.language == language
    assert_digest(d, paragraphs)


def texts_of(d: Digest) -> list[str]:
    return split_sentences(d.core_viewpoint.text, d.language) + [
        p.text for g in d.groups for p in g.points
    ]


def test_numbers_are_kept_exact() -> None:
    paragraphs = fixture("zh_safety.txt")
    # the points that carry figures (the core viewpoint included) carry them unchanged
    assert any(
        "12.5%" in t and "8.3%" in t for t in texts_of(digest(paragraphs, points_per_group=10))
    )
    en = fixture("en_manufacturing.txt")
    texts = texts_of(digest(en, points_per_group=10))
    assert any("$70 million" in t and "$140 million" in t for t in texts)
    assert any("640,000" in t for t in texts)


def test_two_documents_end_to_end_are_two_groups() -> None:
    for first, second in (
        ("zh_safety.txt", "zh_innovation.txt"),
        ("en_manufacturing.txt", "en_health.txt"),
    ):
        a, b = fixture(first), fixture(second)
        d = digest(a + b)
        assert_digest(d, a + b)
        assert [g.paragraphs for g in d.groups] == [
            tuple(range(1, len(a) + 1)),
            tuple(range(len(a) + 1, len(a) + len(b) + 1)),
        ]


def test_paragraph_vectors_blend_in_and_must_match() -> None:
    a, b = fixture("en_manufacturing.txt"), fixture("en_health.txt")
    paragraphs = a + b
    # vectors that agree with the articles keep the split; one row per paragraph is required
    vectors = np.array([[1.0, 0.0]] * len(a) + [[0.0, 1.0]] * len(b))
    d = digest(paragraphs, vectors=vectors)
    assert_digest(d, paragraphs)
    assert [len(g.paragraphs) for g in d.groups] == [len(a), len(b)]
    with pytest.raises(ValueError, match="one row per paragraph"):
        digest(paragraphs, vectors=vectors[:3])
    # sentence vectors are summed into their paragraphs
    per_sentence = np.array(
        [row for p, row in zip(paragraphs, vectors, strict=True) for _ in split_sentences(p, "en")]
    )
    assert len(per_sentence) > len(paragraphs)
    assert digest(paragraphs, vectors=per_sentence) == d


def test_core_viewpoint_prefers_the_stated_claim() -> None:
    paragraphs = [
        "Deep networks are widely used. Training them is costly.",
        "In this paper, we propose a pruning method that halves training time. "
        "Experiments on 3 datasets confirm it.",
    ]
    d = digest(paragraphs)
    assert d.core_viewpoint == Point("we propose a pruning method that halves training time.", (2,))
    zh = [
        "深度网络应用广泛。训练成本很高。",
        "本文提出了一种剪枝方法，训练时间缩短50%。实验验证了其有效性。",
    ]
    d = digest(zh)
    assert d.language == "zh"
    assert d.core_viewpoint.citations == (2,)
    assert "50%" in d.core_viewpoint.text


def test_empty_and_tiny_documents() -> None:
    empty = digest([])
    assert empty.core_viewpoint == Point("", ()) and empty.groups == ()
    assert digest(["", "   "]).groups == ()
    one = digest(["The council approved the budget of $2.5 million on Tuesday."])
    assert one.core_viewpoint == Point(
        "The council approved the budget of $2.5 million on Tuesday.", (1,)
    )
    assert len(one.groups) == 1 and one.groups[0].paragraphs == (1,)
    blanks = ["", "市政府批准了2.5亿元的预算。", "", "预算将用于修建三所学校和一座医院。"]
    d = digest(blanks)
    assert_digest(d, blanks)
    assert all(c in (2, 4) for g in d.groups for p in g.points for c in p.citations)


def test_language_and_sentences() -> None:
    assert detect_language("今年国内生产总值增长5.2%。") == "zh"
    assert detect_language("GDP grew by 5.2% this year.") == "en"
    assert split_sentences("经济增长5.2%。就业稳定！物价平稳；", "zh") == [
        "经济增长5.2%。",
        "就业稳定！",
        "物价平稳；",
    ]
    assert split_sentences("GDP grew 5.2% in 2024. Prices, e.g. rents, fell. Jobs rose!", "en") == [
        "GDP grew 5.2% in 2024.",
        "Prices, e.g. rents, fell.",
        "Jobs rose!",
    ]
    # abbreviations and initials do not end a sentence
    assert split_sentences("Dr. Smith met U.S. Senators. See Fig. 2 below.", "en") == [
        "Dr. Smith met U.S. Senators.",
        "See Fig. 2 below.",
    ]


def test_topic_digest_cites_document_and_paragraph() -> None:
    docs = [
        ("safety", fixture("zh_safety.txt")),
        ("innovation", fixture("zh_innovation.txt")),
        (
            "safety-2",
            [
                "煤矿安全生产事关人民群众生命财产安全。",
                "各地要加强瓦斯防治，高瓦斯矿井必须建立瓦斯抽采系统。",
                "煤矿企业主要负责人要带班下井，落实安全生产主体责任。",
            ],
        ),
    ]
    groups = topic_digest(docs)
    assert groups
    by_id = dict(docs)
    for group in groups:
        assert group.heading and group.points
        for point in group.points:
            assert point.citations
            for doc_id, n in point.citations:
                assert point.text in by_id[doc_id][n - 1]
    # a theme the two safety notices share cites both
    cited = [{doc for p in g.points for doc, _ in p.citations} for g in groups]
    assert any(docs >= {"safety", "safety-2"} for docs in cited)
    assert topic_digest([]) == ()
    assert topic_digest([("a", [])]) == ()


@pytest.mark.parametrize(
    ("folder", "language"),
    [
        ("zh_gov_policy_docs", "zh"),
        ("zh_laws_regulations", "zh"),
        ("us_whitehouse_remarks_en", "en"),
    ],
)
def test_real_documents_cite_the_paragraphs_they_quote(folder: str, language: str) -> None:
    docs = real_documents(folder, 12)
    for _, paragraphs in docs:
        d = digest(paragraphs)
        assert d.language == language
        assert_digest(d, paragraphs)
    for group in topic_digest(docs[:4]):
        for point in group.points:
            for doc_id, n in point.citations:
                assert point.text in dict(docs)[doc_id][n - 1]


_PIECES = st.sampled_from(
    [
        "经济增长5.2%。",
        "科技创新",
        "，",
        "；",
        "基础研究投入增加",
        "The plant makes 3.5 GW of panels.",
        " ",
        "Solar power",
        "!",
        "?",
        "e.g.",
        "\u3000",
        "1.",
        "一、",
        "“",
        "”",
        "Fig. 2",
        "钙钛矿电池效率达到26.1%！",
    ]
)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.lists(_PIECES, max_size=8).map("".join), max_size=8))
def test_any_text_digests_with_valid_citations(paragraphs: list[str]) -> None:
    d = digest(paragraphs, max_groups=3, points_per_group=2)
    if d.core_viewpoint.text:
        assert_cited(d.core_viewpoint, paragraphs, d.language)
    for group in d.groups:
        assert len(group.points) <= 2
        for point in group.points:
            assert_cited(point, paragraphs, d.language)
    assert len(d.groups) <= 3
