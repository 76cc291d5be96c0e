"""Links between documents and labline's own records, computed on demand.

A document's organisations are looked up in the directory, its places are regions with the
market's records there, and its technical terms find live achievements and needs — all
through core's and market's public service functions. Every link carries a confidence:

- organisation: 1.0 when the record's Chinese or English name is the mention, 0.6–0.9 when
  one name holds the other, else the names' character-bigram overlap (kept from 0.5);
- organisation: … but a name that is the other plus a country or region (教育部 | 美国教育部)
  is another body; English names are compared by their words (State Department | Department
  of State);
- term: only a specific term links (engine.specific: in the technical term list, or a
  rare or acronym-bearing Chinese compound, or an English phrase that is not all general
  words); 0.9 when it is the record's field (its technology), 0.8 when one holds the other
  (钙钛矿 | 钙钛矿叠层电池; the shorter a listed term when it is the document's), 0.6 in
  the title of a record without a field; a record the search found otherwise scores at
  most 0.45, scaled by its rank against the best hit;
- place: 1.0 for a full name (江苏省), 0.9 for a short one (江苏), 0.5 when two regions share
  the short name.

The other way, documents about a term or a market record's field are the intel search's
best matches, newest first.
"""

from __future__ import annotations

import re
from functools import cache
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
from labline.intel.engine.mentions import Mention, Place, extract, short_name
from labline.intel.engine.specific import is_specific, listed
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
CANDIDATE_TERMS = 200  # the salient words looked through for technical terms
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


@cache
def _place_names() -> frozenset[str]:
    """Country and region names (normalised): a name that differs from another only by one
    of these is another place's body (教育部 | 美国教育部)."""
    names = {_norm(c.name_zh) for c in refdata.countries()} | {
        _norm(c.name_en) for c in refdata.countries()
    }
    for r in refdata.regions():
        names |= {_norm(r.name_zh), _norm(short_name(r.name_zh)), _norm(r.name_en)}
    return frozenset(n for n in names if len(n) >= 2)


_EN_LINKS = frozenset(("of", "the", "and", "for", "on", "s"))


def _word_list(name: str) -> list[str]:
    return [w for w in re.findall(r"[a-z0-9]+", name.lower()) if w not in _EN_LINKS]


def _distinct_words(a: list[str], b: list[str]) -> tuple[list[str], list[str]]:
    while a and b and a[0] == b[0]:
        a, b = a[1:], b[1:]
    while a and b and a[-1] == b[-1]:
        a, b = a[:-1], b[:-1]
    return a, b


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
            extra = (n if len(n) > len(m) else m).replace(n if len(n) < len(m) else m, "", 1)
            if extra in _place_names():
                continue  # the same body's name in another country or city
            best = max(best, 0.6 + 0.3 * short / long)
        elif mention.isascii() and name.isascii():
            # English names by their words: "State Department" is "Department of State",
            # and not "Department of Education".
            # Without their shared first and last words, what is left must still match:
            # Goddard | Marshall Space Flight Center are two centres.
            xs, ys = _distinct_words(_word_list(mention), _word_list(name))
            if not xs or not ys:
                short, long = sorted((len(n), len(m)))
                best = max(best, 0.6 + 0.3 * short / long)
            else:
                both = len(set(xs) & set(ys))
                best = max(best, 0.8 * 2 * both / (len(set(xs)) + len(set(ys))))
        else:
            # What sets the names apart: without their shared start and end (示例市|成都市
            # 科学技术局), the rest must still look alike.
            x, y = _distinct(m, n)
            if not x or not y:  # one is the other with words inserted (股份)
                short, long = sorted((len(n), len(m)))
                best = max(best, 0.6 + 0.3 * short / long)
                continue
            a, b = _bigrams(x), _bigrams(y)
            best = max(best, 0.8 * 2 * len(a & b) / (len(a) + len(b)))
    return round(best, 3)


def _phrase(text: str) -> str:
    """Lower case, words apart by one space, so an English term matches whole words only."""
    return " " + " ".join(re.findall(r"[\w\-]+", text.lower())) + " "


def term_confidence(term: str, record: Any, score: float, top: float) -> tuple[float, str]:
    """How surely a document's term is what a market record is about (see the module's
    notes): a general word (优化, "system") links nothing, however it stands in titles."""
    if not is_specific(term):
        return 0.0, "general"
    if term.isascii():
        t, field, title = _phrase(term), _phrase(record.field or ""), _phrase(record.title)
    else:
        t, field, title = _norm(term), _norm(record.field or ""), _norm(record.title)
    if field.strip() and t == field:
        return 0.9, "text"
    # The record's technology inside the document's phrase (thermal management | passive
    # thermal management), or a listed term inside the record's (钙钛矿 | 钙钛矿叠层电池);
    # an unlisted word inside it is a fragment (管理系统 | 电池管理系统).
    if field.strip() and (field in t or (t in field and listed(term))):
        return 0.8, "text"
    if not field.strip() and t in title:
        return 0.6, "text"
    # Elsewhere in a record that names its field, the term says something else about it
    # (国产化 in "一种单克隆抗体的国产化替代方法" is the template's aspect, not the technology).
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
    if not is_specific(term):
        return out  # a general word is no evidence, however many titles it stands in
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
    session: Session, actor: Actor, holder: Any, m: Mention, terms: list[str], vector: Any
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
    if terms:
        both = lookup.search_live_both(
            session,
            actor=actor,
            holder=holder,
            query=" ".join(terms),
            k=2,
            region_code=region.code,
            vector=vector,
        )
        for found in both.values():
            for f in found:
                # In the region for sure; about the document's terms as surely as they stand.
                term = next((t for t in terms if term_confidence(t, f.record, 0, 0)[0] >= 0.6), "")
                value = round(confidence * (0.8 if term else 0.4), 3)
                if value >= MIN_CONFIDENCE:  # a record merely in the region is no link
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
    found = extract(
        [p.text for p in doc.paragraphs],
        places=_places(),
        language=doc.language,
        terms=CANDIDATE_TERMS,
    )
    directory_ok = Permission.view_directory in actor.permissions
    organisations = [
        _mention(m, _organisation_links(session, actor, holder, m) if directory_ok else [])
        for m in found.organisations[:ORGANISATIONS]
    ]
    terms = []
    market_links: list[RecordLink] = []
    # The document's listed technical terms first, then its other specific words (a long
    # report's most salient words are general: 优化, 全面; 人工智能 ranks 150th), then its
    # general words, which are shown but link nothing.
    chosen = sorted(found.terms, key=lambda m: (not listed(m.text), not is_specific(m.text)))
    chosen = chosen[:TERMS]
    # Only technical terms lead to the market through a place (a general word would find the
    # region's records by their template titles).
    specific = [m.text for m in chosen if is_specific(m.text)][:3]
    queries = [m.text for m in chosen] + [" ".join(specific)]
    # Every query's vector in one batch: about ten times faster than one by one.
    vectors = lookup.query_vectors(session, holder=holder, queries=queries) if directory_ok else []
    for m, vector in zip(chosen, vectors, strict=False):
        links = _term_links(session, actor, holder, m.text, vector)
        market_links += links
        terms.append(_mention(m, [r for r in links if r.confidence >= MIN_CONFIDENCE][:4]))
    if not directory_ok:
        terms = [_mention(m, []) for m in chosen]
    places = []
    for m in found.places[:PLACES]:
        links = (
            _place_links(session, actor, holder, m, specific, vectors[-1]) if directory_ok else []
        )
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
                date_precision=f.document.date_precision,
                date_label=f.document.issued_label,
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
