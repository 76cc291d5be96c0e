"""Every market route against every actor.

One app, client and world per module (and backend); each case runs inside a savepoint
that is rolled back, so cases cannot see each other's changes and the matrix stays fast.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import sessionmaker

from labline.app import create_app
from labline.config import Settings
from labline.core.models import Role
from labline.core.service.auth import actor_for
from labline.market.models import Deal, DealState, InboxItem, Watch
from labline.market.schemas import AccessRequest
from labline.market.service import records
from tests.factories import make_achievement, make_need, make_org, make_person
from tests.market.captable import matrix as captable_matrix
from tests.market.diligence import matrix as diligence_matrix
from tests.permissions import (
    ACTORS,
    ALL,
    Case,
    only,
    request_in_shared_world,
    signed_in,
)

PARTIES = ("platform_operator", "org_admin", "member")  # the enterprise's people and operators
OPERATOR = ("platform_operator",)
ANALYSTS = ("platform_operator", "analyst")
TODAY = date.today()
FUTURE = (date.today() + timedelta(days=60)).isoformat()
PERIOD = "start=2026-01-01&end=2027-01-01"
SOON = (date.today() + timedelta(days=30)).isoformat()


def outsiders(ok: int, allowed: tuple[str, ...], other: int) -> dict[str, int]:
    return {a: 401 if a == "anonymous" else (ok if a in allowed else other) for a in ACTORS}


NEED = {
    "organisation_id": "{enterprise_id}",
    "title": "Sodium-ion cathode scale-up",
    "industry_code": "3841",
    "deadline": FUTURE,
    "modes": ["transfer"],
}
ACHIEVEMENT = {
    "organisation_id": "{university_id}",
    "kind": "know_how",
    "title": "Layered oxide cathode process",
    "industry_code": "3841",
    "readiness": 6,
}
NEED_CSV = "organisation_id,title,industry_code\n{enterprise_id},Imported need title,3841\n"
ACH_CSV = (
    "organisation_id,kind,title,industry_code,readiness\n"
    "{university_id},paper,Imported achievement,3841,4\n"
)
CONTRACT = {
    "kind": "licence",
    "amount": "500000",
    "signed_on": "2026-03-01",
    "registration_no": "PERM-{actor}",
}

MATRIX: dict[tuple[str, str], Case] = {
    ("GET", "/api/v1/market/needs"): Case(ALL),
    ("POST", "/api/v1/market/needs"): Case(only(201, PARTIES), body=NEED),
    ("GET", "/api/v1/market/needs/export"): Case(ALL),
    ("POST", "/api/v1/market/needs/import"): Case(outsiders(201, PARTIES, 422), upload=NEED_CSV),
    ("GET", "/api/v1/market/needs/{need_id}"): Case(ALL),
    ("PATCH", "/api/v1/market/needs/{need_id}"): Case(
        only(200, PARTIES), body={"summary": "new public summary"}
    ),
    ("POST", "/api/v1/market/needs/{need_id}/transition"): Case(
        only(200, PARTIES), body={"action": "close", "close_reason": "withdrawn"}
    ),
    ("POST", "/api/v1/market/needs/{need_id}/access"): Case(
        outsiders(409, PARTIES, 201), body={"nda_accepted": True}
    ),
    ("POST", "/api/v1/market/needs/{need_id}/access/{requester_id}"): Case(
        only(200, PARTIES), body={"admit": True}
    ),
    ("GET", "/api/v1/market/needs/{need_id}/suggestions"): Case(only(200, PARTIES)),
    ("GET", "/api/v1/market/achievements"): Case(ALL),
    ("POST", "/api/v1/market/achievements"): Case(only(201, OPERATOR), body=ACHIEVEMENT),
    ("GET", "/api/v1/market/achievements/export"): Case(ALL),
    ("POST", "/api/v1/market/achievements/import"): Case(
        outsiders(201, OPERATOR, 422), upload=ACH_CSV
    ),
    ("GET", "/api/v1/market/achievements/{achievement_id}"): Case(ALL),
    ("PATCH", "/api/v1/market/achievements/{achievement_id}"): Case(
        only(200, OPERATOR), body={"readiness": 7}
    ),
    ("POST", "/api/v1/market/achievements/{achievement_id}/transition"): Case(
        only(200, OPERATOR), body={"action": "close", "close_reason": "withdrawn"}
    ),
    ("POST", "/api/v1/market/achievements/{achievement_id}/access"): Case(
        outsiders(409, OPERATOR, 201), body={"nda_accepted": True}
    ),
    ("POST", "/api/v1/market/achievements/{achievement_id}/access/{requester_id}"): Case(
        only(200, OPERATOR), body={"admit": False}
    ),
    ("GET", "/api/v1/market/achievements/{achievement_id}/suggestions"): Case(only(200, OPERATOR)),
    ("GET", "/api/v1/market/deals"): Case(signed_in()),
    ("POST", "/api/v1/market/deals"): Case(
        only(201, PARTIES),
        body={"achievement_id": "{other_achievement_id}", "need_id": "{need_id}"},
    ),
    ("GET", "/api/v1/market/deals/{deal_id}"): Case(only(200, PARTIES, others=404)),
    ("GET", "/api/v1/market/deals?overdue=1"): Case(signed_in()),
    ("PATCH", "/api/v1/market/deals/{deal_id}"): Case(
        only(200, PARTIES, others=404), body={"due_on": SOON}
    ),
    ("POST", "/api/v1/market/deals/{deal_id}/transition"): Case(
        only(200, PARTIES, others=404), body={"action": "abandon", "reason": "too slow"}
    ),
    ("POST", "/api/v1/market/deals/{deal_id}/messages"): Case(
        only(201, PARTIES, others=404), body={"body": "Shall we meet?"}
    ),
    ("POST", "/api/v1/market/deals/{deal_id}/contract"): Case(
        only(201, PARTIES, others=404), body=CONTRACT
    ),
    ("POST", "/api/v1/market/feedback"): Case(
        only(201, PARTIES),
        body={
            "need_id": "{need_id}",
            "achievement_id": "{achievement_id}",
            "side": "need",
            "action": "accept",
        },
    ),
    ("GET", f"/api/v1/market/figures?{PERIOD}"): Case(ALL),
    ("GET", f"/api/v1/market/figures?{PERIOD}&by=organisation"): Case(ALL),
    ("GET", f"/api/v1/market/figures?{PERIOD}&by=organisation&format=csv"): Case(ALL),
    ("GET", "/api/v1/market/quality"): Case(only(200, ANALYSTS)),
    ("GET", "/api/v1/market/quality/labelled"): Case(only(200, ANALYSTS)),
    # pages
    ("GET", "/market"): Case(ALL),
    ("GET", "/market/new"): Case(signed_in()),
    ("POST", "/market/new"): Case(
        only(303, PARTIES),
        form={
            "kind": "need",
            "organisation_id": "{enterprise_id}",
            "title": "A need from the form",
            "industry_code": "3841",
            "modes": "transfer",
        },
    ),
    ("GET", "/market/needs/{need_id}"): Case(ALL),
    ("POST", "/market/needs/{need_id}"): Case(
        only(303, PARTIES), form={"action": "close", "close_reason": "solved"}
    ),
    ("GET", "/market/achievements/{achievement_id}"): Case(ALL),
    ("POST", "/market/achievements/{achievement_id}"): Case(
        outsiders(409, OPERATOR, 303), form={"action": "request-access", "nda_accepted": "on"}
    ),
    ("GET", "/market/deals"): Case(signed_in()),
    ("GET", "/market/deals?overdue=1"): Case(signed_in()),
    ("GET", "/market/deals/{deal_id}"): Case(only(200, PARTIES, others=404)),
    ("POST", "/market/deals/{deal_id}"): Case(
        only(303, PARTIES, others=404), form={"action": "message", "body": "hello"}
    ),
    ("POST", "/market/deals/{deal_id}?due"): Case(
        only(303, PARTIES, others=404), form={"action": "due", "due_on": SOON}
    ),
    ("GET", "/market/figures"): Case(ALL),
    ("GET", "/market/figures?year=2026&industry=38"): Case(ALL),
    ("GET", "/market/quality"): Case(only(200, ANALYSTS)),
    # watches and the inbox (the member owns the watch and the item)
    ("GET", "/api/v1/market/watches"): Case(signed_in()),
    ("POST", "/api/v1/market/watches"): Case(
        signed_in(201), body={"kind": "search", "query": "sodium battery"}
    ),
    ("DELETE", "/api/v1/market/watches/{watch_id}"): Case(outsiders(204, ("member",), 403)),
    ("GET", "/api/v1/market/inbox"): Case(signed_in()),
    ("POST", "/api/v1/market/inbox/{item_id}/read"): Case(outsiders(200, ("member",), 404)),
    ("GET", "/market/watches"): Case(signed_in()),
    ("POST", "/market/watches"): Case(
        signed_in(303), form={"kind": "field", "industry_code": "3841"}
    ),
    ("POST", "/market/watches/{watch_id}"): Case(
        outsiders(303, ("member",), 403), form={"action": "remove"}
    ),
    ("POST", "/market/inbox/{item_id}"): Case(
        outsiders(303, ("member",), 404), form={"action": "open"}
    ),
}

# Team and expert profiles: teams are public faces; an expert (an inventor's name) exists only
# for those who may read the achievement's details (here the operator: the university's).
NOT_ADMITTED = only(200, OPERATOR, anon=404, others=404)
MATRIX.update(
    {
        ("GET", "/api/v1/market/teams"): Case(ALL),
        ("GET", "/api/v1/market/teams/{team_id}"): Case(ALL),
        ("GET", "/api/v1/market/experts/{expert_id}"): Case(NOT_ADMITTED),
        ("GET", "/api/v1/market/needs/{need_id}/teams"): Case(only(200, PARTIES)),
        ("GET", "/market/teams"): Case(ALL),
        ("GET", "/market/teams/{team_id}"): Case(ALL),
        ("GET", "/market/experts/{expert_id}"): Case(NOT_ADMITTED),
    }
)

# Valuation reads no record: anyone signed in may value cash flows; the stage table is public.
RNPV = {
    "rate": 0.1,
    "stage": "phase2",
    "cashflows": [{"year": 1, "amount": 100, "stage": "market"}],
}
MATRIX.update(
    {
        ("POST", "/api/v1/market/valuation/rnpv"): Case(signed_in(200), body=RNPV),
        ("GET", "/api/v1/market/valuation/success-rates"): Case(ALL),
    }
)

# Licence offers are confidential deal terms: the deal's own gate (parties and operators).
OFFER = {
    "label": "perm",
    "exclusivity": "exclusive",
    "term_years": 10,
    "upfront_cash": "100000",
    "tiers": [{"from_sales": "0", "rate_percent": "3"}],
}
MATRIX.update(
    {
        ("GET", "/api/v1/market/deals/{deal_id}/offers"): Case(only(200, PARTIES, others=404)),
        ("POST", "/api/v1/market/deals/{deal_id}/offers"): Case(
            only(201, PARTIES, others=404), body=OFFER
        ),
        ("POST", "/api/v1/market/deals/{deal_id}/offers/compare"): Case(
            only(200, PARTIES, others=404), body={"rate": "0.1", "stage": "phase2"}
        ),
        ("GET", "/market/deals/{deal_id}/offers"): Case(only(200, PARTIES, others=404)),
        ("POST", "/market/deals/{deal_id}/offers"): Case(
            only(303, PARTIES, others=404),
            form={
                "label": "perm",
                "exclusivity": "sole",
                "term_years": "5",
                "tier_0_from_sales": "0",
                "tier_0_rate_percent": "2",
            },
        ),
        # The buyer's side accepts the seller's offer; operators may record it.
        ("POST", "/api/v1/market/offers/{offer_id}/accept"): Case(only(200, PARTIES, others=404)),
    }
)

# The ledger of a signed licence: the licensor (seller) and operators invoice and record
# payments; the licensee (buyer; here the enterprise's admin and member) files royalty
# reports; both read. Nobody else learns that the contract exists.
SELLER_ONLY = {**only(201, OPERATOR, others=404), "org_admin": 403, "member": 403}
MATRIX.update(
    {
        ("GET", "/api/v1/market/contracts/{contract_id}/ledger"): Case(
            only(200, PARTIES, others=404)
        ),
        ("POST", "/api/v1/market/contracts/{contract_id}/invoices/upfront"): Case(
            {**SELLER_ONLY, "platform_operator": 409}  # the world's upfront is invoiced already
        ),
        ("POST", "/api/v1/market/contracts/{contract_id}/invoices/milestone"): Case(
            SELLER_ONLY, body={"milestone_id": "{milestone_id}", "achieved_on": TODAY.isoformat()}
        ),
        ("POST", "/api/v1/market/contracts/{contract_id}/royalty-reports"): Case(
            only(201, PARTIES, others=404),
            body={
                "period_start": (TODAY - timedelta(days=90)).isoformat(),
                "period_end": TODAY.isoformat(),
                "lines": [{"product": "P", "territory": "CN", "net_sales": "1000000"}],
            },
        ),
        ("POST", "/api/v1/market/invoices/{invoice_id}/payments"): Case(
            SELLER_ONLY,
            body={"amount": "100000", "currency": "CNY", "received_on": TODAY.isoformat()},
        ),
        ("GET", "/market/contracts/{contract_id}/ledger"): Case(only(200, PARTIES, others=404)),
        ("POST", "/market/contracts/{contract_id}/ledger"): Case(
            only(303, PARTIES, others=404),
            form={
                "action": "report",
                "period_start": (TODAY - timedelta(days=30)).isoformat(),
                "period_end": TODAY.isoformat(),
                "line_0_product": "P",
                "line_0_territory": "CN",
                "line_0_net_sales": "5000",
            },
        ),
    }
)


def _licence_world(db, deal, need, achievement, buyer, seller) -> dict[str, int]:  # type: ignore[no-untyped-def]
    """An offer by the seller on the open deal; a second, signed licence with its accepted
    terms (one milestone) and an upfront invoice."""
    from decimal import Decimal

    from labline.market.ledger.models import LicenceInvoice
    from labline.market.licensing.models import LicenceMilestone, LicenceOffer, RoyaltyTier
    from labline.market.models import Contract, ContractKind

    open_offer = LicenceOffer(
        deal_id=deal.id, label="open", proposed_by_side="seller", exclusivity="sole", term_years=5
    )
    signed = Deal(
        need_id=need.id,
        achievement_id=achievement.id,
        buyer_id=buyer.id,
        seller_id=seller.id,
        state=DealState.signed,
    )
    db.add_all([open_offer, signed])
    db.flush()
    contract = Contract(
        deal_id=signed.id,
        kind=ContractKind.licence,
        amount=Decimal(1_000_000),
        currency="CNY",
        amount_cny=Decimal(1_000_000),
        signed_on=TODAY - timedelta(days=400),
        registration_no="PERM-LEDGER-1",
        buyer_id=buyer.id,
        seller_id=seller.id,
    )
    terms = LicenceOffer(
        deal_id=signed.id,
        label="signed",
        proposed_by_side="seller",
        exclusivity="exclusive",
        term_years=10,
        upfront_cash=Decimal(500_000),
        accepted_at=datetime.now(UTC),
    )
    terms.tiers = [RoyaltyTier(position=0, from_sales=Decimal(0), rate_percent=Decimal(5))]
    terms.milestones = [LicenceMilestone(position=0, event="first sale", amount=Decimal(200_000))]
    db.add_all([contract, terms])
    db.flush()
    invoice = LicenceInvoice(
        contract_id=contract.id,
        kind="upfront",
        description="upfront",
        amount=Decimal(500_000),
        currency="CNY",
        amount_cny=Decimal(500_000),
        issued_on=contract.signed_on,
        due_on=contract.signed_on + timedelta(days=30),
    )
    db.add(invoice)
    db.flush()
    return {
        "{offer_id}": open_offer.id,
        "{contract_id}": contract.id,
        "{invoice_id}": invoice.id,
        "{milestone_id}": terms.milestones[0].id,
    }


MATRIX.update(captable_matrix.ROWS)
MATRIX.update(diligence_matrix.ROWS)

# Route templates as the app declares them (the matrix names specific records).
ALIASES = {
    **captable_matrix.ALIASES,
    "{need_id}": "{record_id}",
    "{achievement_id}": "{record_id}",
    "{requester_id}": "{person_id}",
}


def declared(route: tuple[str, str]) -> tuple[str, str]:
    method, path = route
    for alias, name in ALIASES.items():
        path = path.replace(alias, name)
    return method, path.split("?")[0]


@pytest.fixture(scope="module")
def shared(engine, tmp_path_factory) -> Iterator[SimpleNamespace]:
    """The world, built once: an enterprise (whose admin and member are parties), a university
    with a published achievement, the enterprise's published need and a deal in negotiation."""
    conn = engine.connect()
    outer = conn.begin()
    factory = sessionmaker(
        bind=conn, join_transaction_mode="create_savepoint", expire_on_commit=False
    )
    db = factory()
    enterprise = make_org(db)
    university = make_org(db, kind="university", region_code="320500")
    people: dict[str, Any] = {}
    for role in Role:
        if role in (Role.org_admin, Role.member):
            people[role.value] = make_person(db, org=enterprise, org_role=role, password=False)
        else:
            people[role.value] = make_person(db, roles=(role,), password=False)
    need = make_need(db, org=enterprise)
    achievement = make_achievement(db, org=university)
    other = make_achievement(db, org=university)
    requester = make_person(db, org=make_org(db), password=False)
    asking = actor_for(db, requester.id)
    for kind, record in (("need", need), ("achievement", achievement)):
        records.request_access(
            db, actor=asking, kind=kind, record_id=record.id, data=AccessRequest(nda_accepted=True)
        )
    deal = Deal(
        need_id=need.id,
        achievement_id=achievement.id,
        buyer_id=enterprise.id,
        seller_id=university.id,
        state=DealState.negotiating,
    )
    db.add(deal)
    db.flush()
    watch = Watch(
        person_id=people["member"].id,
        kind="field",
        record_kind="achievement",
        industry_code="3841",
        checked_at=datetime.now(UTC),
    )
    db.add(watch)
    db.flush()
    item = InboxItem(
        person_id=people["member"].id,
        watch_id=watch.id,
        record_kind="achievement",
        record_id=achievement.id,
        title=achievement.title,
        created_at=datetime.now(UTC),
    )
    db.add(item)
    db.flush()
    ledger_ids = _licence_world(db, deal, need, other, enterprise, university)
    ledger_ids.update(captable_matrix.world(db, enterprise.id, people["investor"].id))
    ledger_ids.update(diligence_matrix.world(db, ledger_ids["{contract_id}"]))
    ids = {
        **ledger_ids,
        "{watch_id}": watch.id,
        "{item_id}": item.id,
        "{enterprise_id}": enterprise.id,
        "{university_id}": university.id,
        "{need_id}": need.id,
        "{achievement_id}": achievement.id,
        "{other_achievement_id}": other.id,
        "{requester_id}": requester.id,
        "{deal_id}": deal.id,
        "{team_id}": achievement.id,  # the factory names Zhang San on both: one team
        "{expert_id}": f"{achievement.id}-1",
    }
    data_dir: Path = tmp_path_factory.mktemp("market-perm")
    settings = Settings(env="test", data_dir=data_dir, database_url=str(engine.url))
    app = create_app(settings, session_factory=factory)
    with TestClient(app, raise_server_exceptions=False) as client:
        yield SimpleNamespace(
            conn=conn,
            db=db,
            client=client,
            settings=settings,
            world={"org": enterprise, "people": people, "target": people["member"], "token": None},
            ids=ids,
        )
    db.close()
    outer.rollback()
    conn.close()


@pytest.mark.parametrize("actor", ACTORS)
@pytest.mark.parametrize("route", sorted(MATRIX), ids=lambda r: f"{r[0]} {r[1]}")
def test_route_permission(shared, route, actor):
    method = route[0]
    case = MATRIX[route]
    url, r = request_in_shared_world(shared, route, case, actor)
    assert r.status_code == case.expect[actor], f"{method} {url} as {actor}: {r.text[:300]}"
