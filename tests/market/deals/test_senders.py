"""Each deal message names who wrote it: the person, their organisation and their side; an
operator writes for the platform; the page shows it with the time on the platform's clock."""

from __future__ import annotations

import pytest

from labline import clock
from labline.errors import NotFound
from labline.market.deals.schemas import MessageCreate
from labline.market.deals.service import deals, senders
from tests.factories import sign_in
from tests.market.deals.test_deals import opened, parties

__all__ = ["parties"]


def test_each_message_names_its_sender_and_side(db, parties):
    p = parties
    deal = opened(db, p)
    mine = deals.add_message(db, actor=p.buyer, deal_id=deal.id, data=MessageCreate(body="你好"))
    theirs = deals.add_message(db, actor=p.seller, deal_id=deal.id, data=MessageCreate(body="hi"))
    ours = deals.add_message(db, actor=p.operator, deal_id=deal.id, data=MessageCreate(body="ok"))
    db.refresh(deal)
    who = senders.message_senders(db, actor=p.buyer, deal_id=deal.id)
    assert (who[mine.id].side, who[mine.id].name_zh) == ("buyer", p.buyer_p.display_name)
    assert who[mine.id].organisation_en == p.enterprise.name_en
    assert (who[theirs.id].side, who[theirs.id].organisation_zh) == (
        "seller",
        p.university.name_zh,
    )
    assert who[ours.id].side == "platform" and who[ours.id].organisation_zh == ""
    with pytest.raises(NotFound):  # outsiders learn nothing about the deal's people
        senders.message_senders(db, actor=p.stranger, deal_id=deal.id)


def test_the_deal_page_shows_sender_and_local_time(client, db, parties):
    p = parties
    deal = opened(db, p)
    message = deals.add_message(
        db, actor=p.seller, deal_id=deal.id, data=MessageCreate(body="样品已寄出")
    )
    db.flush()
    sign_in(client, p.buyer_p.email)
    html = client.get(f"/market/deals/{deal.id}").text
    local = clock.in_zone(message.created_at, clock.DISPLAY_ZONE).strftime("%Y-%m-%d %H:%M")
    sender = html.split('data-testid="message-sender"', 1)[1].split("</p>", 1)[0]
    assert p.university.name_en in sender and "(seller)" in sender
    assert local in sender
