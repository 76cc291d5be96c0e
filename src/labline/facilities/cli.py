"""`labline facilities ...`: the catalogue, booking, the no-show sweep, invoices and figures."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import click
from sqlalchemy import select
from sqlalchemy.orm import Session

from labline import clock
from labline.clitools import console, unit_of_work
from labline.facilities.models import BeamtimeCycle, WaitlistEntry
from labline.facilities.schemas import BookingCreate, InvoiceCreate
from labline.facilities.service import beamtime, bookings, catalogue, figures, usage
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
        counts = bookings.sweep(session)
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


@facilities.group("cycle")
def cycle_group() -> None:
    """Beamtime cycles: proposals, the CP-SAT schedule, publication."""


def _cycle_id(session: Session, code: str) -> int:
    found = session.scalar(select(BeamtimeCycle.id).where(BeamtimeCycle.code == code))
    if found is None:
        raise click.BadParameter(f"no cycle with code {code!r}", param_hint="CODE")
    return int(found)


@cycle_group.command("list")
@click.pass_context
def cycle_list(ctx: click.Context) -> None:
    """Every cycle with its status."""
    with unit_of_work(ctx) as (session, actor):
        for c in beamtime.list_cycles(session, actor=actor):
            click.echo(
                f"{c.code:<12} {c.status:<10} {c.starts_at:%Y-%m-%d} → {c.ends_at:%Y-%m-%d}"
                f"  {c.name}"
            )


@cycle_group.command("show")
@click.argument("code")
@click.option("--json", "as_json", is_flag=True)
@click.pass_context
def cycle_show(ctx: click.Context, code: str, as_json: bool) -> None:
    """A cycle's proposals, ranks, awards and schedule."""
    with unit_of_work(ctx) as (session, actor):
        cid = _cycle_id(session, code)
        cycle = beamtime.get_cycle(session, actor=actor, cycle_id=cid)
        zone = ZoneInfo(cycle.facility.timezone)
        slot_of = {s.proposal_id: s for s in beamtime.slots(session, actor=actor, cycle_id=cid)}
        rows = []
        for p in beamtime.list_proposals(session, actor=actor, cycle_id=cid):
            s = slot_of.get(p.id)
            rows.append(
                {
                    "proposal": p.id,
                    "rank": p.rank,
                    "score": None if p.score is None else float(p.score),
                    "instrument": p.instrument_id,
                    "shifts_requested": p.shifts_requested,
                    "shifts_awarded": p.shifts_awarded,
                    "starts_at": beamtime.shift_time(cycle, s.start_shift)
                    .astimezone(zone)
                    .isoformat()
                    if s
                    else None,
                    "title": p.title,
                }
            )
        report = beamtime.solve_report(cycle)
    if as_json:
        click.echo(json.dumps({"report": report, "proposals": rows}, ensure_ascii=False))
        return
    for r in rows:
        click.echo(
            f"#{r['proposal']:<5} rank {r['rank'] or '-':<4} {r['shifts_awarded'] or 0:>3}/"
            f"{r['shifts_requested']:<3} shifts  {r['starts_at'] or 'not placed':<26} {r['title']}"
        )
    if report:
        console.print(
            f"value {report['awarded']} of at most {report['upper_bound']}"
            f" (gap {report['gap']:.1%}), {report['placed']} placed"
        )


@cycle_group.command("solve")
@click.argument("code")
@click.option("--time-limit", type=click.FloatRange(0.1, 3600), default=30.0, show_default=True)
@click.pass_context
def cycle_solve(ctx: click.Context, code: str, time_limit: float) -> None:
    """Draft the schedule with CP-SAT (replaces the previous draft)."""
    with unit_of_work(ctx) as (session, actor):
        cid = _cycle_id(session, code)
        with console.status(f"solving for up to {time_limit:.0f} s"):
            result = beamtime.solve(session, actor=actor, cycle_id=cid, time_limit_s=time_limit)
    console.print(
        f"{len(result.placements)} placed, {len(result.unplaced)} not placed;"
        f" value {result.awarded:.1f} of at most {result.upper_bound:.1f}"
        f" (gap {result.gap:.1%}, {result.status}, {result.seconds:.1f} s)"
    )
    for pid, why in result.unplaced.items():
        console.print(f"  #{pid}: {why}")


@cycle_group.command("publish")
@click.argument("code")
@click.pass_context
def cycle_publish(ctx: click.Context, code: str) -> None:
    """Put the draft schedule on the calendar as bookings."""
    with unit_of_work(ctx) as (session, actor):
        made = beamtime.publish(session, actor=actor, cycle_id=_cycle_id(session, code))
    console.print(f"published: {len(made)} bookings")


@cycle_group.command("send-to-review")
@click.argument("code")
@click.option("--due", required=True, help="The date reviews are due, YYYY-MM-DD.")
@click.option("--reviewers", type=click.IntRange(1, 10), default=2, show_default=True)
@click.pass_context
def cycle_send_to_review(ctx: click.Context, code: str, due: str, reviewers: int) -> None:
    """Put a closed cycle's proposals into a review call (panel, assignment, reviews)."""
    from datetime import date

    from labline.facilities.service import beamtime_review

    try:
        reviews_due = date.fromisoformat(due)
    except ValueError:
        raise click.BadParameter(f"{due!r} is not a date YYYY-MM-DD", param_hint="--due") from None
    with unit_of_work(ctx) as (session, actor):
        call = beamtime_review.send_to_review(
            session,
            actor=actor,
            cycle_id=_cycle_id(session, code),
            reviews_due=reviews_due,
            reviewers_per_proposal=reviewers,
        )
        console.print(f"review call {call.code} (id {call.id}) holds the proposals")


@cycle_group.command("review-scores")
@click.argument("code")
@click.pass_context
def cycle_review_scores(ctx: click.Context, code: str) -> None:
    """Take each proposal's calibrated review score as its beamtime score."""
    from labline.facilities.service import beamtime_review

    with unit_of_work(ctx) as (session, actor):
        n = beamtime_review.scores_from_review(
            session, actor=actor, cycle_id=_cycle_id(session, code)
        )
    console.print(f"{n} proposals scored and ranked from review")
