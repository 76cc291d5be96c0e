"""Server-side SVG charts: well-formed, escaped, honest about missing data."""

from __future__ import annotations

import itertools
import xml.etree.ElementTree as ET

from labline.web.charts import Series, _ticks, bar_chart, line_chart, radar_chart, text_width

NS = "{http://www.w3.org/2000/svg}"


def _parse(markup: str) -> ET.Element:
    """The chart's desktop picture (a chart-set holds the desktop's and the phone's)."""
    root = ET.fromstring(str(markup))
    return root if root.tag == f"{NS}svg" else root[0]


def _phone(markup: str) -> ET.Element:
    root = ET.fromstring(str(markup))
    assert root.attrib["class"] == "chart-set" and len(root) == 2
    assert root[0].attrib["class"] == "chart chart-wide"
    assert root[1].attrib["class"] == "chart chart-narrow"
    return root[1]


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


PROVINCES = [
    "北京市", "天津市", "河北省", "山西省", "内蒙古自治区", "辽宁省", "吉林省", "黑龙江省",
    "上海市", "江苏省", "浙江省", "安徽省", "福建省", "江西省", "山东省", "河南省", "湖北省",
    "湖南省", "广东省", "广西壮族自治区", "海南省", "重庆市", "四川省", "贵州省", "云南省",
    "西藏自治区", "陕西省", "甘肃省", "青海省", "宁夏回族自治区", "新疆维吾尔自治区",
]  # fmt: skip


def _lines(svg: ET.Element) -> list[tuple[float, float, float, str, str, ET.Element]]:
    """Each line of text drawn: (left, baseline, font size, anchor, text, its <text>), with
    positions in the picture (the body is moved down by its heading's height)."""
    out = []
    for group in [svg, *svg.iter(f"{NS}g")]:
        dy = 0.0
        move = group.attrib.get("transform", "")
        if move.startswith("translate("):
            dy = float(move[len("translate(") : -1].split(",")[1])
        for text in group.findall(f"{NS}text"):
            size = float(text.attrib["font-size"])
            anchor = text.attrib.get("text-anchor", "start")
            spans = text.findall(f"{NS}tspan") or [text]
            for s in spans:
                shown = "".join(s.itertext()) if s is not text else (text.text or "")
                width = text_width(shown, size)
                x = float(s.attrib["x"])
                left = x - width if anchor == "end" else x - width / 2 if anchor == "middle" else x
                out.append((left, float(s.attrib["y"]) + dy, size, shown, anchor, text))
    return out


def test_the_phone_picture_keeps_every_label_whole_readable_and_inside():
    """Issue 17: on a 390 px phone the desktop's 720 px bar chart shrank to half, its labels
    to 6 px. The phone's picture is drawn about as wide as the phone shows it (340 px, the
    stylesheet caps it at 480), with labels of 14 px and values and axes of 12 px."""
    org = "Qiandongnan Miao and Dong Autonomous Prefecture University"  # two lines
    bars = [(p, 31.0 - i) for i, p in enumerate(PROVINCES)] + [(org, 2.5), ("A" * 200, 1.0)]
    markup = bar_chart(bars, title="R&D intensity by province, 2023, all regions", unit="%")
    wide, svg = _parse(markup), _phone(markup)
    assert float(wide.attrib["viewBox"].split()[2]) == 720  # the desktop's, as it was
    width = float(svg.attrib["viewBox"].split()[2])
    assert width == 340 and "max-width:480px" in svg.attrib["style"]
    lines = _lines(svg)
    for left, _y, size, shown, _a, _t in lines:
        assert size >= 12, shown
        assert left >= 0 and left + text_width(shown, size) <= width, (shown, left)
    # Each bar's label is whole, on its own line(s) above its bar; the province names at
    # 14 px, as large as the page's own small text.
    labels = {
        "".join(t.itertext()).replace(" ", ""): t for *_x, t in lines if t.get("font-size") == "14"
    }
    for name in PROVINCES:
        assert name in labels and labels[name].find(f"{NS}title") is None
    assert org.replace(" ", "") in labels  # two lines, whole
    long = next(t for t in labels.values() if t.find(f"{NS}title") is not None)
    assert long.find(f"{NS}title").text == "A" * 200 and "".join(long.itertext()).endswith("…")
    # No two lines of text overlap (each line's box by the chart's own width estimate).
    boxes = [(x, y - s, x + text_width(t, s), y) for x, y, s, t, _a, _e in lines]
    for i, a in enumerate(boxes):
        for b in boxes[i + 1 :]:
            apart = a[2] <= b[0] or b[2] <= a[0] or a[3] <= b[1] + 1 or b[3] <= a[1] + 1
            assert apart, (lines[i][3], lines[boxes.index(b)][3])
    rects = list(svg.iter(f"{NS}rect"))
    assert len(rects) == len(bars) and all(float(r.attrib["height"]) >= 14 for r in rects)


def test_the_phone_picture_of_a_line_chart_and_a_decomposition_stays_inside():
    from labline.web.charts import contribution_chart

    series = [
        Series(p, [(y, 1.0 + i / 3 + y % 7) for y in range(2000, 2024)])
        for i, p in enumerate(PROVINCES[:6])
    ]
    line = _phone(line_chart(series, title="R&D intensity, 2000–2023", y_label="%"))
    parts = ["Capital deepening", "Human capital", "Total factor productivity"]
    rows = [(p, [1.5, 0.5, -0.4 + i / 10], 1.6 + i / 10) for i, p in enumerate(PROVINCES[:5])]
    contrib = _phone(contribution_chart(rows, parts, title="Average annual growth, per cent"))
    for svg in (line, contrib):
        lines = _lines(svg)
        for left, _y, size, shown, _a, _t in lines:
            assert size >= 12 and left >= 0 and left + text_width(shown, size) <= 340, shown
        years = sorted((x, t) for x, _y, _s, t, a, _e in lines if a == "middle" and t.isdigit())
        for (x1, t1), (x2, _t2) in itertools.pairwise(years):
            assert x1 + text_width(t1, 12) + 4 <= x2  # axis labels never overlap
    shown = ["".join(t.itertext()) for t in line.iter(f"{NS}text")]
    assert all(p in shown for p in PROVINCES[:6]) and "2023" in shown  # the latest year
    assert all(p in ["".join(t.itertext()) for t in contrib.iter(f"{NS}text")] for p in parts)
