"""Watches and the inbox: a user saves a search, follows a need (new achievements that
could meet it) or a field; a sweep files every newly published record a watch finds in
its owner's inbox, once.

Sweeps run when the owner opens the inbox and from `labline market watch-sweep` (hourly
from cron, say); each watch remembers when it last looked, so a record is news once.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from labline.core.access import Actor, require_signed_in
from labline.core.mail import service as mail
from labline.core.refdata import is_industry_code
from labline.errors import FieldError, InvalidInput, NotFound, NotPermitted
from labline.i18n import gettext as _
from labline.market.models import Achievement, InboxItem, TechnologyNeed, Watch
from labline.market.service.market_index import facet_filters, market_for, query_text, search
from labline.market.service.matching import plain_terms, require_owner_view
from labline.market.service.records import LIVE_STATES, get_need, now
from labline.market.watches.schemas import WatchCreate

MAX_WATCHES = 50  # per person: a sweep runs every one of them
HITS = 50  # a search watch looks at this many best matches for new records


def create_watch(session: Session, *, actor: Actor, data: WatchCreate) -> Watch:
    require_signed_in(actor)
    if actor.person_id is None:
        raise InvalidInput("The command line watches for a person: pass --as EMAIL.")
    count = session.scalar(select(func.count()).where(Watch.person_id == actor.person_id))
    if (count or 0) >= MAX_WATCHES:
        raise InvalidInput(
            f"You have {MAX_WATCHES} watches already; remove one first.",
            fields=[FieldError("kind", f"at most {MAX_WATCHES} watches per person")],
        )
    if data.industry_code and not is_industry_code(data.industry_code):
        raise InvalidInput(
            f"{data.industry_code} is not an industry code.",
            fields=[FieldError("industry_code", "a GB/T 4754 division, group or class code")],
        )
    record_kind = data.record_kind
    if data.kind == "need":
        need = get_need(session, actor=actor, need_id=int(data.need_id or 0))
        require_owner_view(actor, need)  # the same people who see its suggestions
        record_kind = "achievement"
    watch = Watch(
        person_id=actor.person_id,
        kind=data.kind,
        record_kind=record_kind,
        query=data.query.strip(),
        need_id=data.need_id if data.kind == "need" else None,
        industry_code=data.industry_code,
        field=data.field.strip(),
        region_code=data.region_code,
        min_readiness=data.min_readiness,
        checked_at=now(),
    )
    session.add(watch)
    session.flush()
    return watch


def my_watches(session: Session, *, actor: Actor) -> Sequence[Watch]:
    require_signed_in(actor)
    return session.scalars(
        select(Watch).where(Watch.person_id == actor.person_id).order_by(Watch.id)
    ).all()


def _own_watch(session: Session, actor: Actor, watch_id: int) -> Watch:
    require_signed_in(actor)
    watch = session.get(Watch, watch_id)
    if watch is None:
        raise NotFound(f"There is no watch {watch_id}.", watch_id=watch_id)
    if watch.person_id != actor.person_id:
        raise NotPermitted("Only its owner can change a watch.")
    return watch


def delete_watch(session: Session, *, actor: Actor, watch_id: int) -> None:
    session.delete(_own_watch(session, actor, watch_id))
    session.flush()


# --- sweeping ----------------------------------------------------------------------------


def _new(model: Any, since: datetime) -> Any:
    return select(model).where(model.state.in_(LIVE_STATES), model.published_at > since)


def _found(session: Session, holder: Any, watch: Watch) -> list[tuple[Any, str]]:
    """Records published since the watch last looked that it matches, with the reason."""
    model = TechnologyNeed if watch.record_kind == "need" else Achievement
    since = watch.checked_at
    if watch.kind == "field":
        stmt = _new(model, since)
        conditions = []
        if watch.industry_code:
            # A division (27) or group (276) follows every class under it.
            conditions.append(model.industry_code.startswith(watch.industry_code))
        if watch.field:
            conditions.append(model.field.contains(watch.field))
        rows = session.scalars(stmt.where(or_(*conditions)).order_by(model.id)).all()
        label = " / ".join(x for x in (watch.industry_code or "", watch.field) if x)
        return [(r, f"in {label}") for r in rows]
    market = market_for(session, holder)
    index = market.needs if watch.record_kind == "need" else market.achievements
    filters = facet_filters(
        region_code=watch.region_code,
        min_readiness=watch.min_readiness if watch.record_kind == "achievement" else None,
        industry_code=watch.industry_code,
    )
    if watch.kind == "need":
        need = session.get(TechnologyNeed, watch.need_id)
        if need is None:
            return []
        query = query_text(need)
    else:
        query = watch.query
    hits = search(index, query, HITS, filters)
    ids = [int(h.id.split(":")[1]) for h in hits]
    fresh = {r.id: r for r in session.scalars(_new(model, since).where(model.id.in_(ids)))}
    out = []
    for hit in hits:
        record = fresh.get(int(hit.id.split(":")[1]))
        if record is None:
            continue
        if watch.kind == "need" and watch.need_id is not None:
            need = session.get(TechnologyNeed, watch.need_id)
            if need is not None and record.organisation_id == need.organisation_id:
                continue
        e = hit.explanation
        # An alert must share words with what was asked (directly or through the
        # dictionary), two of them for a longer query: a likeness in meaning alone, or one
        # common word, is too weak to interrupt anyone.
        if e is None or len(e.matched_terms) < min(2, len(query.split()) or 1):
            continue
        terms = plain_terms(
            dict(e.matched_terms) if e else {},
            f"{record.title} {record.field} {record.summary}".lower(),
        )
        out.append((record, "matched: " + ", ".join(terms or list(e.matched_terms)[:5])))
    return out


def sweep(
    session: Session, *, holder: Any, person_id: int | None = None, moment: datetime | None = None
) -> list[InboxItem]:
    """Run every watch (or one person's); file what is new in the inbox. Returns the items
    filed now."""
    moment = moment or now()
    stmt = select(Watch).order_by(Watch.id)
    if person_id is not None:
        stmt = stmt.where(Watch.person_id == person_id)
    new_items: list[InboxItem] = []
    for watch in session.scalars(stmt).all():
        for record, reason in _found(session, holder, watch):
            kind = "need" if isinstance(record, TechnologyNeed) else "achievement"
            item = InboxItem(
                person_id=watch.person_id,
                watch_id=watch.id,
                record_kind=kind,
                record_id=record.id,
                title=record.title[:200],
                reason=reason[:500],
                created_at=moment,
            )
            try:
                with session.begin_nested():  # already filed by an earlier sweep: skip it
                    session.add(item)
                    session.flush()
                new_items.append(item)
            except IntegrityError:
                pass
        watch.checked_at = moment
    session.flush()
    return new_items


def mail_digests(session: Session, *, items: Sequence[InboxItem], base_url: str) -> int:
    """Queue one e-mail per person listing their new inbox items, in their language.
    The key names the newest item, so a digest is queued once however often this runs."""

    def compose(mine: list[InboxItem]) -> tuple[str, str]:
        lines = [
            f"- {i.title}\n  {i.reason}\n  {base_url}/market/{i.record_kind}s/{i.record_id}"
            for i in mine
        ]
        body = "\n".join(
            [
                _("Your watches found new records on labline:"),
                "",
                *lines,
                "",
                _("Your inbox: %(url)s", url=f"{base_url}/market/watches"),
            ]
        )
        return _("labline: %(num)s new records for your watches", num=len(mine)), body

    return len(
        mail.queue_digests(
            session,
            items=items,
            person_of=lambda i: i.person_id,
            compose=compose,
            key=lambda person_id, mine: f"market.watch-digest:{person_id}:{mine[-1].id}",
            kind="market.watch",
        )
    )


def inbox(
    session: Session, *, actor: Actor, holder: Any, unread_only: bool = False
) -> Sequence[InboxItem]:
    """The actor's inbox, after a sweep of their own watches."""
    require_signed_in(actor)
    if actor.person_id is None:
        raise InvalidInput("The command line reads a person's inbox: pass --as EMAIL.")
    sweep(session, holder=holder, person_id=actor.person_id)
    stmt = select(InboxItem).where(InboxItem.person_id == actor.person_id)
    if unread_only:
        stmt = stmt.where(InboxItem.read_at.is_(None))
    return session.scalars(stmt.order_by(InboxItem.id.desc()).limit(500)).all()


def mark_read(session: Session, *, actor: Actor, item_id: int) -> InboxItem:
    require_signed_in(actor)
    item = session.get(InboxItem, item_id)
    if item is None or item.person_id != actor.person_id:
        raise NotFound(f"There is no item {item_id} in your inbox.", item_id=item_id)
    item.read_at = item.read_at or now()
    session.flush()
    return item
