"""The one clock every rule reads.

Services ask `clock.now()` (or take a `now=` argument that defaults to it) instead of calling
`datetime.now` themselves, so that a test freezes or moves time in one place (the suite
travels with `time-machine`) and a rule never depends on the day it happens to run.
"""

from __future__ import annotations

import contextvars
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from zoneinfo import ZoneInfo


def now() -> datetime:
    """The current instant, timezone-aware, in UTC."""
    return datetime.now(UTC)


def today() -> date:
    """Today's date in UTC (pages that need the user's or a facility's date convert `now()`)."""
    return now().date()


# Where a time belongs to no facility, pages show it on the reader's clock: the zone on their
# account, else the platform's (the `time_zone` setting), else this one.
DISPLAY_ZONE = "Asia/Shanghai"
_display_zone: contextvars.ContextVar[str] = contextvars.ContextVar(
    "labline_display_zone", default=DISPLAY_ZONE
)


def display_zone() -> str:
    """The reader's time zone (an IANA name) for times that belong to no facility."""
    return _display_zone.get()


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
