"""Units read in the reader's language: no 万元 in the English pages."""

from __future__ import annotations

from labline import i18n
from labline.indicators.unit_labels import unit_label


def test_units_in_english_and_chinese():
    assert unit_label("小时") == "hours"
    assert unit_label("人") == "people"
    assert unit_label("项") == "items"
    assert unit_label("万元") == "10k CNY"
    assert unit_label("亿元") == "100M CNY"
    assert unit_label("件/万人") == "items per 10k people"
    assert unit_label("%") == "%"
    assert unit_label("") == ""
    token = i18n.set_locale("zh")
    try:
        assert unit_label("万元") == "万元"
    finally:
        i18n.reset_locale(token)


def test_every_unit_in_the_shipped_panels_has_english():
    import re
    from pathlib import Path

    src = Path(__file__).parents[2] / "src" / "labline"
    units: set[str] = set()
    for path in src.rglob("*"):
        if path.suffix in {".py", ".json"} and "migrations" not in path.parts:
            text = path.read_text(encoding="utf-8", errors="ignore")
            units |= set(re.findall(r'"unit": "([^"]+)"', text))
    assert units
    for unit in units:
        assert not re.search(r"[\u4e00-\u9fff]", unit_label(unit)), (unit, unit_label(unit))
