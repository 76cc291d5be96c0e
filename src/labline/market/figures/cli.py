"""`labline market report`: the market figures for a period, in total or broken down."""

from __future__ import annotations

import json
from pathlib import Path

import click

from labline.clitools import console, unit_of_work
from labline.market.cliargs import parse_day
from labline.market.figures import service as figures
from labline.tabular import write_rows


@click.command("report")
@click.option("--start", required=True, help="YYYY-MM-DD, first day of the period")
@click.option("--end", required=True, help="YYYY-MM-DD, the day after the period")
@click.option("--region", default=None, help="GB/T 2260 code")
@click.option("--industry", default=None, help="GB/T 4754 code")
@click.option(
    "--by",
    type=click.Choice(list(figures.BREAKDOWNS)),
    default=None,
    help="One row per selling organisation, province or industry division.",
)
@click.option(
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="With --by: write the table (.csv, .xlsx or .json).",
)
@click.option("--json", "as_json", is_flag=True)
@click.pass_context
def report(
    ctx: click.Context,
    start: str,
    end: str,
    region: str | None,
    industry: str | None,
    by: str | None,
    output: Path | None,
    as_json: bool,
) -> None:
    """Contracts, turnover, transformation rate and acceptance rate for a period (in total,
    or --by organisation, region or industry)."""
    first, last = parse_day(start, "--start"), parse_day(end, "--end")
    if output is not None and by is None:
        raise click.UsageError("--output writes a breakdown table: give --by too")
    if by is not None:
        with unit_of_work(ctx) as (session, actor):
            table = figures.breakdown(
                session,
                actor=actor,
                start=first,
                end=last,
                by=by,
                region=region,
                industry=industry,
            )
        _report_table(table, output, as_json)
        return
    with unit_of_work(ctx) as (session, actor):
        f = figures.figures(
            session, actor=actor, start=first, end=last, region=region, industry=industry
        )
    if as_json:
        click.echo(json.dumps(f, ensure_ascii=False, indent=1))
        return
    rate = f["transformation_rate"]
    click.echo(
        f"period                 {f['start']} – {f['end']}  region {region or 'all'}"
        f"  industry {industry or 'all'}"
    )
    click.echo(f"contracts              {f['contracts']}")
    click.echo(f"turnover (yuan)        {f['turnover_cny']:,.2f}")
    click.echo(
        f"transformation rate    {'—' if rate is None else f'{rate:.1%}'}"
        f"  ({f['achievements_with_contract']} of {f['published_achievements']} achievements)"
    )
    click.echo(f"median days to contract {f['median_days_to_contract']}")
    accepted = f["suggestion_acceptance_rate"]
    click.echo(f"suggestion acceptance  {'—' if accepted is None else f'{accepted:.1%}'}")
    for kind, v in f["by_kind"].items():
        click.echo(f"  {kind:<12} {v['contracts']:>5}  {v['turnover_cny']:>16,.2f}")


def _report_table(table: dict[str, object], output: Path | None, as_json: bool) -> None:
    rows: list[dict[str, object]] = table["rows"]  # type: ignore[assignment]
    if output is not None:
        n = write_rows(output, figures.BREAKDOWN_COLUMNS, rows)
        console.print(f"{n} rows written to {output}")
        return
    if as_json:
        click.echo(json.dumps(table, ensure_ascii=False, indent=1))
        return
    click.echo(
        f"{'by ' + str(table['by']):<34} {'contracts':>9} {'turnover (yuan)':>18}"
        f" {'transf.':>8} {'median days':>11}"
    )
    for r in rows:
        rate, days = r["transformation_rate"], r["median_days_to_contract"]
        name = str(r["name_zh"] or r["key"])[:32]
        turnover = "—" if r["turnover_cny"] is None else f"{r['turnover_cny']:,.2f}"
        click.echo(
            f"{name:<34} {r['contracts']:>9} {turnover:>18}"
            f" {'—' if rate is None else f'{rate:.1%}':>8} {'—' if days is None else days:>11}"
        )
    console.print(f"{len(rows)} rows")


COMMANDS = (report,)
