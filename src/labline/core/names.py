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


TEMPLATE_GLOBALS = {"region_name": region_name, "industry_name": industry_name}
