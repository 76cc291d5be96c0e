"""Collections and documents: creating collections, reading documents an actor may see."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from sqlalchemy import ColumnElement, and_, func, or_, select
from sqlalchemy.orm import Session, selectinload

from labline.core.access import Actor
from labline.core.models import Organisation
from labline.errors import FieldError, InvalidInput, NotFound, NotPermitted
from labline.intel import access
from labline.intel.documents.dates import start_of
from labline.intel.documents.models import Collection, Document, DocumentCopy, Paragraph
from labline.intel.documents.schemas import CollectionCreate


def create_collection(session: Session, *, actor: Actor, data: CollectionCreate) -> Collection:
    access.require_ingest(actor)
    if data.organisation_id is not None:
        if session.get(Organisation, data.organisation_id) is None:
            raise InvalidInput(
                "No such organisation",
                fields=[FieldError("organisation_id", "no organisation has this id")],
            )
        if not actor.is_operator and data.organisation_id not in actor.org_roles:
            raise NotPermitted(
                "Only this organisation's people can keep a collection private to it."
            )
    if session.scalar(select(Collection.id).where(Collection.name == data.name)):
        raise InvalidInput(
            "A collection has this name",
            fields=[FieldError("name", "already taken; choose another name")],
        )
    collection = Collection(**data.model_dump())
    session.add(collection)
    session.flush()
    return collection


def collection_named(
    session: Session, *, actor: Actor, name: str, create: bool = True
) -> Collection:
    """The collection with this name, which the actor may add to (created if missing)."""
    access.require_ingest(actor)
    found = session.scalar(select(Collection).where(Collection.name == name))
    if found is None:
        if not create:
            raise NotFound(f"No collection named {name!r}")
        return create_collection(session, actor=actor, data=CollectionCreate(name=name))
    if not access.can_write(actor, found):
        raise NotFound(f"No collection named {name!r}")
    return found


def list_collections(session: Session, *, actor: Actor) -> list[tuple[Collection, int]]:
    access.require_reader(actor)
    counts = (
        select(Document.collection_id, func.count(Document.id).label("n"))
        .group_by(Document.collection_id)
        .subquery()
    )
    rows = session.execute(
        select(Collection, func.coalesce(counts.c.n, 0))
        .outerjoin(counts, counts.c.collection_id == Collection.id)
        .where(access.readable_for(actor))
        .order_by(Collection.name)
    ).all()
    return [(c, int(n)) for c, n in rows]


def get_document(session: Session, *, actor: Actor, document_id: int) -> Document:
    access.require_reader(actor)
    doc = session.scalar(
        select(Document)
        .options(selectinload(Document.paragraphs))
        .where(Document.id == document_id)
    )
    # Unreadable documents are not found: their existence is not disclosed.
    if doc is None or not access.can_read(actor, doc.collection):
        raise NotFound(f"No document {document_id}")
    return doc


def copies_of(session: Session, *, document_id: int) -> Sequence[DocumentCopy]:
    return session.scalars(
        select(DocumentCopy)
        .where(DocumentCopy.document_id == document_id)
        .order_by(DocumentCopy.seen_at)
    ).all()


def list_documents(
    session: Session,
    *,
    actor: Actor,
    collection_id: int | None = None,
    since: date | None = None,
    until: date | None = None,
    limit: int = 50,
    offset: int = 0,
) -> tuple[list[Document], int]:
    """Newest first (a year-precision date sorts as its first day); `since`/`until` keep
    the documents whose period overlaps the range (dates.py)."""
    access.require_reader(actor)
    if since and until and until < since:
        raise InvalidInput(
            "The date range is empty", fields=[FieldError("until", "must not be before since")]
        )
    query = select(Document).join(Collection).where(access.readable_for(actor))
    if collection_id is not None:
        query = query.where(Document.collection_id == collection_id)
    if since is not None:
        query = query.where(period_ends_on_or_after(since))
    if until is not None:
        query = query.where(Document.issued_on <= until)
    total = int(session.scalar(select(func.count()).select_from(query.subquery())) or 0)
    docs = session.scalars(
        query.order_by(Document.issued_on.desc().nulls_last(), Document.id.desc())
        .limit(limit)
        .offset(offset)
    ).all()
    return list(docs), total


def period_ends_on_or_after(day: date) -> ColumnElement[bool]:
    """Documents whose period (a day, a month, a year) ends on or after the day."""
    return or_(
        Document.issued_on >= day,
        and_(Document.date_precision == "month", Document.issued_on >= start_of(day, "month")),
        and_(Document.date_precision == "year", Document.issued_on >= start_of(day, "year")),
    )


def paragraphs_of(session: Session, document_ids: Sequence[int]) -> dict[int, list[str]]:
    """Paragraph texts by document, in order (for digests and search)."""
    out: dict[int, list[str]] = {i: [] for i in document_ids}
    rows = session.execute(
        select(Paragraph.document_id, Paragraph.text)
        .where(Paragraph.document_id.in_(document_ids))
        .order_by(Paragraph.document_id, Paragraph.n)
    ).all()
    for doc_id, text in rows:
        out[doc_id].append(text)
    return out
