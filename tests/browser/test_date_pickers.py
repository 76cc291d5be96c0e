"""Date and time fields in the reader's language (issue 17: the Chinese UI showed mm/dd/yyyy).

Chromium draws `<input type=date|time>` itself, in its own UI language: not the page's
`lang` (which labline sets: zh-CN or en), nor Playwright's `locale`, nor on Linux the
--lang switch, but its environment's LANGUAGE, with Debian's chromium-l10n for the words
(conftest.UI_LANGUAGE). A reader sees the format of their own browser: Chinese 2026/12/01
(年/月/日) and 16:30, British English 01/12/2026 and 16:30, American 12/01/2026 and
04:30 PM. What is sent is the same ISO date and time in every language."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from tests import clock
from tests.browser.conftest import Server, shot
from tests.browser.test_pages import HTML_LANG, _goto, set_language, sign_in

pytestmark = pytest.mark.browser

# The parts of a date or time field, in the order drawn, as the browser names them to
# screen readers (the accessibility tree of the field's own inner parts).
FIELDS = {
    "zh": (["年", "月", "日"], ["小时", "分钟"]),
    "en": (["Day", "Month", "Year"], ["Hours", "Minutes"]),
}


def _parts(page: Any) -> list[tuple[str, int]]:
    cdp = page.context.new_cdp_session(page)
    try:
        nodes = cdp.send("Accessibility.getFullAXTree")["nodes"]
    finally:
        cdp.detach()
    return [
        (n["name"]["value"].split()[0], n["value"]["value"])
        for n in nodes
        if n["role"]["value"] == "spinbutton" and n.get("name", {}).get("value")
    ]


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_date_and_time_fields_speak_the_readers_language(
    page: Any, server: Server, lang: str
) -> None:
    date_parts, time_parts = FIELDS[lang]
    sign_in(page, server.accounts["org_admin"].email)
    set_language(page, lang)
    _goto(page, "/market/new?kind=need")
    assert page.locator("html").get_attribute("lang") == HTML_LANG[lang]
    deadline = clock.TODAY + timedelta(days=30)
    page.fill("#deadline", deadline.isoformat())
    parts = _parts(page)
    assert [name for name, _v in parts] == date_parts, parts  # zh: 年 月 日, not mm/dd/yyyy
    assert dict(parts)[date_parts[0]] == (deadline.year if lang == "zh" else deadline.day)
    assert page.locator("#deadline").input_value() == deadline.isoformat()  # what is sent
    page.locator("#deadline").scroll_into_view_if_needed()
    shot(page, f"date-picker-{lang}-need-form")

    _goto(page, "/facilities")
    with page.expect_navigation():
        page.locator("main a[href^='/facilities/instruments/']").first.click()
    page.fill("#start", "16:30")
    # The booking's From and To fields: hours and minutes on a 24-hour clock, no AM/PM.
    times = [p for p in _parts(page) if p[0] not in date_parts]
    assert [name for name, _v in times] == time_parts * 2, times
    assert times[:2] == [(time_parts[0], 16), (time_parts[1], 30)], times
    assert page.locator("#start").input_value() == "16:30"
