"""`labline indicators …`: thin adapters over the indicators library."""

from __future__ import annotations

from pathlib import Path

import click
import numpy as np
import pandas as pd

from labline.indicators.errors import IndicatorError
from labline.indicators.methods.growth import complete_rows, tornqvist_tfp

PWT_COLUMNS = ["rgdpna", "rkna", "emp", "hc", "labsh"]


@click.group("indicators")
def indicators() -> None:
    """Innovation indicators: TFP, entropy-TOPSIS and composite indices."""


@indicators.command("tfp")
@click.option("--input", "input_path", type=click.Path(exists=True, path_type=Path), required=True)
@click.option("--format", "fmt", type=click.Choice(["pwt"]), default="pwt", show_default=True)
@click.option("--output", "output_path", type=click.Path(path_type=Path), required=True)
@click.option("--base-year", type=int, default=2017, show_default=True)
def tfp(input_path: Path, fmt: str, output_path: Path, base_year: int) -> None:
    """Törnqvist TFP (base year = 1) per country and year from a PWT-style CSV."""
    frame = pd.read_csv(input_path)
    try:
        # PWT files carry empty leading years per country; only complete rows enter the chain.
        data = complete_rows(frame=frame, columns=["country", "year", *PWT_COLUMNS])
        result = tornqvist_tfp(frame=data, region="country", base_year=base_year)
    except IndicatorError as exc:
        raise click.ClickException(str(exc)) from exc
    result[["country", "year", "tfp"]].to_csv(output_path, index=False, float_format="%.12g")
    click.echo(f"wrote {len(result)} rows for {result['country'].nunique()} countries")


def _read_matrix(path: Path, region: str, year: int | None) -> pd.DataFrame:
    frame = pd.read_excel(path) if path.suffix in {".xlsx", ".xls"} else pd.read_csv(path)
    if year is not None and "year" in frame.columns:
        frame = frame[frame["year"] == year].drop(columns="year")
    return frame.set_index(region).astype(float)


def _float_array(frame: pd.DataFrame) -> np.ndarray:
    return frame.to_numpy(dtype=float)
