"""Growth accounting on an uploaded PWT-style table: TFP levels (Törnqvist, base year = 1)
and the split of output growth into capital, labour, human capital and TFP."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from labline import i18n
from labline.errors import FieldError, InvalidInput

PWT_COLUMNS = ["rgdpna", "rkna", "emp", "hc", "labsh"]
PARTS = ("capital", "labour", "human_capital", "dln_tfp")


@dataclass(frozen=True)
class GrowthRow:
    country: str
    year: int
    tfp: float
    dln_output: float | None
    capital: float | None
    labour: float | None
    human_capital: float | None
    dln_tfp: float | None


@dataclass(frozen=True)
class Averages:
    """Average annual log growth (× 100, ≈ per cent) over a span of years."""

    country: str
    first_year: int
    last_year: int
    output: float
    capital: float
    labour: float
    human_capital: float
    tfp: float


def read_table(path: Path) -> Any:
    import pandas as pd

    try:
        if path.suffix.lower() in (".xlsx", ".xlsm"):
            return pd.read_excel(path)
        return pd.read_csv(path)
    except Exception as exc:  # any parser error is the file's fault: say so
        raise InvalidInput(
            f"{path.name} could not be read as CSV or Excel: {exc}",
            fields=[FieldError("file", "a CSV or Excel table with a header row")],
        ) from None


def growth_accounting(path: Path, *, base_year: int = 2017) -> list[GrowthRow]:
    from labline.indicators.engine.tfp import complete_rows, tornqvist_tfp, united_states

    frame = read_table(path)
    region = "country" if "country" in frame.columns else "countrycode"
    missing = [c for c in [region, "year", *PWT_COLUMNS] if c not in frame.columns]
    if missing:
        raise InvalidInput(
            i18n.gettext(
                "The table %(name)s lacks the columns %(missing)s; it needs country (or"
                " countrycode), year and %(needed)s.",
                name=path.name,
                missing=", ".join(missing),
                needed=", ".join(PWT_COLUMNS),
            ),
            fields=[FieldError("file", f"needs columns country, year, {', '.join(PWT_COLUMNS)}")],
        )
    data = complete_rows(frame=frame, columns=[region, "year", *PWT_COLUMNS])
    if data.empty:
        raise InvalidInput(
            f"{path.name} has no row with every input filled in.",
            fields=[FieldError("file", "no complete rows")],
        )
    # Hours are optional: without them labour is persons employed, as in older PWT files.
    hours = "avh" if "avh" in frame.columns else None
    result = tornqvist_tfp(
        frame=data,
        region=region,
        base_year=base_year,
        hours=hours,
        hours_reference=united_states(data, region=region),
    )

    def num(value: Any) -> float | None:
        return None if value != value else float(value)  # NaN → None

    return [
        GrowthRow(
            country=str(r[region]),
            year=int(r["year"]),
            tfp=float(r["tfp"]),
            dln_output=num(r["dln_output"]),
            capital=num(r["capital"]),
            labour=num(r["labour"]),
            human_capital=num(r["human_capital"]),
            dln_tfp=num(r["dln_tfp"]),
        )
        for r in result.to_dict("records")
    ]


def averages(
    rows: list[GrowthRow], *, first_year: int | None = None, last_year: int | None = None
) -> list[Averages]:
    """Each country's average contributions over the growth years in the span."""
    by: dict[str, list[GrowthRow]] = {}
    for r in rows:
        if r.dln_output is None:
            continue
        if (first_year and r.year <= first_year) or (last_year and r.year > last_year):
            continue  # a growth year t covers t−1 → t
        by.setdefault(r.country, []).append(r)
    out = []
    for country, rs in by.items():
        n = len(rs)

        def mean(name: str, rs: list[GrowthRow] = rs, n: int = n) -> float:
            return 100 * sum(getattr(r, name) or 0.0 for r in rs) / n

        out.append(
            Averages(
                country=country,
                first_year=min(r.year for r in rs) - 1,
                last_year=max(r.year for r in rs),
                output=mean("dln_output"),
                capital=mean("capital"),
                labour=mean("labour"),
                human_capital=mean("human_capital"),
                tfp=mean("dln_tfp"),
            )
        )
    return sorted(out, key=lambda a: -a.output)
