"""Output for the market figures (market.figures.service)."""

from __future__ import annotations

from datetime import date

from labline.schemas import Output


class FiguresRead(Output):
    start: date
    end: date
    region: str | None
    industry: str | None
    contracts: int
    turnover_cny: float
    by_kind: dict[str, dict[str, float]]
    published_achievements: int
    achievements_with_contract: int
    transformation_rate: float | None
    median_days_to_contract: float | None
    published_needs: int
    suggestion_acceptance_rate: float | None
    by_month: list[dict[str, object]]


class FiguresRow(Output):
    """One organisation's, province's or industry's figures (see market/figures/service.py)."""

    key: str
    name_zh: str
    name_en: str
    contracts: int
    turnover_cny: float | None  # an organisation's: to its members and operators only
    published_achievements: int
    achievements_with_contract: int
    transformation_rate: float | None
    median_days_to_contract: float | None


class FiguresBreakdown(Output):
    start: date
    end: date
    region: str | None
    industry: str | None
    by: str
    rows: list[FiguresRow]
