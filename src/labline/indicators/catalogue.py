"""The indicator catalogue: definitions shipped with labline (refdata/catalogue.json)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Literal

from labline.indicators.errors import IndicatorError

Direction = Literal["higher", "lower"]
FIELDS = ("code", "name_zh", "name_en", "unit", "definition", "formula", "direction", "source")


@dataclass(frozen=True)
class Indicator:
    code: str
    name_zh: str
    name_en: str
    unit: str
    definition: str
    formula: str
    direction: Direction
    source: str

    @property
    def sign(self) -> int:
        """+1 when higher is better, −1 when lower is better (the normalise.py convention)."""
        return 1 if self.direction == "higher" else -1

    def name(self, locale: str) -> str:
        return self.name_zh if locale.lower().startswith("zh") else self.name_en


def parse(entries: list[dict[str, str]]) -> dict[str, Indicator]:
    out: dict[str, Indicator] = {}
    for i, entry in enumerate(entries):
        missing = [f for f in FIELDS if not entry.get(f)]
        if missing:
            raise IndicatorError(f"catalogue entry {i} ({entry.get('code')!r}) lacks {missing}")
        if entry["direction"] not in ("higher", "lower"):
            raise IndicatorError(
                f"catalogue entry {entry['code']!r}: direction must be 'higher' or 'lower'"
            )
        if entry["code"] in out:
            raise IndicatorError(f"catalogue code {entry['code']!r} appears twice")
        out[entry["code"]] = Indicator(**{f: entry[f] for f in FIELDS})  # type: ignore[arg-type]
    return out


@cache
def catalogue() -> dict[str, Indicator]:
    """The shipped catalogue, keyed by code."""
    text = (
        resources.files("labline.indicators")
        .joinpath("refdata/catalogue.json")
        .read_text(encoding="utf-8")
    )
    return parse(json.loads(text))


def get(code: str) -> Indicator:
    try:
        return catalogue()[code]
    except KeyError:
        raise IndicatorError(f"indicator {code!r} is not in the catalogue") from None
