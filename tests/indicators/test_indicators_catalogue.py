from __future__ import annotations

import pytest

from labline.indicators.catalogue import catalogue, get, parse
from labline.indicators.engine.units import UNITS
from labline.indicators.errors import IndicatorError

STANDARD = {
    "rd_intensity",
    "basic_research_share",
    "high_value_patents_per_10k",
    "tech_contract_turnover",
    "transformation_rate",
    "facility_service_hours",
    "researchers_per_10k_employed",
    "enterprise_share_rd",
    "tech_contract_turnover_gdp",
    "instrument_sharing_rate",
}


def test_ships_the_standard_indicators():
    assert set(catalogue()) >= STANDARD
    rd = get("rd_intensity")
    assert rd.name_zh == "研究与试验发展经费投入强度" and rd.sign == 1
    assert get("energy_per_gdp").sign == -1
    assert get("rd_intensity").name("zh-CN") == rd.name_zh


def test_simple_units_are_convertible():
    simple = {i.unit for i in catalogue().values() if "/" not in i.unit}
    assert simple <= set(UNITS)


def test_bad_entries_refused():
    with pytest.raises(IndicatorError, match="lacks"):
        parse([{"code": "x"}])
    with pytest.raises(IndicatorError, match="not in the catalogue"):
        get("nope")
