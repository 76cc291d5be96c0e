"""What the server-drawn charts share: the palette, nice tick values, number formats, label
fitting and wrapping, and the frame (title, heading, description) of each picture. The
charts themselves are in labline.web.charts (a desktop's picture) and
labline.web.charts_phone (a phone's)."""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from markupsafe import Markup, escape

PALETTE = ("#0f5c8c", "#d9822b", "#2e8540", "#a23b72", "#6b5b95", "#c0392b", "#1b998b", "#7f8c8d")
FONT = 'font-family="system-ui, sans-serif"'


@dataclass(frozen=True)
class Series:
    name: str
    points: Sequence[tuple[float, float | None]]  # (x, y); None is a gap


def trace(
    s: Series, colour: str, px: Callable[[float], float], py: Callable[[float], float]
) -> tuple[list[str], str | None]:
    """One series as a line (broken at gaps) with a dot on its latest point: the SVG parts,
    and the words describing that point ("name: value (x)"), None for an empty series."""
    path, pen = [], "M"
    for x, y in sorted(s.points, key=lambda p: p[0]):
        if y is None:
            pen = "M"
            continue
        path.append(f"{pen}{px(x):.1f},{py(y):.1f}")
        pen = "L"
    parts = [f'<path d="{" ".join(path)}" fill="none" stroke="{colour}" stroke-width="2"/>']
    last = [(x, y) for x, y in s.points if y is not None]
    if not last:
        return parts, None
    lx, ly = max(last, key=lambda p: p[0])
    parts.append(f'<circle cx="{px(lx):.1f}" cy="{py(ly):.1f}" r="3" fill="{colour}"/>')
    return parts, f"{s.name}: {fmt(ly)} ({lx:g})"


def ticks(lo: float, hi: float, n: int = 5) -> list[float]:
    """'Nice' tick values covering [lo, hi] (1, 2, 2.5 or 5 times a power of ten)."""
    if not math.isfinite(lo) or not math.isfinite(hi):
        return [0.0]
    if hi == lo:
        hi = lo + (abs(lo) or 1.0)
    raw = (hi - lo) / max(n, 1)
    power = 10 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 2.5, 5, 10) if m * power >= raw)
    start = math.floor(lo / step) * step
    ticks, t = [], start
    while t <= hi + step * 1e-9:
        ticks.append(round(t, 10))
        t += step
    if ticks[-1] < hi:
        ticks.append(round(t, 10))
    return ticks


def fmt(value: float) -> str:
    if abs(value) >= 1e9:
        return f"{value / 1e9:.3g}B"
    if abs(value) >= 1e6:
        return f"{value / 1e6:.3g}M"
    if abs(value) >= 1e4:
        return f"{value / 1e3:.3g}k"
    return f"{value:.4g}"


HEADING = 24  # the chart's visible title, so that a saved or printed picture keeps it


def text_width(text: str, size: float) -> float:
    """A label's width in the chart's font, estimated: CJK characters are square, Latin
    ones about 0.6 of the font size."""
    return sum(size if ord(ch) >= 0x2E80 else 0.6 * size for ch in text)


def fit(text: str, room: float, size: float) -> str:
    """The label, shortened with "…" at the end only if it cannot fit in `room` pixels."""
    if text_width(text, size) <= room:
        return text
    out = ""
    for ch in text:
        if text_width(out + ch + "…", size) > room:
            break
        out += ch
    return out + "…"


_TOKENS = re.compile(r"[\u2e80-\U0010ffff]|[^\s\u2e80-\U0010ffff]+\s*|\s+")


def wrap(text: str, room: float, size: float, lines: int = 3) -> list[str]:
    """The label in lines of at most `room` pixels: Latin text breaks between words, CJK
    between characters; only a label longer than `lines` lines is shortened with "…"."""
    if text_width(text, size) <= room:
        return [text]
    out: list[str] = []
    line = ""
    for token in _TOKENS.findall(text):
        if line.strip() and text_width((line + token).rstrip(), size) > room:
            out.append(line.rstrip())
            line = token.lstrip()
        else:
            line += token
    if line.strip():
        out.append(line.rstrip())
    if len(out) > lines:
        joiner = "" if ord(out[lines - 1][-1]) >= 0x2E80 else " "
        out = [*out[: lines - 1], joiner.join(out[lines - 1 :])]
    return [fit(x, room, size) for x in out]


def label(
    x: float,
    y: float,
    text: str,
    room: float,
    size: int = 12,
    anchor: str = "end",
    record: bool = False,
) -> str:
    """A label that shows whole or shortened, with the full text as its tooltip; `record`
    marks it as record content (a name as written, in either language)."""
    shown = fit(text, room, size)
    tip = f"<title>{escape(text)}</title>" if shown != text else ""
    mark = " data-record" if record else ""
    return (
        f'<text x="{x:.1f}" y="{y:.1f}" font-size="{size}" text-anchor="{anchor}"{mark}>'
        f"{tip}{escape(shown)}</text>"
    )


def heading_of(title: str, unit: str = "") -> str:
    return f"{title} ({unit})" if unit and unit not in title else title


def frame(
    width: int,
    height: int,
    title: str,
    desc: str,
    body: str,
    unit: str = "",
    cls: str = "chart",
) -> Markup:
    heading = heading_of(title, unit)
    return Markup(
        f'<svg class="{cls}" role="img" viewBox="0 0 {width} {height + HEADING}" width="100%" '
        f'style="max-width:{width}px" xmlns="http://www.w3.org/2000/svg" {FONT}>'
        f"<title>{escape(heading)}</title><desc>{escape(desc)}</desc>"
        f'<text class="chart-heading" x="4" y="16" font-size="14" font-weight="600">'
        f"{escape(heading)}</text>"
        f'<g transform="translate(0,{HEADING})">{body}</g></svg>'
    )
