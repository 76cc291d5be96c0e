"""IANA time zones: the names a person or a facility may choose, and their labels."""

from __future__ import annotations

from datetime import datetime
from difflib import get_close_matches
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


def closest(name: str, n: int = 3) -> list[str]:
    """The zone names nearest to a mistyped one (case and spelling), best first."""
    by_folded = {z.casefold(): z for z in sorted(zones())}
    hits = get_close_matches(name.strip().casefold(), list(by_folded), n=n, cutoff=0.6)
    return [by_folded[h] for h in hits]


@cache
def choices() -> tuple[tuple[str, str], ...]:
    """The offered zones as (name, "UTC+08:00"), by name: a picker searches both."""
    now = datetime(2026, 1, 15)  # a fixed day: the label must not depend on today
    out = []
    for name in sorted(z for z in zones() if z.startswith(_OFFERED_PREFIXES) or z == "UTC"):
        offset = now.replace(tzinfo=ZoneInfo(name)).strftime("%z")
        out.append((name, f"UTC{offset[:3]}:{offset[3:]}"))
    return tuple(out)
