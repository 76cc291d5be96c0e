"""IANA time zones: the names a person or a facility may choose, and their labels."""

from __future__ import annotations

from datetime import datetime
from functools import cache
from zoneinfo import ZoneInfo, available_timezones

# Legacy aliases (US/Eastern, Etc/GMT+8, PRC ...) stay valid but are not offered.
_OFFERED_PREFIXES = (
    "Africa/",
    "America/",
    "Antarctica/",
    "Arctic/",
    "Asia/",
    "Atlantic/",
    "Australia/",
    "Europe/",
    "Indian/",
    "Pacific/",
)


@cache
def zones() -> frozenset[str]:
    return frozenset(available_timezones())


def is_zone(name: str | None) -> bool:
    return bool(name) and name in zones()


@cache
def choices() -> tuple[tuple[str, str], ...]:
    """The offered zones as (name, "UTC+08:00"), by name: a picker searches both."""
    now = datetime(2026, 1, 15)  # a fixed day: the label must not depend on today
    out = []
    for name in sorted(z for z in zones() if z.startswith(_OFFERED_PREFIXES) or z == "UTC"):
        offset = now.replace(tzinfo=ZoneInfo(name)).strftime("%z")
        out.append((name, f"UTC{offset[:3]}:{offset[3:]}"))
    return tuple(out)
