"""Finding instruments from the one search box: an index of active instruments (names in
both languages, kind, capabilities, facility) beside the database (labline.core.indexes),
caught up with the audit tail before each search, so an edit is findable at once."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from labline.core.access import Permission
from labline.core.finder import service as finder
from labline.core.indexes import service as indexes
from labline.facilities.models import Facility, Instrument
from labline.finding import Ask, Found
from labline.search import Record, SearchIndex
from labline.search.dense import Encoder


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


def _new_part(_part: str, encoder: Encoder | None) -> SearchIndex:
    return SearchIndex(use_dense=encoder is not None, encoder=encoder)


def _live_records(session: Session) -> dict[str, list[Record]]:
    rows = session.scalars(
        select(Instrument)
        .where(Instrument.is_active.is_(True))
        .options(selectinload(Instrument.facility))
        .order_by(Instrument.id)
    )
    return {"records": [instrument_record(i) for i in rows]}


def _changed(session: Session, table: str, eid: int) -> list[tuple[str, str, Record | None]]:
    """A facility's change re-reads its instruments (their records carry its name)."""
    if table == "facilities":
        facility = session.get(Facility, eid)
        rows = facility.instruments if facility is not None else []
    else:
        instrument = session.get(Instrument, eid)
        if instrument is None:
            return [("records", f"instrument:{eid}", None)]
        rows = [instrument]
    return [
        ("records", f"instrument:{i.id}", instrument_record(i) if i.is_active else None)
        for i in rows
    ]


SPEC = indexes.register(
    indexes.Spec(
        name="instruments",
        parts=("records",),
        tables=("instruments", "facilities"),
        new_part=_new_part,
        live_records=_live_records,
        changed=_changed,
    )
)


def find(session: Session, ask: Ask) -> list[Found]:
    """Active instruments for the one search box (facilities' Searchable): anyone who may
    see the catalogue may find them."""
    if Permission.view_directory not in ask.actor.permissions:
        return []
    hits = finder.search_records(session, SPEC, ask, k=ask.k)
    rows = {
        i.id: i
        for i in session.scalars(
            select(Instrument)
            .where(Instrument.id.in_([n for n, _hit in hits]))
            .options(selectinload(Instrument.facility))
        )
    }
    return [
        finder.found_of(
            hit,
            instrument_record(i),
            kind="instrument",
            id=i.id,
            path=f"/facilities/instruments/{i.id}",
            title=i.name_zh,
            title_en=i.name_en,
            detail=f"{i.facility.name_zh} / {i.facility.name_en}",
        )
        for n, hit in hits
        if (i := rows.get(n)) is not None and i.is_active
    ]
