"""On a 390 px phone the header's links fold behind a menu button (a check box and its
label, no script) and every link stays reachable; pages do not scroll sideways."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.browser.conftest import Server, shot
from tests.browser.test_pages import _goto, set_language, sign_in

pytestmark = pytest.mark.browser

DOCS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
PHONE = {"width": 390, "height": 844}


def _doc_shot(page: Any, name: str) -> None:
    shot(page, name)
    DOCS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(DOCS / f"{name}.png"), full_page=False)


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
    _doc_shot(page, f"phone-{lang}-home")

    button.click()
    assert nav.is_visible()
    for link in page.locator("header nav a").all():
        box = link.bounding_box()
        assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"]
    assert page.get_by_test_id("account").is_visible()
    _doc_shot(page, f"phone-{lang}-menu-open")
    with page.expect_navigation():
        nav.click()
    assert page.url.endswith("/market")
    assert not page.locator("header nav a[href='/market']").is_visible()  # folded again
    _no_sideways_scroll(page)

    _goto(page, "/market/new?kind=need")
    _no_sideways_scroll(page)
    _doc_shot(page, f"phone-{lang}-need-form")


def test_the_menu_button_is_hidden_on_a_desktop(page: Any, server: Server) -> None:
    _goto(page, "/")
    assert not page.get_by_test_id("menu-button").is_visible()
    assert page.locator("header nav a[href='/market']").is_visible()
