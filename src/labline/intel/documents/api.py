"""JSON API for documents: collections, import (files or text), documents, feeds."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from fastapi import APIRouter, Depends, File, Form, Query, UploadFile

from labline.config import Settings
from labline.core.deps import CurrentActor, Db, get_settings
from labline.intel.documents.schemas import (
    CollectionCreate,
    CollectionRead,
    CopyRead,
    DocumentRead,
    DocumentSummary,
    FeedCreate,
    FeedPollRead,
    FeedRead,
    ImportReport,
    TextDocumentCreate,
)
from labline.intel.documents.service import feeds, ingest, records
from labline.schemas import Output

router = APIRouter(prefix="/api/v1/intel", tags=["intel"])
AppSettings = Annotated[Settings, Depends(get_settings)]


class CollectionCount(CollectionRead):
    documents: int


class DocumentList(Output):
    items: list[DocumentSummary]
    total: int


@router.get("/collections", response_model=list[CollectionCount])
def list_collections(db: Db, actor: CurrentActor) -> Any:
    return [
        CollectionCount(**CollectionRead.model_validate(c).model_dump(), documents=n)
        for c, n in records.list_collections(db, actor=actor)
    ]


@router.post("/collections", response_model=CollectionRead, status_code=201)
def create_collection(db: Db, actor: CurrentActor, data: CollectionCreate) -> Any:
    """A collection (analysts and operators); `organisation_id` keeps it private to one."""
    return records.create_collection(db, actor=actor, data=data)


@router.post("/documents/import", response_model=ImportReport, status_code=201)
def import_file(
    db: Db,
    actor: CurrentActor,
    settings: AppSettings,
    file: Annotated[UploadFile, File(description="HTML, PDF, DOCX, .txt, .md, .jsonl, RSS/Atom")],
    collection: Annotated[str, Form(min_length=1, max_length=200)] = "default",
    source: Annotated[str, Form(max_length=200)] = "",
) -> Any:
    """Import one file (all or nothing); the report lists what was imported, linked as a
    duplicate or rejected, with the reason."""
    return ingest.ingest_upload(
        db,
        actor=actor,
        name=file.filename or "upload",
        stream=file.file,
        collection_name=collection,
        data_dir=settings.data_dir,
        source=source,
    )


@router.post("/documents", response_model=DocumentSummary, status_code=201)
def create_document(
    db: Db, actor: CurrentActor, settings: AppSettings, data: TextDocumentCreate
) -> Any:
    """Add a document given as text (paragraphs separated by line breaks)."""
    return ingest.ingest_text(db, actor=actor, data=data, data_dir=settings.data_dir).document


@router.get("/documents", response_model=DocumentList)
def list_documents(
    db: Db,
    actor: CurrentActor,
    collection_id: int | None = None,
    since: dt.date | None = None,
    until: dt.date | None = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    offset: Annotated[int, Query(ge=0)] = 0,
) -> Any:
    """Newest first. `since`/`until` keep documents whose date overlaps the range: a
    document dated only by its year (`date_precision` "year") is inside any range that
    overlaps that year."""
    docs, total = records.list_documents(
        db,
        actor=actor,
        collection_id=collection_id,
        since=since,
        until=until,
        limit=limit,
        offset=offset,
    )
    return {"items": docs, "total": total}


@router.get("/documents/{document_id}", response_model=DocumentRead)
def get_document(db: Db, actor: CurrentActor, document_id: int) -> Any:
    """The document with its numbered paragraphs and the copies linked to it."""
    doc = records.get_document(db, actor=actor, document_id=document_id)
    out = DocumentRead.model_validate(doc)
    out.copies = [CopyRead.model_validate(c) for c in records.copies_of(db, document_id=doc.id)]
    return out


@router.get("/feeds", response_model=list[FeedRead])
def list_feeds(db: Db, actor: CurrentActor) -> Any:
    return feeds.list_feeds(db, actor=actor)


@router.post("/feeds", response_model=FeedRead, status_code=201)
def add_feed(db: Db, actor: CurrentActor, data: FeedCreate) -> Any:
    return feeds.add_feed(db, actor=actor, data=data)


@router.get("/feeds/polls", response_model=list[FeedPollRead])
def feed_polls(db: Db, actor: CurrentActor) -> Any:
    """What recent polls fetched (newest first)."""
    return feeds.recent_polls(db, actor=actor)
