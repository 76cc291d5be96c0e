"""Commands for stored indicator panels: import, list, ranking, series."""

from __future__ import annotations

import json
from pathlib import Path

import click

from labline import clock
from labline.clitools import console, unit_of_work
from labline.indicators import labels, regions
from labline.indicators.service import read, store


@click.command("import")
@click.argument("source", type=click.Path(path_type=Path, exists=True, dir_okay=False))
@click.option("--source-note", default="", help="Where the figures come from (provenance).")
@click.pass_context
def import_panel(ctx: click.Context, source: Path, source_note: str) -> None:
    """Import a long-format panel (CSV, Excel, JSON); all or nothing."""
    with unit_of_work(ctx) as (session, actor):
        stored = store.import_file(session, actor=actor, path=source, source=source_note)
    years = f"{stored.years[0]}–{stored.years[1]}" if stored.years else "—"
    console.print(
        f"stored {stored.rows_stored} values: {len(stored.indicators)} indicators,"
        f" {len(stored.regions)} regions, {years} (import {stored.import_id})"
    )


@click.command("list")
@click.option("--json", "as_json", is_flag=True)
@click.pass_context
def list_panels(ctx: click.Context, as_json: bool) -> None:
    """Indicators with stored values and their coverage."""
    with unit_of_work(ctx) as (session, _actor):
        rows = read.coverage(session)
    if as_json:
        click.echo(json.dumps([r.__dict__ for r in rows], ensure_ascii=False, indent=1))
        return
    for r in rows:
        years = f"{r.first_year}–{r.last_year}"
        click.echo(f"{r.indicator_code:<24} {r.unit:<8} {r.regions:>4} regions  {years}")


@click.command("ranking")
@click.argument("indicator")
@click.option("--year", type=int)
@click.option("--json", "as_json", is_flag=True)
@click.pass_context
def ranking(ctx: click.Context, indicator: str, year: int | None, as_json: bool) -> None:
    """Regions ranked by an indicator in a year (the latest by default)."""
    with unit_of_work(ctx) as (session, _actor):
        year_, rows = read.ranking(
            session,
            indicator=indicator,
            year=year,
            higher_is_better=labels.higher_is_better(indicator),
        )
    if as_json:
        click.echo(json.dumps({"year": year_, "rows": rows}, ensure_ascii=False))
        return
    click.echo(f"{indicator} in {year_}")
    for i, (code, value) in enumerate(rows, 1):
        click.echo(f"{i:>3}  {regions.label(code, 'en'):<28} {value:.6g}")


@click.command("index")
@click.option(
    "--indicator", "codes", multiple=True, required=True, help="Repeat for each indicator."
)
@click.option("--year", type=int, required=True)
@click.option(
    "--weighting", type=click.Choice(["entropy", "equal"]), default="entropy", show_default=True
)
@click.option("--draws", type=click.IntRange(10, 100_000), default=1000, show_default=True)
@click.option("--json", "as_json", is_flag=True)
@click.pass_context
def composite_index(
    ctx: click.Context, codes: tuple[str, ...], year: int, weighting: str, draws: int, as_json: bool
) -> None:
    """A composite index of stored indicators with Monte Carlo rank intervals."""
    from labline.indicators.service.index import build_index

    with unit_of_work(ctx) as (session, _actor):
        result = build_index(
            session,
            indicators=list(codes),
            year=year,
            weighting=weighting,  # type: ignore[arg-type]
            draws=draws,
        )
    if as_json:
        click.echo(
            json.dumps(
                {
                    "year": result.year,
                    "weights": result.weights,
                    "rows": [r.__dict__ for r in result.rows],
                },
                ensure_ascii=False,
            )
        )
        return
    click.echo(
        f"{year}, {weighting} weights: "
        + ", ".join(f"{c} {w:.3f}" for c, w in zip(result.indicators, result.weights, strict=True))
    )
    for r in result.rows:
        click.echo(
            f"{r.rank:>3}  {regions.label(r.region_code, 'en'):<28} {r.score:7.2f}"
            f"   rank {r.rank_low:.0f}–{r.rank_high:.0f}"
        )


@click.command("live")
@click.option("--year", type=int, default=None, help="Calendar year (default: this year).")
@click.option("--store", "store_them", is_flag=True, help="File them in the stored panel.")
@click.option("--json", "as_json", is_flag=True)
@click.pass_context
def live(ctx: click.Context, year: int | None, store_them: bool, as_json: bool) -> None:
    """Indicators computed from labline's own records (facilities, market, review)."""

    from labline.indicators.service import live as live_service

    year = year or clock.now().year
    # The module records' providers, handed in by the root command (labline.cli.Context).
    providers = ctx.find_root().obj.live_figures
    with unit_of_work(ctx) as (session, actor):
        figures = live_service.live_figures(session, actor=actor, year=year, providers=providers)
        stored = (
            live_service.store_live(session, actor=actor, year=year, providers=providers)
            if store_them
            else None
        )
    if as_json:
        click.echo(json.dumps([f.__dict__ for f in figures], ensure_ascii=False, indent=1))
    else:
        for f in figures:
            click.echo(
                f"{f.indicator:<26} {regions.label(f.region, 'en'):<24} {f.value:>14,.2f} {f.unit}"
            )
    if stored is not None:
        console.print(f"stored {stored.rows_stored} values for {year} (import {stored.import_id})")
