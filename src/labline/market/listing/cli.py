"""`labline market listing FILE [--json]`: figures (JSON) against the STAR Market standards;
`labline market listing-figures record|show ORG`: a company's kept figures."""

from __future__ import annotations

import json
from pathlib import Path

import click
from pydantic import ValidationError

from labline.clitools import console, settings_of, unit_of_work
from labline.core.access import command_line_actor
from labline.errors import FieldError, InvalidInput, validation_fields
from labline.market.listing import service
from labline.market.listing.schemas import ListingEntryCreate, ListingFigures, ReadinessRead

AS = click.option("--as", "as_email", default=None, help="Act as this person (default: operator).")


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
    _print(result)


def _print(result: ReadinessRead) -> None:
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


@click.group("listing-figures")
def listing_figures() -> None:
    """A company's listing figures, kept per period with who entered them (history kept)."""


@listing_figures.command("record")
@click.argument("organisation_id", type=int)
@click.argument("source", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--period-end", default=None, help="YYYY-MM-DD: the last day of the years covered")
@AS
@click.pass_context
def record(
    ctx: click.Context,
    organisation_id: int,
    source: Path,
    period_end: str | None,
    as_email: str | None,
) -> None:
    """Keep a company's figures (a JSON object as for `listing`, with period_end, or give
    --period-end) and show them against each standard."""
    try:
        raw = json.loads(source.read_bytes())
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InvalidInput(
            "The file is not JSON.", fields=[FieldError("file", f"not JSON: {exc}")]
        ) from None
    if not isinstance(raw, dict):
        raise InvalidInput(
            "The figures are one JSON object.", fields=[FieldError("file", "not an object")]
        )
    if period_end is not None:
        raw["period_end"] = period_end
    try:
        data = ListingEntryCreate.model_validate(raw)
    except ValidationError as exc:
        raise InvalidInput(
            "The figures are not valid.", fields=validation_fields(exc.errors())
        ) from None
    with unit_of_work(ctx, as_email=as_email) as (session, actor):
        entry = service.record_figures(
            session, actor=actor, organisation_id=organisation_id, data=data
        )
        page = service.organisation_readiness(
            session,
            actor=actor,
            organisation_id=organisation_id,
            data_dir=settings_of(ctx).data_dir,
        )
    console.print(f"entry {entry.id}: years ending {entry.period_end} ({len(page.history)} kept)")
    if page.readiness is not None:
        _print(page.readiness)


@listing_figures.command("show")
@click.argument("organisation_id", type=int)
@click.option("--json", "as_json", is_flag=True)
@AS
@click.pass_context
def show(ctx: click.Context, organisation_id: int, as_json: bool, as_email: str | None) -> None:
    """The company's latest figures against each standard, and the entries kept."""
    with unit_of_work(ctx, as_email=as_email, write=False) as (session, actor):
        page = service.organisation_readiness(
            session,
            actor=actor,
            organisation_id=organisation_id,
            data_dir=settings_of(ctx).data_dir,
        )
    if as_json:
        click.echo(page.model_dump_json())
        return
    for e in page.history:
        console.print(
            f"{e.id:>5} years ending {e.period_end}  market value {e.market_value:,}"
            f"  entered by {e.entered_by} at {e.created_at:%Y-%m-%d %H:%M}"
        )
    if page.readiness is None:
        console.print("no figures kept yet")
        return
    _print(page.readiness)
