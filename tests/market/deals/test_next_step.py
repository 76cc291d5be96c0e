"""The buyer at "interest" sees what comes next and whose move it is, not only "Abandon"."""

from __future__ import annotations

from tests.factories import sign_in
from tests.market.deals.test_deals import opened, parties

__all__ = ["parties"]


def test_the_side_waiting_sees_the_next_step(client, db, parties):
    p = parties
    deal = opened(db, p)
    sign_in(client, p.buyer_p.email)
    page = client.get(f"/market/deals/{deal.id}").text
    assert 'data-testid="deal-waiting"' in page and "introduction" in page
    if deal.due_on:
        assert deal.due_on.isoformat() in page
    client.cookies.clear()
    sign_in(client, p.seller_p.email)  # the seller introduces: no waiting note for them
    assert 'data-testid="deal-waiting"' not in client.get(f"/market/deals/{deal.id}").text
