"""Reading panels back: coverage per indicator, series, rankings, a region's profile."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from labline.errors import NotFound
from labline.indicators.models import IndicatorObservation as Obs


@dataclass(frozen=True)
class Coverage:
    indicator_code: str
    unit: str
    observations: int
    regions: int
    first_year: int
    last_year: int


def coverage(session: Session) -> list[Coverage]:
    rows = session.execute(
        select(
            Obs.indicator_code,
            func.max(Obs.unit),
            func.count(),
            func.count(func.distinct(Obs.region_code)),
            func.min(Obs.year),
            func.max(Obs.year),
        )
        .group_by(Obs.indicator_code)
        .order_by(Obs.indicator_code)
    ).all()
    return [Coverage(*r) for r in rows]


def _require_indicator(session: Session, code: str) -> None:
    if session.scalar(select(Obs.id).where(Obs.indicator_code == code).limit(1)) is None:
        raise NotFound(f"No observations of indicator {code}.")


def series(
    session: Session,
    *,
    indicator: str,
    regions: list[str] | None = None,
    year_from: int | None = None,
    year_to: int | None = None,
) -> dict[str, list[tuple[int, float]]]:
    _require_indicator(session, indicator)
    stmt = select(Obs.region_code, Obs.year, Obs.value).where(Obs.indicator_code == indicator)
    if regions:
        stmt = stmt.where(Obs.region_code.in_(regions))
    if year_from is not None:
        stmt = stmt.where(Obs.year >= year_from)
    if year_to is not None:
        stmt = stmt.where(Obs.year <= year_to)
    out: dict[str, list[tuple[int, float]]] = {}
    for region, year, value in session.execute(stmt.order_by(Obs.region_code, Obs.year)):
        out.setdefault(region, []).append((year, value))
    return out


def panel_rows(session: Session, *, indicator: str) -> list[dict[str, Any]]:
    """Every stored value of an indicator, region by region and year by year."""
    _require_indicator(session, indicator)
    rows = session.execute(
        select(Obs.indicator_code, Obs.region_code, Obs.year, Obs.value, Obs.unit, Obs.source)
        .where(Obs.indicator_code == indicator)
        .order_by(Obs.region_code, Obs.year)
    )
    return [dict(r._mapping) for r in rows]


def ranking(
    session: Session, *, indicator: str, year: int | None = None, higher_is_better: bool = True
) -> tuple[int, list[tuple[str, float]]]:
    _require_indicator(session, indicator)
    if year is None:
        year = session.scalar(select(func.max(Obs.year)).where(Obs.indicator_code == indicator))
    rows = session.execute(
        select(Obs.region_code, Obs.value).where(Obs.indicator_code == indicator, Obs.year == year)
    ).all()
    ordered = sorted(((r, v) for r, v in rows), key=lambda rv: rv[1], reverse=higher_is_better)
    return int(year or 0), ordered


def region_codes(session: Session) -> list[str]:
    """Every region (or country) the stored panels have values for, in code order."""
    return list(session.scalars(select(Obs.region_code).distinct().order_by(Obs.region_code)).all())


def profile(
    session: Session, *, region: str, exclude: tuple[str, ...] = ("CN",)
) -> list[tuple[str, int, float, float]]:
    """For each indicator: (code, year, value, score 0–100 by min–max among regions that year)."""
    latest = (
        select(Obs.indicator_code, func.max(Obs.year).label("year"))
        .where(Obs.region_code == region)
        .group_by(Obs.indicator_code)
        .subquery()
    )
    mine = session.execute(
        select(Obs.indicator_code, Obs.year, Obs.value)
        .join(latest, (Obs.indicator_code == latest.c.indicator_code) & (Obs.year == latest.c.year))
        .where(Obs.region_code == region)
    ).all()
    if not mine:
        raise NotFound("No observations for region %(region)s.", params={"region": region})
    bounds = dict(
        (code, (lo, hi))
        for code, lo, hi in session.execute(
            select(Obs.indicator_code, func.min(Obs.value), func.max(Obs.value))
            .join(
                latest,
                (Obs.indicator_code == latest.c.indicator_code) & (Obs.year == latest.c.year),
            )
            .where(Obs.region_code.not_in(exclude))
            .group_by(Obs.indicator_code)
        )
    )
    out = []
    for code, year, value in sorted(mine):
        lo, hi = bounds.get(code, (value, value))
        score = 100.0 if hi == lo else (value - lo) / (hi - lo) * 100
        out.append((code, year, value, max(0.0, min(100.0, score))))
    return out
