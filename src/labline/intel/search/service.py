"""Searching documents by their paragraphs with labline.search: bilingual (the dictionary
bridge finds English documents for a Chinese query and the reverse; sentence vectors at
every size, the engine's IVF index answering above its exact limit), filtered inside
retrieval, grouped into documents that show their best paragraphs with the matched terms
marked.

The index lives beside the database (labline.core.indexes): a snapshot on disk plus the
audit tail (a document's row is audited; its paragraphs come with it), which each process
replays before a search. Paragraphs are encoded by the worker (`labline worker`), never in
a web request: a document stored since the worker last ran is found by its words at once
and by its vectors once they are stored. Only the query is encoded here (once a search).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from functools import lru_cache
from typing import Any, Literal

import numpy as np
from numpy.typing import NDArray
from sqlalchemy import select
from sqlalchemy.orm import Session

from labline.core.access import Actor
from labline.core.indexes import service as indexes
from labline.errors import FieldError, InvalidInput
from labline.intel import access
from labline.intel.documents.dates import end_of
from labline.intel.documents.models import Collection, Document, Paragraph
from labline.search import Hit, Record, SearchIndex
from labline.search.bridge import en_to_zh, zh_to_en
from labline.search.dense import Encoder, encode_queries
from labline.search.errors import SearchError
from labline.search.filters import Kind
from labline.search.index import Explanation
from labline.search.queries import QueryVectors

FACETS: dict[str, Kind] = {
    "collection": "keyword",
    "source": "keyword",
    "language": "keyword",
    "type": "keyword",
    "date": "date",  # the first day of the document's period (a day, a month, a year)
    "date_end": "date",  # its last day: a range keeps the documents whose period overlaps it
}
FIELDS = {"title": 1.0, "body": 1.0}
# Paragraph vectors above this many are searched through the engine's IVF index: an exact
# scan reads every vector (200 MB at 100,000 paragraphs) for each of a search's two
# queries, the IVF only the cells nearest the query (intel_speed.py measures both).
EXACT_LIMIT = 20_000
BRIDGED_WEIGHT = 0.8  # a match on the translation counts a little less than on the query
_END = "\u241f"  # ends keyword facet values: filters match by prefix, "1" must not match "12"
Sort = Literal["relevance", "date"]


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
    # What the best paragraph's score is made of: its words, the query's translation (a
    # paragraph found by the translated query counts there whole) and the meaning.
    lexical: float = 0.0
    bridge: float = 0.0
    semantic: float = 0.0


def _key(value: object) -> str:
    return f"{value}{_END}"


def _record(doc: Document, n: int, text: str) -> Record:
    return Record(
        f"{doc.id}:{n}",
        # The title travels with every paragraph so that a title word finds them all.
        {"title": doc.title, "body": text},
        {
            "collection": _key(doc.collection_id),
            "source": _key(doc.source),
            "language": _key(doc.language),
            "type": _key(doc.doc_type),
            "date": doc.issued_on,
            "date_end": end_of(doc.issued_on, doc.date_precision) if doc.issued_on else None,
        },
    )


def _records(session: Session, document_ids: Sequence[int] | None = None) -> list[Record]:
    """The paragraphs of the documents (all of them when None), as index records."""
    docs_q = select(Document).order_by(Document.id)
    rows_q = select(Paragraph.document_id, Paragraph.n, Paragraph.text).order_by(
        Paragraph.document_id, Paragraph.n
    )
    if document_ids is not None:
        docs_q = docs_q.where(Document.id.in_(document_ids))
        rows_q = rows_q.where(Paragraph.document_id.in_(document_ids))
    docs = {d.id: d for d in session.scalars(docs_q)}
    return [_record(docs[d], n, text) for d, n, text in session.execute(rows_q) if d in docs]


def _new_part(_part: str, encoder: Encoder | None) -> SearchIndex:
    index = SearchIndex(
        fields=FIELDS, facets=FACETS, use_dense=encoder is not None, encoder=encoder
    )
    # Set before a snapshot is written, so that it is saved with its IVF index (trained
    # once, by the worker) and a process that opens it does not train one.
    index.vectors.exact_limit = EXACT_LIMIT
    return index


def _live_records(session: Session) -> dict[str, list[Record]]:
    return {"paragraphs": _records(session)}


def _changed(session: Session, table: str, eid: int) -> list[tuple[str, str, Record | None]]:
    """A document's change re-reads its paragraphs; a document gone takes them all."""
    found = _records(session, [eid])
    if not found and session.get(Document, eid) is None:
        return [("paragraphs", f"{eid}:*", None)]
    return [("paragraphs", r.id, r) for r in found]


SPEC = indexes.register(
    indexes.Spec(
        name="intel",
        parts=("paragraphs",),
        tables=("intel_documents",),
        new_part=_new_part,
        live_records=_live_records,
        changed=_changed,
        version=2,  # 2: date_end
    )
)


def index_for(session: Session, holder: Any) -> SearchIndex:
    """The holder's (an app's state, a command's context) paragraph index: opened from the
    snapshot beside the database and caught up with the audit tail."""
    index = indexes.open_index(session, SPEC, holder).parts["paragraphs"]
    index.vectors.exact_limit = EXACT_LIMIT  # (a snapshot written before it was saved)
    return index


@dataclass(frozen=True)
class Coverage:
    """How far the paragraphs' sentence vectors reach: a paragraph the worker has not
    encoded yet is found by its words only (and by its dictionary translation)."""

    paragraphs: int
    waiting: int  # paragraphs without their vector yet
    dense: bool  # whether this server searches by meaning at all (a sentence encoder)

    @property
    def words_only(self) -> bool:
        return self.paragraphs > 0 and (not self.dense or self.waiting > 0)


def coverage(session: Session, holder: Any) -> Coverage:
    """The paragraph index's coverage by sentence vectors (the index opened and caught up
    as a search opens it)."""
    live = indexes.open_index(session, SPEC, holder)
    index = live.parts["paragraphs"]
    waiting = sum(1 for part, _record, _digest in live.pending.values() if part == "paragraphs")
    return Coverage(len(index), waiting, index.encoder is not None)


_QUERY_VECTORS: dict[tuple[str, str], NDArray[np.float32]] = {}


def _query_vector(encoder: Encoder, query: str) -> NDArray[np.float32]:
    """Cached by encoder and query text."""
    key = (encoder.name, query)
    found = _QUERY_VECTORS.get(key)
    if found is None:
        if len(_QUERY_VECTORS) >= 512:
            _QUERY_VECTORS.pop(next(iter(_QUERY_VECTORS)))
        found = _QUERY_VECTORS[key] = encode_queries(encoder, [query])[0]
    return found


def query_vector(index: SearchIndex, query: str) -> NDArray[np.float32] | None:
    """The query's sentence vector (encoded once and shared by the query's searches), or
    None when the index has no dense side."""
    if index.encoder is None or not len(index.vectors):
        return None
    return _query_vector(index.encoder, query[:2000])


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


def _as_translated(e: Explanation | None) -> Explanation | None:
    """A hit of the query's translation, scaled as its score is: its words are the
    translation's."""
    if e is None:
        return None
    w = BRIDGED_WEIGHT
    return replace(e, lexical=0.0, bridge=w * (e.lexical + e.bridge), semantic=w * e.semantic)


def _terms_of(hit: Hit) -> dict[str, float]:
    return hit.explanation.matched_terms if hit.explanation else {}


@lru_cache(maxsize=4096)
def _term_pattern(term: str) -> re.Pattern[str]:
    """A term's pattern, compiled once (a search marks each term in up to 150 paragraphs)."""
    if re.match(r"[A-Za-z0-9]", term):
        return re.compile(rf"\b{re.escape(term)}[A-Za-z]*", re.I)
    return re.compile(re.escape(term))


def spans_of(text: str, terms: Sequence[str]) -> list[tuple[int, int]]:
    """Where the terms occur (English terms by word start, so a stem marks its word)."""
    spans: list[tuple[int, int]] = []
    for term in terms:
        for m in _term_pattern(term).finditer(text):
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
    vectors: QueryVectors | None = None,
) -> list[Found]:
    """The best documents for the query, each with its best paragraphs; `vectors` shares
    the query's vector with a search's other indexes (the one search box)."""
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
    # A document's period overlaps since..until: it ends on or after since and begins on
    # or before until (a 2024 report is inside 2024-03-01..2024-12-31).
    if since:
        filters["date_end"] = {"gte": since.isoformat()}
    if until:
        filters["date"] = {"lte": until.isoformat()}
    index = index_for(session, holder)
    k = max(30, limit * 5)
    try:
        qv = vectors.for_index(index) if vectors is not None else query_vector(index, query)
        hits = index.search(
            query, k=k, filters=filters, explain=True, explain_fields=False, query_vector=qv
        )
        translated = bridged(query)
        if translated:
            # The query's dictionary translation finds the other language's documents by
            # their words (with terms to show), not by vectors alone.
            merged = {h.id: h for h in hits}
            for h in index.search(
                translated,
                k=k,
                filters=filters,
                explain=True,
                explain_fields=False,
                query_vector=qv,
            ):
                scaled = Hit(h.id, h.score * BRIDGED_WEIGHT, _as_translated(h.explanation))
                known = merged.get(h.id)
                if known is None or not _terms_of(known) or known.score < scaled.score:
                    merged[h.id] = scaled
            hits = sorted(merged.values(), key=lambda h: -h.score)
    except SearchError as exc:
        raise InvalidInput(str(exc)) from None
    by_doc: dict[int, list[tuple[int, float, dict[str, float]]]] = {}
    parts: dict[int, tuple[float, float, float]] = {}  # document -> its best paragraph's
    for hit in hits:
        doc_id, n = (int(x) for x in hit.id.split(":"))
        terms = _terms_of(hit)
        if not terms:
            # Vectors alone put every paragraph somewhere in the ranking; a result shows at
            # least one word of the query or of its dictionary translation.
            continue
        if doc_id not in by_doc and hit.explanation is not None:  # hits come best first
            e = hit.explanation
            parts[doc_id] = (e.lexical, e.bridge, e.semantic)
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
        out.append(Found(doc, best[0][1], snippets, sorted(weights), *parts.get(doc_id, (0, 0, 0))))
    out.sort(key=lambda f: -f.score)
    out = out[:limit]
    if sort == "date":
        out.sort(key=lambda f: (f.document.issued_on or date.min, f.score), reverse=True)
    return out
