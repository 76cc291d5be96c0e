"""Market figures by period and region: technology contracts and turnover, the transformation
rate, days from publication to contract and the suggestion acceptance rate.

Definitions (written down so the indicators module and the report agree):
- a period is [start, end), by the contract's signing date and the record's publication day;
- contracts and turnover count where the contract is sold (the seller's region), in yuan;
- transformation rate: of the achievements published in the period, the share that reached a
  signed contract before the period's end;
- median days to contract: over the period's contracts whose achievement has a publication day;
- suggestion acceptance rate: accepted ÷ judged suggestions, latest judgement per pair.
"""

from __future__ import annotations

import statistics
from datetime import UTC, date, datetime, time
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from labline.core.access import Actor, Permission, require
from labline.core.refdata import province_of, region_prefix
from labline.errors import FieldError, InvalidInput
from labline.market.models import Achievement, Contract, Deal, TechnologyNeed
from labline.market.service.matching import _latest, quality_of


def _day(value: date | datetime) -> date:
    if isinstance(value, datetime):
        return (value.astimezone(UTC) if value.tzinfo else value).date()
    return value


def _moment(day: date) -> datetime:
    return datetime.combine(day, time(0), UTC)


def _in_region(code: str | None, prefix: str | None) -> bool:
    return prefix is None or (code or "").startswith(prefix)


def market_figures(
    session: Session,
    *,
    start: date | datetime,
    end: date | datetime,
    region: str | None = None,
    industry: str | None = None,
) -> dict[str, Any]:
    """The market's figures for [start, end) as a plain dict (read by the indicators module).

    `region` is a GB/T 2260 code (a province includes its cities); `industry` a GB/T 4754
    code (a division includes its classes), matched on the achievement or need."""
    first, last = _day(start), _day(end)
    if last <= first:
        raise InvalidInput(
            "The period is empty.", fields=[FieldError("end", "must be after start")]
        )
    prefix = region_prefix(region) if region else None
    rows = session.execute(
        select(Contract, Achievement.published_at, Achievement.industry_code)
        .join(Deal, Deal.id == Contract.deal_id)
        .join(Achievement, Achievement.id == Deal.achievement_id)
        .where(Contract.signed_on >= first, Contract.signed_on < last)
        .order_by(Contract.signed_on, Contract.id)
    ).all()
    contracts = [
        (c, pub)
        for c, pub, code in rows
        if _in_region(c.region_code, prefix) and _in_region(code, industry)
    ]
    by_kind: dict[str, dict[str, float]] = {}
    months: dict[str, dict[str, Any]] = {}
    turnover = Decimal(0)
    days: list[int] = []
    for c, published_at in contracts:
        turnover += c.amount_cny
        k = by_kind.setdefault(c.kind.value, {"contracts": 0, "turnover_cny": 0.0})
        k["contracts"] += 1
        k["turnover_cny"] = round(k["turnover_cny"] + float(c.amount_cny), 2)
        m = months.setdefault(
            c.signed_on.strftime("%Y-%m"),
            {"month": c.signed_on.strftime("%Y-%m"), "contracts": 0, "turnover_cny": 0.0},
        )
        m["contracts"] += 1
        m["turnover_cny"] = round(m["turnover_cny"] + float(c.amount_cny), 2)
        if published_at is not None:
            days.append(max(0, (c.signed_on - _day(published_at)).days))

    published = session.execute(
        select(Achievement.id, Achievement.region_code, Achievement.industry_code).where(
            Achievement.published_at >= _moment(first), Achievement.published_at < _moment(last)
        )
    ).all()
    cohort = {
        aid
        for aid, code, ind in published
        if _in_region(code, prefix) and _in_region(ind, industry)
    }
    reached = set(
        session.scalars(
            select(Deal.achievement_id)
            .join(Contract, Contract.deal_id == Deal.id)
            .where(Contract.signed_on < last, Deal.achievement_id.in_(cohort or {0}))
        )
    )
    needs = session.execute(
        select(TechnologyNeed.id, TechnologyNeed.region_code, TechnologyNeed.industry_code).where(
            TechnologyNeed.published_at >= _moment(first),
            TechnologyNeed.published_at < _moment(last),
        )
    ).all()
    latest = list(_latest(session, _moment(first), _moment(last)).values())
    if prefix is not None:
        need_region = dict(
            session.execute(
                select(TechnologyNeed.id, TechnologyNeed.region_code).where(
                    TechnologyNeed.id.in_({fb.need_id for fb in latest} or {0})
                )
            ).all()
        )
        latest = [fb for fb in latest if _in_region(need_region.get(fb.need_id), prefix)]
    feedback = latest
    judged = quality_of(feedback)
    return {
        "start": first.isoformat(),
        "end": last.isoformat(),
        "region": region,
        "industry": industry,
        "contracts": len(contracts),
        "turnover_cny": float(round(turnover, 2)),
        "by_kind": dict(sorted(by_kind.items())),
        "published_achievements": len(cohort),
        "achievements_with_contract": len(reached),
        "transformation_rate": round(len(reached) / len(cohort), 4) if cohort else None,
        "median_days_to_contract": float(statistics.median(days)) if days else None,
        "published_needs": sum(
            1 for _i, code, ind in needs if _in_region(code, prefix) and _in_region(ind, industry)
        ),
        "suggestion_acceptance_rate": judged["acceptance_rate"],
        "by_month": [months[k] for k in sorted(months)],
    }


def figures(
    session: Session,
    *,
    actor: Actor,
    start: date | datetime,
    end: date | datetime,
    region: str | None = None,
    industry: str | None = None,
) -> dict[str, Any]:
    """The public figures (aggregates only: no party, amount of one contract or detail)."""
    require(actor, Permission.view_directory)
    return market_figures(session, start=start, end=end, region=region, industry=industry)


def per_province(session: Session, *, actor: Actor, start: date, end: date) -> list[dict[str, Any]]:
    """Contracts, turnover and transformation rate per province."""
    require(actor, Permission.view_directory)
    codes = set(
        session.scalars(
            select(Contract.region_code).where(
                Contract.signed_on >= start, Contract.signed_on < end
            )
        )
    ) | set(
        session.scalars(
            select(Achievement.region_code).where(
                Achievement.published_at >= _moment(start),
                Achievement.published_at < _moment(end),
            )
        )
    )
    provinces = sorted({c[:2] + "0000" for c in codes if c})
    return [market_figures(session, start=start, end=end, region=code) for code in provinces]


def by_region(
    session: Session, *, start: date | datetime, end: date | datetime
) -> list[tuple[str, str, float]]:
    """The indicators module's provider: (province, indicator code, value) for technology
    contracts signed, their turnover (亿元) and the transformation rate (%), where the
    contracts are sold and the achievements published (a record without a Chinese region
    counts under "??")."""
    first, last = _day(start), _day(end)
    signed: dict[str, list[float]] = {}
    for code, amount in session.execute(
        select(Contract.region_code, Contract.amount_cny).where(
            Contract.signed_on >= first, Contract.signed_on < last
        )
    ):
        t = signed.setdefault(province_of(code), [0, 0.0])
        t[0] += 1
        t[1] += float(amount)
    cohort: dict[str, set[int]] = {}
    for aid, code in session.execute(
        select(Achievement.id, Achievement.region_code).where(
            Achievement.published_at >= _moment(first), Achievement.published_at < _moment(last)
        )
    ):
        cohort.setdefault(province_of(code), set()).add(aid)
    ids = set().union(*cohort.values()) if cohort else set()
    reached = set(
        session.scalars(
            select(Deal.achievement_id)
            .join(Contract, Contract.deal_id == Deal.id)
            .where(Contract.signed_on < last, Deal.achievement_id.in_(ids or {0}))
        )
    )
    out: list[tuple[str, str, float]] = []
    for key in sorted(set(signed) | set(cohort)):
        count, turnover = signed.get(key, [0, 0.0])
        out.append((key, "tech_contracts", float(count)))
        out.append((key, "tech_contract_turnover", round(turnover / 1e8, 6)))
        if cohort.get(key):
            rate = 100 * len(cohort[key] & reached) / len(cohort[key])
            out.append((key, "transformation_rate", round(rate, 2)))
    return out
