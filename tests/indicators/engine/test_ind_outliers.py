from __future__ import annotations

import numpy as np
import pytest
from scipy.stats import kurtosis, skew

from labline.indicators.engine.outliers import gii_log, shape, treat_matrix, treat_outliers


def test_shape_matches_spreadsheet_definitions():
    x = np.array([1.0, 2.0, 3.0, 4.0, 10.0, 2.5])
    # Excel SKEW/KURT are the bias-corrected sample statistics.
    assert shape(x) == pytest.approx(
        (skew(x, bias=False), kurtosis(x, fisher=True, bias=False)), abs=1e-12
    )
    n = x.size
    s = x.std(ddof=1)
    excel_skew = n / ((n - 1) * (n - 2)) * (((x - x.mean()) / s) ** 3).sum()
    assert shape(x)[0] == pytest.approx(excel_skew, abs=1e-12)


def test_clean_series_is_untouched():
    x = np.linspace(0, 10, 30)
    result = treat_outliers(values=x)
    assert result.treatment == "none"
    assert np.array_equal(result.values, x)


def test_one_outlier_is_winsorised_to_next_value():
    x = np.r_[np.linspace(9, 11, 40), 30.0]
    result = treat_outliers(values=x)
    assert (result.treatment, result.points) == ("winsorised", 1)
    assert result.values.max() == 11.0


def test_three_outliers_need_three_points():
    x = np.r_[np.linspace(9, 11, 40), 29.0, 30.0, 31.0]
    result = treat_outliers(values=x)
    assert (result.treatment, result.points) == ("winsorised", 3)
    assert np.sort(result.values)[-4:].tolist() == [11.0] * 4


def test_negative_skew_winsorises_the_bottom():
    x = -np.r_[np.linspace(9, 11, 40), 30.0]
    result = treat_outliers(values=x)
    assert result.treatment == "winsorised"
    assert result.values.min() == -11.0


def test_heavy_tail_falls_back_to_gii_log():
    # Eight far outliers: five points of winsorising cannot fix it.
    x = np.r_[np.linspace(1, 2, 60), np.linspace(50, 100, 8)]
    result = treat_outliers(values=x)
    assert result.treatment == "log"
    expected = np.log((x.max() - 1) * (x - x.min()) / (x.max() - x.min()) + 1)
    assert np.allclose(result.values, expected)
    assert result.values.min() == 0.0
    assert result.values.max() == pytest.approx(np.log(x.max()))


def test_gii_log_negative_keeps_order():
    x = np.array([1.0, 90.0, 95.0, 99.0, 100.0])
    y = gii_log(x, positive=False)
    assert np.all(np.diff(y) > 0)


def test_matrix_reports_each_column():
    x = np.column_stack([np.linspace(0, 1, 41), np.r_[np.linspace(9, 11, 40), 30.0]])
    treated, results = treat_matrix(matrix=x)
    assert [r.treatment for r in results] == ["none", "winsorised"]
    assert treated.shape == x.shape
