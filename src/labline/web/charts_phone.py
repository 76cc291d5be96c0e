"""The phone's pictures of the charts (labline.web.charts draws them beside the desktop's;
the stylesheet shows these on screens up to 600 px wide).

A desktop's picture is 720 px wide: on a 390 px phone it shrinks to half, and its 12 px
labels to 6 px. These are drawn 340 px wide, about the room a phone gives them, so that
their text is shown at about its own size: labels at 14 px, values and axes at 12 px. Bars
run one under another, each with its whole label on a line of its own above it (two lines
at most, then "…" with the whole label as its tooltip); an axis keeps only the ticks whose
labels do not overlap; legends go under the plot, one entry a line.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from markupsafe import Markup, escape

from labline.web.chartkit import (
    FONT,
    PALETTE,
    Series,
    fmt,
    heading_of,
    text_width,
    ticks,
    trace,
    wrap,
)

WIDTH = 340
LABEL = 14  # bar and legend labels
SMALL = 12  # values and axis labels
TITLE = 15
GREY = "#5b6575"
CLASS = "chart chart-narrow"


def frame(height: float, title: str, desc: str, body: str, unit: str = "") -> Markup:
    """The picture with its heading wrapped in up to three lines (a phone is narrow)."""
    lines = wrap(heading_of(title, unit), WIDTH - 8, TITLE)
    top = 12 + 20 * len(lines)
    spans = "".join(
        f'<tspan x="4" y="{18 + 20 * k}">{escape(line)}</tspan>' for k, line in enumerate(lines)
    )
    return Markup(
        f'<svg class="{CLASS}" role="img" viewBox="0 0 {WIDTH} {height + top:.0f}" width="100%" '
        f'style="max-width:480px" xmlns="http://www.w3.org/2000/svg" {FONT}>'
        f"<title>{escape(heading_of(title, unit))}</title><desc>{escape(desc)}</desc>"
        f'<text class="chart-heading" font-size="{TITLE}" font-weight="600">{spans}</text>'
        f'<g transform="translate(0,{top})">{body}</g></svg>'
    )


def empty(title: str) -> Markup:
    return frame(40, title, "no data", f'<text x="4" y="24" font-size="{LABEL}">—</text>')


def axis_ticks(lo: float, hi: float, px_of: Callable[[float], float], room: float) -> list[float]:
    """Tick values over [lo, hi] whose labels, centred under them, neither overlap nor
    leave the picture: every other one goes until they fit."""
    values = ticks(lo, hi, 4)
    while len(values) > 2:
        xs = [px_of(v) for v in values]
        widths = [text_width(fmt(v), SMALL) for v in values]
        crowded = any(
            xs[k + 1] - xs[k] < (widths[k] + widths[k + 1]) / 2 + 8 for k in range(len(xs) - 1)
        )
        outside = xs[0] - widths[0] / 2 < 0 or xs[-1] + widths[-1] / 2 > room
        if not crowded and not outside:
            break
        values = values[::2] if crowded else values[1:-1] or values[:1]
    return values


def _name(
    x: float, y: float, text: str, room: float, record: bool, size: int = LABEL
) -> tuple[str, int]:
    """A label in up to two lines from (x, y); the whole text as a tooltip if shortened.
    Returns the markup and the number of lines."""
    lines = wrap(text, room, size, lines=2)
    tip = (
        f"<title>{escape(text)}</title>"
        if "".join(lines).replace(" ", "") != text.replace(" ", "")
        else ""
    )
    spans = "".join(
        f'<tspan x="{x:.1f}" y="{y + k * (size + 3):.1f}">{escape(line)}</tspan>'
        for k, line in enumerate(lines)
    )
    mark = " data-record" if record else ""
    return f'<text font-size="{size}"{mark}>{tip}{spans}</text>', len(lines)


def bar_chart(
    bars: Sequence[tuple[str, float]],
    *,
    title: str,
    intervals: Sequence[tuple[float, float]] | None = None,
    highlight: str | None = None,
    unit: str = "",
    record_labels: bool = False,
) -> Markup:
    """Bars one under another, each under its whole label, its value at its end."""
    if not bars:
        return empty(title)
    hi = max([v for _l, v in bars] + ([h for _lo, h in intervals] if intervals else []))
    lo = min([0.0, *(v for _l, v in bars), *([a for a, _b in intervals] if intervals else [])])
    values = ticks(lo, hi, 4)
    lo, hi = values[0], values[-1]
    left, right = 6, max(text_width(fmt(v), SMALL) for _l, v in bars) + 12
    pw = WIDTH - left - right

    def px(v: float) -> float:
        return left + (v - lo) / ((hi - lo) or 1) * pw

    bar_h, parts, y = 14, [], 4.0
    rows = []
    for i, (name, value) in enumerate(bars):
        text, n = _name(left, y + LABEL - 2, name, WIDTH - 2 * left, record_labels)
        rows.append(text)
        top = y + n * (LABEL + 3) + 1
        colour = PALETTE[1] if highlight is not None and name == highlight else PALETTE[0]
        a, b = sorted((px(0.0 if lo <= 0 <= hi else lo), px(value)))
        rows.append(
            f'<rect x="{a:.1f}" y="{top:.1f}" width="{max(b - a, 1):.1f}" height="{bar_h}" '
            f'fill="{colour}" rx="2"/>'
        )
        end = value
        if intervals:
            low, high = intervals[i]
            mid = top + bar_h / 2
            rows.append(
                f'<line x1="{px(low):.1f}" x2="{px(high):.1f}" y1="{mid}" y2="{mid}" '
                'stroke="#1d2430" stroke-width="1.5"/>'
            )
            for tick in (low, high):
                rows.append(
                    f'<line x1="{px(tick):.1f}" x2="{px(tick):.1f}" y1="{mid - 5}" '
                    f'y2="{mid + 5}" stroke="#1d2430"/>'
                )
            end = max(value, high)
        rows.append(
            f'<text x="{px(max(end, 0.0 if lo <= 0 else lo)) + 5:.1f}" y="{top + bar_h - 2:.1f}" '
            f'font-size="{SMALL}" fill="{GREY}">{fmt(value)}</text>'
        )
        y = top + bar_h + 10
    base = y
    for t in axis_ticks(lo, hi, px, WIDTH):
        parts.append(
            f'<line x1="{px(t):.1f}" x2="{px(t):.1f}" y1="0" y2="{base:.1f}" stroke="#e3e7ee"/>'
        )
        parts.append(
            f'<text x="{px(t):.1f}" y="{base + 16:.1f}" font-size="{SMALL}" '
            f'text-anchor="middle" fill="{GREY}">{fmt(t)}</text>'
        )
    desc = "; ".join(f"{name}: {fmt(v)}" for name, v in bars[:30])
    return frame(base + 22, title, desc, "".join(parts + rows), unit)


def _legend(names: Sequence[str], y: float, marker: str = "rect") -> tuple[list[str], float]:
    """One entry a line under the plot: a swatch and the whole name (wrapped)."""
    out = []
    for k, name in enumerate(names):
        colour = PALETTE[k % len(PALETTE)]
        if marker == "rect":
            out.append(f'<rect x="6" y="{y + 2:.1f}" width="12" height="12" fill="{colour}"/>')
        else:
            out.append(
                f'<line x1="4" x2="20" y1="{y + 8:.1f}" y2="{y + 8:.1f}" stroke="{colour}" '
                'stroke-width="3"/>'
            )
        text, n = _name(26, y + LABEL - 1, name, WIDTH - 32, record=False)
        out.append(text)
        y += n * (LABEL + 3) + 6
    return out, y


def contribution_chart(
    rows: Sequence[tuple[str, Sequence[float], float]],
    parts: Sequence[str],
    *,
    title: str,
) -> Markup:
    """Growth decomposition on a phone: per row, under its label, the parts stacked from zero
    and a dot at their total; the legend below."""
    if not rows:
        return empty(title)
    pos = [sum(v for v in vals if v > 0) for _l, vals, _t in rows]
    neg = [sum(v for v in vals if v < 0) for _l, vals, _t in rows]
    values = ticks(
        min([0.0, *neg, *(t for *_x, t in rows)]), max([*pos, *(t for *_x, t in rows)]), 4
    )
    lo, hi = values[0], values[-1]
    left, right = 8, 8
    pw = WIDTH - left - right

    def px(v: float) -> float:
        return left + (v - lo) / ((hi - lo) or 1) * pw

    out, body, y, bar_h = [], [], 4.0, 14
    for name, vals, total in rows:
        text, n = _name(left, y + LABEL - 2, name, WIDTH - 2 * left, record=False)
        body.append(text)
        top = y + n * (LABEL + 3) + 1
        up, down = 0.0, 0.0
        for k, v in enumerate(vals):
            a, b = (up, up + v) if v >= 0 else (down + v, down)
            up, down = (b, down) if v >= 0 else (up, a)
            body.append(
                f'<rect x="{px(a):.1f}" y="{top:.1f}" width="{max(px(b) - px(a), 0.5):.1f}" '
                f'height="{bar_h}" fill="{PALETTE[k % len(PALETTE)]}">'
                f"<title>{escape(parts[k])}: {fmt(v)}</title></rect>"
            )
        body.append(
            f'<circle cx="{px(total):.1f}" cy="{top + bar_h / 2:.1f}" r="4" fill="#fff" '
            'stroke="#1d2430" stroke-width="2"/>'
        )
        y = top + bar_h + 10
    base = y
    for t in axis_ticks(lo, hi, px, WIDTH):
        out.append(
            f'<line x1="{px(t):.1f}" x2="{px(t):.1f}" y1="0" y2="{base:.1f}" stroke="#e3e7ee"/>'
        )
        out.append(
            f'<text x="{px(t):.1f}" y="{base + 16:.1f}" font-size="{SMALL}" '
            f'text-anchor="middle" fill="{GREY}">{fmt(t)}</text>'
        )
    out.append(f'<line x1="{px(0):.1f}" x2="{px(0):.1f}" y1="0" y2="{base:.1f}" stroke="#1d2430"/>')
    legend, end = _legend(parts, base + 30)
    desc = "; ".join(
        f"{name}: "
        + ", ".join(f"{p} {fmt(v)}" for p, v in zip(parts, vals, strict=False))
        + f", total {fmt(total)}"
        for name, vals, total in rows[:30]
    )
    return frame(end + 4, title, desc, "".join(out + body + legend))


def line_chart(series: Sequence[Series], *, title: str, y_label: str = "") -> Markup:
    """Lines over the phone's width, a few x labels that do not overlap, the legend below."""
    values = [y for s in series for _x, y in s.points if y is not None]
    xs = [x for s in series for x, _y in s.points]
    if not values:
        return empty(title)
    yt = ticks(min(min(values), 0.0) if min(values) >= 0 else min(values), max(values), 4)
    y0, y1 = yt[0], yt[-1]
    left = int(max(text_width(fmt(t), SMALL) for t in yt)) + 10
    right, top, ph = int(text_width(f"{max(xs):g}", SMALL) / 2) + 6, 8, 200
    pw = WIDTH - left - right
    x0, x1 = min(xs), max(xs)

    def px(x: float) -> float:
        return left + (0 if x1 == x0 else (x - x0) / (x1 - x0) * pw)

    def py(y: float) -> float:
        return top + ph - (y - y0) / ((y1 - y0) or 1) * ph

    out = []
    for t in yt:
        out.append(
            f'<line x1="{left}" x2="{left + pw}" y1="{py(t):.1f}" y2="{py(t):.1f}" '
            'stroke="#e3e7ee"/>'
        )
        out.append(
            f'<text x="{left - 5}" y="{py(t) + 4:.1f}" font-size="{SMALL}" text-anchor="end" '
            f'fill="{GREY}">{fmt(t)}</text>'
        )
    years = sorted(set(xs))
    room = max(text_width(f"{x:g}", SMALL) for x in years) + 10
    step = max(1, -(-len(years) * room // pw))
    shown = years[::-1][:: int(step)]  # counted back from the latest year, which shows
    for x in shown:
        out.append(
            f'<text x="{px(x):.1f}" y="{top + ph + 18}" font-size="{SMALL}" text-anchor="middle" '
            f'fill="{GREY}">{x:g}</text>'
        )
    desc = []
    for i, s in enumerate(series):
        colour = PALETTE[i % len(PALETTE)]
        drawn, said = trace(s, colour, px, py)
        out.extend(drawn)
        if said is not None:
            desc.append(said)
    legend, end = _legend([s.name for s in series], top + ph + 30, marker="line")
    return frame(end + 4, title, "; ".join(desc), "".join(out + legend), y_label)


__all__ = ["WIDTH", "bar_chart", "contribution_chart", "line_chart"]
