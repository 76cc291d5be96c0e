"""Feeds: subscribing a collection to RSS/Atom and polling them (for cron); each poll is
recorded with what it fetched or why it failed."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from labline import clock
from labline.core.access import Actor
from labline.errors import FieldError, InvalidInput
from labline.intel import access
from labline.intel.documents.feeds import fetch_feed
from labline.intel.documents.models import Feed, FeedPoll
from labline.intel.documents.readers import Rejected, read_feed
from labline.intel.documents.schemas import FeedCreate
from labline.intel.documents.service.ingest import store
from labline.intel.documents.service.records import collection_named

Fetch = Callable[[str], bytes]


def add_feed(session: Session, *, actor: Actor, data: FeedCreate) -> Feed:
    access.require_ingest(actor)
    collection = collection_named(session, actor=actor, name=data.collection)
    if session.scalar(select(Feed.id).where(Feed.url == data.url)):
        raise InvalidInput(
            "This feed is already polled", fields=[FieldError("url", "already subscribed")]
        )
    feed = Feed(url=data.url, collection_id=collection.id, source=data.source)
    session.add(feed)
    session.flush()
    return feed


def list_feeds(session: Session, *, actor: Actor) -> Sequence[Feed]:
    access.require_ingest(actor)
    return session.scalars(select(Feed).order_by(Feed.id)).all()


def poll_feed(session: Session, *, actor: Actor, feed: Feed, fetch: Fetch = fetch_feed) -> FeedPoll:
    """Fetch one feed and import its new entries; a failure is recorded, not raised."""
    access.require_ingest(actor)
    poll = FeedPoll(
        feed_id=feed.id, polled_at=clock.now(), imported=0, duplicates=0, rejected=0, error=""
    )
    try:
        entries = read_feed(fetch(feed.url), feed.url)
    except Rejected as exc:
        poll.error = exc.message[:500]
        entries = []
    poll.entries = len(entries)
    from labline.intel.documents.models import Collection

    collection = session.get(Collection, feed.collection_id)
    assert collection is not None  # the foreign key cascades
    for parsed in entries:
        savepoint = session.begin_nested()
        try:
            outcome = store(session, collection=collection, parsed=parsed, source=feed.source)
        except Exception:
            savepoint.rollback()
            poll.rejected += 1
            continue
        savepoint.commit()
        if outcome.outcome == "imported":
            poll.imported += 1
        elif outcome.outcome == "duplicate":
            poll.duplicates += 1
    feed.last_polled_at = poll.polled_at
    session.add(poll)
    session.flush()
    return poll


def poll_all(
    session: Session, *, actor: Actor, fetch: Fetch = fetch_feed
) -> list[tuple[Feed, FeedPoll]]:
    return [
        (f, poll_feed(session, actor=actor, feed=f, fetch=fetch))
        for f in list_feeds(session, actor=actor)
    ]


def recent_polls(session: Session, *, actor: Actor, limit: int = 50) -> Sequence[FeedPoll]:
    access.require_ingest(actor)
    return session.scalars(select(FeedPoll).order_by(FeedPoll.id.desc()).limit(limit)).all()
