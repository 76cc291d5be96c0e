"""Overdue licence invoices and diligence obligations, mailed: one digest a day to each
person of either side of the contract (the licensee who owes, the licensor who is owed), in
their language, through the mail outbox. An invoice's due day is issued + 30 days, and the
reminder says what is outstanding, in the contract's currency; an obligation's is the day
the checklist gives it, and it is overdue until its evidence is recorded."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from labline import clock
from labline.core.mail import service as mail
from labline.core.models import Membership
from labline.i18n import gettext as _
from labline.market.diligence.models import DiligenceItem
from labline.market.ledger.models import LicenceInvoice
from labline.market.models import Contract


@dataclass(frozen=True)
class Overdue:
    person_id: int
    invoice_id: int
    contract_id: int
    registration_no: str
    description: str
    outstanding: Decimal | None  # None: a diligence obligation, not an invoice
    currency: str
    due_on: date


def overdue_items(session: Session, *, today: date | None = None) -> list[Overdue]:
    """Every unpaid invoice and unmet diligence obligation past its due day, once per
    person of either side."""
    day = today or clock.today()
    rows = session.execute(
        select(LicenceInvoice, Contract)
        .join(Contract, Contract.id == LicenceInvoice.contract_id)
        .where(LicenceInvoice.due_on < day)
        .order_by(LicenceInvoice.due_on, LicenceInvoice.id)
    ).all()
    owing = [
        (inv, c, inv.amount - sum((p.amount for p in inv.payments), Decimal(0))) for inv, c in rows
    ]
    owing = [(inv, c, left) for inv, c, left in owing if left > 0]
    orgs = {o for _i, c, _l in owing for o in (c.buyer_id, c.seller_id)}
    late = session.execute(
        select(DiligenceItem, Contract)
        .join(Contract, Contract.id == DiligenceItem.contract_id)
        .where(DiligenceItem.due_on < day, DiligenceItem.done_on.is_(None))
        .order_by(DiligenceItem.due_on, DiligenceItem.id)
    ).all()
    orgs |= {o for _i, c in late for o in (c.buyer_id, c.seller_id)}
    people: dict[int, list[int]] = {}
    for person_id, org_id in session.execute(
        select(Membership.person_id, Membership.organisation_id).where(
            Membership.organisation_id.in_(orgs or {0})
        )
    ):
        people.setdefault(org_id, []).append(person_id)
    out = []
    for inv, c, left in owing:
        for person_id in sorted({p for o in (c.buyer_id, c.seller_id) for p in people.get(o, [])}):
            out.append(
                Overdue(
                    person_id=person_id,
                    invoice_id=inv.id,
                    contract_id=c.id,
                    registration_no=c.registration_no,
                    description=inv.description,
                    outstanding=left,
                    currency=inv.currency,
                    due_on=inv.due_on,
                )
            )
    for item, c in late:
        assert item.due_on is not None
        for person_id in sorted({p for o in (c.buyer_id, c.seller_id) for p in people.get(o, [])}):
            out.append(
                Overdue(
                    person_id=person_id,
                    invoice_id=0,
                    contract_id=c.id,
                    registration_no=c.registration_no,
                    description=item.obligation,
                    outstanding=None,
                    currency=c.currency,
                    due_on=item.due_on,
                )
            )
    return out


def mail_overdue(session: Session, *, base_url: str, today: date | None = None) -> int:
    """Queue the day's digests (once a day per person, however often this runs)."""
    day = today or clock.today()

    def compose(mine: list[Overdue]) -> tuple[str, str]:
        lines = [
            f"- {o.registration_no}: {o.description} — "
            + (
                f"{o.outstanding:,.2f} {o.currency}, "
                if o.outstanding is not None
                else _("diligence obligation not yet met") + ", "
            )
            + _("due %(day)s", day=o.due_on.isoformat())
            + f"\n  {base_url}/market/contracts/{o.contract_id}/ledger"
            for o in mine
        ]
        body = "\n".join(
            [_("These licence invoices and diligence obligations are overdue:"), "", *lines]
        )
        return _("labline: %(num)s overdue licence items", num=len(mine)), body

    return len(
        mail.queue_digests(
            session,
            items=overdue_items(session, today=day),
            person_of=lambda o: o.person_id,
            compose=compose,
            key=lambda person_id, mine: f"market.ledger-overdue:{person_id}:{day.isoformat()}",
            kind="market.ledger-overdue",
        )
    )
