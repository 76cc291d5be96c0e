"""`labline intel watch ...`: add a watch for a person; run the watches and the daily mail."""

from __future__ import annotations

import click

from labline.clitools import settings_of, unit_of_work
from labline.intel.watches import service
from labline.intel.watches.schemas import WatchCreate


@click.group("watch")
def watch() -> None:
    """Saved document searches: new matches go to the owner's inbox and a daily mail."""


@watch.command("add")
@click.argument("query")
@click.option("--as", "as_email", required=True, help="The owner (e-mail).")
@click.option("--lang", type=click.Choice(["zh", "en"]))
@click.option("--source", default="")
@click.pass_context
def add_cmd(ctx: click.Context, query: str, as_email: str, lang: str | None, source: str) -> None:
    """Save a search for a person."""
    with unit_of_work(ctx, as_email=as_email) as (session, actor):
        w = service.create_watch(
            session,
            actor=actor,
            data=WatchCreate(query=query, language=lang or "", source=source),
        )
        click.echo(f"watch {w.id}: {w.query}")


@watch.command("run")
@click.pass_context
def run_cmd(ctx: click.Context) -> None:
    """Run every watch and queue the day's digest mails (for cron; idempotent per day)."""
    with unit_of_work(ctx) as (session, _actor):
        filed = service.sweep(session, holder=ctx.find_root().obj)
        mailed = service.mail_daily(session, base_url=settings_of(ctx).base_url)
    click.echo(f"filed {len(filed)} inbox items, queued {mailed} digest mails")
