"""`labline market captable show|export|import ISSUER`: a company's cap table, as OCF JSON."""

from __future__ import annotations

import json
from pathlib import Path

import click

from labline.clitools import ACT_AS, AS_JSON, console, echoed_json, unit_of_work
from labline.errors import FieldError, InvalidInput
from labline.market.captable import service


@click.group("captable")
def captable() -> None:
    """A company's cap table: show it, export or import Open Cap Table Format (OCF) JSON."""


@captable.command("show")
@click.argument("issuer_id", type=int)
@ACT_AS
@AS_JSON
@click.pass_context
def show(ctx: click.Context, issuer_id: int, as_email: str | None, as_json: bool) -> None:
    """Who holds what: shares by class, percentages, votes and money in."""
    with unit_of_work(ctx, as_email=as_email, write=False) as (session, actor):
        table = service.cap_table(session, actor=actor, issuer_id=issuer_id)
    if echoed_json(table, as_json):
        return
    for h in table.holders:
        console.print(
            f"{h.legal_name:<40} {h.total:>16,.0f} {h.percent:>7}%  ¥{h.invested_cny:>16,.2f}"
        )
    console.print(f"{'total':<40} {table.total_shares:>16,.0f}")


@captable.command("export")
@click.argument("issuer_id", type=int)
@click.option("--out", "target", type=click.Path(dir_okay=False, path_type=Path), default=None)
@ACT_AS
@click.pass_context
def export(ctx: click.Context, issuer_id: int, target: Path | None, as_email: str | None) -> None:
    """Write the cap table as one OCF JSON package (to --out, or standard output)."""
    with unit_of_work(ctx, as_email=as_email, write=False) as (session, actor):
        package = service.export_ocf(session, actor=actor, issuer_id=issuer_id)
    text = json.dumps(package, ensure_ascii=False, indent=2)
    if target is None:
        click.echo(text)
    else:
        target.write_text(text + "\n", encoding="utf-8")
        console.print(f"wrote {target}")


@captable.command("import")
@click.argument("issuer_id", type=int)
@click.argument("source", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@ACT_AS
@click.pass_context
def import_(ctx: click.Context, issuer_id: int, source: Path, as_email: str | None) -> None:
    """Replace the cap table by an OCF JSON package: all of it, or nothing."""
    try:
        package = json.loads(source.read_text(encoding="utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InvalidInput("The file is not JSON.", fields=[FieldError("file", str(exc))]) from None
    with unit_of_work(ctx, as_email=as_email) as (session, actor):
        done = service.import_ocf(session, actor=actor, issuer_id=issuer_id, package=package)
    console.print(
        f"imported {done.stakeholders} stakeholders, {done.stock_classes} stock classes,"
        f" {done.issuances} issuances"
    )


COMMANDS = (captable,)
