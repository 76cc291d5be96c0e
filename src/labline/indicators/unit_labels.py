"""Units of measure in the reader's language.

The panels (statistical yearbooks, our live figures) record units in Chinese: 万元, 人年/万人.
An English reader sees them in English (10k CNY, person-years per 10k people); a unit we
do not know is shown as recorded.
"""

from __future__ import annotations

from labline import i18n

# Each Chinese unit, and its English. Compound units ("件/万人") are translated part by part.
ENGLISH: dict[str, str] = {
    "%": "%",
    "小时": "hours",
    "人": "people",
    "项": "items",
    "件": "items",
    "个": "units",
    "元": "CNY",
    "万元": "10k CNY",
    "亿元": "100M CNY",
    "万人": "10k people",
    "人年": "person-years",
    "吨标准煤": "t of standard coal",
    "年": "years",
}


def unit_label(unit: str | None) -> str:
    """The unit as the reader writes it: 万元 in Chinese, "10k CNY" in English."""
    if not unit:
        return ""
    if i18n.get_locale() == "zh":
        return unit
    parts = unit.split("/")
    if all(p.strip() in ENGLISH for p in parts):
        words = [ENGLISH[p.strip()] for p in parts]
        return " per ".join(words) if len(words) > 1 else words[0]
    return unit
