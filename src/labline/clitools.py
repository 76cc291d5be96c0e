"""Shared plumbing for commands: open the database, act as someone, show progress, fail well."""

from __future__ import annotations

import getpass
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

import click
from pydantic import BaseModel, ValidationError
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from labline.config import Settings
from labline.core.access import Actor, command_line_actor
from labline.core.audit import AuditActor
from labline.db import make_engine, make_sessionmaker
from labline.db import unit_of_work as db_unit_of_work
from labline.errors import LablineError, invalid_input

if TYPE_CHECKING:
    from rich.console import Console
    from rich.progress import Progress


class _Console:
    """rich's console on standard error, made at its first use: the app imports every
    command for the module records, and importing rich cost each app process at start."""

    _made: Console | None = None

    def get(self) -> Console:
        if self._made is None:
            from rich.console import Console

            self._made = Console(stderr=True, soft_wrap=True)
        return self._made

    def __getattr__(self, name: str) -> Any:
        return getattr(self.get(), name)


console = _Console()

# Options that many commands share.
ACT_AS = click.option(
    "--as", "as_email", default=None, help="Act as this person (default: operator)."
)
AS_JSON = click.option("--json", "as_json", is_flag=True)


def echoed_json(model: BaseModel, as_json: bool) -> bool:
    """With --json, print the model as JSON and say so: the command then prints no text."""
    if as_json:
        click.echo(model.model_dump_json())
    return as_json


def settings_of(ctx: click.Context) -> Settings:
    settings: Settings = ctx.find_root().obj.settings
    return settings


def engine_of(ctx: click.Context, *, migrate_fresh: bool = True) -> Engine:
    """The database engine; a brand-new database is migrated, an outdated one refused."""
    from labline.core import database

    root = ctx.find_root().obj
    if getattr(root, "engine", None) is None:
        engine = make_engine(settings_of(ctx).resolved_database_url)
        current, head = database.current_revision(engine), database.head_revision(engine)
        if current is None and migrate_fresh:
            database.upgrade(engine)
        elif current != head and migrate_fresh:
            raise click.ClickException(
                f"The database is at revision {current}, this labline needs {head}:"
                " run `labline db upgrade` first."
            )
        root.engine = engine
    engine_: Engine = root.engine
    return engine_


@contextmanager
def unit_of_work(
    ctx: click.Context, *, as_email: str | None = None, write: bool = True
) -> Iterator[tuple[Session, Actor]]:
    """One transaction for one command, acting as the command line or as a named person.
    A command that only reads passes write=False (on SQLite it then takes no write lock)."""
    from labline.core.models import Person
    from labline.core.service.auth import actor_for

    with db_unit_of_work(make_sessionmaker(engine_of(ctx)), write=write) as session:
        if as_email:
            person_id = session.scalar(select(Person.id).where(Person.email == as_email.lower()))
            if person_id is None:
                raise click.ClickException(f"--as: nobody has the e-mail address {as_email}")
            actor = actor_for(session, person_id)
        else:
            actor = command_line_actor(f"cli:{getpass.getuser()}")
        session.info["audit_actor"] = AuditActor(actor.person_id, actor.audit_label())
        yield session, actor


def cli_locale(session: Session, actor: Actor) -> str:
    """The language a command speaks to its reader: the person's (--as) language, else the
    shell's (LC_ALL, LC_MESSAGES, LANG: zh_CN.UTF-8 is Chinese), else English."""
    import os

    from labline import i18n
    from labline.core.models import Person

    if actor.person_id is not None:
        person = session.get(Person, actor.person_id)
        if person is not None and person.locale in i18n.LOCALES:
            return person.locale
    for name in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = os.environ.get(name, "")
        if value:
            return "zh" if value.lower().startswith("zh") else "en"
    return "en"


@contextmanager
def reader_language(session: Session, actor: Actor) -> Iterator[str]:
    """Messages made inside are in the command's reader's language (`cli_locale`)."""
    from labline import i18n

    locale = cli_locale(session, actor)
    token = i18n.set_locale(locale)
    try:
        yield locale
    finally:
        i18n.reset_locale(token)


def fail(exc: LablineError) -> None:
    """Print a domain error the way the API would, then exit non-zero."""
    console.print(f"[red]error[/red] ({exc.code}): {exc.message}")
    for f in exc.fields:
        allowed = f" (allowed: {f.allowed})" if f.allowed is not None else ""
        console.print(f"  {f.field}: {f.message}{allowed}")
    for row in exc.extra.get("rejected_rows", [])[:200]:
        for err in row["errors"]:
            console.print(f"  row {row['row']}: {err['field']}: {err['message']}")
    sys.exit(2)


class DomainErrors(click.Group):
    """A command group that turns domain errors into a clear message and exit code 2."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except LablineError as exc:
            fail(exc)
        except ValidationError as exc:
            fail(invalid_input(list(exc.errors())))


def progress() -> Progress:
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeElapsedColumn,
    )

    return Progress(
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console.get(),
        transient=False,
    )
