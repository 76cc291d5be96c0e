"""`labline facilities cycle ...`: beamtime cycles, proposals, the CP-SAT schedule, publication."""

from __future__ import annotations

import json
from zoneinfo import ZoneInfo

import click
from sqlalchemy import select
from sqlalchemy.orm import Session

from labline.clitools import console, unit_of_work
from labline.facilities.beamtime.service import cycles, schedule
from labline.facilities.models import BeamtimeCycle


@click.group("cycle")
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
        for c in cycles.list_cycles(session, actor=actor):
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
        cycle = cycles.get_cycle(session, actor=actor, cycle_id=cid)
        zone = ZoneInfo(cycle.facility.timezone)
        slot_of = {s.proposal_id: s for s in schedule.slots(session, actor=actor, cycle_id=cid)}
        rows = []
        for p in cycles.list_proposals(session, actor=actor, cycle_id=cid):
            s = slot_of.get(p.id)
            rows.append(
                {
                    "proposal": p.id,
                    "rank": p.rank,
                    "score": None if p.score is None else float(p.score),
                    "instrument": p.instrument_id,
                    "shifts_requested": p.shifts_requested,
                    "shifts_awarded": p.shifts_awarded,
                    "starts_at": cycles.shift_time(cycle, s.start_shift)
                    .astimezone(zone)
                    .isoformat()
                    if s
                    else None,
                    "title": p.title,
                }
            )
        report = schedule.solve_report(cycle)
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
            result = schedule.solve(session, actor=actor, cycle_id=cid, time_limit_s=time_limit)
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
        made = schedule.publish(session, actor=actor, cycle_id=_cycle_id(session, code))
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
