"""`labline market investors list|show|follow|introduce`: investors from the command line."""

from __future__ import annotations

import click

from labline.clitools import ACT_AS, AS_JSON, console, echoed_json, unit_of_work
from labline.market.investors import service
from labline.market.investors.schemas import FollowCreate, IntroductionCreate, InvestorCreate
from labline.schemas import PageParams


@click.group("investors")
def investors() -> None:
    """Investors: register, follow fields, regions, projects, achievements and teams,
    see the deal flow by stage, ask for introductions."""


@investors.command("list")
@click.pass_context
def list_(ctx: click.Context) -> None:
    """Every investor."""
    with unit_of_work(ctx, write=False) as (session, actor):
        rows = service.list_investors(session, actor=actor)
    for r in rows:
        console.print(
            f"{r.id:>5} {r.kind:<18} {r.person_name} ({r.person_name_en}) for"
            f" {r.name_zh} / {r.name_en}"
        )


@investors.command("register")
@click.argument("organisation_id", type=int)
@click.option("--kind", type=click.Choice(sorted(service.KINDS)), required=True)
@click.option("--thesis", default="")
@click.option(
    "--person",
    "person_email",
    default=None,
    help="Whose profile (e-mail): an operator registers it for a holder of the role.",
)
@ACT_AS
@click.pass_context
def register(
    ctx: click.Context,
    organisation_id: int,
    kind: str,
    thesis: str,
    person_email: str | None,
    as_email: str | None,
) -> None:
    """Register an investor profile for ORGANISATION_ID (the fund or company the person
    holds the investor role for): yourself with --as, or a holder of the role with --person."""
    with unit_of_work(ctx, as_email=as_email) as (session, actor):
        person_id = None
        if person_email is not None:
            person_id = service.person_id_for(session, email=person_email)
        data = InvestorCreate.model_validate(
            {
                "organisation_id": organisation_id,
                "kind": kind,
                "thesis": thesis,
                "person_id": person_id,
            }
        )
        inv = service.register(session, actor=actor, data=data)
    console.print(f"investor {inv.id}: {inv.person_name} for {inv.name_zh} ({inv.kind})")


@investors.command("follow")
@click.argument("investor_id", type=int)
@click.argument("kind", type=click.Choice(["field", "region", "project", "achievement", "team"]))
@click.argument("value")
@ACT_AS
@click.pass_context
def follow(
    ctx: click.Context, investor_id: int, kind: str, value: str, as_email: str | None
) -> None:
    """Follow a field, region, funded project, achievement or team."""
    data = FollowCreate.model_validate({"kind": kind, "value": value})
    with unit_of_work(ctx, as_email=as_email) as (session, actor):
        item = service.follow(session, actor=actor, investor_id=investor_id, data=data)
    console.print(f"following {item.kind} {item.value}")


@investors.command("show")
@click.argument("investor_id", type=int)
@click.option("--page", "page_no", type=click.IntRange(1, 100_000), default=1, show_default=True)
@ACT_AS
@AS_JSON
@click.pass_context
def show(
    ctx: click.Context, investor_id: int, page_no: int, as_email: str | None, as_json: bool
) -> None:
    """Follows, a page of what they bring up, and the deal-flow board by stage."""
    paging = PageParams(page=page_no)
    with unit_of_work(ctx, as_email=as_email, write=False) as (session, actor):
        page = service.profile(session, actor=actor, investor_id=investor_id, page=paging)
    if echoed_json(page, as_json):
        return
    for f in page.follows:
        console.print(f"follows {f.kind} {f.value} {f.label}")
    for col in page.board:
        console.print(f"[{col.state}] " + ", ".join(str(d.id) for d in col.deals))
    for item in page.feed.items:
        console.print(f"  {item.kind} {item.id} {item.title} ({item.why})")
    console.print(f"  page {page.feed.page} of {page.feed.pages}, {page.feed.total} in all")


@investors.command("introduce")
@click.argument("investor_id", type=int)
@click.argument("achievement_id", type=int)
@click.option("--note", default="")
@ACT_AS
@click.pass_context
def introduce(
    ctx: click.Context, investor_id: int, achievement_id: int, note: str, as_email: str | None
) -> None:
    """Ask to be introduced to an achievement's team (opens a deal)."""
    data = IntroductionCreate.model_validate({"achievement_id": achievement_id, "note": note})
    with unit_of_work(ctx, as_email=as_email) as (session, actor):
        done = service.introduce(session, actor=actor, investor_id=investor_id, data=data)
    console.print(f"deal {done.deal_id}: {done.state}")


COMMANDS = (investors,)
