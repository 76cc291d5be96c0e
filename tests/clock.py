"""The suite's frozen "now".

Every test runs with the clock moved to `NOW` (time-machine, ticking), and writes its dates
relative to it, so no test breaks with the calendar. CI runs the suite once more with
`LABLINE_TEST_NOW` a year ahead to prove it.
"""

from __future__ import annotations

import os
from datetime import UTC, date, datetime, time, timedelta, timezone, tzinfo

# A Monday, early in the small hours in China: dates in UTC and in Asia/Shanghai agree.
DEFAULT_NOW = datetime(2026, 11, 30, 16, 0, tzinfo=UTC)  # 2026-12-01 00:00 in Shanghai


def _configured() -> datetime:
    raw = os.environ.get("LABLINE_TEST_NOW", "").strip()
    if not raw:
        return DEFAULT_NOW
    moment = datetime.fromisoformat(raw)
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


NOW: datetime = _configured()
CST = timezone(timedelta(hours=8))
TODAY: date = NOW.astimezone(CST).date()
YEAR: int = TODAY.year


def day(offset: int) -> date:
    """The date `offset` days after today (in China)."""
    return TODAY + timedelta(days=offset)


def at(offset: int, hour: int, minute: int = 0, tz: tzinfo = CST) -> datetime:
    """`hour:minute` on the day `offset` days after today, in `tz` (China by default)."""
    return datetime.combine(day(offset), time(hour, minute), tz)
