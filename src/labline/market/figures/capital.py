"""The money after signing, as live figures for the indicators: royalty income and
milestone payments invoiced (万元, where the licensor sells: the contract's region), licences
signed by type (exclusive, sole, non-exclusive), equity investment into companies (万元,
shares issued to investors, by the company's province; and by field, the company's GB/T 4754
division, as `equity_investment_<division>`), and the same investment into teams: an
issuance funds the team it names, or else the team of the achievement its equity deal was
about, or else the company's team when it has exactly one (a spin-off's founding team); by
the team's province (`team_investment`, 万元; `teams_invested`, how many teams) and field
(the achievement's, else the company's division: `team_investment_<division>`). Investment
no team can be named for counts for the company only. Sums are decimals until handed over."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from labline.core.models import Organisation, Team
from labline.core.refdata import province_of
from labline.market.captable.models import CapIssuance, CapStakeholder
from labline.market.deals.schemas import CURRENCIES as CNY_RATES
from labline.market.ledger.models import LicenceInvoice
from labline.market.licensing.models import LicenceOffer
from labline.market.models import Achievement, Contract, Deal

WAN = Decimal(10_000)
LICENCE_TYPES = ("exclusive", "sole", "non_exclusive")


def _day(value: date | datetime) -> date:
    return value.date() if isinstance(value, datetime) else value


def by_region(
    session: Session, *, start: date | datetime, end: date | datetime
) -> list[tuple[str, str, float]]:
    first, last = _day(start), _day(end)
    sums: dict[tuple[str, str], Decimal] = defaultdict(Decimal)
    for kind, amount, region in session.execute(
        select(LicenceInvoice.kind, LicenceInvoice.amount_cny, Contract.region_code)
        .join(Contract, Contract.id == LicenceInvoice.contract_id)
        .where(
            LicenceInvoice.issued_on >= first,
            LicenceInvoice.issued_on < last,
            LicenceInvoice.kind.in_(("royalty", "milestone")),
        )
    ):
        code = "royalty_income" if kind == "royalty" else "milestone_payments"
        sums[(province_of(region), code)] += Decimal(amount) / WAN
    for exclusivity, region in session.execute(
        select(LicenceOffer.exclusivity, Contract.region_code)
        .join(Contract, Contract.deal_id == LicenceOffer.deal_id)
        .where(
            LicenceOffer.accepted_at.is_not(None),
            Contract.signed_on >= first,
            Contract.signed_on < last,
        )
    ):
        if exclusivity in LICENCE_TYPES:
            sums[(province_of(region), f"licences_{exclusivity}")] += 1
    issuances = session.execute(
        select(
            CapIssuance.quantity,
            CapIssuance.share_price,
            CapIssuance.currency,
            Organisation.region_code,
            Organisation.country,
            Organisation.industry_code,
            CapIssuance.issuer_id,
            CapIssuance.deal_id,
            CapIssuance.team_id,
        )
        .join(CapStakeholder, CapStakeholder.id == CapIssuance.stakeholder_id)
        .join(Organisation, Organisation.id == CapIssuance.issuer_id)
        .where(
            CapStakeholder.relationship == "INVESTOR",
            CapIssuance.issued_on >= first,
            CapIssuance.issued_on < last,
        )
    ).all()
    sole_team = _sole_teams(session, {row[6] for row in issuances})
    teams: dict[str, set[int]] = defaultdict(set)
    named = _teams(session, {row[8] for row in issuances if row[8] is not None})
    for quantity, price, currency, region, country, industry, issuer, deal, named_team in issuances:
        money = Decimal(quantity) * Decimal(price) * CNY_RATES.get(currency, Decimal(0)) / WAN
        province = province_of(region, country)
        sums[(province, "equity_investment")] += money
        if industry:
            sums[(province, f"equity_investment_{industry[:2]}")] += money
        team: tuple[int, str | None, str, str | None] | None = named.get(named_team or 0)
        if team is None and deal is not None:
            team = _team_of(session, deal)
        if team is None and issuer in sole_team:
            team = (sole_team[issuer], region, country, industry)
        if team is not None:
            team_id, team_region, team_country, field = team
            where = province_of(team_region, team_country)
            sums[(where, "team_investment")] += money
            teams[where].add(team_id)
            if field:
                sums[(where, f"team_investment_{field[:2]}")] += money
    for where, ids in teams.items():
        sums[(where, "teams_invested")] = Decimal(len(ids))
    return [
        (region, code, float(round(value, 6))) for (region, code), value in sorted(sums.items())
    ]


def _sole_teams(session: Session, org_ids: set[int]) -> dict[int, int]:
    """Organisation id -> its team, for those of `org_ids` with exactly one team."""
    out: dict[int, int] = {}
    seen: set[int] = set()
    for team_id, org_id in session.execute(
        select(Team.id, Team.organisation_id).where(Team.organisation_id.in_(org_ids or {0}))
    ):
        if org_id in seen:
            out.pop(org_id, None)
            continue
        seen.add(org_id)
        out[org_id] = team_id
    return out


def _teams(
    session: Session, team_ids: set[int]
) -> dict[int, tuple[int, str | None, str, str | None]]:
    """Teams named by issuances: (team, its organisation's region and country, the
    organisation's division)."""
    return {
        row[0]: (row[0], row[1], row[2], row[3])
        for row in session.execute(
            select(
                Team.id, Organisation.region_code, Organisation.country, Organisation.industry_code
            )
            .join(Organisation, Organisation.id == Team.organisation_id)
            .where(Team.id.in_(team_ids or {0}))
        )
    }


def _team_of(session: Session, deal_id: int) -> tuple[int, str | None, str, str | None] | None:
    """The team of the achievement an equity deal was about: (team, its organisation's
    region and country, the achievement's field)."""
    row = session.execute(
        select(Team.id, Organisation.region_code, Organisation.country, Achievement.industry_code)
        .select_from(Deal)
        .join(Achievement, Achievement.id == Deal.achievement_id)
        .join(Team, Team.id == Achievement.team_id)
        .join(Organisation, Organisation.id == Team.organisation_id)
        .where(Deal.id == deal_id)
    ).first()
    return None if row is None else (row[0], row[1], row[2], row[3])
