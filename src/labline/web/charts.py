"""Charts as inline SVG, drawn on the server: no JavaScript, nothing fetched, printable.

Each function takes plain numbers and labels and returns markup safe to put in a
template. Colours come from one accessible palette; every chart has a <title> and a
text <desc> so that screen readers get the numbers too.

Bar, line and contribution charts come as two pictures in one `div.chart-set`: the
desktop's (`svg.chart-wide`, drawn here) and the phone's (`svg.chart-narrow`, drawn by
labline.web.charts_phone with text that stays readable at 390 px); the stylesheet shows
one of them, and print takes the desktop's.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from markupsafe import Markup, escape

from labline.web import charts_phone as phone
from labline.web.chartkit import (
    HEADING,
    PALETTE,
    Series,
    fit,
    fmt,
    text_width,
    trace,
    wrap,
)
from labline.web.chartkit import frame as _frame
from labline.web.chartkit import label as _label
from labline.web.chartkit import ticks as _ticks


def both(wide: Markup, narrow: Markup) -> Markup:
    """The desktop's and the phone's pictures of one chart, for the stylesheet to pick."""
    wide = Markup(str(wide).replace('<svg class="chart"', '<svg class="chart chart-wide"', 1))
    return Markup('<div class="chart-set">') + wide + narrow + Markup("</div>")


__all__ = [
    "HEADING",
    "Series",
    "_ticks",
    "bar_chart",
    "both",
    "contribution_chart",
    "fit",
    "fmt",
    "line_chart",
    "radar_chart",
    "text_width",
    "wrap",
]


def line_chart(
    series: Sequence[Series], *, title: str, width: int = 720, height: int = 320, y_label: str = ""
) -> Markup:
    return both(
        _line_wide(series, title=title, width=width, height=height, y_label=y_label),
        phone.line_chart(series, title=title, y_label=y_label),
    )


def _line_wide(
    series: Sequence[Series], *, title: str, width: int, height: int, y_label: str
) -> Markup:
    values = [y for s in series for _x, y in s.points if y is not None]
    xs = [x for s in series for x, _y in s.points]
    if not values:
        return _frame(
            width,
            60,
            title,
            "no data",
            f'<text x="10" y="30" font-size="13">{escape(title)}: —</text>',
        )
    left, right, top, bottom = 64, 150, 16, 36
    x0, x1 = min(xs), max(xs)
    yt = _ticks(min(min(values), 0.0) if min(values) >= 0 else min(values), max(values))
    y0, y1 = yt[0], yt[-1]
    pw, ph = width - left - right, height - top - bottom

    def px(x: float) -> float:
        return left + (0 if x1 == x0 else (x - x0) / (x1 - x0) * pw)

    def py(y: float) -> float:
        return top + ph - (y - y0) / ((y1 - y0) or 1) * ph

    parts = []
    for t in yt:
        parts.append(
            f'<line x1="{left}" x2="{left + pw}" y1="{py(t):.1f}" y2="{py(t):.1f}" stroke="#e3e7ee"/>'
        )
        parts.append(
            f'<text x="{left - 6}" y="{py(t) + 4:.1f}" font-size="11" text-anchor="end" fill="#5b6575">{fmt(t)}</text>'
        )
    step = max(1, round((x1 - x0) / 8)) if x1 > x0 else 1
    x = x0
    while x <= x1:
        parts.append(
            f'<text x="{px(x):.1f}" y="{top + ph + 18}" font-size="11" text-anchor="middle" fill="#5b6575">{x:g}</text>'
        )
        x += step
    if y_label:
        parts.append(
            f'<text x="12" y="{top + 10}" font-size="11" fill="#5b6575">{escape(y_label)}</text>'
        )
    desc = []
    for i, s in enumerate(series):
        colour = PALETTE[i % len(PALETTE)]
        drawn, said = trace(s, colour, px, py)
        parts.extend(drawn)
        if said is not None:
            desc.append(said)
        ly_pos = top + 14 + i * 16
        parts.append(
            f'<rect x="{left + pw + 12}" y="{ly_pos - 9}" width="10" height="10" fill="{colour}"/>'
        )
        parts.append(_label(left + pw + 26, ly_pos, s.name, right - 30, anchor="start"))
    return _frame(width, height, title, "; ".join(desc), "".join(parts), y_label)


def bar_chart(
    bars: Sequence[tuple[str, float]],
    *,
    title: str,
    intervals: Sequence[tuple[float, float]] | None = None,
    width: int = 720,
    bar_height: int = 20,
    highlight: str | None = None,
    unit: str = "",
    record_labels: bool = False,
) -> Markup:
    """Horizontal bars, largest first as given; optional [low, high] whiskers (rank intervals);
    `record_labels` when the labels are records' names (organisations), not the UI's words."""
    return both(
        _bar_wide(
            bars,
            title=title,
            intervals=intervals,
            width=width,
            bar_height=bar_height,
            highlight=highlight,
            unit=unit,
            record_labels=record_labels,
        ),
        phone.bar_chart(
            bars,
            title=title,
            intervals=intervals,
            highlight=highlight,
            unit=unit,
            record_labels=record_labels,
        ),
    )


def _bar_wide(
    bars: Sequence[tuple[str, float]],
    *,
    title: str,
    intervals: Sequence[tuple[float, float]] | None,
    width: int,
    bar_height: int,
    highlight: str | None,
    unit: str,
    record_labels: bool,
) -> Markup:
    if not bars:
        return _frame(
            width,
            60,
            title,
            "no data",
            f'<text x="10" y="30" font-size="13">{escape(title)}: —</text>',
        )
    widest = max(text_width(label, 12) for label, _v in bars)
    left, right, top = int(min(max(widest + 14, 60), width * 0.42)), 70, 8
    height = top + len(bars) * (bar_height + 6) + 24
    hi = max([v for _l, v in bars] + ([h for _lo, h in intervals] if intervals else []))
    lo = min(0.0, min(v for _l, v in bars))
    ticks = _ticks(lo, hi)
    lo, hi = ticks[0], ticks[-1]
    pw = width - left - right

    def px(v: float) -> float:
        return left + (v - lo) / ((hi - lo) or 1) * pw

    parts = []
    for t in ticks:
        parts.append(
            f'<line x1="{px(t):.1f}" x2="{px(t):.1f}" y1="{top}" y2="{height - 20}" stroke="#e3e7ee"/>'
        )
        parts.append(
            f'<text x="{px(t):.1f}" y="{height - 6}" font-size="11" text-anchor="middle" fill="#5b6575">{fmt(t)}</text>'
        )
    for i, (label, value) in enumerate(bars):
        y = top + i * (bar_height + 6)
        colour = PALETTE[1] if highlight is not None and label == highlight else PALETTE[0]
        x_start, x_end = sorted((px(0.0 if lo <= 0 <= hi else lo), px(value)))
        parts.append(_label(left - 8, y + bar_height - 5, label, left - 12, record=record_labels))
        parts.append(
            f'<rect x="{x_start:.1f}" y="{y}" width="{max(x_end - x_start, 1):.1f}" height="{bar_height}" fill="{colour}" rx="2"/>'
        )
        if intervals:
            a, b = intervals[i]
            mid = y + bar_height / 2
            parts.append(
                f'<line x1="{px(a):.1f}" x2="{px(b):.1f}" y1="{mid}" y2="{mid}" stroke="#1d2430" stroke-width="1.5"/>'
            )
            for end in (a, b):
                parts.append(
                    f'<line x1="{px(end):.1f}" x2="{px(end):.1f}" y1="{mid - 5}" y2="{mid + 5}" stroke="#1d2430"/>'
                )
        parts.append(
            f'<text x="{px(max(value, intervals[i][1] if intervals else value)) + 6:.1f}" y="{y + bar_height - 5}" font-size="11" fill="#5b6575">{fmt(value)}</text>'
        )
    desc = "; ".join(f"{label}: {fmt(v)}" for label, v in bars[:30])
    return _frame(width, height, title, desc, "".join(parts), unit)


def radar_chart(
    axes: Sequence[str],
    profiles: Sequence[tuple[str, Sequence[float]]],
    *,
    title: str,
    size: int = 420,
) -> Markup:
    """Profiles on 0–100 scales, one spoke per axis (a region's indicator profile)."""
    n = len(axes)
    if n < 3 or not profiles:
        return _frame(
            size,
            60,
            title,
            "not enough axes",
            f'<text x="10" y="30" font-size="13">{escape(title)}: —</text>',
        )
    side = 110  # room beside the spokes for whole axis names, in up to three lines
    width = size + 2 * side
    cx, cy = width / 2, size / 2
    r = size / 2 - 70

    def point(i: int, v: float) -> tuple[float, float]:
        angle = -math.pi / 2 + 2 * math.pi * i / n
        rr = r * max(0.0, min(v, 100.0)) / 100
        return cx + rr * math.cos(angle), cy + rr * math.sin(angle)

    parts = []
    for level in (25, 50, 75, 100):
        ring = " ".join(f"{x:.1f},{y:.1f}" for x, y in (point(i, level) for i in range(n)))
        parts.append(f'<polygon points="{ring}" fill="none" stroke="#e3e7ee"/>')
    for i, axis in enumerate(axes):
        x, y = point(i, 100)
        parts.append(f'<line x1="{cx}" y1="{cy}" x2="{x:.1f}" y2="{y:.1f}" stroke="#e3e7ee"/>')
        lx, ly = point(i, 118)
        anchor = "middle" if abs(lx - cx) < 10 else ("start" if lx > cx else "end")
        room = 2 * side - 20 if anchor == "middle" else min(lx, width - lx) - 6
        lines = wrap(axis, room, 11)
        top = ly + 4 - (0 if ly > cy + 10 else 13 * (len(lines) - 1) / (1 if ly < cy - 10 else 2))
        spans = "".join(
            f'<tspan x="{lx:.1f}" y="{top + 13 * k:.1f}">{escape(line)}</tspan>'
            for k, line in enumerate(lines)
        )
        parts.append(f'<text font-size="11" text-anchor="{anchor}">{spans}</text>')
    desc = []
    for k, (name, values) in enumerate(profiles):
        colour = PALETTE[k % len(PALETTE)]
        poly = " ".join(f"{x:.1f},{y:.1f}" for x, y in (point(i, v) for i, v in enumerate(values)))
        parts.append(
            f'<polygon points="{poly}" fill="{colour}" fill-opacity="0.18" stroke="{colour}" stroke-width="2"/>'
        )
        parts.append(f'<rect x="8" y="{8 + k * 16}" width="10" height="10" fill="{colour}"/>')
        parts.append(f'<text x="22" y="{17 + k * 16}" font-size="12">{escape(name)}</text>')
        desc.append(
            name + ": " + ", ".join(f"{a} {v:.0f}" for a, v in zip(axes, values, strict=False))
        )
    return _frame(width, size, title, "; ".join(desc), "".join(parts))


def contribution_chart(
    rows: Sequence[tuple[str, Sequence[float], float]],
    parts: Sequence[str],
    *,
    title: str,
    width: int = 760,
    bar_height: int = 18,
) -> Markup:
    """Growth decomposition: per row, its parts stacked from zero (positive to the right,
    negative to the left) and a dot at the total they add up to."""
    return both(
        _contribution_wide(rows, parts, title=title, width=width, bar_height=bar_height),
        phone.contribution_chart(rows, parts, title=title),
    )


def _contribution_wide(
    rows: Sequence[tuple[str, Sequence[float], float]],
    parts: Sequence[str],
    *,
    title: str,
    width: int,
    bar_height: int,
) -> Markup:
    if not rows:
        return _frame(width, 60, title, "no data", f'<text x="10" y="30">{escape(title)}: —</text>')
    left, right, top, legend = 150, 40, 8, 26
    height = top + len(rows) * (bar_height + 6) + 24 + legend
    pos = [sum(v for v in vals if v > 0) for _l, vals, _t in rows]
    neg = [sum(v for v in vals if v < 0) for _l, vals, _t in rows]
    ticks = _ticks(min([0.0, *neg, *(t for *_x, t in rows)]), max([*pos, *(t for *_x, t in rows)]))
    lo, hi = ticks[0], ticks[-1]
    pw = width - left - right

    def px(v: float) -> float:
        return left + (v - lo) / ((hi - lo) or 1) * pw

    out = []
    base = height - 20 - legend
    for t in ticks:
        out.append(
            f'<line x1="{px(t):.1f}" x2="{px(t):.1f}" y1="{top}" y2="{base}" stroke="#e3e7ee"/>'
        )
        out.append(
            f'<text x="{px(t):.1f}" y="{base + 14}" font-size="11" text-anchor="middle" fill="#5b6575">{fmt(t)}</text>'
        )
    out.append(f'<line x1="{px(0):.1f}" x2="{px(0):.1f}" y1="{top}" y2="{base}" stroke="#1d2430"/>')
    for i, (label, values, total) in enumerate(rows):
        y = top + i * (bar_height + 6)
        out.append(_label(left - 8, y + bar_height - 4, label, left - 12))
        up, down = 0.0, 0.0
        for k, v in enumerate(values):
            a, b = (up, up + v) if v >= 0 else (down + v, down)
            up, down = (b, down) if v >= 0 else (up, a)
            out.append(
                f'<rect x="{px(a):.1f}" y="{y}" width="{max(px(b) - px(a), 0.5):.1f}" height="{bar_height}" fill="{PALETTE[k % len(PALETTE)]}">'
                f"<title>{escape(parts[k])}: {fmt(v)}</title></rect>"
            )
        out.append(
            f'<circle cx="{px(total):.1f}" cy="{y + bar_height / 2}" r="4" fill="#fff" stroke="#1d2430" stroke-width="2"/>'
        )
    x = left
    for k, name in enumerate([*parts]):
        out.append(
            f'<rect x="{x}" y="{height - legend + 6}" width="12" height="12" fill="{PALETTE[k % len(PALETTE)]}"/>'
        )
        out.append(
            f'<text x="{x + 16}" y="{height - legend + 16}" font-size="12">{escape(name)}</text>'
        )
        x += 24 + sum(13 if ord(ch) > 0x2E80 else 7 for ch in name)  # CJK is wider
    desc = "; ".join(
        f"{label}: "
        + ", ".join(f"{p} {fmt(v)}" for p, v in zip(parts, values, strict=False))
        + f", total {fmt(total)}"
        for label, values, total in rows[:30]
    )
    return _frame(width, height, title, desc, "".join(out))
