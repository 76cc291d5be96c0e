"""The cap table's rows of the market permission matrix: the enterprise of the shared world
is the issuer; its people and operators read, its admin and operators change, and nobody
else learns that it has a cap table."""

from __future__ import annotations

import json
from typing import Any

from labline.core.access import command_line_actor
from labline.market.captable import service
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
ALIASES = {"{enterprise_id}": "{issuer_id}"}


def world(db: Any, issuer_id: int) -> None:
    service.import_ocf(db, actor=command_line_actor("test"), issuer_id=issuer_id, package=package())
