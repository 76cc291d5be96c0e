"""On a 390 px phone the header's links fold behind a menu button (a check box and its
label, no script) and every link stays reachable; pages do not scroll sideways."""

from __future__ import annotations

from typing import Any

import pytest

from tests.browser.conftest import Server, shot
from tests.browser.test_pages import _goto, set_language, sign_in

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}


def _no_sideways_scroll(page: Any) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"{page.url} is {width} px wide on a 390 px screen"


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_header_menu_works_on_a_phone(page: Any, server: Server, lang: str) -> None:
    sign_in(page, server.accounts["org_admin"].email)
    set_language(page, lang)  # with the desktop header's link, then on to the phone
    page.set_viewport_size(PHONE)
    nav = page.locator("header nav a[href='/market']")
    button = page.get_by_test_id("menu-button")
    assert button.is_visible() and not nav.is_visible()  # folded
    header = page.locator("header.top").bounding_box()
    assert header is not None and header["height"] < 80  # one line, not ten
    _no_sideways_scroll(page)
    shot(page, f"phone-{lang}-home")

    button.click()
    assert nav.is_visible()
    for link in page.locator("header nav a").all():
        box = link.bounding_box()
        assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"]
    assert page.get_by_test_id("account").is_visible()
    shot(page, f"phone-{lang}-menu-open")
    with page.expect_navigation():
        nav.click()
    assert page.url.endswith("/market")
    assert not page.locator("header nav a[href='/market']").is_visible()  # folded again
    _no_sideways_scroll(page)

    _goto(page, "/market/new?kind=need")
    _no_sideways_scroll(page)
    shot(page, f"phone-{lang}-need-form")


def test_the_menu_button_is_hidden_on_a_desktop(page: Any, server: Server) -> None:
    _goto(page, "/")
    assert not page.get_by_test_id("menu-button").is_visible()
    assert page.locator("header nav a[href='/market']").is_visible()


def test_the_investor_feed_pages_and_stacks_on_a_phone(page: Any, server: Server) -> None:
    """Issue 17: the feed was a wide table of 30 rows with no way on; on a phone each row
    is a card the width of the screen, with whole titles, and the pager goes on."""
    sign_in(page, server.accounts["investor"].email)
    set_language(page, "zh")
    page.set_viewport_size(PHONE)
    _goto(page, "/market/investors")
    with page.expect_navigation():
        page.get_by_test_id("my-investor").click()
    _no_sideways_scroll(page)
    items = page.get_by_test_id("feed-item")
    assert items.count() == 25  # a page, not everything
    first_page = set()
    for item in items.all():
        box = item.bounding_box()
        assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"]
        assert box["width"] > 0.85 * PHONE["width"]  # a card across the screen, not a column
        title = item.locator(".feed-title a")
        if title.count():
            size = title.evaluate("a => parseFloat(getComputedStyle(a).fontSize)")
            assert size >= 14 and title.bounding_box()["width"] > 100
            first_page.add(title.get_attribute("href"))
        button = item.locator("button")
        if button.count():
            b = button.bounding_box()
            assert b is not None and b["height"] >= 32 and b["x"] + b["width"] <= PHONE["width"]
    shot(page, "phone-zh-investor-feed")
    nxt = page.locator("nav.pager a[rel=next]")
    assert nxt.is_visible()
    with page.expect_navigation():
        nxt.click()
    assert "page=2" in page.url and page.url.endswith("#feed")
    later = {
        a.get_attribute("href") for a in page.locator("[data-testid=feed-item] .feed-title a").all()
    }
    assert page.get_by_test_id("feed-item").count() > 0 and not later & first_page
    assert page.locator("nav.pager a[rel=prev]").is_visible()
    _no_sideways_scroll(page)
    shot(page, "phone-zh-investor-feed-page-2")


# Each line of text drawn in the visible charts: its box on the screen, its rendered font
# size (the SVG's size times the picture's scale) and the box of its picture.
CHART_TEXT = """() => [...document.querySelectorAll("main svg.chart")]
  .filter(svg => svg.getClientRects().length)
  .flatMap(svg => {
    const frame = svg.getBoundingClientRect(), scale = svg.getScreenCTM().a;
    return [...svg.querySelectorAll("text")].flatMap(t => {
      const parts = t.querySelectorAll("tspan").length ? [...t.querySelectorAll("tspan")] : [t];
      return parts.map(p => {
        const b = p.getBoundingClientRect();
        return {text: p.textContent, px: parseFloat(t.getAttribute("font-size")) * scale,
                box: [b.left, b.top, b.right, b.bottom],
                frame: [frame.left, frame.top, frame.right, frame.bottom]};
      });
    });
  })"""


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_bar_charts_are_legible_on_a_phone(page: Any, server: Server, lang: str) -> None:
    """Issue 17: at 390 px the desktop's bar chart shrank to half (6 px labels). On a phone
    the page shows the phone's picture: every label whole and at least 12 px, inside the
    picture, no two overlapping; a desktop keeps its own picture."""
    sign_in(page, server.accounts["analyst"].email)
    set_language(page, lang)
    _goto(page, "/indicators/rd_intensity")
    assert page.locator("main svg.chart-wide:visible").count() >= 2
    assert page.locator("main svg.chart-narrow:visible").count() == 0
    page.set_viewport_size(PHONE)
    assert page.locator("main svg.chart-wide:visible").count() == 0
    bars = page.locator("main figure svg.chart-narrow:visible").first
    assert bars.locator("rect").count() == 31  # every province, each its own bar
    _no_sideways_scroll(page)
    lines = page.evaluate(CHART_TEXT)
    assert len(lines) > 2 * 31
    for line in lines:
        assert line["px"] >= 12, line
        left, top, right, _bottom = line["box"]
        f_left, f_top, f_right, _f_bottom = line["frame"]
        assert left >= f_left - 1 and right <= f_right + 1 and top >= f_top - 1, line
        assert f_right <= PHONE["width"]
    for i, a in enumerate(lines):
        for b in lines[i + 1 :]:
            if a["frame"] != b["frame"]:
                continue
            ax0, ay0, ax1, ay1 = a["box"]
            bx0, by0, bx1, by1 = b["box"]
            overlap = min(ax1, bx1) - max(ax0, bx0) > 1 and min(ay1, by1) - max(ay0, by0) > 2
            assert not overlap, (a["text"], b["text"])
    shot(page, f"phone-{lang}-indicator-bars")
