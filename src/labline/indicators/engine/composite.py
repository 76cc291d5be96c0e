"""Composite indices: a weighted hierarchy (indicators → sub-pillars → pillars → index).

Scores are computed bottom-up on already-normalised indicators (see normalise.py). A node's
score is the weighted mean of its available children, re-weighted over what is present —
but only when the present children carry at least `min_coverage` of the node's weight;
otherwise the node is left empty for that row and the gap is reported (or raised with
`strict=True`). Nothing is imputed.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

import numpy as np

from labline.indicators.errors import (
    InsufficientCoverage,
    InvalidParameter,
    NonPositiveForLog,
    WeightsDoNotSumToOne,
)

if TYPE_CHECKING:
    import pandas as pd


Aggregation = Literal["arithmetic", "geometric"]
WEIGHT_TOLERANCE = 1e-9


@dataclass(frozen=True)
class Node:
    code: str
    weight: float = 1.0
    children: tuple[Node, ...] = ()

    @property
    def is_leaf(self) -> bool:
        return not self.children

    def leaves(self) -> list[str]:
        return [self.code] if self.is_leaf else [c for ch in self.children for c in ch.leaves()]

    def walk(self) -> list[Node]:
        return [self, *[n for ch in self.children for n in ch.walk()]]


def node_from_dict(spec: Mapping[str, Any]) -> Node:
    """{"code": ..., "weight": ..., "children": [...]} → Node; leaves are indicator codes."""
    if "code" not in spec:
        raise InvalidParameter(f"hierarchy node without a code: {dict(spec)!r}")
    children = tuple(node_from_dict(c) for c in spec.get("children", ()))
    return Node(code=str(spec["code"]), weight=float(spec.get("weight", 1.0)), children=children)


def validate(*, tree: Node) -> None:
    """Every node's children weights must sum to one and be non-negative."""
    for node in tree.walk():
        if node.is_leaf:
            continue
        weights = np.array([c.weight for c in node.children])
        if (weights < 0).any():
            raise InvalidParameter(f"negative weight under {node.code!r}")
        if abs(weights.sum() - 1.0) > WEIGHT_TOLERANCE:
            raise WeightsDoNotSumToOne(node=node.code, total=float(weights.sum()))


def flat_weights(*, tree: Node) -> pd.Series:
    """Effective weight of each indicator in the index (product of weights along its path)."""
    import pandas as pd

    validate(tree=tree)
    out: dict[str, float] = {}

    def visit(node: Node, w: float) -> None:
        if node.is_leaf:
            out[node.code] = out.get(node.code, 0.0) + w
        for ch in node.children:
            visit(ch, w * ch.weight)

    visit(tree, 1.0)
    return pd.Series(out)


@dataclass
class CompositeResult:
    scores: pd.DataFrame  # one column per node (indicators included), rows as the input
    gaps: list[InsufficientCoverage] = field(default_factory=list)

    @property
    def index(self) -> pd.Series:
        return self.scores.iloc[:, 0]


def _where(label: object) -> tuple[str, int | None]:
    if isinstance(label, tuple) and len(label) == 2:
        return str(label[0]), int(label[1])
    return str(label), None


def composite(
    *,
    normalised: pd.DataFrame,
    tree: Node,
    aggregation: Aggregation = "arithmetic",
    min_coverage: float = 0.5,
    strict: bool = False,
) -> CompositeResult:
    """Score every node for every row (rows: region or (region, year))."""
    import pandas as pd

    validate(tree=tree)
    missing = [c for c in tree.leaves() if c not in normalised.columns]
    if missing:
        raise InvalidParameter(f"indicators not in the data: {missing}")
    if not 0 < min_coverage <= 1:
        raise InvalidParameter(f"min_coverage must be in (0, 1], got {min_coverage}")
    scores: dict[str, pd.Series] = {}
    gaps: list[InsufficientCoverage] = []

    def score(node: Node) -> pd.Series:
        if node.is_leaf:
            return normalised[node.code].astype(float)
        parts = pd.concat([score(ch) for ch in node.children], axis=1).to_numpy()
        w = np.array([ch.weight for ch in node.children])
        present = ~np.isnan(parts)
        coverage = (present * w).sum(axis=1)
        if aggregation == "geometric":
            bad = present & (parts <= 0)
            if bad.any():
                r, c = np.argwhere(bad)[0]
                region, year = _where(normalised.index[r])
                raise NonPositiveForLog(
                    field=node.children[c].code, region=region, year=year, value=parts[r, c]
                )
            logs = np.where(present, np.log(np.where(present, parts, 1.0)), 0.0)
            value = np.exp((logs * w).sum(axis=1) / np.where(coverage > 0, coverage, 1.0))
        else:
            value = np.where(present, parts, 0.0) @ w / np.where(coverage > 0, coverage, 1.0)
        short = coverage < min_coverage - WEIGHT_TOLERANCE
        for r in np.flatnonzero(short):
            region, year = _where(normalised.index[r])
            gap = InsufficientCoverage(
                node=node.code,
                region=region,
                year=year,
                coverage=float(coverage[r]),
                minimum=min_coverage,
            )
            if strict:
                raise gap
            gaps.append(gap)
        result = pd.Series(np.where(short, np.nan, value), index=normalised.index)
        scores[node.code] = result
        return result

    score(tree)
    ordered = [n.code for n in tree.walk() if not n.is_leaf] + tree.leaves()
    table = pd.concat([scores.get(c, normalised.get(c)) for c in ordered], axis=1, keys=ordered)
    return CompositeResult(scores=table, gaps=gaps)
