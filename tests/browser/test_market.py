"""In a real browser, on the demo world: an enterprise posts a need in Chinese, the operator
publishes it, the enterprise sees explained suggestions and opens a deal; the operator
introduces the sides, both sides' NDA acceptances are recorded, a past due day is refused,
the parties negotiate, a bad contract is refused and a good one registered, it shows in the
figures (by organisation too), and the operator finds the overdue deals.
Screenshots go to tests/_artifacts/screenshots/market-*.png.
"""

from __future__ import annotations

import re
from datetime import date, timedelta
from typing import Any

import pytest

from tests.browser.conftest import Server, shot
from tests.browser.test_pages import _goto, set_language, sign_in

pytestmark = pytest.mark.browser


def _switch(page: Any, email: str, lang: str) -> None:
    page.context.clear_cookies()
    sign_in(page, email)
    set_language(page, lang)


def _apply(page: Any, action: str) -> None:
    page.select_option("[data-testid=transition] select[name=action]", action)
    with page.expect_navigation():
        page.locator("[data-testid=transition] button[type=submit]").click()


def test_need_to_contract_to_figures(page: Any, server: Server) -> None:
    enterprise = server.accounts["org_admin"].email
    operator = server.accounts["platform_operator"].email

    _switch(page, enterprise, "zh")
    _goto(page, "/market")
    shot(page, "market-zh-listing")
    with page.expect_navigation():
        page.get_by_test_id("post-need").click()
    page.fill("#title", "钙钛矿叠层电池封装可靠性提升")
    page.fill("#summary", "需要提高钙钛矿叠层电池组件的湿热可靠性，寻求封装方案")
    page.fill("#problem", "浏览器测试保密问题")
    page.fill("#industry_code", "3825")
    page.fill("#budget_min", "500000")
    page.fill("#budget_max", "100000")  # below the minimum: refused, nothing saved
    page.check("input[name=modes][value=exclusive_licence]")
    page.check("input[name=modes][value=joint_development]")
    page.uncheck("input[name=modes][value=transfer]")
    with page.expect_response(lambda r: r.request.method == "POST") as posted:
        page.locator("main form button[type=submit]").click()
    assert posted.value.status == 422
    page.wait_for_load_state()
    alert = page.locator("main [role=alert]").first.inner_text()
    assert "预算上限" in alert and "budget_max" not in alert, alert  # its label, not its path
    assert page.input_value("#title") == "钙钛矿叠层电池封装可靠性提升"
    assert page.is_checked("input[name=modes][value=joint_development]")
    assert not page.is_checked("input[name=modes][value=transfer]")
    shot(page, "market-zh-need-form-error")
    page.fill("#budget_max", "2000000")
    with page.expect_navigation():
        page.locator("main form button[type=submit]").click()
    match = re.search(r"/market/needs/(\d+)", page.url)
    assert match, page.url
    need_url = f"/market/needs/{match[1]}"
    shot(page, "market-zh-need-submitted")

    _switch(page, operator, "en")
    _goto(page, "/market")
    assert page.locator(f"main a[href='{need_url}']").count() == 1  # in the screening queue
    _goto(page, need_url)
    _apply(page, "publish")
    shot(page, "market-en-need-published")

    _switch(page, enterprise, "en")
    _goto(page, need_url)
    rows = page.locator("[data-testid=suggestions] tbody tr")
    assert rows.count() >= 3
    first = rows.first.inner_text()
    assert "matched:" in first or "similar in meaning" in first
    shot(page, "market-en-need-suggestions")
    with page.expect_navigation():
        rows.first.locator("button[data-testid^=open-deal]").click()
    deal_url = page.url.split("?")[0]
    assert re.search(r"/market/deals/\d+$", deal_url)
    assert page.get_by_test_id("deal-state").inner_text().strip() == "interest"

    assert page.get_by_test_id("deal-due").inner_text().strip()  # the other side's answer
    shot(page, "market-en-deal-interest")
    deal_path = deal_url.removeprefix(server.url)

    def click(testid: str) -> None:
        with page.expect_navigation():
            page.get_by_test_id(testid).click()

    def state() -> str:
        return page.get_by_test_id("deal-state").inner_text().strip()

    assert page.get_by_test_id("deal-introduce").count() == 0  # not for the side that asked
    _switch(page, operator, "en")  # the operator introduces the two sides
    _goto(page, deal_path)
    click("deal-introduce")
    assert state() == "introduction"
    shot(page, "market-en-deal-introduction")

    _switch(page, enterprise, "en")  # the buyer accepts the NDA for its side
    _goto(page, deal_path)
    click("deal-accept_nda")
    assert state() == "introduction" and page.get_by_test_id("deal-accept_nda").count() == 0
    _switch(page, operator, "en")  # the operator records the seller's signed NDA
    _goto(page, deal_path)
    assert page.get_by_test_id("deal-accept_nda-buyer").count() == 0
    click("deal-accept_nda-seller")
    assert state() == "nda"
    assert "—" not in page.get_by_test_id("deal-nda").inner_text()
    shot(page, "market-en-deal-nda")

    _switch(page, enterprise, "en")
    _goto(page, deal_path)
    due = page.get_by_test_id("due-form")
    page.fill("#due_on", (date.today() - timedelta(days=2)).isoformat())
    with page.expect_response(lambda r: r.request.method == "POST") as posted:
        due.locator("button[type=submit]").click()
    assert posted.value.status == 422
    page.wait_for_load_state()
    assert "in the past" in page.locator("main [role=alert]").first.inner_text()
    shot(page, "market-en-deal-due-error")
    later = (date.today() + timedelta(days=10)).isoformat()
    page.fill("#due_on", later)
    with page.expect_navigation():
        page.get_by_test_id("due-form").locator("button[type=submit]").click()
    assert page.get_by_test_id("deal-due").inner_text().strip().startswith(later)
    click("deal-negotiate")
    assert state() == "negotiating"
    shot(page, "market-en-deal-negotiating")

    form = page.get_by_test_id("contract-form")
    form.locator("select[name=kind]").select_option("licence")
    page.fill("#amount", "-5")
    page.fill("#signed_on", date.today().isoformat())
    page.fill("#registration_no", "2026BROWSER0001")
    with page.expect_response(lambda r: r.request.method == "POST") as posted:
        form.locator("button[type=submit]").click()
    assert posted.value.status == 422
    page.wait_for_load_state()
    assert "negative" in page.locator("main [role=alert]").first.inner_text()
    shot(page, "market-en-contract-error")
    page.fill("#amount", "1500000")
    with page.expect_navigation():
        page.get_by_test_id("contract-form").locator("button[type=submit]").click()
    assert page.get_by_test_id("deal-state").inner_text().strip() == "signed"
    assert "2026BROWSER0001" in page.get_by_test_id("contract").inner_text()
    shot(page, "market-en-contract-signed")

    set_language(page, "zh")
    _goto(page, f"/market/figures?year={date.today().year}")
    assert "技术合同" in page.get_by_test_id("figures").inner_text()
    assert page.locator("[data-testid=by-organisation] tbody tr").count() >= 3
    shot(page, "market-zh-figures")
    page.get_by_test_id("by-organisation").scroll_into_view_if_needed()
    shot(page, "market-zh-figures-by-organisation")

    _switch(page, operator, "zh")  # the operator sees the late deals
    _goto(page, "/market")
    with page.expect_navigation():
        page.get_by_test_id("overdue-deals").locator("a").click()
    rows = page.locator("[data-testid=deals] tbody tr")
    assert rows.count() >= 1 and "已逾期" in rows.first.inner_text()
    shot(page, "market-zh-deals-overdue")


def test_a_researcher_saves_a_search_and_reads_the_inbox(page: Any, server: Server) -> None:
    sign_in(page, server.accounts["member"].email)
    set_language(page, "zh")
    _goto(page, "/market")
    with page.expect_navigation():
        page.get_by_role("link", name="关注与收件箱").click()
    page.select_option("#kind", "search")
    page.select_option("#record_kind", "need")
    page.fill("#query", "钙钛矿 叠层 电池")
    with page.expect_navigation():
        page.locator("main form.card button[type=submit]").click()
    watches = page.locator("main table").nth(1)
    assert "钙钛矿 叠层 电池" in watches.inner_text()
    # A watch without words is refused, saying which field.
    _goto(page, "/market/watches")
    page.select_option("#kind", "search")
    with page.expect_response(lambda r: r.request.method == "POST") as posted:
        page.locator("main form.card button[type=submit]").click()
    assert posted.value.status == 422
    page.wait_for_load_state()
    # named by its label in the reader's language, not by its path
    assert "检索词" in page.locator("main").inner_text()
    _goto(page, "/market/watches")
    shot(page, "member-zh-market-watches")


def test_an_enterprise_finds_a_research_team_for_its_need(page: Any, server: Server) -> None:
    """Need -> ranked teams with the reasons -> the team's profile (names hidden: the
    enterprise has not been admitted to the team's achievements' details)."""
    page.set_default_timeout(60_000)  # the first need page builds the market's search index
    _switch(page, server.accounts["org_admin"].email, "en")
    _goto(page, "/market?kind=needs&mine=true")
    links = page.locator("main table a[href^='/market/needs/']")
    urls = [links.nth(i).get_attribute("href") for i in range(links.count())]
    teams = None
    for url in urls:
        _goto(page, str(url))
        teams = page.locator("[data-testid=team-suggestions] tbody tr a[href^='/market/teams/']")
        if teams.count():
            break
    assert teams is not None and teams.count() >= 2, urls
    first = page.locator("[data-testid=team-suggestions] tbody tr").first.inner_text()
    assert "best match #" in first
    shot(page, "market-en-need-team-suggestions")
    team_urls = [teams.nth(i).get_attribute("href") for i in range(teams.count())]
    with page.expect_navigation():
        teams.first.click()
    assert re.search(r"/market/teams/\d+$", page.url)
    assert page.get_by_test_id("team-name").inner_text().strip()
    assert page.get_by_test_id("profile-achievements").locator("tbody tr").count() >= 1
    # A team whose achievements' details the enterprise has not been admitted to shows
    # no inventor names (the best match may be a partner it already deals with).
    hidden = False
    for team_url in team_urls:
        _goto(page, str(team_url))
        if "not shown" in page.get_by_test_id("members").inner_text():
            hidden = True
            break
    assert hidden, team_urls
    shot(page, "market-en-team")
    set_language(page, "zh")
    page.reload()
    assert "成员" in page.locator("main").inner_text()
    shot(page, "market-zh-team")
