"""A composite index over stored indicators for one year: entropy or equal weights,
TOPSIS or weighted-sum scores, and Monte Carlo rank intervals."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np
from sqlalchemy import select
from sqlalchemy.orm import Session

from labline import i18n
from labline.errors import FieldError, InvalidInput
from labline.indicators import labels
from labline.indicators.engine import mcda
from labline.indicators.engine.composite import Node
from labline.indicators.engine.normalise import normalise
from labline.indicators.engine.uncertainty import simulate_ranks
from labline.indicators.errors import InsufficientCoverage
from labline.indicators.models import IndicatorObservation as Obs
from labline.indicators.regions import NATIONAL


@dataclass(frozen=True)
class IndexRow:
    region_code: str
    score: float
    rank: int
    rank_low: float
    rank_high: float


@dataclass(frozen=True)
class IndexResult:
    year: int
    indicators: list[str]
    weights: list[float]
    rows: list[IndexRow]


def build_index(
    session: Session,
    *,
    indicators: list[str],
    year: int,
    weighting: Literal["entropy", "equal"] = "entropy",
    draws: int = 1000,
    seed: int = 0,
    coverage: float = 1.0,
) -> IndexResult:
    if len(set(indicators)) < 2:
        raise InvalidInput(
            "A composite index needs at least two indicators.",
            fields=[FieldError("indicator", "give two or more indicator codes")],
        )
    rows = session.execute(
        select(Obs.region_code, Obs.indicator_code, Obs.value).where(
            Obs.indicator_code.in_(indicators), Obs.year == year, Obs.region_code != NATIONAL
        )
    ).all()
    regions = sorted({r for r, _c, _v in rows})
    codes = [c for c in dict.fromkeys(indicators)]
    missing = [c for c in codes if not any(rc == c for _r, rc, _v in rows)]
    if missing:
        raise InvalidInput(
            i18n.gettext(
                "No values of %(indicators)s in %(year)s: choose another year or other indicators.",
                indicators=", ".join(labels.name(m) for m in missing),
                year=year,
            ),
            fields=[FieldError("indicator", f"{m} has no values in {year}") for m in missing],
        )
    matrix = np.full((len(regions), len(codes)), np.nan)
    for r, c, v in rows:
        matrix[regions.index(r), codes.index(c)] = v
    present = np.mean(~np.isnan(matrix), axis=1)
    short = [(regions[i], float(present[i])) for i in np.flatnonzero(present < coverage)]
    if short:
        region, share = short[0]
        raise InsufficientCoverage(
            node="index", region=region, year=year, coverage=share, minimum=coverage
        )
    directions = np.array([1 if labels.higher_is_better(c) else -1 for c in codes])
    if weighting == "entropy":
        result = mcda.entropy_topsis(matrix=matrix, directions=directions)
        weights, scores = np.asarray(result.weights), np.asarray(result.closeness) * 100
    else:
        weights = np.full(len(codes), 1 / len(codes))
        scores = normalise(matrix=matrix, method="minmax", directions=directions) @ weights
    tree = Node(
        code="index",
        children=tuple(Node(code=c, weight=float(w)) for c, w in zip(codes, weights, strict=True)),
    )
    simulated = simulate_ranks(
        data=matrix[None, :, :],
        tree=tree,
        indicators=codes,
        directions=directions,
        draws=draws,
        seed=seed,
    )[:, 0, :]
    interval = np.percentile(simulated, [5, 95], axis=0).T
    ranks = np.argsort(np.argsort(-scores)) + 1
    out = [
        IndexRow(
            regions[i],
            float(scores[i]),
            int(ranks[i]),
            float(interval[i, 0]),
            float(interval[i, 1]),
        )
        for i in np.argsort(-scores)
    ]
    return IndexResult(year, codes, [float(w) for w in weights], out)
