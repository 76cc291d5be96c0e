"""Finding instruments from the one search box: an index of active instruments (names in
both languages, kind, capabilities, facility) beside the database (labline.core.indexes),
caught up with the audit tail before each search, so an edit is findable at once."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from labline.core.access import Permission
from labline.core.finder.records import RowFinder, RowKind, Shown
from labline.facilities.models import Facility, Instrument
from labline.finding import Ask, Found
from labline.search import Record


def instrument_record(i: Instrument) -> Record:
    return Record(
        f"instrument:{i.id}",
        {
            "title": f"{i.name_zh} {i.name_en}",
            "keywords": f"{i.kind} {i.code}",
            "body": f"{i.capabilities} {i.facility.name_zh} {i.facility.name_en}",
        },
        {},
    )


def _shown(i: Instrument) -> Shown:
    return Shown(
        f"/facilities/instruments/{i.id}",
        i.name_zh,
        i.name_en,
        f"{i.facility.name_zh} / {i.facility.name_en}",
    )


def _live(session: Session) -> Sequence[Instrument]:
    return session.scalars(
        select(Instrument)
        .where(Instrument.is_active.is_(True))
        .options(selectinload(Instrument.facility))
        .order_by(Instrument.id)
    ).all()


def _by_ids(session: Session, ids: Sequence[int]) -> Sequence[Instrument]:
    return session.scalars(
        select(Instrument).where(Instrument.id.in_(ids)).options(selectinload(Instrument.facility))
    ).all()


def _touched(session: Session, table: str, eid: int) -> Mapping[int, Instrument | None]:
    """A facility's change re-reads its instruments (their records carry its name)."""
    if table == "facilities":
        facility = session.get(Facility, eid)
        return {i.id: i for i in facility.instruments} if facility is not None else {}
    return {eid: session.get(Instrument, eid)}


FINDER = RowFinder(
    RowKind(
        kind="instrument",
        record=instrument_record,
        shown=_shown,
        live=_live,
        by_ids=_by_ids,
        touched=_touched,
        indexed=lambda i: i.is_active,
    ),
    name="instruments",
    tables=("instruments", "facilities"),
)
SPEC = FINDER.spec


def find(session: Session, ask: Ask) -> list[Found]:
    """Active instruments for the one search box (facilities' Searchable): anyone who may
    see the catalogue may find them."""
    if Permission.view_directory not in ask.actor.permissions:
        return []
    return FINDER.find(session, ask, visible=lambda i: i.is_active)
