"""`labline market listing FILE [--json]`: figures (JSON) against the STAR Market standards."""

from __future__ import annotations

from pathlib import Path

import click
from pydantic import ValidationError

from labline.clitools import console, settings_of
from labline.core.access import command_line_actor
from labline.errors import InvalidInput, validation_fields
from labline.market.listing import service
from labline.market.listing.schemas import ListingFigures


@click.command("listing")
@click.argument("source", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--json", "as_json", is_flag=True)
@click.pass_context
def listing(ctx: click.Context, source: Path, as_json: bool) -> None:
    """Check a company's figures (a JSON object in yuan: market_value, revenue_last_year,
    revenue_last_3_years, rd_last_3_years, net_profit_last_year, net_profit_previous_year,
    operating_cash_flow_last_3_years, pharmaceutical, core_products_in_phase2,
    technology_advantage) against each SSE STAR Market listing standard (rules 2.1.2)."""
    try:
        figures = ListingFigures.model_validate_json(source.read_bytes())
    except ValidationError as exc:
        raise InvalidInput(
            "The figures are not valid.", fields=validation_fields(exc.errors())
        ) from None
    result = service.readiness(
        actor=command_line_actor("cli"), figures=figures, data_dir=settings_of(ctx).data_dir
    )
    if as_json:
        click.echo(result.model_dump_json())
        return
    for s in result.standards:
        console.print(f"standard {s.standard}: {'MET' if s.met else 'not met'}  ({s.article})")
        for a in s.alternatives:
            for c in a.criteria:
                shown = "—" if c.value is None else f"{c.value:,}"
                gap = "" if c.met else f"  gap {c.gap:,} {c.unit}"
                console.print(
                    f"   {a.alternative} {c.criterion:<34} {shown:>20} {c.operator} "
                    f"{c.threshold:,} {c.unit}{gap}"
                )
    console.print(f"met: {', '.join(map(str, result.met)) or 'none'}")
