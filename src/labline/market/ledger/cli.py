"""`labline market ledger CONTRACT`: a licence's invoices, reports, payments and totals."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import click

from labline.clitools import AS_JSON, console, echoed_json, settings_of, unit_of_work
from labline.market.ledger import service

READ_AS = click.option("--as", "as_email", required=True, help="Read as this person (e-mail).")


def _reading(name: str, argument: str) -> Callable[[Callable[..., Any]], click.Command]:
    """A command that reads one record (its id the argument) as a person, in text or JSON."""

    def command(f: Callable[..., Any]) -> click.Command:
        read = READ_AS(AS_JSON(click.pass_context(f)))
        return click.command(name)(click.argument(argument, type=int)(read))

    return command


@_reading("ledger", "contract_id")
def ledger(ctx: click.Context, contract_id: int, as_email: str, as_json: bool) -> None:
    """What was due, invoiced, paid and outstanding on a licence contract."""
    with unit_of_work(ctx, as_email=as_email) as (session, actor):
        result = service.ledger(session, actor=actor, contract_id=contract_id)
    if echoed_json(result, as_json):
        return
    for inv in result.invoices:
        flag = " OVERDUE" if inv.overdue else ""
        console.print(
            f"{inv.id:>5} {inv.kind:<9} {inv.description:<40} {inv.amount:>14,.2f} {inv.currency}"
            f"  paid {inv.paid:>14,.2f}  due {inv.due_on}{flag}"
        )
    t = result.totals
    console.print(
        f"invoiced {t.invoiced:,.2f}  paid {t.paid:,.2f}  outstanding {t.outstanding:,.2f}"
        f" {result.currency} (¥{t.outstanding_cny:,.2f})  overdue {t.overdue:,.2f}"
    )


@_reading("ledger-books", "organisation_id")
def ledger_books(ctx: click.Context, organisation_id: int, as_email: str, as_json: bool) -> None:
    """An organisation's licence ledgers: each contract, and the sums in yuan."""
    with unit_of_work(ctx, as_email=as_email) as (session, actor):
        books = service.books(session, actor=actor, organisation_id=organisation_id)
    if echoed_json(books, as_json):
        return
    for c in books.contracts:
        t = c.totals
        console.print(
            f"{c.registration_no:<24} {c.side:<9} invoiced {t.invoiced:>14,.2f} paid"
            f" {t.paid:>14,.2f} outstanding {t.outstanding:>14,.2f} {c.currency}"
            f" (¥{t.outstanding_cny:,.2f})"
        )
    for label, s in (("owed to it", books.receivable_cny), ("owed by it", books.payable_cny)):
        console.print(
            f"{label}: invoiced ¥{s.invoiced:,.2f}, due ¥{s.due:,.2f}, paid ¥{s.paid:,.2f},"
            f" outstanding ¥{s.outstanding:,.2f}, overdue ¥{s.overdue:,.2f}"
        )


@click.command("ledger-overdue")
@click.option("--today", default=None, help="YYYY-MM-DD (default: today)")
@click.pass_context
def ledger_overdue(ctx: click.Context, today: str | None) -> None:
    """Mail each person of either side of a licence the day's digest of its overdue
    invoices (run it daily; a digest goes once a day). With a mail server set
    (LABLINE_SMTP_HOST) the outbox is sent too."""
    from labline.core.mail import service as mail
    from labline.market.cliargs import parse_day
    from labline.market.ledger import reminders

    settings = settings_of(ctx)
    day = parse_day(today, "--today") if today else None
    with unit_of_work(ctx) as (session, _actor):
        queued = reminders.mail_overdue(session, base_url=settings.base_url, today=day)
    console.print(f"{queued} e-mails queued")
    if settings.smtp_host:
        with unit_of_work(ctx) as (session, _actor):
            report = mail.send_pending(session, settings=settings)
        console.print(f"sent {report.sent}, failed {report.failed}")
