"""`labline demo`: build the demo world into the data folder, optionally serve it."""

from __future__ import annotations

import time
from pathlib import Path

import click
from rich.progress import TaskID
from sqlalchemy import func, select

from labline import registry
from labline.clitools import console, engine_of, progress, settings_of, unit_of_work
from labline.core.models import Organisation
from labline.demo import world as demo_world
from labline.demo.tours import tour_lines


@click.command()
@click.option(
    "--size", type=click.Choice(sorted(demo_world.SIZES)), default="small", show_default=True
)
@click.option("--seed", type=int, default=42, show_default=True, help="Same seed, same world.")
@click.option("--reset", is_flag=True, help="Erase the database's records first.")
@click.option("--serve", "then_serve", is_flag=True, help="Serve the platform afterwards.")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", type=int, default=8000, show_default=True)
@click.option(
    "--texts",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    default=None,
    help="A folder of real public texts (e.g. ../shared/data/texts): the market adds a"
    " sample of its technology records as achievements.",
)
@click.option(
    "--indicators",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    default=None,
    help="A folder of real indicator panels (e.g. ../shared/data/indicators): the demo loads"
    " China's provincial R&D figures from its yearbook files instead of the small shipped panel.",
)
@click.pass_context
def demo(
    ctx: click.Context,
    size: str,
    seed: int,
    reset: bool,
    then_serve: bool,
    host: str,
    port: int,
    texts: Path | None,
    indicators: Path | None,
) -> None:
    """Build a deterministic, bilingual demo world (and serve it with --serve)."""
    from labline.core import database

    engine = engine_of(ctx)
    with engine.connect() as conn:
        existing = conn.scalar(select(func.count()).select_from(Organisation)) or 0
    if existing and reset:
        database.wipe(engine, data_dir=settings_of(ctx).data_dir)
        existing = 0
    if existing:
        console.print(
            f"The database already holds {existing} organisations; keeping it"
            " (use --reset to rebuild the demo world)."
        )
    else:
        started = time.perf_counter()
        with unit_of_work(ctx) as (session, _actor), progress() as bar:
            tasks: dict[str, TaskID] = {}

            def report(step: str, done: int, total: int) -> None:
                if step not in tasks:
                    tasks[step] = bar.add_task(step, total=total)
                bar.update(tasks[step], completed=done, total=total)

            built = demo_world.build(
                session,
                size=size,
                seed=seed,
                progress=report,
                data_dir=settings_of(ctx).data_dir,
                steps=registry.demo_steps(),
                texts=texts,
                indicators=indicators,
            )
            if engine.dialect.name == "postgresql":
                database.reset_sequences(session.connection())
        counts = ", ".join(f"{n} {t}" for t, n in built.counts.items())
        took = time.perf_counter() - started
        console.print(f"demo world '{size}' (seed {seed}) built in {took:.1f} s: {counts}")
        _build_snapshots(ctx)
    _print_accounts(f"http://{host}:{port}")
    if then_serve:
        from labline.core.cli import serve

        ctx.invoke(serve, host=host, port=port, workers=1)


def _build_snapshots(ctx: click.Context) -> None:
    """Every index's snapshot (the directory's, the market's) and the dictionaries' tables,
    built now, so that the first page after the demo opens them instead of waiting for
    the worker (which would encode every record first)."""
    from labline.core.indexes import service as indexes
    from labline.search import bridge

    data_dir = settings_of(ctx).data_dir
    for spec in list(indexes.SPECS.values()):
        started = time.perf_counter()
        status = console.status(f"building the {spec.name} index (text analysis and vectors)…")
        with unit_of_work(ctx) as (session, actor), status:
            why, done = indexes.check_or_rebuild(
                session,
                actor=actor,
                spec=spec,
                directory=data_dir / "indexes" / spec.name,
                check=False,
            )
        took = time.perf_counter() - started
        console.print(f"{spec.name} index: {done} in {took:.1f} s" + (f" ({why})" if why else ""))
    bridge.warm()


def _print_accounts(base_url: str) -> None:
    console.print(
        f"\n[bold]Demo accounts[/bold] (password for all: [bold]{demo_world.DEMO_PASSWORD}[/bold];"
        f" sign in at {base_url}/sign-in, then try the pages under each account)"
    )
    for email, role, zh, en in demo_world.DEMO_ACCOUNTS:
        console.print(f"  {role:<18} {email:<28} {zh} / {en}", highlight=False)
        for line in tour_lines(role, base_url):
            console.print(line, highlight=False, soft_wrap=True)
    console.print("")
