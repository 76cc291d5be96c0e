"""Names of regions as statistics tables write them (北京, 内蒙古, 全国, Beijing) → codes."""

from __future__ import annotations

from functools import cache

from labline.core import refdata

NATIONAL = "CN"
# The national total of a provincial table; PWT's own "CHN" stays a country code.
_NATIONAL_NAMES = {"全国", "中国", "china", "national", "cn", "national total"}
# Suffixes statistical tables drop from official province names.
_SUFFIXES = ("壮族自治区", "回族自治区", "维吾尔自治区", "自治区", "特别行政区", "省", "市")


@cache
def _index() -> dict[str, str]:
    names: dict[str, str] = {}
    for region in refdata.provinces():
        names[region.name_zh] = region.code
        short = region.name_zh
        for suffix in _SUFFIXES:
            if short.endswith(suffix):
                short = short[: -len(suffix)]
                break
        names[short] = region.code
        names[region.name_en.lower()] = region.code
    return names


def resolve(name: str) -> str | None:
    """The region code for a name or code, or None when it is not a known region."""
    text = name.strip()
    if not text:
        return None
    if text.lower() in _NATIONAL_NAMES:
        return NATIONAL
    if refdata.is_region_code(text):
        return text
    if len(text) in (2, 3) and text.isascii() and text.isalpha() and text.isupper():
        return text  # ISO country codes (PWT uses ISO 3166-1 alpha-3)
    return _index().get(text) or _index().get(text.lower())


@cache
def _map_keys() -> dict[str, str]:
    out = {}
    for region in refdata.provinces():
        short = region.name_zh
        for suffix in _SUFFIXES:
            if short.endswith(suffix):
                short = short[: -len(suffix)]
                break
        out[region.code] = short
    return out


def map_names(locale: str) -> dict[str, str]:
    """Every province's name on the map → its name in the reader's language (the tooltip of
    a province without a value names it too)."""
    return {key: label(code, locale) for code, key in _map_keys().items()}


def map_key(code: str) -> str | None:
    """The province's name on the map of China's provinces (北京, 内蒙古, 新疆), or None
    for the national total, a country or a city."""
    return _map_keys().get(code)


def label(code: str, locale: str) -> str:
    if code == NATIONAL:
        return "全国" if locale == "zh" else "China (national)"
    region = refdata.region(code)
    if region is not None:
        return region.name_zh if locale == "zh" else region.name_en
    country = refdata.country(code) if len(code) == 2 else None
    if country is not None:
        return country.name_zh if locale == "zh" else country.name_en
    return code
