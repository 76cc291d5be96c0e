"""Cap tables: an OCF package imported whole or refused by field with nothing changed,
exported back unchanged, read only by the issuer's people and operators, and extended by
the shares of a signed equity deal."""

from __future__ import annotations

import copy
from decimal import Decimal
from typing import Any

import pytest

from labline.core.access import ANONYMOUS
from labline.core.models import Role
from labline.core.service.auth import actor_for
from labline.errors import InvalidInput, NotFound, NotPermitted, NotSignedIn
from labline.market.captable import service
from labline.market.captable.schemas import IssuanceCreate
from labline.market.models import Deal, DealState
from tests import clock
from tests.factories import make_achievement, make_org, make_person, sign_in


def package() -> dict[str, Any]:
    return {
        "Manifest.ocf.json": {
            "file_type": "OCF_MANIFEST_FILE",
            "ocf_version": "1.2.0",
            "issuer": {"object_type": "ISSUER", "id": "x", "legal_name": "Spin-off Ltd"},
            "as_of": "2026-06-30",
        },
        "Stakeholders.ocf.json": {
            "file_type": "OCF_STAKEHOLDERS_FILE",
            "items": [
                {
                    "object_type": "STAKEHOLDER",
                    "id": "f1",
                    "name": {"legal_name": "张三"},
                    "stakeholder_type": "INDIVIDUAL",
                    "current_relationship": "FOUNDER",
                },
                {
                    "object_type": "STAKEHOLDER",
                    "id": "vc",
                    "name": {"legal_name": "Fund I"},
                    "stakeholder_type": "INSTITUTION",
                    "current_relationships": ["INVESTOR"],
                },
            ],
        },
        "StockClasses.ocf.json": {
            "file_type": "OCF_STOCK_CLASSES_FILE",
            "items": [
                {
                    "object_type": "STOCK_CLASS",
                    "id": "common",
                    "name": "Common",
                    "class_type": "COMMON",
                    "default_id_prefix": "CS-",
                    "initial_shares_authorized": "10000000",
                    "votes_per_share": "1",
                    "seniority": "1",
                },
                {
                    "object_type": "STOCK_CLASS",
                    "id": "pref",
                    "name": "Series A",
                    "class_type": "PREFERRED",
                    "default_id_prefix": "PA-",
                    "initial_shares_authorized": "UNLIMITED",
                    "votes_per_share": "2",
                    "seniority": "2",
                    "price_per_share": {"amount": "1.50", "currency": "USD"},
                },
            ],
        },
        "Transactions.ocf.json": {
            "file_type": "OCF_TRANSACTIONS_FILE",
            "items": [
                {
                    "object_type": "TX_STOCK_ISSUANCE",
                    "id": "t1",
                    "date": "2025-01-02",
                    "security_id": "s1",
                    "custom_id": "CS-1",
                    "stakeholder_id": "f1",
                    "stock_class_id": "common",
                    "quantity": "3000000",
                    "share_price": {"amount": "0.0001", "currency": "CNY"},
                    "security_law_exemptions": [],
                },
                {
                    "object_type": "TX_STOCK_ISSUANCE",
                    "id": "t2",
                    "date": "2026-03-01",
                    "security_id": "s2",
                    "custom_id": "PA-1",
                    "stakeholder_id": "vc",
                    "stock_class_id": "pref",
                    "quantity": "1000000",
                    "share_price": {"amount": "1.50", "currency": "USD"},
                    "security_law_exemptions": [],
                },
            ],
        },
    }


@pytest.fixture()
def w(db):
    issuer, investor = make_org(db), make_org(db, kind="investment_fund")
    admin = actor_for(db, make_person(db, org=issuer, org_role=Role.org_admin).id)
    member = actor_for(db, make_person(db, org=issuer, org_role=Role.member).id)
    outsider = actor_for(db, make_person(db, org=investor, org_role=Role.org_admin).id)
    operator = actor_for(db, make_person(db, roles=(Role.platform_operator,)).id)
    return {
        "issuer": issuer,
        "investor": investor,
        "admin": admin,
        "member": member,
        "outsider": outsider,
        "operator": operator,
    }


def test_import_reads_back_and_exports_the_same_package(db, w):
    done = service.import_ocf(db, actor=w["admin"], issuer_id=w["issuer"].id, package=package())
    assert (done.stakeholders, done.stock_classes, done.issuances) == (2, 2, 2)
    table = service.cap_table(db, actor=w["member"], issuer_id=w["issuer"].id)
    assert table.total_shares == Decimal(4_000_000)
    founder, fund = table.holders
    assert founder.legal_name == "张三" and founder.percent == Decimal("75.00")
    assert fund.votes == Decimal(2_000_000) and fund.relationship == "INVESTOR"
    assert fund.invested_cny == Decimal("10650000.00")  # 1,000,000 × 1.50 USD × 7.10
    assert isinstance(fund.invested_cny, Decimal) and not table.can_edit
    exported = service.export_ocf(db, actor=w["operator"], issuer_id=w["issuer"].id)
    assert exported["Manifest.ocf.json"]["file_type"] == "OCF_MANIFEST_FILE"
    tx = exported["Transactions.ocf.json"]["items"]
    assert [t["quantity"] for t in tx] == ["3000000", "1000000"]
    assert tx[1]["share_price"] == {"amount": "1.5", "currency": "USD"}
    # The export imports back to the same table.
    service.import_ocf(db, actor=w["operator"], issuer_id=w["issuer"].id, package=exported)
    again = service.cap_table(db, actor=w["admin"], issuer_id=w["issuer"].id)
    assert again.holders == table.holders and again.classes == table.classes


@pytest.mark.parametrize(
    ("change", "field"),
    [
        (
            lambda p: p["Transactions.ocf.json"]["items"][0].update(stakeholder_id="ghost"),
            "Transactions.ocf.json.items[0].stakeholder_id",
        ),
        (
            lambda p: p["Transactions.ocf.json"]["items"][1].update(stock_class_id="nope"),
            "Transactions.ocf.json.items[1].stock_class_id",
        ),
        (
            lambda p: p["Stakeholders.ocf.json"]["items"][1].update(id="f1"),
            "Stakeholders.ocf.json.items[1].id",
        ),
        (
            lambda p: p["Stakeholders.ocf.json"]["items"][0].update(stakeholder_type="ROBOT"),
            "Stakeholders.ocf.json.items[0].stakeholder_type",
        ),
        (
            lambda p: p["StockClasses.ocf.json"]["items"][0].update(class_type="GOLD"),
            "StockClasses.ocf.json.items[0].class_type",
        ),
        (
            lambda p: p["Transactions.ocf.json"]["items"][0].update(quantity="-5"),
            "Transactions.ocf.json.items[0].quantity",
        ),
        (
            lambda p: p["Transactions.ocf.json"]["items"][0].update(quantity=1.5),
            None,  # a JSON number is read as its decimal text, not refused
        ),
        (
            lambda p: p["Transactions.ocf.json"]["items"][1]["share_price"].update(currency="XXX"),
            "Transactions.ocf.json.items[1].share_price.currency",
        ),
        (
            lambda p: p["Transactions.ocf.json"]["items"][0].update(quantity="20000000"),
            "StockClasses.ocf.json.items[0].initial_shares_authorized",
        ),
        (
            lambda p: p["Transactions.ocf.json"]["items"][0].update(
                object_type="TX_WARRANT_ISSUANCE"
            ),
            "Transactions.ocf.json.items[0].object_type",
        ),
        (
            lambda p: p["Transactions.ocf.json"]["items"][0].update(date="2025-13-40"),
            "Transactions.ocf.json.items[0].date",
        ),
        (lambda p: p.pop("Stakeholders.ocf.json"), "Stakeholders.ocf.json"),
        (lambda p: p["Manifest.ocf.json"].update(file_type="ZIP"), "Manifest.ocf.json.file_type"),
    ],
)
def test_a_bad_package_is_refused_by_field_and_changes_nothing(db, w, change, field):
    issuer = w["issuer"].id
    service.import_ocf(db, actor=w["admin"], issuer_id=issuer, package=package())
    before = service.cap_table(db, actor=w["admin"], issuer_id=issuer)
    bad = copy.deepcopy(package())
    bad["Stakeholders.ocf.json"]["items"][0]["name"]["legal_name"] = "Changed"
    change(bad)
    if field is None:
        service.import_ocf(db, actor=w["admin"], issuer_id=issuer, package=bad)
        return
    with pytest.raises(InvalidInput) as exc:
        service.import_ocf(db, actor=w["admin"], issuer_id=issuer, package=bad)
    assert field in {f.field for f in exc.value.fields}, exc.value.fields
    assert service.cap_table(db, actor=w["admin"], issuer_id=issuer) == before


def test_the_cap_table_is_the_issuers_secret(db, w):
    issuer = w["issuer"].id
    service.import_ocf(db, actor=w["operator"], issuer_id=issuer, package=package())
    with pytest.raises(NotSignedIn):
        service.cap_table(db, actor=ANONYMOUS, issuer_id=issuer)
    with pytest.raises(NotFound):  # an outsider does not learn that there is one
        service.cap_table(db, actor=w["outsider"], issuer_id=issuer)
    with pytest.raises(NotFound):
        service.export_ocf(db, actor=w["outsider"], issuer_id=issuer)
    with pytest.raises(NotPermitted):  # a member reads but does not change it
        service.import_ocf(db, actor=w["member"], issuer_id=issuer, package=package())
    with pytest.raises(NotFound):
        service.cap_table(db, actor=w["operator"], issuer_id=999_999)


def test_an_equity_deal_adds_the_investors_shares(db, w):
    issuer, investor = w["issuer"], w["investor"]
    service.import_ocf(db, actor=w["admin"], issuer_id=issuer.id, package=package())
    deal = Deal(
        achievement_id=make_achievement(db, org=issuer).id,
        buyer_id=investor.id,
        seller_id=issuer.id,
        state=DealState.negotiating,
    )
    db.add(deal)
    db.flush()
    data = {
        "new_stakeholder": {"legal_name": "Fund II"},
        "stock_class_id": "pref",
        "quantity": "500000",
        "share_price": "2.5",
        "currency": "CNY",
        "issued_on": clock.day(-1).isoformat(),
        "deal_id": deal.id,
    }
    with pytest.raises(InvalidInput) as exc:  # not signed yet
        service.issue(
            db, actor=w["admin"], issuer_id=issuer.id, data=IssuanceCreate.model_validate(data)
        )
    assert exc.value.fields[0].field == "deal_id"
    deal.state = DealState.signed
    row = service.issue(
        db, actor=w["admin"], issuer_id=issuer.id, data=IssuanceCreate.model_validate(data)
    )
    assert row.deal_id == deal.id and row.custom_id == "PA-3" and row.quantity == 500_000
    table = service.cap_table(db, actor=w["admin"], issuer_id=issuer.id)
    new = next(h for h in table.holders if h.legal_name == "Fund II")
    assert new.organisation_id == investor.id and new.invested_cny == Decimal("1250000.00")
    for bad, field in (
        ({"stock_class_id": "gold"}, "stock_class_id"),
        ({"quantity": "8000000", "stock_class_id": "common"}, "quantity"),
        ({"issued_on": clock.day(5).isoformat()}, "issued_on"),
        ({"new_stakeholder": None, "stakeholder_id": "ghost"}, "stakeholder_id"),
    ):
        with pytest.raises(InvalidInput) as exc:
            service.issue(
                db,
                actor=w["admin"],
                issuer_id=issuer.id,
                data=IssuanceCreate.model_validate({**data, **bad}),
            )
        assert exc.value.fields[0].field == field
    with pytest.raises(NotPermitted):
        service.issue(
            db, actor=w["member"], issuer_id=issuer.id, data=IssuanceCreate.model_validate(data)
        )
    assert len(service.cap_table(db, actor=w["admin"], issuer_id=issuer.id).issuances) == 3


@pytest.mark.parametrize(
    "garbage",
    [
        {},
        {"a": []},
        {"a": {"file_type": ["x"]}},
        {"m": {"file_type": "OCF_MANIFEST_FILE"}, "s": {"file_type": "OCF_STAKEHOLDERS_FILE"}},
        {
            "Manifest.ocf.json": {"file_type": "OCF_MANIFEST_FILE", "issuer": [], "as_of": 5},
            "S": {
                "file_type": "OCF_STAKEHOLDERS_FILE",
                "items": [1, {"object_type": "STAKEHOLDER", "name": "x"}],
            },
            "C": {
                "file_type": "OCF_STOCK_CLASSES_FILE",
                "items": [
                    {
                        "object_type": "STOCK_CLASS",
                        "votes_per_share": "NaN",
                        "seniority": "Infinity",
                        "initial_shares_authorized": True,
                    }
                ],
            },
            "T": {
                "file_type": "OCF_TRANSACTIONS_FILE",
                "items": [
                    {"object_type": "TX_STOCK_ISSUANCE", "quantity": "1e-30", "share_price": 3}
                ],
            },
        },
    ],
)
def test_hostile_packages_are_refused_by_field(db, w, garbage):
    with pytest.raises(InvalidInput) as exc:
        service.import_ocf(db, actor=w["admin"], issuer_id=w["issuer"].id, package=garbage)
    assert exc.value.fields and all(f.field for f in exc.value.fields)


def test_the_page_names_the_company_in_the_readers_language(client, db, w):
    """The heading named the company by the OCF package's legal name (English) on the
    Chinese page too."""
    issuer = w["issuer"]
    service.import_ocf(db, actor=w["operator"], issuer_id=issuer.id, package=package())
    sign_in(client, make_person(db, org=issuer, org_role=Role.member).email)
    for lang, shown, hidden in (
        ("zh", issuer.name_zh, issuer.name_en),
        ("en", issuer.name_en, issuer.name_zh),
    ):
        client.get(f"/lang/{lang}")
        page = client.get(f"/market/captables/{issuer.id}")
        heading = page.text[page.text.index("<h1>") : page.text.index("</h1>")]
        assert page.status_code == 200 and shown in heading and hidden not in heading, heading


def test_an_empty_cap_table_does_not_total_a_hundred_percent(client, db, w):
    issuer = w["issuer"]
    sign_in(client, make_person(db, org=issuer, org_role=Role.member).email)
    client.get("/lang/en")
    page = client.get(f"/market/captables/{issuer.id}")
    foot = page.text[page.text.index("<tfoot>") : page.text.index("</tfoot>")]
    assert page.status_code == 200 and '<td class="num">100</td>' not in foot, foot
    service.import_ocf(db, actor=w["operator"], issuer_id=issuer.id, package=package())
    page = client.get(f"/market/captables/{issuer.id}")
    foot = page.text[page.text.index("<tfoot>") : page.text.index("</tfoot>")]
    assert '<td class="num">100</td>' in foot, foot
