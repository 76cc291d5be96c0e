"""Names of reference codes (regions, industries) in the reader's language, for templates."""

from __future__ import annotations

from labline import i18n
from labline.core import refdata


def region_name(code: str | None) -> str:
    region = refdata.region(code) if code else None
    return i18n.pick(region.name_zh, region.name_en) if region else (code or "—")


def industry_name(code: str | None) -> str:
    industry = refdata.industry(code) if code else None
    return i18n.pick(industry.name_zh, industry.name_en) if industry else (code or "—")


def field_name(name: str | None) -> str:
    """A technology field in the reader's language when the catalogue knows it; else as
    written (record content, in the record's language)."""
    known = refdata.field(name)
    return i18n.pick(known.name_zh, known.name_en) if known else (name or "")


def known_field(name: str | None) -> bool:
    return refdata.field(name) is not None


def _both(zh: str, en: str) -> str:
    """A label to search by in either language, the reader's own first."""
    return i18n.pick(f"{zh} · {en}", f"{en} · {zh}")


def industry_choices() -> list[tuple[str, str]]:
    """Every GB/T 4754 category as (code, label in both languages), for a searchable picker."""
    return [(i.code, _both(i.name_zh, i.name_en)) for i in refdata.industries()]


def region_choices() -> list[tuple[str, str]]:
    """Every GB/T 2260 division as (code, label in both languages), for a searchable picker;
    a prefecture's label names its province too."""
    out = []
    for r in refdata.regions():
        parent = refdata.region(r.parent_code) if r.parent_code else None
        zh = f"{parent.name_zh} {r.name_zh}" if parent else r.name_zh
        en = f"{r.name_en}, {parent.name_en}" if parent else r.name_en
        out.append((r.code, _both(zh, en)))
    return out


TEMPLATE_GLOBALS = {
    "region_name": region_name,
    "industry_name": industry_name,
    "field_name": field_name,
    "known_field": known_field,
    "industry_choices": industry_choices,
    "region_choices": region_choices,
}
