"""`labline market deal`, `move`, `deals`, `due` and `sign`: deals, due days and contracts."""

from __future__ import annotations

import json

import click

from labline.clitools import console, unit_of_work
from labline.market.cliargs import parse_day
from labline.market.deals.schemas import (
    ContractCreate,
    DealCreate,
    DealDue,
    DealTransition,
    MessageCreate,
)
from labline.market.deals.service import deals
from labline.market.models import ContractKind, DealState


@click.command("deal")
@click.option("--as", "as_email", required=True)
@click.option("--achievement", "achievement_id", type=int, required=True)
@click.option("--need", "need_id", type=int, default=None)
@click.option("--buyer", "buyer_id", type=int, default=None)
@click.option("--note", default="")
@click.pass_context
def open_deal(
    ctx: click.Context,
    as_email: str,
    achievement_id: int,
    need_id: int | None,
    buyer_id: int | None,
    note: str,
) -> None:
    """Express interest: open a deal on an achievement (for a need)."""
    data = DealCreate(achievement_id=achievement_id, need_id=need_id, buyer_id=buyer_id, note=note)
    with unit_of_work(ctx, as_email=as_email) as (session, actor):
        deal = deals.open_deal(session, actor=actor, data=data)
        console.print(f"deal {deal.id}: {deal.state.value}")


@click.command("move")
@click.argument("deal_id", type=int)
@click.argument(
    "action",
    type=click.Choice(["introduce", "accept_nda", "negotiate", "abandon", "deliver", "message"]),
)
@click.option("--as", "as_email", required=True)
@click.option("--reason", default="", help="Why it is abandoned, or the message text.")
@click.option(
    "--side",
    type=click.Choice(["buyer", "seller"]),
    default=None,
    help="accept_nda: the side whose acceptance an operator records.",
)
@click.pass_context
def move(
    ctx: click.Context, deal_id: int, action: str, as_email: str, reason: str, side: str | None
) -> None:
    """Move a deal on (introduce, accept_nda, negotiate, abandon, deliver) or write a message."""
    with unit_of_work(ctx, as_email=as_email) as (session, actor):
        if action == "message":
            deals.add_message(
                session, actor=actor, deal_id=deal_id, data=MessageCreate(body=reason)
            )
            console.print(f"deal {deal_id}: message sent")
            return
        deal = deals.move(
            session,
            actor=actor,
            deal_id=deal_id,
            data=DealTransition.model_validate({"action": action, "reason": reason, "side": side}),
        )
        console.print(f"deal {deal.id}: {deal.state.value}, next step due {deal.due_on or '—'}")


@click.command("deals")
@click.option("--as", "as_email", default=None, help="Whose deals (default: all, as operator).")
@click.option("--state", type=click.Choice([s.value for s in DealState]), default=None)
@click.option("--overdue", is_flag=True, help="Only the deals whose next step is past due.")
@click.option("--json", "as_json", is_flag=True)
@click.pass_context
def list_deals(
    ctx: click.Context, as_email: str | None, state: str | None, overdue: bool, as_json: bool
) -> None:
    """Deals with their stage and the day their next step is due."""
    with unit_of_work(ctx, as_email=as_email) as (session, actor):
        rows = [
            {
                "id": d.id,
                "state": d.state.value,
                "due_on": d.due_on.isoformat() if d.due_on else None,
                "overdue": d.overdue,
                "buyer_id": d.buyer_id,
                "seller_id": d.seller_id,
                "achievement": d.achievement.title,
            }
            for d in deals.list_deals(
                session,
                actor=actor,
                state=DealState(state) if state else None,
                overdue=overdue,
            )
        ]
    if as_json:
        click.echo(json.dumps(rows, ensure_ascii=False, indent=1))
        return
    for r in rows:
        flag = "OVERDUE" if r["overdue"] else ""
        click.echo(
            f"{r['id']:>6}  {r['state']:<12} {r['due_on'] or '—':<10} {flag:<7}  {r['achievement']}"
        )
    console.print(f"{len(rows)} deals")


@click.command("due")
@click.argument("deal_id", type=int)
@click.option("--as", "as_email", required=True)
@click.option("--on", "due_on", required=True, help="YYYY-MM-DD: when the next step is due")
@click.pass_context
def due(ctx: click.Context, deal_id: int, as_email: str, due_on: str) -> None:
    """Set the day a deal's next step is due (within the stage's limits)."""
    data = DealDue(due_on=parse_day(due_on, "--on"))
    with unit_of_work(ctx, as_email=as_email) as (session, actor):
        deal = deals.set_due(session, actor=actor, deal_id=deal_id, data=data)
        console.print(f"deal {deal.id}: {deal.state.value}, next step due {deal.due_on}")


@click.command("sign")
@click.argument("deal_id", type=int)
@click.option("--as", "as_email", required=True)
@click.option(
    "--kind",
    type=click.Choice([k.value for k in ContractKind]),
    required=True,
)
@click.option("--amount", required=True)
@click.option("--currency", default="CNY", show_default=True)
@click.option("--signed-on", required=True, help="YYYY-MM-DD")
@click.option("--registration-no", required=True)
@click.pass_context
def sign(
    ctx: click.Context,
    deal_id: int,
    as_email: str,
    kind: str,
    amount: str,
    currency: str,
    signed_on: str,
    registration_no: str,
) -> None:
    """Register the signed technology contract of a deal."""
    data = ContractCreate.model_validate(
        {
            "kind": kind,
            "amount": amount,
            "currency": currency,
            "signed_on": signed_on,
            "registration_no": registration_no,
        }
    )
    with unit_of_work(ctx, as_email=as_email) as (session, actor):
        contract = deals.sign_contract(session, actor=actor, deal_id=deal_id, data=data)
        console.print(f"contract {contract.id}: ¥{contract.amount_cny} ({contract.kind.value})")


COMMANDS = (open_deal, move, list_deals, due, sign)
