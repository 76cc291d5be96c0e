"""Layout at a laptop's 1280 px and a phone's 390 px: the header's links on one line (the
operator has the most of them, and English words are the longest), and the live figures'
wide table inside the page, never making the page scroll sideways."""

from __future__ import annotations

from typing import Any

import pytest

from tests.browser.conftest import Server, shot
from tests.browser.test_pages import _goto, set_language, sign_in

pytestmark = pytest.mark.browser

LAPTOP = {"width": 1280, "height": 860}
PHONE = {"width": 390, "height": 844}
LINK_ROWS = "() => new Set([...document.querySelectorAll('header nav a')].map(a => Math.round(a.getBoundingClientRect().top))).size"  # noqa: E501
PAGE_WIDTH = "document.documentElement.scrollWidth"


@pytest.mark.parametrize("role", ["platform_operator", "analyst"])
@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_header_links_stay_on_one_line_at_1280_px(
    page: Any, server: Server, lang: str, role: str
) -> None:
    page.set_viewport_size(LAPTOP)
    sign_in(page, server.accounts[role].email)
    set_language(page, lang)
    assert page.locator("header nav a").count() >= 9
    assert page.evaluate(LINK_ROWS) == 1
    header = page.locator("header.top").bounding_box()
    assert header is not None and header["height"] < 100
    assert page.get_by_test_id("header-search").is_visible()
    assert page.get_by_test_id("account").is_visible()
    assert page.evaluate(PAGE_WIDTH) <= LAPTOP["width"]


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_live_figures_table_fits_the_page(page: Any, server: Server, lang: str) -> None:
    page.set_viewport_size(LAPTOP)
    sign_in(page, server.accounts["platform_operator"].email)
    set_language(page, lang)
    _goto(page, "/indicators/live?year=2026")
    table = page.get_by_test_id("live-table")
    assert table.locator("thead th").count() >= 10  # the many figures' columns
    main = page.locator("main").bounding_box()
    box = page.locator(".table-scroll").bounding_box()
    assert (
        main is not None
        and box is not None
        and box["x"] + box["width"] <= main["x"] + main["width"]
    )
    assert page.evaluate(PAGE_WIDTH) <= LAPTOP["width"]
    assert page.evaluate(LINK_ROWS) == 1
    shot(page, f"operator-{lang}-live-1280")

    page.set_viewport_size(PHONE)
    _goto(page, "/indicators/live?year=2026")
    assert page.evaluate(PAGE_WIDTH) <= PHONE["width"]
    # The table scrolls in its own box, its region names kept in view.
    scroller = page.locator(".table-scroll")
    assert scroller.evaluate("el => el.scrollWidth > el.clientWidth")
    first = table.locator("tbody tr td").first
    before = first.bounding_box()
    scroller.evaluate("el => { el.scrollLeft = 400; }")
    after = first.bounding_box()
    assert before is not None and after is not None and abs(after["x"] - before["x"]) < 1
    shot(page, f"operator-{lang}-live-390")
