"""Modularity segmentation: runs of alike paragraphs become groups, their number chosen
by the data and capped by max_groups."""

from __future__ import annotations

import numpy as np

from labline.intel.engine.keyphrase import headings
from labline.intel.engine.segment import segment


def blocks(*sizes: int, inside: float = 0.8, across: float = 0.05) -> np.ndarray:
    n = sum(sizes)
    sim = np.full((n, n), across)
    start = 0
    for size in sizes:
        sim[start : start + size, start : start + size] = inside
        start += size
    return sim


def test_blocks_are_recovered_and_their_number_found() -> None:
    assert segment(blocks(4, 6, 5), max_groups=5) == [(0, 4), (4, 10), (10, 15)]
    assert segment(blocks(3, 3, 3, 3), max_groups=5) == [(0, 3), (3, 6), (6, 9), (9, 12)]


def test_max_groups_caps_the_number() -> None:
    ranges = segment(blocks(3, 3, 3, 3), max_groups=2)
    assert len(ranges) == 2 and ranges[0][0] == 0 and ranges[-1][1] == 12


def test_uniform_or_tiny_input_is_one_group() -> None:
    assert segment(np.ones((6, 6)), max_groups=5) == [(0, 6)]
    assert segment(np.zeros((3, 3)), max_groups=5) == [(0, 3)]
    assert segment(np.ones((1, 1)), max_groups=5) == [(0, 1)]
    assert segment(np.zeros((0, 0)), max_groups=5) == []


def test_headings_are_distinct_phrases_of_each_group() -> None:
    groups = [
        "The reactor uses molten salt. Molten salt reactors run at low pressure.",
        "Solar panels on schools cut bills. Solar panels need little upkeep.",
    ]
    found = headings(groups, "en")
    assert found[0].lower() in {"molten salt", "molten salt reactors", "reactor"}
    assert found[1].lower() in {"solar panels", "solar"}
    zh = ["钙钛矿电池效率提升。钙钛矿电池成本下降。", "量子通信网络建成。量子通信保障安全。"]
    found = headings(zh, "zh")
    assert all(h in g for h, g in zip(found, zh, strict=True))
    assert "钙钛矿" in found[0] and "量子" in found[1]
    # two groups on the same subject still get different headings
    same = headings(["Solar power grows.", "Solar power grows fast."], "en")
    assert len(set(same)) == 2 and all(
        h in g for h, g in zip(same, ["Solar power grows.", "Solar power grows fast."], strict=True)
    )


def test_a_chinese_heading_does_not_cut_a_compound() -> None:
    """本市原始创新: 原始 modifies 创新, so 本市原始 is no heading (seen on a real document)."""
    from labline.intel.engine.keyphrase import _chinese_candidates

    found = {"".join(c) for c in _chinese_candidates("本市原始创新能力显著提升。加强原始创新。")}
    assert "本市原始" not in found and "本市" in found
