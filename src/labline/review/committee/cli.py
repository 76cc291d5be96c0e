"""`labline review discuss` and `labline review milestones`: the committee's discussion of a
dossier, and a funded proposal's staged funding."""

from __future__ import annotations

import click
from pydantic import ValidationError

from labline.clitools import console, unit_of_work
from labline.errors import invalid_input
from labline.review.committee.schemas import (
    MilestonePlan,
    MilestoneReport,
    MilestoneWithhold,
    PostCreate,
)
from labline.review.committee.service import discussion
from labline.review.committee.service import milestones as funding

KEY = "labline.review.milestones"


@click.command("discuss")
@click.argument("proposal_id", type=int)
@click.option("--body", default=None, help="Post this (without it: show the discussion).")
@click.option("--reply-to", type=int, default=None, help="Reply to this post.")
@click.option("--stance", type=click.Choice(["support", "concern", "question"]), default=None)
@click.option("--as", "as_email", default=None, help="Act as this person (e-mail).")
@click.pass_context
def discuss(
    ctx: click.Context,
    proposal_id: int,
    body: str | None,
    reply_to: int | None,
    stance: str | None,
    as_email: str | None,
) -> None:
    """Show a proposal's committee discussion as a thread, or post to it (--body)."""
    if body is None:
        with unit_of_work(ctx, as_email=as_email) as (session, actor):
            posts = discussion.thread(session, actor=actor, proposal_id=proposal_id)
            for p, depth in discussion.as_tree(posts):
                mark = f" [{p.stance.value}]" if p.stance else ""
                click.echo(
                    f"{'  ' * depth}#{p.id} {p.at:%Y-%m-%d %H:%M} by {p.author_id}{mark}: {p.text}"
                )
        console.print(f"{len(posts)} posts")
        return
    try:
        data = PostCreate.model_validate({"text": body, "reply_to": reply_to, "stance": stance})
    except ValidationError as exc:
        raise invalid_input(exc.errors()) from None
    with unit_of_work(ctx, as_email=as_email) as (session, actor):
        row = discussion.post(session, actor=actor, proposal_id=proposal_id, data=data)
        console.print(f"post {row.id}" + (f" (reply to {reply_to})" if reply_to else ""))


@click.group("milestones", invoke_without_command=True)
@click.argument("proposal_id", type=int)
@click.option("--as", "as_email", default=None, help="Act as this person (e-mail).")
@click.pass_context
def milestones(ctx: click.Context, proposal_id: int, as_email: str | None) -> None:
    """A funded proposal's milestones and totals; with a subcommand, change them."""
    ctx.meta[KEY] = (proposal_id, as_email)
    if ctx.invoked_subcommand is not None:
        return
    with unit_of_work(ctx, as_email=as_email) as (session, actor):
        r = funding.funding(session, actor=actor, proposal_id=proposal_id)
    for m in r.milestones:
        click.echo(
            f"{m.id:>6}  {m.position:>2}. {m.title:<40} due {m.due_on}  ¥{m.amount:>14,.2f}"
            f"  {m.status.value}"
        )
    console.print(
        f"awarded ¥{r.awarded:,.2f}; released ¥{r.released:,.2f}; remaining ¥{r.remaining:,.2f}"
    )


def _target(ctx: click.Context) -> tuple[int, str | None]:
    target: tuple[int, str | None] = ctx.meta[KEY]
    return target


@milestones.command("plan")
@click.option(
    "--milestone",
    "items",
    multiple=True,
    required=True,
    help="TITLE|YYYY-MM-DD|AMOUNT, once per milestone, in order.",
)
@click.pass_context
def plan(ctx: click.Context, items: tuple[str, ...]) -> None:
    """Set the plan (a programme officer): --milestone 'Prototype|2027-03-31|300000' ..."""
    proposal_id, as_email = _target(ctx)
    rows = []
    for item in items:
        parts = [p.strip() for p in item.split("|")]
        if len(parts) != 3:
            raise click.BadParameter(
                f"{item!r}: use TITLE|YYYY-MM-DD|AMOUNT", param_hint="--milestone"
            )
        rows.append({"title": parts[0], "due_on": parts[1], "amount": parts[2]})
    try:
        data = MilestonePlan.model_validate({"milestones": rows})
    except ValidationError as exc:
        raise invalid_input(exc.errors()) from None
    with unit_of_work(ctx, as_email=as_email) as (session, actor):
        r = funding.set_plan(session, actor=actor, proposal_id=proposal_id, data=data)
    console.print(f"{len(r.milestones)} milestones, ¥{r.planned:,.2f} of ¥{r.awarded:,.2f}")


@milestones.command("report")
@click.argument("milestone_id", type=int)
@click.option("--evidence", required=True, help="What was achieved, and where to see it.")
@click.pass_context
def report(ctx: click.Context, milestone_id: int, evidence: str) -> None:
    """The grantee reports on the current milestone (use --as on the group)."""
    proposal_id, as_email = _target(ctx)
    try:
        data = MilestoneReport(evidence=evidence)
    except ValidationError as exc:
        raise invalid_input(exc.errors()) from None
    with unit_of_work(ctx, as_email=as_email) as (session, actor):
        m = funding.report(
            session, actor=actor, proposal_id=proposal_id, milestone_id=milestone_id, data=data
        )
        console.print(f"milestone {m.position}: {m.status.value}")


@milestones.command("release")
@click.argument("milestone_id", type=int)
@click.pass_context
def release(ctx: click.Context, milestone_id: int) -> None:
    """Release the current milestone's money (after its report)."""
    proposal_id, as_email = _target(ctx)
    with unit_of_work(ctx, as_email=as_email) as (session, actor):
        m = funding.release(
            session, actor=actor, proposal_id=proposal_id, milestone_id=milestone_id
        )
        console.print(f"milestone {m.position}: released ¥{m.amount:,.2f}")


@milestones.command("withhold")
@click.argument("milestone_id", type=int)
@click.option("--reason", required=True)
@click.pass_context
def withhold(ctx: click.Context, milestone_id: int, reason: str) -> None:
    """Withhold the current milestone with a reason; later milestones stay locked."""
    proposal_id, as_email = _target(ctx)
    try:
        data = MilestoneWithhold(reason=reason)
    except ValidationError as exc:
        raise invalid_input(exc.errors()) from None
    with unit_of_work(ctx, as_email=as_email) as (session, actor):
        m = funding.withhold(
            session, actor=actor, proposal_id=proposal_id, milestone_id=milestone_id, data=data
        )
        console.print(f"milestone {m.position}: withheld")


# The `review` group (review/cli.py) adds these.
COMMANDS = (discuss, milestones)
