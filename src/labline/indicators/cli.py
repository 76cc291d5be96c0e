"""`labline indicators …`: thin adapters over the indicators library."""

from __future__ import annotations

import json
from pathlib import Path

import click

from labline.indicators.errors import IndicatorError

# numpy/pandas/scipy are imported inside the commands so that `labline --help` and every
# other module's commands stay fast.

PWT_COLUMNS = ["rgdpna", "rkna", "emp", "hc", "labsh"]


@click.group("indicators")
def indicators() -> None:
    """Innovation indicators: TFP, entropy-TOPSIS and composite indices."""


@indicators.command("tfp")
@click.option("--input", "input_path", type=click.Path(exists=True, path_type=Path), required=True)
@click.option("--format", "fmt", type=click.Choice(["pwt"]), default="pwt", show_default=True)
@click.option("--output", "output_path", type=click.Path(path_type=Path), required=True)
@click.option("--base-year", type=int, default=2017, show_default=True)
@click.option(
    "--decomposition",
    "decomposition_path",
    type=click.Path(path_type=Path),
    help="Also write growth split into capital, labour, human capital and TFP.",
)
def tfp(
    input_path: Path,
    fmt: str,
    output_path: Path,
    base_year: int,
    decomposition_path: Path | None,
) -> None:
    """Törnqvist TFP (base year = 1) per country and year from a PWT-style CSV."""
    import pandas as pd

    from labline.indicators.engine.tfp import complete_rows, tornqvist_tfp, united_states

    frame = pd.read_csv(input_path)
    try:
        # PWT files carry empty leading years per country; only complete rows enter the chain.
        data = complete_rows(frame=frame, columns=["country", "year", *PWT_COLUMNS])
        result = tornqvist_tfp(
            frame=data,
            region="country",
            base_year=base_year,
            hours_reference=united_states(data, region="country"),
        )
    except IndicatorError as exc:
        raise click.ClickException(str(exc)) from exc
    result[["country", "year", "tfp"]].to_csv(output_path, index=False, float_format="%.12g")
    if decomposition_path is not None:
        result.drop(columns="tfp").dropna().to_csv(
            decomposition_path, index=False, float_format="%.12g"
        )
    click.echo(f"wrote {len(result)} rows for {result['country'].nunique()} countries")


_LAYOUT = click.Choice(["long", "wide"])


def _fail(exc: IndicatorError) -> click.ClickException:
    return click.ClickException(str(exc))


@indicators.command("import")
@click.option("--input", "input_path", type=click.Path(exists=True, path_type=Path), required=True)
@click.option("--layout", type=_LAYOUT, default="long", show_default=True)
@click.option("--output", "output_path", type=click.Path(path_type=Path), required=True)
def import_(input_path: Path, layout: str, output_path: Path) -> None:
    """Check and convert a panel; print the import report, write the long panel."""
    from labline.indicators.engine.pipeline import load_panel

    try:
        panel, report = load_panel(path=input_path, layout=layout)
    except IndicatorError as exc:
        raise _fail(exc) from exc
    panel.to_csv(output_path, index=False)
    click.echo(report.summary())


@indicators.command("entropy-topsis")
@click.option("--input", "input_path", type=click.Path(exists=True, path_type=Path), required=True)
@click.option("--layout", type=_LAYOUT, default="long", show_default=True)
@click.option("--year", type=int, help="One cross-section; default pools all region-years.")
@click.option("--cost", multiple=True, help="Indicator where lower is better (repeatable).")
@click.option("--shift", type=float, default=1e-4, show_default=True)
@click.option("--output", "output_path", type=click.Path(path_type=Path), required=True)
def entropy_topsis_cmd(
    input_path: Path,
    layout: str,
    year: int | None,
    cost: tuple[str, ...],
    shift: float,
    output_path: Path,
) -> None:
    """Entropy weights + TOPSIS closeness (min–max normalised, shifted by --shift)."""
    from labline.indicators.engine.pipeline import entropy_topsis_table, load_panel

    try:
        panel, _ = load_panel(path=input_path, layout=layout)
        table, weights = entropy_topsis_table(panel=panel, year=year, cost=set(cost), shift=shift)
    except IndicatorError as exc:
        raise _fail(exc) from exc
    table.to_csv(output_path, index=False)
    for code, w in weights.items():
        click.echo(f"{code}\t{w:.6f}")


@indicators.command("index")
@click.option("--input", "input_path", type=click.Path(exists=True, path_type=Path), required=True)
@click.option("--layout", type=_LAYOUT, default="long", show_default=True)
@click.option("--tree", "tree_path", type=click.Path(exists=True, path_type=Path), required=True)
@click.option("--cost", multiple=True, help="Indicator where lower is better (repeatable).")
@click.option("--normalisation", type=click.Choice(["minmax", "zscore", "rank"]), default="minmax")
@click.option("--aggregation", type=click.Choice(["arithmetic", "geometric"]), default="arithmetic")
@click.option("--min-coverage", type=float, default=0.5, show_default=True)
@click.option("--gii-outliers/--no-gii-outliers", default=True, show_default=True)
@click.option("--draws", type=int, default=0, help="Monte Carlo draws for rank intervals.")
@click.option("--seed", type=int, default=0, show_default=True)
@click.option("--output", "output_path", type=click.Path(path_type=Path), required=True)
@click.option("--intervals", "intervals_path", type=click.Path(path_type=Path))
def index_cmd(
    input_path: Path,
    layout: str,
    tree_path: Path,
    cost: tuple[str, ...],
    normalisation: str,
    aggregation: str,
    min_coverage: float,
    gii_outliers: bool,
    draws: int,
    seed: int,
    output_path: Path,
    intervals_path: Path | None,
) -> None:
    """Composite index over a hierarchy (JSON), with coverage gaps and rank intervals."""
    from rich.progress import Progress

    from labline.indicators.engine.pipeline import build_index, load_panel

    try:
        panel, _ = load_panel(path=input_path, layout=layout)
        with Progress(transient=True) as bar:
            task = bar.add_task("Monte Carlo", total=max(draws, 1), visible=draws > 0)
            result = build_index(
                panel=panel,
                tree_spec=json.loads(tree_path.read_text(encoding="utf-8")),
                cost=set(cost),
                normalisation=normalisation,  # type: ignore[arg-type]
                aggregation=aggregation,  # type: ignore[arg-type]
                min_coverage=min_coverage,
                gii_outliers=gii_outliers,
                draws=draws,
                seed=seed,
                progress=lambda n: bar.advance(task, n),
            )
    except IndicatorError as exc:
        raise _fail(exc) from exc
    result.scores.to_csv(output_path, index=False)
    for note in result.notes:
        click.echo(note)
    if intervals_path is not None and result.intervals is not None:
        result.intervals.to_csv(intervals_path, index=False)


# Panels stored in labline's database (the commands above work on files).
from labline.indicators.cli_panels import (  # noqa: E402
    composite_index,
    import_panel,
    list_panels,
    live,
    ranking,
)

indicators.add_command(import_panel, name="store")
indicators.add_command(list_panels, name="list")
indicators.add_command(ranking, name="ranking")
indicators.add_command(composite_index, name="stored-index")
indicators.add_command(live, name="live")
