"""In a real browser, on the demo world: the committee reads the decided call's ranking
(raw and calibrated, split and non-consensus flags, the lottery) in English and 中文; an
applicant reads their decision and anonymous reviews, then applies to the open call
(with a mistake first); the programme manager closes the call and is told clearly why
reviewers cannot be assigned yet. Screenshots go to tests/_artifacts/screenshots."""

from __future__ import annotations

import re
import sqlite3
from pathlib import Path
from typing import Any

import pytest

from labline.review.demo.documents import tiny_pdf
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
    assert page.get_by_test_id("reviews").locator("tbody tr").count() == 3  # named reviews
    shot(page, "review-proposal-committee-zh")
    set_language(page, "en")


def test_applicant_sees_anonymous_reviews_then_applies(page: Any, server: Server) -> None:
    sign_in(page, server.accounts["member"].email)
    _goto(page, "/review")
    mine = page.locator("main ul li a").first
    with page.expect_navigation():
        mine.click()
    reviews = page.locator("main table", has=page.locator("th", has_text="Reviewer"))
    reviewers = reviews.locator("tbody tr td:first-child").all_inner_texts()
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


def test_applicant_reads_the_letter_and_uploads_a_document(
    page: Any, server: Server, tmp_path: Path
) -> None:
    sign_in(page, server.accounts["member"].email)
    _goto(page, "/review")
    decided = (
        page.locator("main ul li", has=page.locator(".badge", has_text="funded"))
        .or_(page.locator("main ul li", has=page.locator(".badge", has_text="rejected")))
        .or_(page.locator("main ul li", has=page.locator(".badge", has_text="waitlisted")))
    )
    with page.expect_navigation():
        decided.first.locator("a").click()
    assert page.get_by_test_id("documents").locator("tbody tr").count() >= 2  # demo files
    with page.expect_navigation():
        page.get_by_test_id("letter-link").click()
    letter = page.get_by_test_id("letter")
    assert letter.get_attribute("lang") == "en"  # the demo member reads English
    assert page.get_by_test_id("headline").inner_text().startswith("Your proposal")
    assert (
        letter.locator("[data-testid=letter-review] h4").first.inner_text().startswith("Reviewer 1")
    )
    text = letter.inner_text()
    assert "Working-day clock" in text and "working days" in text
    for name in ("王磊", "Wang Lei", "刘洋", "Liu Yang", "@", "expert "):
        assert name not in text  # the demo reviewer and committee member are never named
    assert page.locator("button[data-print]").is_visible()
    shot(page, "review-letter-en")
    with page.expect_navigation():
        page.locator("a[href='?lang=zh']").click()
    assert page.get_by_test_id("letter").get_attribute("lang") == "zh-CN"
    assert "评审专家 1" in page.get_by_test_id("letter").inner_text()
    shot(page, "review-letter-zh")
    # The proposal just submitted to the open call: a wrong file first, then a real one.
    _goto(page, "/review")
    submitted = page.locator("main ul li", has=page.locator(".badge", has_text="submitted"))
    with page.expect_navigation():
        submitted.first.locator("a").click()
    fake = tmp_path / "proposal.pdf"
    fake.write_text("this is not a PDF", encoding="utf-8")
    form = page.get_by_test_id("upload")
    form.locator("#kind").select_option("proposal_text")
    form.locator("#file").set_input_files(str(fake))
    with page.expect_navigation():
        form.locator("button[type=submit]").click()
    assert page.locator("#file-error", has_text="the name says PDF").is_visible()
    shot(page, "review-upload-error-en")
    real = tmp_path / "proposal-text.pdf"
    real.write_bytes(tiny_pdf(["Hard-carbon anodes", "Aims and methods"]))
    form = page.get_by_test_id("upload")
    form.locator("#kind").select_option("proposal_text")
    form.locator("#file").set_input_files(str(real))
    with page.expect_navigation():
        form.locator("button[type=submit]").click()
    row = page.get_by_test_id("documents").locator("tbody tr", has_text="proposal-text.pdf")
    assert row.is_visible() and "Proposal text" in row.inner_text()
    shot(page, "review-upload-done-en")


def test_manager_closes_the_call_and_is_told_what_is_missing(page: Any, server: Server) -> None:
    sign_in(page, server.accounts["platform_operator"].email)
    _open_call(page, "open")
    with page.expect_navigation():
        page.locator("button[value=close]").click()
    # Closing early cannot be undone: the page asks first and nothing has changed yet.
    confirm = page.get_by_test_id("confirm")
    assert confirm.is_visible() and "early" in confirm.inner_text()
    assert page.locator("main h1 .badge", has_text="open").is_visible()
    shot(page, "review-manager-close-confirm-en")
    with page.expect_navigation():
        page.get_by_test_id("confirm-yes").click()
    assert page.locator("main h1 .badge", has_text="reviewing").is_visible()
    with page.expect_navigation():
        page.locator("button[value=assign]").click()
    assert page.locator("[role=alert]", has_text="reviewers on its panel").is_visible()
    shot(page, "review-manager-assign-error-en")


def _dossier_under_review(page: Any, server: Server) -> None:
    """Make sure a proposal is before the committee: the member applies to the open call and
    the manager closes it (skipped when earlier steps already did so)."""
    _goto(page, "/review")
    if page.locator("main table tbody tr", has_text="open").count():
        sign_in(page, server.accounts["member"].email)
        _open_call(page, "open")
        with page.expect_navigation():
            page.get_by_test_id("apply").click()
        page.fill("#title_en", "Bio-based hard carbon")
        page.fill("#abstract_en", "Hard carbon from rice husks.")
        page.fill("#requested_budget", "500000")
        with page.expect_navigation():
            page.locator("main form button[type=submit]").click()
        page.context.clear_cookies()
        sign_in(page, server.accounts["platform_operator"].email)
        _open_call(page, "open")
        with page.expect_navigation():
            page.locator("button[value=close]").click()
        page.context.clear_cookies()


def test_committee_discusses_a_dossier_and_the_officer_releases_a_milestone(
    page: Any, server: Server
) -> None:
    _dossier_under_review(page, server)
    sign_in(page, server.accounts["committee_member"].email)
    _open_call(page, "reviewing")
    with page.expect_navigation():
        page.get_by_test_id("ranking").locator("tbody tr a").first.click()
    dossier = page.url.split("#")[0].split("?")[0]
    # An empty post is refused beside the field; then a real one with a stance.
    with page.expect_navigation():
        page.get_by_test_id("new-post").locator("button[type=submit]").click()
    assert page.locator("#text-error").is_visible()
    page.select_option("#post-stance", "support")
    page.fill("#post-body", "原创性很强，值得冒险。Highly original; worth the risk.")
    with page.expect_navigation():
        page.get_by_test_id("new-post").locator("button[type=submit]").click()
    first = page.get_by_test_id("post").last
    assert "Highly original" in first.inner_text() and "support" in first.inner_text()
    post_id = first.get_attribute("id")
    # The programme officer replies in the thread.
    page.context.clear_cookies()
    sign_in(page, server.accounts["platform_operator"].email)
    _goto(page, dossier)
    post = page.locator(f"#{post_id}")
    post.locator("summary", has_text="Reply").click()
    post.locator("textarea[name=text]").first.fill("中试数据在哪里？Where is the pilot data?")
    with page.expect_navigation():
        post.locator("button", has_text="Post reply").click()
    reply = page.get_by_test_id("post").filter(has_text="pilot data").last
    assert f"reply to {post_id.replace('post-', '#')}" in reply.inner_text()
    shot(page, "review-dossier-discussion-en")
    set_language(page, "zh")
    assert page.locator("main h2", has_text="评审委员会讨论").is_visible()
    shot(page, "review-dossier-discussion-zh")
    set_language(page, "en")
    # The officer releases the next milestone of a funded proposal whose report is in.
    with sqlite3.connect(server.data_dir / "labline.db") as conn:
        (funded,) = conn.execute(
            "SELECT proposal_id FROM review_milestones WHERE status = 'reported'"
            " ORDER BY position DESC, proposal_id LIMIT 1"
        ).fetchone()
    _goto(page, f"/review/proposals/{funded}")
    before = page.get_by_test_id("released").inner_text()
    with page.expect_navigation():
        page.get_by_test_id("release").click()
    assert page.get_by_test_id("released").inner_text() != before
    assert page.get_by_test_id("milestones").locator(".badge", has_text="released").count() >= 1
    shot(page, "review-milestone-released-en")
