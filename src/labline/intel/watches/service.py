"""Document watches: a saved search whose new matches go to the owner's inbox, and one
digest mail a day (in the owner's language) through the mail outbox."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from labline import clock
from labline.clock import now
from labline.core.access import Actor, require_signed_in
from labline.core.mail import service as mail
from labline.core.models import Person
from labline.core.service.auth import actor_for
from labline.errors import FieldError, InvalidInput, NotFound
from labline.i18n import gettext as _
from labline.i18n import ngettext
from labline.intel.documents.service import records
from labline.intel.search import service as search
from labline.intel.watches.models import DocumentInboxItem, DocumentWatch
from labline.intel.watches.schemas import WatchCreate


def _person(actor: Actor) -> int:
    require_signed_in(actor)
    if actor.person_id is None:
        raise InvalidInput("Watches belong to a person: pass --as EMAIL on the command line.")
    return actor.person_id


def create_watch(session: Session, *, actor: Actor, data: WatchCreate) -> DocumentWatch:
    if data.collection_id is not None:
        readable = [c.id for c, _n in records.list_collections(session, actor=actor)]
        if data.collection_id not in readable:
            raise InvalidInput(
                f"There is no collection {data.collection_id} you may read.",
                fields=[FieldError("collection_id", "no such collection", readable)],
            )
    watch = DocumentWatch(person_id=_person(actor), **data.model_dump(), checked_at=now())
    session.add(watch)
    session.flush()
    return watch


def my_watches(session: Session, *, actor: Actor) -> Sequence[DocumentWatch]:
    person_id = _person(actor)
    return session.scalars(
        select(DocumentWatch).where(DocumentWatch.person_id == person_id).order_by(DocumentWatch.id)
    ).all()


def delete_watch(session: Session, *, actor: Actor, watch_id: int) -> None:
    watch = session.get(DocumentWatch, watch_id)
    if watch is None or watch.person_id != _person(actor):
        raise NotFound(f"You have no watch {watch_id}.", watch_id=watch_id)
    session.delete(watch)
    session.flush()


def _aware(moment: datetime) -> datetime:
    from datetime import UTC

    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def sweep(
    session: Session, *, holder: Any, person_id: int | None = None, moment: datetime | None = None
) -> list[DocumentInboxItem]:
    """Run every watch (or one person's): documents stored since its last run that match
    its search, and that its owner may read, are filed in the owner's inbox."""
    moment = moment or now()
    stmt = select(DocumentWatch).order_by(DocumentWatch.id)
    if person_id is not None:
        stmt = stmt.where(DocumentWatch.person_id == person_id)
    filed: list[DocumentInboxItem] = []
    for watch in session.scalars(stmt).all():
        owner = actor_for(session, watch.person_id)
        found = search.search(
            session,
            actor=owner,
            holder=holder,
            query=watch.query,
            limit=50,
            language=watch.language or None,
            source=watch.source or None,
            collection_id=watch.collection_id,
        )
        since = _aware(watch.checked_at)
        for f in found:
            if _aware(f.document.created_at) <= since:
                continue
            item = DocumentInboxItem(
                person_id=watch.person_id,
                watch_id=watch.id,
                document_id=f.document.id,
                title=f.document.title[:500],
                score=f.score,
                created_at=moment,
            )
            try:
                with session.begin_nested():  # filed by an earlier sweep
                    session.add(item)
                    session.flush()
                filed.append(item)
            except IntegrityError:
                pass
        watch.checked_at = moment
    session.flush()
    return filed


def mail_daily(session: Session, *, base_url: str, moment: datetime | None = None) -> int:
    """One mail per person and day listing the inbox items not mailed yet."""
    moment = moment or now()
    items = session.scalars(
        select(DocumentInboxItem)
        .where(DocumentInboxItem.mailed_at.is_(None))
        .order_by(DocumentInboxItem.id)
    ).all()

    def _day(person_id: int) -> str:
        """The reader's day (their zone, else the platform's), not UTC's: a run at 00:30
        and one at 09:00 in Beijing are one day (the first was the day before in UTC)."""
        person = session.get(Person, person_id)
        zone = (person.time_zone if person else None) or clock.display_zone()
        return clock.in_zone(moment, zone).date().isoformat()

    def compose(mine: list[DocumentInboxItem]) -> tuple[str, str]:
        lines = [f"- {i.title}\n  {base_url}/intel/documents/{i.document_id}" for i in mine]
        body = "\n".join(
            [
                _("Your document watches found new documents:"),
                "",
                *lines,
                "",
                _("Your inbox: %(url)s", url=f"{base_url}/intel/watches"),
            ]
        )
        subject = ngettext(
            "labline: %(num)s new document for your watches",
            "labline: %(num)s new documents for your watches",
            len(mine),
        )
        return subject, body

    sent = mail.queue_digests(
        session,
        items=items,
        person_of=lambda i: i.person_id,
        compose=compose,
        key=lambda person_id, _mine: f"intel.watch-digest:{person_id}:{_day(person_id)}",
        kind="intel.watch",
    )
    for mine in sent.values():
        for i in mine:
            i.mailed_at = moment
    session.flush()
    return len(sent)


def inbox(
    session: Session, *, actor: Actor, holder: Any, unread_only: bool = False
) -> Sequence[DocumentInboxItem]:
    """The actor's inbox, after a sweep of their own watches."""
    person_id = _person(actor)
    sweep(session, holder=holder, person_id=person_id)
    stmt = select(DocumentInboxItem).where(DocumentInboxItem.person_id == person_id)
    if unread_only:
        stmt = stmt.where(DocumentInboxItem.read_at.is_(None))
    return session.scalars(stmt.order_by(DocumentInboxItem.id.desc()).limit(500)).all()


def mark_read(session: Session, *, actor: Actor, item_id: int) -> DocumentInboxItem:
    item = session.get(DocumentInboxItem, item_id)
    if item is None or item.person_id != _person(actor):
        raise NotFound(f"There is no item {item_id} in your inbox.", item_id=item_id)
    item.read_at = item.read_at or now()
    session.flush()
    return item
