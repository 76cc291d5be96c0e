"""Demo step: two signed licences with their terms and ledgers — a drug licence with
development milestones, quarterly royalty reports and a diligence checklist (one report
late), and a device licence paid up."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from sqlalchemy import select

from labline.demo.api import World
from labline.market.deals.schemas import CURRENCIES as CNY_RATES
from labline.market.diligence.models import DiligenceItem
from labline.market.engine import royalties
from labline.market.ledger.models import LicenceInvoice, LicencePayment, RoyaltyReport
from labline.market.licensing.models import LicenceMilestone, LicenceOffer, RoyaltyTier
from labline.market.models import Contract, ContractKind

DRUG = {
    "label": "独占许可：中国大陆，肿瘤适应症",
    "field_of_use": "实体瘤治疗 (solid tumours)",
    "territory": "中国大陆 (mainland China)",
    "exclusivity": "exclusive",
    "term_years": 15,
    "upfront_cash": Decimal(8_000_000),
    "patent_costs": Decimal(350_000),
    "minimum_annual_royalty": Decimal(1_000_000),
    "sublicence_share_percent": Decimal(20),
    "diligence": "首个 II 期临床试验在签约后 24 个月内启动；每半年提交开发进展报告。",
}
DRUG_TIERS = [(0, 200_000_000, "5"), (200_000_000, 1_000_000_000, "7"), (1_000_000_000, None, "9")]
DRUG_MILESTONES = [
    ("II 期临床首例患者入组 (first patient dosed, phase II)", 15_000_000, "phase2", 120),
    ("III 期临床启动 (phase III start)", 40_000_000, "phase3", None),
    ("获批上市 (approval)", 120_000_000, "market", None),
]
DRUG_DILIGENCE = [
    (
        "签约后 24 个月内启动首个 II 期临床试验 (phase II trial started within 24 months)",
        730,
        120,
        "CTR20261207：II 期首例患者入组 (trial registration, first patient dosed)",
    ),
    ("首份半年度开发进展报告 (first half-year progress report)", 182, 175, "进展报告 H1 已提交"),
    ("首份季度安全性报告 (first quarterly safety report)", 150, None, ""),
]
DEVICE = {
    "label": "Non-exclusive licence, worldwide",
    "field_of_use": "industrial inspection",
    "territory": "worldwide",
    "exclusivity": "non_exclusive",
    "term_years": 8,
    "upfront_cash": Decimal(600_000),
    "patent_costs": Decimal(0),
    "minimum_annual_royalty": None,
    "sublicence_share_percent": Decimal(0),
    "diligence": "",
}


def _add_terms(
    world: World, contract: Contract, terms: dict, tiers: list, milestones: list
) -> LicenceOffer:
    offer = LicenceOffer(
        deal_id=contract.deal_id,
        contract_id=contract.id,
        proposed_by_side="seller",
        currency=contract.currency,
        upfront_equity_percent=Decimal(0),
        accepted_at=datetime.combine(contract.signed_on, datetime.min.time(), UTC),
        **terms,
    )
    offer.tiers = [
        RoyaltyTier(
            position=i,
            from_sales=Decimal(lo),
            to_sales=Decimal(hi) if hi is not None else None,
            rate_percent=Decimal(rate),
        )
        for i, (lo, hi, rate) in enumerate(tiers)
    ]
    offer.milestones = [
        LicenceMilestone(
            position=i,
            event=event,
            amount=Decimal(amount),
            stage=stage,
            due_on=contract.signed_on + timedelta(days=days) if days else None,
        )
        for i, (event, amount, stage, days) in enumerate(milestones)
    ]
    world.session.add(offer)
    world.session.flush()
    return offer


def _invoice(
    world: World, contract: Contract, kind: str, what: str, amount: Decimal, issued: date
) -> LicenceInvoice:
    invoice = LicenceInvoice(
        contract_id=contract.id,
        kind=kind,
        description=what,
        amount=amount,
        currency=contract.currency,
        amount_cny=round(amount * CNY_RATES[contract.currency], 2),
        issued_on=issued,
        due_on=issued + timedelta(days=30),
    )
    world.session.add(invoice)
    world.session.flush()
    return invoice


def step_licences(world: World) -> None:
    contracts = list(
        world.session.scalars(
            select(Contract)
            .where(Contract.kind == ContractKind.licence)
            .order_by(Contract.signed_on, Contract.id)
            .limit(2)
        )
    )
    if len(contracts) < 2:
        return
    # The earliest licences, so that their milestones and royalty quarters fall inside the
    # demo year.
    drug, device = contracts
    offer = _add_terms(world, drug, DRUG, DRUG_TIERS, DRUG_MILESTONES)
    upfront = _invoice(
        world, drug, "upfront", "upfront fee and patent costs", Decimal(8_350_000), drug.signed_on
    )
    world.session.add(
        LicencePayment(
            invoice_id=upfront.id,
            amount=upfront.amount,
            currency=upfront.currency,
            received_on=drug.signed_on + timedelta(days=21),
        )
    )
    first = offer.milestones[0]
    ms = _invoice(
        world, drug, "milestone", first.event, first.amount, drug.signed_on + timedelta(days=120)
    )
    ms.milestone_id = first.id
    tiers = [royalties.Tier(t.from_sales, t.to_sales, t.rate_percent) for t in offer.tiers]
    # Two quarters of early sales under a named-patient programme, the minimum pro rata.
    for q, (sales_cn, sales_hk) in enumerate(
        ((Decimal(3_200_000), Decimal(400_000)), (Decimal(9_800_000), Decimal(1_100_000)))
    ):
        start = drug.signed_on + timedelta(days=91 * q)
        end = start + timedelta(days=90)
        net = sales_cn + sales_hk
        minimum = (Decimal(1_000_000) * 91 / 365).quantize(Decimal("0.01"))
        due, applied = royalties.royalty(net, tiers, minimum=minimum)
        report = RoyaltyReport(
            contract_id=drug.id,
            period_start=start,
            period_end=end,
            lines=json.dumps(
                [
                    {"product": "LL-101", "territory": "CN", "net_sales": str(sales_cn)},
                    {"product": "LL-101", "territory": "HK", "net_sales": str(sales_hk)},
                ]
            ),
            net_sales=net,
            royalty=due,
            minimum_applied=applied,
        )
        world.session.add(report)
        world.session.flush()
        inv = _invoice(world, drug, "royalty", f"royalties {start} – {end}", due, end)
        inv.report_id = report.id
    # The diligence checklist: the trial started (with its registration as evidence), the
    # first half-year report filed, the second one late.
    for i, (obligation, due_days, done_days, evidence) in enumerate(DRUG_DILIGENCE):
        world.session.add(
            DiligenceItem(
                contract_id=drug.id,
                position=i,
                obligation=obligation,
                due_on=drug.signed_on + timedelta(days=due_days),
                done_on=(
                    drug.signed_on + timedelta(days=done_days) if done_days is not None else None
                ),
                evidence=evidence,
            )
        )
    _add_terms(world, device, DEVICE, [(0, None, "3")], [])
    paid = _invoice(world, device, "upfront", "upfront fee", Decimal(600_000), device.signed_on)
    world.session.add(
        LicencePayment(
            invoice_id=paid.id,
            amount=paid.amount,
            currency=paid.currency,
            received_on=device.signed_on + timedelta(days=10),
        )
    )
    world.session.flush()
    world.counts["market_licence_offers"] = 2
