"""The mail outbox, delivered to a real SMTP server (aiosmtpd) on a local port."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from email import message_from_bytes
from email.message import Message
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from click.testing import CliRunner
from sqlalchemy import select

from labline.cli import cli
from labline.config import Settings
from labline.core.mail import service as mail
from labline.core.models import OutboxMail, Role
from labline.core.service.auth import actor_for
from labline.db import make_engine, make_sessionmaker, transaction
from labline.errors import InvalidInput, NotPermitted
from tests.factories import make_person


class Inbox:
    """An SMTP handler that keeps what it receives and refuses one address."""

    def __init__(self) -> None:
        self.received: list[Message] = []

    async def handle_RCPT(self, server: Any, session: Any, envelope: Any, address: str, _o: Any):
        if address.startswith("refused@"):
            return "550 no such mailbox"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.received.append(message_from_bytes(envelope.content))
        return "250 Message accepted"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def smtp() -> Iterator[tuple[Inbox, int]]:
    inbox, port = Inbox(), _free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield inbox, port
    finally:
        controller.stop()


def _settings(port: int | None) -> Settings:
    return Settings(
        env="test",
        smtp_host="127.0.0.1" if port else None,
        smtp_port=port or 587,
        smtp_security="none",
        mail_from="labline <noreply@labline.test>",
    )


def _queue(db, key: str, to: str = "someone@example.cn", **kw: Any) -> OutboxMail:
    m, _new = mail.queue_mail(
        db,
        key=key,
        kind="test",
        to_address=to,
        subject=kw.get("subject", "钙钛矿 叠层 — new records"),
        body=kw.get("body", "正文 body"),
    )
    return m


def test_a_key_is_queued_once(db):
    first, new = mail.queue_mail(
        db, key="k:1", kind="test", to_address="a@example.cn", subject="s", body="b"
    )
    again, new_again = mail.queue_mail(
        db, key="k:1", kind="test", to_address="other@example.cn", subject="t", body="c"
    )
    assert new and not new_again and again.id == first.id and again.to_address == "a@example.cn"


def test_bad_messages_are_refused_with_the_field(db):
    with pytest.raises(InvalidInput) as err:
        mail.queue_mail(
            db, key="k", kind="t", to_address="not an address", subject="a\nBcc: x", body=""
        )
    assert {f.field for f in err.value.fields} == {"to_address", "subject"}
    assert db.scalar(select(OutboxMail.id)) is None


def test_without_a_mail_server_messages_wait(db):
    _queue(db, "k:wait")
    report = mail.send_pending(db, settings=_settings(None))
    assert (report.sent, report.waiting) == (0, 1)
    assert db.scalar(select(OutboxMail.sent_at)) is None


def test_sending_delivers_utf8_and_stamps_sent(db, smtp):
    inbox, port = smtp
    _queue(db, "k:a", to="a@example.cn")
    _queue(db, "k:b", to="refused@example.cn")
    report = mail.send_pending(db, settings=_settings(port))
    assert (report.sent, report.failed) == (1, 1)
    [got] = inbox.received
    assert got["To"] == "a@example.cn"
    assert "钙钛矿" in str(got["Subject"]) or "=?utf-8?" in got["Subject"].lower()
    assert "正文" in got.get_payload(decode=True).decode("utf-8")
    rows = {m.to_address: m for m in db.scalars(select(OutboxMail))}
    assert rows["a@example.cn"].sent_at is not None
    refused = rows["refused@example.cn"]
    assert refused.sent_at is None and refused.attempts == 1 and "550" in refused.last_error
    # A refused message is retried on later runs, then given up on after MAX_ATTEMPTS.
    for _ in range(mail.MAX_ATTEMPTS + 2):
        mail.send_pending(db, settings=_settings(port))
    assert refused.attempts == mail.MAX_ATTEMPTS
    assert len(inbox.received) == 1  # the sent one was never sent twice


def test_an_unreachable_server_changes_nothing(db):
    _queue(db, "k:down")
    report = mail.send_pending(db, settings=_settings(_free_port()))
    assert report.error.startswith("cannot reach") and report.waiting == 1
    m = db.scalar(select(OutboxMail))
    assert m is not None and m.attempts == 0 and m.sent_at is None


def test_only_operators_read_the_outbox(db):
    _queue(db, "k:private")
    op = actor_for(db, make_person(db, roles=(Role.platform_operator,)).id)
    assert len(mail.outbox(db, actor=op)) == 1
    analyst = actor_for(db, make_person(db, roles=(Role.analyst,)).id)
    with pytest.raises(NotPermitted):
        mail.outbox(db, actor=analyst)


def test_production_refuses_a_password_sent_in_clear():
    with pytest.raises(ValueError, match="SMTP_SECURITY"):
        Settings(
            env="production",
            secret_key="x" * 40,
            base_url="https://labline.example.cn",
            smtp_host="mail.example.cn",
            smtp_password="secret",
            smtp_security="none",
        )


def test_mail_commands(tmp_path: Path, smtp, monkeypatch):
    inbox, port = smtp
    runner = CliRunner()

    def run(*args: str) -> str:
        result = runner.invoke(cli, ["--data-dir", str(tmp_path), *args])
        assert result.exit_code == 0, result.output
        return result.output

    assert "0 messages" in run("mail", "outbox")  # creates the database
    engine = make_engine(f"sqlite:///{tmp_path / 'labline.db'}")
    with transaction(make_sessionmaker(engine)) as s:
        _queue(s, "cli:1", to="b@example.cn")
    engine.dispose()
    assert "1 messages wait" in run("mail", "send")  # no server set
    monkeypatch.setenv("LABLINE_SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("LABLINE_SMTP_PORT", str(port))
    monkeypatch.setenv("LABLINE_SMTP_SECURITY", "none")
    assert "sent 1, failed 0" in run("mail", "send")
    assert [m["To"] for m in inbox.received] == ["b@example.cn"]
    assert "sent " in run("mail", "outbox")
