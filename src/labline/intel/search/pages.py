"""The document search page: filters, results with marked terms, digests and a topic digest."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, Response

from labline.core.access import require_signed_in
from labline.core.deps import CurrentActor, Db
from labline.errors import FieldError, InvalidInput
from labline.i18n import get_locale
from labline.intel import access
from labline.intel.digests import service as digests
from labline.intel.documents.service import records
from labline.intel.search import service
from labline.intel.search.present import results_of, segments
from labline.web.render import render

router = APIRouter(include_in_schema=False)


def _day(value: str, name: str) -> dt.date | None:
    if not value.strip():
        return None
    try:
        return dt.date.fromisoformat(value.strip())
    except ValueError:
        raise InvalidInput(
            f"{name} is not a date", fields=[FieldError(name, "not a date", "YYYY-MM-DD")]
        ) from None


@router.get("/intel/search", response_class=HTMLResponse)
def search_page(
    request: Request,
    db: Db,
    actor: CurrentActor,
    q: Annotated[str, Query(max_length=2000)] = "",
    lang: Annotated[str, Query(pattern="^(|zh|en)$")] = "",
    source: Annotated[str, Query(max_length=200)] = "",
    collection_id: Annotated[str, Query(pattern=r"^\d*$")] = "",
    since: Annotated[str, Query(max_length=10)] = "",
    until: Annotated[str, Query(max_length=10)] = "",
    sort: Annotated[str, Query(pattern="^(relevance|date)?$")] = "relevance",
    digest: bool = False,
) -> Response:
    require_signed_in(actor)
    results: Any = None
    words_only = None
    topic = None
    if q.strip():
        found = service.search(
            db,
            actor=actor,
            holder=request.app.state,
            query=q,
            limit=20,
            language=lang or None,
            source=source.strip() or None,
            collection_id=int(collection_id) if collection_id else None,
            since=_day(since, "since"),
            until=_day(until, "until"),
            sort="date" if sort == "date" else "relevance",
        )
        read = results_of(
            found, with_digest=digest, coverage=service.coverage(db, request.app.state)
        )
        results, words_only = read.results, read.words_only
        if digest and found:
            topic = digests.topic_digest(
                db, actor=actor, document_ids=[f.document.id for f in found[:5]]
            )
    english = get_locale() == "en"
    ctx = {
        "q": q,
        "lang": lang,
        "source": source,
        "collection_id": collection_id,
        "since": since,
        "until": until,
        "sort": sort or "relevance",
        "digest": digest,
        "results": results,
        "words_only": words_only,
        "topic": topic,
        "segments": segments,
        "gloss": digests.gloss if english else (lambda _h: None),
        "collections": records.list_collections(db, actor=actor),
        "can_export": access.can_ingest(actor),
    }
    return render(request, "intel/search.html", ctx)
