"""Who wrote a deal's messages: the person (in both languages), their organisation and the
side they write for (buyer, seller, or the platform when an operator writes)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from labline.core.access import Actor
from labline.core.models import Membership, Person
from labline.market.deals.service.deals import get_deal


@dataclass(frozen=True)
class Sender:
    name_zh: str
    name_en: str
    organisation_zh: str = ""
    organisation_en: str = ""
    side: str = "platform"  # buyer | seller | platform


def message_senders(session: Session, *, actor: Actor, deal_id: int) -> dict[int, Sender]:
    """The sender of each message of a deal the actor takes part in, by message id; a
    message whose writer has left (no person) is missing."""
    deal = get_deal(session, actor=actor, deal_id=deal_id)
    person_ids = {m.person_id for m in deal.messages if m.person_id is not None}
    if not person_ids:
        return {}
    people = {p.id: p for p in session.scalars(select(Person).where(Person.id.in_(person_ids)))}
    sides = {deal.buyer_id: ("buyer", deal.buyer), deal.seller_id: ("seller", deal.seller)}
    member_of: dict[int, int] = {}
    for person_id, org_id in session.execute(
        select(Membership.person_id, Membership.organisation_id).where(
            Membership.person_id.in_(person_ids), Membership.organisation_id.in_(sides)
        )
    ):
        member_of.setdefault(person_id, org_id)
    out = {}
    for m in deal.messages:
        person = people.get(m.person_id) if m.person_id is not None else None
        if person is None:
            continue
        side_id = member_of.get(person.id)
        if side_id is None:
            out[m.id] = Sender(person.display_name, person.name_en)
            continue
        side, org = sides[side_id]
        out[m.id] = Sender(person.display_name, person.name_en, org.name_zh, org.name_en, side)
    return out
