"""Links between documents and labline's own records, computed on demand.

A document's organisations are looked up in the directory, its places are regions with the
market's records there, and its technical terms find live achievements and needs — all
through core's and market's public service functions. Every link carries a confidence:

- organisation: 1.0 when the record's Chinese or English name is the mention, 0.6–0.9 when
  one name holds the other, else the names' character-bigram overlap (kept from 0.5);
- term: 0.9 when the term stands in the record's title, 0.8 in its field, 0.7 in its
  summary; a record the search found only through translation or meaning scores at most
  0.45, scaled by its rank against the best hit;
- place: 1.0 for a full name (江苏省), 0.9 for a short one (江苏), 0.5 when two regions share
  the short name.

The other way, documents about a term or a market record's field are the intel search's
best matches, newest first.
"""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy.orm import Session

from labline.core import refdata
from labline.core.access import Actor, Permission
from labline.core.directory import service as directory
from labline.core.service import organisations
from labline.errors import FieldError, InvalidInput
from labline.intel.access import require_reader
from labline.intel.documents.models import Document
from labline.intel.documents.service import records
from labline.intel.engine.mentions import Mention, Place, extract
from labline.intel.links.schemas import (
    AboutListRead,
    AboutRead,
    DocumentLinksRead,
    MentionRead,
    RecordLink,
)
from labline.intel.search import service as search
from labline.market.service import lookup
from labline.market.service import records as market_records

MIN_CONFIDENCE = 0.5
ORGANISATIONS, PLACES, TERMS = 10, 6, 8
_PUNCT = re.compile(r"[\s\W_]+")


def _norm(name: str) -> str:
    return _PUNCT.sub("", name.lower()).removeprefix("the")


def _bigrams(text: str) -> set[str]:
    return {text[i : i + 2] for i in range(len(text) - 1)} or {text}


def _distinct(a: str, b: str) -> tuple[str, str]:
    start = 0
    while start < min(len(a), len(b)) and a[start] == b[start]:
        start += 1
    end = 0
    while end < min(len(a), len(b)) - start and a[-1 - end] == b[-1 - end]:
        end += 1
    return a[start : len(a) - end], b[start : len(b) - end]


def name_confidence(mention: str, *names: str) -> float:
    """How surely a mention names a record with these names (see the module's notes)."""
    m = _norm(mention)
    best = 0.0
    for name in names:
        n = _norm(name)
        if not n or not m:
            continue
        if n == m:
            return 1.0
        if n in m or m in n:
            short, long = sorted((len(n), len(m)))
            best = max(best, 0.6 + 0.3 * short / long)
        else:
            # What sets the names apart: without their shared start and end (示例市|成都市
            # 科学技术局, Department of Energy|Education), the rest must still look alike.
            x, y = _distinct(m, n)
            if not x or not y:  # one is the other with words inserted (股份)
                short, long = sorted((len(n), len(m)))
                best = max(best, 0.6 + 0.3 * short / long)
                continue
            a, b = _bigrams(x), _bigrams(y)
            best = max(best, 0.8 * 2 * len(a & b) / (len(a) + len(b)))
    return round(best, 3)


def term_confidence(term: str, record: Any, score: float, top: float) -> tuple[float, str]:
    t = term.lower()
    for text, value in ((record.title, 0.9), (record.field, 0.8), (record.summary, 0.7)):
        if t in (text or "").lower():
            return value, "text"
    return round(0.45 * (score / top if top else 0.0), 3), "search"


def _places() -> tuple[Place, ...]:
    return tuple(Place(r.code, r.name_zh, r.name_en) for r in refdata.regions())


def _mention(m: Mention, links: list[RecordLink]) -> MentionRead:
    return MentionRead(
        kind=m.kind,
        text=m.text,
        paragraphs=m.paragraphs,
        count=m.count,
        code=m.code,
        ambiguous=m.ambiguous,
        links=links,
    )


def _market_link(found: lookup.Found, confidence: float, basis: str, via: str) -> RecordLink:
    plural = "needs" if found.kind == "need" else "achievements"
    org = found.record.organisation
    return RecordLink(
        kind=found.kind,
        id=str(found.record.id),
        title=found.record.title,
        url=f"/market/{plural}/{found.record.id}",
        confidence=confidence,
        basis=basis,
        via=[via],
        organisation_zh=org.name_zh,
        organisation_en=org.name_en,
    )


def _organisation_links(
    session: Session, actor: Actor, holder: Any, m: Mention
) -> list[RecordLink]:
    hits = directory.resolve(
        session,
        directory.search_directory(session, actor=actor, holder=holder, query=m.text, k=5),
    )
    out: list[RecordLink] = []
    for hit in hits:
        confidence = name_confidence(m.text, hit.name_zh, hit.name_en)
        if confidence < MIN_CONFIDENCE:
            continue
        url = (
            f"/organisations/{hit.id}"
            if hit.type == "organisation"
            else f"/organisations/{hit.organisation_id}"
        )
        out.append(
            RecordLink(
                kind=hit.type,
                id=str(hit.id),
                title=f"{hit.name_zh} {hit.name_en}".strip(),
                url=url,
                confidence=confidence,
                basis="name",
                via=[m.text],
                organisation_zh=hit.organisation_zh if hit.type == "team" else "",
                organisation_en=hit.organisation_en if hit.type == "team" else "",
            )
        )
    out.sort(key=lambda r: -r.confidence)
    return out[:3]


def _term_links(
    session: Session, actor: Actor, holder: Any, term: str, vector: Any
) -> list[RecordLink]:
    out: list[RecordLink] = []
    both = lookup.search_live_both(
        session, actor=actor, holder=holder, query=term, k=5, vector=vector
    )
    for found in both.values():
        top = max((f.score for f in found), default=0.0)
        for f in found:
            confidence, basis = term_confidence(term, f.record, f.score, top)
            if confidence >= 0.3:
                out.append(_market_link(f, confidence, basis, term))
    out.sort(key=lambda r: -r.confidence)
    return out


def _place_links(
    session: Session, actor: Actor, holder: Any, m: Mention, query: str, vector: Any
) -> list[RecordLink]:
    region = refdata.region(m.code or "")
    if region is None:
        return []
    full = m.text in (region.name_zh, region.name_en)
    confidence = 1.0 if full else (0.5 if m.ambiguous else 0.9)
    out = [
        RecordLink(
            kind="region",
            id=region.code,
            title=f"{region.name_zh} {region.name_en}",
            url=f"/market?kind=achievements&region={region.code}",
            confidence=confidence,
            basis="name",
            via=[m.text],
        )
    ]
    if query:
        both = lookup.search_live_both(
            session,
            actor=actor,
            holder=holder,
            query=query,
            k=2,
            region_code=region.code,
            vector=vector,
        )
        for found in both.values():
            for f in found:
                # In the region for sure; about the document's terms as surely as they stand.
                term = next((t for t in query.split() if t.lower() in f.record.title.lower()), "")
                value = round(confidence * (0.8 if term else 0.4), 3)
                out.append(_market_link(f, value, "text" if term else "search", term or m.text))
    return out


def _merged(links: list[RecordLink], kind: str, limit: int = 8) -> list[RecordLink]:
    """One entry per record: its best confidence, every word that led to it."""
    best: dict[str, RecordLink] = {}
    for link in links:
        if link.kind != kind or link.confidence < MIN_CONFIDENCE:
            continue
        known = best.get(link.id)
        if known is None:
            best[link.id] = link.model_copy(deep=True)
            continue
        known.via = sorted(set(known.via) | set(link.via))
        if link.confidence > known.confidence:
            known.confidence, known.basis = link.confidence, link.basis
    return sorted(best.values(), key=lambda r: (-r.confidence, -len(r.via), r.title))[:limit]


def links_of(doc: Document, session: Session, *, actor: Actor, holder: Any) -> DocumentLinksRead:
    found = extract([p.text for p in doc.paragraphs], places=_places(), language=doc.language)
    directory_ok = Permission.view_directory in actor.permissions
    organisations = [
        _mention(m, _organisation_links(session, actor, holder, m) if directory_ok else [])
        for m in found.organisations[:ORGANISATIONS]
    ]
    terms = []
    market_links: list[RecordLink] = []
    query = " ".join(m.text for m in found.terms[:3])
    queries = [m.text for m in found.terms[:TERMS]] + [query]
    # Every query's vector in one batch: about ten times faster than one by one.
    vectors = lookup.query_vectors(session, holder=holder, queries=queries) if directory_ok else []
    for m, vector in zip(found.terms[:TERMS], vectors, strict=False):
        links = _term_links(session, actor, holder, m.text, vector)
        market_links += links
        terms.append(_mention(m, [r for r in links if r.confidence >= MIN_CONFIDENCE][:4]))
    if not directory_ok:
        terms = [_mention(m, []) for m in found.terms[:TERMS]]
    places = []
    for m in found.places[:PLACES]:
        links = _place_links(session, actor, holder, m, query, vectors[-1]) if directory_ok else []
        market_links += links[1:]
        places.append(_mention(m, links))
    return DocumentLinksRead(
        document_id=doc.id,
        title=doc.title,
        language=doc.language,
        organisations=organisations,
        places=places,
        terms=terms,
        achievements=_merged(market_links, "achievement"),
        needs=_merged(market_links, "need"),
    )


def document_links(
    session: Session, *, actor: Actor, holder: Any, document_id: int
) -> DocumentLinksRead:
    """The organisations, places and terms a document names, linked to labline's records."""
    doc = records.get_document(session, actor=actor, document_id=document_id)
    return links_of(doc, session, actor=actor, holder=holder)


def documents_about(
    session: Session, *, actor: Actor, holder: Any, term: str, limit: int = 5
) -> AboutListRead:
    """Recent documents about a term (the search's best matches, newest first)."""
    term = term.strip()
    if not term:
        raise InvalidInput(
            "Say what the documents should be about",
            fields=[FieldError("term", "must not be empty")],
        )
    found = search.search(
        session,
        actor=actor,
        holder=holder,
        query=term,
        limit=limit,
        sort="date",
        per_document=1,
    )
    return AboutListRead(
        query=term,
        documents=[
            AboutRead(
                id=f.document.id,
                title=f.document.title,
                source=f.document.source,
                date=f.document.issued_on,
                language=f.document.language,
                score=round(f.score, 4),
                paragraph=f.paragraphs[0].n if f.paragraphs else None,
                snippet=f.paragraphs[0].text[:200] if f.paragraphs else "",
            )
            for f in found
        ],
    )


def record_query(record: Any) -> str:
    """The words a market record or an organisation is about: its field, else its title."""
    if getattr(record, "field", ""):
        return f"{record.field} {record.title}"[:200]
    if hasattr(record, "name_zh"):
        return f"{record.name_zh} {record.name_en}"
    return str(getattr(record, "title", ""))[:200]


def record_of(session: Session, *, actor: Actor, kind: str, record_id: int) -> Any:
    """A need, an achievement or an organisation, as its own domain shows it to the actor."""
    if kind == "organisation":
        return organisations.get_organisation(session, actor=actor, organisation_id=record_id)
    if kind == "need":
        return market_records.get_need(session, actor=actor, need_id=record_id)
    if kind == "achievement":
        return market_records.get_achievement(session, actor=actor, achievement_id=record_id)
    raise InvalidInput(
        "Unknown kind of record",
        fields=[FieldError("kind", "unknown", ["need", "achievement", "organisation"])],
    )


def documents_about_record(
    session: Session, *, actor: Actor, holder: Any, kind: str, record_id: int, limit: int = 5
) -> tuple[Any, AboutListRead]:
    """Recent documents about a record's field (a need's page shows them)."""
    record = record_of(session, actor=actor, kind=kind, record_id=record_id)
    require_reader(actor)
    return record, documents_about(
        session, actor=actor, holder=holder, term=record_query(record), limit=limit
    )


def panel_for_record(session: Session, *, actor: Actor, holder: Any, record: Any) -> Any:
    """What the panel on a market record's page shows: recent documents about its field,
    or nothing for someone who may not read documents."""
    if actor.is_anonymous or not record_query(record).strip():
        return None
    about = documents_about(session, actor=actor, holder=holder, term=record_query(record), limit=5)
    return {"about": about}
