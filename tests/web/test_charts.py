"""Server-side SVG charts: well-formed, escaped, honest about missing data."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from labline.web.charts import Series, _ticks, bar_chart, line_chart, radar_chart, text_width

NS = "{http://www.w3.org/2000/svg}"


def _parse(markup: str) -> ET.Element:
    return ET.fromstring(str(markup))


def test_ticks_are_nice_and_cover_the_range():
    assert _ticks(0, 97) == [0, 20, 40, 60, 80, 100]
    t = _ticks(-3.2, 7.9)
    assert t[0] <= -3.2 and t[-1] >= 7.9
    assert _ticks(5, 5)[0] <= 5 <= _ticks(5, 5)[-1]


def test_line_chart_draws_each_series_and_breaks_at_gaps():
    svg = _parse(
        line_chart(
            [
                Series("北京", [(2020, 6.4), (2021, None), (2022, 6.8)]),
                Series("<b>x</b>", [(2020, 1.0), (2022, 2.0)]),
            ],
            title="R&D intensity",
        )
    )
    paths = list(svg.iter(f"{NS}path"))
    assert len(paths) == 2
    assert paths[0].attrib["d"].count("M") == 2  # the gap starts a new stroke
    assert svg.find(f"{NS}title").text == "R&D intensity"
    assert "北京: 6.8 (2022)" in svg.find(f"{NS}desc").text
    texts = [t.text for t in svg.iter(f"{NS}text")]
    assert "<b>x</b>" in texts  # escaped, shown as text, not markup


def test_bar_chart_with_rank_intervals():
    svg = _parse(
        bar_chart(
            [("广东", 9.0), ("江苏", 7.5), ("西藏", -1.0)],
            title="Index",
            intervals=[(8.0, 9.5), (6.0, 8.0), (-2.0, 0.0)],
            highlight="江苏",
        )
    )
    rects = list(svg.iter(f"{NS}rect"))
    assert len(rects) == 3 and rects[1].attrib["fill"] != rects[0].attrib["fill"]
    assert all(float(r.attrib["width"]) > 0 for r in rects)


def test_radar_and_empty_charts():
    svg = _parse(radar_chart(["a", "b", "c", "d"], [("X", [10, 50, 90, 100])], title="profile"))
    assert len(list(svg.iter(f"{NS}polygon"))) == 5  # four rings and one profile
    assert "—" in str(line_chart([], title="empty"))
    assert "—" in str(bar_chart([], title="empty"))
    assert "—" in str(radar_chart(["a", "b"], [("X", [1, 2])], title="two axes"))


def test_labels_are_whole_and_the_title_and_unit_are_drawn():
    long = "Technology contract turnover"
    svg = _parse(
        bar_chart([(long, 5.0), ("江苏省技术合同成交额", 3.0)], title="Turnover", unit="%")
    )
    texts = ["".join(t.itertext()) for t in svg.iter(f"{NS}text")]
    assert "Turnover (%)" in texts  # a visible heading, kept in a saved PNG
    assert long in texts and "江苏省技术合同成交额" in texts  # never "hnology contr"
    assert svg.find(f"{NS}title").text == "Turnover (%)"


def test_a_label_too_long_for_its_room_ends_in_an_ellipsis_with_a_tooltip():
    label = "A" * 400
    svg = _parse(bar_chart([(label, 1.0)], title="t", width=300))
    text = next(t for t in svg.iter(f"{NS}text") if t.find(f"{NS}title") is not None)
    assert text.find(f"{NS}title").text == label
    assert "".join(text.itertext()).endswith("…")


def test_radar_axis_names_are_whole_in_lines_inside_the_picture():
    axes = [
        "R&D intensity (GERD / GDP)",
        "Basic-research share of R&D",
        "Enterprise share of R&D funding",
        "Government share of R&D funding",
        "研究与试验发展经费投入强度",
        "Invention patent applications",
    ]
    svg = _parse(radar_chart(axes, [("Beijing", [100, 55, 35, 58, 61, 75])], title="Profile"))
    width = float(svg.attrib["viewBox"].split()[2])
    shown = []
    for text in svg.iter(f"{NS}text"):
        spans = list(text.iter(f"{NS}tspan"))
        if not spans:
            continue
        shown.append("".join(s.text or "" for s in spans).replace(" ", ""))
        for s in spans:  # each line inside the picture, by the chart's own width estimate
            x, room = float(s.attrib["x"]), text_width(s.text or "", 11)
            assert "…" not in (s.text or "")
            anchor = text.attrib["text-anchor"]
            left = x - room if anchor == "end" else x - room / 2 if anchor == "middle" else x
            assert left >= 0 and left + room <= width, (s.text, left, room, width)
    assert shown == [a.replace(" ", "") for a in axes]  # whole, not "R&D intensity (G"
