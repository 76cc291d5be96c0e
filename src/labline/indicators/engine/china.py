"""Reader for China's provincial R&D statistics (China Statistical Yearbook on S&T via techme).

The files are long (province, year, chn_block4, value, units, variables). Province names
come from scanned yearbooks: some carry padding spaces ("北   京") or OCR slips ("山两" for
山西); these are mapped to the canonical name and reported, and regional aggregates
(东部地区 …) are refused.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from labline.indicators.engine.panel import ImportReport, import_panel
from labline.indicators.errors import DuplicateObservation

if TYPE_CHECKING:
    import pandas as pd


NATIONAL = "全国"
PROVINCES = [
    "北京", "天津", "河北", "山西", "内蒙古", "辽宁", "吉林", "黑龙江", "上海", "江苏", "浙江",
    "安徽", "福建", "江西", "山东", "河南", "湖北", "湖南", "广东", "广西", "海南", "重庆",
    "四川", "贵州", "云南", "西藏", "陕西", "甘肃", "青海", "宁夏", "新疆",
]  # fmt: skip
OCR_FIXES = {"内蒙占": "内蒙古", "山两": "山西", "两藏": "西藏", "四藏": "西藏", "江四": "江西"}
OCR_FIXES |= {"浙汀": "浙江"}
FILES = [
    "china_RDActivity.csv",
    "china_RDIntense.csv",
    "china_RDLaborHour.csv",
    "china_RDPatentAuthority.csv",
    "china_RDPatentValid.csv",
    "china_RDSource.csv",
]


def canonical_province(name: str) -> str | None:
    """The canonical name, or None for anything that is not a province or the nation."""
    compact = "".join(str(name).split())
    compact = OCR_FIXES.get(compact, compact)
    return compact if compact == NATIONAL or compact in PROVINCES else None


def _merge_repeats(frame: pd.DataFrame) -> tuple[pd.DataFrame, list[str]]:
    """Keep one of a variable published in two files when they agree to rounding (< 1 unit).

    Total R&D spending is in both RDActivity and RDSource; one file rounds to whole 万元.
    """
    key = ["region", "year", "indicator"]
    spread = frame.groupby(key)["value"].agg(lambda v: float(v.max() - v.min()))
    repeated = frame.groupby(key)["value"].transform("size") > 1
    conflicts = spread[spread >= 1.0]
    if len(conflicts):
        (region, year, indicator), _ = next(iter(conflicts.items()))
        raise DuplicateObservation(indicator=str(indicator), region=str(region), year=int(year))
    n = int(repeated.sum() - frame[repeated].drop_duplicates(key).shape[0])
    notes = [f"dropped {n} repeats of a variable published in two files (agree to < 1 unit)"]
    return frame.drop_duplicates(key, keep="first"), notes if n else []


def read_china_provincial(
    *, folder: Path, files: list[str] | None = None
) -> tuple[pd.DataFrame, ImportReport]:
    """All China provincial files in `folder` as one long panel, with one import report.

    The same variable (e.g. v4_zh_nbzc_hj, total R&D spending) appears in two files;
    identical repeats are dropped, conflicting ones raise DuplicateObservation.
    """
    import pandas as pd

    frames = []
    renamed: dict[str, str] = {}
    refused: list[tuple[int, str]] = []
    read = 0
    for name in files or FILES:
        raw = pd.read_csv(folder / name)
        read += len(raw)
        region = raw["province"].map(canonical_province)
        for original, fixed in zip(raw["province"], region, strict=True):
            if pd.notna(fixed) and original != fixed:
                renamed[str(original)] = fixed
        for row in raw.index[region.isna()]:
            refused.append((int(row) + 2, f"{name}: {raw.at[row, 'province']!r} is not a province"))
        frames.append(
            pd.DataFrame(
                {
                    "region": region,
                    "year": raw["year"],
                    "indicator": raw["variables"],
                    "value": raw["value"],
                    "unit": raw["units"],
                    "source": f"{name} (China Statistical Yearbook on S&T, via techme)",
                }
            )[region.notna()]
        )
    combined = pd.concat(frames, ignore_index=True)
    combined, notes = _merge_repeats(combined)
    panel, report = import_panel(frame=combined)
    report.notes = notes
    report.read = read
    report.refused = refused + report.refused
    report.renamed_regions = renamed
    return panel, report


def nqpf_matrix(*, panel: pd.DataFrame) -> pd.DataFrame:
    """A small innovation-capacity matrix per province-year (all benefit indicators).

    Derived shares follow the catalogue definitions: basic-research share of R&D,
    enterprise share of R&D funding, researchers' share of R&D person-years.
    """
    import pandas as pd

    wide = panel[panel["region"] != NATIONAL].pivot_table(
        index=["region", "year"], columns="indicator", values="value", aggfunc="first"
    )
    out = pd.DataFrame(index=wide.index)
    out["rd_intensity"] = wide["v4_ztr_qd_RD"]
    out["rd_expenditure"] = wide["v4_zh_nbzc_hj"]
    out["basic_research_share"] = wide["v4_zh_nbzc_jcyj"] / wide["v4_zh_nbzc_hj"]
    out["enterprise_share_rd"] = wide["v4_zh_nbzc_qyzj"] / wide["v4_zh_nbzc_hj"]
    out["rd_person_years"] = wide["v4_zh_qsdl_hj"]
    out["researcher_share"] = wide["v4_zh_qsdl_yjry"] / wide["v4_zh_qsdl_hj"]
    out["invention_applications"] = wide["v4_cg_zlsq2_fm"]
    out["valid_invention_patents"] = wide["v4_cg_zlsyx_fm"]
    return out


# Catalogue indicators computed from the yearbook's variables: code -> (numerator,
# denominator or None, factor, unit). Shares are percentages of total R&D spending.
CATALOGUE_FIGURES: dict[str, tuple[str, str | None, float, str]] = {
    "rd_intensity": ("v4_ztr_qd_RD", None, 1.0, "%"),
    "rd_expenditure": ("v4_ztr_jf_RD", None, 1.0, "亿元"),
    "basic_research_share": ("v4_zh_nbzc_jcyj", "v4_zh_nbzc_hj", 100.0, "%"),
    "enterprise_share_rd": ("v4_zh_nbzc_qyzj", "v4_zh_nbzc_hj", 100.0, "%"),
    "government_share_rd": ("v4_zh_nbzc_zfzj", "v4_zh_nbzc_hj", 100.0, "%"),
    "invention_applications": ("v4_cg_zlsq2_fm", None, 1.0, "件"),
}
SOURCE = "China Statistical Yearbook on Science and Technology (NBS), compiled by techme (MIT)"


def catalogue_panel(*, panel: pd.DataFrame, since: int | None = None) -> pd.DataFrame:
    """The yearbook panel (read_china_provincial) as the catalogue's indicators, long format
    (region, year, indicator, value, unit, source), provinces and the national total."""
    import pandas as pd

    wide = panel.pivot_table(
        index=["region", "year"], columns="indicator", values="value", aggfunc="first"
    )
    frames = []
    for code, (num, den, factor, unit) in CATALOGUE_FIGURES.items():
        if num not in wide or (den is not None and den not in wide):
            continue
        value = wide[num] * factor if den is None else wide[num] / wide[den] * factor
        frame = value.dropna().rename("value").reset_index()
        frame["indicator"], frame["unit"], frame["source"] = code, unit, SOURCE
        frames.append(frame)
    out = pd.concat(frames, ignore_index=True)
    if since is not None:
        out = out[out["year"] >= since]
    out["value"] = out["value"].round(4)
    cols = ["region", "year", "indicator", "value", "unit", "source"]
    return out[cols].sort_values(["indicator", "year", "region"]).reset_index(drop=True)
