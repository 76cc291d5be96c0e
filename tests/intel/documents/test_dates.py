"""Dates with a precision: parsing a day, a month or a year, the period a date stands for,
how it is shown and the overlap rule a date range applies."""

from __future__ import annotations

from datetime import date

import pytest

from labline.intel.documents.dates import end_of, label, overlaps, parse_when, start_of


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2024-03-05", (date(2024, 3, 5), "day")),
        ("2024-03-05T10:00:00", (date(2024, 3, 5), "day")),
        ("2024年3月5日", (date(2024, 3, 5), "day")),
        ("2024-03", (date(2024, 3, 1), "month")),
        ("2024年3月", (date(2024, 3, 1), "month")),
        ("2024", (date(2024, 1, 1), "year")),
        (2024, (date(2024, 1, 1), "year")),
        ("2024年", (date(2024, 1, 1), "year")),
        (date(2024, 3, 5), (date(2024, 3, 5), "day")),
        ("2024-02-30", None),
        ("2024-13", None),
        ("24", None),
        ("0999", None),
        ("March 2024", None),
        (True, None),
        (None, None),
        ("", None),
    ],
)
def test_parse_when(value, expected):
    assert parse_when(value) == expected


def test_period_and_label():
    assert end_of(date(2024, 1, 1), "year") == date(2024, 12, 31)
    assert end_of(date(2024, 2, 1), "month") == date(2024, 2, 29)
    assert end_of(date(2024, 2, 7), "day") == date(2024, 2, 7)
    assert start_of(date(2024, 2, 7), "year") == date(2024, 1, 1)
    assert start_of(date(2024, 2, 7), "month") == date(2024, 2, 1)
    assert label(date(2024, 1, 1), "year") == "2024"
    assert label(date(2024, 3, 1), "month") == "2024-03"
    assert label(date(2024, 1, 1), "day") == "2024-01-01"
    assert label(None, "year") == ""


def test_a_year_matches_every_range_that_overlaps_it():
    y2024 = (date(2024, 1, 1), "year")
    assert overlaps(*y2024, date(2024, 3, 1), date(2024, 12, 31))
    assert overlaps(*y2024, None, date(2024, 1, 15))
    assert overlaps(*y2024, date(2024, 12, 31), None)
    assert not overlaps(*y2024, date(2025, 1, 1), None)
    assert not overlaps(*y2024, None, date(2023, 12, 31))
    # A day is a day: 2024-01-01 itself is not inside March..December.
    assert not overlaps(date(2024, 1, 1), "day", date(2024, 3, 1), date(2024, 12, 31))
    assert overlaps(date(2024, 2, 1), "month", date(2024, 2, 29), None)
    assert not overlaps(None, "day", date(2024, 1, 1), None)
    assert overlaps(None, "day", None, None)
