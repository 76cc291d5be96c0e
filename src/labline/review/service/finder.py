"""Finding funding calls from the one search box: an index of the calls (titles in both
languages, code, description) beside the database (labline.core.indexes), caught up with the
audit tail before each search. Draft calls are found only by those who manage calls."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from labline.core.access import Permission
from labline.core.finder import service as finder
from labline.core.indexes import service as indexes
from labline.finding import Ask, Found
from labline.review.models import Call, CallStatus
from labline.review.service.calls import is_manager
from labline.search import Record, SearchIndex
from labline.search.dense import Encoder


def call_record(c: Call) -> Record:
    return Record(
        f"call:{c.id}",
        {"title": f"{c.title_zh} {c.title_en}", "keywords": c.code, "body": c.description},
        {},
    )


def _new_part(_part: str, encoder: Encoder | None) -> SearchIndex:
    return SearchIndex(use_dense=encoder is not None, encoder=encoder)


def _live_records(session: Session) -> dict[str, list[Record]]:
    return {"records": [call_record(c) for c in session.scalars(select(Call).order_by(Call.id))]}


def _changed(session: Session, _table: str, eid: int) -> list[tuple[str, str, Record | None]]:
    call = session.get(Call, eid)
    return [("records", f"call:{eid}", call_record(call) if call is not None else None)]


SPEC = indexes.register(
    indexes.Spec(
        name="calls",
        parts=("records",),
        tables=("review_calls",),
        new_part=_new_part,
        live_records=_live_records,
        changed=_changed,
    )
)


def find(session: Session, ask: Ask) -> list[Found]:
    """Calls for the one search box (review's Searchable): every published call (open,
    closed, decided), drafts only for call managers, as the list of calls shows them."""
    if Permission.view_directory not in ask.actor.permissions:
        return []
    hits = finder.search_records(session, SPEC, ask, k=ask.k * 2)
    rows = {c.id: c for c in session.scalars(select(Call).where(Call.id.in_([n for n, _ in hits])))}
    drafts_too = is_manager(ask.actor)
    shown = [
        finder.found_of(
            hit,
            call_record(c),
            kind="call",
            id=c.id,
            path=f"/review/calls/{c.id}",
            title=c.title_zh,
            title_en=c.title_en,
            detail=f"{c.code} · {c.opens_on.isoformat()} – {c.closes_on.isoformat()}",
        )
        for n, hit in hits
        if (c := rows.get(n)) is not None and (c.status != CallStatus.draft or drafts_too)
    ]
    return shown[: ask.k]
