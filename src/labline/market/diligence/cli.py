"""`labline market diligence list|add|evidence`: a licence's diligence checklist."""

from __future__ import annotations

import json
from datetime import date

import click

from labline.clitools import ACT_AS, AS_JSON, console, echoed_json, unit_of_work
from labline.market.cliargs import parse_day
from labline.market.diligence import service
from labline.market.diligence.schemas import DiligenceCreate, DiligenceEvidence


@click.group("diligence")
def diligence() -> None:
    """A signed licence's diligence obligations and the evidence that they were met."""


@diligence.command("list")
@click.argument("contract_id", type=int)
@ACT_AS
@AS_JSON
@click.pass_context
def list_(ctx: click.Context, contract_id: int, as_email: str | None, as_json: bool) -> None:
    """The obligations, met (with evidence) or due; overdue ones flagged."""
    with unit_of_work(ctx, as_email=as_email, write=False) as (session, actor):
        items = service.checklist(session, actor=actor, contract_id=contract_id)
    if as_json:
        click.echo(json.dumps([i.model_dump(mode="json") for i in items], ensure_ascii=False))
        return
    for i in items:
        state = f"met {i.done_on}: {i.evidence}" if i.done_on else f"due {i.due_on or '—'}"
        flag = " OVERDUE" if i.overdue else ""
        console.print(f"{i.id:>5} {i.obligation:<50} {state}{flag}")


@diligence.command("add")
@click.argument("contract_id", type=int)
@click.argument("obligation")
@click.option("--due", default=None, help="YYYY-MM-DD, within the licence term")
@ACT_AS
@AS_JSON
@click.pass_context
def add(
    ctx: click.Context,
    contract_id: int,
    obligation: str,
    due: str | None,
    as_email: str | None,
    as_json: bool,
) -> None:
    """Add an obligation (the licensor, or an operator)."""
    day: date | None = parse_day(due, "--due") if due else None
    with unit_of_work(ctx, as_email=as_email) as (session, actor):
        item = service.add(
            session,
            actor=actor,
            contract_id=contract_id,
            data=DiligenceCreate(obligation=obligation, due_on=day),
        )
    if not echoed_json(item, as_json):
        console.print(f"obligation {item.id} added")


@diligence.command("evidence")
@click.argument("item_id", type=int)
@click.argument("evidence")
@click.option("--on", "done_on", required=True, help="YYYY-MM-DD: the day it was met")
@ACT_AS
@AS_JSON
@click.pass_context
def evidence(
    ctx: click.Context,
    item_id: int,
    evidence: str,
    done_on: str,
    as_email: str | None,
    as_json: bool,
) -> None:
    """Record that an obligation was met, with its evidence (the licensee, or an operator)."""
    day = parse_day(done_on, "--on")
    with unit_of_work(ctx, as_email=as_email) as (session, actor):
        item = service.record_evidence(
            session,
            actor=actor,
            item_id=item_id,
            data=DiligenceEvidence(done_on=day, evidence=evidence),
        )
    if not echoed_json(item, as_json):
        console.print(f"obligation {item.id} met on {item.done_on}")


COMMANDS = (diligence,)
