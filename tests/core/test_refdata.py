"""The shipped reference data is complete, consistent and reachable through the loader."""

from __future__ import annotations

import ast
import re
import sys
from collections import Counter
from dataclasses import FrozenInstanceError
from pathlib import Path

import pytest

from labline.core import refdata

# GB/T 4754-2017: the divisions (two-digit codes) of each section.
SECTION_RANGES = {
    "A": (1, 5),
    "B": (6, 12),
    "C": (13, 43),
    "D": (44, 46),
    "E": (47, 50),
    "F": (51, 52),
    "G": (53, 60),
    "H": (61, 62),
    "I": (63, 65),
    "J": (66, 69),
    "K": (70, 70),
    "L": (71, 72),
    "M": (73, 75),
    "N": (76, 79),
    "O": (80, 82),
    "P": (83, 83),
    "Q": (84, 85),
    "R": (86, 90),
    "S": (91, 96),
    "T": (97, 97),
}

HAN = re.compile(r"[\u4e00-\u9fff]")


# --- regions -------------------------------------------------------------------------


def test_region_codes_are_unique_six_digit_codes() -> None:
    codes = [r.code for r in refdata.regions()]
    assert len(codes) == len(set(codes))
    assert all(re.fullmatch(r"\d{6}", c) for c in codes)


def test_every_region_parent_exists_and_is_a_province() -> None:
    for r in refdata.regions():
        if r.level == "province":
            assert r.parent_code is None, r
            assert r.code.endswith("0000"), r
            assert r.province_code == r.code
        else:
            assert r.level == "prefecture", r
            assert r.parent_code is not None, r
            parent = refdata.region(r.parent_code)
            assert parent is not None and parent.level == "province", r
            assert r.code[:2] == parent.code[:2], r
            assert r.code.endswith("00") and not r.code.endswith("0000"), r
            assert r.province_code == parent.code


def test_region_names_are_filled_in_both_languages() -> None:
    for r in refdata.regions():
        assert HAN.search(r.name_zh), r
        assert re.fullmatch(r"[A-Z][A-Za-züê' ]+", r.name_en), r


def test_province_and_prefecture_counts() -> None:
    assert len(refdata.provinces()) == 34
    assert len(refdata.prefectures()) >= 300
    assert len(refdata.regions()) == len(refdata.provinces()) + len(refdata.prefectures())
    # Hong Kong, Macao and Taiwan are provincial-level divisions.
    for code in ("810000", "820000", "710000"):
        r = refdata.region(code)
        assert r is not None and r.level == "province"
    # Municipalities are listed without districts.
    for code in ("110000", "120000", "310000", "500000"):
        assert refdata.prefectures(code) == ()
    counts = Counter(r.parent_code for r in refdata.prefectures())
    assert counts["440000"] == 21  # Guangdong
    assert counts["320000"] == 13  # Jiangsu


@pytest.mark.parametrize(
    ("code", "name_zh", "name_en", "parent"),
    [
        ("440300", "深圳市", "Shenzhen", "440000"),
        ("320500", "苏州市", "Suzhou", "320000"),
        ("610100", "西安市", "Xi'an", "610000"),
        ("150000", "内蒙古自治区", "Inner Mongolia", None),
        ("540000", "西藏自治区", "Tibet", None),
        ("650000", "新疆维吾尔自治区", "Xinjiang", None),
        ("110000", "北京市", "Beijing", None),
        ("222400", "延边朝鲜族自治州", "Yanbian Korean Autonomous Prefecture", "220000"),
        ("152900", "阿拉善盟", "Alxa League", "150000"),
    ],
)
def test_region_spot_checks(code: str, name_zh: str, name_en: str, parent: str | None) -> None:
    r = refdata.region(code)
    assert r is not None
    assert (r.name_zh, r.name_en, r.parent_code) == (name_zh, name_en, parent)


def test_abolished_or_unknown_region_codes_are_rejected() -> None:
    # 341400 (Chaohu, abolished 2011) and 371200 (Laiwu, merged into Jinan 2019).
    for code in ("341400", "371200", "000000", "999999", "4403", "", "440300 "):
        assert refdata.region(code) is None
        assert not refdata.is_region_code(code)
    assert refdata.is_region_code("440300")


# --- countries -----------------------------------------------------------------------


def test_country_codes() -> None:
    codes = [c.code for c in refdata.countries()]
    assert len(codes) == len(set(codes)) >= 249
    assert all(re.fullmatch(r"[A-Z]{2}", c) for c in codes)
    for c in refdata.countries():
        assert c.name_en and HAN.search(c.name_zh), c


@pytest.mark.parametrize(
    ("code", "name_zh", "name_en"),
    [("CN", "中国", "China"), ("US", "美国", "United States"), ("DE", "德国", "Germany")],
)
def test_country_spot_checks(code: str, name_zh: str, name_en: str) -> None:
    c = refdata.country(code)
    assert c is not None
    assert (c.name_zh, c.name_en) == (name_zh, name_en)
    assert c.name("en") == name_en and c.name("zh") == name_zh


def test_unknown_country_codes() -> None:
    for code in ("XX", "cn", "CHN", "", "ZZ"):
        assert refdata.country(code) is None
        assert not refdata.is_country_code(code)
    assert refdata.is_country_code("JP")


# --- industries ----------------------------------------------------------------------


def test_industry_codes_are_unique_and_parents_exist() -> None:
    codes = [i.code for i in refdata.industries()]
    assert len(codes) == len(set(codes))
    for i in refdata.industries():
        assert HAN.search(i.name_zh) and i.name_en.isascii(), i
        if i.level == "section":
            assert i.parent_code is None
            continue
        assert i.parent_code is not None, i
        parent = refdata.industry(i.parent_code)
        assert parent is not None, i


def test_industry_levels_match_code_shapes() -> None:
    shape = {"section": r"[A-T]", "division": r"\d{2}", "group": r"\d{3}", "class": r"\d{4}"}
    parent_level = {"division": "section", "group": "division", "class": "group"}
    for i in refdata.industries():
        assert re.fullmatch(shape[i.level], i.code), i
        if i.level in ("group", "class"):
            assert i.parent_code == i.code[:-1], i
        if i.parent_code is not None:
            parent = refdata.industry(i.parent_code)
            assert parent is not None and parent.level == parent_level[i.level], i


def test_divisions_belong_to_the_standard_sections() -> None:
    for d in (i for i in refdata.industries() if i.level == "division"):
        lo, hi = SECTION_RANGES[d.parent_code or ""]
        assert lo <= int(d.code) <= hi, d


def test_industry_counts() -> None:
    counts = Counter(i.level for i in refdata.industries())
    assert counts["section"] == 20
    assert counts["division"] == 97
    assert [s.code for s in refdata.sections()] == list(SECTION_RANGES)
    divisions = sorted(int(i.code) for i in refdata.industries() if i.level == "division")
    assert divisions == list(range(1, 98))
    # Every group of the key divisions is there.
    groups = Counter(i.parent_code for i in refdata.industries() if i.level == "group")
    assert groups["26"] == 8 and groups["27"] == 8 and groups["31"] == 4
    assert groups["36"] == 7 and groups["38"] == 8 and groups["39"] == 9
    assert groups["65"] == 8 and groups["73"] == 5 and groups["75"] == 5


@pytest.mark.parametrize(
    ("code", "name_zh", "level", "parent"),
    [
        ("C", "制造业", "section", None),
        ("M", "科学研究和技术服务业", "section", None),
        ("39", "计算机、通信和其他电子设备制造业", "division", "C"),
        ("65", "软件和信息技术服务业", "division", "I"),
        ("73", "研究和试验发展", "division", "M"),
        ("384", "电池制造", "group", "38"),
        ("3825", "光伏设备及元器件制造", "class", "382"),
        ("3841", "锂离子电池制造", "class", "384"),
        ("3612", "新能源车整车制造", "class", "361"),
        ("3973", "集成电路制造", "class", "397"),
        ("3491", "工业机器人制造", "class", "349"),
    ],
)
def test_industry_spot_checks(code: str, name_zh: str, level: str, parent: str | None) -> None:
    i = refdata.industry(code)
    assert i is not None
    assert (i.name_zh, i.level, i.parent_code) == (name_zh, level, parent)


def test_unknown_industry_codes() -> None:
    for code in ("Z", "c", "00", "98", "3999", "", "382 "):
        assert refdata.industry(code) is None
        assert not refdata.is_industry_code(code)
    assert refdata.is_industry_code("C") and refdata.is_industry_code("3825")


# --- the loader ----------------------------------------------------------------------


def test_loaders_are_cached_and_records_frozen() -> None:
    assert refdata.regions() is refdata.regions()
    assert refdata.industries() is refdata.industries()
    assert refdata.countries() is refdata.countries()
    r = refdata.region("440300")
    assert r is not None
    with pytest.raises(FrozenInstanceError):
        r.name_en = "Shenzhen City"  # type: ignore[misc]
    assert r.name("en") == "Shenzhen" and r.name("zh") == "深圳市"


def test_refdata_imports_only_the_standard_library() -> None:
    assert refdata.__file__ is not None
    tree = ast.parse(Path(refdata.__file__).read_text(encoding="utf-8"))
    imported = {
        (node.module if isinstance(node, ast.ImportFrom) else alias.name).split(".")[0]
        for node in ast.walk(tree)
        if isinstance(node, ast.Import | ast.ImportFrom)
        for alias in node.names
        if isinstance(node, ast.Import) or node.module
    }
    assert imported <= set(sys.stdlib_module_names) | {"__future__"}, imported


def test_province_of_and_region_prefix():
    from labline.core.refdata import province_of, region_prefix

    assert province_of("440305") == "440000"  # Nanshan district, Shenzhen → Guangdong
    assert province_of(None, "de") == "DE" and province_of("12", None) == "??"
    assert region_prefix("440000") == "44" and region_prefix("440300") == "4403"
    assert region_prefix("440305") == "440305"
