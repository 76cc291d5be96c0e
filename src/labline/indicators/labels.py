"""How an indicator is named and which way is better, from the catalogue when it knows it."""

from __future__ import annotations

from labline import i18n


def name(code: str) -> str:
    entry = _catalogue_entry(code)
    if entry is None:
        return code
    return i18n.pick(getattr(entry, "name_zh", ""), getattr(entry, "name_en", "")) or code


def unit(code: str) -> str:
    """The indicator's unit in the reader's language ("" when the catalogue has none)."""
    from labline.indicators.unit_labels import unit_label

    entry = _catalogue_entry(code)
    raw = getattr(entry, "unit", "") if entry is not None else ""
    return unit_label(raw) if raw else ""


def higher_is_better(code: str) -> bool:
    entry = _catalogue_entry(code)
    direction = str(getattr(entry, "direction", "higher")) if entry is not None else "higher"
    return "lower" not in direction.lower()


def _catalogue_entry(code: str) -> object | None:
    from labline.indicators.catalogue import catalogue

    return catalogue().get(code)
