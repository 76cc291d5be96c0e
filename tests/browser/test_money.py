"""In a real browser, on the demo world, the money after signing as each demo account sees
it: the operator follows the drug licence from its deal to its ledger (upfront, milestone
and royalty invoices, two royalty reports, the diligence checklist with one report late),
the licence offers with their rNPV, and the licensee's books in yuan; the spin-off's admin
opens its equity deal (the Series A, an equity contract, delivered) and from there its cap
table, whose Series A issuance names the deal and the founding team; the fund's partner
(the investor) finds the deal on the deal-flow board; a member of another organisation
learns of none of it. Screenshots go to tests/_artifacts/screenshots/money-*.png."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from tests.browser.conftest import Server, shot
from tests.browser.test_pages import _goto, set_language, sign_in

pytestmark = pytest.mark.browser


def _deals(server: Server) -> dict[str, Any]:
    """The drug licence's deal and contract, and the Series A's, read with the operator's
    API token (what the operator reaches on the deals board)."""
    token = server.token(server.accounts["platform_operator"].email)
    api = httpx.Client(
        base_url=server.url, headers={"Authorization": f"Bearer {token}"}, timeout=60
    )
    found: dict[str, Any] = {}
    for d in api.get("/api/v1/market/deals").json():
        if d["state"] not in ("signed", "delivered"):
            continue
        contract = api.get(f"/api/v1/market/deals/{d['id']}").json()["contract"]
        if contract["kind"] == "equity":
            found["equity"] = contract
        elif contract["kind"] == "licence":
            book = api.get(f"/api/v1/market/contracts/{contract['id']}/ledger").json()
            if book["reports"]:
                found["drug"] = contract
    assert set(found) == {"equity", "drug"}, found
    return found


def _switch(page: Any, email: str) -> None:
    page.context.clear_cookies()
    sign_in(page, email)
    set_language(page, "en")


def test_the_money_after_signing_as_each_demo_account(page: Any, server: Server) -> None:
    found = _deals(server)
    drug, equity = found["drug"], found["equity"]

    # The operator: the drug licence's deal → its ledger, offers and the licensee's books.
    _switch(page, server.accounts["platform_operator"].email)
    _goto(page, f"/market/deals/{drug['deal_id']}")
    with page.expect_navigation():
        page.get_by_test_id("ledger-link").locator("a").click()
    invoices = page.get_by_test_id("ledger-invoices").inner_text()
    for kind in ("upfront", "milestone", "royalty"):
        assert kind in invoices, invoices
    checklist = page.get_by_test_id("diligence").inner_text()
    assert "CTR20261207" in checklist and "overdue" in checklist, checklist
    totals = page.get_by_test_id("ledger-totals").inner_text()
    assert "Due to date" in totals and "Outstanding" in totals
    shot(page, "money-en-drug-ledger")
    with page.expect_navigation():
        page.get_by_test_id(f"books-link-{drug['buyer_id']}").click()
    books = page.get_by_test_id("books-contracts").inner_text()
    assert drug["registration_no"] in books and "licensee" in books
    _goto(page, f"/market/deals/{drug['deal_id']}/offers")
    compare = page.get_by_test_id("offers-compare").inner_text()
    assert "rNPV" in compare, compare

    # The spin-off's admin: its equity deal, then its cap table.
    _switch(page, server.accounts["org_admin"].email)
    _goto(page, f"/market/deals/{equity['deal_id']}")
    assert "equity" in page.get_by_test_id("contract").inner_text()
    assert page.get_by_test_id("ledger-link").count() == 0  # shares, not licence fees
    with page.expect_navigation():
        page.get_by_test_id("captable-link").locator("a").click()
    issuances = page.get_by_test_id("captable-issuances")
    row = issuances.locator("tr", has=page.locator(f"a[href='/market/deals/{equity['deal_id']}']"))
    assert row.count() == 1 and "Founding R&D team" in row.inner_text(), issuances.inner_text()
    assert page.locator("#team_id option", has_text="Founding R&D team").count() == 1
    shot(page, "money-en-captable")

    # The fund's partner: the deal on the deal-flow board, not the company's cap table.
    _switch(page, server.accounts["investor"].email)
    _goto(page, "/market/investors")
    with page.expect_navigation():
        page.get_by_test_id("my-investor").click()
    board = page.get_by_test_id("deal-board")
    assert board.locator(f"a[href='/market/deals/{equity['deal_id']}']").count() == 1
    _goto(page, f"/market/deals/{equity['deal_id']}")
    assert page.get_by_test_id("captable-link").count() == 0
    _goto(page, f"/market/captables/{equity['seller_id']}", status=404)

    # Someone else: none of it exists.
    _switch(page, server.accounts["member"].email)
    _goto(page, f"/market/captables/{equity['seller_id']}", status=404)
    _goto(page, f"/market/contracts/{drug['id']}/ledger", status=404)
    _goto(page, f"/market/organisations/{drug['buyer_id']}/ledger", status=404)
