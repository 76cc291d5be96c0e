"""Looking up live needs and achievements by free text, for other domains (e.g. intel's links
from a document to the market): only the public face of live records, ranked by the
market's own search indexes, with the words each match was found by."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from labline.core.access import Actor, Permission, require
from labline.finding import Ask
from labline.finding import Found as Finding
from labline.market.models import Achievement, TechnologyNeed
from labline.market.service.market_index import facet_filters, market_for, query_text, search
from labline.market.service.records import LIVE_STATES, RecordKind
from labline.search.dense import encode_queries
from labline.search.index import Explanation
from labline.search.queries import QueryVectors
from labline.search.surface import surface_terms


@dataclass(frozen=True)
class Found:
    kind: RecordKind
    record: Achievement | TechnologyNeed
    score: float
    matched_terms: list[str]
    explanation: Explanation | None = None


def search_live(
    session: Session,
    *,
    actor: Actor,
    holder: Any,
    query: str,
    kind: RecordKind,
    k: int = 5,
    region_code: str | None = None,
) -> list[Found]:
    """The live records of this kind that best match the text (anyone who may see the
    market's listings may ask)."""
    return search_live_both(
        session, actor=actor, holder=holder, query=query, k=k, region_code=region_code
    )[kind]


def search_live_both(
    session: Session,
    *,
    actor: Actor,
    holder: Any,
    query: str,
    k: int = 5,
    region_code: str | None = None,
    vector: Any = None,
    vectors: QueryVectors | None = None,
) -> dict[RecordKind, list[Found]]:
    """Live achievements and needs for the text, the query encoded once for both (or given
    as `vector`, from query_vectors, or shared with a search's other indexes through
    `vectors`)."""
    require(actor, Permission.view_directory)
    if not query.strip():
        return {"achievement": [], "need": []}
    market = market_for(session, holder)
    encoder = market.achievements.encoder
    if vector is None:
        vector = (vectors or QueryVectors(query)).of(encoder)
    filters = facet_filters(region_code=region_code)
    pairs: tuple[tuple[RecordKind, Any], ...] = (
        ("achievement", market.achievements),
        ("need", market.needs),
    )
    return {
        kind: _found(session, kind, search(index, query, k * 2 + 3, filters, vector), k)
        for kind, index in pairs
    }


def query_vectors(session: Session, *, holder: Any, queries: list[str]) -> list[Any]:
    """The queries' vectors for the market's indexes, encoded in one batch (about ten times
    faster than one by one); None each when the indexes are lexical only."""
    encoder = market_for(session, holder).achievements.encoder
    if encoder is None or not queries:
        return [None] * len(queries)
    return list(encode_queries(encoder, queries))


def _found(session: Session, kind: RecordKind, hits: list[Any], k: int) -> list[Found]:
    model: Any = TechnologyNeed if kind == "need" else Achievement
    ids = [int(h.id.split(":")[1]) for h in hits]
    rows = {
        r.id: r
        for r in session.scalars(
            select(model).where(model.id.in_(ids)).options(selectinload(model.organisation))
        )
    }
    out: list[Found] = []
    for hit in hits:
        record = rows.get(int(hit.id.split(":")[1]))
        if record is None or record.state not in LIVE_STATES:
            continue
        terms = sorted(hit.explanation.matched_terms) if hit.explanation else []
        out.append(Found(kind, record, hit.score, terms, hit.explanation))
        if len(out) == k:
            break
    return out


def find(session: Session, ask: Ask) -> list[Finding]:
    """Live needs and achievements for the one search box (the market's Searchable): their
    public face only, with the whole words they were found by."""
    if Permission.view_directory not in ask.actor.permissions:
        return []
    both = search_live_both(
        session,
        actor=ask.actor,
        holder=ask.holder,
        query=ask.query,
        k=ask.k,
        vectors=ask.vectors,
    )
    out: list[Finding] = []
    for kind, found in both.items():
        for f in found:
            org = f.record.organisation
            out.append(
                Finding(
                    kind=kind,
                    id=f.record.id,
                    path=f"/market/{kind}s/{f.record.id}",
                    title=f.record.title,
                    detail=f"{org.name_zh} / {org.name_en} · {f.record.field}",
                    score=f.score,
                    matched_terms=tuple(surface_terms(f.matched_terms, query_text(f.record), 8)),
                    lexical=f.explanation.lexical if f.explanation else 0.0,
                    bridge=f.explanation.bridge if f.explanation else 0.0,
                    semantic=f.explanation.semantic if f.explanation else 0.0,
                )
            )
    return out
