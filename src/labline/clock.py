"""The one clock every rule reads.

Services ask `clock.now()` (or take a `now=` argument that defaults to it) instead of calling
`datetime.now` themselves, so that a test freezes or moves time in one place (the suite
travels with `time-machine`) and a rule never depends on the day it happens to run.
"""

from __future__ import annotations

import contextvars
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, time, timedelta, timezone, tzinfo
from zoneinfo import ZoneInfo


def now() -> datetime:
    """The current instant, timezone-aware, in UTC."""
    return datetime.now(UTC)


# Where a time belongs to no facility, pages show it on the reader's clock: the zone on their
# account, else the platform's (the `time_zone` setting, see `use_platform_zone`), else this one.
DISPLAY_ZONE = "Asia/Shanghai"
_platform_zone = DISPLAY_ZONE
_display_zone: contextvars.ContextVar[str | None] = contextvars.ContextVar(
    "labline_display_zone", default=None
)


def use_platform_zone(zone: str) -> None:
    """The platform's zone (the `time_zone` setting): its dates, and its readers' by default."""
    global _platform_zone
    _platform_zone = zone


def display_zone() -> str:
    """The reader's time zone (an IANA name) for times that belong to no facility: the one set
    while rendering for a reader (`reading_in`), else the platform's."""
    return _display_zone.get() or _platform_zone


# --- today ---------------------------------------------------------------------------------------
# "Today" is a local date: at one instant, two or even three dates are in use on earth, from
# the earliest civil zone (UTC-12) to the latest (UTC+14). The rule:
# - a form's default day is today in its reader's zone (`local_today(zone)`, for pages
#   `web.render.reader_today`);
# - a day on which something happened (a payment received, a milestone achieved, shares
#   issued) is refused as "in the future" only when that day has begun nowhere on earth, i.e.
#   it is after today at UTC+14 (`latest_today()`): such a day is local to where it happened,
#   possibly far from whoever records it, and the server cannot know that place;
# - what a date is now (overdue, expired, as of) is judged on the platform's clock (the reader's
#   while rendering for one): `today()`; so is a day set ahead (a deadline, a due day), which
#   that same clock will later find passed; it must not be passed already.
LATEST_ZONE = timezone(timedelta(hours=14))  # the Line Islands (Kiribati)


def local_today(zone: str | tzinfo) -> date:
    """Today's date in a time zone (an IANA name or a tzinfo)."""
    return in_zone(now(), zone).date()


def today() -> date:
    """Today on the display zone's clock: the reader's while rendering for one, else the
    platform's. For what a date is now (overdue, expired); see the rule above."""
    return local_today(display_zone())


def latest_today() -> date:
    """The newest date on earth now: a later date is in the future everywhere."""
    return local_today(LATEST_ZONE)


@contextmanager
def reading_in(zone: str) -> Iterator[None]:
    """Show times in this zone while rendering for one reader (a page, a mail)."""
    token = _display_zone.set(zone)
    try:
        yield
    finally:
        _display_zone.reset(token)


def in_zone(value: datetime, zone: str | tzinfo) -> datetime:
    """A stored instant shown in a time zone (an IANA name or a tzinfo).

    Times are stored in UTC; SQLite hands them back without an offset, which means UTC.
    """
    tz = ZoneInfo(zone) if isinstance(zone, str) else zone
    aware = value if value.tzinfo else value.replace(tzinfo=UTC)
    return aware.astimezone(tz)


def local_dates(start: datetime, end: datetime, zone: str | tzinfo) -> tuple[date, date]:
    """The first and the last local day of the period [start, end).

    A period is defined by local dates: one that ends at local midnight does not include
    that day (2026-01-01+08:00 → 2026-12-01+08:00 is 2026-01-01 – 2026-11-30).
    """
    first = in_zone(start, zone)
    last = in_zone(end, zone)
    if last > first:
        last -= timedelta(microseconds=1)
    return first.date(), last.date()


def local_midnight(day: date, zone: str | tzinfo) -> datetime:
    """The instant a local day begins, in UTC (to store a period given by local dates)."""
    tz = ZoneInfo(zone) if isinstance(zone, str) else zone
    return datetime.combine(day, time(0), tzinfo=tz).astimezone(UTC)
