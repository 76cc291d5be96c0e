"""Every demo role's home page lists that role's work, in both languages, at desktop and
phone widths (screenshots in the test artifacts; `make screenshots` writes docs/screenshots/)."""

from __future__ import annotations

from typing import Any

import pytest

from tests.browser.conftest import Server, shot
from tests.browser.test_pages import ROLES, set_language, sign_in

pytestmark = pytest.mark.browser

# The lists each role must find on its home page in the demo world, with work in them.
EXPECTED = {
    "platform_operator": {"records-to-screen": True},
    "reviewer": {"reviews-due": True},
    "committee_member": {"dossiers": True},
    # The round under review is listed but may be empty here: test_facilities, on the same
    # server, schedules and publishes the demo's only one (tests/core/test_home_work.py
    # checks the list's contents).
    "facility_manager": {"bookings-to-approve": True, "cycles-to-schedule": False},
    "org_admin": {"deals-waiting": False},
}


def _count(page: Any, key: str) -> int:
    section = page.locator(f"[data-work='{key}']")
    assert section.count() == 1, f"no {key} list"
    return int(section.get_by_test_id("work-count").inner_text())


@pytest.mark.parametrize("role", ROLES)
def test_each_role_home_lists_its_work(page: Any, server: Server, role: str) -> None:
    sign_in(page, server.accounts[role].email)
    for lang in ("en", "zh"):
        set_language(page, lang)
        for key, must_have_items in EXPECTED.get(role, {}).items():
            n = _count(page, key)
            if must_have_items:
                assert n > 0, f"{role}: the demo world gives {key} nothing to do"
                first = page.locator(f"[data-work='{key}'] li a").first
                assert first.get_attribute("href")
        shot(page, f"home-{role}-{lang}")
        page.set_viewport_size({"width": 390, "height": 844})
        shot(page, f"home-{role}-{lang}-phone")
        page.set_viewport_size({"width": 1280, "height": 860})


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_deal_pipeline_as_a_board(page: Any, server: Server, lang: str) -> None:
    sign_in(page, server.accounts["platform_operator"].email)
    set_language(page, lang)
    page.goto("/market/deals")
    with page.expect_navigation():
        page.get_by_test_id("view-board").click()
    board = page.get_by_test_id("board")
    assert board.is_visible()
    assert page.locator("[data-testid=board] .column").count() == 7
    assert page.locator("[data-testid=board] .deal-card").count() > 0
    shot(page, f"market-{lang}-deal-board")
