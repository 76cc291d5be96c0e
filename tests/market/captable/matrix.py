"""The cap table's rows of the market permission matrix: the enterprise of the shared world
is the issuer; its people and operators read, its admin and operators change, and nobody
else learns that it has a cap table."""

from __future__ import annotations

import json
from typing import Any

from labline.core.access import command_line_actor
from labline.market.captable import service
from tests import clock
from tests.market.captable.test_captable import package
from tests.permissions import ALL, Case, only, signed_in

READERS = ("platform_operator", "org_admin", "member")
EDITORS = ("platform_operator", "org_admin")


def _editors(ok: int) -> dict[str, int]:
    return {**only(ok, EDITORS, others=404), "member": 403}


ISSUE = {
    "new_stakeholder": {"legal_name": "Perm Fund", "stakeholder_type": "INSTITUTION"},
    "stock_class_id": "common",
    "quantity": "1000",
    "share_price": "1.25",
    "currency": "CNY",
    "issued_on": "2025-01-02",
}
ROWS: dict[tuple[str, str], Case] = {
    ("GET", "/api/v1/market/captables/{enterprise_id}"): Case(only(200, READERS, others=404)),
    ("GET", "/api/v1/market/captables/{enterprise_id}/ocf"): Case(only(200, READERS, others=404)),
    ("PUT", "/api/v1/market/captables/{enterprise_id}/ocf"): Case(_editors(200), body=package()),
    ("POST", "/api/v1/market/captables/{enterprise_id}/issuances"): Case(_editors(201), body=ISSUE),
    ("GET", "/market/captables/{enterprise_id}"): Case(only(200, READERS, others=404)),
    ("POST", "/market/captables/{enterprise_id}"): Case(
        _editors(303),
        form={
            "legal_name": "Form Fund",
            "stock_class_id": "common",
            "quantity": "100",
            "share_price": "1",
            "currency": "CNY",
            "issued_on": "2025-01-02",
        },
    ),
    ("POST", "/market/captables/{enterprise_id}/import"): Case(
        _editors(303), upload=json.dumps(package())
    ),
}
# Listing readiness reads no record: anyone signed in checks figures; the standards are public.
FIGURES = {"market_value": "1200000000", "revenue_last_year": "150000000"}
ROWS.update(
    {
        ("POST", "/api/v1/market/listing/star"): Case(signed_in(200), body=FIGURES),
        ("GET", "/api/v1/market/listing/star/standards"): Case(ALL),
        ("GET", "/market/listing"): Case(signed_in(200)),
        ("GET", "/market/listing?market_value=5000000000&core_products_in_phase2=1"): Case(
            signed_in(200)
        ),
    }
)
# A company's kept listing figures: its people and operators read, its admins and operators
# enter; nobody else learns whether it keeps any.
KEPT = {
    "period_end": clock.TODAY.replace(month=1, day=1).isoformat(),
    "market_value": "4500000000",
    "technology_advantage": True,
}
ROWS.update(
    {
        ("GET", "/api/v1/market/listing/organisations/{company_id}"): Case(
            only(200, READERS, others=404)
        ),
        ("POST", "/api/v1/market/listing/organisations/{company_id}/figures"): Case(
            _editors(201), body=KEPT
        ),
        ("GET", "/market/listing/organisations/{company_id}"): Case(only(200, READERS, others=404)),
        ("POST", "/market/listing/organisations/{company_id}"): Case(
            _editors(303),
            form={k: "1" if v is True else str(v) for k, v in KEPT.items()},
        ),
    }
)
# Investors: a role a person holds. The world's investor is a member of a fund and holds the
# role for it; its profile, follows, board and introductions are its own business (and the
# operators'); the list is for those signed in. Registering: the operator names a second
# holder of the role (201); the investor already has a profile (409); nobody else may.
INVESTOR_SIDE = ("platform_operator", "investor")
ROWS.update(
    {
        ("GET", "/api/v1/market/investors"): Case(signed_in(200)),
        ("POST", "/api/v1/market/investors"): Case(
            {**only(201, ("platform_operator",)), "investor": 403},
            body={
                "organisation_id": "{fund_id}",
                "kind": "guidance_fund",
                "person_id": "{holder_id}",
            },
        ),
        ("GET", "/api/v1/market/investors/{investor_id}"): Case(
            only(200, INVESTOR_SIDE, others=404)
        ),
        ("GET", "/api/v1/market/investors/{investor_id}/follow-choices?kind=team&q=x"): Case(
            only(200, INVESTOR_SIDE, others=404)
        ),
        ("GET", "/api/v1/market/investors/{investor_id}/feed"): Case(
            only(200, INVESTOR_SIDE, others=404)
        ),
        ("POST", "/api/v1/market/investors/{investor_id}/follows"): Case(
            only(201, INVESTOR_SIDE, others=404), body={"kind": "field", "value": "3841"}
        ),
        ("DELETE", "/api/v1/market/investors/{investor_id}/follows/{follow_id}"): Case(
            only(204, INVESTOR_SIDE, others=404)
        ),
        ("POST", "/api/v1/market/investors/{investor_id}/introductions"): Case(
            only(201, INVESTOR_SIDE, others=404), body={"achievement_id": "{other_achievement_id}"}
        ),
        ("GET", "/market/investors"): Case(signed_in(200)),
        ("POST", "/market/investors"): Case(
            {**only(303, ()), "investor": 409},
            form={"organisation_id": "{fund_id}", "kind": "venture_fund", "thesis": "x"},
        ),
        ("GET", "/market/investors/{investor_id}"): Case(only(200, INVESTOR_SIDE, others=404)),
        ("POST", "/market/investors/{investor_id}"): Case(
            only(303, INVESTOR_SIDE, others=404),
            form={"action": "follow", "kind": "field", "value": "3841"},
        ),
    }
)
ALIASES = {"{enterprise_id}": "{issuer_id}", "{company_id}": "{organisation_id}"}


def world(db: Any, issuer_id: int, investor_person_id: int) -> dict[str, int]:
    """The enterprise's cap table; a fund whose member (the matrix's investor) holds the
    investor role for it, with a profile and one follow; a second holder without one."""
    from sqlalchemy import update

    from labline.core.models import Membership, Role, RoleGrant
    from labline.market.investors.models import Investor, InvestorFollow
    from tests.factories import make_org, make_person

    actor = command_line_actor("test")
    service.import_ocf(db, actor=actor, issuer_id=issuer_id, package=package())
    fund = make_org(db, kind="investment_fund")
    db.add(Membership(person_id=investor_person_id, organisation_id=fund.id))
    db.execute(
        update(RoleGrant)
        .where(RoleGrant.person_id == investor_person_id, RoleGrant.role == Role.investor)
        .values(organisation_id=fund.id)
    )
    investor = Investor(
        person_id=investor_person_id, organisation_id=fund.id, kind="venture_fund", thesis=""
    )
    investor.follows = [InvestorFollow(kind="region", value="320500")]
    db.add(investor)
    holder = make_person(db, org=fund, password=False)
    db.add(RoleGrant(person_id=holder.id, role=Role.investor, organisation_id=fund.id))
    db.flush()
    return {
        "{investor_id}": investor.id,
        "{follow_id}": investor.follows[0].id,
        "{fund_id}": fund.id,
        "{holder_id}": holder.id,
        "{company_id}": issuer_id,
    }
