"""Finding funding calls from the one search box: an index of the calls (titles in both
languages, code, description) beside the database (labline.core.indexes), caught up with the
audit tail before each search. Draft calls are found only by those who manage calls."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from labline.core.access import Actor, Permission
from labline.core.indexes import service as indexes
from labline.errors import FieldError, InvalidInput
from labline.finding import Found
from labline.review.models import Call, CallStatus
from labline.review.service.calls import is_manager
from labline.search import Record, SearchError, SearchIndex
from labline.search.dense import Encoder
from labline.search.surface import surface_terms


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


def find(session: Session, *, actor: Actor, holder: Any, query: str, k: int) -> list[Found]:
    """Calls for the one search box (review's Searchable): every published call (open,
    closed, decided), drafts only for call managers, as the list of calls shows them."""
    if Permission.view_directory not in actor.permissions:
        return []
    index = indexes.open_index(session, SPEC, holder).parts["records"]
    try:
        hits = index.search(query, k=k * 2, explain=True)
    except SearchError as exc:
        raise InvalidInput(str(exc), fields=[FieldError("q", str(exc))]) from exc
    ids = [int(h.id.split(":")[1]) for h in hits]
    rows = {c.id: c for c in session.scalars(select(Call).where(Call.id.in_(ids)))}
    drafts_too = is_manager(actor)
    out: list[Found] = []
    for hit in hits:
        c = rows.get(int(hit.id.split(":")[1]))
        if c is None or (c.status == CallStatus.draft and not drafts_too):
            continue
        terms = hit.explanation.matched_terms if hit.explanation else {}
        text = SearchIndex.document_text(call_record(c).fields)
        out.append(
            Found(
                kind="call",
                id=c.id,
                path=f"/review/calls/{c.id}",
                title=c.title_zh,
                title_en=c.title_en,
                detail=f"{c.code} · {c.opens_on.isoformat()} – {c.closes_on.isoformat()}",
                score=hit.score,
                matched_terms=tuple(surface_terms(terms, text, 8)),
            )
        )
        if len(out) == k:
            break
    return out
