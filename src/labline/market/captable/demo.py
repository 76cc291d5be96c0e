"""Demo step: the demo enterprise as a university spin-off with a cap table — founders'
common stock, the university's shares for the patents it contributed, an angel, and a
Series A preferred round from an investment fund, signed as an equity deal through the deal
machinery — imported as an OCF package through the same service a user's import goes
through, its `labline:` comments linking the fund, the university, the deal and the team."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from sqlalchemy import func, select

from labline.core.access import command_line_actor
from labline.core.models import Organisation, Person, Role, RoleGrant, Team
from labline.demo.api import EPOCH, World, person_name
from labline.market.captable import service
from labline.market.captable.demo_deal import SERIES_A_PRICE, SERIES_A_SHARES, SIGNED, equity_deal
from labline.market.investors.models import Investor, InvestorFollow


def _holder(sid: str, name: str, kind: str, relationship: str) -> dict[str, Any]:
    return {
        "object_type": "STAKEHOLDER",
        "id": sid,
        "name": {"legal_name": name},
        "stakeholder_type": kind,
        "current_relationship": relationship,
    }


def _issue(
    n: int, holder: str, cls: str, quantity: int, price: str, when: int | date
) -> dict[str, Any]:
    on = when if isinstance(when, date) else EPOCH.date() + timedelta(days=when)
    return {
        "object_type": "TX_STOCK_ISSUANCE",
        "id": f"tx-{n}",
        "date": on.isoformat(),
        "security_id": f"sec-{n}",
        "custom_id": f"{'PA' if cls == 'series-a' else 'CS'}-{n}",
        "stakeholder_id": holder,
        "stock_class_id": cls,
        "quantity": str(quantity),
        "share_price": {"amount": price, "currency": "CNY"},
        "security_law_exemptions": [],
    }


def step_captable(world: World) -> None:
    enterprises = world.orgs_by_kind.get("enterprise") or []
    if not enterprises:
        return
    issuer = world.session.get(Organisation, enterprises[0])
    university = world.session.get(Organisation, (world.orgs_by_kind.get("university") or [0])[0])
    fund = world.session.get(Organisation, (world.orgs_by_kind.get("investment_fund") or [0])[0])
    assert issuer is not None
    rng = world.rng("captable")
    founders = [person_name(rng) for _ in range(2)]
    holders = [
        _holder("founder-1", founders[0][0], "INDIVIDUAL", "FOUNDER"),
        _holder("founder-2", founders[1][0], "INDIVIDUAL", "FOUNDER"),
        _holder("angel-1", "天使投资人 (angel investor)", "INDIVIDUAL", "INVESTOR"),
    ]
    if university is not None:
        holders.append(_holder("university", university.name_zh, "INSTITUTION", "OTHER"))
    if fund is not None:
        holders.append(_holder("fund-a", fund.name_zh, "INSTITUTION", "INVESTOR"))
    classes = [
        {
            "object_type": "STOCK_CLASS",
            "id": "common",
            "name": "普通股 (common)",
            "class_type": "COMMON",
            "default_id_prefix": "CS-",
            "initial_shares_authorized": "20000000",
            "votes_per_share": "1",
            "seniority": "1",
            "price_per_share": {"amount": "0.01", "currency": "CNY"},
        },
        {
            "object_type": "STOCK_CLASS",
            "id": "series-a",
            "name": "A 轮优先股 (Series A preferred)",
            "class_type": "PREFERRED",
            "default_id_prefix": "PA-",
            "initial_shares_authorized": "5000000",
            "votes_per_share": "1",
            "seniority": "2",
            "price_per_share": {"amount": "8.00", "currency": "CNY"},
            "liquidation_preference_multiple": "1",
        },
    ]
    issuances = [
        _issue(1, "founder-1", "common", 4_000_000, "0.01", 30),
        _issue(2, "founder-2", "common", 2_000_000, "0.01", 30),
        _issue(3, "angel-1", "common", 500_000, "2.00", 200),
    ]
    if university is not None:
        # Shares for the patents the university contributed (作价入股), at no cash price.
        issuances.append(_issue(4, "university", "common", 1_500_000, "0", 30))
    if fund is not None:
        issuances.append(
            _issue(5, "fund-a", "series-a", SERIES_A_SHARES, str(SERIES_A_PRICE), SIGNED)
        )
    package = {
        "Manifest.ocf.json": {
            "file_type": "OCF_MANIFEST_FILE",
            "ocf_version": "1.2.0",
            "issuer": {"object_type": "ISSUER", "id": "demo", "legal_name": issuer.name_zh},
            "as_of": (SIGNED + timedelta(days=30)).isoformat(),
        },
        "Stakeholders.ocf.json": {"file_type": "OCF_STAKEHOLDERS_FILE", "items": holders},
        "StockClasses.ocf.json": {"file_type": "OCF_STOCK_CLASSES_FILE", "items": classes},
        "Transactions.ocf.json": {"file_type": "OCF_TRANSACTIONS_FILE", "items": issuances},
    }
    # The spin-off's founding team: its investors' money counts as investment into a team.
    team_id = world.session.scalar(select(Team.id).where(Team.organisation_id == issuer.id))
    if team_id is None:
        # An explicit id: the demo's bulk rows leave PostgreSQL's sequences behind until
        # the build ends.
        team_id = (world.session.scalar(select(func.max(Team.id))) or 0) + 1
        world.session.add(
            Team(
                id=team_id,
                organisation_id=issuer.id,
                name_zh="创始研发团队",
                name_en="Founding R&D team",
                field_zh="储能电池",
                field_en="energy-storage batteries",
            )
        )
        world.session.flush()
    partner: int | None = world.session.scalar(
        select(RoleGrant.person_id)
        .join(Person, Person.id == RoleGrant.person_id)
        .where(
            RoleGrant.role == Role.investor, RoleGrant.organisation_id == (fund.id if fund else 0)
        )
    )
    links = {"university": university, "fund-a": fund}
    for holder in holders:
        org = links.get(holder["id"])
        if org is not None:
            holder["comments"] = [f"labline:organisation={org.id}"]
    if fund is not None and partner is not None:
        # The demo investor (the Series A fund's partner, who holds the investor role for
        # it) following the field and the spin-off's region.
        investor = Investor(
            person_id=partner,
            organisation_id=fund.id,
            kind="venture_fund",
            thesis="硬科技早期投资 (early hard tech)",
        )
        investor.follows = [InvestorFollow(kind="field", value="38")]
        if issuer.region_code:
            investor.follows.append(InvestorFollow(kind="region", value=issuer.region_code))
        world.session.add(investor)
        world.session.flush()
        # The Series A as an equity deal, signed through the deal machinery; its issuance
        # names the deal and the founding team it funds.
        deal = equity_deal(
            world, issuer=issuer, team_id=team_id, investor_id=investor.id, partner=partner
        )
        round_a = next(i for i in issuances if i["stakeholder_id"] == "fund-a")
        round_a["comments"] = [f"labline:deal={deal.id}", f"labline:team={team_id}"]
        world.counts["market_equity_deals"] = 1
    actor = command_line_actor("demo")
    done = service.import_ocf(world.session, actor=actor, issuer_id=issuer.id, package=package)
    world.session.flush()
    world.counts["market_cap_issuances"] = done.issuances
