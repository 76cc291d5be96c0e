from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from labline.indicators.engine.tfp import (
    complete_rows,
    perpetual_inventory,
    solow_residual,
    tornqvist_tfp,
    united_states,
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
    """Every published rtfpna (6,407 country-years, 3,134 of them with published hours):
    hours missing outside a country's published span move as US hours do, as in PWT."""
    data = _pwt(shared_data / "pwt1001_growth.csv")
    result = tornqvist_tfp(frame=data, region="countrycode")
    has_hours = data["avh"].notna()
    assert has_hours.sum() == 3134 and len(data) == 6407
    assert (result["tfp"] - data["rtfpna"])[has_hours].abs().max() < 1e-6
    assert (np.log(result["tfp"]) - np.log(data["rtfpna"])).abs().max() < 1e-6
    # Jamaica, Trinidad and Tobago and Venezuela, whose hours stop in 2002–2006, included
    # (held constant instead, they were off by up to 1.4% in log).
    last_hours = data[has_hours].groupby("countrycode")["year"].max()
    assert set(last_hours[last_hours < 2017].index) == {"JAM", "TTO", "VEN"}


def test_hours_after_the_published_span_follow_the_us(extract_dir):
    """Jamaica publishes hours until 2002; its 2017-based levels need US hours after it."""
    data = _pwt(extract_dir / "pwt1001_jamaica.csv")
    jam = data["countrycode"] == "JAM"
    assert data.loc[jam & (data["year"] > 2002), "avh"].isna().all()
    result = tornqvist_tfp(frame=data, region="countrycode")
    assert (result["tfp"] - data["rtfpna"])[jam].abs().max() < 1e-6
    # By name too, as the growth service reads a PWT file with a `country` column.
    assert united_states(data, region="country") == "United States of America"
    named = tornqvist_tfp(
        frame=data, region="country", hours_reference=united_states(data, region="country")
    )
    assert (named["tfp"] - data["rtfpna"])[jam].abs().max() < 1e-6


def test_without_the_reference_hours_are_held_constant():
    """Hand-computed: B has no hours; with A as reference B's labour grows with A's hours
    (ln 1.1), without a reference hours are held constant."""
    frame = pd.DataFrame(
        {
            "country": ["A", "A", "B", "B"],
            "year": [2016, 2017, 2016, 2017],
            "rgdpna": [100.0, 110.0, 50.0, 55.0],
            "rkna": [1.0, 1.0, 1.0, 1.0],
            "emp": [10.0, 10.0, 5.0, 5.0],
            "avh": [2000.0, 2200.0, None, None],
            "hc": [2.0, 2.0, 2.0, 2.0],
            "labsh": [0.5, 0.5, 0.5, 0.5],
        }
    )
    lent = tornqvist_tfp(frame=frame, hours_reference="A").set_index(["country", "year"])
    kept = tornqvist_tfp(frame=frame, hours_reference=None).set_index(["country", "year"])
    assert lent.at[("B", 2017), "labour"] == pytest.approx(0.5 * np.log(1.1), abs=1e-12)
    assert kept.at[("B", 2017), "labour"] == 0.0
    assert lent.at[("B", 2017), "dln_tfp"] == pytest.approx(np.log(1.1) * 0.5, abs=1e-12)
    assert united_states(frame, region="country") is None


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
