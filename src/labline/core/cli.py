"""Commands for the core: serve, db, users, audit, organisations import/export."""

from __future__ import annotations

import contextlib
import ctypes
import json
import signal
import sys
from pathlib import Path

import click
from sqlalchemy import select

from labline.clitools import console, engine_of, progress, settings_of, unit_of_work
from labline.config import get_settings
from labline.core import audit_keys, database
from labline.core import audit_verify as audit_verify_
from labline.core.models import Person, Role
from labline.core.schemas import PersonCreate, PersonUpdate, TokenCreate
from labline.core.service import auth, people
from labline.core.service.transfer import export_organisations, import_organisations
from labline.errors import FieldError, InvalidInput

# How much lower the priority of the worker `serve` starts beside it is (os.nice).
WORKER_NICENESS = 10


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=int)
@click.option("--workers", default=1, show_default=True, type=int)
@click.option(
    "--worker/--no-worker",
    "with_worker",
    default=None,
    help="Also run `labline worker` (background jobs); default: yes, except in production.",
)
@click.pass_context
def serve(ctx: click.Context, host: str, port: int, workers: int, with_worker: bool | None) -> None:
    """Serve the web pages, the JSON API and its documentation."""
    import os
    import subprocess

    settings = settings_of(ctx)
    engine_of(ctx)  # migrate a fresh database before the first request
    os.environ["LABLINE_DATA_DIR"] = str(settings.data_dir)
    if settings.database_url:
        os.environ["LABLINE_DATABASE_URL"] = settings.database_url
    # The app reads its settings from the environment just set: forget any read before it
    # in this process (`labline demo --serve` builds first, and the build's index jobs ask
    # for the settings, which pinned the default data folder: the server saw an empty one).
    # The job queue, set up by those jobs with the same default, is set up again.
    get_settings.cache_clear()
    from labline.core.indexes import jobs

    jobs.configure(get_settings())
    console.print(f"labline at [bold]http://{host}:{port}[/bold]  (API docs: /api/docs)")
    if with_worker is None:
        with_worker = settings.env != "production" and settings.jobs != "inline"
    child = None
    if with_worker:  # development: one command runs everything
        child = subprocess.Popen(
            [sys.executable, "-c", "from labline.cli import main; main()", "worker"],
            preexec_fn=_end_with_parent if sys.platform.startswith("linux") else None,
        )
        # Background work: the server's requests go first. Its start (imports, the
        # encoder, a refresh of every index) otherwise competes with the server's first
        # requests for the CPU, and on a busy machine a burst of them was refused 503.
        if hasattr(os, "setpriority"):
            os.setpriority(os.PRIO_PROCESS, child.pid, WORKER_NICENESS)
    try:
        _run_server(host, port, workers)
    finally:
        if child is not None:
            child.terminate()
            child.wait(timeout=30)


def _end_with_parent() -> None:
    """Run in the worker before it starts (Linux): the kernel sends it SIGTERM when `serve`
    ends, however it ends. `serve` stops it on a normal exit, but a server killed outright
    (SIGKILL, or a supervisor's timeout) left the worker running on its own."""
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGTERM)  # 1: PR_SET_PDEATHSIG


def _run_server(host: str, port: int, workers: int) -> None:
    import copy

    import uvicorn
    from uvicorn.config import LOGGING_CONFIG

    # uvicorn's own logging at "warning", but each process's warm-up line (what it opened
    # before taking requests, and how long it took) is shown: it says the server is ready.
    log_config = copy.deepcopy(LOGGING_CONFIG)
    log_config["loggers"]["labline.app"] = {
        "handlers": ["default"],
        "level": "INFO",
        "propagate": False,
    }
    log_config["loggers"]["labline.indexes"] = {
        "handlers": ["default"],
        "level": "INFO",
        "propagate": False,
    }
    uvicorn.run(
        "labline.app:create_app",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        log_level="warning",
        log_config=log_config,
        proxy_headers=True,
        # A client that waits its turn under load reuses its connection late: uvicorn's 5 s
        # default closed connections a client was about to send on (no answer at all).
        timeout_keep_alive=75,
        # Each worker opens its indexes before it accepts requests (labline.app.warm_up);
        # on a loaded machine its answer to the supervisor's ping can wait for that longer
        # than uvicorn's 5 s, and a worker killed then dropped the connections it held.
        timeout_worker_healthcheck=60,
    )


# --- db ----------------------------------------------------------------------------------------


@click.group()
def db() -> None:
    """Database: migrate, back up, restore."""


@db.command("upgrade")
@click.option("--revision", default="heads", show_default=True)
@click.pass_context
def db_upgrade(ctx: click.Context, revision: str) -> None:
    """Apply migrations up to REVISION."""
    engine = engine_of(ctx, migrate_fresh=False)
    before = database.current_revision(engine)
    database.upgrade(engine, revision)
    console.print(f"database: {before or 'empty'} → {database.current_revision(engine)}")


@db.command("current")
@click.pass_context
def db_current(ctx: click.Context) -> None:
    """Print the schema revision of the database and of this labline."""
    engine = engine_of(ctx, migrate_fresh=False)
    click.echo(
        f"database: {database.current_revision(engine)}  code: {database.head_revision(engine)}"
    )


@db.command("backup")
@click.argument("target", type=click.Path(path_type=Path, dir_okay=False))
@click.pass_context
def db_backup(ctx: click.Context, target: Path) -> None:
    """Write a verified, portable backup (zip) of every table to TARGET."""
    engine = engine_of(ctx)
    manifest = database.backup(
        engine,
        target,
        data_dir=settings_of(ctx).data_dir,
        progress=lambda name, n: console.print(f"  {name}: {n}"),
    )
    total = sum(t["rows"] for t in manifest["tables"].values())
    console.print(
        f"backup written: {target} ({total} rows, {len(manifest['files'])} files,"
        f" revision {manifest['schema_revision']})"
    )


@db.command("restore")
@click.argument("source", type=click.Path(path_type=Path, dir_okay=False))
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@click.pass_context
def db_restore(ctx: click.Context, source: Path, yes: bool) -> None:
    """Replace the database's contents and uploaded files with a labline backup, all or
    nothing, once the backup is verified: readable, signed with this installation's audit
    key, its audit trail intact and every audited row as the trail recorded it."""
    engine = engine_of(ctx)
    manifest = database.read_manifest(source)
    if not yes:
        click.confirm(f"Replace every record in the database with {source}?", abort=True)
    database.restore(
        engine,
        source,
        data_dir=settings_of(ctx).data_dir,
        progress=lambda name, n: console.print(f"  {name}: {n} rows"),
    )
    console.print(
        f"restored {source} (revision {manifest['schema_revision']},"
        f" {len(manifest['files'])} files)"
    )


# --- users -------------------------------------------------------------------------------------


@click.group()
def users() -> None:
    """People who can sign in: create, list, grant roles, issue API tokens."""


@users.command("create")
@click.argument("email")
@click.option("--name", "display_name", required=True)
@click.option("--name-en", default="")
@click.option("--password", help="At least 10 characters; read from stdin with --password -.")
@click.option("--org", "organisation_id", type=int, help="Organisation id to join.")
@click.option("--org-admin", is_flag=True, help="Join the organisation as its admin.")
@click.option(
    "--role", "roles", multiple=True, type=click.Choice([r.value for r in people.PLATFORM])
)
@click.option("--locale", type=click.Choice(["en", "zh"]), default="en")
@click.option("--as", "as_email", help="Act as this person (permissions apply).")
@click.pass_context
def users_create(
    ctx: click.Context,
    email: str,
    display_name: str,
    name_en: str,
    password: str | None,
    organisation_id: int | None,
    org_admin: bool,
    roles: tuple[str, ...],
    locale: str,
    as_email: str | None,
) -> None:
    """Create a person who can sign in."""
    if password == "-":
        password = sys.stdin.readline().rstrip("\n")
    data = PersonCreate(
        email=email,
        display_name=display_name,
        name_en=name_en,
        password=password,
        locale=locale,
        organisation_id=organisation_id,
        membership_role="org_admin" if org_admin else "member",
    )
    with unit_of_work(ctx, as_email=as_email) as (session, actor):
        person = people.create_person(session, actor=actor, data=data)
        for role in roles:
            # An investor invests for the organisation joined (--org).
            scope = organisation_id if Role(role) == Role.investor else None
            people.grant_role(
                session, actor=actor, person_id=person.id, role=Role(role), organisation_id=scope
            )
        click.echo(f"created person {person.id} <{person.email}>")


@users.command("list")
@click.option("--role", type=click.Choice([r.value for r in Role]))
@click.option("--json", "as_json", is_flag=True)
@click.pass_context
def users_list(ctx: click.Context, role: str | None, as_json: bool) -> None:
    """List people (first 1,000)."""
    from labline.schemas import PageParams

    with unit_of_work(ctx) as (session, actor):
        rows, total = people.list_people(
            session,
            actor=actor,
            page=PageParams(page=1, per_page=100),
            role=Role(role) if role else None,
        )
        out = [people.person_read(actor, p).model_dump(mode="json") for p in rows]
    if as_json:
        click.echo(json.dumps(out, ensure_ascii=False, indent=2))
        return
    for p in out:
        click.echo(f"{p['id']:>6}  {p['email']:<36} {p['display_name']:<16} {','.join(p['roles'])}")
    click.echo(f"({len(out)} of {total})")


def _person_id(session: object, email: str) -> int:
    pid = session.scalar(select(Person.id).where(Person.email == email.lower()))  # type: ignore[attr-defined]
    if pid is None:
        raise InvalidInput("Nobody has this e-mail address.", fields=[FieldError("email", email)])
    return int(pid)


@users.command("grant")
@click.argument("email")
@click.argument("role", type=click.Choice([r.value for r in people.PLATFORM]))
@click.option(
    "--org", "organisation_id", type=int, help="Scope (facility managers; investors: required)."
)
@click.pass_context
def users_grant(ctx: click.Context, email: str, role: str, organisation_id: int | None) -> None:
    """Grant a platform role."""
    with unit_of_work(ctx) as (session, actor):
        people.grant_role(
            session,
            actor=actor,
            person_id=_person_id(session, email),
            role=Role(role),
            organisation_id=organisation_id,
        )
    click.echo(f"granted {role} to {email}")


@users.command("revoke")
@click.argument("email")
@click.argument("role", type=click.Choice([r.value for r in people.PLATFORM]))
@click.pass_context
def users_revoke(ctx: click.Context, email: str, role: str) -> None:
    """Take a platform role away."""
    with unit_of_work(ctx) as (session, actor):
        n = people.revoke_role(
            session, actor=actor, person_id=_person_id(session, email), role=Role(role)
        )
    click.echo(f"revoked {role} from {email} ({n} grant(s))")


@users.command("set-password")
@click.argument("email")
@click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True)
@click.pass_context
def users_set_password(ctx: click.Context, email: str, password: str) -> None:
    """Set someone's password (at least 10 characters)."""
    from labline.core.service.passwords import hash_password

    if len(password) < 10:
        raise InvalidInput(
            "Password too short.", fields=[FieldError("password", "at least 10 characters")]
        )
    with unit_of_work(ctx) as (session, _actor):
        person = session.get(Person, _person_id(session, email))
        assert person is not None
        person.password_hash = hash_password(password)
    click.echo(f"password set for {email}")


@users.command("time-zone")
@click.argument("email")
@click.argument("zone", required=False)
@click.option("--platform", is_flag=True, help="Clear it: show times in the platform's zone.")
@click.pass_context
def users_time_zone(ctx: click.Context, email: str, zone: str | None, platform: bool) -> None:
    """Set the IANA time zone (such as Asia/Shanghai) EMAIL reads times in."""
    from labline import zones

    if platform == (zone is not None):
        raise InvalidInput(
            "Give a time zone, or --platform to use the platform's.",
            fields=[FieldError("time_zone", "a zone name or --platform, not both")],
        )
    if zone is not None and not zones.is_zone(zone):
        near = zones.closest(zone)
        hint = f"; did you mean {', '.join(near)}?" if near else " (such as Asia/Shanghai)"
        raise InvalidInput(
            f"Unknown time zone {zone!r}{hint}",
            fields=[FieldError("time_zone", f"not an IANA time zone name{hint}")],
        )
    with unit_of_work(ctx) as (session, actor):
        pid = _person_id(session, email)
        people.update_person(session, actor=actor, person_id=pid, data=PersonUpdate(time_zone=zone))
    click.echo(f"{email} reads times in {zone or 'the platform time zone'}")


@users.command("token")
@click.argument("email")
@click.option("--name", default="command line", show_default=True)
@click.option("--days", default=90, show_default=True, type=int)
@click.pass_context
def users_token(ctx: click.Context, email: str, name: str, days: int) -> None:
    """Issue a personal API token for EMAIL and print it (once)."""
    with unit_of_work(ctx, as_email=email) as (session, actor):
        _token, secret = auth.create_token(
            session, actor=actor, data=TokenCreate(name=name, expires_in_days=days)
        )
    click.echo(secret)


# --- audit -------------------------------------------------------------------------------------


@click.group("audit")
def audit_group() -> None:
    """The append-only, hash-chained audit trail."""


@audit_group.command("verify")
@click.option(
    "--no-anchor",
    is_flag=True,
    help="Neither check nor move the anchor file (data_dir/audit-anchor.json).",
)
@click.option("--limit", default=200, show_default=True, help="Problems listed at most.")
@click.pass_context
def audit_verify(ctx: click.Context, no_anchor: bool, limit: int) -> None:
    """Verify the keyed hash chain, its signed head and anchor, and every audited table's
    rows against the state the trail recorded; name every record and row that differs.
    A clean run moves the anchor (kept outside the database) to the chain's head."""
    anchor = None if no_anchor else settings_of(ctx).data_dir / audit_keys.ANCHOR_FILE
    with unit_of_work(ctx) as (session, _actor):
        report = audit_verify_.verify(session, anchor=anchor)
    legacy = (
        f"; {report.legacy_records} records and {report.unverifiable} rows from before keyed"
        " chains (not comparable)"
        if report.legacy_records
        else ""
    )
    if report.ok:
        click.echo(
            f"audit trail intact: {report.chain.checked} records verified,"
            f" {report.rows_checked} rows match the trail{legacy}"
        )
        return
    if not report.chain.ok:
        click.echo(
            f"audit trail BROKEN at record {report.chain.first_broken_seq}: {report.chain.reason}"
            f" ({report.chain.checked} records before it are intact; tables not compared)"
        )
        sys.exit(1)
    problems = report.problems()
    click.echo(f"audit trail BROKEN: {len(problems)} problem(s){legacy}")
    for line in problems[:limit]:
        click.echo(f"  {line}")
    if len(problems) > limit:
        click.echo(f"  ... and {len(problems) - limit} more (--limit)")
    sys.exit(1)


# --- organisations import / export ------------------------------------------------------------


@click.group("orgs")
def orgs() -> None:
    """Organisations: import and export (CSV, Excel, JSON)."""


@orgs.command("import")
@click.argument("source", type=click.Path(path_type=Path, exists=True, dir_okay=False))
@click.pass_context
def orgs_import(ctx: click.Context, source: Path) -> None:
    """Import organisations; all or nothing, every rejected row reported."""
    with unit_of_work(ctx) as (session, actor), progress() as bar:
        task = bar.add_task("importing", total=None)
        created = import_organisations(
            session,
            actor=actor,
            source=source,
            progress=lambda done, total: bar.update(task, completed=done, total=total),
        )
    click.echo(f"imported {created} organisations")


@orgs.command("export")
@click.argument("target", type=click.Path(path_type=Path, dir_okay=False))
@click.pass_context
def orgs_export(ctx: click.Context, target: Path) -> None:
    """Export every organisation to TARGET (.csv, .xlsx or .json)."""
    with unit_of_work(ctx) as (session, actor):
        n = export_organisations(session, actor=actor, target=target)
    click.echo(f"exported {n} organisations to {target}")
