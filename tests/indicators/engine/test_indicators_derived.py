from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from labline.indicators.engine.derived import ratio
from labline.indicators.errors import IndicatorError


def test_rd_intensity_matches_published_oecd_msti(shared_data):
    # NCSES/OECD MSTI table: GERD and GDP in current PPP dollars, and the published ratio.
    raw = pd.read_csv(shared_data / "ncses_10978.csv", dtype=str)
    cols = list(raw.columns)
    country, l1, l2, l3 = cols[2], cols[3], cols[4], cols[5]
    money = raw[raw[l2] == "Current PPP dollars"]
    panel = pd.DataFrame(
        {"region": money[country], "year": money[l3], "indicator": money[l1],
         "value": money["value"].astype(float)}
    )  # fmt: skip
    published = raw[raw[l1].str.strip() == "GERD-to-GDP ratio (%)"]
    published = published.assign(year=published[l2], value=published["value"].astype(float))
    ours = ratio(panel=panel, numerator="GERD", denominator="GDP", code="rd_intensity")
    merged = ours.merge(published[[country, "year", "value"]], left_on=["region", "year"],
                        right_on=[country, "year"], suffixes=("", "_published"))  # fmt: skip
    inputs = panel.pivot_table(index=["region", "year"], columns="indicator", values="value")
    merged = merged.merge(inputs.reset_index(), on=["region", "year"])
    assert len(merged) == 149
    # GERD and GDP are published rounded to ±0.005 bn and the ratio to ±0.005 %: every
    # country-year must agree within what that rounding allows.
    gerd, gdp = merged["GERD"], merged["GDP"]
    bound = 0.005 + 100 * (0.005 / gdp + gerd * 0.005 / gdp**2)
    assert (np.abs(merged["value"] - merged["value_published"]) <= bound + 1e-12).all()


def test_zero_denominator_is_named():
    panel = pd.DataFrame(
        {"region": ["A", "A"], "year": [2020, 2020], "indicator": ["x", "y"], "value": [1.0, 0.0]}
    )
    with pytest.raises(IndicatorError, match="y is 0 for 'A' in 2020"):
        ratio(panel=panel, numerator="x", denominator="y", code="share")
