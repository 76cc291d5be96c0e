"""Indicator methods against published and independent results."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from labline.indicators.errors import NonPositiveForLog, WeightsDoNotSumToOne, YearGap
from labline.indicators.methods import growth, mcda


def _shared_data() -> Path:
    """The workplace's indicator data: $LABLINE_INDICATOR_DATA, ../shared beside the
    checkout, or the workplace's /work/shared (a clone elsewhere still finds it)."""
    candidates = [
        os.environ.get("LABLINE_INDICATOR_DATA"),
        Path(__file__).parents[3] / "shared" / "data" / "indicators",
        Path("/work/shared/data/indicators"),
    ]
    for candidate in candidates:
        if candidate and (Path(candidate) / "pwt1001_growth.csv").exists():
            return Path(candidate)
    return Path(candidates[1])


SHARED = _shared_data()
PWT = SHARED / "pwt1001_growth.csv"


@pytest.fixture(scope="module")
def pwt() -> pd.DataFrame:
    if not PWT.exists():
        pytest.skip(f"Penn World Table extract not found at {PWT}")
    return pd.read_csv(PWT)


def test_tfp_reproduces_pwt_rtfpna_wherever_hours_are_published(pwt):
    result = growth.tornqvist_tfp(pwt)
    published = pwt[["countrycode", "year", "rtfpna"]]
    merged = result.merge(published, left_on=["country", "year"], right_on=["countrycode", "year"])
    with_hours = merged[merged["hours"] & merged["rtfpna"].notna()]
    assert len(with_hours) >= 2900 and with_hours["country"].nunique() >= 50
    assert (with_hours["tfp"] - with_hours["rtfpna"]).abs().max() < 1e-6
    assert np.allclose(result[result["year"] == 2017]["tfp"], 1.0)


def test_decomposition_adds_up(pwt):
    parts = growth.decompose(pwt, country="CHN")
    total = parts[["capital", "labour", "human_capital", "tfp"]].sum(axis=1)
    assert np.allclose(total, parts["output"]) and len(parts) > 40


def test_bad_series_are_named():
    frame = pd.DataFrame(
        {
            "countrycode": "XXX",
            "year": [2016, 2017],
            "rgdpna": [1.0, -2.0],
            "rkna": [1.0, 1.0],
            "emp": [1.0, 1.0],
            "hc": [1.0, 1.0],
            "labsh": [0.5, 0.5],
        }
    )
    with pytest.raises(NonPositiveForLog, match="rgdpna of XXX in 2017"):
        growth.tornqvist_tfp(frame)
    with pytest.raises(YearGap, match="2016–2017"):
        growth.require_consecutive([2015, 2018], country="XXX")


def test_perpetual_inventory_and_solow():
    k = growth.perpetual_inventory(np.array([10.0, 10.0, 10.0]), depreciation=0.1, initial=100.0)
    assert k.tolist() == pytest.approx([100.0, 100.0, 100.0])
    g = growth.solow_residual(
        output=np.array([1.0, np.e]),
        capital=np.array([1.0, 1.0]),
        labour=np.array([1.0, 1.0]),
        capital_share=0.3,
    )
    assert g == pytest.approx([1.0])


def _provincial_matrix() -> tuple[np.ndarray, np.ndarray]:
    frames = []
    for name in ("china_RDIntense.csv", "china_RDActivity.csv", "china_RDPatentValid.csv"):
        path = SHARED / name
        if not path.exists():
            pytest.skip(f"{path} not found")
        frames.append(pd.read_csv(path))
    panel = pd.concat(frames)
    panel = panel[(panel["year"] == 2022) & (panel["province"] != "全国")]
    wide = panel.pivot_table(
        index="province", columns="variables", values="value", aggfunc="first"
    ).dropna(axis=1)
    assert wide.shape[0] == 31 and wide.shape[1] >= 5
    return wide.to_numpy(dtype=float), np.ones(wide.shape[1], dtype=bool)


def test_entropy_topsis_matches_pymcdm_on_the_provincial_panel():
    from pymcdm import weights as pw
    from pymcdm.methods import TOPSIS
    from pymcdm.normalizations import minmax_normalization

    matrix, benefit = _provincial_matrix()
    ours_w, ours_scores = mcda.entropy_topsis(matrix, benefit)
    norm = np.column_stack(
        [minmax_normalization(matrix[:, j], cost=not benefit[j]) for j in range(matrix.shape[1])]
    )
    # The same translation by 1e-4 that keeps log(0) out of the entropy (stated, not hidden).
    ref_w = pw.entropy_weights(norm + mcda.ENTROPY_SHIFT)
    ref_scores = TOPSIS(normalization_function=lambda x, cost: x)(
        norm, ref_w, np.ones(matrix.shape[1])
    )
    np.testing.assert_allclose(ours_w, ref_w, atol=1e-9)
    np.testing.assert_allclose(ours_scores, ref_scores, atol=1e-9)


def test_weights_must_sum_to_one():
    with pytest.raises(WeightsDoNotSumToOne, match=r"sum to 0\.9"):
        mcda.topsis(np.eye(3), np.array([0.3, 0.3, 0.3]))


def test_tfp_command(tmp_path, pwt):
    from click.testing import CliRunner

    from labline.cli import cli

    out = tmp_path / "tfp.csv"
    done = CliRunner().invoke(
        cli,
        [
            "--data-dir",
            str(tmp_path),
            "indicators",
            "tfp",
            "--input",
            str(PWT),
            "--format",
            "pwt",
            "--output",
            str(out),
        ],
    )
    assert done.exit_code == 0, done.output
    written = pd.read_csv(out)
    assert list(written.columns) == ["country", "year", "tfp"]
    usa = written[(written["country"] == "USA") & (written["year"] == 2010)]["tfp"].iloc[0]
    published = pwt[(pwt["countrycode"] == "USA") & (pwt["year"] == 2010)]["rtfpna"].iloc[0]
    assert usa == pytest.approx(published, abs=1e-6)
