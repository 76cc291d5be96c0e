"""Regional figures on a map of China's provinces as well as in bars: Apache ECharts, served
from labline's own static folder, draws the provinces with their values; the numbers stay in
the page as text for screen readers and print."""

from __future__ import annotations

from typing import Any

import pytest

from tests.browser.conftest import Server, shot
from tests.browser.test_pages import _goto, set_language, sign_in

pytestmark = pytest.mark.browser

VALUE_OF = """el => {
  const chart = echarts.getInstanceByDom(el);
  const data = chart.getOption().series[0].data;
  return Object.fromEntries(
    data.filter(d => typeof d.value === "number").map(d => [d.name, d.value]));
}"""


def _drawn_map(page: Any) -> Any:
    # A map is drawn when it comes near the screen (labline-map.js).
    page.locator("[data-testid=region-map] .map-canvas").first.scroll_into_view_if_needed()
    canvas = page.locator("[data-testid=region-map] .map-canvas[data-rendered]").first
    canvas.wait_for()
    # Every province outline is drawn (34 areas, many of several parts), some filled.
    assert canvas.locator("svg path").count() >= 34
    return canvas


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_rd_intensity_on_the_map_of_provinces(page: Any, server: Server, lang: str) -> None:
    sign_in(page, server.accounts["analyst"].email)
    set_language(page, lang)
    _goto(page, "/indicators/rd_intensity")
    assert page.locator("figure svg.chart").count() >= 1  # the bars are still there
    canvas = _drawn_map(page)
    values = canvas.evaluate(VALUE_OF)
    # The shipped panel's published figures: Beijing 6.73 %, Tibet 0.3 % in 2023.
    assert values["北京"] == 6.73 and values["西藏"] == 0.3 and len(values) == 31
    table = page.locator("[data-testid=region-map] table.map-values")
    beijing = "北京" if lang == "zh" else "Beijing"
    assert beijing in table.inner_text() and "6.73" in table.inner_text()
    shot(page, f"analyst-{lang}-rd-intensity-map")


def test_live_figures_by_province_on_maps(page: Any, server: Server) -> None:
    sign_in(page, server.accounts["analyst"].email)
    _goto(page, "/indicators/live?year=2026")
    canvas = _drawn_map(page)
    assert len(canvas.evaluate(VALUE_OF)) >= 1
    assert page.locator("[data-testid=region-map]").count() >= 2
    shot(page, "analyst-en-live-maps")
