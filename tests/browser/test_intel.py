"""In a real browser, on the demo world: an analyst searches the documents in Chinese, opens a
result with its digest and follows a citation to its paragraph, exports a briefing, sees what
the policy names linked to labline's records (the achievements and needs on offer, with
confidence), and finds recent policy documents on an achievement's and a need's page — in
English and Chinese. Screenshots go to the test artifacts (intel-*.png)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from tests.browser.conftest import Server, shot
from tests.browser.test_pages import _goto, set_language, sign_in

pytestmark = pytest.mark.browser


def test_analyst_reads_a_policy_and_its_ties_to_the_market(page: Any, server: Server) -> None:
    sign_in(page, server.accounts["analyst"].email)
    set_language(page, "en")
    _goto(page, "/intel")
    page.fill("#q", "钙钛矿")
    with page.expect_navigation():
        page.locator("main form[role=search] button[type=submit]").click()
    results = page.locator("main article")
    assert results.count() >= 1
    assert "钙钛矿" in page.locator("main article mark").first.inner_text()
    shot(page, "intel-en-search")

    # The first result: its digest, every point citing numbered paragraphs.
    with page.expect_navigation():
        results.first.locator("h3 a").click()
    digest = page.locator("main .digest")
    assert "Core viewpoint" in digest.inner_text()
    cite = digest.locator("a.cite").first
    number = re.fullmatch(r"\[(\d+)\]", cite.inner_text().strip())
    assert number is not None
    cite.click()
    assert page.url.endswith(f"#p{number[1]}")
    assert page.locator(f"#p{number[1]}").is_visible()
    page.evaluate("window.scrollTo(0, 0)")
    shot(page, "intel-en-document")
    document_url = page.url.split("#")[0]
    title = page.locator("main h1").inner_text().strip()

    # A briefing of it, as Markdown and DOCX.
    with page.expect_download() as md:
        page.get_by_role("link", name="Markdown").click()
    text = Path(md.value.path()).read_text(encoding="utf-8")
    assert title in text and re.search(r"^\[\d+\] ", text, re.M)  # the cited paragraphs
    with page.expect_download() as docx:
        page.get_by_role("link", name="DOCX").click()
    assert docx.value.suggested_filename.endswith(".docx")

    # What the policy names, linked to the directory and the market with confidence. (The
    # first such page of a server process builds the directory and market indexes.)
    with page.expect_navigation(timeout=120_000):
        page.get_by_test_id("links-link").click(no_wait_after=True)
    offer = page.get_by_test_id("on-offer")
    achievement = offer.locator("a[href^='/market/achievements/']").first
    assert "钙钛矿" in achievement.inner_text()
    assert re.search(r"\d+%", offer.inner_text())
    terms = page.get_by_test_id("terms")
    assert "钙钛矿" in terms.inner_text()
    shot(page, "intel-en-links")
    need_href = offer.locator("a[href^='/market/needs/']").first.get_attribute("href")

    # The achievement's page shows recent policy documents about its field.
    with page.expect_navigation():
        achievement.click()
    panel = page.get_by_test_id("intel-panel")
    assert panel.locator("a[href^='/intel/documents/']").count() >= 1
    panel.scroll_into_view_if_needed()
    shot(page, "intel-en-achievement-panel")

    # ...and so does a need's page, with a page of more.
    assert need_href
    _goto(page, need_href)
    panel = page.get_by_test_id("intel-panel")
    assert "钙钛矿" in panel.inner_text()
    with page.expect_navigation():
        panel.get_by_role("link", name="more").click()
    assert page.get_by_test_id("about-documents").locator("li a").count() >= 1

    # The same in Chinese.
    set_language(page, "zh")
    _goto(page, document_url.replace(server.url, "") + "/links")
    assert "可对接的成果与需求" in page.locator("main").inner_text()
    shot(page, "intel-zh-links")
    _goto(page, document_url.replace(server.url, ""))
    assert "核心观点" in page.locator("main .digest").inner_text()
    shot(page, "intel-zh-document")
