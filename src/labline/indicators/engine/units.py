"""Unit conversion table: each unit belongs to a dimension and has a factor to its base unit."""

from __future__ import annotations

from labline.indicators.errors import UnknownUnit

# unit -> (dimension, factor to the dimension's base unit)
UNITS: dict[str, tuple[str, float]] = {
    "元": ("currency_cny", 1.0),
    "yuan": ("currency_cny", 1.0),
    "CNY": ("currency_cny", 1.0),
    "千元": ("currency_cny", 1e3),
    "万元": ("currency_cny", 1e4),
    "10k yuan": ("currency_cny", 1e4),
    "百万元": ("currency_cny", 1e6),
    "亿元": ("currency_cny", 1e8),
    "100m yuan": ("currency_cny", 1e8),
    "%": ("ratio", 0.01),
    "percent": ("ratio", 0.01),
    "ratio": ("ratio", 1.0),
    "‰": ("ratio", 0.001),
    "件": ("count_items", 1.0),
    "项": ("count_items", 1.0),
    "个": ("count_items", 1.0),
    "items": ("count_items", 1.0),
    "万件": ("count_items", 1e4),
    "人": ("persons", 1.0),
    "persons": ("persons", 1.0),
    "万人": ("persons", 1e4),
    "人年": ("person_years", 1.0),
    "person-years": ("person_years", 1.0),
    "万人年": ("person_years", 1e4),
    "小时": ("hours", 1.0),
    "hours": ("hours", 1.0),
    "万小时": ("hours", 1e4),
}


def normalise_unit(unit: str) -> str:
    return unit.strip()


def convertible(source: str, target: str) -> bool:
    a, b = UNITS.get(normalise_unit(source)), UNITS.get(normalise_unit(target))
    return a is not None and b is not None and a[0] == b[0]


def factor(*, source: str, target: str) -> float:
    """Multiply a value in `source` by this to express it in `target`."""
    s, t = normalise_unit(source), normalise_unit(target)
    if s == t:
        return 1.0
    if not convertible(s, t):
        raise UnknownUnit(unit=s, target=t)
    return UNITS[s][1] / UNITS[t][1]
