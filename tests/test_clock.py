"""Issue 17: "today" is a local date. A form offers its reader's today; a day something
happened on is "in the future" only when it has begun nowhere on earth (after today at
UTC+14); what a date is now (overdue, expired) follows the platform's clock."""

from __future__ import annotations

from datetime import UTC, date, datetime

import time_machine

from labline import clock

# 00:30 on 1 December in Shanghai, 17:30 on 30 November in Berlin, 06:30 on 1 December at UTC+14.
SHANGHAI_SMALL_HOURS = datetime(2026, 11, 30, 16, 30, tzinfo=UTC)


def test_a_form_offers_today_on_its_readers_clock():
    with time_machine.travel(SHANGHAI_SMALL_HOURS, tick=False):
        assert clock.local_today("Asia/Shanghai") == date(2026, 12, 1)
        assert clock.local_today("Europe/Berlin") == date(2026, 11, 30)
        assert clock.local_today("UTC") == date(2026, 11, 30)


def test_a_day_is_in_the_future_only_once_it_has_begun_nowhere():
    with time_machine.travel(SHANGHAI_SMALL_HOURS, tick=False):
        assert clock.latest_today() == date(2026, 12, 1)
    # 09:59 UTC: still 30 November everywhere, 23:59 at UTC+14 (17:59 in Shanghai) ...
    with time_machine.travel(datetime(2026, 11, 30, 9, 59, tzinfo=UTC), tick=False):
        assert clock.latest_today() == date(2026, 11, 30)
    # ... and a minute past 10:00 UTC 1 December has begun in the Line Islands.
    with time_machine.travel(datetime(2026, 11, 30, 10, 1, tzinfo=UTC), tick=False):
        assert clock.latest_today() == date(2026, 12, 1)


def test_today_is_the_platforms_and_the_readers_while_rendering_for_one():
    with time_machine.travel(SHANGHAI_SMALL_HOURS, tick=False):
        assert clock.display_zone() == "Asia/Shanghai"
        assert clock.today() == date(2026, 12, 1)  # not the UTC date, 30 November
        with clock.reading_in("Europe/Berlin"):
            assert clock.today() == date(2026, 11, 30)
        clock.use_platform_zone("America/New_York")
        try:
            assert clock.display_zone() == "America/New_York"
            assert clock.today() == date(2026, 11, 30)
            with clock.reading_in("Asia/Tokyo"):
                assert clock.today() == date(2026, 12, 1)
        finally:
            clock.use_platform_zone(clock.DISPLAY_ZONE)
        assert clock.today() == date(2026, 12, 1)
