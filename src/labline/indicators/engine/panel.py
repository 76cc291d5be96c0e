"""Import of indicator panels (region × year × indicator) with units, provenance and a report.

The canonical form is long: region, year, indicator, value, unit, source. Row-level problems
(unreadable value, unknown unit) are refused and reported row by row; structural ones
(mixed units that cannot be converted, a duplicate region-year) raise, so nothing is
computed from an ambiguous panel.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Literal

import numpy as np

from labline.indicators.engine import units as unitlib
from labline.indicators.errors import DuplicateObservation, MissingColumn, MixedUnits

if TYPE_CHECKING:
    import pandas as pd


LONG_COLUMNS = ["region", "year", "indicator", "value", "unit", "source"]
_HEADER_UNIT = re.compile(r"^(?P<code>.+?)\s*\[(?P<unit>[^\]]+)\]\s*$")


@dataclass
class ImportReport:
    read: int = 0
    accepted: int = 0
    refused: list[tuple[int, str]] = field(default_factory=list)  # (row number, reason)
    converted: list[tuple[str, str, str, int]] = field(default_factory=list)  # ind, from, to, n
    renamed_regions: dict[str, str] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    def summary(self) -> str:
        lines = [f"read {self.read} rows, accepted {self.accepted}, refused {len(self.refused)}"]
        lines += [f"  row {row}: {reason}" for row, reason in self.refused]
        lines += [f"  converted {n} values of {i} from {a} to {b}" for i, a, b, n in self.converted]
        lines += [f"  region {a!r} read as {b!r}" for a, b in self.renamed_regions.items()]
        lines += [f"  {note}" for note in self.notes]
        return "\n".join(lines)


def read_table(path: Path) -> pd.DataFrame:
    import pandas as pd

    if path.suffix.lower() in {".xlsx", ".xlsm", ".xls"}:
        return pd.read_excel(path)
    return pd.read_csv(path)


def wide_to_long(
    *, frame: pd.DataFrame, units: dict[str, str] | None = None, source: str = ""
) -> pd.DataFrame:
    """region, year, then one column per indicator, named `code` or `code [unit]`."""
    for col in ("region", "year"):
        if col not in frame.columns:
            raise MissingColumn(column=col, where="wide panel")
    melted = frame.melt(id_vars=["region", "year"], var_name="header", value_name="value")
    parsed = melted["header"].astype(str).str.extract(_HEADER_UNIT)
    melted["indicator"] = parsed["code"].fillna(melted["header"].astype(str)).str.strip()
    header_units = parsed["unit"]
    given = melted["indicator"].map(units or {})
    unit = header_units.astype(object).where(header_units.notna(), given.astype(object))
    melted["unit"] = unit.fillna("").astype(str)
    melted["source"] = source
    return melted[LONG_COLUMNS]


def import_panel(
    *,
    frame: pd.DataFrame,
    layout: Literal["long", "wide"] = "long",
    target_units: dict[str, str] | None = None,
    units: dict[str, str] | None = None,
    source: str = "",
) -> tuple[pd.DataFrame, ImportReport]:
    """Validate and convert a panel; returns the long panel and the import report.

    `target_units` fixes the unit per indicator; otherwise the first unit seen is the
    target and other convertible units are converted to it.
    """
    import pandas as pd

    data = wide_to_long(frame=frame, units=units, source=source) if layout == "wide" else frame
    for col in ("region", "year", "indicator", "value"):
        if col not in data.columns:
            raise MissingColumn(column=col, where="long panel")
    data = data.copy()
    if "unit" not in data.columns:
        data["unit"] = ""
    if "source" not in data.columns:
        data["source"] = source
    report = ImportReport(read=len(data))
    data["row"] = np.arange(2, len(data) + 2)  # spreadsheet row numbers (header is row 1)
    value = pd.to_numeric(data["value"], errors="coerce")
    year = pd.to_numeric(data["year"], errors="coerce")
    data["unit"] = data["unit"].fillna("").astype(str).str.strip()
    keep = np.ones(len(data), dtype=bool)
    for i, (v, y, raw, yraw) in enumerate(
        zip(value, year, data["value"], data["year"], strict=True)
    ):
        if np.isnan(y):
            report.refused.append((int(data["row"].iat[i]), f"year {yraw!r} is not a number"))
            keep[i] = False
        elif np.isnan(v):
            report.refused.append((int(data["row"].iat[i]), f"value {raw!r} is not a number"))
            keep[i] = False
    data["value"], data["year"] = value, year
    data = data[keep]
    data["year"] = data["year"].astype(int)
    data["region"] = data["region"].astype(str).str.strip()
    parts = []
    for indicator, group in data.groupby("indicator", sort=False):
        target = (target_units or {}).get(str(indicator), group["unit"].iat[0])
        bad = [
            u for u in group["unit"].unique() if u != target and not unitlib.convertible(u, target)
        ]
        if bad:
            raise MixedUnits(indicator=str(indicator), units=sorted({target, *bad}))
        group = group.copy()
        for unit in group["unit"].unique():
            if unit != target:
                mask = group["unit"] == unit
                group.loc[mask, "value"] *= unitlib.factor(source=unit, target=target)
                report.converted.append((str(indicator), unit, target, int(mask.sum())))
        group["unit"] = target
        parts.append(group)
    result = pd.concat(parts) if parts else data
    dup = result.duplicated(["region", "year", "indicator"])
    if dup.any():
        row = result[dup].iloc[0]
        raise DuplicateObservation(
            indicator=str(row["indicator"]), region=str(row["region"]), year=int(row["year"])
        )
    report.accepted = len(result)
    return result[LONG_COLUMNS].reset_index(drop=True), report


def to_matrix(*, panel: pd.DataFrame, year: int | None = None) -> pd.DataFrame:
    """Wide matrix: rows (region) or (region, year), one column per indicator."""
    data = panel if year is None else panel[panel["year"] == year]
    index = ["region"] if year is not None else ["region", "year"]
    return data.pivot_table(index=index, columns="indicator", values="value", aggfunc="first")
