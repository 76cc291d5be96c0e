"""`labline intel import|show|poll|feed-add|collections`: documents from the command line."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

import click
from sqlalchemy.orm import Session

from labline.clitools import console, progress, settings_of, unit_of_work
from labline.db import is_busy
from labline.intel.documents.schemas import (
    CollectionRead,
    CopyRead,
    DocumentRead,
    FeedCreate,
    FeedPollRead,
    ImportReport,
)
from labline.intel.documents.service import feeds, ingest, records


def _print_report(report: ImportReport, as_json: bool) -> None:
    if as_json:
        click.echo(json.dumps(report.model_dump(), ensure_ascii=False, indent=2))
        return
    click.echo(
        f"imported {len(report.imported)}, linked as duplicate {len(report.duplicates)},"
        f" already imported {report.skipped}, rejected {len(report.rejected)}"
    )
    for r in report.rejected:
        click.echo(f"  rejected ({r.reason}): {r.message}")


@click.command("import")
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@click.option("--collection", default="default", show_default=True, help="Collection name.")
@click.option("--source", default="", help="Source or issuer recorded on every document.")
@click.option("--as", "as_email", help="Import as this person (e-mail); default: the command line.")
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
@click.pass_context
def import_cmd(
    ctx: click.Context,
    paths: tuple[Path, ...],
    collection: str,
    source: str,
    as_email: str | None,
    as_json: bool,
) -> None:
    """Import files and folders (HTML, PDF, DOCX, .txt, .md, .jsonl, RSS/Atom files).

    Each file is committed on its own, so an interrupted import resumes where it stopped
    (files already imported are recognised by their SHA-256)."""
    settings = settings_of(ctx)
    files = list(ingest.iter_files(paths))
    report = ImportReport()
    done = [0]
    try:
        with progress() as bar, unit_of_work(ctx, as_email=as_email) as (session, actor):
            task = bar.add_task("importing", total=len(files))
            coll = _retried(
                session,
                lambda: records.collection_named(session, actor=actor, name=collection),
                "",
                0,
                len(files),
            )
            for path in files:
                one = ImportReport()

                def step(path: Path = path, one: ImportReport = one) -> None:
                    ingest.ingest_file(
                        session,
                        actor=actor,
                        path=path,
                        collection=coll,
                        data_dir=settings.data_dir,
                        source=source,
                        report=one,
                    )

                _retried(session, step, str(path), done[0], len(files))
                _add_up(report, one)  # counted once its commit held
                done[0] += 1
                bar.advance(task)
    except click.ClickException:
        _print_report(report, as_json)
        raise
    except BaseException as exc:
        # Ctrl-C: every file committed is kept; say so and how to go on. (Coming inside
        # the database's work, it can leave the connection unable to roll back, and the
        # error of that rollback is what arrives here: the interrupt is its cause.)
        if not _interrupted(exc):
            raise
        _print_report(report, as_json)
        raise click.ClickException(
            f"interrupted ({done[0]} of {len(files)} files done): run the same command again"
            " to go on."
        ) from None
    _print_report(report, as_json)


def _interrupted(exc: BaseException | None) -> bool:
    seen = 0
    while exc is not None and seen < 10:
        if isinstance(exc, KeyboardInterrupt):
            return True
        exc, seen = exc.__context__, seen + 1
    return False


# Another process writing (a second import, the server) can hold SQLite's one write lock
# longer than a unit of work waits: a file is tried again, and then the import stops
# saying so (what is done is kept) instead of ending in a traceback.
BUSY_TRIES = 3
BUSY_PAUSE_S = 2.0
T = TypeVar("T")


def _retried(session: Session, step: Callable[[], T], what: str, done: int, total: int) -> T:
    """`step` then a commit (one file, one commit: a re-run skips what is done), tried
    again while the database is busy."""
    for attempt in range(BUSY_TRIES):
        try:
            out = step()
            session.commit()
            return out
        except Exception as exc:
            if not is_busy(exc):
                raise
            session.rollback()
            if attempt + 1 < BUSY_TRIES:
                time.sleep(BUSY_PAUSE_S * (attempt + 1))
    where = f" at {what}" if what else ""
    raise click.ClickException(
        f"stopped{where} ({done} of {total} files done): the database is busy (another"
        " import or the server is writing). What is imported is kept: run the same command"
        " again to go on."
    )


def _add_up(report: ImportReport, one: ImportReport) -> None:
    report.imported += one.imported
    report.duplicates += one.duplicates
    report.skipped += one.skipped
    report.rejected += one.rejected


@click.command("show")
@click.argument("document_id", type=int)
@click.option("--json", "as_json", is_flag=True)
@click.option("--as", "as_email", help="Read as this person (e-mail).")
@click.pass_context
def show_cmd(ctx: click.Context, document_id: int, as_json: bool, as_email: str | None) -> None:
    """Show a document with its numbered paragraphs."""
    with unit_of_work(ctx, as_email=as_email) as (session, actor):
        doc = records.get_document(session, actor=actor, document_id=document_id)
        out = DocumentRead.model_validate(doc)
        out.copies = [
            CopyRead.model_validate(c) for c in records.copies_of(session, document_id=doc.id)
        ]
    if as_json:
        click.echo(out.model_dump_json(indent=2))
        return
    click.echo(f"{out.title}\n{out.source} · {out.date_label} · {out.language} · {out.doc_number}")
    for p in out.paragraphs:
        click.echo(f"[{p.n}] {p.text}")


@click.command("collections")
@click.option("--json", "as_json", is_flag=True)
@click.pass_context
def collections_cmd(ctx: click.Context, as_json: bool) -> None:
    """List collections with their document counts."""
    with unit_of_work(ctx) as (session, actor):
        rows = records.list_collections(session, actor=actor)
        out = [
            {**CollectionRead.model_validate(c).model_dump(mode="json"), "documents": n}
            for c, n in rows
        ]
    if as_json:
        click.echo(json.dumps(out, ensure_ascii=False, indent=2))
        return
    for c in out:
        private = (
            f" (private to organisation {c['organisation_id']})" if c["organisation_id"] else ""
        )
        click.echo(f"{c['id']:>4}  {c['name']}  {c['documents']} documents{private}")


@click.command("feed-add")
@click.argument("url")
@click.option("--collection", default="feeds", show_default=True)
@click.option("--source", default="")
@click.pass_context
def feed_add_cmd(ctx: click.Context, url: str, collection: str, source: str) -> None:
    """Subscribe a collection to an RSS or Atom feed (polled by `labline intel poll`)."""
    with unit_of_work(ctx) as (session, actor):
        feed = feeds.add_feed(
            session, actor=actor, data=FeedCreate(url=url, collection=collection, source=source)
        )
        click.echo(f"feed {feed.id}: {feed.url}")


@click.command("poll")
@click.option("--json", "as_json", is_flag=True)
@click.pass_context
def poll_cmd(ctx: click.Context, as_json: bool) -> None:
    """Fetch every feed once and import new entries (run it from cron); each poll is recorded."""
    with unit_of_work(ctx) as (session, actor):
        done = feeds.poll_all(session, actor=actor)
        out = [
            {"url": f.url, **FeedPollRead.model_validate(p).model_dump(mode="json")}
            for f, p in done
        ]
    if as_json:
        click.echo(json.dumps(out, ensure_ascii=False, indent=2))
        return
    if not out:
        console.print("no feeds: add one with `labline intel feed-add URL`")
    for p in out:
        status = f"error: {p['error']}" if p["error"] else "ok"
        click.echo(
            f"{p['url']}: {p['entries']} entries, imported {p['imported']},"
            f" duplicates {p['duplicates']}, already imported {p['already']},"
            f" rejected {p['rejected']} ({status})"
        )
