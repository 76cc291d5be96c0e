"""The mail outbox: modules queue messages; `send_pending` hands them to an SMTP server.

Queuing never fails for want of a mail server: messages wait, and the operator sees them.
Each message has a key naming its occasion, so running a reminder twice queues it once.
"""

from __future__ import annotations

import smtplib
import ssl
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from datetime import datetime
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from typing import TypeVar

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from labline import clock, i18n
from labline.config import Settings
from labline.core.access import Actor, Permission, require
from labline.core.models import OutboxMail, Person
from labline.db import utcnow
from labline.errors import FieldError, InvalidInput

T = TypeVar("T")
MAX_ATTEMPTS = 5  # after that a message stays in the outbox, marked failed, for a person to see
SMTP_TIMEOUT_S = 20


def queue_mail(
    session: Session,
    *,
    key: str,
    kind: str,
    to_address: str,
    subject: str,
    body: str,
    person_id: int | None = None,
) -> tuple[OutboxMail, bool]:
    """Queue one message; returns (message, queued_now). A key already queued is left as it
    was (the occasion was already mailed)."""
    problems = []
    if not key or len(key) > 200:
        problems.append(FieldError("key", "must be 1 to 200 characters"))
    if "@" not in to_address or len(to_address) > 320 or "\n" in to_address:
        problems.append(FieldError("to_address", "is not an e-mail address"))
    if "\n" in subject or "\r" in subject:
        problems.append(FieldError("subject", "must be one line"))
    if problems:
        raise InvalidInput("This message cannot be queued.", fields=problems)
    existing = session.scalar(select(OutboxMail).where(OutboxMail.key == key))
    if existing is not None:
        return existing, False
    mail = OutboxMail(
        key=key,
        kind=kind[:40],
        person_id=person_id,
        to_address=to_address,
        subject=subject[:300],
        body=body,
    )
    try:
        with session.begin_nested():  # a concurrent run queued the same key first
            session.add(mail)
            session.flush()
    except IntegrityError:
        again = session.scalar(select(OutboxMail).where(OutboxMail.key == key))
        assert again is not None
        return again, False
    return mail, True


def queue_digests(
    session: Session,
    *,
    items: Sequence[T],
    person_of: Callable[[T], int],
    compose: Callable[[list[T]], tuple[str, str]],
    key: Callable[[int, list[T]], str],
    kind: str,
) -> dict[int, list[T]]:
    """One digest per active person listing their items: `compose(items)` -> (subject, body)
    runs in the person's language. Returns, by person, the items whose digest was queued now
    (an occasion `key` already queued is not mailed again)."""
    by_person: dict[int, list[T]] = {}
    for item in items:
        by_person.setdefault(person_of(item), []).append(item)
    queued: dict[int, list[T]] = {}
    for person_id, mine in by_person.items():
        person = session.get(Person, person_id)
        if person is None or not person.is_active:
            continue
        with in_language(person.locale, person.time_zone):
            subject, body = compose(mine)
        _mail, new = queue_mail(
            session,
            key=key(person_id, mine),
            kind=kind,
            to_address=person.email,
            subject=subject,
            body=body,
            person_id=person_id,
        )
        if new:
            queued[person_id] = mine
    return queued


@contextmanager
def in_language(locale: str, zone: str | None = None) -> Iterator[None]:
    """Write a message in its reader's language (gettext follows the current locale), and
    its times on the reader's clock when they chose a zone."""
    token = i18n.set_locale(locale)
    try:
        if zone:
            with clock.reading_in(zone):
                yield
        else:
            yield
    finally:
        i18n.reset_locale(token)


def outbox(
    session: Session, *, actor: Actor, pending_only: bool = False, limit: int = 200
) -> Sequence[OutboxMail]:
    require(actor, Permission.view_outbox)
    stmt = select(OutboxMail).order_by(OutboxMail.id.desc()).limit(max(1, min(limit, 1000)))
    if pending_only:
        stmt = stmt.where(OutboxMail.sent_at.is_(None))
    return session.scalars(stmt).all()


@dataclass
class SendReport:
    sent: int = 0
    failed: int = 0
    waiting: int = 0  # pending, not attempted (no mail server, or beyond the limit)
    error: str = ""


def _message(settings: Settings, mail: OutboxMail) -> EmailMessage:
    msg = EmailMessage()
    msg["From"] = settings.mail_from
    msg["To"] = mail.to_address
    msg["Subject"] = mail.subject
    msg["Date"] = formatdate(localtime=False)
    msg["Message-ID"] = make_msgid(domain="labline")
    msg.set_content(mail.body)  # UTF-8, so Chinese text travels as it is
    return msg


def _connect(settings: Settings) -> smtplib.SMTP:
    assert settings.smtp_host
    if settings.smtp_security == "tls":
        smtp: smtplib.SMTP = smtplib.SMTP_SSL(
            settings.smtp_host,
            settings.smtp_port,
            timeout=SMTP_TIMEOUT_S,
            context=ssl.create_default_context(),
        )
    else:
        smtp = smtplib.SMTP(settings.smtp_host, settings.smtp_port, timeout=SMTP_TIMEOUT_S)
        if settings.smtp_security == "starttls":
            smtp.starttls(context=ssl.create_default_context())
    if settings.smtp_user:
        smtp.login(settings.smtp_user, settings.smtp_password or "")
    return smtp


def send_pending(
    session: Session, *, settings: Settings, limit: int = 200, moment: datetime | None = None
) -> SendReport:
    """Send what waits in the outbox, oldest first. A message the server refuses is retried
    on later runs, up to MAX_ATTEMPTS; a server that cannot be reached stops the run."""
    pending = session.scalars(
        select(OutboxMail)
        .where(OutboxMail.sent_at.is_(None), OutboxMail.attempts < MAX_ATTEMPTS)
        .order_by(OutboxMail.id)
        .limit(max(1, limit))
    ).all()
    report = SendReport()
    if not settings.smtp_host:
        report.waiting = len(pending)
        return report
    if not pending:
        return report
    try:
        smtp = _connect(settings)
    except (OSError, smtplib.SMTPException) as exc:
        report.waiting = len(pending)
        report.error = f"cannot reach {settings.smtp_host}:{settings.smtp_port}: {exc}"[:500]
        return report
    try:
        for mail in pending:
            mail.attempts += 1
            try:
                smtp.send_message(_message(settings, mail))
            except smtplib.SMTPServerDisconnected as exc:
                mail.last_error = str(exc)[:500]
                report.error = mail.last_error
                report.waiting = len(pending) - report.sent - report.failed - 1
                report.failed += 1
                break
            except smtplib.SMTPException as exc:
                mail.last_error = str(exc)[:500]
                report.failed += 1
                continue
            mail.sent_at = moment or utcnow()
            mail.last_error = ""
            report.sent += 1
    finally:
        with suppress(OSError, smtplib.SMTPException):
            smtp.quit()
    session.flush()
    return report
