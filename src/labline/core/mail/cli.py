"""`labline mail`: what waits in the outbox, and sending it."""

from __future__ import annotations

import click

from labline.clitools import settings_of, unit_of_work
from labline.core.mail import service as mail


@click.group("mail")
def mail_group() -> None:
    """The mail outbox (sent through LABLINE_SMTP_HOST when it is set)."""


@mail_group.command("outbox")
@click.option("--pending", is_flag=True, help="Only messages not sent yet.")
@click.option("--limit", default=50, show_default=True, type=click.IntRange(1, 1000))
@click.pass_context
def mail_outbox(ctx: click.Context, pending: bool, limit: int) -> None:
    """List the newest messages in the outbox."""
    with unit_of_work(ctx) as (session, actor):
        rows = mail.outbox(session, actor=actor, pending_only=pending, limit=limit)
        for m in rows:
            state = (
                f"sent {m.sent_at:%Y-%m-%d %H:%M}"
                if m.sent_at
                else ("failed: " + m.last_error if m.last_error else "waiting")
            )
            click.echo(f"{m.id}\t{m.kind}\t{m.to_address}\t{m.subject}\t{state}")
    click.echo(f"{len(rows)} messages")


@mail_group.command("send")
@click.option("--limit", default=200, show_default=True, type=click.IntRange(1, 10000))
@click.pass_context
def mail_send(ctx: click.Context, limit: int) -> None:
    """Send what waits in the outbox (run it every few minutes, e.g. from cron)."""
    settings = settings_of(ctx)
    with unit_of_work(ctx) as (session, _actor):
        report = mail.send_pending(session, settings=settings, limit=limit)
    if not settings.smtp_host:
        click.echo(f"no mail server set (LABLINE_SMTP_HOST): {report.waiting} messages wait")
        return
    click.echo(f"sent {report.sent}, failed {report.failed}, waiting {report.waiting}")
    if report.error:
        raise click.ClickException(report.error)
