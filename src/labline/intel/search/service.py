"""Searching documents by their paragraphs with labline.search: bilingual (the dictionary
bridge finds English documents for a Chinese query and the reverse; sentence vectors
while the corpus is small enough to encode), filtered inside retrieval, grouped into
documents that show their best paragraphs with the matched terms marked.

Each app process (or command) holds one index, built from the database the first time it
is needed and caught up with newly stored documents before each search.
"""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from labline.core.access import Actor
from labline.core.directory.service import live_encoder
from labline.errors import FieldError, InvalidInput
from labline.intel import access
from labline.intel.documents.models import Collection, Document, Paragraph
from labline.search import Hit, Record, SearchIndex
from labline.search.bridge import en_to_zh, zh_to_en
from labline.search.errors import SearchError
from labline.search.filters import Kind
from labline.search.persistence import load as load_index
from labline.search.persistence import save as save_index

FACETS: dict[str, Kind] = {
    "collection": "keyword",
    "source": "keyword",
    "language": "keyword",
    "type": "keyword",
    "date": "date",
}
FIELDS = {"title": 1.0, "body": 1.0}
DENSE_LIMIT = 20_000  # paragraphs; above this the index is lexical + dictionary bridge only
BRIDGED_WEIGHT = 0.8  # a match on the translation counts a little less than on the query
_END = "\u241f"  # ends keyword facet values: filters match by prefix, "1" must not match "12"
_lock = threading.Lock()
Sort = Literal["relevance", "date"]


@dataclass
class DocumentIndex:
    index: SearchIndex
    last_document_id: int
    documents: int


@dataclass
class Snippet:
    n: int
    text: str
    spans: list[tuple[int, int]]  # matched terms: [start, end) offsets into text


@dataclass
class Found:
    document: Document
    score: float
    paragraphs: list[Snippet] = field(default_factory=list)
    terms: list[str] = field(default_factory=list)


def _key(value: object) -> str:
    return f"{value}{_END}"


def _records(session: Session, after_id: int = 0) -> tuple[list[Record], int, int]:
    docs = {
        d.id: d
        for d in session.scalars(
            select(Document).where(Document.id > after_id).order_by(Document.id)
        )
    }
    records: list[Record] = []
    rows = session.execute(
        select(Paragraph.document_id, Paragraph.n, Paragraph.text)
        .where(Paragraph.document_id > after_id)
        .order_by(Paragraph.document_id, Paragraph.n)
    )
    for doc_id, n, text in rows:
        doc = docs[doc_id]
        records.append(
            Record(
                f"{doc_id}:{n}",
                # The title travels with every paragraph so that a title word finds them all.
                {"title": doc.title, "body": text},
                {
                    "collection": _key(doc.collection_id),
                    "source": _key(doc.source),
                    "language": _key(doc.language),
                    "type": _key(doc.doc_type),
                    "date": doc.issued_on,
                },
            )
        )
    return records, max(docs, default=after_id), len(docs)


def build(session: Session, *, dense: bool | None = None) -> DocumentIndex:
    records, last, count = _records(session)
    use_dense = len(records) <= DENSE_LIMIT if dense is None else dense
    index = SearchIndex(
        fields=FIELDS,
        facets=FACETS,
        use_dense=use_dense,
        encoder=live_encoder() if use_dense else None,
    )
    for i in range(0, len(records), 5000):
        index.add(records[i : i + 5000])
    return DocumentIndex(index, last, count)


def catch_up(session: Session, found: DocumentIndex) -> int:
    """Add documents stored since the index was built (a rebuild if any went away)."""
    count = int(session.scalar(select(func.count(Document.id))) or 0)
    last = int(session.scalar(select(func.max(Document.id))) or 0)
    if last < found.last_document_id or count < found.documents:  # deleted or rolled back
        fresh = build(session, dense=found.index.encoder is not None)
        found.index, found.last_document_id, found.documents = (
            fresh.index,
            fresh.last_document_id,
            fresh.documents,
        )
        return fresh.documents
    if last == found.last_document_id:
        return 0
    records, last, added = _records(session, found.last_document_id)
    if records:
        found.index.add(records)
    found.last_document_id, found.documents = last, found.documents + added
    return added


def save(found: DocumentIndex, folder: Path) -> None:
    save_index(found.index, folder)
    meta = {
        "last_document_id": found.last_document_id,
        "documents": found.documents,
        "dense": found.index.encoder is not None,
    }
    (folder / "intel.json").write_text(json.dumps(meta), encoding="utf-8")


def load(folder: Path) -> DocumentIndex | None:
    try:
        meta = json.loads((folder / "intel.json").read_text(encoding="utf-8"))
        options = {"encoder": live_encoder()} if meta["dense"] else {}
        index = load_index(folder, **options)
        return DocumentIndex(index, int(meta["last_document_id"]), int(meta["documents"]))
    except (OSError, ValueError, KeyError, SearchError):
        return None


def index_for(session: Session, holder: Any, *, folder: Path | None = None) -> DocumentIndex:
    """The holder's index (an app's state, a command's context): loaded from `folder` or
    built once, then caught up with the documents stored since; saved back when it moved."""
    with _lock:
        found: DocumentIndex | None = getattr(holder, "intel_index", None)
        if found is None:
            found = (load(folder) if folder else None) or build(session)
            holder.intel_index = found
            fresh = True
        else:
            fresh = False
        changed = catch_up(session, found) > 0 or fresh
        if folder is not None and changed:
            folder.mkdir(parents=True, exist_ok=True)
            save(found, folder)
        return found


def _terms(query: str, matched: dict[str, float]) -> list[str]:
    words = {w.lower() for w in re.findall(r"[A-Za-z0-9]{2,}", query)}
    for run in re.findall(r"[\u4e00-\u9fff]+", query):
        words.add(run)
    words |= {t for t in matched if len(t) >= 2}
    return sorted(words, key=len, reverse=True)


@lru_cache(maxsize=1024)
def bridged(query: str, *, terms: int = 8) -> str:
    """The query's words in the other language (CC-CEDICT), as a query string."""
    weights: dict[str, float] = {}
    if re.search(r"[\u4e00-\u9fff]", query):
        weights.update(zh_to_en(query))
    if re.search(r"[A-Za-z]", query):
        weights.update(en_to_zh(query))
    best = sorted(weights.items(), key=lambda kv: -kv[1])[:terms]
    return " ".join(t for t, _w in best)


def _terms_of(hit: Hit) -> dict[str, float]:
    return hit.explanation.matched_terms if hit.explanation else {}


def spans_of(text: str, terms: Sequence[str]) -> list[tuple[int, int]]:
    """Where the terms occur (English terms by word start, so a stem marks its word)."""
    spans: list[tuple[int, int]] = []
    for term in terms:
        if re.match(r"[A-Za-z0-9]", term):
            pattern = re.compile(rf"\b{re.escape(term)}[A-Za-z]*", re.I)
        else:
            pattern = re.compile(re.escape(term))
        for m in pattern.finditer(text):
            if not any(s < m.end() and m.start() < e for s, e in spans):
                spans.append((m.start(), m.end()))
    return sorted(spans)


def search(
    session: Session,
    *,
    actor: Actor,
    holder: Any,
    query: str,
    limit: int = 10,
    language: str | None = None,
    source: str | None = None,
    collection_id: int | None = None,
    doc_type: str | None = None,
    since: date | None = None,
    until: date | None = None,
    sort: Sort = "relevance",
    per_document: int = 3,
    folder: Path | None = None,
) -> list[Found]:
    """The best documents for the query, each with its best paragraphs."""
    access.require_reader(actor)
    if not query.strip():
        raise InvalidInput("Say what to look for", fields=[FieldError("q", "empty query")])
    if since and until and until < since:
        raise InvalidInput(
            "The date range is empty", fields=[FieldError("until", "must not be before since")]
        )
    readable = session.scalars(select(Collection.id).where(access.readable_for(actor))).all()
    if collection_id is not None:
        readable = [c for c in readable if c == collection_id]
    if not readable:
        return []
    filters: dict[str, Any] = {"collection": [_key(c) for c in readable]}
    if language:
        filters["language"] = _key(language)
    if source:
        filters["source"] = _key(source)
    if doc_type:
        filters["type"] = _key(doc_type)
    if since or until:
        bounds = {}
        if since:
            bounds["gte"] = since.isoformat()
        if until:
            bounds["lte"] = until.isoformat()
        filters["date"] = bounds
    index = index_for(session, holder, folder=folder).index
    k = max(30, limit * 5)
    try:
        hits = index.search(query, k=k, filters=filters, explain=True, explain_fields=False)
        translated = bridged(query)
        if translated:
            # The query's dictionary translation finds the other language's documents by
            # their words (with terms to show), not by vectors alone.
            merged = {h.id: h for h in hits}
            for h in index.search(
                translated, k=k, filters=filters, explain=True, explain_fields=False
            ):
                scaled = Hit(h.id, h.score * BRIDGED_WEIGHT, h.explanation)
                known = merged.get(h.id)
                if known is None or not _terms_of(known) or known.score < scaled.score:
                    merged[h.id] = scaled
            hits = sorted(merged.values(), key=lambda h: -h.score)
    except SearchError as exc:
        raise InvalidInput(str(exc)) from None
    by_doc: dict[int, list[tuple[int, float, dict[str, float]]]] = {}
    for hit in hits:
        doc_id, n = (int(x) for x in hit.id.split(":"))
        terms = _terms_of(hit)
        if not terms:
            # Vectors alone put every paragraph somewhere in the ranking; a result shows at
            # least one word of the query or of its dictionary translation.
            continue
        by_doc.setdefault(doc_id, []).append((n, hit.score, terms))
    # The best `limit` documents by their best paragraph; their texts come from the index
    # (paragraphs never change), so a search costs one query for the documents.
    ranked = sorted(by_doc.items(), key=lambda kv: -max(p[1] for p in kv[1]))[: limit * 2]
    docs = {
        d.id: d
        for d in session.scalars(select(Document).where(Document.id.in_([i for i, _ in ranked])))
    }
    out: list[Found] = []
    for doc_id, paras in ranked:
        doc = docs.get(doc_id)
        if doc is None:  # stored in another transaction that was rolled back
            continue
        best = sorted(paras, key=lambda p: -p[1])[:per_document]
        weights: dict[str, float] = {}
        for _n, _s, m in best:
            weights.update(m)
        marks = _terms(query, weights)
        snippets = []
        for n, _s, _m in best:
            text = index.texts[index.row_of[f"{doc_id}:{n}"]]["body"]
            snippets.append(Snippet(n, text, spans_of(text, marks)))
        out.append(Found(doc, best[0][1], snippets, sorted(weights)))
    out.sort(key=lambda f: -f.score)
    out = out[:limit]
    if sort == "date":
        out.sort(key=lambda f: (f.document.issued_on or date.min, f.score), reverse=True)
    return out
