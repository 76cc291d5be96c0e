"""Visits: what is new since a person's last visit.

A visit to a place (the home page) is a run of requests with no gap longer than `GAP`.
While a visit lasts, "since your last visit" keeps meaning the start of the visit before:
reloading the page does not make what was new disappear.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy.orm import Session

from labline import clock
from labline.core.access import Actor
from labline.core.models import Visit

GAP = timedelta(hours=1)
HOME = "home"


def _aware(at: datetime | None) -> datetime | None:
    # SQLite hands back naive datetimes; they are stored in UTC.
    return at.replace(tzinfo=UTC) if at is not None and at.tzinfo is None else at


def record_visit(
    session: Session, *, actor: Actor, place: str = HOME, now: datetime | None = None
) -> None:
    """Note that the actor is at `place` now (nothing for the anonymous)."""
    if actor.person_id is None:
        return
    now = now or clock.now()
    visit = session.get(Visit, (actor.person_id, place))
    if visit is None:
        session.add(Visit(person_id=actor.person_id, place=place, last_at=now, previous_at=None))
    else:
        last = _aware(visit.last_at)
        if last is not None and now - last > GAP:
            visit.previous_at = last  # a new visit: the one before ended at its last request
        visit.last_at = now
    session.flush()


def last_visit(session: Session, *, actor: Actor, place: str = HOME) -> datetime | None:
    """When the actor's previous visit to `place` ended; None if this is their first."""
    if actor.person_id is None:
        return None
    visit = session.get(Visit, (actor.person_id, place))
    return _aware(visit.previous_at) if visit is not None else None
