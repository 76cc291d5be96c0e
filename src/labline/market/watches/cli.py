"""`labline market watch`, `inbox` and `watch-sweep`: watches and the inbox."""

from __future__ import annotations

import json

import click

from labline.clitools import console, settings_of, unit_of_work


@click.command("watch")
@click.option("--as", "as_email", required=True, help="Whose watch (e-mail).")
@click.option("--kind", type=click.Choice(["search", "need", "field"]), required=True)
@click.option(
    "--for", "record_kind", type=click.Choice(["achievement", "need"]), default="achievement"
)
@click.option("--query", default="", help="Words to search for (search).")
@click.option("--need", "need_id", type=int, default=None, help="The need to follow (need).")
@click.option("--industry", default=None, help="GB/T 4754 class (field, or a filter).")
@click.option("--field", "field_", default="", help="Technical field (field).")
@click.pass_context
def watch(
    ctx: click.Context,
    as_email: str,
    kind: str,
    record_kind: str,
    query: str,
    need_id: int | None,
    industry: str | None,
    field_: str,
) -> None:
    """Save a search, or follow a need or a field; new records go to the inbox."""
    from labline.market.watches import service as watches
    from labline.market.watches.schemas import WatchCreate

    data = WatchCreate.model_validate(
        {
            "kind": kind,
            "record_kind": record_kind,
            "query": query,
            "need_id": need_id,
            "industry_code": industry,
            "field": field_,
        }
    )
    with unit_of_work(ctx, as_email=as_email) as (session, actor):
        w = watches.create_watch(session, actor=actor, data=data)
        console.print(f"watch {w.id}: new {w.record_kind}s from now on")


@click.command("inbox")
@click.option("--as", "as_email", required=True, help="Whose inbox (e-mail).")
@click.option("--json", "as_json", is_flag=True)
@click.pass_context
def inbox(ctx: click.Context, as_email: str, as_json: bool) -> None:
    """New records a person's watches found (after running them)."""
    from labline.market.watches import service as watches

    holder = ctx.find_root().obj
    with unit_of_work(ctx, as_email=as_email) as (session, actor):
        items = [
            {
                "id": i.id,
                "record_kind": i.record_kind,
                "record_id": i.record_id,
                "title": i.title,
                "reason": i.reason,
                "read": i.read_at is not None,
            }
            for i in watches.inbox(session, actor=actor, holder=holder)
        ]
    if as_json:
        click.echo(json.dumps(items, ensure_ascii=False, indent=1))
        return
    for i in items:
        click.echo(
            f"{'  ' if i['read'] else '* '}{i['record_kind']:<12}{i['record_id']:>6}"
            f"  {i['title']}  ({i['reason']})"
        )
    console.print(f"{len(items)} items")


@click.command("watch-sweep")
@click.pass_context
def watch_sweep(ctx: click.Context) -> None:
    """Run every watch and file what is new in the inboxes (run it hourly). With a mail
    server set (LABLINE_SMTP_HOST), each person also gets one e-mail listing theirs."""
    from labline.core.mail import service as mail
    from labline.market.watches import service as watches

    holder = ctx.find_root().obj
    settings = settings_of(ctx)
    with unit_of_work(ctx) as (session, _actor):
        items = watches.sweep(session, holder=holder)
        mailed = 0
        if settings.smtp_host:
            mailed = watches.mail_digests(session, items=items, base_url=settings.base_url)
    console.print(f"{len(items)} new inbox items")
    if settings.smtp_host:
        with unit_of_work(ctx) as (session, _actor):
            report = mail.send_pending(session, settings=settings)
        console.print(f"{mailed} e-mails queued; sent {report.sent}, failed {report.failed}")
        if report.error:
            console.print(f"[red]mail[/red]: {report.error}")


COMMANDS = (watch, inbox, watch_sweep)
