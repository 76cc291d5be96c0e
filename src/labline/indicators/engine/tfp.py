"""Growth accounting: Törnqvist TFP (PWT's rtfpna), Solow residual, perpetual inventory.

PWT defines Δln A = Δln Y − (1−ā)·Δln K − ā·Δln(emp·avh·hc), ā the mean of this and last
year's labour share, chained and normalised to base year = 1. A year missing inside a
country's published hours is linearly interpolated; outside the published span (and for a
country without hours at all) hours move as the reference economy's do (PWT 10 uses the
United States: the published rtfpna of Jamaica, Trinidad and Tobago and Venezuela, whose
hours stop in 2002–2006, and of every country without hours, imply exactly the US change in
hours). Without the reference in the table, such years hold hours constant.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from labline.indicators.errors import (
    InvalidParameter,
    MissingBaseYear,
    MissingColumn,
    NonPositiveForLog,
    YearGap,
)

if TYPE_CHECKING:
    import pandas as pd


REQUIRED = ("output", "capital", "employment", "human_capital", "labour_share")


def _checked(
    frame: pd.DataFrame, *, region: str, year: str, columns: dict[str, str]
) -> pd.DataFrame:
    for col in [region, year, *columns.values()]:
        if col not in frame.columns:
            raise MissingColumn(column=col, where="growth input")
    data = frame.sort_values([region, year]).reset_index(drop=True)
    for role, col in columns.items():
        if role == "labour_share":
            continue
        bad = data[col].notna() & (data[col] <= 0)
        if bad.any():
            row = data.loc[bad.idxmax()]
            raise NonPositiveForLog(
                field=col, region=str(row[region]), year=int(row[year]), value=float(row[col])
            )
    step = data.groupby(region, sort=False)[year].diff()
    gaps = step.notna() & (step != 1)
    if gaps.any():
        i = int(gaps.idxmax())
        raise YearGap(
            region=str(data.at[i, region]),
            after=int(data.at[i - 1, year]),
            before=int(data.at[i, year]),
        )
    return data


def _dlog(data: pd.DataFrame, *, region: str, col: str) -> pd.Series:
    logs = np.log(data[col].astype(float))
    return logs - logs.groupby(data[region], sort=False).shift()


def tornqvist_tfp(
    *,
    frame: pd.DataFrame,
    region: str = "country",
    year: str = "year",
    output: str = "rgdpna",
    capital: str = "rkna",
    employment: str = "emp",
    hours: str | None = "avh",
    human_capital: str = "hc",
    labour_share: str = "labsh",
    base_year: int = 2017,
    hours_reference: str | None = "USA",
) -> pd.DataFrame:
    """TFP level per region and year (base year = 1) with growth decomposition.

    `hours_reference` names the region (a value of the `region` column) whose change in
    hours stands in for a region's years outside its published hours, as PWT does.

    Rows must be consecutive years per region with all required inputs present
    (drop leading/trailing incomplete years first, e.g. with `complete_rows`).
    Returns region, year, tfp, dln_output and the contributions of capital, labour
    (employment and hours), human capital and TFP; contributions sum to dln_output.
    """
    import pandas as pd

    cols = {
        "output": output,
        "capital": capital,
        "employment": employment,
        "human_capital": human_capital,
        "labour_share": labour_share,
    }
    if hours is not None:
        cols["hours"] = hours
    data = _checked(frame, region=region, year=year, columns=cols)
    share = data[labour_share].astype(float)
    a_bar = (share + share.groupby(data[region], sort=False).shift()) / 2
    d_y = _dlog(data, region=region, col=output)
    d_k = _dlog(data, region=region, col=capital)
    d_n = _dlog(data, region=region, col=employment)
    d_hc = _dlog(data, region=region, col=human_capital)
    if hours:
        d_h = _hours_change(data, region=region, year=year, hours=hours, ref=hours_reference)
    else:
        d_h = 0.0 * d_n
    contrib_k = (1 - a_bar) * d_k
    contrib_l = a_bar * (d_n + d_h)
    contrib_hc = a_bar * d_hc
    d_a = d_y - contrib_k - contrib_l - contrib_hc
    first = data.groupby(region, sort=False).cumcount() == 0
    log_a = d_a.where(~first, 0.0).groupby(data[region], sort=False).cumsum()
    base = log_a[data[year] == base_year].groupby(data[region]).first()
    missing = set(data[region]) - set(base.index)
    if missing:
        raise MissingBaseYear(region=str(sorted(missing)[0]), year=base_year)
    tfp = np.exp(log_a - data[region].map(base).astype(float))
    return pd.DataFrame(
        {
            region: data[region],
            year: data[year].astype(int),
            "tfp": tfp,
            "dln_output": d_y,
            "capital": contrib_k,
            "labour": contrib_l,
            "human_capital": contrib_hc,
            "dln_tfp": d_a,
        }
    )


def _hours_change(
    data: pd.DataFrame, *, region: str, year: str, hours: str, ref: str | None
) -> pd.Series:
    """Δln hours per row, by PWT's rule: a gap inside a region's published hours is filled
    by linear interpolation; a year outside them takes the reference region's change (the
    same year's); without one, hours are held constant (Δln avh = 0)."""
    filled = (
        data[hours]
        .astype(float)
        .groupby(data[region], sort=False)
        .transform(lambda s: s.interpolate(method="linear", limit_area="inside"))
    )
    d_h = _dlog(data.assign(**{hours: filled}), region=region, col=hours)
    if ref is not None:
        is_ref = data[region] == ref
        trend = d_h[is_ref].groupby(data.loc[is_ref, year]).first().dropna()
        d_h = d_h.fillna(data[year].map(trend))
    return d_h.fillna(0.0)


def united_states(frame: pd.DataFrame, *, region: str) -> str | None:
    """The region whose change in hours PWT lends to years without hours: the United
    States, by code or by name; None when the table does not hold it."""
    if "countrycode" in frame.columns:
        usa = frame.loc[frame["countrycode"] == "USA", region]
        if len(usa):
            return str(usa.iloc[0])
    names = set(frame[region].astype(str))
    return next(
        (n for n in ("USA", "United States of America", "United States") if n in names), None
    )


def complete_rows(*, frame: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    """Rows where every one of `columns` is present (how PWT-style files are read)."""
    return frame.dropna(subset=columns).reset_index(drop=True)


def solow_residual(
    *,
    frame: pd.DataFrame,
    capital_share: float,
    region: str = "country",
    year: str = "year",
    output: str = "Y",
    capital: str = "K",
    labour: str = "L",
) -> pd.DataFrame:
    """Solow residual with constant capital share α: Δln A = Δln Y − αΔln K − (1−α)Δln L."""
    import pandas as pd

    if not 0 < capital_share < 1:
        raise InvalidParameter(f"capital_share must be in (0, 1), got {capital_share}")
    data = _checked(
        frame, region=region, year=year, columns={"Y": output, "K": capital, "L": labour}
    )
    d_y = _dlog(data, region=region, col=output)
    contrib_k = capital_share * _dlog(data, region=region, col=capital)
    contrib_l = (1 - capital_share) * _dlog(data, region=region, col=labour)
    return pd.DataFrame(
        {
            region: data[region],
            year: data[year].astype(int),
            "dln_output": d_y,
            "capital": contrib_k,
            "labour": contrib_l,
            "dln_tfp": d_y - contrib_k - contrib_l,
        }
    )


def perpetual_inventory(
    *,
    investment: np.ndarray | pd.Series,
    depreciation: float,
    initial_capital: float | None = None,
    initial_growth_years: int = 5,
) -> np.ndarray:
    """Capital stock K_t = (1−δ)K_{t−1} + I_t from real investment.

    Without an initial stock, uses the steady-state start K_0 = I_0 / (g + δ) with g the
    mean investment growth over the first years (Harberger's method, standard in the
    Chinese provincial capital-stock literature).
    """
    inv = np.asarray(investment, dtype=float)
    if not 0 <= depreciation < 1:
        raise InvalidParameter(f"depreciation must be in [0, 1), got {depreciation}")
    if inv.size == 0 or np.isnan(inv).any():
        raise InvalidParameter("investment series is empty or has missing values")
    if initial_capital is None:
        head = inv[: max(2, initial_growth_years + 1)]
        if (head <= 0).any():
            raise InvalidParameter("initial investment must be positive for the steady-state start")
        g = float(np.mean(np.diff(np.log(head)))) if head.size > 1 else 0.0
        if g + depreciation <= 0:
            raise InvalidParameter("growth + depreciation must be positive for the steady state")
        initial_capital = inv[0] / (g + depreciation)
        capital = np.empty_like(inv)
        capital[0] = initial_capital
        start = 1
    else:
        capital = np.empty_like(inv)
        capital[0] = (1 - depreciation) * initial_capital + inv[0]
        start = 1
    for t in range(start, inv.size):
        capital[t] = (1 - depreciation) * capital[t - 1] + inv[t]
    return capital
