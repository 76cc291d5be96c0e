"""The one clock every rule reads.

Services ask `clock.now()` (or take a `now=` argument that defaults to it) instead of calling
`datetime.now` themselves, so that a test freezes or moves time in one place (the suite
travels with `time-machine`) and a rule never depends on the day it happens to run.
"""

from __future__ import annotations

from datetime import UTC, date, datetime


def now() -> datetime:
    """The current instant, timezone-aware, in UTC."""
    return datetime.now(UTC)


def today() -> date:
    """Today's date in UTC (pages that need the user's or a facility's date convert `now()`)."""
    return now().date()
