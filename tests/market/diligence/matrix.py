"""The diligence checklist's rows of the market permission matrix, on the shared world's
signed licence (the enterprise is the licensee, the university the licensor): both sides
and operators read; the licensor and operators list obligations; the licensee and operators
record that one was met; nobody else learns that the contract exists. And the licensee's
books of all its licences."""

from __future__ import annotations

from typing import Any

from tests import clock
from tests.permissions import Case, only

PARTIES = ("platform_operator", "org_admin", "member")
LICENSOR_ONLY = {**only(201, ("platform_operator",), others=404), "org_admin": 403, "member": 403}

ROWS: dict[tuple[str, str], Case] = {
    ("GET", "/api/v1/market/contracts/{contract_id}/diligence"): Case(
        only(200, PARTIES, others=404)
    ),
    ("POST", "/api/v1/market/contracts/{contract_id}/diligence"): Case(
        LICENSOR_ONLY, body={"obligation": "first patient dosed"}
    ),
    ("POST", "/api/v1/market/diligence/{diligence_id}/evidence"): Case(
        only(200, PARTIES, others=404),
        body={"done_on": clock.day(-2).isoformat(), "evidence": "trial registration"},
    ),
    # An organisation's licence books: its own people and operators; nobody else learns
    # what it is owed or owes.
    ("GET", "/api/v1/market/organisations/{company_id}/ledger"): Case(
        only(200, PARTIES, others=404)
    ),
    ("GET", "/market/organisations/{company_id}/ledger"): Case(only(200, PARTIES, others=404)),
}


def world(db: Any, contract_id: int) -> dict[str, int]:
    from labline.market.diligence.models import DiligenceItem

    item = DiligenceItem(contract_id=contract_id, position=0, obligation="half-year report")
    db.add(item)
    db.flush()
    return {"{diligence_id}": item.id}
