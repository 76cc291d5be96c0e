from __future__ import annotations

import pandas as pd
import pytest

from labline.indicators.engine.china import canonical_province, read_china_provincial
from labline.indicators.engine.panel import import_panel
from labline.indicators.engine.units import factor
from labline.indicators.errors import DuplicateObservation, MixedUnits, UnknownUnit


def test_unit_factors():
    assert factor(source="亿元", target="万元") == 1e4
    assert factor(source="万元", target="yuan") == 1e4
    assert factor(source="%", target="ratio") == 0.01
    with pytest.raises(UnknownUnit):
        factor(source="件", target="万元")


def test_long_import_converts_and_reports():
    frame = pd.DataFrame(
        {
            "region": ["北京", "上海", "天津", "河北"],
            "year": [2022, 2022, 2022, "n/a"],
            "indicator": ["rd_spend"] * 4,
            "value": [2843.3, 19815785.0, "—", 1.0],
            "unit": ["亿元", "万元", "万元", "万元"],
        }
    )
    panel, report = import_panel(frame=frame, target_units={"rd_spend": "万元"})
    assert report.read == 4 and report.accepted == 2
    assert [row for row, _ in report.refused] == [4, 5]
    assert "year 'n/a'" in report.refused[1][1] and "value '—'" in report.refused[0][1]
    assert report.converted == [("rd_spend", "亿元", "万元", 1)]
    assert panel.set_index("region").loc["北京", "value"] == pytest.approx(28433000.0)
    assert set(panel["unit"]) == {"万元"}


def test_wide_import_with_units_in_headers():
    frame = pd.DataFrame(
        {
            "region": ["A", "B"],
            "year": [2020, 2020],
            "rd [亿元]": [1.0, 2.0],
            "patents [件]": [3, 4],
        }
    )
    panel, report = import_panel(frame=frame, layout="wide", source="test")
    assert report.accepted == 4
    assert set(zip(panel["indicator"], panel["unit"], strict=True)) == {
        ("rd", "亿元"),
        ("patents", "件"),
    }


def test_mixed_units_named():
    frame = pd.DataFrame(
        {"region": ["A", "B"], "year": [2020, 2020], "indicator": ["x", "x"], "value": [1, 2],
         "unit": ["万元", "件"]}
    )  # fmt: skip
    with pytest.raises(MixedUnits, match=r"'x' has mixed units \['万元', '件'\]"):
        import_panel(frame=frame)


def test_duplicate_region_year_named():
    frame = pd.DataFrame(
        {"region": ["A", "A"], "year": [2020, 2020], "indicator": ["x", "x"], "value": [1, 2]}
    )
    with pytest.raises(DuplicateObservation, match="'x', region 'A', 2020"):
        import_panel(frame=frame)


def test_province_names_cleaned():
    assert canonical_province("北   京") == "北京"
    assert canonical_province("山两") == "山西"
    assert canonical_province("尔部地区") is None


def test_china_reader_on_full_files(shared_data):
    panel, report = read_china_provincial(folder=shared_data)
    assert set(panel["region"]) - {"全国"} == set(
        canonical_province(p) for p in panel["region"]
    ) - {"全国"}
    assert panel["region"].nunique() == 32
    assert len(report.refused) == 4  # the 东部地区 aggregate rows
    rd = panel[(panel["indicator"] == "v4_ztr_jf_RD") & (panel["region"] == "全国")]
    assert rd.set_index("year").loc[2023, "value"] == pytest.approx(33357.1)


def test_excel_wide_file(tmp_path):
    from labline.indicators.engine.pipeline import load_panel

    frame = pd.DataFrame({"region": ["A", "B"], "year": [2021, 2021], "rd [万元]": [10.0, 20.0]})
    frame.to_excel(tmp_path / "panel.xlsx", index=False)
    panel, report = load_panel(path=tmp_path / "panel.xlsx", layout="wide")
    assert report.accepted == 2 and set(panel["unit"]) == {"万元"}
