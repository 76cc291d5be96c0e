"""Market figures by period, region, industry and organisation: technology contracts and
turnover, the transformation rate, days from publication to contract and the suggestion
acceptance rate.

Definitions (written down so the indicators module and the report agree):
- a period is [start, end), by the contract's signing date and the record's publication day;
- contracts and turnover count where the contract is sold (the seller's region), in yuan, and
  for the seller when broken down by organisation;
- industry: the achievement's GB/T 4754 code (a division includes its classes);
- transformation rate: of the achievements published in the period, the share that reached a
  signed contract before the period's end;
- median days to contract: over the period's contracts whose achievement has a publication day;
- suggestion acceptance rate: accepted ÷ judged suggestions, latest judgement per pair.
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from decimal import Decimal
from typing import Any, Literal, get_args

from sqlalchemy import select
from sqlalchemy.orm import Session

from labline.core import refdata
from labline.core.access import Actor, Permission, require
from labline.core.models import Organisation
from labline.core.refdata import province_of, region_prefix
from labline.errors import FieldError, InvalidInput
from labline.market.models import TECHNOLOGY_KINDS, Achievement, Contract, Deal, TechnologyNeed
from labline.market.service.matching import latest_feedback, quality_of
from labline.market.service.visibility import turnover_visible

# Technology contracts only: an equity investment contract is counted as investment instead.
TECHNOLOGY = Contract.kind.in_(TECHNOLOGY_KINDS)


def _day(value: date | datetime) -> date:
    if isinstance(value, datetime):
        return (value.astimezone(UTC) if value.tzinfo else value).date()
    return value


def _moment(day: date) -> datetime:
    return datetime.combine(day, time(0), UTC)


def _in_region(code: str | None, prefix: str | None) -> bool:
    return prefix is None or (code or "").startswith(prefix)


@dataclass
class Activity:
    """The period's contracts and its cohort of published achievements, filtered."""

    # (contract, its achievement's publication moment, its achievement's industry code)
    contracts: list[tuple[Contract, datetime | None, str]]
    # achievement id -> (organisation id, region code, industry code), published in the period
    cohort: dict[int, tuple[int, str | None, str]]
    reached: set[int]  # cohort achievements with a contract signed before the period's end


def _period(start: date | datetime, end: date | datetime) -> tuple[date, date]:
    first, last = _day(start), _day(end)
    if last <= first:
        raise InvalidInput(
            "The period is empty.", fields=[FieldError("end", "must be after start")]
        )
    return first, last


def _activity(
    session: Session, first: date, last: date, prefix: str | None, industry: str | None
) -> Activity:
    rows = session.execute(
        select(Contract, Achievement.published_at, Achievement.industry_code)
        .join(Deal, Deal.id == Contract.deal_id)
        .join(Achievement, Achievement.id == Deal.achievement_id)
        .where(Contract.signed_on >= first, Contract.signed_on < last, TECHNOLOGY)
        .order_by(Contract.signed_on, Contract.id)
    ).all()
    contracts = [
        (c, pub, code)
        for c, pub, code in rows
        if _in_region(c.region_code, prefix) and _in_region(code, industry)
    ]
    published = session.execute(
        select(
            Achievement.id,
            Achievement.organisation_id,
            Achievement.region_code,
            Achievement.industry_code,
        ).where(
            Achievement.published_at >= _moment(first), Achievement.published_at < _moment(last)
        )
    ).all()
    cohort = {
        aid: (org, code, ind)
        for aid, org, code, ind in published
        if _in_region(code, prefix) and _in_region(ind, industry)
    }
    reached = set(
        session.scalars(
            select(Deal.achievement_id)
            .join(Contract, Contract.deal_id == Deal.id)
            .where(
                Contract.signed_on < last,
                TECHNOLOGY,
                Deal.achievement_id.in_(set(cohort) or {0}),
            )
        )
    )
    return Activity(contracts, cohort, reached)


def _days_to_contract(c: Contract, published_at: datetime | None) -> int | None:
    return None if published_at is None else max(0, (c.signed_on - _day(published_at)).days)


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
    code (a division includes its classes), matched on the achievement or need (and, for the
    suggestion acceptance rate, on the need whose suggestions were judged)."""
    first, last = _period(start, end)
    prefix = region_prefix(region) if region else None
    act = _activity(session, first, last, prefix, industry)
    by_kind: dict[str, dict[str, float]] = {}
    months: dict[str, dict[str, Any]] = {}
    turnover = Decimal(0)
    days: list[int] = []
    for c, published_at, _code in act.contracts:
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
        d = _days_to_contract(c, published_at)
        if d is not None:
            days.append(d)

    needs = session.execute(
        select(TechnologyNeed.id, TechnologyNeed.region_code, TechnologyNeed.industry_code).where(
            TechnologyNeed.published_at >= _moment(first),
            TechnologyNeed.published_at < _moment(last),
        )
    ).all()
    latest = list(latest_feedback(session, _moment(first), _moment(last)).values())
    if prefix is not None or industry is not None:
        need_codes = {
            nid: (code, ind)
            for nid, code, ind in session.execute(
                select(
                    TechnologyNeed.id, TechnologyNeed.region_code, TechnologyNeed.industry_code
                ).where(TechnologyNeed.id.in_({fb.need_id for fb in latest} or {0}))
            )
        }
        latest = [
            fb
            for fb in latest
            if _in_region(need_codes.get(fb.need_id, (None, ""))[0], prefix)
            and _in_region(need_codes.get(fb.need_id, (None, ""))[1], industry)
        ]
    judged = quality_of(latest)
    cohort, reached = act.cohort, act.reached
    return {
        "start": first.isoformat(),
        "end": last.isoformat(),
        "region": region,
        "industry": industry,
        "contracts": len(act.contracts),
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


Breakdown = Literal["organisation", "region", "industry"]
BREAKDOWNS: tuple[str, ...] = get_args(Breakdown)
BREAKDOWN_COLUMNS = [
    "key",
    "name_zh",
    "name_en",
    "contracts",
    "turnover_cny",
    "published_achievements",
    "achievements_with_contract",
    "transformation_rate",
    "median_days_to_contract",
]


def needs_breakdown() -> InvalidInput:
    return InvalidInput(
        "A table download needs a breakdown: say by=organisation, region or industry.",
        fields=[FieldError("by", "required for csv and xlsx", list(BREAKDOWNS))],
    )


def _division(code: str | None) -> str:
    return code[:2] if code and len(code) >= 2 and code[:2].isdigit() else "??"


def breakdown_rows(
    session: Session,
    *,
    start: date | datetime,
    end: date | datetime,
    by: str,
    region: str | None = None,
    industry: str | None = None,
) -> list[dict[str, Any]]:
    """One row per selling organisation, seller's province or industry division (GB/T 4754
    two-digit) for [start, end): its contracts and turnover (contracts signed in the period,
    counted for the seller), its transformation rate (its achievements published in the
    period that reached a signed contract before the period's end) and the median days from
    an achievement's publication to its contract. Largest turnover first."""
    if by not in BREAKDOWNS:
        raise InvalidInput(
            f"Unknown breakdown {by!r}.",
            fields=[FieldError("by", f"{by!r} is not a breakdown", list(BREAKDOWNS))],
        )
    first, last = _period(start, end)
    act = _activity(session, first, last, region_prefix(region) if region else None, industry)

    def key_of_contract(c: Contract, code: str) -> str:
        if by == "organisation":
            return str(c.seller_id)
        return province_of(c.region_code) if by == "region" else _division(code)

    def key_of_achievement(org: int, code: str | None, ind: str) -> str:
        if by == "organisation":
            return str(org)
        return province_of(code) if by == "region" else _division(ind)

    groups: dict[str, dict[str, Any]] = {}

    def group(key: str) -> dict[str, Any]:
        return groups.setdefault(
            key, {"contracts": 0, "turnover": Decimal(0), "days": [], "cohort": 0, "reached": 0}
        )

    for c, published_at, industry_code in act.contracts:
        g = group(key_of_contract(c, industry_code))
        g["contracts"] += 1
        g["turnover"] += c.amount_cny
        d = _days_to_contract(c, published_at)
        if d is not None:
            g["days"].append(d)
    for aid, (org, code, ind) in act.cohort.items():
        g = group(key_of_achievement(org, code, ind))
        g["cohort"] += 1
        g["reached"] += aid in act.reached
    names = _names(session, by, set(groups))
    rows = [
        {
            "key": key,
            "name_zh": names.get(key, (key, key))[0],
            "name_en": names.get(key, (key, key))[1],
            "contracts": g["contracts"],
            "turnover_cny": float(round(g["turnover"], 2)),
            "published_achievements": g["cohort"],
            "achievements_with_contract": g["reached"],
            "transformation_rate": round(g["reached"] / g["cohort"], 4) if g["cohort"] else None,
            "median_days_to_contract": float(statistics.median(g["days"])) if g["days"] else None,
        }
        for key, g in groups.items()
    ]
    return sorted(rows, key=lambda r: (-r["turnover_cny"], -r["contracts"], r["key"]))


def _names(session: Session, by: str, keys: set[str]) -> dict[str, tuple[str, str]]:
    if by == "organisation":
        ids = {int(k) for k in keys}
        return {
            str(i): (zh, en)
            for i, zh, en in session.execute(
                select(Organisation.id, Organisation.name_zh, Organisation.name_en).where(
                    Organisation.id.in_(ids or {0})
                )
            )
        }
    out = {}
    for key in keys:
        found = refdata.region(key) if by == "region" else refdata.industry(key)
        if found is not None:
            out[key] = (found.name_zh, found.name_en)
    return out


def _hide_turnover(actor: Actor, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    # The team profile's rule applies here too. Hidden rows go last, ordered by what is
    # public, so that their place does not betray the amount.
    for r in rows:
        if not turnover_visible(actor, organisation_id=int(r["key"])):
            r["turnover_cny"] = None
    return sorted(
        rows,
        key=lambda r: (
            r["turnover_cny"] is None,
            -(r["turnover_cny"] or 0),
            -r["contracts"],
            r["key"],
        ),
    )


def breakdown(
    session: Session,
    *,
    actor: Actor,
    start: date | datetime,
    end: date | datetime,
    by: str,
    region: str | None = None,
    industry: str | None = None,
) -> dict[str, Any]:
    """The public breakdown (aggregates per organisation, province or industry; a row for an
    organisation shows its own totals, never one contract's amount or party)."""
    require(actor, Permission.view_directory)
    rows = breakdown_rows(session, start=start, end=end, by=by, region=region, industry=industry)
    if by == "organisation":
        rows = _hide_turnover(actor, rows)
    return {
        "start": _day(start).isoformat(),
        "end": _day(end).isoformat(),
        "region": region,
        "industry": industry,
        "by": by,
        "rows": rows,
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
            Contract.signed_on >= first, Contract.signed_on < last, TECHNOLOGY
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
            .where(Contract.signed_on < last, TECHNOLOGY, Deal.achievement_id.in_(ids or {0}))
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
