"""The language walk: every role, in English and in 中文, visits every page it can reach by
links (one page per route) and finds no UI text in the other language. Record content is
marked in the templates (`data-record`) and skipped; see tests/browser/walk.py.

It runs last in the session (file order): it only reads, and sees the records the other
browser tests added.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from tests.browser.conftest import Server, shot
from tests.browser.test_pages import ROLES, set_language, sign_in
from tests.browser.walk import ALLOWED_IN_ZH, other_language, walk

pytestmark = pytest.mark.browser


def test_the_walk_tells_the_languages_apart() -> None:
    assert other_language("Welcome, 周明", "en") == ("周", "明")
    assert other_language("欢迎，Zhou Ming", "zh") == ("Zhou", "Ming")
    # Acronyms, codes, numbers with units and the allowed names pass on Chinese pages.
    assert (
        other_language("导出 CSV · SEM-01 · 3.5 MW · GB/T 4754 · II 期 · .xlsx · mRNA疫苗", "zh")
        == ()
    )
    assert all(other_language(f"用 {w}", "zh") == () for w in ALLOWED_IN_ZH)
    assert other_language("Sign out", "en") == ()
    assert other_language("退出", "zh") == ()


@pytest.mark.parametrize("role", ROLES)
def test_every_page_speaks_the_readers_language(page: Any, server: Server, role: str) -> None:
    sign_in(page, server.accounts[role].email)
    report = []
    for lang in ("en", "zh"):
        set_language(page, lang)
        visited, found = walk(page, server.url, lang, limit=90)
        assert len(visited) >= 12, f"{role} {lang}: the walk reached only {visited}"
        report += [str(f) for f in found]
    assert not report, f"{len(report)} texts in the other language:\n" + "\n".join(report[:60])


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_deal_messages_show_sender_and_local_time(page: Any, server: Server, lang: str) -> None:
    sign_in(page, server.accounts["platform_operator"].email)
    set_language(page, lang)
    page.goto("/market/deals")
    deal = page.locator("table[data-testid=deals] tbody tr td:first-child a").first
    with page.expect_navigation():
        deal.click()
    messages = page.get_by_test_id("deal-message")
    assert messages.count() > 0
    sender = messages.first.get_by_test_id("message-sender").inner_text()
    # The writer's name and organisation, and the side they write for.
    side = {"en": ("(buyer)", "(seller)"), "zh": ("（买方）", "（卖方）", "(买方)", "(卖方)")}[lang]
    assert any(s in sender for s in side), sender
    when = messages.first.get_by_test_id("message-time")
    stamp = datetime.fromisoformat(str(when.get_attribute("datetime")))
    local = stamp.astimezone(ZoneInfo("Asia/Shanghai")).strftime("%Y-%m-%d %H:%M")
    assert when.inner_text().strip() == local, (when.inner_text(), stamp)
    assert not re.search(r"UTC", sender)
    shot(page, f"deal-messages-{lang}")
