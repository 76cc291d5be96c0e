"""The maps by province as a reader uses them: drawn when they come into view (the live page
has many), all drawn for print, downloaded as PNG with their heading and unit, a map of one
value colouring only its region, and a map on a region's page and on two regions compared."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.browser.conftest import Server, shot
from tests.browser.test_pages import _goto, set_language, sign_in

pytestmark = pytest.mark.browser

CANVAS = "[data-testid=region-map] .map-canvas"
NO_DATA = "#f3f3f3"  # labline-map.js: the grey of a province without a value

FILLS = "el => [...el.querySelectorAll('svg path')].map(p => p.getAttribute('fill'))"
SCALE = """el => {
  const v = echarts.getInstanceByDom(el).getOption().visualMap[0];
  return [v.min, v.max];
}"""
TITLE = """el => {
  const svg = el.querySelector("svg"), box = svg.getBoundingClientRect();
  return [...svg.querySelectorAll("text")].map(t => {
    const r = t.getBoundingClientRect();
    return {text: t.textContent, inside: r.left >= box.left - 1 && r.right <= box.right + 1};
  });
}"""


def _live(page: Any, server: Server) -> None:
    sign_in(page, server.accounts["analyst"].email)
    _goto(page, "/indicators/live?year=2026")


def _draw(page: Any, index: int) -> Any:
    canvas = page.locator(CANVAS).nth(index)
    canvas.scroll_into_view_if_needed()
    page.locator(f"{CANVAS}[data-rendered]").first.wait_for()
    page.wait_for_function(
        "i => document.querySelectorAll('[data-testid=region-map] .map-canvas')[i]"
        ".hasAttribute('data-rendered')",
        arg=index,
    )
    return canvas


def test_the_live_page_draws_its_maps_as_they_come_into_view(page: Any, server: Server) -> None:
    _live(page, server)
    maps = page.locator(CANVAS).count()
    assert maps >= 10  # one per figure with provinces
    page.wait_for_load_state("networkidle")
    drawn = page.locator(f"{CANVAS}[data-rendered]").count()
    assert drawn <= 2, f"{drawn} of {maps} maps drawn before the reader scrolled to them"
    # Every map's numbers are in the page all along, for screen readers and print.
    assert page.locator("[data-testid=region-map] table.map-values").count() == maps
    _draw(page, maps - 1)
    assert page.locator(f"{CANVAS}[data-rendered]").count() < maps
    page.emulate_media(media="print")  # printing draws every map
    page.wait_for_function(
        "n => document.querySelectorAll('.map-canvas[data-rendered]').length === n", arg=maps
    )
    page.emulate_media(media="screen")


def test_a_map_of_one_value_colours_only_its_region(page: Any, server: Server) -> None:
    _live(page, server)
    specs = [
        json.loads(s)
        for s in page.locator(CANVAS).evaluate_all(
            "els => els.map(e => e.getAttribute('data-map'))"
        )
    ]
    single = [i for i, s in enumerate(specs) if len(s["values"]) == 1]
    assert single, "the demo world has a figure held by one province only"
    canvas = _draw(page, single[0])
    value = specs[single[0]]["values"][0]["value"]
    fills = canvas.evaluate(FILLS)
    # 34 areas: the one with a value coloured, the others grey ("no data"), not all of China.
    assert fills.count(NO_DATA) >= 30, fills
    assert canvas.evaluate(SCALE) == [min(0, value), max(0, value) or 1]
    assert "no data" in [t["text"] for t in canvas.evaluate(TITLE)]  # the key says so
    # A province without a value says so too, named in the reader's language.
    held = specs[single[0]]["values"][0]["name"]
    other, english = ("西藏", "Tibet") if held != "西藏" else ("新疆", "Xinjiang")
    canvas.evaluate(
        "(el, name) => echarts.getInstanceByDom(el)"
        ".dispatchAction({type: 'showTip', seriesIndex: 0, name: name})",
        other,
    )
    tip = canvas.locator("div", has_text="no data").last
    assert tip.inner_text().strip() == f"{english}: no data"
    shot(page, "analyst-en-live-one-value-map")


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_a_map_downloads_as_png_with_its_heading_and_unit(
    page: Any, server: Server, lang: str, tmp_path: Path
) -> None:
    sign_in(page, server.accounts["analyst"].email)
    set_language(page, lang)
    _goto(page, "/indicators/rd_intensity")
    canvas = _draw(page, 0)
    figure = page.locator("[data-testid=region-map]").first
    button = figure.locator("button.chart-png")
    assert button.inner_text() == ("Download PNG" if lang == "en" else "下载 PNG")
    texts = canvas.evaluate(TITLE)
    heading = next(t for t in texts if "(%)" in t["text"])  # the heading carries its unit
    assert ("R&D intensity" if lang == "en" else "强度") in heading["text"] and heading["inside"]
    with page.expect_download() as done:
        button.click()
    download = done.value
    assert download.suggested_filename.endswith("(%).png")
    saved = tmp_path / "map.png"
    download.save_as(saved)
    data = saved.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width = int.from_bytes(data[16:20], "big")
    assert width >= 2 * canvas.bounding_box()["width"] - 2  # drawn at twice the screen size


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_region_and_compare_pages_show_a_map(page: Any, server: Server, lang: str) -> None:
    sign_in(page, server.accounts["analyst"].email)
    set_language(page, lang)
    _goto(page, "/indicators/regions/110000")
    canvas = _draw(page, 0)
    spec = json.loads(canvas.get_attribute("data-map"))
    assert spec["marked"] == ["北京"] and len(spec["values"]) == 31
    shot(page, f"analyst-{lang}-region-map")
    _goto(page, "/indicators/regions/110000?compare=310000")
    canvas = _draw(page, 0)
    assert json.loads(canvas.get_attribute("data-map"))["marked"] == ["北京", "上海"]
    # The reader picks the indicator on the map; the comparison stays.
    choice = page.locator("select#map option").nth(1).get_attribute("value")
    page.select_option("select#map", choice)
    with page.expect_navigation():
        page.locator("select#map").evaluate("s => s.form.submit()")
    assert f"map={choice}" in page.url and "compare=310000" in page.url
    _draw(page, 0)
    shot(page, f"analyst-{lang}-compare-map")
