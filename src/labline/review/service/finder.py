"""Finding funding calls from the one search box: an index of the calls (titles in both
languages, code, description) beside the database (labline.core.indexes), caught up with the
audit tail before each search. Draft calls are found only by those who manage calls."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from labline.core.access import Permission
from labline.core.finder.records import RowFinder, RowKind, Shown
from labline.finding import Ask, Found
from labline.review.models import Call, CallStatus
from labline.review.service.calls import is_manager
from labline.search import Record


def call_record(c: Call) -> Record:
    return Record(
        f"call:{c.id}",
        {"title": f"{c.title_zh} {c.title_en}", "keywords": c.code, "body": c.description},
        {},
    )


def _shown(c: Call) -> Shown:
    return Shown(
        f"/review/calls/{c.id}",
        c.title_zh,
        c.title_en,
        f"{c.code} · {c.opens_on.isoformat()} – {c.closes_on.isoformat()}",
    )


def _by_ids(session: Session, ids: Sequence[int]) -> Sequence[Call]:
    return session.scalars(select(Call).where(Call.id.in_(ids))).all()


def _touched(session: Session, _table: str, eid: int) -> Mapping[int, Call | None]:
    return {eid: session.get(Call, eid)}


FINDER = RowFinder(
    RowKind(
        kind="call",
        record=call_record,
        shown=_shown,
        live=lambda session: session.scalars(select(Call).order_by(Call.id)).all(),
        by_ids=_by_ids,
        touched=_touched,
    ),
    name="calls",
    tables=("review_calls",),
)
SPEC = FINDER.spec


def find(session: Session, ask: Ask) -> list[Found]:
    """Calls for the one search box (review's Searchable): every published call (open,
    closed, decided), drafts only for call managers, as the list of calls shows them."""
    if Permission.view_directory not in ask.actor.permissions:
        return []
    drafts_too = is_manager(ask.actor)
    return FINDER.find(
        session,
        ask,
        visible=lambda c: c.status != CallStatus.draft or drafts_too,
        k=ask.k * 2,
    )
