"""`labline indicators …`: panels stored in labline (methods add their own commands)."""

from __future__ import annotations

from pathlib import Path

import click

from labline.indicators.cli_panels import composite_index, import_panel, list_panels, ranking


@click.group()
def indicators() -> None:
    """Innovation indicators: panels, rankings, composite indices, growth accounting."""


@indicators.command("tfp")
@click.option(
    "--input", "source", required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path)
)
@click.option("--format", "fmt", type=click.Choice(["pwt"]), default="pwt", show_default=True)
@click.option("--output", required=True, type=click.Path(dir_okay=False, path_type=Path))
@click.option("--base-year", default=2017, show_default=True, type=int)
def tfp(source: Path, fmt: str, output: Path, base_year: int) -> None:
    """TFP (Törnqvist, base year = 1) per country and year from a PWT-style CSV."""
    import pandas as pd

    from labline.indicators.methods.growth import tornqvist_tfp

    frame = pd.read_csv(source)
    result = tornqvist_tfp(frame, base_year=base_year)
    output.parent.mkdir(parents=True, exist_ok=True)
    result[["country", "year", "tfp"]].to_csv(output, index=False, float_format="%.10g")
    click.echo(
        f"wrote {len(result)} country-years for {result['country'].nunique()} countries to {output}"
    )


indicators.add_command(import_panel)
indicators.add_command(list_panels)
indicators.add_command(ranking)
indicators.add_command(composite_index)
