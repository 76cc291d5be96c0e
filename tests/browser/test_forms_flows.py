"""In a real browser, on the demo world: the manager enters a call's review criteria as
rows (adding one), a reviewer submits a review from the home page and is told so, sees it
as their own and finds it under their submitted reviews; a region is picked by name."""

from __future__ import annotations

import re
from typing import Any

import pytest

from tests.browser.conftest import Server, shot
from tests.browser.test_pages import _goto, set_language, sign_in

pytestmark = pytest.mark.browser


def _criteria_fit(page: Any) -> None:
    """The criteria rows stay inside their card (each box as wide as its size, not the
    form's 180 px minimum: they stuck out past the card at 1280 px)."""
    table, card = page.evaluate(
        """() => {
          const box = document.querySelector('[data-testid=criteria]');
          const card = box.closest('form').getBoundingClientRect();
          return [box.getBoundingClientRect().right, card.right];
        }"""
    )
    assert table <= card + 0.5, (table, card)


def test_manager_enters_criteria_as_rows(page: Any, server: Server) -> None:
    sign_in(page, server.accounts["platform_operator"].email)
    set_language(page, "en")
    _goto(page, "/review/calls/new")
    rows = page.locator("[data-testid=criteria] tbody tr")
    assert rows.count() == 6  # the four usual criteria and two empty rows
    assert page.input_value("[id='criteria.0.name_en']") == "Originality"
    _criteria_fit(page)
    page.fill("#code", "BROWSER-ROWS")
    page.fill("#title_zh", "浏览器评审标准测试")
    page.fill("#title_en", "Browser criteria rows")
    page.fill("#budget", "900000")
    page.fill("[id='criteria.4.name_zh']", "社会效益")
    page.fill("[id='criteria.4.name_en']", "Social benefit")
    page.select_option("[id='criteria.4.scale']", "1-5")
    page.fill("[id='criteria.4.weight']", "0.1")
    with page.expect_navigation():
        page.get_by_test_id("more-rows").click()
    assert rows.count() == 8  # a row more than the filled ones and two empty
    assert page.input_value("[id='criteria.4.name_en']") == "Social benefit"
    page.fill("[id='criteria.5.name_en']", "Half a row")  # no Chinese name, no weight
    with page.expect_navigation():
        page.get_by_role("button", name="Create the call").click()
    assert page.locator("[id='criteria.5.name_zh-error']").is_visible()
    assert page.locator("[id='criteria.5.weight-error']").is_visible()
    shot(page, "review-en-call-form-criteria-errors")
    page.fill("[id='criteria.5.name_en']", "")
    with page.expect_navigation():
        page.get_by_role("button", name="Create the call").click()
    assert re.search(r"/review/calls/\d+", page.url), page.url
    set_language(page, "zh")
    _goto(page, "/review/calls/new")
    _criteria_fit(page)
    shot(page, "review-zh-call-form-criteria")


def test_reviewer_submits_a_review_and_sees_it_as_their_own(page: Any, server: Server) -> None:
    sign_in(page, server.accounts["reviewer"].email)
    set_language(page, "en")
    _goto(page, "/")
    due = page.locator("[data-work='reviews-due']")
    before = int(due.get_by_test_id("work-count").inner_text())
    assert before > 0
    first = due.locator("li a").first
    title = first.inner_text().strip()
    with page.expect_navigation():
        first.click()
    for field in page.locator("form[action$='/review'] input[type=number][name^=score_]").all():
        field.fill(field.get_attribute("max") or "5")
    page.fill("#comment", "A careful and original plan.")
    with page.expect_navigation():
        page.get_by_role("button", name="Submit review").click()
    done = page.get_by_test_id("done")
    assert done.is_visible() and title in done.inner_text()
    own = page.get_by_test_id("own-review-row")
    assert own.is_visible() and "Your review" in own.inner_text()
    assert not re.search(r"#\d+", page.locator("[data-testid=reviews]").inner_text())
    shot(page, "review-en-review-submitted")
    _goto(page, "/review")
    assert title in page.get_by_test_id("reviewed").inner_text()
    assert title not in page.get_by_test_id("to-review").inner_text()
    shot(page, "review-en-reviewer-queue")
    _goto(page, "/")
    after = int(page.locator("[data-work='reviews-due']").get_by_test_id("work-count").inner_text())
    assert after == before - 1
    set_language(page, "zh")
    _goto(page, "/review")
    assert page.get_by_test_id("reviewed").is_visible()
    shot(page, "review-zh-reviewer-queue")


def test_a_region_is_picked_by_its_name(page: Any, server: Server) -> None:
    sign_in(page, server.accounts["platform_operator"].email)
    set_language(page, "zh")
    _goto(page, "/market?kind=achievements")
    box = page.locator("#region")
    assert box.get_attribute("list") == "region-choices"
    option = page.locator("#region-choices option[value='320500']")
    assert "苏州" in option.inner_text() and "Suzhou" in option.inner_text()
    box.fill("440000")
    with page.expect_navigation():
        page.locator("form[role=search] button[type=submit]").click()
    assert "region=440000" in page.url
    assert page.input_value("#region") == "440000"
    shot(page, "market-zh-region-picker")
