"""Growth accounting: the Törnqvist TFP index as the Penn World Table computes it, the
Solow residual with a fixed share, perpetual-inventory capital, and the decomposition of
output growth into capital, labour, human capital and TFP.

PWT's rtfpna (2017 = 1) is a Törnqvist index:
    Δln A = Δln rgdpna − (1 − ā)·Δln rkna − ā·Δln(emp·avh·hc),
with ā the mean of this and last year's labour share (labsh). Reproduced to ~1e-7.
"""

from __future__ import annotations

from collections.abc import Iterable
from itertools import pairwise

import numpy as np
import pandas as pd

from labline.indicators.errors import MissingColumns, NonPositiveForLog, YearGap

PWT_COLUMNS = ("countrycode", "year", "rgdpna", "rkna", "emp", "hc", "labsh")
BASE_YEAR = 2017


def _check_columns(frame: pd.DataFrame, columns: Iterable[str]) -> None:
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise MissingColumns(f"missing columns: {', '.join(missing)}", field="input")


def _log(series: pd.Series, name: str, country: str) -> pd.Series:
    bad = series[series <= 0]
    if not bad.empty:
        year = int(bad.index[0])
        raise NonPositiveForLog(
            f"{name} of {country} in {year} is {bad.iloc[0]}; growth needs positive values",
            field=name,
        )
    return np.log(series)


def tornqvist_tfp(
    frame: pd.DataFrame, *, base_year: int = BASE_YEAR, use_hours: bool = True
) -> pd.DataFrame:
    """TFP index per country and year (base year = 1), from PWT-style columns.

    Years where an input is missing end a country's chain; the chain that contains the
    base year is reported. With `use_hours`, labour is emp·avh·hc when the base year
    publishes hours (the chain then needs them in every year), else emp·hc.
    """
    _check_columns(frame, PWT_COLUMNS)
    out = []
    for country, data in frame.sort_values("year").groupby("countrycode", sort=True):
        data = data.set_index("year")
        complete = data[["rgdpna", "rkna", "emp", "hc", "labsh"]].notna().all(axis=1)
        hours = use_hours and "avh" in data.columns
        if hours:
            with_hours = complete & data["avh"].notna()
            # Hours are used when the base year has them; the chain then needs them throughout.
            complete, hours = (
                (with_hours, True) if with_hours.get(base_year, False) else (complete, False)
            )
        chain = _chain_around(complete, base_year)
        if chain is None:
            continue
        d = data.loc[chain]
        labour = d["emp"] * (d["avh"] if hours else 1.0) * d["hc"]
        ly = _log(d["rgdpna"], "rgdpna", str(country))
        lk = _log(d["rkna"], "rkna", str(country))
        ll = _log(labour, "labour", str(country))
        share = (d["labsh"] + d["labsh"].shift(1)) / 2
        dlna = ly.diff() - (1 - share) * lk.diff() - share * ll.diff()
        lna = dlna.fillna(0.0).cumsum()
        tfp = np.exp(lna - lna.loc[base_year])
        out.append(
            pd.DataFrame(
                {
                    "country": country,
                    "year": tfp.index.astype(int),
                    "tfp": tfp.values,
                    "hours": hours,
                }
            )
        )
    if not out:
        return pd.DataFrame(columns=["country", "year", "tfp", "hours"])
    return pd.concat(out, ignore_index=True)


def _chain_around(complete: pd.Series, base_year: int) -> list[int] | None:
    """The run of consecutive complete years that contains the base year."""
    if not complete.get(base_year, False):
        return None
    years = sorted(int(y) for y, ok in complete.items() if ok)
    start = end = years.index(base_year)
    while start > 0 and years[start - 1] == years[start] - 1:
        start -= 1
    while end < len(years) - 1 and years[end + 1] == years[end] + 1:
        end += 1
    return years[start : end + 1]


def require_consecutive(years: Iterable[int], *, country: str) -> None:
    ys = sorted(years)
    for a, b in pairwise(ys):
        if b != a + 1:
            raise YearGap(
                f"{country}: no data for {a + 1}–{b - 1}; growth needs consecutive years",
                field="year",
            )


def solow_residual(
    *, output: np.ndarray, capital: np.ndarray, labour: np.ndarray, capital_share: float
) -> np.ndarray:
    """Growth of TFP each year with a fixed capital share α: Δln Y − α Δln K − (1−α) Δln L."""
    if not 0 < capital_share < 1:
        raise NonPositiveForLog("capital_share must be between 0 and 1", field="capital_share")
    for name, series in (("output", output), ("capital", capital), ("labour", labour)):
        if np.any(np.asarray(series) <= 0):
            raise NonPositiveForLog(
                f"{name} has a value ≤ 0; growth needs positive values", field=name
            )
    return (
        np.diff(np.log(output))
        - capital_share * np.diff(np.log(capital))
        - (1 - capital_share) * np.diff(np.log(labour))
    )


def perpetual_inventory(
    investment: np.ndarray,
    *,
    depreciation: float,
    initial: float | None = None,
    growth: float | None = None,
) -> np.ndarray:
    """Capital K_t = (1 − δ) K_{t−1} + I_t; K_0 = I_0 / (g + δ) unless given."""
    inv = np.asarray(investment, dtype=float)
    if not 0 <= depreciation < 1:
        raise NonPositiveForLog("depreciation must be in [0, 1)", field="depreciation")
    if np.any(~np.isfinite(inv)):
        raise YearGap(
            "investment has a missing year; the inventory needs every year", field="investment"
        )
    if initial is None:
        g = (
            growth
            if growth is not None
            else float(np.mean(np.diff(np.log(inv[:6]))))
            if len(inv) > 1
            else 0.0
        )
        initial = inv[0] / (g + depreciation) if g + depreciation > 0 else inv[0]
    capital = np.empty_like(inv)
    capital[0] = initial
    for t in range(1, len(inv)):
        capital[t] = (1 - depreciation) * capital[t - 1] + inv[t]
    return capital


def decompose(frame: pd.DataFrame, *, country: str) -> pd.DataFrame:
    """Output growth split into capital, labour (hours), human capital and TFP, per year."""
    _check_columns(frame, PWT_COLUMNS)
    d = frame[frame["countrycode"] == country].sort_values("year").set_index("year")
    d = d.dropna(subset=["rgdpna", "rkna", "emp", "hc", "labsh"])
    require_consecutive(d.index, country=country)
    hours = d["avh"] if "avh" in d.columns and d["avh"].notna().all() else 1.0
    share = (d["labsh"] + d["labsh"].shift(1)) / 2
    gy = _log(d["rgdpna"], "rgdpna", country).diff()
    cap = (1 - share) * _log(d["rkna"], "rkna", country).diff()
    lab = share * _log(d["emp"] * hours, "labour", country).diff()
    hum = share * _log(d["hc"], "hc", country).diff()
    return pd.DataFrame(
        {
            "output": gy,
            "capital": cap,
            "labour": lab,
            "human_capital": hum,
            "tfp": gy - cap - lab - hum,
        }
    ).dropna()
