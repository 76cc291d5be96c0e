"""In a real browser, on the demo world: the committee reads the decided call's ranking
(raw and calibrated, split and non-consensus flags, the lottery) in English and 中文; an
applicant reads their decision and anonymous reviews, then applies to the open call
(with a mistake first); the programme manager closes the call and is told clearly why
reviewers cannot be assigned yet. Screenshots go to tests/_artifacts/screenshots."""

from __future__ import annotations

import re
from typing import Any

import pytest

from tests.browser.conftest import Server, shot
from tests.browser.test_pages import _goto, set_language, sign_in

pytestmark = pytest.mark.browser


def _open_call(page: Any, status: str) -> None:
    _goto(page, "/review")
    row = page.locator("main table tbody tr", has_text=status).first
    with page.expect_navigation():
        row.locator("a").first.click()


def test_committee_reads_the_ranking_in_both_languages(page: Any, server: Server) -> None:
    sign_in(page, server.accounts["committee_member"].email)
    _open_call(page, "decided")
    ranking = page.get_by_test_id("ranking")
    rows = ranking.locator("tbody tr")
    assert rows.count() == 60
    assert ranking.locator(".badge", has_text="non-consensus").count() >= 3
    assert ranking.locator(".badge", has_text="split").count() >= 3
    assert "working days" in page.get_by_test_id("clock").inner_text()
    assert re.search(r"seed \d+", page.get_by_test_id("lottery").inner_text())
    shot(page, "review-ranking-en")
    set_language(page, "zh")
    assert page.locator("main h2", has_text="项目排名").is_visible()
    assert page.locator(".badge", has_text="非共识").count() >= 3
    shot(page, "review-ranking-zh")
    # A non-consensus proposal: its reasons and the advocates' and critics' statements.
    flagged = ranking.locator("tbody tr", has=page.locator(".badge", has_text="非共识"))
    with page.expect_navigation():
        flagged.first.locator("a").first.click()
    assert page.locator("main h2", has_text="评审委员会审议").is_visible()
    assert page.locator("main table tbody tr").count() == 3  # three named reviews
    shot(page, "review-proposal-committee-zh")
    set_language(page, "en")


def test_applicant_sees_anonymous_reviews_then_applies(page: Any, server: Server) -> None:
    sign_in(page, server.accounts["member"].email)
    _goto(page, "/review")
    mine = page.locator("main ul li a").first
    with page.expect_navigation():
        mine.click()
    reviewers = page.locator("main table tbody tr td:first-child").all_inner_texts()
    assert reviewers == ["Reviewer 1", "Reviewer 2", "Reviewer 3"]  # never their names
    assert page.locator("dt", has_text="Decision").is_visible()
    shot(page, "review-applicant-decision-en")
    _open_call(page, "open")
    with page.expect_navigation():
        page.get_by_test_id("apply").click()
    page.fill("#title_zh", "钠离子电池硬碳负极的低成本制备")
    page.fill("#title_en", "Low-cost hard-carbon anodes for sodium-ion batteries")
    page.fill("#requested_budget", "800000")
    with page.expect_navigation():
        page.locator("main form button[type=submit]").click()
    assert (
        page.locator("#abstract_en-error").is_visible()
        or page.locator("[role=alert]", has_text="abstract").is_visible()
    )
    assert page.input_value("#title_zh") == "钠离子电池硬碳负极的低成本制备"  # kept
    shot(page, "review-apply-error-en")
    page.fill("#abstract_en", "Hard carbon from biomass, at half today's cost.")
    with page.expect_navigation():
        page.locator("main form button[type=submit]").click()
    assert "/review/proposals/" in page.url
    assert "submitted" in page.locator("main h1 .badge").inner_text()
    shot(page, "review-applied-en")


def test_manager_closes_the_call_and_is_told_what_is_missing(page: Any, server: Server) -> None:
    sign_in(page, server.accounts["platform_operator"].email)
    _open_call(page, "open")
    with page.expect_navigation():
        page.locator("button[value=close]").click()
    assert page.locator("main h1 .badge", has_text="reviewing").is_visible()
    with page.expect_navigation():
        page.locator("button[value=assign]").click()
    assert page.locator("[role=alert]", has_text="reviewers on its panel").is_visible()
    shot(page, "review-manager-assign-error-en")
