"""Listing readiness: which STAR Market standards a company's figures meet, and the gaps.

Nothing is read or stored: anyone signed in may check figures. The thresholds are the
shipped table citing the rules' article, or the operator's replacement of the same shape in
the data folder (`market/star_listing_standards.csv`).
"""

from __future__ import annotations

from dataclasses import asdict
from importlib import resources
from pathlib import Path

from labline.core.access import Actor, require_signed_in
from labline.errors import FieldError, InvalidInput
from labline.market.engine import listing as engine
from labline.market.listing.schemas import (
    AlternativeRead,
    CriterionRead,
    ListingFigures,
    ReadinessRead,
    StandardRead,
    ThresholdRead,
)

TABLE_FILE = Path("market") / "star_listing_standards.csv"
SHIPPED = "star_listing_standards.csv"


def _table(data_dir: Path | None) -> tuple[list[engine.Threshold], str]:
    custom = data_dir / TABLE_FILE if data_dir is not None else None
    try:
        if custom is not None and custom.is_file():
            return engine.load(custom), str(custom)
        with resources.as_file(resources.files("labline.market") / "refdata" / SHIPPED) as path:
            return engine.load(path), f"labline/market/refdata/{SHIPPED}"
    except (ValueError, KeyError, ArithmeticError) as exc:
        raise InvalidInput(
            f"The listing standards table is not valid: {exc}",
            fields=[FieldError("star_listing_standards", str(exc))],
        ) from None


def thresholds(*, data_dir: Path | None = None) -> list[ThresholdRead]:
    """The listing standards as data, each row citing its article (public)."""
    rows, _source = _table(data_dir)
    return [ThresholdRead(**asdict(t)) for t in rows]


def readiness(
    *, actor: Actor, figures: ListingFigures, data_dir: Path | None = None
) -> ReadinessRead:
    require_signed_in(actor)
    rows, source = _table(data_dir)
    checks = engine.check(rows, engine.Figures(**figures.model_dump()))
    met = engine.standards_met(checks)
    standards: list[StandardRead] = []
    for number in sorted(met):
        mine = [c for c in checks if c.threshold.standard == number]
        alternatives = []
        for alt in sorted({c.threshold.alternative for c in mine}):
            crits = [c for c in mine if c.threshold.alternative == alt]
            alternatives.append(
                AlternativeRead(
                    alternative=alt,
                    met=all(c.met for c in crits),
                    criteria=[
                        CriterionRead(
                            criterion=c.threshold.criterion,
                            operator=c.threshold.operator,
                            threshold=c.threshold.threshold,
                            unit=c.threshold.unit,
                            value=c.value,
                            met=c.met,
                            gap=c.gap,
                            rule_zh=c.threshold.rule_zh,
                            rule_en=c.threshold.rule_en,
                        )
                        for c in crits
                    ],
                )
            )
        standards.append(
            StandardRead(
                standard=number,
                article=mine[0].threshold.article,
                met=met[number],
                alternatives=alternatives,
            )
        )
    return ReadinessRead(
        source=source,
        standards=standards,
        met_any=any(met.values()),
        met=[n for n, ok in sorted(met.items()) if ok],
    )
