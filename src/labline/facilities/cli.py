"""`labline facilities ...`: the catalogue, booking, the no-show sweep, invoices and figures;
the group adds the beamtime commands (`labline facilities cycle ...`)."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import click

from labline import clock
from labline.clitools import console, unit_of_work
from labline.facilities.beamtime import cli as beamtime_cli
from labline.facilities.models import WaitlistEntry
from labline.facilities.schemas import BookingCreate, InvoiceCreate
from labline.facilities.service import attendance, bookings, catalogue, figures, usage
from labline.schemas import PageParams


def _when(value: str, name: str) -> datetime:
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"{value!r} is not an ISO date-time", param_hint=name) from None
    if parsed.tzinfo is None:
        raise click.BadParameter("give an offset, e.g. 2026-12-01T09:00+08:00", param_hint=name)
    return parsed


@click.group("facilities")
def facilities() -> None:
    """Shared facilities: instruments, bookings, usage, invoices and figures."""


@facilities.command("list")
@click.option("--query", "-q", default=None, help="Words in the name, kind or capabilities.")
@click.pass_context
def list_instruments(ctx: click.Context, query: str | None) -> None:
    """Instruments open for booking."""
    with unit_of_work(ctx) as (session, actor):
        rows, total = catalogue.list_instruments(
            session, actor=actor, page=PageParams(page=1, per_page=100), q=query
        )
        for i in rows:
            click.echo(
                f"{i.id:>5}  {i.code:<14} {i.name_en:<40} {i.facility.code:<12}"
                f" ¥{i.rate_internal}/¥{i.rate_external} per {i.rate_unit}"
            )
    console.print(f"{total} instruments")


@facilities.command("book")
@click.argument("instrument_id", type=int)
@click.option("--start", required=True, help="ISO time with offset, e.g. 2026-12-01T09:00+08:00")
@click.option("--end", required=True)
@click.option("--as", "as_email", required=True, help="The person who books (e-mail).")
@click.option("--purpose", default="")
@click.option("--waitlist", is_flag=True, help="Join the waiting list if the time is taken.")
@click.pass_context
def book(
    ctx: click.Context,
    instrument_id: int,
    start: str,
    end: str,
    as_email: str,
    purpose: str,
    waitlist: bool,
) -> None:
    """Book an instrument for a person."""
    data = BookingCreate(
        instrument_id=instrument_id,
        starts_at=_when(start, "--start"),
        ends_at=_when(end, "--end"),
        purpose=purpose,
        waitlist=waitlist,
    )
    with unit_of_work(ctx, as_email=as_email) as (session, actor):
        result = bookings.create_booking(session, actor=actor, data=data)
        if isinstance(result, WaitlistEntry):
            console.print(f"the time is taken: waiting-list entry {result.id}")
        else:
            console.print(f"booking {result.id}: {result.status}")


@facilities.command("sweep")
@click.pass_context
def sweep(ctx: click.Context) -> None:
    """Past bookings: mark no-shows and close forgotten check-outs (run hourly)."""
    with unit_of_work(ctx) as (session, _actor):
        counts = attendance.sweep(session)
    console.print(f"{counts['no_show']} no-shows, {counts['closed']} closed at their booked end")


@facilities.command("invoice")
@click.option("--facility", "facility_id", type=int, required=True)
@click.option("--organisation", "organisation_id", type=int, required=True)
@click.option("--from", "start", required=True, help="ISO time with offset")
@click.option("--to", "end", required=True)
@click.pass_context
def invoice(
    ctx: click.Context, facility_id: int, organisation_id: int, start: str, end: str
) -> None:
    """Invoice an organisation's uninvoiced use of a facility in a period."""
    data = InvoiceCreate(
        facility_id=facility_id,
        organisation_id=organisation_id,
        period_start=_when(start, "--from"),
        period_end=_when(end, "--to"),
    )
    with unit_of_work(ctx) as (session, actor):
        inv = usage.issue_invoice(session, actor=actor, data=data)
        console.print(f"invoice {inv.number}: {len(inv.lines)} lines, total ¥{inv.total}")


@facilities.command("report")
@click.option(
    "--scope",
    type=click.Choice(figures.SCOPES),
    default="platform",
    show_default=True,
)
@click.option("--id", "scope_id", type=int, default=None, help="The instrument/facility/operator.")
@click.option("--year", type=int, default=None, help="Calendar year (default: this year).")
@click.option("--json", "as_json", is_flag=True)
@click.pass_context
def report(
    ctx: click.Context, scope: str, scope_id: int | None, year: int | None, as_json: bool
) -> None:
    """Service hours, users, external share, utilisation, no-shows, oversubscription."""
    year = year or clock.now().year
    start = datetime(year, 1, 1, tzinfo=UTC)
    end = datetime(year + 1, 1, 1, tzinfo=UTC)
    with unit_of_work(ctx) as (session, actor):
        result = figures.figures(
            session, actor=actor, scope=scope, scope_id=scope_id, start=start, end=end
        )
    data = {
        k: (v.isoformat() if isinstance(v, datetime) else v) for k, v in result.__dict__.items()
    }
    if as_json:
        click.echo(json.dumps(data, ensure_ascii=False, indent=1))
        return
    for key, value in data.items():
        click.echo(f"{key:<24} {value}")


facilities.add_command(beamtime_cli.cycle_group)
