"""Reference data the platform core stands on: regions, countries and industries.

Three CSV files ship as package data beside this module:

- ``regions.csv``: China's administrative divisions (GB/T 2260 codes, 2023): the 34
  provincial-level divisions and the mainland's prefecture-level divisions. The four
  municipalities (Beijing, Tianjin, Shanghai, Chongqing) appear as provinces only; their
  districts and the county-level cities administered directly by a province (e.g. Jiyuan,
  Xiantao, Shihezi) are not listed.
- ``countries.csv``: ISO 3166-1 alpha-2 codes with Chinese and English names.
- ``industries.csv``: the national economic industry classification GB/T 4754-2017: all
  20 sections (A-T) and 97 divisions, plus groups and classes for the divisions the
  platform uses most.

Lookups are exact (codes are stored as written in the standard: upper-case letters for
countries and sections, digits otherwise) and return ``None`` for an unknown code. The
module has no database or web imports, so any layer can use it.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from importlib.resources import files
from typing import Literal

__all__ = [
    "Country",
    "Field",
    "Industry",
    "IndustryLevel",
    "Region",
    "RegionLevel",
    "countries",
    "country",
    "field",
    "industries",
    "industry",
    "is_country_code",
    "is_industry_code",
    "is_region_code",
    "prefectures",
    "provinces",
    "region",
    "regions",
    "sections",
]

RegionLevel = Literal["province", "prefecture"]
IndustryLevel = Literal["section", "division", "group", "class"]

_REGION_LEVELS: tuple[RegionLevel, ...] = ("province", "prefecture")
_INDUSTRY_LEVELS: tuple[IndustryLevel, ...] = ("section", "division", "group", "class")


@dataclass(frozen=True, slots=True)
class Region:
    """An administrative division of China (GB/T 2260)."""

    code: str
    name_zh: str
    name_en: str
    level: RegionLevel
    parent_code: str | None

    @property
    def province_code(self) -> str:
        """The code of the provincial-level division this region belongs to (itself for one)."""
        return self.code[:2] + "0000"

    def name(self, lang: str = "zh") -> str:
        return self.name_en if lang.startswith("en") else self.name_zh


@dataclass(frozen=True, slots=True)
class Country:
    """A country or territory (ISO 3166-1 alpha-2)."""

    code: str
    name_zh: str
    name_en: str

    def name(self, lang: str = "zh") -> str:
        return self.name_en if lang.startswith("en") else self.name_zh


@dataclass(frozen=True, slots=True)
class Industry:
    """A category of the national economic industry classification (GB/T 4754-2017)."""

    code: str
    name_zh: str
    name_en: str
    level: IndustryLevel
    parent_code: str | None

    def name(self, lang: str = "zh") -> str:
        return self.name_en if lang.startswith("en") else self.name_zh


def _rows(filename: str) -> Iterator[dict[str, str]]:
    text = files(__name__).joinpath(filename).read_text(encoding="utf-8")
    yield from csv.DictReader(text.splitlines())


def _region_level(value: str) -> RegionLevel:
    for level in _REGION_LEVELS:
        if value == level:
            return level
    raise ValueError(f"regions.csv: unknown level {value!r}")


def _industry_level(value: str) -> IndustryLevel:
    for level in _INDUSTRY_LEVELS:
        if value == level:
            return level
    raise ValueError(f"industries.csv: unknown level {value!r}")


# --- regions -------------------------------------------------------------------------


@cache
def regions() -> tuple[Region, ...]:
    """All regions, provinces and prefectures, in code order."""
    return tuple(
        sorted(
            (
                Region(
                    code=row["code"],
                    name_zh=row["name_zh"],
                    name_en=row["name_en"],
                    level=_region_level(row["level"]),
                    parent_code=row["parent_code"] or None,
                )
                for row in _rows("regions.csv")
            ),
            key=lambda r: r.code,
        )
    )


@cache
def _regions_by_code() -> dict[str, Region]:
    return {r.code: r for r in regions()}


def region(code: str) -> Region | None:
    """The region with this six-digit code, or None."""
    return _regions_by_code().get(code)


def is_region_code(code: str) -> bool:
    return code in _regions_by_code()


@cache
def province_of(region_code: str | None, country: str | None = None) -> str:
    """A Chinese division code rolled up to its province (GB/T 2260: the first two digits);
    a foreign organisation counts under its country code, an unknown one as "??"."""
    if region_code and len(region_code) == 6 and region_code.isdigit():
        return region_code[:2] + "0000"
    return (country or "??").upper()


def region_prefix(code: str) -> str:
    """The code prefix a region's places share: a province (440000) includes its cities
    (4403xx), a city (440300) its districts."""
    if code.endswith("0000"):
        return code[:2]
    if code.endswith("00"):
        return code[:4]
    return code


def provinces() -> tuple[Region, ...]:
    """The 34 provincial-level divisions."""
    return tuple(r for r in regions() if r.level == "province")


@cache
def prefectures(province_code: str | None = None) -> tuple[Region, ...]:
    """Prefecture-level divisions, all of them or those of one province."""
    return tuple(
        r
        for r in regions()
        if r.level == "prefecture" and (province_code is None or r.parent_code == province_code)
    )


# --- countries -----------------------------------------------------------------------


@cache
def countries() -> tuple[Country, ...]:
    """All ISO 3166-1 countries and territories, in code order."""
    return tuple(
        sorted(
            (
                Country(code=row["code"], name_zh=row["name_zh"], name_en=row["name_en"])
                for row in _rows("countries.csv")
            ),
            key=lambda c: c.code,
        )
    )


@cache
def _countries_by_code() -> dict[str, Country]:
    return {c.code: c for c in countries()}


def country(code: str) -> Country | None:
    """The country with this upper-case alpha-2 code, or None."""
    return _countries_by_code().get(code)


def is_country_code(code: str) -> bool:
    return code in _countries_by_code()


# --- industries ----------------------------------------------------------------------


@cache
def industries() -> tuple[Industry, ...]:
    """All industry categories, depth-first in the standard's order (A, 01, …, B, 06, …)."""
    return tuple(
        Industry(
            code=row["code"],
            name_zh=row["name_zh"],
            name_en=row["name_en"],
            level=_industry_level(row["level"]),
            parent_code=row["parent_code"] or None,
        )
        for row in _rows("industries.csv")
    )


@cache
def _industries_by_code() -> dict[str, Industry]:
    return {i.code: i for i in industries()}


def industry(code: str) -> Industry | None:
    """The industry category with this code (section letter or 2-4 digits), or None."""
    return _industries_by_code().get(code)


def is_industry_code(code: str) -> bool:
    return code in _industries_by_code()


@cache
def sections() -> tuple[Industry, ...]:
    """The 20 sections (门类) A-T."""
    return tuple(i for i in industries() if i.level == "section")


@dataclass(frozen=True, slots=True)
class Field:
    """A technology field (a topic of needs, achievements and teams) in both languages."""

    name_zh: str
    name_en: str


@cache
def _fields() -> dict[str, Field]:
    """``fields.csv``: the technology fields the platform names in both languages, found by
    either name (the English one case-insensitively)."""
    out: dict[str, Field] = {}
    for row in _rows("fields.csv"):
        f = Field(row["name_zh"], row["name_en"])
        out[f.name_zh] = f
        out[f.name_en.casefold()] = f
    return out


def field(name: str | None) -> Field | None:
    """The technology field named `name` in either language, or None if it is not listed."""
    if not name:
        return None
    name = name.strip()
    return _fields().get(name) or _fields().get(name.casefold())
