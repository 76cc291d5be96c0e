"""Listing readiness: which STAR Market standards a company's figures meet, and the gaps.

Anyone signed in may check figures without keeping them. A company's own figures are kept
per organisation, every entry with the period it covers and who entered it (history kept,
the latest entry for the latest period is checked): they are the company's confidential
business, read by its people and operators, entered by its admins and operators. The
thresholds are the shipped table citing the rules' article, or the operator's replacement
of the same shape in the data folder (`market/star_listing_standards.csv`).
"""

from __future__ import annotations

from dataclasses import asdict
from datetime import date
from importlib import resources
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from labline import clock
from labline.core.access import Actor, can_manage_org, require_signed_in
from labline.core.models import Organisation, OrganisationKind
from labline.errors import FieldError, InvalidInput, NotFound, NotPermitted
from labline.market.engine import listing as engine
from labline.market.listing.models import ListingFiguresEntry
from labline.market.listing.schemas import (
    FIGURE_FIELDS,
    AlternativeRead,
    CriterionRead,
    ListingEntryCreate,
    ListingEntryRead,
    ListingFigures,
    OrganisationReadinessRead,
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
    checks = engine.check(rows, engine.Figures(**figures.model_dump(include=set(FIGURE_FIELDS))))
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


# Financial years ending before this are not a listing's business.
EARLIEST_PERIOD_END = date(1990, 1, 1)


def _company(session: Session, actor: Actor, organisation_id: int) -> Organisation:
    require_signed_in(actor)
    org = session.get(Organisation, organisation_id)
    if org is None or not (actor.is_operator or organisation_id in actor.org_roles):
        raise NotFound(
            f"There are no listing figures of yours for organisation {organisation_id}.",
            organisation_id=organisation_id,
        )
    return org


def my_companies(session: Session, *, actor: Actor) -> list[Organisation]:
    """The companies whose kept figures this person may read (their own enterprises)."""
    if actor.is_anonymous or not actor.org_roles:
        return []
    return list(
        session.scalars(
            select(Organisation)
            .where(
                Organisation.id.in_(set(actor.org_roles)),
                Organisation.kind == OrganisationKind.enterprise,
            )
            .order_by(Organisation.id)
        )
    )


def record_figures(
    session: Session, *, actor: Actor, organisation_id: int, data: ListingEntryCreate
) -> ListingFiguresEntry:
    """Keep a company's figures for a period (a new entry: earlier ones stay as history)."""
    org = _company(session, actor, organisation_id)
    if not can_manage_org(actor, organisation_id):
        raise NotPermitted("Only the company's admins and operators enter its listing figures.")
    if org.kind != OrganisationKind.enterprise:
        raise InvalidInput(
            f"Organisation {organisation_id} is a {OrganisationKind(org.kind).value}: only a"
            " company seeks a listing.",
            fields=[
                FieldError(
                    "organisation_id",
                    f"is a {OrganisationKind(org.kind).value}",
                    [OrganisationKind.enterprise.value],
                )
            ],
        )
    today = clock.latest_today()
    if not EARLIEST_PERIOD_END <= data.period_end <= today:
        raise InvalidInput(
            f"The period must end between {EARLIEST_PERIOD_END} and today ({today}).",
            fields=[
                FieldError(
                    "period_end",
                    "in the future" if data.period_end > today else "too early",
                    [EARLIEST_PERIOD_END.isoformat(), today.isoformat()],
                )
            ],
        )
    entry = ListingFiguresEntry(
        organisation_id=org.id,
        entered_by_id=actor.person_id,
        entered_by=actor.display_name or actor.audit_label(),
        **data.model_dump(),
    )
    session.add(entry)
    session.flush()
    return entry


def organisation_readiness(
    session: Session, *, actor: Actor, organisation_id: int, data_dir: Path | None = None
) -> OrganisationReadinessRead:
    """The company's latest figures (latest period, then latest entry) against each
    standard, and every entry kept, newest first."""
    org = _company(session, actor, organisation_id)
    entries = session.scalars(
        select(ListingFiguresEntry)
        .where(ListingFiguresEntry.organisation_id == org.id)
        .order_by(ListingFiguresEntry.period_end.desc(), ListingFiguresEntry.id.desc())
    ).all()
    history = [ListingEntryRead.model_validate(e) for e in entries]
    latest = history[0] if history else None
    result = None
    if latest is not None:
        figures = ListingFigures.model_validate(latest.model_dump(include=set(FIGURE_FIELDS)))
        result = readiness(actor=actor, figures=figures, data_dir=data_dir)
    return OrganisationReadinessRead(
        organisation_id=org.id,
        name_zh=org.name_zh,
        name_en=org.name_en,
        latest=latest,
        readiness=result,
        history=history,
    )
