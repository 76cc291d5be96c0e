"""`labline worker`: the background jobs' consumer (Huey), which encodes for the indexes."""

from __future__ import annotations

import logging

import click

from labline.clitools import console, engine_of, settings_of
from labline.core.indexes import jobs


@click.command("worker")
@click.option("--threads", default=1, show_default=True, type=click.IntRange(1, 16))
@click.pass_context
def worker(ctx: click.Context, threads: int) -> None:
    """Run the background jobs (encoding records, rebuilding index snapshots) until stopped.

    `labline serve` starts one in development; in production run it on its own (with
    LABLINE_JOBS=redis://... when app servers run on several hosts)."""
    from labline.db import make_sessionmaker

    settings = settings_of(ctx)
    if settings.jobs == "inline":
        raise click.UsageError("LABLINE_JOBS is 'inline': jobs run where they are asked for")
    engine = engine_of(ctx)  # a fresh database is migrated first
    huey = jobs.configure(settings, make_sessionmaker(engine))
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    # Huey logs every run of every periodic task (a dozen lines a minute, beside the
    # server's own output in development); our jobs log what they did, failures still show.
    logging.getLogger("huey").setLevel(logging.WARNING)
    from labline.core.indexes.encoder import live_encoder

    live_encoder().encode(["warm up"])  # the model loads now, not with the first record
    jobs.refresh_indexes()  # a missing or stale snapshot is seen to at once
    console.print(f"labline worker: {threads} thread(s), queue {settings.jobs}")
    consumer = huey.create_consumer(
        workers=threads, periodic=True, check_worker_health=True, max_delay=1.0
    )
    consumer.run()
