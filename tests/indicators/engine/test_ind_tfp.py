from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from labline.indicators.engine.tfp import (
    complete_rows,
    perpetual_inventory,
    solow_residual,
    tornqvist_tfp,
)
from labline.indicators.errors import NonPositiveForLog, YearGap

COLS = ["rgdpna", "rkna", "emp", "hc", "labsh", "rtfpna"]


def _pwt(path):
    frame = pd.read_csv(path)
    return complete_rows(frame=frame, columns=COLS)


def test_reproduces_pwt_extract(extract_dir):
    data = _pwt(extract_dir / "pwt1001_extract.csv")
    result = tornqvist_tfp(frame=data, region="countrycode")
    assert np.abs(result["tfp"] - data["rtfpna"]).max() < 1e-6


def test_reproduces_pwt_full_file(shared_data):
    data = _pwt(shared_data / "pwt1001_growth.csv")
    result = tornqvist_tfp(frame=data, region="countrycode")
    has_hours = data["avh"].notna()
    grouped = data.groupby("countrycode")
    # Year-on-year TFP growth: every pair of years where PWT publishes hours.
    both = has_hours & grouped["avh"].shift().notna()
    published = np.log(data["rtfpna"]) - np.log(grouped["rtfpna"].shift())
    assert both.sum() > 3000
    assert (result["dln_tfp"] - published)[both].abs().max() < 1e-6
    # Levels (2017 = 1): every country-year with published hours, except the three
    # economies whose hours stop before 2017 (JAM 2002, TTO 2002, VEN 2006). For those PWT
    # extrapolates hours with a regional trend it does not publish (their implied hours
    # growth after 2006 is identical), so only their year-on-year growth is reproducible.
    last_hours = data[has_hours].groupby("countrycode")["year"].max()
    stops_early = set(last_hours[last_hours < 2017].index)
    assert stops_early == {"JAM", "TTO", "VEN"}
    linked = has_hours & ~data["countrycode"].isin(stops_early)
    assert linked.sum() == 3052
    assert (result["tfp"] - data["rtfpna"])[linked].abs().max() < 1e-6


def test_decomposition_adds_up(extract_dir):
    result = tornqvist_tfp(frame=_pwt(extract_dir / "pwt1001_extract.csv"), region="countrycode")
    parts = result[["capital", "labour", "human_capital", "dln_tfp"]].sum(axis=1)
    ok = result["dln_output"].notna()
    assert np.allclose(parts[ok], result["dln_output"][ok], atol=1e-12)


def test_interior_hours_gap_is_interpolated(shared_data):
    # Taiwan lacks avh for 2014 only; PWT interpolates it linearly.
    data = _pwt(shared_data / "pwt1001_growth.csv")
    twn = data[data["countrycode"] == "TWN"].reset_index(drop=True)
    result = tornqvist_tfp(frame=twn, region="countrycode")
    assert np.abs(result["tfp"] - twn["rtfpna"]).max() < 1e-6


def test_year_gap_is_named(extract_dir):
    data = _pwt(extract_dir / "pwt1001_extract.csv")
    data = data[~((data["countrycode"] == "DEU") & (data["year"] == 2005))]
    with pytest.raises(YearGap, match=r"'DEU'.*2004 and 2006"):
        tornqvist_tfp(frame=data, region="countrycode")


def test_non_positive_is_named(extract_dir):
    data = _pwt(extract_dir / "pwt1001_extract.csv")
    data.loc[(data["countrycode"] == "KOR") & (data["year"] == 2010), "rkna"] = -1.0
    with pytest.raises(NonPositiveForLog, match=r"rkna for 'KOR' in 2010"):
        tornqvist_tfp(frame=data, region="countrycode")


def test_solow_residual_hand_computed():
    frame = pd.DataFrame(
        {"country": ["A", "A"], "year": [2000, 2001], "Y": [100.0, 110.0], "K": [200.0, 210.0]}
    ).assign(L=[50.0, 51.0])
    result = solow_residual(frame=frame, capital_share=0.3)
    expected = np.log(1.1) - 0.3 * np.log(1.05) - 0.7 * np.log(51 / 50)
    assert result["dln_tfp"].iloc[1] == pytest.approx(expected, abs=1e-15)


def test_perpetual_inventory():
    k = perpetual_inventory(investment=[10.0, 11.0, 12.0], depreciation=0.1, initial_capital=100.0)
    assert k.tolist() == pytest.approx([100.0, 101.0, 102.9])
    steady = perpetual_inventory(investment=[10.0, 10.0, 10.0], depreciation=0.1)
    assert steady.tolist() == pytest.approx([100.0, 100.0, 100.0])
