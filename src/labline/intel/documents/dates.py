"""A document's date with its precision: a day (2024-03-05), a month (2024-03) or a year
(2024: a Government Work Report says only its year). No database here.

The date stored is the first day of the period; the period's last day is what a range
filter needs. The rule: a document matches a date range when its period overlaps the
range, so a 2024 report is inside 2024-03-01..2024-12-31 (and inside ..2024-01-15), but
not inside 2025-01-01.. . Sorting goes by the first day of the period (a 2024 report sorts
as 2024-01-01, after the dated 2024 documents when the newest come first).
"""

from __future__ import annotations

import calendar
import re
from datetime import date
from typing import Any, Literal

Precision = Literal["day", "month", "year"]
PRECISIONS: tuple[Precision, ...] = ("day", "month", "year")
EARLIEST_YEAR = 1000  # a four-digit year; anything else is not a document's year

_DAY = re.compile(r"^\s*(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ].*)?\s*$")
_MONTH = re.compile(r"^\s*(\d{4})-(\d{1,2})\s*$")
_YEAR = re.compile(r"^\s*(\d{4})\s*$")
_CN_DAY = re.compile(r"^\s*(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日\s*$")
_CN_MONTH = re.compile(r"^\s*(\d{4})\s*年\s*(\d{1,2})\s*月\s*$")
_CN_YEAR = re.compile(r"^\s*(\d{4})\s*年?\s*$")
# A day anywhere in a text (a heading's 2024年3月5日, a page's 2024-03-05T10:00).
_CN_DATE = re.compile(r"((?:19|20)\d{2})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日")
_ISO_DATE = re.compile(r"((?:19|20)\d{2})-(\d{1,2})-(\d{1,2})")


def parse_date(value: Any) -> date | None:
    """The first day named anywhere in the value (None if none, or not a real day)."""
    if isinstance(value, date):
        return value
    text = str(value or "").strip()
    for pattern in (_ISO_DATE, _CN_DATE):
        m = pattern.search(text)
        if m:
            try:
                return date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
            except ValueError:
                return None
    return None


def parse_when(value: Any) -> tuple[date, Precision] | None:
    """A date and its precision from a whole value: 2024-03-05, 2024-03, 2024 (a number
    or a string), 2024年3月5日, 2024年3月, 2024年. None when the value is none of these or
    names no real day (2024-02-30, 2024-13)."""
    if isinstance(value, date):
        return value, "day"
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int):
        value = str(value)
    if not isinstance(value, str):
        return None
    for pattern, precision in (
        (_DAY, "day"),
        (_CN_DAY, "day"),
        (_MONTH, "month"),
        (_CN_MONTH, "month"),
        (_YEAR, "year"),
        (_CN_YEAR, "year"),
    ):
        m = pattern.match(value)
        if m is None:
            continue
        parts = [int(g) for g in m.groups()] + [1, 1]
        if parts[0] < EARLIEST_YEAR:
            return None
        try:
            return date(parts[0], parts[1], parts[2]), precision  # type: ignore[return-value]
        except ValueError:
            return None
    return None


def when_of(value: Any) -> tuple[date, Precision] | None:
    """A source's date field: a day, a month or a year (parse_when), else a day found
    inside it (发布日期：2024年3月5日)."""
    when = parse_when(value)
    if when is None and (day := parse_date(value)) is not None:
        when = (day, "day")
    return when


def start_of(day: date, precision: str) -> date:
    """The first day of the period `day` lies in."""
    if precision == "year":
        return day.replace(month=1, day=1)
    if precision == "month":
        return day.replace(day=1)
    return day


def end_of(day: date, precision: str) -> date:
    """The last day of the period that starts at `day`."""
    if precision == "year":
        return day.replace(month=12, day=31)
    if precision == "month":
        return day.replace(day=calendar.monthrange(day.year, day.month)[1])
    return day


def label(day: date | None, precision: str) -> str:
    """As shown: 2024-03-05, 2024-03 or 2024 ("" without a date)."""
    if day is None:
        return ""
    if precision == "year":
        return f"{day.year:04d}"
    if precision == "month":
        return f"{day.year:04d}-{day.month:02d}"
    return day.isoformat()


def overlaps(day: date | None, precision: str, since: date | None, until: date | None) -> bool:
    """True when the document's period overlaps since..until (either bound may be open);
    a document without a date matches only an unbounded range."""
    if since is None and until is None:
        return True
    if day is None:
        return False
    if since is not None and end_of(day, precision) < since:
        return False
    return not (until is not None and day > until)
