"""JSON API for document search, digests and topic digests."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Request

from labline.core.deps import CurrentActor, Db
from labline.intel.digests import service as digests
from labline.intel.digests.schemas import DigestRead, TopicDigestRead
from labline.intel.search import service
from labline.intel.search.present import results_of
from labline.intel.search.schemas import SearchRead

router = APIRouter(prefix="/api/v1/intel", tags=["intel"])
Q = Annotated[str, Query(min_length=1, max_length=2000, description="Chinese, English or both")]


@router.get("/search", response_model=SearchRead)
def search(
    request: Request,
    db: Db,
    actor: CurrentActor,
    q: Q,
    lang: Literal["zh", "en"] | None = None,
    source: Annotated[str | None, Query(max_length=200)] = None,
    collection_id: int | None = None,
    type: Annotated[str | None, Query(max_length=20)] = None,
    since: dt.date | None = None,
    until: dt.date | None = None,
    sort: Literal["relevance", "date"] = "relevance",
    limit: Annotated[int, Query(ge=1, le=100)] = 10,
    digest: bool = False,
) -> Any:
    """Documents whose paragraphs match (a Chinese query finds English documents and the
    reverse), each with its best paragraphs and the matched terms' offsets; `digest=true`
    adds each document's digest."""
    found = service.search(
        db,
        actor=actor,
        holder=request.app.state,
        query=q,
        limit=limit,
        language=lang,
        source=source,
        collection_id=collection_id,
        doc_type=type,
        since=since,
        until=until,
        sort=sort,
    )
    coverage = service.coverage(db, request.app.state)
    return results_of(found, with_digest=digest, coverage=coverage)


@router.get("/search/topic", response_model=TopicDigestRead)
def topic(
    request: Request,
    db: Db,
    actor: CurrentActor,
    q: Q,
    top: Annotated[int, Query(ge=1, le=20)] = 5,
    lang: Literal["zh", "en"] | None = None,
) -> Any:
    """The shared themes of the top results, each point citing [document, paragraph]."""
    found = service.search(
        db,
        actor=actor,
        holder=request.app.state,
        query=q,
        limit=top,
        language=lang,
    )
    return digests.topic_digest(db, actor=actor, document_ids=[f.document.id for f in found])


@router.get("/documents/{document_id}/digest", response_model=DigestRead)
def document_digest(db: Db, actor: CurrentActor, document_id: int) -> Any:
    """The document's core viewpoint and groups, every point citing its paragraphs."""
    return digests.document_digest(db, actor=actor, document_id=document_id)
