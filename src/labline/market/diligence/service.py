"""A signed licence's diligence checklist: the licensor (or an operator) lists the
obligations the licence puts on the licensee, each due within the licence term; the
licensee (or an operator) checks one off with the evidence that it was met. Both sides
read it; nobody else learns that the contract exists. An obligation past its due day and
not met is overdue, like an unpaid invoice, and goes into the same daily mail."""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from labline import clock
from labline.core.access import Actor
from labline.errors import Conflict, FieldError, InvalidInput, NotFound, NotPermitted
from labline.market.diligence.models import DiligenceItem
from labline.market.diligence.schemas import DiligenceCreate, DiligenceEvidence, DiligenceRead
from labline.market.ledger import service as ledger
from labline.market.models import Contract


def _require_side(actor: Actor, contract: Contract, side: str) -> None:
    org = contract.seller_id if side == "seller" else contract.buyer_id
    if not (actor.is_operator or org in actor.org_roles):
        who = "licensor (seller)" if side == "seller" else "licensee (buyer)"
        raise NotPermitted(f"Only the {who} and operators do this.")


def is_overdue(item: DiligenceItem, today: date) -> bool:
    return item.done_on is None and item.due_on is not None and item.due_on < today


def _read(item: DiligenceItem, today: date) -> DiligenceRead:
    return DiligenceRead(
        id=item.id,
        contract_id=item.contract_id,
        obligation=item.obligation,
        due_on=item.due_on,
        done_on=item.done_on,
        evidence=item.evidence,
        overdue=is_overdue(item, today),
    )


def checklist(session: Session, *, actor: Actor, contract_id: int) -> list[DiligenceRead]:
    contract = ledger.contract_of(session, actor, contract_id)
    today = clock.today()
    return [
        _read(i, today)
        for i in session.scalars(
            select(DiligenceItem)
            .where(DiligenceItem.contract_id == contract.id)
            .order_by(DiligenceItem.position, DiligenceItem.id)
        )
    ]


def add(
    session: Session, *, actor: Actor, contract_id: int, data: DiligenceCreate
) -> DiligenceRead:
    """An obligation on the checklist, due between the signing and the licence term's end."""
    contract = ledger.contract_of(session, actor, contract_id)
    _require_side(actor, contract, "seller")
    offer = ledger.require_terms(session, contract)
    if data.due_on is not None:
        end = ledger.term_end(contract.signed_on, offer.term_years)
        if not contract.signed_on <= data.due_on <= end:
            raise InvalidInput(
                "An obligation falls due within the licence term.",
                fields=[
                    FieldError(
                        "due_on",
                        f"{data.due_on} is outside the term",
                        {"min": contract.signed_on.isoformat(), "max": end.isoformat()},
                    )
                ],
            )
    last = session.scalar(
        select(func.max(DiligenceItem.position)).where(DiligenceItem.contract_id == contract.id)
    )
    item = DiligenceItem(
        contract_id=contract.id,
        position=(last + 1) if last is not None else 0,
        obligation=data.obligation,
        due_on=data.due_on,
    )
    session.add(item)
    session.flush()
    return _read(item, clock.today())


def record_evidence(
    session: Session, *, actor: Actor, item_id: int, data: DiligenceEvidence
) -> DiligenceRead:
    """The licensee shows that it met the obligation: the day and the evidence."""
    item = session.get(DiligenceItem, item_id)
    if item is None:
        raise NotFound(f"There is no diligence obligation {item_id} of yours.", item_id=item_id)
    try:
        contract = ledger.contract_of(session, actor, item.contract_id)
    except NotFound:
        raise NotFound(
            f"There is no diligence obligation {item_id} of yours.", item_id=item_id
        ) from None
    _require_side(actor, contract, "buyer")
    if item.done_on is not None:
        raise Conflict(
            "This obligation is already met; its evidence stays as recorded.",
            fields=[FieldError("item_id", f"met on {item.done_on}")],
        )
    today = clock.latest_today()
    if not contract.signed_on <= data.done_on <= today:
        raise InvalidInput(
            "An obligation is met between the signing and today.",
            fields=[
                FieldError(
                    "done_on",
                    f"{data.done_on} is outside the allowed days",
                    {"min": contract.signed_on.isoformat(), "max": today.isoformat()},
                )
            ],
        )
    item.done_on = data.done_on
    item.evidence = data.evidence
    item.evidence_by_id = actor.person_id
    session.flush()
    return _read(item, today)
