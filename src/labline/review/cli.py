"""`labline review ...`: calls, the assignment, analysis, the ranked list, decisions,
the lottery replay and figures."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import click
from pydantic import ValidationError

from labline.clitools import console, settings_of, unit_of_work
from labline.errors import invalid_input
from labline.review.committee import cli as committee_cli
from labline.review.committee.service import decisions
from labline.review.documents import cli as documents_cli
from labline.review.schemas import (
    AssignmentRun,
    CallCreate,
    DecideRequest,
    PanelAdd,
    ProposalCreate,
    ReviewSubmit,
)
from labline.review.service import assign, calls, conflicts, reviews


@click.group("review")
def review() -> None:
    """Funding calls: proposals, reviewer assignment, reviews, committee and decisions."""


@review.command("calls")
@click.pass_context
def list_calls(ctx: click.Context) -> None:
    """Every call, with its status and decision date."""
    with unit_of_work(ctx) as (session, actor):
        for c in calls.list_calls(session, actor=actor):
            click.echo(
                f"{c.id:>4}  {c.code:<16} {c.status.value:<10} due {calls.decision_due(c)}"
                f"  ¥{c.budget:,.0f}  {c.title_en}"
            )


def _load(model: type, path: Path) -> object:
    try:
        return model.model_validate(json.loads(path.read_text(encoding="utf-8")))  # type: ignore[attr-defined]
    except json.JSONDecodeError as exc:
        raise click.BadParameter(f"{path} is not JSON: {exc}") from None
    except ValidationError as exc:
        raise invalid_input(exc.errors()) from None


@review.command("create-call")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--open", "open_now", is_flag=True, help="Open it for proposals at once.")
@click.pass_context
def create_call(ctx: click.Context, file: Path, open_now: bool) -> None:
    """Create a call from a JSON file (the fields of POST /api/v1/review/calls)."""
    data = _load(CallCreate, file)
    with unit_of_work(ctx) as (session, actor):
        call = calls.create_call(session, actor=actor, data=data)  # type: ignore[arg-type]
        if open_now:
            calls.open_call(session, actor=actor, call_id=call.id)
        console.print(f"call {call.id} ({call.code}): {call.status.value}")


@review.command("update-call")
@click.argument("call_id", type=int)
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.pass_context
def update_call(ctx: click.Context, call_id: int, file: Path) -> None:
    """Change a draft call from a JSON file (the fields of PUT /api/v1/review/calls/ID)."""
    data = _load(CallCreate, file)
    with unit_of_work(ctx) as (session, actor):
        call = calls.update_call(session, actor=actor, call_id=call_id, data=data)  # type: ignore[arg-type]
        console.print(f"call {call.id} ({call.code}): {call.status.value}")


@review.command("submit")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--as", "as_email", required=True, help="The applicant (e-mail).")
@click.pass_context
def submit(ctx: click.Context, file: Path, as_email: str) -> None:
    """Submit a proposal from a JSON file (the fields of POST /api/v1/review/proposals)."""
    data = _load(ProposalCreate, file)
    with unit_of_work(ctx, as_email=as_email) as (session, actor):
        p = calls.submit_proposal(session, actor=actor, data=data)  # type: ignore[arg-type]
        console.print(f"proposal {p.id}: {p.status.value}")


@review.command("close")
@click.argument("call_id", type=int)
@click.pass_context
def close(ctx: click.Context, call_id: int) -> None:
    """Close submissions; ineligible proposals are set aside with the reason."""
    with unit_of_work(ctx) as (session, actor):
        call = calls.close_call(session, actor=actor, call_id=call_id)
        console.print(f"call {call.id}: {call.status.value}")


@review.command("panel")
@click.argument("call_id", type=int)
@click.argument("person_ids", type=int, nargs=-1, required=True)
@click.pass_context
def add_panel(ctx: click.Context, call_id: int, person_ids: tuple[int, ...]) -> None:
    """Put reviewers on the call's panel."""
    with unit_of_work(ctx) as (session, actor):
        rows = calls.add_to_panel(
            session, actor=actor, call_id=call_id, data=PanelAdd(person_ids=list(person_ids))
        )
        console.print(f"{len(rows)} reviewers on the panel")


@review.command("assign")
@click.argument("call_id", type=int)
@click.option("--fairness-floor", type=float, default=None)
@click.option("--randomised", is_flag=True)
@click.option("--max-pair-probability", type=float, default=1.0)
@click.option("--alternates", type=int, default=2, show_default=True)
@click.option("--seed", type=int, default=None)
@click.pass_context
def run_assignment(
    ctx: click.Context,
    call_id: int,
    fairness_floor: float | None,
    randomised: bool,
    max_pair_probability: float,
    alternates: int,
    seed: int | None,
) -> None:
    """Compute conflicts and assign reviewers exactly (min-cost flow)."""
    try:
        data = AssignmentRun(
            fairness_floor=fairness_floor,
            randomised=randomised,
            max_pair_probability=max_pair_probability,
            alternates=alternates,
            seed=seed,
        )
    except ValidationError as exc:
        raise invalid_input(exc.errors()) from None
    with unit_of_work(ctx) as (session, actor):
        r = assign.run_assignment(session, actor=actor, call_id=call_id, data=data)
    console.print(
        f"{r.pairs} reviews, {r.alternates} alternates, {r.conflicts} blocked pairs;"
        f" objective {r.objective:.4f}, bound {r.bound:.4f}, ratio {r.ratio:.4f} ({r.status},"
        f" {r.seconds:.2f}s)"
    )


@review.command("conflicts")
@click.argument("call_id", type=int)
@click.pass_context
def show_conflicts(ctx: click.Context, call_id: int) -> None:
    """Blocked reviewer-proposal pairs and the rule that blocks each."""
    with unit_of_work(ctx) as (session, actor):
        for c in conflicts.compute_conflicts(session, actor=actor, call_id=call_id):
            click.echo(
                f"proposal {c.proposal_id:>6}  reviewer {c.reviewer_id:>6}"
                f"  {c.rule.value:<18} {c.detail}"
            )


@review.command("score")
@click.argument("proposal_id", type=int)
@click.option("--as", "as_email", required=True, help="The reviewer (e-mail).")
@click.option("--score", "scores", multiple=True, required=True, help="criterion=score")
@click.option("--confidence", type=int, default=3)
@click.option("--comment", default="")
@click.pass_context
def score(
    ctx: click.Context,
    proposal_id: int,
    as_email: str,
    scores: tuple[str, ...],
    confidence: int,
    comment: str,
) -> None:
    """Submit a review: one --score criterion=value per criterion."""
    items = []
    for s in scores:
        code, _, value = s.partition("=")
        if not value.strip().lstrip("-").isdigit():
            raise click.BadParameter(f"{s!r}: use criterion=whole number", param_hint="--score")
        items.append({"criterion": code.strip(), "score": int(value)})
    try:
        data = ReviewSubmit.model_validate(
            {"scores": items, "confidence": confidence, "comment": comment}
        )
    except ValidationError as exc:
        raise invalid_input(exc.errors()) from None
    with unit_of_work(ctx, as_email=as_email) as (session, actor):
        r = reviews.submit_review(session, actor=actor, proposal_id=proposal_id, data=data)
        console.print(f"review {r.id}: overall {r.overall:.3f}")


@review.command("reminders")
@click.argument("call_id", type=int)
@click.option("--mail", "send", is_flag=True, help="Queue reminder e-mails (and send them).")
@click.option("--days", default=3, show_default=True, type=int, help="Remind this close to it.")
@click.pass_context
def reminders(ctx: click.Context, call_id: int, send: bool, days: int) -> None:
    """Reviewers who still owe reviews, and the working days left until they are due.
    With --mail (daily from cron, say), each reviewer is mailed once when the deadline is
    DAYS away or less and once on the day itself."""
    if send:
        _mail_reminders(ctx, call_id, days)
    with unit_of_work(ctx) as (session, actor):
        call = calls.get_call(session, actor=actor, call_id=call_id)
        left = calls.working_days_between(calls.today(), call.reviews_due)
        owed = reviews.outstanding_reviews(session, actor=actor, call_id=call_id)
        for rid, email, pids in owed:
            click.echo(f"{rid:>6}  {email:<40} owes {len(pids)}: {' '.join(map(str, pids))}")
    console.print(
        f"{len(owed)} reviewers owe reviews; due {call.reviews_due}"
        f" ({left} working days {'left' if left >= 0 else 'ago'})"
    )


def _mail_reminders(ctx: click.Context, call_id: int, days: int) -> None:
    from labline.core.mail import service as mail
    from labline.review.service import reminders as reminding

    settings = settings_of(ctx)
    with unit_of_work(ctx) as (session, actor):
        report = reminding.remind_reviewers(
            session, actor=actor, call_id=call_id, base_url=settings.base_url, days=days
        )
    if report.stage == "none":
        console.print(f"no reminders due (the deadline is more than {days} days away)")
        return
    console.print(f"{report.queued} reminders queued ({report.stage})")
    with unit_of_work(ctx) as (session, _actor):
        sent = mail.send_pending(session, settings=settings)
    if settings.smtp_host:
        console.print(f"sent {sent.sent}, failed {sent.failed}")
    else:
        console.print("no mail server set (LABLINE_SMTP_HOST): reminders wait in the outbox")


@review.command("analyse")
@click.argument("call_id", type=int)
@click.pass_context
def analyse(ctx: click.Context, call_id: int) -> None:
    """Calibrate reviewers, measure disagreement, flag non-consensus proposals."""
    with unit_of_work(ctx) as (session, actor):
        r = reviews.analyse(session, actor=actor, call_id=call_id)
    console.print(
        f"{r.reviewed} proposals reviewed; {r.calibrated_reviewers} reviewers calibrated;"
        f" {r.split} split; {r.non_consensus} on the non-consensus track"
    )


@review.command("ranking")
@click.argument("call_id", type=int)
@click.pass_context
def ranking(ctx: click.Context, call_id: int) -> None:
    """Raw and calibrated ranks side by side, with split and non-consensus flags."""
    with unit_of_work(ctx) as (session, actor):
        for p in decisions.ranking(session, actor=actor, call_id=call_id):
            cal = f"{p.calibrated_score:.3f}" if p.calibrated_score is not None else "  —  "
            raw = f"{p.raw_score:.3f}" if p.raw_score is not None else "  —  "
            flags = ("S" if p.split else " ") + ("N" if p.non_consensus else " ")
            click.echo(
                f"{p.calibrated_rank or '—':>4} {cal}  raw {p.raw_rank or '—':>4} {raw} {flags}"
                f" {p.status.value:<12} {p.id:>6} {p.title_en or p.title_zh}"
            )


@review.command("decide")
@click.argument("call_id", type=int)
@click.option("--fund", "fund", type=int, multiple=True, help="A non-consensus proposal to fund.")
@click.option("--seed", type=int, default=None, help="Lottery seed (default: fresh, recorded).")
@click.option("--tie-tolerance", type=float, default=0.02, show_default=True)
@click.option("--waitlist", type=int, default=5, show_default=True)
@click.pass_context
def decide(
    ctx: click.Context,
    call_id: int,
    fund: tuple[int, ...],
    seed: int | None,
    tie_tolerance: float,
    waitlist: int,
) -> None:
    """Fund within the budget; draw lots among proposals tied at the funding line."""
    try:
        data = DecideRequest(
            fund_non_consensus=list(fund), seed=seed, tie_tolerance=tie_tolerance, waitlist=waitlist
        )
    except ValidationError as exc:
        raise invalid_input(exc.errors()) from None
    with unit_of_work(ctx) as (session, actor):
        r = decisions.decide(session, actor=actor, call_id=call_id, data=data)
    console.print(
        f"{r.funded} funded (¥{r.amount:,.0f}), {r.waitlisted} waitlisted, {r.rejected} rejected"
    )
    if r.lottery:
        console.print(
            f"lottery: seed {r.lottery.seed}, {r.lottery.slots} places among"
            f" {len(json.loads(r.lottery.candidates))}, inputs sha256 {r.lottery.inputs_sha256}"
        )


@review.command("replay-lottery")
@click.argument("call_id", type=int)
@click.pass_context
def replay_lottery(ctx: click.Context, call_id: int) -> None:
    """Re-run the call's draw from its recorded seed and show that it is the same."""
    with unit_of_work(ctx) as (session, actor):
        r = decisions.replay_lottery(session, actor=actor, call_id=call_id)
    click.echo(f"seed {r['seed']}  inputs sha256 {r['inputs_sha256']}")
    click.echo(f"order   {' '.join(r['order'])}")
    click.echo(f"winners {' '.join(r['winners'])}")
    click.echo("same draw as recorded" if r["same"] else "DIFFERENT from the recorded draw")
    if not r["same"]:
        raise click.exceptions.Exit(1)


@review.command("figures")
@click.option("--from", "start", type=click.DateTime(["%Y-%m-%d"]), required=True)
@click.option("--to", "end", type=click.DateTime(["%Y-%m-%d"]), required=True)
@click.pass_context
def figures(ctx: click.Context, start: object, end: object) -> None:
    """Proposals, funded, amount and non-consensus funded in a period, as JSON."""
    assert hasattr(start, "date") and hasattr(end, "date")
    lo: date = start.date()
    hi: date = end.date()
    with unit_of_work(ctx) as (session, _actor):
        click.echo(json.dumps(decisions.review_figures(session, start=lo, end=hi)))


# The sub-features' commands, on this one group.
for _command in (*committee_cli.COMMANDS, *documents_cli.COMMANDS):
    review.add_command(_command)
