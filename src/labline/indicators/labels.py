"""How an indicator is named and which way is better, from the catalogue when it knows it."""

from __future__ import annotations

from labline import i18n


def name(code: str) -> str:
    entry = _catalogue_entry(code)
    if entry is None:
        return _by_division(code) or code
    return i18n.pick(getattr(entry, "name_zh", ""), getattr(entry, "name_en", "")) or code


def _by_division(code: str) -> str | None:
    """A live figure split by GB/T 4754 division (`equity_investment_38`): the catalogued
    figure's name and the division's, instead of the raw code on a chart or a column."""
    entry = _division_base(code)
    if entry is None:
        return None
    from labline.core.names import industry_name

    figure = i18n.pick(getattr(entry, "name_zh", ""), getattr(entry, "name_en", ""))
    return f"{figure} · {industry_name(code.rpartition('_')[2])}"


def _division_base(code: str) -> object | None:
    base, _, division = code.rpartition("_")
    return _catalogue_entry(base) if base and division.isdigit() else None


def unit(code: str) -> str:
    """The indicator's unit in the reader's language ("" when the catalogue has none)."""
    from labline.indicators.unit_labels import unit_label

    entry = _catalogue_entry(code) or _division_base(code)
    raw = getattr(entry, "unit", "") if entry is not None else ""
    return unit_label(raw) if raw else ""


def higher_is_better(code: str) -> bool:
    entry = _catalogue_entry(code)
    direction = str(getattr(entry, "direction", "higher")) if entry is not None else "higher"
    return "lower" not in direction.lower()


def _catalogue_entry(code: str) -> object | None:
    from labline.indicators.catalogue import catalogue

    return catalogue().get(code)
