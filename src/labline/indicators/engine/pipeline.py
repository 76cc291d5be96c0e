"""End-to-end recipes over a long panel, shared by the CLI (and later the service layer)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from labline.indicators.engine.composite import Aggregation, composite, node_from_dict
from labline.indicators.engine.mcda import entropy_topsis
from labline.indicators.engine.normalise import Method, normalise
from labline.indicators.engine.outliers import treat_matrix
from labline.indicators.engine.panel import ImportReport, import_panel, read_table
from labline.indicators.engine.uncertainty import rank_intervals, simulate_ranks
from labline.indicators.errors import IndicatorError

if TYPE_CHECKING:
    import pandas as pd


def load_panel(*, path: Path, layout: str = "long") -> tuple[pd.DataFrame, ImportReport]:
    return import_panel(frame=read_table(path), layout="wide" if layout == "wide" else "long")


def _matrix(panel: pd.DataFrame) -> pd.DataFrame:
    return panel.pivot_table(
        index=["region", "year"], columns="indicator", values="value", aggfunc="first"
    ).sort_index()


def _directions(columns: list[str], cost: set[str]) -> np.ndarray:
    unknown = cost - set(columns)
    if unknown:
        raise IndicatorError(f"cost indicators not in the panel: {sorted(unknown)}")
    return np.array([-1 if c in cost else 1 for c in columns])


def entropy_topsis_table(
    *, panel: pd.DataFrame, year: int | None, cost: set[str], shift: float
) -> tuple[pd.DataFrame, pd.Series]:
    """Closeness and rank per region (or region-year when pooled), and the entropy weights."""
    import pandas as pd

    matrix = _matrix(panel)
    if year is not None:
        matrix = matrix.xs(year, level="year", drop_level=False)
        if matrix.empty:
            raise IndicatorError(f"no observations for year {year}")
    incomplete = matrix[matrix.isna().any(axis=1)]
    if len(incomplete):
        region, yr = incomplete.index[0]
        gaps = list(incomplete.columns[incomplete.iloc[0].isna()])
        raise IndicatorError(f"region {region!r} in {yr} lacks {gaps}; entropy-TOPSIS needs all")
    columns = list(matrix.columns)
    result = entropy_topsis(
        matrix=matrix.to_numpy(), directions=_directions(columns, cost), shift=shift
    )
    table = matrix.index.to_frame(index=False)
    table["closeness"] = result.closeness
    table["rank"] = table.groupby("year")["closeness"].rank(ascending=False, method="min")
    return table, pd.Series(result.weights, index=columns)


@dataclass
class IndexResult:
    scores: pd.DataFrame
    intervals: pd.DataFrame | None = None
    notes: list[str] = field(default_factory=list)


def build_index(
    *,
    panel: pd.DataFrame,
    tree_spec: Mapping[str, Any],
    cost: set[str],
    normalisation: Method = "minmax",
    aggregation: Aggregation = "arithmetic",
    min_coverage: float = 0.5,
    gii_outliers: bool = True,
    draws: int = 0,
    seed: int = 0,
    progress: Callable[[int], None] | None = None,
) -> IndexResult:
    """Outlier treatment and normalisation per year, composite scores, optional rank intervals.

    The rank intervals draw weights (±20 %) and the normalisation (min–max, z-score, rank)
    with arithmetic aggregation, over regions with complete data in every year; regions
    left out are named in the notes.
    """
    import pandas as pd

    tree = node_from_dict(tree_spec)
    matrix = _matrix(panel)
    leaves = tree.leaves()
    missing = [c for c in leaves if c not in matrix.columns]
    if missing:
        raise IndicatorError(f"indicators in the hierarchy but not in the panel: {missing}")
    matrix = matrix[leaves]
    directions = _directions(leaves, cost)
    notes: list[str] = []
    parts, treated_parts = [], []
    for year, block in matrix.groupby(level="year"):
        values = block.to_numpy()
        if gii_outliers:
            values, treated = treat_matrix(matrix=values)
            notes += [
                f"{year} {code}: {r.treatment}" + (f" ({r.points} points)" if r.points else "")
                for code, r in zip(leaves, treated, strict=True)
                if r.treatment != "none"
            ]
        treated_parts.append(pd.DataFrame(values, index=block.index, columns=leaves))
        normed = normalise(matrix=values, method=normalisation, directions=directions)
        if aggregation == "geometric" and normalisation == "minmax":
            normed = normed * 0.99 + 1.0  # 1–100 so the geometric mean is defined
        parts.append(pd.DataFrame(normed, index=block.index, columns=leaves))
    normalised = pd.concat(parts)
    result = composite(
        normalised=normalised, tree=tree, aggregation=aggregation, min_coverage=min_coverage
    )
    notes += [str(gap) for gap in result.gaps]
    scores = result.scores.reset_index()
    scores["rank"] = scores.groupby("year")[tree.code].rank(ascending=False, method="min")
    intervals = None
    if draws > 0:
        # The draws start from the same outlier-treated values as the nominal index.
        complete = pd.concat(treated_parts).dropna()
        regions = sorted(set(complete.index.get_level_values("region")))
        years = sorted(set(complete.index.get_level_values("year")))
        complete = complete.reindex(pd.MultiIndex.from_product([regions, years]))
        dropped = sorted({r for r, _ in complete.index[complete.isna().any(axis=1)]})
        if dropped:
            notes.append(f"rank intervals leave out regions with gaps: {dropped}")
            regions = [r for r in regions if r not in dropped]
            complete = complete.loc[regions]
        cube = complete.to_numpy().reshape(len(regions), len(years), len(leaves)).swapaxes(0, 1)
        ranks = simulate_ranks(
            data=cube,
            tree=tree,
            indicators=leaves,
            directions=directions,
            draws=draws,
            seed=seed,
            progress=progress,
        )
        intervals = rank_intervals(ranks=ranks, regions=regions, periods=years)
    return IndexResult(scores=scores, intervals=intervals, notes=notes)
