"""The header's one search box, in a real browser: typed on any page, it finds records of
every kind, grouped by kind, each linking to its page."""

from __future__ import annotations

from typing import Any

import pytest

from tests.browser.conftest import Server, shot
from tests.browser.test_pages import set_language, sign_in

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_header_box_finds_every_kind(page: Any, server: Server, lang: str) -> None:
    sign_in(page, server.accounts["member"].email)
    set_language(page, lang)
    box = page.get_by_test_id("header-search")
    box.fill("钙钛矿")
    with page.expect_navigation():
        box.press("Enter")
    kinds = page.locator("[data-testid=search-group]").evaluate_all(
        "els => els.map(e => e.dataset.kind)"
    )
    assert {"need", "achievement"} <= set(kinds), kinds
    first = page.locator("[data-kind=achievement] [data-testid=search-hit] a").first
    href = first.get_attribute("href")
    assert href and href.startswith("/market/achievements/")
    shot(page, f"member-{lang}-search-everything")
    with page.expect_navigation():
        first.click()
    assert page.url.endswith(href)
